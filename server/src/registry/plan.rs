//! From image references and fetched facts to edits: what the LSP pin actions and
//! `dockerfile-lsp pin` share. The sites and the edit of one site come from the pure
//! [`crate::ide::pin`]; this module asks the [`Resolver`] about their tags, all at once,
//! and turns the answers into edits and sentences for the user.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::task::JoinSet;

use super::{Key, LookupError, Resolver};
use crate::ide::pin::{self, PinSite};
use crate::semantic::ImageFacts;
use crate::text::TextEdit;

/// The user-facing name of a site's reference, quoted: `` `node:22` `` (variables
/// resolved, digest left out).
pub fn shown(site: &PinSite) -> String {
    format!("`{}`", site.shown())
}

/// The registry keys of the sites that can be pinned, each once, in order.
pub fn keys_of<'a>(sites: impl IntoIterator<Item = &'a PinSite>) -> Vec<Key> {
    let mut keys: Vec<Key> = sites
        .into_iter()
        .filter_map(|s| s.can_pin().ok())
        .filter_map(Key::of)
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Starts one lookup per key; the answers arrive as they complete
/// (`join_next().await`), so a caller can report progress.
pub fn spawn_lookups(
    resolver: &Arc<Resolver>,
    keys: Vec<Key>,
) -> JoinSet<(Key, Result<ImageFacts, LookupError>)> {
    let mut tasks = JoinSet::new();
    for key in keys {
        let resolver = resolver.clone();
        tasks.spawn(async move {
            let result = resolver.resolve(&key).await;
            (key, result)
        });
    }
    tasks
}

/// What a site's reference is compared with the facts fetched for its tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status<'a> {
    /// Not pinned; the tag points to these facts.
    Unpinned(&'a ImageFacts),
    /// Pinned to the digest the tag points to.
    Current,
    /// Pinned to another digest than the tag's current one.
    Outdated(&'a ImageFacts),
    /// Pinned by digest alone (no tag to compare with).
    DigestOnly,
    /// Nothing was fetched for its tag (the lookup failed).
    Unknown,
}

/// The status of `site` (whose target must be `Ok`) given the facts fetched by key.
pub fn status<'a>(site: &PinSite, facts: &'a BTreeMap<Key, ImageFacts>) -> Status<'a> {
    let Ok(target) = &site.target else {
        return Status::Unknown;
    };
    let Some(key) = Key::of(target) else {
        return Status::DigestOnly;
    };
    match (facts.get(&key), target.digest.as_deref()) {
        (None, _) => Status::Unknown,
        (Some(f), None) => Status::Unpinned(f),
        (Some(f), Some(d)) if d == f.digest => Status::Current,
        (Some(f), Some(_)) => Status::Outdated(f),
    }
}

/// The edits that pin `sites` to the digests in `facts` (sites that cannot be pinned,
/// whose lookup failed or that already carry the current digest get none), and a
/// sentence per site whose edit could not be made.
pub fn edits_for(
    sites: &[PinSite],
    facts: &BTreeMap<Key, ImageFacts>,
) -> (Vec<TextEdit>, Vec<String>) {
    let mut edits = Vec::new();
    let mut problems = Vec::new();
    for site in sites {
        let digest = match status(site, facts) {
            Status::Unpinned(f) | Status::Outdated(f) => &f.digest,
            Status::Current | Status::DigestOnly | Status::Unknown => continue,
        };
        match pin::pin_edit(site, digest) {
            Ok(edit) => edits.push(edit),
            Err(skip) => problems.push(format!("{}: {}", shown(site), skip.reason())),
        }
    }
    edits.sort_by_key(|e| e.range.start());
    (edits, problems)
}

/// One sentence about failed lookups and sites that cannot be pinned:
/// "could not pin `node:22`: registry-1.docker.io: rate limited; try again later".
pub fn failure_message(failed: &[(Key, LookupError)], problems: &[String]) -> String {
    let mut parts: Vec<String> = failed
        .iter()
        .map(|(key, err)| format!("`{key}`: {err}"))
        .collect();
    parts.extend(problems.iter().cloned());
    format!("could not pin {}", parts.join("; "))
}

//! What the LSP pin actions and `dockerfile-lsp pin` share around the registry: the
//! tags of a file's sites, their lookups all at once, and sentences for the user. What
//! each answer means for a site (edit, current, skipped) is the pure
//! [`crate::ide::pin::plan_site`].

use std::sync::Arc;

use tokio::task::JoinSet;

use super::{Key, LookupError, Resolver};
use crate::ide::pin::PinSite;
use crate::semantic::ImageFacts;

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

//! Pinning images to digests, the pure half: which image references of a file can be
//! pinned (`FROM`, `COPY --from=<image>`, `RUN --mount=from=<image>`), what each resolves
//! to through ARG defaults, the edit that adds or replaces a digest without destroying
//! variables, and the hover text of fetched facts. The digests come from the registry
//! client (`crate::registry`) through the caller; nothing here waits on the network.
//!
//! Never pinned: `scratch`, `context`, references to stages (by name or index).
//!
//! The enumeration lives in the rules layer (`rules::image_sites`) because the digest
//! rules use it too; this module re-exports its types.

use std::time::SystemTime;

use crate::ide::navigation::default_context;
use crate::ide::Analysis;
use crate::rules::image_sites::image_sites;
pub use crate::rules::image_sites::{
    format_utc, short_digest, DigestSlot, PinSite, SiteKind, Skip,
};
use crate::semantic::{FactsTable, ImageFacts};
use crate::text::TextEdit;

/// Every image reference of the file that names an image (not a stage, `scratch` or
/// `context`), in text order, with what it resolves to.
pub fn pin_sites(analysis: &Analysis) -> Vec<PinSite> {
    // The sites do not depend on the configuration.
    image_sites(&default_context(analysis))
}

/// The site whose written reference contains `offset` (ends included).
pub fn site_at(analysis: &Analysis, offset: usize) -> Option<PinSite> {
    pin_sites(analysis)
        .into_iter()
        .find(|s| s.range.start() <= offset && offset <= s.range.end())
}

/// The hover text of the fetched facts about the image reference at `offset`: the site
/// and [`facts_markdown`], or `None` when no site is there or its tag has no facts in
/// `table`.
pub fn facts_hover(
    analysis: &Analysis,
    offset: usize,
    table: &FactsTable,
    now: SystemTime,
) -> Option<(PinSite, String)> {
    let site = site_at(analysis, offset)?;
    let text = facts_markdown(&site, site.facts(table)?, now);
    Some((site, text))
}

/// The edit that makes `site` point at `digest` (`sha256:<hex>`): appends
/// `@<digest>` to the written reference, or replaces a digest written literally; the
/// written tag and any variables stay as they are.
pub fn pin_edit(site: &PinSite, digest: &str) -> Result<TextEdit, Skip> {
    site.edit(digest)
}

/// What pinning one site does with the facts fetched for its tag (the LSP actions and
/// `dockerfile-lsp pin [--check]` decide per site with this).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan<'f> {
    /// Not pinned, or pinned to another digest than the tag's current one: `edit` pins
    /// it to `facts.digest`.
    Pin {
        edit: TextEdit,
        facts: &'f ImageFacts,
    },
    /// Pinned to the tag's current digest.
    Current,
    /// Cannot be pinned, and why.
    Skipped(Skip),
    /// Nothing is known about its tag (no lookup, a failed one, or a digest-only
    /// reference that follows no tag).
    Unknown,
}

/// The plan for `site` given the facts `table` holds.
pub fn plan_site<'f>(site: &PinSite, table: &'f FactsTable) -> Plan<'f> {
    if let Err(skip) = site.can_pin() {
        return Plan::Skipped(skip);
    }
    let Some(facts) = site.facts(table) else {
        return Plan::Unknown;
    };
    if site.pinned_digest() == Some(facts.digest.as_str()) {
        return Plan::Current;
    }
    match site.edit(&facts.digest) {
        Ok(edit) => Plan::Pin { edit, facts },
        Err(skip) => Plan::Skipped(skip),
    }
}

/// The readable name of a manifest media type ("OCI image index"), `None` for one this
/// module does not know.
pub fn media_type_name(media_type: &str) -> Option<&'static str> {
    Some(match media_type {
        "application/vnd.oci.image.index.v1+json" => "OCI image index",
        "application/vnd.docker.distribution.manifest.list.v2+json" => "Docker manifest list",
        "application/vnd.oci.image.manifest.v1+json" => "OCI image manifest",
        "application/vnd.docker.distribution.manifest.v2+json" => {
            "Docker image manifest (schema 2)"
        }
        "application/vnd.docker.distribution.manifest.v1+json"
        | "application/vnd.docker.distribution.manifest.v1+prettyjws" => {
            "Docker image manifest (schema 1, deprecated)"
        }
        _ => return None,
    })
}

/// How long before `now` `then` was, in words: "just now", "3 minutes ago", "2 hours
/// ago", "5 days ago". A time after `now` (clock skew) is "just now".
pub fn time_ago(then: SystemTime, now: SystemTime) -> String {
    let secs = now.duration_since(then).map_or(0, |d| d.as_secs());
    let (n, unit) = match secs {
        0..=59 => return "just now".into(),
        60..=3599 => (secs / 60, "minute"),
        3600..=86_399 => (secs / 3600, "hour"),
        _ => (secs / 86_400, "day"),
    };
    let s = if n == 1 { "" } else { "s" };
    format!("{n} {unit}{s} ago")
}

/// Markdown lines about fetched facts for a hover: digest, media type, platforms of an
/// index, when fetched (relative to `now` and as a UTC time), and whether the written
/// digest (if any) is still current.
pub fn facts_markdown(site: &PinSite, facts: &ImageFacts, now: SystemTime) -> String {
    let shown = site.shown();
    let mut out = format!("**`{shown}`** according to its registry:\n\n");
    out.push_str(&format!("- digest: `{}`\n", facts.digest));
    let kind = match media_type_name(&facts.media_type) {
        Some(name) => format!("{name} (`{}`)", facts.media_type),
        None if facts.media_type.is_empty() => "not given".into(),
        None => format!("`{}`", facts.media_type),
    };
    out.push_str(&format!("- media type: {kind}\n"));
    if !facts.platforms.is_empty() {
        out.push_str(&format!(
            "- platforms ({}): {}\n",
            facts.platforms.len(),
            facts.platforms.join(", ")
        ));
    }
    out.push_str(&format!(
        "- fetched {}, {}\n",
        time_ago(facts.fetched_at, now),
        format_utc(facts.fetched_at)
    ));
    match site.pinned_digest() {
        Some(d) if d == facts.digest => {
            out.push_str("\nThe pinned digest is the tag's current one.\n");
        }
        Some(d) => out.push_str(&format!(
            "\nThis file pins `{}`, which is no longer what `{shown}` points to.\n",
            short_digest(d)
        )),
        None => {}
    }
    if let Some(note) = site.variable_note() {
        out.push_str(&format!("\nNote: {note}.\n"));
    }
    out
}

#[cfg(test)]
mod tests;

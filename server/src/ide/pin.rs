//! Pinning images to digests, the pure half: which image references of a file can be
//! pinned (`FROM`, `COPY --from=<image>`, `RUN --mount=from=<image>`), what each resolves
//! to through ARG defaults, the edit that adds or replaces a digest without destroying
//! variables, and the hover text of fetched facts. The digests come from the registry
//! client (`crate::registry`) through the caller; nothing here waits on the network.
//!
//! Never pinned: `scratch`, `context`, references to stages (by name or index).

use std::time::SystemTime;

use crate::ide::Analysis;
use crate::semantic::{ImageFacts, ImageRef};
use crate::text::{TextEdit, TextRange};

/// Where an image reference is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteKind {
    From,
    CopyFrom,
    MountFrom,
}

/// One image reference of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinSite {
    pub kind: SiteKind,
    /// The instruction it belongs to.
    pub instruction: usize,
    /// The reference as written in the source.
    pub range: TextRange,
    pub written: String,
    /// The reference after ARG defaults are applied, or why it cannot be pinned.
    pub target: Result<ImageRef, Skip>,
}

/// Why a reference cannot be pinned (shown to the user instead of an action).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Skip {
    /// A variable without a default (`${TAG}` with no `ARG TAG=…`).
    Unresolved { variable: String },
    /// Not a valid reference after expansion.
    Invalid(String),
    /// The digest comes from a variable's value, so the edit would have to change the
    /// ARG, not this reference.
    DigestInVariable { variable: String },
    /// A digest without a tag: there is no tag to ask the registry about.
    NoTag,
}

impl Skip {
    /// A sentence for the user.
    pub fn reason(&self) -> String {
        todo!("H3")
    }
}

/// Every image reference of the file that names an image (not a stage, `scratch` or
/// `context`), in text order, with what it resolves to.
pub fn pin_sites(analysis: &Analysis) -> Vec<PinSite> {
    let _ = analysis;
    todo!("H3")
}

/// The site whose written reference contains `offset` (ends included).
pub fn site_at(analysis: &Analysis, offset: usize) -> Option<PinSite> {
    pin_sites(analysis)
        .into_iter()
        .find(|s| s.range.start() <= offset && offset <= s.range.end())
}

/// The edit that makes `site` point at `digest` (`sha256:<hex>`): appends
/// `@<digest>` to the written reference, or replaces a digest written literally; the
/// written tag and any variables stay as they are.
pub fn pin_edit(site: &PinSite, digest: &str) -> Result<TextEdit, Skip> {
    let _ = (site, digest);
    todo!("H3")
}

/// Markdown lines about fetched facts for a hover: digest, media type, platforms of an
/// index, when fetched (relative to `now` and as a UTC time), and whether the written
/// digest (if any) is still current.
pub fn facts_markdown(site: &PinSite, facts: &ImageFacts, now: SystemTime) -> String {
    let _ = (site, facts, now);
    todo!("H3")
}

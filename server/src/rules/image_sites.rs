//! Image references a registry can be asked about: the image of `FROM`,
//! `COPY --from=<image>` / `ADD --from=<image>` and `RUN --mount=…,from=<image>` outside
//! ONBUILD, each resolved through ARG defaults, with where a digest would go. Shared by
//! the digest rules (`image-digest-missing`, `image-digest-outdated`,
//! `base-image-platform-mismatch`) and by `ide::pin` (code actions, hovers, the CLI),
//! which re-exports the types. Rules cannot depend on `ide`, so the enumeration lives
//! here.
//!
//! Never a site: `scratch`, `context`, references to stages (by name or index).

use std::time::{SystemTime, UNIX_EPOCH};

use crate::rules::copy_from_unknown_stage::from_refs_unexpanded;
use crate::rules::RuleContext;
use crate::semantic::expand::{self, Modifier, VarRef};
use crate::semantic::image_ref::is_valid_digest;
use crate::semantic::{Base, FactsTable, ImageFacts, ImageRef, AUTOMATIC_ARGS};
use crate::text::{TextEdit, TextRange};

/// Where an image reference is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SiteKind {
    /// The image of `FROM`.
    From,
    /// `COPY --from=<image>` or `ADD --from=<image>`.
    CopyFrom,
    /// `RUN --mount=…,from=<image>`.
    MountFrom,
}

impl SiteKind {
    /// How the user writes it: `FROM`, `COPY --from`, `RUN --mount=from`.
    pub fn label(self) -> &'static str {
        match self {
            SiteKind::From => "FROM",
            SiteKind::CopyFrom => "COPY --from",
            SiteKind::MountFrom => "RUN --mount=from",
        }
    }
}

/// One image reference of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinSite {
    /// Which instruction form names the image.
    pub kind: SiteKind,
    /// The instruction it belongs to.
    pub instruction: usize,
    /// The reference as written in the source (for a `--mount` value written with a
    /// line continuation or escapes, the whole flag value).
    pub range: TextRange,
    /// The reference as the parser reads it (before variable expansion).
    pub written: String,
    /// The reference after ARG defaults are applied, or why it cannot be pinned.
    pub target: Result<ImageRef, Skip>,
    /// The variables the written reference uses (`V` in `node:${V}`), in order, each
    /// once.
    pub variables: Vec<String>,
    /// Where a digest goes, or why no edit can be made here.
    pub slot: Result<DigestSlot, Skip>,
}

/// Where [`PinSite::edit`] writes the digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestSlot {
    /// Replaced by `@<digest>`: empty at the end of the reference to append one, or the
    /// written `@sha256:…` to replace it.
    pub range: TextRange,
    /// The reference names no tag and no variable (`FROM node`): the edit writes
    /// `:latest@<digest>` so the pinned reference still names the tag it follows.
    pub add_latest: bool,
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
    /// The reference is written in quotes.
    Quoted,
    /// A line continuation splits the reference.
    SplitAcrossLines,
    /// The source differs from the word BuildKit reads in another way (escapes).
    NotVerbatim,
    /// The digest given to [`PinSite::edit`] is not `sha256:<64 hex>` (or sha512).
    BadDigest(String),
}

impl Skip {
    /// A sentence for the user.
    pub fn reason(&self) -> String {
        match self {
            Skip::Unresolved { variable } if AUTOMATIC_ARGS.contains(&variable.as_str()) => format!(
                "`{variable}` is set by BuildKit at build time, not by an ARG default, so the image is only known then"
            ),
            Skip::Unresolved { variable } => format!(
                "`{variable}` has no default value here (no `ARG {variable}=…` before this line), so the image is only known at build time; give the ARG a default to pin it"
            ),
            Skip::Invalid(why) => format!("not a valid image reference: {why}"),
            Skip::DigestInVariable { variable } => format!(
                "the digest comes from the value of `{variable}`; pin it where `{variable}` is set, not in this reference"
            ),
            Skip::NoTag => "the reference has a digest and no tag: it is already pinned, and there is no tag to ask the registry about".into(),
            Skip::Quoted => "the reference is written in quotes; write it without quotes to pin it here".into(),
            Skip::SplitAcrossLines => "a line continuation splits the reference; join it on one line to pin it here".into(),
            Skip::NotVerbatim => "the reference is written with escape characters; write it plainly to pin it here".into(),
            Skip::BadDigest(d) => format!("`{d}` is not a digest (`sha256:` and 64 lowercase hex digits)"),
        }
    }
}

impl PinSite {
    /// The image this site resolves to, if a digest can be written here; otherwise why
    /// not. Decide with this before looking the tag up.
    pub fn can_pin(&self) -> Result<&ImageRef, Skip> {
        self.slot.as_ref().map_err(Clone::clone)?;
        self.target.as_ref().map_err(Clone::clone)
    }

    /// The key of the registry facts about the tag this site follows
    /// (`docker.io/library/node:22`); `None` when unresolved or digest-only.
    pub fn tag_key(&self) -> Option<String> {
        self.target.as_ref().ok()?.tag_key()
    }

    /// The facts `table` holds about this site's tag.
    pub fn facts<'t>(&self, table: &'t FactsTable) -> Option<&'t ImageFacts> {
        table.get(&self.tag_key()?)
    }

    /// The digest the resolved reference names, literally or through a variable.
    pub fn pinned_digest(&self) -> Option<&str> {
        self.target.as_ref().ok()?.digest.as_deref()
    }

    /// The resolved reference without its digest (`node:22`), as the user reads it.
    pub fn shown(&self) -> String {
        let written = match &self.target {
            Ok(r) => r.written.as_str(),
            Err(_) => self.written.as_str(),
        };
        written.split('@').next().unwrap_or(written).to_string()
    }

    /// Whether the written reference uses variables.
    pub fn uses_variables(&self) -> bool {
        !self.variables.is_empty()
    }

    /// For a reference with variables, what pinning it means: the digest is that of
    /// the ARG defaults, and a `--build-arg` does not change it.
    pub fn variable_note(&self) -> Option<String> {
        self.target.as_ref().ok()?;
        let vars = self
            .variables
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (defaults, them) = match self.variables.len() {
            0 => return None,
            1 => ("default", "it"),
            _ => ("defaults", "them"),
        };
        Some(format!(
            "the digest is that of `{}`, from the ARG {defaults}; a `--build-arg` that changes {vars} still gets this digest (a digest overrides the tag), so update the digest when you change {them}",
            self.shown()
        ))
    }

    /// The title of the code action: "Pin `node:22` to its digest", or "Update digest
    /// of `node:22`" when a digest is written.
    pub fn action_title(&self) -> String {
        if self.pinned_digest().is_some() {
            format!("Update digest of `{}`", self.shown())
        } else {
            format!("Pin `{}` to its digest", self.shown())
        }
    }

    /// The edit that makes the site point at `digest` (`sha256:<64 hex>`): appends
    /// `@<digest>` to the written reference (`:latest@<digest>` when it names no tag and
    /// no variable) or replaces a digest written literally; the tag and any variables
    /// stay as they are.
    pub fn edit(&self, digest: &str) -> Result<TextEdit, Skip> {
        let slot = self.slot.as_ref().map_err(Clone::clone)?;
        if !is_valid_digest(digest) {
            return Err(Skip::BadDigest(digest.chars().take(80).collect()));
        }
        let tag = if slot.add_latest { ":latest" } else { "" };
        Ok(TextEdit::replace(slot.range, format!("{tag}@{digest}")))
    }
}

/// `sha256:0123456789ab…`: the algorithm and the first 12 hex digits.
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algo, hex)) if hex.len() > 12 => format!("{algo}:{}…", &hex[..12]),
        _ => digest.to_string(),
    }
}

/// `2026-12-07 05:12 UTC` (proleptic Gregorian calendar; times before 1970 clamp to the
/// epoch).
pub fn format_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Year, month, day of the day `z` days after 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Every image reference of the file that names an image (not a stage, `scratch` or
/// `context`), outside ONBUILD, in text order, with what it resolves to.
pub(crate) fn image_sites(ctx: &RuleContext<'_>) -> Vec<PinSite> {
    let model = ctx.model;
    // Any stage of the file, by name or index (a later one too: never an image to pin).
    let is_stage = |value: &str| model.stage_by_ref(value).is_some();
    let mut out = Vec::new();
    for stage in &model.stages {
        let Some(word) = &stage.base_word else {
            continue;
        };
        let target = match &stage.base {
            Base::Scratch | Base::Stage(_) => continue,
            Base::Image(r) if is_stage(&r.written) => continue,
            Base::Image(r) => Ok(r.clone()),
            Base::Invalid(e) => Err(Skip::Invalid(e.0.clone())),
            Base::Unresolved => Err(unresolved(ctx, stage.from, &word.text)),
        };
        out.push(site(
            ctx,
            SiteKind::From,
            stage.from,
            word.range,
            &word.text,
            target,
        ));
    }
    for (i, f) in from_refs_unexpanded(ctx) {
        let kind = if f.what == "COPY --from" {
            SiteKind::CopyFrom
        } else {
            SiteKind::MountFrom
        };
        let lower = f.value.to_ascii_lowercase();
        let target = if !f.expanded {
            // A stage name may come from a variable too: only what looks like an image
            // outside its variables is one.
            if !looks_like_image(&f.written, model.escape()) {
                continue;
            }
            Err(unresolved(ctx, i, &f.written))
        } else if lower.is_empty()
            || ["scratch", "context"].contains(&lower.as_str())
            || lower.bytes().all(|c| c.is_ascii_digit())
            || is_stage(&lower)
        {
            continue;
        } else {
            ImageRef::parse(&f.value).map_err(|e| Skip::Invalid(e.0))
        };
        out.push(site(ctx, kind, i, f.range, &f.written, target));
    }
    out.sort_by_key(|s| s.range.start());
    out
}

fn site(
    ctx: &RuleContext<'_>,
    kind: SiteKind,
    instruction: usize,
    range: TextRange,
    written: &str,
    target: Result<ImageRef, Skip>,
) -> PinSite {
    let refs = expand::scan(written, ctx.model.escape()).0;
    let mut variables: Vec<String> = Vec::new();
    for r in &refs {
        if !variables.contains(&r.name) {
            variables.push(r.name.clone());
        }
    }
    let slot = slot(ctx, instruction, range, written, &target, &refs);
    PinSite {
        kind,
        instruction,
        range,
        written: written.to_string(),
        target,
        variables,
        slot,
    }
}

fn slot(
    ctx: &RuleContext<'_>,
    at: usize,
    range: TextRange,
    written: &str,
    target: &Result<ImageRef, Skip>,
    refs: &[VarRef],
) -> Result<DigestSlot, Skip> {
    let r = target.as_ref().map_err(Clone::clone)?;
    let source = ctx.text.get(range.range()).unwrap_or("");
    if source != written {
        return Err(if source.contains(['"', '\'']) {
            Skip::Quoted
        } else if source.contains(['\n', '\r']) {
            Skip::SplitAcrossLines
        } else {
            Skip::NotVerbatim
        });
    }
    if written.contains(['"', '\'']) {
        return Err(Skip::Quoted);
    }
    if r.tag.is_none() && r.digest.is_some() {
        return Err(Skip::NoTag);
    }
    let at_sign = outside_refs(written, refs)
        .filter(|&(_, c)| c == '@')
        .map(|(i, _)| i)
        .last();
    match (&r.digest, at_sign) {
        (None, _) => Ok(DigestSlot {
            range: TextRange::empty(range.end()),
            add_latest: r.tag.is_none() && refs.is_empty(),
        }),
        (Some(_), Some(a)) => match refs.iter().find(|v| v.range.start() > a) {
            None => Ok(DigestSlot {
                range: TextRange::new(range.start() + a, range.end()),
                add_latest: false,
            }),
            Some(v) => Err(Skip::DigestInVariable {
                variable: v.name.clone(),
            }),
        },
        (Some(_), None) => {
            let has_at = |v: &&VarRef| {
                ctx.model
                    .value_at(at, &v.name)
                    .is_some_and(|x| x.contains('@'))
                    || v.word.as_deref().is_some_and(|w| w.contains('@'))
            };
            let var = refs.iter().find(has_at).or(refs.last());
            Err(Skip::DigestInVariable {
                variable: var.map_or_else(String::new, |v| v.name.clone()),
            })
        }
    }
}

/// Why `written` does not expand at instruction `at`: the first variable without a
/// value or default, or a malformed substitution.
fn unresolved(ctx: &RuleContext<'_>, at: usize, written: &str) -> Skip {
    let (refs, bad) = expand::scan(written, ctx.model.escape());
    if let Some(b) = bad.first() {
        return Skip::Invalid(b.message.clone());
    }
    let covered = |v: &VarRef| {
        matches!(
            v.modifier,
            Some(Modifier::Default { .. }) | Some(Modifier::Alternate { .. })
        )
    };
    let missing = refs
        .iter()
        .find(|v| !covered(v) && ctx.model.value_at(at, &v.name).is_none())
        .or(refs.first());
    match missing {
        Some(v) => Skip::Unresolved {
            variable: v.name.clone(),
        },
        None => Skip::Invalid(format!("`{written}` cannot be expanded")),
    }
}

/// Whether the text outside variable references has a `:`, `/` or `@`, which a stage
/// name cannot have.
fn looks_like_image(written: &str, escape: char) -> bool {
    let refs = expand::scan(written, escape).0;
    let image_like = outside_refs(written, &refs).any(|(_, c)| matches!(c, ':' | '/' | '@'));
    image_like
}

/// The characters of `written` (with their offsets) outside the variable references
/// `refs`.
fn outside_refs<'w>(
    written: &'w str,
    refs: &'w [VarRef],
) -> impl Iterator<Item = (usize, char)> + 'w {
    written.char_indices().filter(|&(i, _)| {
        !refs
            .iter()
            .any(|v| v.range.start() <= i && i < v.range.end())
    })
}

//! Hovers on the sources of COPY and ADD: where the files come from, which edits rerun
//! this step and how many later steps follow, and what `.dockerignore` leaves out of it.
//! Read from the build-cache model ([`crate::semantic::cache`]).

use super::{code, At, Ctx, HoverResult};
use crate::ide::cache_explain;
use crate::semantic::cache::{Source, SourceKind};
use crate::semantic::copy::has_glob;
use crate::syntax::Kind;

pub(super) fn hover(ctx: &Ctx<'_>, at: &At<'_>) -> Option<HoverResult> {
    if !matches!(at.eff().kind, Kind::Copy | Kind::Add) {
        return None;
    }
    let cache = ctx.analysis.cache();
    let inputs = cache.depends_on(at.index);
    let source = inputs
        .sources
        .iter()
        .find(|s| s.range.contains(at.offset) && s.kind != SourceKind::Heredoc)?;
    let mut md = heading(ctx, source);
    md.push_str("\n\n");
    md.push_str(&reruns(ctx, at, source));
    if source.kind == SourceKind::Context {
        md.push_str(&ignored(ctx, at, source));
    }
    at.result(source.range, md)
}

/// What the source is and where its bytes come from.
fn heading(ctx: &Ctx<'_>, source: &Source) -> String {
    let name = code(&source.pattern);
    match &source.kind {
        SourceKind::Context if source.whole_context() => format!(
            "**Source** {name} · the whole build context\n\nEvery file the context sends (after `.dockerignore`) is part of this step's key: any edit anywhere reruns it."
        ),
        SourceKind::Context => {
            let glob = if has_glob(&source.pattern) {
                " The pattern is matched like Go's `filepath.Match` (`*` stays within one directory)."
            } else {
                ""
            };
            format!(
                "**Source** {name} · from the build context\n\nThe content and metadata (mode, owner; not timestamps) of the files it matches are part of this step's key.{glob}"
            )
        }
        SourceKind::Stage(s) => {
            let stage = ctx.analysis.model().stages.get(*s);
            let label = match stage.and_then(|st| st.name.as_deref()) {
                Some(n) => format!("stage {}", code(n)),
                None => format!("stage {s}"),
            };
            format!(
                "**Source** {name} · from {label}\n\nThe step depends on the whole of {label}: when any of its steps runs again, this copy runs again too, even if these files did not change."
            )
        }
        SourceKind::Image(img) => format!(
            "**Source** {name} · from the image {}\n\nThe step reruns when the image does: a tag can move, a digest cannot.",
            code(img)
        ),
        SourceKind::Url { checksum: true } => format!(
            "**Source** {name} · downloaded by the builder\n\nVerified against the `--checksum` digest; the cache is reused while that digest is unchanged."
        ),
        SourceKind::Url { checksum: false } => format!(
            "**Source** {name} · downloaded by the builder\n\nFetched on every build and compared by content: the step reruns only when the download changed. Add `--checksum=sha256:…` to also verify what arrives."
        ),
        SourceKind::Git { reference, .. } => {
            let at_ref = match reference {
                Some(r) => format!("the commit {} points to", code(r)),
                None => "the head of the default branch".to_string(),
            };
            format!(
                "**Source** {name} · a Git repository\n\nThe builder resolves {at_ref} at each build; the step reruns when that commit changes."
            )
        }
        SourceKind::Heredoc => format!("**Source** {name} · a here-document"),
    }
}

/// "An edit to these files reruns this step (line 5 `COPY`) and 2 later steps: …".
fn reruns(ctx: &Ctx<'_>, at: &At<'_>, source: &Source) -> String {
    let analysis = ctx.analysis;
    let this = cache_explain::step_label(analysis, at.index);
    let later = analysis.cache().rebuilt_by(at.index);
    let what = match source.kind {
        SourceKind::Context => "An edit to these files reruns",
        _ => "A change there reruns",
    };
    match later.len() {
        0 => format!("{what} this step ({this}) and no later one."),
        n => format!(
            "{what} this step ({this}) and {n} later step{}: {}.",
            if n == 1 { "" } else { "s" },
            cache_explain::steps_list(analysis, &later)
        ),
    }
}

/// What the `.dockerignore` beside the Dockerfile does to this source, when there is one.
fn ignored(ctx: &Ctx<'_>, at: &At<'_>, source: &Source) -> String {
    let Some(ignore) = ctx
        .config
        .build_context
        .as_ref()
        .and_then(|b| b.dockerignore.as_ref())
    else {
        return String::new();
    };
    let effects =
        cache_explain::ignore_effects(ctx.analysis, ignore, at.index, Some(&source.pattern));
    if effects.is_empty() {
        return effects;
    }
    format!("\n\n{}", effects.trim_start())
}

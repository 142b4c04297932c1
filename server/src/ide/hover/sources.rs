//! Hovers on the sources of COPY and ADD: where the files come from, which edits rerun
//! this step and how many later steps follow, and what `.dockerignore` leaves out of it.
//! Read from the build-cache model ([`crate::semantic::cache`]).

use super::{code, At, Ctx, HoverResult};
use crate::semantic::cache::{IgnoreEffect, Source, SourceKind};
use crate::semantic::copy::has_glob;
use crate::syntax::Kind;

/// How many later steps are named before "and N more".
const CAP: usize = 4;

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

/// "Editing these files reruns line 5 `COPY` and 4 later steps: …".
fn reruns(ctx: &Ctx<'_>, at: &At<'_>, source: &Source) -> String {
    let insts = &ctx.analysis.syntax().instructions;
    let step = |i: usize| {
        let kw = insts.get(i).map_or("", |inst| inst.kind.name());
        format!("line {} `{kw}`", ctx.line_of_instruction(i))
    };
    let later = ctx.analysis.cache().rebuilt_by(at.index);
    let what = match source.kind {
        SourceKind::Context => "An edit to these files reruns",
        _ => "A change there reruns",
    };
    if later.is_empty() {
        return format!("{what} this step ({}) and no later one.", step(at.index));
    }
    let mut named: Vec<String> = later.iter().take(CAP).map(|&i| step(i)).collect();
    if later.len() > CAP {
        named.push(format!("{} more", later.len() - CAP));
    }
    let list = match named.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => named.join(""),
    };
    let n = later.len();
    format!(
        "{what} this step ({}) and {n} later step{}: {list}.",
        step(at.index),
        if n == 1 { "" } else { "s" }
    )
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
    let mut out = String::new();
    for ig in ctx.analysis.cache().ignored_sources(at.index, ignore) {
        if ig.source != source.pattern {
            continue;
        }
        match ig.effect {
            IgnoreEffect::Excluded(p) => out.push_str(&format!(
                "\n\n`{}` excludes it ({}, line {}): it never reaches the builder, so this step fails or copies nothing.",
                ignore.file_name,
                code(&p.pattern),
                p.line
            )),
            IgnoreEffect::Partly(ps) => {
                let pats: Vec<String> = ps.iter().map(|p| code(&p.pattern)).collect();
                out.push_str(&format!(
                    "\n\n`{}` leaves out {} under it: edits there never reach this step.",
                    ignore.file_name,
                    pats.join(", ")
                ));
            }
        }
    }
    out
}

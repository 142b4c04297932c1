//! Hovers on naming words: the image of `FROM` (normalised name, registry, tag or
//! digest, `${VAR}` resolved through ARG defaults), `scratch`, stage names (at `AS name`,
//! `FROM name`, `--from=name`, `--mount=from=name`: where defined, who uses it) and
//! images named by `COPY --from=` / `--mount=from=`.

use super::{code, At, Ctx, HoverResult};
use crate::semantic::{expand, images, mount, Base, ImageRef, Stage};
use crate::syntax::Kind;

pub(super) fn hover(ctx: &Ctx<'_>, at: &At<'_>) -> Option<HoverResult> {
    if at.eff().kind == Kind::Healthcheck {
        return healthcheck_type(at);
    }
    if at.inst.kind != Kind::From {
        return None;
    }
    let model = ctx.analysis.model();
    let stage = model.stage_of(at.index).filter(|s| s.from == at.index)?;
    if let Some(w) = &stage.name_word {
        if w.range.contains(at.offset) {
            return at.result(w.range, stage_markdown(ctx, stage));
        }
    }
    let w = stage.base_word.as_ref()?;
    if !w.range.contains(at.offset) {
        return None;
    }
    let md = match &stage.base {
        Base::Scratch => scratch(),
        Base::Stage(p) => {
            let p = model.stages.get(*p)?;
            format!(
                "Built on an earlier stage: it starts from the result of {}.\n\n---\n\n{}",
                label(p),
                stage_markdown(ctx, p)
            )
        }
        Base::Image(r) => image_markdown(ctx, r, &w.text),
        Base::Invalid(e) => format!(
            "**Image** {}\n\nNot a valid image reference: {}.",
            code(&w.text),
            e.0
        ),
        Base::Unresolved => unresolved(ctx, stage, &w.text),
    };
    at.result(w.range, md)
}

/// `FROM` a word whose variables have no known value: chosen when the build runs; the
/// earlier stages whose names fit the pattern (`binaries-$TARGETOS`).
fn unresolved(ctx: &Ctx<'_>, stage: &Stage, written: &str) -> String {
    let mut md = format!(
        "**Image** {}\n\nIt uses a build argument with no value known here: the image is \
         chosen when the build runs (by `--build-arg`, or by the builder for platform ARGs).",
        code(written)
    );
    let model = ctx.analysis.model();
    let (refs, bad) = expand::scan(written, model.escape());
    if !bad.is_empty() || refs.is_empty() {
        return md;
    }
    let mut pattern = String::new();
    let mut pos = 0;
    for r in &refs {
        pattern.push_str(written.get(pos..r.range.start()).unwrap_or(""));
        pattern.push('*');
        pos = r.range.end();
    }
    pattern.push_str(written.get(pos..).unwrap_or(""));
    let pattern = pattern.to_ascii_lowercase();
    let candidates: Vec<String> = model.stages[..stage.index.min(model.stages.len())]
        .iter()
        .filter_map(|s| s.name.as_deref())
        .filter(|n| expand::glob_match(&pattern, n))
        .map(code)
        .collect();
    if !candidates.is_empty() {
        md.push_str(&format!(
            "\n\nIt can name an earlier stage: {}.",
            candidates.join(", ")
        ));
    }
    md
}

/// `HEALTHCHECK CMD …` / `HEALTHCHECK NONE`: the word that says which form it is.
fn healthcheck_type(at: &At<'_>) -> Option<HoverResult> {
    let w = at.eff().args.words.first()?;
    if !w.range.contains(at.offset) {
        return None;
    }
    let md = if w.text.eq_ignore_ascii_case("none") {
        "**`HEALTHCHECK NONE`**\n\nTurns off the health check this image would inherit from its \
         base image."
    } else if w.text.eq_ignore_ascii_case("cmd") {
        "**`HEALTHCHECK CMD`**\n\nWhat follows is the check command, run inside the container \
         (shell form or a JSON array): exit status 0 means healthy, 1 unhealthy."
    } else {
        return None;
    };
    at.result(w.range, md.to_string())
}

fn scratch() -> String {
    "**`scratch`** · the empty image\n\nThe stage starts with no files at all: no shell, no \
     libraries, no certificates. Only `COPY`/`ADD` put files in it, and `RUN` works only \
     once a program has been copied in."
        .to_string()
}

/// The value of `COPY --from=` or `--mount=from=` at instruction `at`: a stage (by name
/// or index), `scratch`, or an image.
pub(super) fn from_value(ctx: &Ctx<'_>, at: usize, value: &str) -> Option<String> {
    let model = ctx.analysis.model();
    let expanded = if value.contains('$') {
        model.expand_at(at, value)?
    } else {
        value.to_string()
    };
    if let Some(s) = model.stage_by_ref(&expanded) {
        if s.from < at {
            return Some(stage_markdown(ctx, s));
        }
    }
    if expanded.eq_ignore_ascii_case("scratch") {
        return Some(scratch());
    }
    match ImageRef::parse(&expanded) {
        Ok(r) => Some(image_markdown(ctx, &r, value)),
        Err(e) => Some(format!(
            "{}\n\nNeither an earlier stage nor a valid image reference: {}.",
            code(value),
            e.0
        )),
    }
}

fn label(s: &Stage) -> String {
    match &s.name {
        Some(n) => format!("stage {}", code(n)),
        None => format!("unnamed stage {}", s.index),
    }
}

/// An image reference: full name, registry, tag or digest.
pub(super) fn image_markdown(ctx: &Ctx<'_>, r: &ImageRef, written: &str) -> String {
    let mut md = format!("**Image** {}\n\n", code(&r.full_name()));
    if written != r.written {
        md.push_str(&format!(
            "- Written {}, resolved through ARG defaults to {}.\n",
            code(written),
            code(&r.written)
        ));
    }
    if r.is_docker_hub() {
        if r.repository.starts_with("library/") {
            md.push_str("- Registry: `docker.io` (Docker Hub), an official image.\n");
        } else {
            md.push_str("- Registry: `docker.io` (Docker Hub).\n");
        }
    } else {
        md.push_str(&format!("- Registry: {}.\n", code(&r.registry)));
    }
    match (&r.tag, &r.digest) {
        (_, Some(d)) => md.push_str(&format!(
            "- Pinned by digest {}: the image cannot change under the build cache{}.\n",
            code(&super::shorten(d, 24)),
            if r.tag.is_some() {
                "; the tag is only informative"
            } else {
                ""
            }
        )),
        (Some(t), None) => md.push_str(&format!(
            "- Tag {}: an unpinned tag can move to a new image at any time; pin it to a digest \
             (`@sha256:…`) for repeatable builds.\n",
            code(t)
        )),
        (None, None) => md.push_str(
            "- No tag: Docker uses `latest`, which moves with every release; name a version \
             and pin a digest.\n",
        ),
    }
    let facts = &ctx.config.image_platforms;
    if let Some(platforms) = facts.get(&r.written).or_else(|| facts.get(&r.full_name())) {
        let list: Vec<String> = platforms.iter().map(|p| code(p)).collect();
        md.push_str(&format!("- Platforms it offers: {}.\n", list.join(", ")));
    }
    if let Some(o) = images::official(r) {
        if let Some(slim) = o.slim {
            if images::is_full_variant(r.tag.as_deref()) {
                md.push_str(&format!(
                    "- A `{slim}` variant exists (about {} MB compressed instead of {} MB).\n",
                    o.sizes_mb.1, o.sizes_mb.0
                ));
            }
        }
    }
    md.trim_end().to_string()
}

/// A stage: where it is defined, what it is built on, who uses it.
pub(super) fn stage_markdown(ctx: &Ctx<'_>, s: &Stage) -> String {
    let model = ctx.analysis.model();
    let total = model.stages.len();
    let mut md = match &s.name {
        Some(n) => format!(
            "**Stage** {} · stage {} of {total} (counting from 0)\n\n",
            code(n),
            s.index
        ),
        None => format!(
            "**Stage {}** of {total} (counting from 0; no name, `--from={}` names it)\n\n",
            s.index, s.index
        ),
    };
    md.push_str(&format!(
        "Defined on line {}",
        ctx.line_of_instruction(s.from)
    ));
    match &s.base {
        Base::Scratch => md.push_str(", starting from `scratch`.\n"),
        Base::Stage(p) => md.push_str(&format!(
            ", built on {}.\n",
            model
                .stages
                .get(*p)
                .map_or("an earlier stage".to_string(), label)
        )),
        Base::Image(r) => md.push_str(&format!(", built on {}.\n", code(&r.full_name()))),
        Base::Invalid(_) | Base::Unresolved => md.push_str(".\n"),
    }
    let steps = s.instructions.len().saturating_sub(1);
    md.push_str(&format!(
        "{steps} instruction{} after its `FROM`.\n",
        if steps == 1 { "" } else { "s" }
    ));
    let in_image = model.image_stages().get(s.index).copied().unwrap_or(false);
    let uses = uses_of(ctx, s);
    if uses.is_empty() {
        if s.index + 1 == total {
            md.push_str("\nThe final stage: what `docker build` produces without `--target`.");
        } else {
            md.push_str(&format!(
                "\nNo other stage uses it: it is built only with `--target {}`.",
                s.name.clone().unwrap_or_else(|| s.index.to_string())
            ));
        }
    } else {
        md.push_str("\nUsed by:\n");
        for (line, stage, how) in &uses {
            md.push_str(&format!("- line {line}, {stage}: {how}\n"));
        }
        if in_image {
            md.push_str(
                "\nIts files are part of the final image (the final stage is built on it).",
            );
        }
    }
    md.trim_end().to_string()
}

/// The instructions that use stage `s`: `(line, stage label, how)`.
fn uses_of(ctx: &Ctx<'_>, s: &Stage) -> Vec<(usize, String, String)> {
    let model = ctx.analysis.model();
    let mut out = Vec::new();
    let refers = |at: usize, value: &str| {
        let v = if value.contains('$') {
            match model.expand_at(at, value) {
                Some(v) => v,
                None => return false,
            }
        } else {
            value.to_string()
        };
        model.stage_by_ref(&v).is_some_and(|t| t.index == s.index)
    };
    for user in &model.stages[s.index.saturating_add(1).min(model.stages.len())..] {
        let user_label = label(user);
        if user.base == Base::Stage(s.index) {
            out.push((
                ctx.line_of_instruction(user.from),
                user_label.clone(),
                format!(
                    "`FROM {}`",
                    user.base_word.as_ref().map_or("", |w| w.text.as_str())
                ),
            ));
        }
        for j in user.instructions.clone() {
            let Some(inst) = ctx.analysis.syntax().instructions.get(j) else {
                continue;
            };
            if inst.kind == Kind::Onbuild {
                continue;
            }
            match inst.kind {
                Kind::Copy | Kind::Add => {
                    if let Some(v) = inst.flag("from").and_then(|f| f.value.as_deref()) {
                        if refers(j, v) {
                            out.push((
                                ctx.line_of_instruction(j),
                                user_label.clone(),
                                format!("`{} --from={v}`", inst.kind.name()),
                            ));
                        }
                    }
                }
                Kind::Run => {
                    for m in mount::mounts(inst) {
                        if let Some(v) = m.get("from") {
                            if refers(j, v) {
                                out.push((
                                    ctx.line_of_instruction(j),
                                    user_label.clone(),
                                    format!("`RUN --mount=type={},from={v}`", m.typ),
                                ));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

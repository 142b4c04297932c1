//! `copy-from-unknown-stage`: a `--from` value that names no earlier stage.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::Stage;
use crate::syntax::Kind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<value>` and `RUN --mount=from=<value>` where the value is
    /// not the name of an earlier stage, not the index of an earlier stage and does not
    /// look like an image reference (it has no `:`, `/` or `@`). Values with variables
    /// are expanded first; a value that cannot be expanded is not reported. A stage
    /// defined later in the file gets its own message. The current stage is left to
    /// `copy-from-self`.
    ///
    /// `RUN --mount=from=` is included because it resolves names exactly like `COPY
    /// --from` and a typo there fails the same way. `ONBUILD` triggers are skipped:
    /// their stage names refer to the Dockerfile that will use the image.
    ///
    /// Named build contexts (`docker buildx build --build-context name=…`) are
    /// invisible in the Dockerfile; a `--from` that names one is reported and needs a
    /// suppression comment.
    ///
    /// Differences from hadolint (DL3022): hadolint takes only values with a `:` for
    /// images, so it reports `COPY --from=gloursdocker/docker / /` (3 files of our
    /// corpus); a `/` or `@` cannot appear in a stage name, so we read those as images
    /// too. hadolint also leaves `RUN --mount=from=` alone, and does not expand `$VAR`
    /// values.
    ///
    /// ## Why is this bad?
    /// A name that is not a stage is treated as an image on Docker Hub: a typo such as
    /// `--from=buidler` makes the build try to pull `docker.io/library/buidler`, which
    /// fails with a confusing "pull access denied", or worse, succeeds with a stranger's
    /// image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=buidler /out/app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=builder /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Fix safety
    /// When an earlier stage name contains the value (`set` → `license-set`) or is at
    /// most two edits away (`buidler` → `builder`), a fix replaces the value with it.
    /// It is unsafe: the closest name is a guess.
    ///
    /// ## References
    /// - hadolint `DL3022` ("COPY --from should reference a previously defined FROM
    ///   alias")
    /// - Dockerfile reference, "COPY --from" and "RUN --mount"
    pub(crate) RULE {
        id: "copy-from-unknown-stage",
        summary: "COPY --from names no earlier stage",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3022"],
        buildkit: [],
        check: check,
    }
}

/// One `--from=` / `--mount=…,from=…` reference to a stage or image.
pub(crate) struct FromRef<'a> {
    /// The stage the instruction belongs to.
    pub stage: &'a Stage,
    /// The value as written.
    pub written: String,
    /// The value after variable expansion (the written text when `expanded` is false).
    pub value: String,
    /// False when a variable of the value has no known value (only
    /// [`from_refs_unexpanded`] returns those).
    pub expanded: bool,
    /// Where the value is written.
    pub range: TextRange,
    /// `COPY --from` or `RUN --mount=from`.
    pub what: &'static str,
}

/// Every stage reference of COPY/ADD `--from` and RUN `--mount=from=` outside ONBUILD,
/// with its value expanded (references that cannot be expanded are left out).
pub(crate) fn from_refs<'a>(ctx: &RuleContext<'a>) -> Vec<FromRef<'a>> {
    from_refs_with(ctx, false).into_iter().map(|(_, r)| r).collect()
}

/// Every `--from=` / `--mount=…,from=…` reference outside ONBUILD with the index of its
/// instruction, including those whose value cannot be expanded (`expanded` false).
pub(crate) fn from_refs_unexpanded<'a>(ctx: &RuleContext<'a>) -> Vec<(usize, FromRef<'a>)> {
    all_from_refs(ctx, false)
}

/// [`from_refs`] with the instruction index of each, and with `onbuild` also the
/// `--from` of `ONBUILD COPY` / `ONBUILD RUN --mount` triggers.
fn from_refs_with<'a>(ctx: &RuleContext<'a>, onbuild: bool) -> Vec<(usize, FromRef<'a>)> {
    let mut all = all_from_refs(ctx, onbuild);
    all.retain(|(_, r)| r.expanded);
    all
}

fn all_from_refs<'a>(ctx: &RuleContext<'a>, onbuild: bool) -> Vec<(usize, FromRef<'a>)> {
    let mut out = Vec::new();
    for (i, outer) in ctx.syntax.instructions.iter().enumerate() {
        let inst = if onbuild { outer.effective() } else { outer };
        let Some(stage) = ctx.model.stage_of(i) else {
            continue;
        };
        if stage.from == i {
            continue;
        }
        let mut push = |written: &str, range: TextRange, what: &'static str| {
            let value = if written.contains('$') {
                ctx.model.expand_at(i, written)
            } else {
                Some(written.to_string())
            };
            out.push((i, FromRef {
                stage,
                written: written.to_string(),
                expanded: value.is_some(),
                value: value.unwrap_or_else(|| written.to_string()),
                range,
                what,
            }));
        };
        match inst.kind {
            Kind::Copy | Kind::Add => {
                for f in inst.flags.iter().filter(|f| f.name == "from") {
                    if let (Some(v), Some(r)) = (&f.value, f.value_range) {
                        push(v, r, "COPY --from");
                    }
                }
            }
            Kind::Run => {
                for f in inst.flags.iter().filter(|f| f.name == "mount") {
                    let (Some(v), Some(r)) = (&f.value, f.value_range) else {
                        continue;
                    };
                    // Quoted CSV fields are rare; skip them rather than guess.
                    if v.contains('"') {
                        continue;
                    }
                    let verbatim = r.len() == v.len();
                    let mut at = 0;
                    for field in v.split(',') {
                        if let Some(value) = field.strip_prefix("from=") {
                            let start = at + "from=".len();
                            let range = if verbatim {
                                TextRange::new(r.start() + start, r.start() + start + value.len())
                            } else {
                                r
                            };
                            push(value, range, "RUN --mount=from");
                        }
                        at += field.len() + 1;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let stages = &ctx.model.stages;
    for r in from_refs(ctx) {
        let current = r.stage.index;
        let lower = r.value.to_ascii_lowercase();
        if lower.is_empty() || r.stage.name.as_deref() == Some(lower.as_str()) {
            continue;
        }
        if lower.bytes().all(|b| b.is_ascii_digit()) {
            match lower.parse::<usize>() {
                Ok(n) if n < current => {}
                Ok(n) if n == current => {}
                _ => {
                    acc.report(
                        &RULE,
                        r.range,
                        format!(
                            "`{}` is not the index of an earlier stage (this is stage {current}); use the index or name of a stage defined above",
                            r.value
                        ),
                    );
                }
            }
            continue;
        }
        if stages[..current]
            .iter()
            .any(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            continue;
        }
        if lower.contains([':', '/', '@']) {
            continue;
        }
        let shown = if r.written == r.value {
            format!("`{}`", r.value)
        } else {
            format!("`{}` (`{}`)", r.written, r.value)
        };
        if let Some(later) = stages[current + 1..]
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            let line = ctx
                .line_index
                .line_of(ctx.syntax.instructions[later.from].range.start())
                + 1;
            acc.report(
                &RULE,
                r.range,
                format!(
                    "{} {shown} refers to the stage defined later on line {line}; move that stage above this one",
                    r.what
                ),
            );
            continue;
        }
        let suggestion = suggest(stages[..current].iter().filter_map(|s| s.name.as_deref()), &lower);
        match suggestion {
            Some(name) => {
                let d = acc.report(
                    &RULE,
                    r.range,
                    format!(
                        "{} {shown} names no earlier stage and would be pulled as an image; did you mean `{name}`?",
                        r.what
                    ),
                );
                if r.written == r.value && r.range.len() == r.written.len() {
                    d.with_fix(
                        format!("Replace `{}` with `{name}`", r.written),
                        Applicability::Unsafe,
                        vec![TextEdit::replace(r.range, name)],
                    );
                }
            }
            None => {
                acc.report(
                    &RULE,
                    r.range,
                    format!(
                        "{} {shown} names no earlier stage and would be pulled as an image; name a stage defined above, or write the image with a tag (`{}:<version>`)",
                        r.what, r.value
                    ),
                );
            }
        }
    }
}

/// The earlier stage name the author most likely meant by `written`: a name that
/// contains it (`set` → `license-set`), else one at most two edits away (`buidler` →
/// `builder`); the closest by edit distance, the nearest stage above on a tie.
fn suggest<'n>(names: impl DoubleEndedIterator<Item = &'n str>, written: &str) -> Option<&'n str> {
    let mut best: Option<(bool, usize, &str)> = None;
    for name in names.rev() {
        let d = strsim::levenshtein(written, name);
        let contains = written.len() >= 3 && name.contains(written);
        if !contains && (d > 2 || d >= written.len()) {
            continue;
        }
        // Containment beats edit distance; `<` keeps the later stage on ties.
        let better = best.is_none_or(|(c, bd, _)| (!contains, d) < (!c, bd));
        if better {
            best = Some((contains, d, name));
        }
    }
    best.map(|(_, _, n)| n)
}

/// Every place that names stage `target` (by its index): its own `AS` word, the
/// `FROM <name>` of later stages built on it, and the `COPY --from=<name>` /
/// `RUN --mount=from=<name>` values that resolve to it (the newest stage of that name
/// defined before them, as BuildKit resolves names). Only references written verbatim
/// (no variable, no quotes or continuation inside) are returned, since those are the
/// ones an edit can rewrite. With `onbuild`, `--from` values of `ONBUILD` triggers
/// naming the stage are included too (they are resolved in the downstream build, so
/// only a letter-case change keeps their meaning).
pub(crate) fn stage_name_refs(ctx: &RuleContext<'_>, target: usize, onbuild: bool) -> Vec<TextRange> {
    let stages = &ctx.model.stages;
    let Some(stage) = stages.get(target) else {
        return Vec::new();
    };
    let (Some(name), Some(word)) = (&stage.name, &stage.name_word) else {
        return Vec::new();
    };
    let verbatim = |text: &str, range: TextRange| {
        ctx.text.get(range.range()) == Some(text) && !text.contains(['$', '"', '\''])
    };
    let mut out = Vec::new();
    if verbatim(&word.text, word.range) {
        out.push(word.range);
    }
    // The stage a name resolves to from instruction `at`.
    let resolves_here = |written: &str, at: usize| {
        let lower = written.to_ascii_lowercase();
        stages
            .iter()
            .rev()
            .find(|s| s.from < at && s.name.as_deref() == Some(lower.as_str()))
            .is_some_and(|s| s.index == target)
    };
    for later in &stages[target + 1..] {
        if let (crate::semantic::Base::Stage(p), Some(base)) = (&later.base, &later.base_word) {
            if *p == target && base.text.eq_ignore_ascii_case(name) && verbatim(&base.text, base.range) {
                out.push(base.range);
            }
        }
    }
    for (i, r) in from_refs_with(ctx, onbuild) {
        let is_trigger = ctx.syntax.instructions[i].kind == Kind::Onbuild;
        let refers = if is_trigger {
            r.written.eq_ignore_ascii_case(name)
        } else {
            resolves_here(&r.written, i)
        };
        if refers && r.written == r.value && verbatim(&r.written, r.range) {
            out.push(r.range);
        }
    }
    out.sort_by_key(|r| r.start());
    out.dedup();
    out
}

/// A new name for stage `index` named `base`: `<base>-N` with N the stage's position
/// among the stages of that name (at least 2), or the next number no stage uses.
pub(crate) fn unused_stage_name(ctx: &RuleContext<'_>, index: usize, base: &str) -> String {
    let stages = &ctx.model.stages;
    let taken = |n: &str| stages.iter().any(|s| s.name.as_deref() == Some(n));
    let earlier = stages[..index]
        .iter()
        .filter(|s| s.name.as_deref() == Some(base))
        .count();
    (earlier.max(1) + 1..)
        .map(|k| format!("{base}-{k}"))
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unknown_stages() {
        check_rule(
            &RULE,
            r#"
ARG SRC=bulder
FROM golang:1.23 AS builder
FROM alpine:3.20 AS final
COPY --from=buidler /out/app /app
COPY --from=set /x /x
COPY --from=7 /x /x
RUN --mount=type=bind,from=assets,target=/a true
ARG SRC
COPY --from=$SRC /x /x
FROM alpine:3.20 AS assets
"#,
            expect![[r#"
                4 | COPY --from=buidler /out/app /app
                  |             ^^^^^^^ copy-from-unknown-stage: COPY --from `buidler` names no earlier stage and would be pulled as an image; did you mean `builder`?
                5 | COPY --from=set /x /x
                  |             ^^^ copy-from-unknown-stage: COPY --from `set` names no earlier stage and would be pulled as an image; name a stage defined above, or write the image with a tag (`set:<version>`)
                6 | COPY --from=7 /x /x
                  |             ^ copy-from-unknown-stage: `7` is not the index of an earlier stage (this is stage 1); use the index or name of a stage defined above
                7 | RUN --mount=type=bind,from=assets,target=/a true
                  |                            ^^^^^^ copy-from-unknown-stage: RUN --mount=from `assets` refers to the stage defined later on line 10; move that stage above this one
                9 | COPY --from=$SRC /x /x
                  |             ^^^^ copy-from-unknown-stage: COPY --from `$SRC` (`bulder`) names no earlier stage and would be pulled as an image; did you mean `builder`?
            "#]],
        );
    }

    #[test]
    fn accepts_stages_indexes_images_and_unknown_values() {
        check_rule_not(
            &RULE,
            r#"
ARG VARIANT
FROM golang:1.23 AS Builder
FROM alpine:3.20 AS final
COPY --from=builder /out/app /app
COPY --from=0 /out/app /app
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
COPY --from=ghcr.io/org/tool /bin/tool /bin/tool
COPY --from=final /x /y
COPY --from=$VARIANT /x /x
RUN --mount=type=cache,target=/root/.cache \
    --mount=type=bind,from=builder,source=/out,target=/out true
ONBUILD COPY --from=downstream /x /x
"#,
        );
    }

    /// docker/compose's Dockerfile: `--from=set` after `AS license-set` meant that stage,
    /// not `test` (one edit closer).
    #[test]
    fn prefers_a_stage_containing_the_name() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.23 AS base
FROM base AS test
FROM base AS license-set
FROM base AS build
FROM scratch AS license-update
COPY --from=set /out /
COPY --from=buidl /out /
COPY --from=ab /out /
"#,
            expect![[r#"
                6 | COPY --from=set /out /
                  |             ^^^ copy-from-unknown-stage: COPY --from `set` names no earlier stage and would be pulled as an image; did you mean `license-set`?
                7 | COPY --from=buidl /out /
                  |             ^^^^^ copy-from-unknown-stage: COPY --from `buidl` names no earlier stage and would be pulled as an image; did you mean `build`?
                8 | COPY --from=ab /out /
                  |             ^^ copy-from-unknown-stage: COPY --from `ab` names no earlier stage and would be pulled as an image; name a stage defined above, or write the image with a tag (`ab:<version>`)
            "#]],
        );
    }

    #[test]
    fn fixes_typos() {
        check_rule_fix(
            &RULE,
            r#"
FROM golang:1.23 AS builder
FROM alpine:3.20
COPY --from=buidler /out/app /app
"#,
            expect![[r#"
                FROM golang:1.23 AS builder
                FROM alpine:3.20
                COPY --from=builder /out/app /app
            "#]],
        );
    }
}

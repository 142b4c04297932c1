//! `from-arg-undefined`: a variable in FROM that no global ARG declares.

use crate::text::line_break_at;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::TextEdit;
use crate::semantic::{builder_var_refs, Modifier, AUTOMATIC_ARGS};

declare_rule! {
    /// ## What it does
    /// Reports a `$VAR` in a `FROM` line (the image or `--platform`) that is not
    /// declared by an `ARG` before that `FROM` in the global scope (before the first
    /// `FROM`) and is not an automatic argument (`TARGETPLATFORM`, `BUILDPLATFORM`, …).
    /// References with a default, alternative or error modifier (`${TAG:-3.20}`,
    /// `${TAG:?}`) are not reported: they state what happens when the value is missing.
    ///
    /// ## Why is this bad?
    /// `FROM` only sees global ARGs. An undeclared variable expands to an empty string,
    /// even when `--build-arg` passes it, so `FROM alpine:$TAG` becomes `FROM alpine:`
    /// and the build fails, or `FROM $REGISTRY/app` silently pulls from Docker Hub.
    /// An `ARG` declared inside an earlier stage does not count.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:${ALPINE_VERSION}
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG ALPINE_VERSION=3.20
    /// FROM alpine:${ALPINE_VERSION}
    /// ```
    ///
    /// ## Fix safety
    /// When a declared global ARG (or automatic ARG) is close to the name (at most two
    /// edits, the only one that close), the fix replaces the name with it: safe when
    /// only the letter case differs, unsafe otherwise (a guess). Otherwise the fix
    /// inserts `ARG NAME` (no default) before the first `FROM`, above the comments
    /// directly on top of it and below any parser directive. It is unsafe: the `FROM`
    /// then uses the value passed with `--build-arg`, where it used an empty string.
    ///
    /// ## References
    /// - BuildKit check `UndefinedArgInFrom`
    /// - Dockerfile reference, "Understand how ARG and FROM interact", "Automatic
    ///   platform ARGs in the global scope"
    pub(crate) RULE {
        id: "from-arg-undefined",
        summary: "FROM uses a variable no global ARG declares",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: ["UndefinedArgInFrom"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    let Some(first_from) = model.stages.first().map(|s| s.from) else {
        return;
    };
    let insert_at = arg_insertion_point(ctx, first_from);
    for stage in &model.stages {
        let inst = &ctx.syntax.instructions[stage.from];
        for r in builder_var_refs(ctx.text, inst, ctx.syntax.escape) {
            let covered = matches!(
                r.modifier,
                Some(Modifier::Default { .. })
                    | Some(Modifier::Alternate { .. })
                    | Some(Modifier::Required { .. })
            );
            if covered || model.lookup(stage.from, &r.name).is_some() {
                continue;
            }
            let candidates = model
                .global_args
                .iter()
                .filter(|d| d.instruction < stage.from)
                .map(|d| d.name.as_str())
                .chain(AUTOMATIC_ARGS.iter().copied());
            let suggestion = suggest_name(&r.name, candidates);
            let message = match suggestion {
                Some((s, _)) => format!(
                    "`{}` is not declared by a global ARG; did you mean `{s}`?",
                    r.name
                ),
                None => format!(
                    "`{}` is not declared by a global ARG, so it expands to an empty string here; add `ARG {}` before the first FROM",
                    r.name, r.name
                ),
            };
            let d = acc.report(&RULE, r.range, message);
            if let Some((s, certain)) = suggestion {
                if ctx.text.get(r.name_range.range()) == Some(r.name.as_str()) {
                    d.with_fix(
                        format!("Replace `{}` with `{s}`", r.name),
                        if certain { Applicability::Safe } else { Applicability::Unsafe },
                        vec![TextEdit::replace(r.name_range, s)],
                    );
                }
            }
            // Declaring a misspelt name would only make the typo permanent.
            if let (Some(at), None) = (insert_at, suggestion) {
                let line_end = ctx.text[at..]
                    .find(['\r', '\n'])
                    .map_or(ctx.text.len(), |i| at + i);
                let eol = line_break_at(ctx.text, line_end);
                d.with_fix(
                    format!("Declare `ARG {}` before the first FROM", r.name),
                    Applicability::Unsafe,
                    vec![TextEdit::insert(at, format!("ARG {}{eol}", r.name))],
                );
            }
        }
    }
}

/// The closest name to `written` among `candidates`: at most two edits away (and
/// fewer than its length), and the only one at that distance. The flag is true when
/// the names differ in letter case only, the one case where the guess is certain.
pub(crate) fn suggest_name<'n>(
    written: &str,
    candidates: impl Iterator<Item = &'n str>,
) -> Option<(&'n str, bool)> {
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for name in candidates {
        if name == written {
            continue;
        }
        let d = if name.eq_ignore_ascii_case(written) {
            0
        } else {
            strsim::levenshtein(written, name)
        };
        if d > 2 || (d >= written.len() && d > 0) {
            continue;
        }
        match best {
            Some((bd, bn)) if d == bd && bn != name => tied = true,
            Some((bd, _)) if d >= bd => {}
            _ => {
                best = Some((d, name));
                tied = false;
            }
        }
    }
    match best {
        Some((_, _)) if tied => None,
        Some((d, name)) => Some((name, d == 0)),
        None => None,
    }
}

/// Where a new global `ARG` line goes: at the start of the line of the first `FROM`,
/// above the comment lines directly on top of it (they describe the FROM), never
/// above a parser directive or before a BOM. `None` when the FROM does not start a
/// line.
pub(crate) fn arg_insertion_point(ctx: &RuleContext<'_>, first_from: usize) -> Option<usize> {
    let text = ctx.text;
    let from = &ctx.syntax.instructions[first_from];
    let mut line = ctx.line_index.line_of(from.range.start());
    let start_of = |l: usize| ctx.line_index.line_start(l);
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if !text[start_of(line).max(bom)..from.range.start()].trim().is_empty() {
        return None;
    }
    while line > 0 {
        let prev = start_of(line - 1);
        let is_description = ctx.syntax.comments.iter().any(|c| {
            ctx.line_index.line_of(c.range.start()) == line - 1
                && !c.in_continuation
                && !ctx.syntax.directives.iter().any(|d| d.range == c.range)
                && !text[c.range.range()].starts_with("#!")
        });
        if !is_description || prev < bom {
            break;
        }
        line -= 1;
    }
    Some(start_of(line).max(bom))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix_raw, check_rule_fixes, check_rule_not, diagnostics_of};
    use expect_test::expect;

    #[test]
    fn catches_undeclared_variables() {
        check_rule(
            &RULE,
            r#"
ARG ALPINE_VERSION=3.20
FROM alpine:${ALPINE_VERSON} AS a
ARG REGISTRY=ghcr.io
FROM $REGISTRY/app:1
FROM --platform=$PLATFORM alpine:3.20
FROM $LATER
ARG LATER
"#,
            expect![[r#"
                2 | FROM alpine:${ALPINE_VERSON} AS a
                  |             ^^^^^^^^^^^^^^^^ from-arg-undefined: `ALPINE_VERSON` is not declared by a global ARG; did you mean `ALPINE_VERSION`?
                4 | FROM $REGISTRY/app:1
                  |      ^^^^^^^^^ from-arg-undefined: `REGISTRY` is not declared by a global ARG, so it expands to an empty string here; add `ARG REGISTRY` before the first FROM
                5 | FROM --platform=$PLATFORM alpine:3.20
                  |                 ^^^^^^^^^ from-arg-undefined: `PLATFORM` is not declared by a global ARG, so it expands to an empty string here; add `ARG PLATFORM` before the first FROM
                6 | FROM $LATER
                  |      ^^^^^^ from-arg-undefined: `LATER` is not declared by a global ARG, so it expands to an empty string here; add `ARG LATER` before the first FROM
            "#]],
        );
    }

    #[test]
    fn accepts_global_automatic_and_defaulted_variables() {
        check_rule_not(
            &RULE,
            r#"
ARG ALPINE_VERSION=3.20
ARG IMAGE
FROM --platform=$BUILDPLATFORM alpine:${ALPINE_VERSION} AS a
FROM --platform=${TARGETPLATFORM} $IMAGE
FROM alpine:${TAG:-3.20}
FROM ${HTTP_PROXY:+alpine:3.20}
"#,
        );
    }

    #[test]
    fn fixes_rename_or_declare() {
        check_rule_fixes(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
ARG ALPINE_VERSION=3.20
# The build stage.
FROM alpine:${ALPINE_VERSON} AS a
FROM $REGISTRY/app:1
FROM alpine:$alpine_version
"#,
            expect![[r#"
                --- Replace `ALPINE_VERSON` with `ALPINE_VERSION` (unsafe)
                # syntax=docker/dockerfile:1
                ARG ALPINE_VERSION=3.20
                # The build stage.
                FROM alpine:${ALPINE_VERSION} AS a
                FROM $REGISTRY/app:1
                FROM alpine:$alpine_version
                --- Declare `ARG REGISTRY` before the first FROM (unsafe)
                # syntax=docker/dockerfile:1
                ARG ALPINE_VERSION=3.20
                ARG REGISTRY
                # The build stage.
                FROM alpine:${ALPINE_VERSON} AS a
                FROM $REGISTRY/app:1
                FROM alpine:$alpine_version
                --- Replace `alpine_version` with `ALPINE_VERSION` (safe)
                # syntax=docker/dockerfile:1
                ARG ALPINE_VERSION=3.20
                # The build stage.
                FROM alpine:${ALPINE_VERSON} AS a
                FROM $REGISTRY/app:1
                FROM alpine:$ALPINE_VERSION
            "#]],
        );
    }

    #[test]
    fn fix_in_crlf_file_with_bom() {
        check_rule_fix_raw(
            &RULE,
            "\u{feff}FROM $REGISTRY/app:1\r\nRUN true\r\n",
            expect![[r#"
                <BOM>ARG REGISTRY␍
                FROM $REGISTRY/app:1␍
                RUN true␍
            "#]],
        );
    }

    #[test]
    fn ambiguous_suggestion_is_not_offered() {
        let diags = diagnostics_of(&RULE, "ARG TAG1=a\nARG TAG2=b\nFROM alpine:$TAG\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.iter().all(|f| f.title.starts_with("Declare")));
    }
}

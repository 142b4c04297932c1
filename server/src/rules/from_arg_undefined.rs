//! `from-arg-undefined`: a variable in FROM that no global ARG declares.

use crate::rules::{Diagnostics, RuleContext};
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
    /// No automatic fix yet; the message suggests a declared name when one is close.
    ///
    /// ## References
    /// - BuildKit check `UndefinedArgInFrom`
    /// - Dockerfile reference, "Understand how ARG and FROM interact", "Automatic
    ///   platform ARGs in the global scope"
    pub(crate) RULE {
        id: "from-arg-undefined",
        summary: "FROM uses a variable no global ARG declares",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["UndefinedArgInFrom"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
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
            let suggestion = candidates
                .map(|n| (strsim::levenshtein(&r.name, n), n))
                .filter(|&(d, _)| d <= 2 && d < r.name.len())
                .min_by_key(|&(d, _)| d)
                .map(|(_, n)| n);
            let message = match suggestion {
                Some(s) => format!(
                    "`{}` is not declared by a global ARG; did you mean `{s}`?",
                    r.name
                ),
                None => format!(
                    "`{}` is not declared by a global ARG, so it expands to an empty string here; add `ARG {}` before the first FROM",
                    r.name, r.name
                ),
            };
            acc.report(&RULE, r.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
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
}

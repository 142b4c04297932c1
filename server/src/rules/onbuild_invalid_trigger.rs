//! `onbuild-invalid-trigger`: `ONBUILD ONBUILD`, `ONBUILD FROM`, `ONBUILD MAINTAINER`.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports an `ONBUILD` whose trigger is `ONBUILD`, `FROM` or `MAINTAINER`, the
    /// three instructions BuildKit refuses as triggers.
    ///
    /// ## Why is this bad?
    /// The build of this Dockerfile fails at once ("Chaining ONBUILD via `ONBUILD
    /// ONBUILD` isn't allowed", "FROM isn't allowed as an ONBUILD trigger"). A trigger
    /// runs inside the downstream build's stage, where starting a new stage (`FROM`) or
    /// registering triggers for yet another image (`ONBUILD`) has no meaning, and
    /// `MAINTAINER` is deprecated metadata.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-alpine
    /// ONBUILD FROM node:22-alpine
    /// ONBUILD COPY package*.json ./
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-alpine
    /// ONBUILD COPY package*.json ./
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: what the trigger was meant to do is unknown.
    ///
    /// ## References
    /// - hadolint DL3043 ("`ONBUILD`, `FROM` or `MAINTAINER` triggered from within
    ///   `ONBUILD` instruction")
    /// - BuildKit `frontend/dockerfile/instructions/parse.go` (`parseOnBuild`), a build
    ///   error
    /// - Dockerfile reference, "ONBUILD"
    pub(crate) RULE {
        id: "onbuild-invalid-trigger",
        summary: "ONBUILD trigger is ONBUILD, FROM or MAINTAINER",
        level: Error,
        fix: None,
        hadolint: ["DL3043"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        if inst.kind != Kind::Onbuild {
            continue;
        }
        let Some(trigger) = inst.trigger.as_deref() else {
            continue;
        };
        let message = match trigger.kind {
            Kind::Onbuild => "ONBUILD cannot be chained: `ONBUILD ONBUILD` is refused by the build; put the trigger directly after one ONBUILD",
            Kind::From => "FROM cannot be an ONBUILD trigger (the build refuses it): a trigger runs inside the downstream stage, which already has its FROM",
            Kind::Maintainer => "MAINTAINER cannot be an ONBUILD trigger (the build refuses it); set `LABEL org.opencontainers.image.authors=…` on this image instead",
            _ => continue,
        };
        acc.report(&RULE, trigger.keyword_range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_forbidden_triggers() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
ONBUILD ONBUILD RUN echo hi
onbuild from alpine:3.20
ONBUILD MAINTAINER me@example.com
"#,
            expect![[r#"
                2 | ONBUILD ONBUILD RUN echo hi
                  |         ^^^^^^^ onbuild-invalid-trigger: ONBUILD cannot be chained: `ONBUILD ONBUILD` is refused by the build; put the trigger directly after one ONBUILD
                3 | onbuild from alpine:3.20
                  |         ^^^^ onbuild-invalid-trigger: FROM cannot be an ONBUILD trigger (the build refuses it): a trigger runs inside the downstream stage, which already has its FROM
                4 | ONBUILD MAINTAINER me@example.com
                  |         ^^^^^^^^^^ onbuild-invalid-trigger: MAINTAINER cannot be an ONBUILD trigger (the build refuses it); set `LABEL org.opencontainers.image.authors=…` on this image instead
            "#]],
        );
    }

    #[test]
    fn accepts_ordinary_triggers() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20
ONBUILD COPY --from=builder /x /x
ONBUILD RUN echo FROM ONBUILD
ONBUILD
"#,
        );
    }
}

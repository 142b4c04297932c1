//! `instruction-before-from`: an instruction other than ARG before the first FROM.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports any instruction other than `ARG` that comes before the first `FROM`.
    /// Unknown keywords are left to `unknown-instruction`, which BuildKit reports first.
    ///
    /// ## Why is this bad?
    /// Only `ARG` may precede `FROM` (it declares global build arguments for the `FROM`
    /// lines). BuildKit refuses anything else with "no build stage in current context",
    /// so the file does not build at all.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV APP_HOME=/app
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME=/app
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which stage the instruction belongs to is the author's call.
    ///
    /// ## References
    /// - hadolint `DL3061` ("Invalid instruction order. Dockerfile must begin with
    ///   `FROM`, `ARG` or comment.")
    /// - BuildKit error "no build stage in current context"
    /// - Dockerfile reference, "FROM" and "Understand how ARG and FROM interact"
    pub(crate) RULE {
        id: "instruction-before-from",
        summary: "Instruction other than ARG before the first FROM",
        level: Error,
        fix: None,
        hadolint: ["DL3061"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        match inst.kind {
            Kind::From => break,
            Kind::Arg | Kind::Unknown => {}
            _ => {
                acc.report(
                    &RULE,
                    inst.keyword_range,
                    format!(
                        "`{}` before the first FROM: only ARG may come first; move it into a build stage",
                        inst.keyword.to_ascii_uppercase()
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_instructions_before_from() {
        check_rule(
            &RULE,
            r#"
ARG BASE=alpine:3.20
ENV A=1
ONBUILD RUN echo hi
FROM $BASE
RUN echo ok
"#,
            expect![[r#"
                2 | ENV A=1
                  | ^^^ instruction-before-from: `ENV` before the first FROM: only ARG may come first; move it into a build stage
                3 | ONBUILD RUN echo hi
                  | ^^^^^^^ instruction-before-from: `ONBUILD` before the first FROM: only ARG may come first; move it into a build stage
            "#]],
        );
    }

    #[test]
    fn accepts_args_comments_and_directives() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# A comment.
ARG BASE=alpine:3.20
ARG TAG
FROM $BASE
ENV A=1
"#,
        );
    }
}

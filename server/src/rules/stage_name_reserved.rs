//! `stage-name-reserved`: a stage named `scratch` or `context`.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports `FROM … AS scratch` and `FROM … AS context` (in any letter case: stage
    /// names are lower-cased by BuildKit).
    ///
    /// ## Why is this bad?
    /// Both names already mean something to the builder. `scratch` is the empty base
    /// image: `FROM scratch` later in the file starts from nothing, not from your stage,
    /// so the stage can never be used as a base. `context` is the name BuildKit gives
    /// the build context in `COPY --from=context` and `--build-context`; a stage with
    /// that name makes such references ambiguous. Either way the file says one thing and
    /// builds another.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// RUN apk add --no-cache curl
    /// FROM scratch
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// RUN apk add --no-cache curl
    /// FROM base
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: a new name is a choice, and every reference must follow it
    /// (use the rename refactoring).
    ///
    /// ## References
    /// - hadolint `DL3063`
    /// - BuildKit check `ReservedStageName`
    /// - Dockerfile reference, "FROM", "COPY --from"
    pub(crate) RULE {
        id: "stage-name-reserved",
        summary: "Stage name is reserved (scratch, context)",
        level: Warning,
        fix: None,
        hadolint: ["DL3063"],
        buildkit: ["ReservedStageName"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let (Some(name), Some(word)) = (&stage.name, &stage.name_word) else {
            continue;
        };
        let why = match name.as_str() {
            "scratch" => "`scratch` is the empty base image: `FROM scratch` will never refer to this stage",
            "context" => "`context` names the build context in `--from` and `--build-context`",
            _ => continue,
        };
        acc.report(
            &RULE,
            word.range,
            format!("Stage name `{}` is reserved: {why}; choose another name", word.text),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_reserved_names() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20 AS scratch
FROM alpine:3.20 as Context
"#,
            expect![[r#"
                1 | FROM alpine:3.20 AS scratch
                  |                     ^^^^^^^ stage-name-reserved: Stage name `scratch` is reserved: `scratch` is the empty base image: `FROM scratch` will never refer to this stage; choose another name
                2 | FROM alpine:3.20 as Context
                  |                     ^^^^^^^ stage-name-reserved: Stage name `Context` is reserved: `context` names the build context in `--from` and `--build-context`; choose another name
            "#]],
        );
    }

    #[test]
    fn accepts_other_names() {
        check_rule_not(
            &RULE,
            r#"
FROM scratch
FROM alpine:3.20 AS scratch-base
FROM alpine:3.20 AS build-context
FROM context
"#,
        );
    }
}

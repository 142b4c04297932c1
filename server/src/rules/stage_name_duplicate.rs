//! `stage-name-duplicate`: two stages with the same (case-insensitive) name.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM … AS <name>` whose name (compared case-insensitively, as BuildKit
    /// lower-cases stage names) was already given to an earlier stage. The later stage
    /// is reported.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses the file ("duplicate stage name"), and even where a tool accepts
    /// it, `COPY --from=<name>` and `--target <name>` become ambiguous.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// FROM node:22 AS build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build-api
    /// FROM node:22 AS build-web
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: renaming a stage means updating every reference to it (use the
    /// rename refactoring).
    ///
    /// ## References
    /// - hadolint `DL3024` ("FROM aliases (stage names) must be unique")
    /// - BuildKit check `DuplicateStageName`
    /// - Trivy `DS-0012`, Checkov `CKV_DOCKER_11`
    /// - Dockerfile reference, "FROM"
    pub(crate) RULE {
        id: "stage-name-duplicate",
        summary: "Two stages share a name",
        level: Error,
        fix: None,
        hadolint: ["DL3024"],
        buildkit: ["DuplicateStageName"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let stages = &ctx.model.stages;
    for (i, stage) in stages.iter().enumerate() {
        let (Some(name), Some(word)) = (&stage.name, &stage.name_word) else {
            continue;
        };
        let Some(first) = stages[..i].iter().find(|s| s.name.as_ref() == Some(name)) else {
            continue;
        };
        let first_line = first
            .name_word
            .as_ref()
            .map_or(0, |w| ctx.line_index.line_of(w.range.start()) + 1);
        acc.report(
            &RULE,
            word.range,
            format!(
                "Stage name `{}` is already used by the stage on line {first_line}; give this stage another name",
                word.text
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_duplicate_names() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.23 AS build
RUN go build ./...
FROM node:22 AS Build
FROM alpine:3.20 as build
"#,
            expect![[r#"
                3 | FROM node:22 AS Build
                  |                 ^^^^^ stage-name-duplicate: Stage name `Build` is already used by the stage on line 1; give this stage another name
                4 | FROM alpine:3.20 as build
                  |                     ^^^^^ stage-name-duplicate: Stage name `build` is already used by the stage on line 1; give this stage another name
            "#]],
        );
    }

    #[test]
    fn accepts_distinct_names() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
FROM build AS test
FROM alpine:3.20 AS build-2
FROM alpine:3.20
FROM alpine:3.20
"#,
        );
    }
}

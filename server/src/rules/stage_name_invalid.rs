//! `stage-name-invalid`: a stage name BuildKit rejects.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports a stage name (`FROM image AS <name>`) that does not match BuildKit's
    /// pattern `^[a-z][a-z0-9-_.]*$` once lower-cased: it must start with a letter and
    /// continue with letters, digits, `-`, `_` or `.`. Upper-case letters are accepted
    /// (BuildKit lower-cases the name; `stage-name-casing` hints about them).
    ///
    /// Stage names are not variable-expanded, so `AS build-$VARIANT` is invalid too.
    ///
    /// ## Why is this bad?
    /// The build stops before running anything with "invalid name for build stage".
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS 1-build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build-1
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which name was meant is the author's choice.
    ///
    /// ## References
    /// - BuildKit parser, `parseBuildStageName` ("invalid name for build stage")
    /// - dockerfile-utils `INVALID_BUILD_STAGE_NAME`
    /// - Dockerfile reference, "FROM"
    pub(crate) RULE {
        id: "stage-name-invalid",
        summary: "Stage name is not valid",
        level: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// True when BuildKit accepts `name` (already lower-cased) as a stage name.
pub(crate) fn valid_stage_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|c| c.is_ascii_lowercase())
        && bytes.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"-_.".contains(&c))
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let (Some(name), Some(word)) = (&stage.name, &stage.name_word) else {
            continue;
        };
        if valid_stage_name(name) {
            continue;
        }
        let why = if name.contains('$') {
            "stage names are not variable-expanded"
        } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            "it must start with a letter"
        } else {
            "only letters, digits, `-`, `_` and `.` are allowed"
        };
        acc.report(
            &RULE,
            word.range,
            format!(
                "`{}` is not a valid stage name ({why}); the build fails before it starts",
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
    fn catches_invalid_names() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.23 AS 1-build
FROM golang:1.23 AS build:x
FROM golang:1.23 AS build-$VARIANT
FROM golang:1.23 AS _tmp
"#,
            expect![[r#"
                1 | FROM golang:1.23 AS 1-build
                  |                     ^^^^^^^ stage-name-invalid: `1-build` is not a valid stage name (it must start with a letter); the build fails before it starts
                2 | FROM golang:1.23 AS build:x
                  |                     ^^^^^^^ stage-name-invalid: `build:x` is not a valid stage name (only letters, digits, `-`, `_` and `.` are allowed); the build fails before it starts
                3 | FROM golang:1.23 AS build-$VARIANT
                  |                     ^^^^^^^^^^^^^^ stage-name-invalid: `build-$VARIANT` is not a valid stage name (stage names are not variable-expanded); the build fails before it starts
                4 | FROM golang:1.23 AS _tmp
                  |                     ^^^^ stage-name-invalid: `_tmp` is not a valid stage name (it must start with a letter); the build fails before it starts
            "#]],
        );
    }

    #[test]
    fn accepts_valid_names() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
FROM golang:1.23 AS Build_2.x-y
FROM golang:1.23
"#,
        );
    }
}

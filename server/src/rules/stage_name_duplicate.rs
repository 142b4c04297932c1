//! `stage-name-duplicate`: two stages with the same (case-insensitive) name.

use crate::rules::stage_name_reserved::rename_fix;
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
    /// The fix renames the later stage to `<name>-2` together with the references
    /// that come after it (`FROM <name>`, `COPY --from=<name>`, `RUN --mount=from=`),
    /// which resolve to the newest stage of that name. It is unsafe: the new name is a
    /// placeholder, and a reference after the later stage may have meant the first
    /// one. `ONBUILD` triggers are left alone: their `--from` is resolved in the
    /// downstream build.
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
        fix: Sometimes,
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
        let d = acc.report(
            &RULE,
            word.range,
            format!(
                "Stage name `{}` is already used by the stage on line {first_line}; give this stage another name",
                word.text
            ),
        );
        if let Some(fix) = rename_fix(ctx, stage.index) {
            d.push_fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
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

    #[test]
    fn fix_renames_later_stage_and_its_references() {
        check_rule_fixes(
            &RULE,
            r#"
FROM golang:1.23 AS build
RUN go build
FROM build AS test
FROM node:22 AS Build
RUN npm run build
FROM build AS build-2
COPY --from=build /a /a
RUN --mount=type=bind,from=build,target=/b true
FROM build
"#,
            expect![[r#"
                --- Rename the stage `Build` to `build-3` and its 4 references (unsafe)
                FROM golang:1.23 AS build
                RUN go build
                FROM build AS test
                FROM node:22 AS build-3
                RUN npm run build
                FROM build-3 AS build-2
                COPY --from=build-3 /a /a
                RUN --mount=type=bind,from=build-3,target=/b true
                FROM build-3
            "#]],
        );
    }

    #[test]
    fn fix_for_three_stages_converges() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine AS base
FROM alpine AS base
FROM alpine AS base
COPY --from=base /a /a
"#,
            expect![[r#"
                FROM alpine AS base
                FROM alpine AS base-2
                FROM alpine AS base-3
                COPY --from=base-3 /a /a
            "#]],
        );
    }
}

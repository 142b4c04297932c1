//! `stage-name-casing`: a stage name with upper-case letters.

use crate::rules::copy_from_unknown_stage::stage_name_refs;
use crate::rules::{Applicability, Diagnostics, Fix, RuleContext};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a stage name that is not all lower-case (`FROM node:22 AS Build`).
    ///
    /// ## Why is this bad?
    /// BuildKit lower-cases stage names, so `Build`, `build` and `BUILD` are one stage.
    /// Mixed spellings in `FROM`, `COPY --from` and `--target` look like different
    /// stages to a reader, and tools that compare names exactly (scripts, CI
    /// `--target` arguments, other linters) disagree with the builder.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS Build
    /// RUN npm ci && npm run build
    /// FROM nginx:1.27
    /// COPY --from=Build /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS build
    /// RUN npm ci && npm run build
    /// FROM nginx:1.27
    /// COPY --from=build /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// ## Fix safety
    /// The fix lower-cases the name and every reference to it written literally in the
    /// file (`FROM <stage>`, `COPY --from=`, `RUN --mount=from=`, and the same in
    /// `ONBUILD` triggers). Safe: BuildKit already treats them as the same name. `--target` arguments outside the file are
    /// case-insensitive too.
    ///
    /// ## References
    /// - BuildKit check `StageNameCasing`
    /// - Dockerfile reference, "FROM"
    pub(crate) RULE {
        id: "stage-name-casing",
        summary: "Stage name is not lower-case",
        level: Info,
        fix: Always,
        hadolint: [],
        buildkit: ["StageNameCasing"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    for stage in &model.stages {
        let (Some(name), Some(word)) = (&stage.name, &stage.name_word) else {
            continue;
        };
        if word.text == *name {
            continue;
        }
        let edits: Vec<TextEdit> = stage_name_refs(ctx, stage.index, true)
            .into_iter()
            .filter(|r| ctx.text[r.range()] != *name)
            .map(|r| TextEdit::replace(r, name.clone()))
            .collect();
        let d = acc.report(
            &RULE,
            word.range,
            format!(
                "Stage name `{}` is not lower-case; BuildKit reads it as `{name}`, so write it that way",
                word.text
            ),
        );
        if edits.iter().any(|e| e.range == word.range) {
            d.push_fix(
                Fix::new(
                    format!("Rename `{}` to `{name}` everywhere", word.text),
                    Applicability::Safe,
                    edits.clone(),
                )
                .also_editing(edits.iter().map(|e| e.range)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fix_raw, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_upper_case_names() {
        check_rule(
            &RULE,
            r#"
FROM node:22 AS Build
FROM nginx:1.27 AS WEB
"#,
            expect![[r#"
                1 | FROM node:22 AS Build
                  |                 ^^^^^ stage-name-casing: Stage name `Build` is not lower-case; BuildKit reads it as `build`, so write it that way
                2 | FROM nginx:1.27 AS WEB
                  |                    ^^^ stage-name-casing: Stage name `WEB` is not lower-case; BuildKit reads it as `web`, so write it that way
            "#]],
        );
    }

    #[test]
    fn accepts_lower_case_names() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22 AS build
FROM Build
COPY --from=BUILD /x /x
FROM nginx:1.27
"#,
        );
    }

    #[test]
    fn fixes_name_and_references() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:22 AS Build
RUN npm ci
FROM Build AS Test
RUN npm test
FROM nginx:1.27
COPY --from=BUILD /app/dist /usr/share/nginx/html
COPY --from=Test /report /report
RUN --mount=type=bind,from=Build,target=/b true
ONBUILD COPY --from=Build /x /x
"#,
            expect![[r#"
                FROM node:22 AS build
                RUN npm ci
                FROM build AS test
                RUN npm test
                FROM nginx:1.27
                COPY --from=build /app/dist /usr/share/nginx/html
                COPY --from=test /report /report
                RUN --mount=type=bind,from=build,target=/b true
                ONBUILD COPY --from=build /x /x
            "#]],
        );
    }

    #[test]
    fn fix_in_crlf_escape_files() {
        check_rule_fix_raw(
            &RULE,
            "# escape=`\r\nFROM alpine AS Base\r\nFROM `\r\n  BASE\r\nCOPY `\r\n  --from=Base /a /a\r\n",
            expect![[r#"
                # escape=`␍
                FROM alpine AS base␍
                FROM `␍
                  base␍
                COPY `␍
                  --from=base /a /a␍
            "#]],
        );
    }

    #[test]
    fn references_through_variables_are_left_alone() {
        check_rule_fixes(
            &RULE,
            r#"
ARG S=Build
FROM alpine AS Build
FROM ${S}
COPY --from="Build" /a /a
"#,
            expect![[r#"
                --- Rename `Build` to `build` everywhere (safe)
                ARG S=Build
                FROM alpine AS build
                FROM ${S}
                COPY --from="Build" /a /a
            "#]],
        );
    }
}

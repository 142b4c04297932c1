//! `label-required-missing`: the image lacks a label the configured schema requires.

use std::collections::HashSet;

use crate::rules::label_key_invalid::label_pairs;
use crate::rules::edits::insert_line_after;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// With a label schema configured, reports on the final `FROM` every schema label
    /// that no `LABEL` of the image sets: the final stage and the stages it is built
    /// `FROM` (labels are inherited). `ONBUILD LABEL` does not count, it labels the
    /// images built on this one.
    ///
    /// Silent unless a schema is configured, in `dockerfile-lsp.toml`:
    /// ```toml
    /// [labels]
    /// schema = { "org.opencontainers.image.source" = "url", "org.opencontainers.image.revision" = "hash" }
    /// ```
    /// or hadolint's `label-schema:` in `.hadolint.yaml`. hadolint's
    /// `HADOLINT_REQUIRE_LABELS` environment variable and `--require-label` option are
    /// not read: the schema belongs in a file that travels with the project, so that
    /// the editor and CI agree.
    ///
    /// hadolint (DL3049) checks every stage; we check the image the build produces,
    /// since labels on build stages end up nowhere. Labels the base image sets are
    /// invisible to a static check and count as missing. When a `LABEL` key uses a
    /// variable whose value is unknown, nothing is reported (it may be the missing one).
    ///
    /// ## Why is this bad?
    /// A schema is a team's contract for what every image carries: where its source
    /// is, which commit built it, who owns it. Scanners, registries and deployment
    /// tooling read these labels; an image without them cannot be traced back to its
    /// code.
    ///
    /// ## Example
    /// With `schema = { "org.opencontainers.image.source" = "url" }`:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `LABEL <name>=""` after the final stage's last `LABEL` (or its
    /// `FROM`), for the author to fill in. It is unsafe: the empty value is a
    /// placeholder (`label-empty` reports it until it is filled).
    ///
    /// ## References
    /// - hadolint DL3049
    /// - OCI image spec: "Annotations" (pre-defined `org.opencontainers.image.*` keys)
    pub(crate) RULE {
        id: "label-required-missing",
        summary: "Label required by the schema is missing",
        level: Info,
        fix: Sometimes,
        hadolint: ["DL3049"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let schema = &ctx.config.labels;
    if schema.required.is_empty() {
        return;
    }
    let Some(last) = ctx.model.final_stage() else {
        return;
    };
    let chain = ctx.model.image_chain();
    let mut present: HashSet<String> = HashSet::new();
    for pair in label_pairs(ctx) {
        if pair.onbuild {
            continue;
        }
        let in_image = ctx
            .model
            .stage_of(pair.instruction)
            .is_some_and(|s| chain.contains(&s.index));
        if !in_image {
            continue;
        }
        match pair.key {
            Some(key) => {
                present.insert(key);
            }
            None => return,
        }
    }
    let range = ctx.syntax.instructions[last.from].keyword_range;
    let anchor = last
        .instructions
        .clone()
        .rev()
        .find(|&i| ctx.syntax.instructions[i].kind == Kind::Label)
        .unwrap_or(last.from);
    for (label, ty) in &schema.required {
        if present.contains(label) {
            continue;
        }
        let d = acc.report(
            &RULE,
            range,
            format!(
                "The image has no `{label}` label, which the label schema requires ({}); add `LABEL {label}=\"…\"`.",
                ty.as_str()
            ),
        );
        let plain = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b));
        if plain {
            d.with_fix(
                format!("Insert `LABEL {label}=\"\"` (fill in the value)"),
                Applicability::Unsafe,
                vec![insert_line_after(
                    ctx.text,
                    ctx.syntax.instructions[anchor].range,
                    &format!("LABEL {label}=\"\""),
                )],
            );
        }
    }
}

/// Runs `rule` on `text` with the `[labels]` table `labels` (TOML) and renders the
/// findings, for the label rules' tests.
#[cfg(test)]
pub(super) fn findings_with_labels(
    rule: &'static crate::rules::RuleMeta,
    labels: &str,
    text: &str,
) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let (config, problems) = crate::config::load::parse_toml(&format!("[labels]\n{labels}\n"));
    assert!(problems.is_empty(), "{problems:?}");
    let diags: Vec<_> = crate::ide::Analysis::new(text)
        .diagnostics(&config)
        .into_iter()
        .filter(|d| d.rule.id == rule.id)
        .collect();
    crate::rules::test_support::render(text, &diags)
}

#[cfg(test)]
mod tests {
    use super::{findings_with_labels, RULE};
    use crate::rules::test_support::check_rule_not;
    use expect_test::expect;

    const SCHEMA: &str = r#"schema = { "org.opencontainers.image.source" = "url", maintainer = "email" }"#;

    #[test]
    fn catches_missing_labels_in_the_image() {
        expect![[r#"
            5 | FROM base
              | ^^^^ label-required-missing: The image has no `org.opencontainers.image.source` label, which the label schema requires (url); add `LABEL org.opencontainers.image.source="…"`.
        "#]].assert_eq(&findings_with_labels(
            &RULE,
            SCHEMA,
            r#"
FROM alpine AS build
LABEL maintainer="a@b.c"
FROM alpine AS base
ONBUILD LABEL org.opencontainers.image.source=https://x
FROM base
LABEL maintainer="me@example.com"
"#,
        ));
    }

    #[test]
    fn accepts_inherited_labels_unknown_keys_and_no_schema() {
        let text = r#"
FROM alpine AS base
LABEL org.opencontainers.image.source=https://example.com/x
FROM base
LABEL maintainer=""
"#;
        assert_eq!(findings_with_labels(&RULE, SCHEMA, text), "");
        let text = r#"
FROM alpine
ARG K
LABEL $K=x maintainer=a@b.c
"#;
        assert_eq!(findings_with_labels(&RULE, SCHEMA, text), "");
        check_rule_not(&RULE, "FROM alpine\n");
    }

    #[test]
    fn fix_inserts_after_the_last_label() {
        expect![[r#"
            FROM alpine AS build
            FROM alpine
            LABEL org.opencontainers.image.source=https://x
              LABEL other=1 \
                    more=2
              LABEL maintainer=""
            RUN true
        "#]].assert_eq(&crate::rules::test_support::fixed_with(
            &RULE,
            SCHEMA,
            r#"
FROM alpine AS build
FROM alpine
LABEL org.opencontainers.image.source=https://x
  LABEL other=1 \
        more=2
RUN true
"#,
        ));
        expect![[r#"
            FROM alpine<CR>
            LABEL maintainer=""<CR>
            RUN true<CR>
        "#]].assert_eq(&crate::rules::test_support::fixed_with(
            &RULE,
            r#"schema = { maintainer = "email" }"#,
            "FROM alpine\r\nRUN true\r\n",
        ).replace('\r', "<CR>"));
    }
}

//! `label-superfluous`: a label outside the configured schema, in strict mode.

use crate::rules::label_key_invalid::label_pairs;
use crate::rules::edits::{delete_lines, delete_list_item};
use crate::rules::{Applicability, Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// With strict labels configured, reports every `LABEL` key (in any stage, and in
    /// `ONBUILD LABEL`) that is not in the label schema. With strict labels and no
    /// schema, every label is reported, as in hadolint.
    ///
    /// Silent unless strict labels are configured, in `dockerfile-lsp.toml`:
    /// ```toml
    /// [labels]
    /// strict = true
    /// schema = { "org.opencontainers.image.source" = "url" }
    /// ```
    /// or with hadolint's `strict-labels: true` in `.hadolint.yaml`
    /// (`HADOLINT_STRICT_LABELS` and `--strict-labels` are not read: see
    /// `label-required-missing`). Keys with variables whose value is unknown are
    /// skipped.
    ///
    /// ## Why is this bad?
    /// Some teams publish only the labels their policy allows: extra labels leak
    /// internal details (build hosts, ticket numbers, personal e-mail addresses) into
    /// a public image, or confuse the tools that parse labels.
    ///
    /// ## Example
    /// With `strict = true` and `schema = { "org.opencontainers.image.source" = "url" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app" build-host="ci-runner-17"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app"
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the label (the whole `LABEL` when it is its only pair). It is
    /// unsafe: a label may be read by tooling the linter does not know; removing it,
    /// or adding it to the schema, is the author's decision.
    ///
    /// ## References
    /// - hadolint DL3050
    pub(crate) RULE {
        id: "label-superfluous",
        summary: "Label not in the schema (strict labels)",
        level: Info,
        fix: Sometimes,
        hadolint: ["DL3050"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let schema = &ctx.config.labels;
    if !schema.strict {
        return;
    }
    for pair in label_pairs(ctx) {
        let Some(key) = &pair.key else {
            continue;
        };
        if schema.required.contains_key(key) {
            continue;
        }
        let inst = &ctx.syntax.instructions[pair.instruction];
        let pairs: Vec<_> = inst.effective().args.pairs.iter().map(|p| p.range).collect();
        let idx = inst
            .effective()
            .args
            .pairs
            .iter()
            .position(|p| p.key.range == pair.key_range);
        let edit = match idx {
            Some(_) if pairs.len() == 1 => Some(delete_lines(ctx.text, inst.range)),
            Some(idx) => Some(delete_list_item(ctx.text, &pairs, idx)),
            None => None,
        };
        let d = acc.report(
            &RULE,
            pair.key_range,
            format!("Label `{key}` is not in the label schema, and strict labels are on; remove it or add it to the schema."),
        );
        if let Some(edit) = edit {
            d.with_fix(
                format!("Remove the label `{key}` (it disappears from the image)"),
                Applicability::Unsafe,
                vec![edit],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::label_required_missing::findings_with_labels;
    use crate::rules::test_support::check_rule_not;
    use expect_test::expect;

    #[test]
    fn catches_labels_outside_the_schema() {
        expect![[r#"
            3 | LABEL maintainer=me build-host=ci $K=x
              |                     ^^^^^^^^^^ label-superfluous: Label `build-host` is not in the label schema, and strict labels are on; remove it or add it to the schema.
            4 | ONBUILD LABEL extra=1
              |               ^^^^^ label-superfluous: Label `extra` is not in the label schema, and strict labels are on; remove it or add it to the schema.
        "#]].assert_eq(&findings_with_labels(
            &RULE,
            "strict = true\nschema = { maintainer = \"text\" }",
            r#"
FROM alpine
ARG K
LABEL maintainer=me build-host=ci $K=x
ONBUILD LABEL extra=1
"#,
        ));
    }

    #[test]
    fn silent_without_strict() {
        let text = "FROM alpine\nLABEL a=1\n";
        assert_eq!(
            findings_with_labels(&RULE, "schema = { maintainer = \"text\" }", text),
            ""
        );
        check_rule_not(&RULE, text);
    }

    #[test]
    fn fix_removes_the_label_or_the_instruction() {
        expect![[r#"
            FROM alpine
            LABEL maintainer=me
            LABEL maintainer=me
        "#]].assert_eq(&crate::rules::test_support::fixed_with(
            &RULE,
            "strict = true\nschema = { maintainer = \"text\" }",
            r#"
FROM alpine
LABEL build-host=ci maintainer=me vcs="x y"
ONBUILD LABEL extra=1
LABEL a=1 \
      maintainer=me \
      b=2
LABEL legacy value
"#,
        ));
    }

    #[test]
    fn fix_with_escape_backtick_and_crlf() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "strict = true\nschema = { maintainer = \"text\" }",
                "# escape=`\r\nFROM alpine\r\nLABEL maintainer=me `\r\n  extra=1\r\nRUN x\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nLABEL maintainer=me\r\nRUN x\r\n"
        );
    }
}

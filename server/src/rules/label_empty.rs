//! `label-empty`: a schema label set to an empty value.

use crate::rules::label_key_invalid::label_pairs;
use crate::rules::{Diagnostics, RuleContext};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// With a label schema configured, reports a `LABEL` (in any stage, and in
    /// `ONBUILD LABEL`) that sets a schema label to an empty value: `LABEL
    /// maintainer=""`, or a value whose variables expand to nothing. Values with
    /// variables of unknown value are skipped: they are filled in at build time.
    ///
    /// Silent unless a schema is configured (see `label-required-missing`).
    ///
    /// ## Why is this bad?
    /// An empty label satisfies a presence check while carrying no information: the
    /// image looks compliant but cannot be traced to its source, owner or commit.
    /// Often it is a `--build-arg` that CI forgot to pass.
    ///
    /// ## Example
    /// With `schema = { "org.opencontainers.image.revision" = "hash" }`:
    /// ```dockerfile
    /// ARG GIT_SHA=""
    /// LABEL org.opencontainers.image.revision="$GIT_SHA"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG GIT_SHA
    /// LABEL org.opencontainers.image.revision="$GIT_SHA"
    /// ```
    /// and pass `--build-arg GIT_SHA=$(git rev-parse HEAD)`.
    ///
    /// ## Fix safety
    /// No automatic fix: the value is the author's to write.
    ///
    /// ## References
    /// - hadolint DL3051
    pub(crate) RULE {
        id: "label-empty",
        summary: "Schema label has an empty value",
        level: Warning,
        fix: None,
        hadolint: ["DL3051"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let schema = &ctx.config.labels;
    if schema.required.is_empty() {
        return;
    }
    for pair in label_pairs(ctx) {
        let (Some(key), Some(value)) = (&pair.key, &pair.value) else {
            continue;
        };
        if !schema.required.contains_key(key) || !value.trim().is_empty() {
            continue;
        }
        let range = if pair.value_range.is_empty() {
            pair.key_range
        } else {
            pair.value_range
        };
        report(acc, range, key);
    }
}

fn report(acc: &mut Diagnostics, range: TextRange, key: &str) {
    acc.report(
        &RULE,
        range,
        format!("Label `{key}` is required by the label schema but its value is empty."),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::label_required_missing::findings_with_labels;
    use expect_test::expect;

    const SCHEMA: &str = r#"schema = { maintainer = "text", "org.opencontainers.image.revision" = "hash" }"#;

    #[test]
    fn catches_empty_values() {
        expect![[r#"
            3 | LABEL maintainer="" org.opencontainers.image.revision="$SHA"
              |                  ^^ label-empty: Label `maintainer` is required by the label schema but its value is empty.
            3 | LABEL maintainer="" org.opencontainers.image.revision="$SHA"
              |                                                       ^^^^^^ label-empty: Label `org.opencontainers.image.revision` is required by the label schema but its value is empty.
            4 | ONBUILD LABEL maintainer=''
              |                          ^^ label-empty: Label `maintainer` is required by the label schema but its value is empty.
        "#]].assert_eq(&findings_with_labels(
            &RULE,
            SCHEMA,
            r#"
FROM alpine
ARG SHA=""
LABEL maintainer="" org.opencontainers.image.revision="$SHA"
ONBUILD LABEL maintainer=''
"#,
        ));
    }

    #[test]
    fn accepts_values_unknown_variables_and_other_labels() {
        let text = r#"
FROM alpine
ARG SHA
LABEL maintainer="me" org.opencontainers.image.revision="$SHA" other=""
"#;
        assert_eq!(findings_with_labels(&RULE, SCHEMA, text), "");
        assert_eq!(findings_with_labels(&RULE, "strict = true", text), "");
    }
}

//! `label-oci-conventions`: `org.label-schema.*` labels, superseded by the OCI keys.

use crate::rules::label_key_invalid::label_pairs;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `LABEL` keys of the retired Label Schema convention
    /// (`org.label-schema.*`) and names the `org.opencontainers.image.*` key that
    /// replaced each of them:
    ///
    /// | Label Schema | OCI |
    /// | --- | --- |
    /// | `build-date` | `created` |
    /// | `url` | `url` |
    /// | `vcs-url` | `source` |
    /// | `version` | `version` |
    /// | `vcs-ref` | `revision` |
    /// | `vendor` | `vendor` |
    /// | `name` | `title` |
    /// | `description` | `description` |
    /// | `usage` | `documentation` |
    ///
    /// Other `org.label-schema.*` keys (`schema-version`, `docker.cmd`, …) have no OCI
    /// equivalent and are reported without a replacement.
    ///
    /// The catalogue also considered un-namespaced keys such as `version` or
    /// `description`; they are not reported, because Docker's own reference uses them
    /// (`LABEL version="1.0"`, and `LABEL maintainer=…` as the replacement for
    /// `MAINTAINER`), so flagging them would contradict the documentation users follow.
    ///
    /// ## Why is this bad?
    /// Label Schema was frozen in favour of the OCI image annotations, which registries
    /// (GitHub Container Registry links an image to its repository through
    /// `org.opencontainers.image.source`), scanners and `docker buildx` read today. An
    /// image labelled only with `org.label-schema.*` keys looks unlabelled to them.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.label-schema.vcs-url="https://github.com/example/app" org.label-schema.vcs-ref=$GIT_SHA
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/example/app" org.opencontainers.image.revision=$GIT_SHA
    /// ```
    ///
    /// ## Fix safety
    /// The fix renames the key. It is unsafe: tooling that still reads the old key
    /// stops seeing it (add both keys during a migration if that matters).
    ///
    /// ## References
    /// - OCI image spec: "Annotations", section "Back-compatibility with Label Schema"
    /// - BuildKit check `MaintainerDeprecated` (points to the OCI `authors` label)
    pub(crate) RULE {
        id: "label-oci-conventions",
        summary: "org.label-schema.* label superseded by OCI annotations",
        level: Hint,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const PREFIX: &str = "org.label-schema.";

/// Label Schema key (after the prefix) → OCI key (after `org.opencontainers.image.`).
const RENAMES: &[(&str, &str)] = &[
    ("build-date", "created"),
    ("url", "url"),
    ("vcs-url", "source"),
    ("version", "version"),
    ("vcs-ref", "revision"),
    ("vendor", "vendor"),
    ("name", "title"),
    ("description", "description"),
    ("usage", "documentation"),
];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for pair in label_pairs(ctx) {
        let Some(key) = &pair.key else {
            continue;
        };
        let Some(rest) = key.strip_prefix(PREFIX) else {
            continue;
        };
        match RENAMES.iter().find(|(old, _)| *old == rest) {
            Some((_, new)) => {
                let new = format!("org.opencontainers.image.{new}");
                let d = acc.report(
                    &RULE,
                    pair.key_range,
                    format!("`{key}` is a retired Label Schema key; use the OCI key `{new}`."),
                );
                if pair.key_literal {
                    d.with_fix(
                        format!("Rename to `{new}`"),
                        Applicability::Unsafe,
                        vec![TextEdit::replace(pair.key_range, new)],
                    );
                }
            }
            None => {
                acc.report(
                    &RULE,
                    pair.key_range,
                    format!("`{key}` is a retired Label Schema key with no OCI equivalent; consider dropping it."),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_label_schema_keys() {
        check_rule(
            &RULE,
            r#"
FROM alpine
LABEL org.label-schema.vcs-url="https://x" org.label-schema.schema-version="1.0"
ONBUILD LABEL "org.label-schema.name"=app
"#,
            expect![[r#"
                2 | LABEL org.label-schema.vcs-url="https://x" org.label-schema.schema-version="1.0"
                  |       ^^^^^^^^^^^^^^^^^^^^^^^^ label-oci-conventions: `org.label-schema.vcs-url` is a retired Label Schema key; use the OCI key `org.opencontainers.image.source`.
                2 | LABEL org.label-schema.vcs-url="https://x" org.label-schema.schema-version="1.0"
                  |                                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ label-oci-conventions: `org.label-schema.schema-version` is a retired Label Schema key with no OCI equivalent; consider dropping it.
                3 | ONBUILD LABEL "org.label-schema.name"=app
                  |               ^^^^^^^^^^^^^^^^^^^^^^^ label-oci-conventions: `org.label-schema.name` is a retired Label Schema key; use the OCI key `org.opencontainers.image.title`.
            "#]],
        );
    }

    #[test]
    fn accepts_oci_and_plain_keys() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG K
LABEL org.opencontainers.image.source="https://x" version=1 maintainer=me $K=1 org.label-schemas.x=1
"#,
        );
    }

    #[test]
    fn fix_renames() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
LABEL org.label-schema.build-date=$DATE \
      org.label-schema.vcs-ref=abc1234
"#,
            expect![[r#"
                FROM alpine
                LABEL org.opencontainers.image.created=$DATE \
                      org.opencontainers.image.revision=abc1234
            "#]],
        );
    }
}

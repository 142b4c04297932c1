//! `maintainer-deprecated`: the deprecated MAINTAINER instruction.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports the `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13. It fills a legacy `Author`
    /// field of the image config that tools no longer read; the standard place for the
    /// author is the OCI label `org.opencontainers.image.authors`, which registries and
    /// scanners show.
    ///
    /// ## Example
    /// ```dockerfile
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix safety
    /// The fix rewrites the instruction as that `LABEL`. It is safe: the image gains the
    /// label and loses only the deprecated field. It is offered when the instruction is
    /// on one line and its text has no quote, `$` or escape character (those would need
    /// escaping inside the label value).
    ///
    /// ## References
    /// - hadolint `DL4000` ("MAINTAINER is deprecated")
    /// - BuildKit check `MaintainerDeprecated`
    /// - Trivy `DS-0022`, Checkov `CKV_DOCKER_6`
    /// - Dockerfile reference, "MAINTAINER (deprecated)"; OCI image spec, "Pre-Defined
    ///   Annotation Keys"
    pub(crate) RULE {
        id: "maintainer-deprecated",
        summary: "MAINTAINER is deprecated",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL4000"],
        buildkit: ["MaintainerDeprecated"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let escape = ctx.syntax.escape;
    for inst in &ctx.syntax.instructions {
        if inst.kind != Kind::Maintainer {
            continue;
        }
        let d = acc.report(
            &RULE,
            inst.keyword_range,
            "MAINTAINER is deprecated; use `LABEL org.opencontainers.image.authors=\"…\"` instead",
        );
        d.deprecated = true;
        let value = &inst.args.text;
        let one_line = !ctx.text[inst.range.range()].contains(['\n', '\r']);
        let plain = !value.contains(['"', '\'', '$', '\\', '`', escape]);
        if one_line && plain && !value.is_empty() {
            d.with_fix(
                "Replace with LABEL org.opencontainers.image.authors",
                Applicability::Safe,
                vec![TextEdit::replace(
                    inst.range,
                    format!("LABEL org.opencontainers.image.authors=\"{value}\""),
                )],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_maintainer() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
maintainer "quoted"
"#,
            expect![[r#"
                2 | MAINTAINER Jane Doe <jane@example.com>
                  | ^^^^^^^^^^ maintainer-deprecated: MAINTAINER is deprecated; use `LABEL org.opencontainers.image.authors="…"` instead
                3 | maintainer "quoted"
                  | ^^^^^^^^^^ maintainer-deprecated: MAINTAINER is deprecated; use `LABEL org.opencontainers.image.authors="…"` instead
            "#]],
        );
    }

    #[test]
    fn accepts_labels() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
LABEL maintainer="Jane"
"#,
        );
    }

    #[test]
    fn rewrites_as_label() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
MAINTAINER Jane Doe <jane@example.com>
RUN true
"#,
            expect![[r#"
                FROM alpine:3.20
                LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
                RUN true
            "#]],
        );
    }
}

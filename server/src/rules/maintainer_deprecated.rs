//! `maintainer-deprecated`: the deprecated MAINTAINER instruction.

use crate::rules::edits::delete_lines;
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
    /// The fix rewrites the instruction as that `LABEL`, on one line, with the value
    /// as MAINTAINER recorded it (`"`, `$` and the escape character escaped, so that
    /// nothing is expanded; a continued MAINTAINER's lines are joined with one space). It is safe: the image gains the label and loses only
    /// the deprecated field. When the stage already sets
    /// `org.opencontainers.image.authors`, the fix deletes the MAINTAINER instead (a
    /// second label would override or be overridden by the author's own). No fix for a
    /// continued MAINTAINER with comment lines inside, which the rewrite would drop.
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

const AUTHORS: &str = "org.opencontainers.image.authors";

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let escape = ctx.syntax.escape;
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        if inst.kind != Kind::Maintainer {
            continue;
        }
        let d = acc.report(
            &RULE,
            inst.keyword_range,
            "MAINTAINER is deprecated; use `LABEL org.opencontainers.image.authors=\"…\"` instead",
        );
        d.deprecated = true;
        // Lines joined by BuildKit keep their indentation; one space reads better and
        // means the same to anyone reading the authors.
        let value = if ctx.text[inst.range.range()].contains(['\n', '\r']) {
            inst.args.text.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            inst.args.text.clone()
        };
        // Comment lines inside a continued MAINTAINER would be lost by the rewrite.
        if value.is_empty() || !inst.inner_comments.is_empty() {
            continue;
        }
        if sets_authors(ctx, i) {
            d.with_fix(
                "Delete MAINTAINER (the stage already sets `org.opencontainers.image.authors`)",
                Applicability::Safe,
                vec![delete_lines(ctx.text, inst.range)],
            );
            continue;
        }
        d.with_fix(
            format!("Replace with `LABEL {AUTHORS}=\"…\"`"),
            Applicability::Safe,
            vec![TextEdit::replace(
                inst.range,
                format!("LABEL {AUTHORS}=\"{}\"", quote(&value, escape)),
            )],
        );
    }
}

/// `value` written inside a double-quoted LABEL value so that it reads back literally:
/// BuildKit's double-quote processing treats the escape character before `"`, `$` and
/// itself as an escape, and expands `$` (MAINTAINER takes its text as it is).
fn quote(value: &str, escape: char) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c == '"' || c == '$' || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out
}

/// The stage of instruction `at` (or one it is built on) sets the authors label.
fn sets_authors(ctx: &RuleContext<'_>, at: usize) -> bool {
    let Some(stage) = ctx.model.stage_of(at) else {
        return false;
    };
    ctx.model.stage_chain(stage.index).any(|s| {
        s.instructions.clone().any(|j| {
            let inst = &ctx.syntax.instructions[j];
            inst.kind == Kind::Label
                && inst
                    .args
                    .pairs
                    .iter()
                    .any(|p| p.key.text.trim_matches(['"', '\'']) == AUTHORS)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not, diagnostics_of};
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

    #[test]
    fn rewrite_escapes_quotes_dollars_and_joins_lines() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
MAINTAINER "Jane" <jane$doe@example.com> \
    C:\x
ONBUILD RUN true
FROM alpine:3.20 AS second
  maintainer 'single' quotes
"#,
            expect![[r#"
                FROM alpine:3.20
                LABEL org.opencontainers.image.authors="\"Jane\" <jane\$doe@example.com> C:\\x"
                ONBUILD RUN true
                FROM alpine:3.20 AS second
                  LABEL org.opencontainers.image.authors="'single' quotes"
            "#]],
        );
    }

    #[test]
    fn rewrite_with_escape_backtick_and_crlf() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM alpine\r\nMAINTAINER a`b \"c\\d\" `\r\n e\r\nRUN x\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nLABEL org.opencontainers.image.authors=\"a``b `\"c\\d`\" e\"\r\nRUN x\r\n"
        );
    }

    #[test]
    fn deletes_when_the_label_is_already_set() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20 AS base
LABEL org.opencontainers.image.authors="Jane"
FROM base
# the author
MAINTAINER Jane Doe
RUN true
"#,
            expect![[r#"
                FROM alpine:3.20 AS base
                LABEL org.opencontainers.image.authors="Jane"
                FROM base
                # the author
                RUN true
            "#]],
        );
    }

    #[test]
    fn no_fix_when_comments_are_inside() {
        let d = diagnostics_of(
            &RULE,
            "FROM alpine\nMAINTAINER Jane \\\n# hi\n Doe\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }
}

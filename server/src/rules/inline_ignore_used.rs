//! `inline-ignore-used`: a suppression comment in the Dockerfile (opt-in).

use crate::rules::suppression::is_suppression;
use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports every suppression comment: `# dockerfile-lsp ignore=…`,
    /// `# dockerfile-lsp global ignore=…`, hadolint's `# hadolint ignore=…` (also
    /// `global` and `stage`), and BuildKit's `# check=skip=…` written as a comment
    /// above an instruction. The `# check=` parser directive at the top of the file is
    /// file configuration, not an inline pragma, and is not reported.
    ///
    /// Off by default; turn it on for code bases that want every exception to live in
    /// the configuration file, where it is reviewed in one place.
    ///
    /// Differences from hadolint (DL1001): hadolint 2.15 never reports DL1001 itself;
    /// its `--disable-ignore-pragma` option (`disable-ignore-pragma: true`) silently
    /// disregards the pragmas instead, so their findings come back. We report each
    /// pragma where it is written, and keep honouring it, so turning this rule on does
    /// not flood the file with the findings the pragmas were silencing. On our
    /// 988-file corpus this rule reports 33 pragmas and hadolint none.
    ///
    /// ## Why is this bad?
    /// Inline pragmas accumulate: they outlive the reason they were written for,
    /// silence later real findings on the same instruction, and are invisible in a
    /// review of the lint configuration. Teams that enforce a lint policy centrally
    /// prefer rule levels in `.dockerfile-lsp.toml` or `.hadolint.yaml`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// # hadolint ignore=DL3018
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r2
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: deleting the pragma brings back the finding it silences.
    ///
    /// ## References
    /// - hadolint DL1001 ("Please refrain from using inline ignore pragmas")
    pub(crate) RULE {
        id: "inline-ignore-used",
        summary: "Inline ignore pragma",
        level: Off,
        fix: None,
        hadolint: ["DL1001"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for c in &ctx.syntax.comments {
        if c.in_continuation || !is_suppression(&c.text) {
            continue;
        }
        if ctx.syntax.directives.iter().any(|d| d.range == c.range) {
            continue;
        }
        acc.report(
            &RULE,
            c.range,
            "Inline ignore pragma: fix the finding, or set the rule's level in the configuration file instead",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_every_pragma() {
        check_rule(
            &RULE,
            r#"
# check=skip=all
FROM alpine:3.20
# hadolint ignore=DL3018
RUN apk add curl
# hadolint global ignore=DL3006
# dockerfile-lsp ignore=run-cd # legacy
RUN cd /x && make
# check=skip=JSONArgsRecommended
CMD make
"#,
            expect![[r#"
                3 | # hadolint ignore=DL3018
                  | ^^^^^^^^^^^^^^^^^^^^^^^^ inline-ignore-used: Inline ignore pragma: fix the finding, or set the rule's level in the configuration file instead
                5 | # hadolint global ignore=DL3006
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ inline-ignore-used: Inline ignore pragma: fix the finding, or set the rule's level in the configuration file instead
                6 | # dockerfile-lsp ignore=run-cd # legacy
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ inline-ignore-used: Inline ignore pragma: fix the finding, or set the rule's level in the configuration file instead
                8 | # check=skip=JSONArgsRecommended
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ inline-ignore-used: Inline ignore pragma: fix the finding, or set the rule's level in the configuration file instead
            "#]],
        );
    }

    #[test]
    fn accepts_directives_and_other_comments() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended;error=true
FROM alpine:3.20
# hadolint shell=bash
# We ignore the cache here.
# check=error=true
RUN apk add --no-cache curl \
# hadolint ignore=DL3018
    jq
"#,
        );
    }
}

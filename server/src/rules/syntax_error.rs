//! `syntax-error`: what BuildKit's parser rejects and no more specific rule covers.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports the parse failures of BuildKit's Dockerfile parser that no more specific
    /// rule covers: a file without a single instruction (empty, or only comments) and a
    /// line longer than the parser's 64 KiB line buffer.
    ///
    /// The other parser errors each have their own rule, so that they can be looked up,
    /// configured and suppressed one by one: `directive-duplicate`,
    /// `escape-directive-invalid`, `heredoc-unterminated` and `invalid-arguments`.
    /// Every error is reported by exactly one rule.
    ///
    /// ## Why is this bad?
    /// `docker build` stops before running anything; the whole file is refused
    /// ("file with no instructions", "dockerfile line greater than max allowed size").
    ///
    /// ## Example
    /// ```dockerfile
    /// # TODO: write the build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: what the file should contain is unknown.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser/parser.go` (`Parse`, `handleScannerError`)
    pub(crate) RULE {
        id: "syntax-error",
        summary: "BuildKit's parser rejects this",
        level: Error,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for e in &ctx.syntax.errors {
        if e.kind.rule_id() == RULE.id {
            acc.report(&RULE, e.range, e.message.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_a_file_without_instructions() {
        check_rule(
            &RULE,
            r#"
# TODO: write the build
"#,
            expect![[r#"
                1 | # TODO: write the build
                  | ^^^^^^^^^^^^^^^^^^^^^^^ syntax-error: the Dockerfile has no instructions (BuildKit rejects it)
            "#]],
        );
    }

    #[test]
    fn catches_an_overlong_line() {
        let text = format!("FROM alpine:3.20\nRUN echo {}\n", "x".repeat(70_000));
        let diags = crate::rules::test_support::diagnostics_of(&RULE, &text);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].message.contains("65535"));
        // BuildKit's limit (checked against its parser): 65535 bytes per line, the line
        // break not counted, with or without a final line break.
        let line = |n: usize, end: &str| format!("FROM a\nRUN {}{end}", "x".repeat(n - 4));
        for end in ["\n", ""] {
            let ok = line(65_535, end);
            assert!(crate::rules::test_support::diagnostics_of(&RULE, &ok).is_empty());
            let long = line(65_536, end);
            assert_eq!(crate::rules::test_support::diagnostics_of(&RULE, &long).len(), 1);
        }
    }

    #[test]
    fn leaves_specific_errors_to_their_rules() {
        check_rule_not(
            &RULE,
            r#"
# escape=x
# escape=\
FROM alpine
ENV DEBUG
RUN <<EOF
echo hi
"#,
        );
    }
}

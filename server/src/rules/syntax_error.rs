//! `syntax-error`: what BuildKit's parser rejects.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports text that BuildKit's Dockerfile parser rejects: an unterminated heredoc,
    /// a JSON array holding something other than strings, `ENV` without a value, a
    /// repeated or invalid parser directive.
    ///
    /// ## Why is this bad?
    /// `docker build` stops before running anything; the whole file is refused.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV DEBUG
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENV DEBUG=1
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the intent is unknown.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser`
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
        acc.report(&RULE, e.range, e.message.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unterminated_heredoc_and_bad_env() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ENV DEBUG
RUN <<EOF
echo hi
"#,
            expect![[r#"
                2 | ENV DEBUG
                  |     ^^^^^ syntax-error: ENV must have two arguments
                3 | RUN <<EOF
                  |     ^^^^^ syntax-error: unterminated heredoc `EOF`
            "#]],
        );
    }

    #[test]
    fn accepts_what_buildkit_accepts() {
        check_rule_not(
            &RULE,
            r#"
# escape=\
FROM alpine
ENV A=1 B="two words"
RUN <<EOF
echo ${A#x}
EOF
CMD ["sh", "-c", "echo"]
"#,
        );
    }
}

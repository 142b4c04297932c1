//! `directive-casing`: a parser directive key written in upper or mixed case.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a parser directive in the directive block whose key is not lowercase,
    /// such as `# Syntax=docker/dockerfile:1` or `# ESCAPE=\``.
    ///
    /// Only the key is checked: values are case-sensitive (`docker/dockerfile:1` is an
    /// image reference, check names are PascalCase).
    ///
    /// ## Why is this bad?
    /// BuildKit accepts any case, so this is style only. The Dockerfile reference
    /// writes directive keys in lowercase and recommends it; a lowercase key is also
    /// what other tools (and people scanning a file for `# syntax=`) search for.
    ///
    /// ## Example
    /// ```dockerfile
    /// # Syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// The fix lowercases the key. It is safe: BuildKit reads keys without regard to
    /// case.
    ///
    /// ## References
    /// - Dockerfile reference, "Parser directives" ("the convention is for them to be
    ///   lowercase")
    /// - rcjsuen/dockerfile-utils `directiveCasing`
    pub(crate) RULE {
        id: "directive-casing",
        summary: "Parser directive key is not lowercase",
        level: Hint,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for d in &ctx.syntax.directives {
        let lower = d.key.to_ascii_lowercase();
        if d.key == lower {
            continue;
        }
        acc.report(
            &RULE,
            d.key_range,
            format!("Write the directive key in lowercase: `{lower}`"),
        )
        .with_fix(
            format!("Lowercase to `{lower}`"),
            Applicability::Safe,
            vec![TextEdit::replace(d.key_range, lower)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_upper_and_mixed_case_keys() {
        check_rule(
            &RULE,
            r#"
# Syntax=docker/dockerfile:1
#ESCAPE = `
FROM mcr.microsoft.com/windows/servercore:ltsc2022
"#,
            expect![[r#"
                1 | # Syntax=docker/dockerfile:1
                  |   ^^^^^^ directive-casing: Write the directive key in lowercase: `syntax`
                2 | #ESCAPE = `
                  |  ^^^^^^ directive-casing: Write the directive key in lowercase: `escape`
            "#]],
        );
    }

    #[test]
    fn accepts_lowercase_keys_and_plain_comments() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
# Note=this is a comment
FROM alpine:3.20
# Syntax=docker/dockerfile:1
"#,
        );
    }

    #[test]
    fn lowercases_the_key() {
        check_rule_fix(
            &RULE,
            r#"
# SYNTAX=docker/dockerfile:1
FROM alpine:3.20
"#,
            expect![[r#"
                # syntax=docker/dockerfile:1
                FROM alpine:3.20
            "#]],
        );
    }
}

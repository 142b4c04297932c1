//! `escape-directive-invalid`: `# escape=` with a value BuildKit does not accept.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::SyntaxErrorKind;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports an `# escape=` parser directive whose value is neither `\` nor `` ` ``
    /// (a backtick), the only two escape characters BuildKit accepts.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses the whole file ("invalid escape token … does not match ` or
    /// \\"). The escape character also decides how lines are continued, so there is no
    /// way to read the rest of the file until it is fixed.
    ///
    /// `\` is the default. `` ` `` is meant for Windows images, where `\` is the path
    /// separator (`C:\app`) and would otherwise escape the next character or continue
    /// the line.
    ///
    /// ## Example
    /// ```dockerfile
    /// # escape=^
    /// FROM mcr.microsoft.com/windows/servercore:ltsc2022
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # escape=`
    /// FROM mcr.microsoft.com/windows/servercore:ltsc2022
    /// ```
    ///
    /// ## Fix safety
    /// Two fixes replace the value with `` ` `` or with `\`; the first one is `` ` ``
    /// when the value contains a backtick (`` `` `` or `` `x ``), `\` otherwise. Both
    /// are unsafe: the two characters continue lines differently, so the author has to
    /// choose.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser/directives.go` (parser error)
    /// - Dockerfile reference, "Parser directives", "escape"
    pub(crate) RULE {
        id: "escape-directive-invalid",
        summary: "escape directive is neither \\ nor `",
        level: Error,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for e in &ctx.syntax.errors {
        if e.kind != SyntaxErrorKind::EscapeInvalid {
            continue;
        }
        let value = &ctx.text[e.range.range()];
        let backtick_first = value.contains('`');
        let d = acc.report(
            &RULE,
            e.range,
            format!(
                "{} is not an escape character BuildKit accepts: use `\\` (the default) or `` ` `` (for Windows paths)",
                if value.contains('`') {
                    format!("`` {value} ``")
                } else {
                    format!("`{value}`")
                }
            ),
        );
        let backtick = (
            "Use `` ` `` as the escape character (Windows style)",
            "`",
        );
        let backslash = ("Use `\\` as the escape character (the default)", "\\");
        let order = if backtick_first {
            [backtick, backslash]
        } else {
            [backslash, backtick]
        };
        for (title, replacement) in order {
            d.with_fix(
                title,
                Applicability::Unsafe,
                vec![TextEdit::replace(e.range, replacement)],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_other_characters() {
        check_rule(
            &RULE,
            r#"
# escape=^
FROM alpine:3.20
"#,
            expect![[r#"
                1 | # escape=^
                  |          ^ escape-directive-invalid: `^` is not an escape character BuildKit accepts: use `\` (the default) or `` ` `` (for Windows paths)
            "#]],
        );
        check_rule(
            &RULE,
            r#"
# ESCAPE = ``
FROM mcr.microsoft.com/windows/servercore:ltsc2022
"#,
            expect![[r#"
                1 | # ESCAPE = ``
                  |            ^^ escape-directive-invalid: `` `` `` is not an escape character BuildKit accepts: use `\` (the default) or `` ` `` (for Windows paths)
            "#]],
        );
    }

    #[test]
    fn accepts_backslash_and_backtick_and_later_comments() {
        check_rule_not(&RULE, "# escape=\\\nFROM alpine:3.20\n");
        check_rule_not(
            &RULE,
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\n",
        );
        // After the directive block it is a plain comment (directive-misplaced).
        check_rule_not(&RULE, "FROM alpine:3.20\n# escape=^\n");
    }

    #[test]
    fn fixes_the_value() {
        check_rule_fix(
            &RULE,
            r#"
# escape=``
FROM mcr.microsoft.com/windows/servercore:ltsc2022
"#,
            expect![[r#"
                # escape=`
                FROM mcr.microsoft.com/windows/servercore:ltsc2022
            "#]],
        );
        check_rule_fix(
            &RULE,
            r#"
# escape=/
FROM alpine:3.20
"#,
            expect![[r#"
                # escape=\
                FROM alpine:3.20
            "#]],
        );
    }

    #[test]
    fn offers_both_characters() {
        check_rule_fixes(
            &RULE,
            "# escape=`x\nFROM alpine\n",
            expect![[r#"
                --- Use `` ` `` as the escape character (Windows style) (unsafe)
                # escape=`
                FROM alpine
                --- Use `\` as the escape character (the default) (unsafe)
                # escape=\
                FROM alpine
            "#]],
        );
    }
}

//! `directive-duplicate`: the same parser directive twice in the directive block.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{match_directive_key, SyntaxErrorKind};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a parser directive (`# syntax=`, `# escape=`, `# check=`) that appears a
    /// second time in the directive block at the top of the file. Keys are compared
    /// without regard to case, as BuildKit compares them: `# Syntax=` repeats
    /// `# syntax=`.
    ///
    /// A repeated directive-shaped comment after the directive block is a plain comment
    /// to BuildKit and is reported by `directive-misplaced` instead.
    ///
    /// ## Why is this bad?
    /// BuildKit refuses the whole file ("only one syntax parser directive can be
    /// used"): nothing is built. It usually happens when two templates are pasted
    /// together, or when a pinned `# syntax=` is added above an old one.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// # syntax=docker/dockerfile:1.7
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1.7
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the later line. It is safe when both lines have the same value;
    /// when the values differ it is unsafe, because the author may have meant the later
    /// one.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser/directives.go` (parser error)
    /// - Dockerfile reference, "Parser directives"
    pub(crate) RULE {
        id: "directive-duplicate",
        summary: "Parser directive given twice",
        level: Error,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for e in &ctx.syntax.errors {
        if e.kind != SyntaxErrorKind::DirectiveDuplicate {
            continue;
        }
        let line = &ctx.text[e.range.range()];
        let Some((key, value)) = match_directive_key(line) else {
            continue;
        };
        let Some(first) = ctx
            .syntax
            .directives
            .iter()
            .find(|d| d.key.eq_ignore_ascii_case(key))
        else {
            continue;
        };
        let first_line = ctx.line_index.line_of(first.range.start()) + 1;
        let same = first.value == value;
        let applicability = if same {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let message = if same {
            format!(
                "The `{}` directive is already set on line {first_line}; BuildKit refuses the file when a directive is repeated",
                key.to_ascii_lowercase()
            )
        } else {
            format!(
                "The `{}` directive is already set on line {first_line} (to `{}`); BuildKit refuses the file when a directive is repeated; keep one line",
                key.to_ascii_lowercase(),
                first.value
            )
        };
        let l = ctx.line_index.line_of(e.range.start());
        let start = ctx.line_index.line_start(l);
        let end = if l + 1 < ctx.line_index.line_count() {
            ctx.line_index.line_start(l + 1)
        } else {
            ctx.text.len()
        };
        acc.report(&RULE, e.range, message).with_fix(
            "Delete the repeated directive",
            applicability,
            vec![TextEdit::delete(TextRange::new(start, end))],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_repeated_directives() {
        check_rule(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# escape=`
# Syntax = docker/dockerfile:1.7
# escape=`
FROM alpine:3.20
"#,
            expect![[r#"
                3 | # Syntax = docker/dockerfile:1.7
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ directive-duplicate: The `syntax` directive is already set on line 1 (to `docker/dockerfile:1`); BuildKit refuses the file when a directive is repeated; keep one line
                4 | # escape=`
                  | ^^^^^^^^^^ directive-duplicate: The `escape` directive is already set on line 2; BuildKit refuses the file when a directive is repeated
            "#]],
        );
    }

    #[test]
    fn accepts_distinct_directives_and_later_comments() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
# escape=\

# syntax=docker/dockerfile:1
FROM alpine:3.20
"#,
        );
    }

    #[test]
    fn deletes_the_later_line() {
        check_rule_fix(
            &RULE,
            r#"
# escape=`
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
"#,
            expect![[r#"
                # escape=`
                FROM mcr.microsoft.com/windows/servercore:ltsc2022
            "#]],
        );
    }
}

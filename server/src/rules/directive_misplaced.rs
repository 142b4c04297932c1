//! `directive-misplaced`: a `# syntax=` / `# escape=` / `# check=` comment after the
//! directive block, which BuildKit reads as a plain comment.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::{Comment, DirectiveKind};

declare_rule! {
    /// ## What it does
    /// Reports a comment shaped like a parser directive with a known key (`syntax`,
    /// `escape`, `check`) that is not in the directive block at the very top of the
    /// file, for example after a licence header, a blank line or an instruction.
    ///
    /// Comments inside a continued instruction are not reported: BuildKit drops them
    /// with the rest of the continuation, and there they read as commented-out
    /// arguments rather than as an attempt at a directive.
    ///
    /// A `# syntax=` or `# check=` line right after a `#!` first line is not reported:
    /// BuildKit's look-up of those two directives skips a shebang line (the parser's own
    /// `escape` handling does not, so `# escape=` there is reported).
    ///
    /// ## Why is this bad?
    /// Directives are only read before any other comment, blank line or instruction.
    /// Anywhere else the line is silently a comment: the frontend version is not
    /// pinned, the escape character stays `\`, the check settings are ignored.
    ///
    /// ## Example
    /// ```dockerfile
    /// # Build image for the API.
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// # Build image for the API.
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix yet: moving the line changes how the file is parsed (that is
    /// the point), so it is left to the author.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser/directives.go`
    /// - Dockerfile reference, "Parser directives"
    pub(crate) RULE {
        id: "directive-misplaced",
        summary: "Parser directive after the directive block is a plain comment",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let syntax = ctx.syntax;
    let after_shebang = shebang_block(ctx);
    for c in &syntax.comments {
        if c.in_continuation {
            continue;
        }
        let Some(kind) = directive_kind(ctx.text, c) else {
            continue;
        };
        if syntax.directives.iter().any(|d| d.range == c.range) {
            continue;
        }
        // A repeated directive inside the block is a syntax error, reported there.
        if syntax.errors.iter().any(|e| e.range == c.range) {
            continue;
        }
        if kind != DirectiveKind::Escape && after_shebang.contains(&c.range.start()) {
            continue;
        }
        acc.report(
            &RULE,
            c.range,
            format!(
                "This `{}` directive is not in the directive block at the top of the file, so it is a plain comment; move it above every other line",
                kind.name()
            ),
        );
    }
}

fn directive_kind(text: &str, c: &Comment) -> Option<DirectiveKind> {
    // The directive shape: `#`, optional blanks, an alphanumeric key starting with a
    // letter, optional blanks, `=`, then a non-empty value.
    let line = text[c.range.range()].strip_prefix('#')?.trim_start();
    let key_len = line
        .bytes()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(line.len());
    let (key, rest) = line.split_at(key_len);
    if !key.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        return None;
    }
    let value = rest.trim_start().strip_prefix('=')?;
    if value.trim().is_empty() {
        return None;
    }
    DirectiveKind::from_key(key)
}

/// Start offsets of the directive-shaped comments that follow a `#!` first line
/// (BuildKit's `DetectSyntax` / `ParseDirective` skip the shebang).
fn shebang_block(ctx: &RuleContext<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut comments = ctx.syntax.comments.iter();
    let Some(first) = comments.next() else {
        return out;
    };
    let text = ctx.text.trim_start_matches('\u{feff}');
    let offset = ctx.text.len() - text.len();
    if first.range.start() != offset || !ctx.text[first.range.range()].starts_with("#!") {
        return out;
    }
    let mut line = ctx.line_index.line_of(first.range.start());
    for c in comments {
        let l = ctx.line_index.line_of(c.range.start());
        if l != line + 1 || directive_kind(ctx.text, c).is_none() {
            break;
        }
        out.push(c.range.start());
        line = l;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_directives_after_the_block() {
        check_rule(
            &RULE,
            r#"
# Licence header.
# syntax=docker/dockerfile:1
FROM alpine:3.20
# escape=`
#check = skip=all
RUN echo hi
"#,
            expect![[r#"
                2 | # syntax=docker/dockerfile:1
                  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ directive-misplaced: This `syntax` directive is not in the directive block at the top of the file, so it is a plain comment; move it above every other line
                4 | # escape=`
                  | ^^^^^^^^^^ directive-misplaced: This `escape` directive is not in the directive block at the top of the file, so it is a plain comment; move it above every other line
                5 | #check = skip=all
                  | ^^^^^^^^^^^^^^^^^ directive-misplaced: This `check` directive is not in the directive block at the top of the file, so it is a plain comment; move it above every other line
            "#]],
        );
    }

    #[test]
    fn accepts_the_directive_block_and_other_comments() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
# Not a directive: key=value in prose
# foo=bar
FROM alpine:3.20
RUN echo a \
# escape=`
  && echo b
"#,
        );
    }

    #[test]
    fn shebang_then_syntax_is_honoured_but_escape_is_not() {
        check_rule(
            &RULE,
            r#"
#!/usr/bin/env -S docker build -f
# syntax=docker/dockerfile:1
# escape=`
FROM alpine:3.20
"#,
            expect![[r#"
                3 | # escape=`
                  | ^^^^^^^^^^ directive-misplaced: This `escape` directive is not in the directive block at the top of the file, so it is a plain comment; move it above every other line
            "#]],
        );
    }
}

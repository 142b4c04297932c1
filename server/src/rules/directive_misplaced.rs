//! `directive-misplaced`: a `# syntax=` / `# escape=` / `# check=` comment after the
//! directive block, which BuildKit reads as a plain comment.

use crate::fix::full_lines;
use crate::text::line_break_at;
use crate::rules::{Applicability, Diagnostics, Fix, RuleContext};
use crate::syntax::{match_directive_key, Comment, DirectiveKind};
use crate::text::{TextEdit, TextRange};

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
    /// The fix moves the line, as written, to the end of the directive block (the top
    /// of the file, after a BOM; for `syntax` and `check` after a `#!` line and the
    /// directives below it). It is unsafe because that is the point of it: the build
    /// then pulls that frontend, uses that escape character for every line, or runs
    /// the checks as configured. There is no move for `# escape=` in a file starting
    /// with `#!` (the shebang would stop being the first line). When the block already
    /// has that directive, moving would repeat it (a build error): if the values are
    /// the same, a safe fix deletes the redundant comment instead.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser/directives.go`
    /// - Dockerfile reference, "Parser directives"
    pub(crate) RULE {
        id: "directive-misplaced",
        summary: "Parser directive after the directive block is a plain comment",
        level: Warning,
        fix: Sometimes,
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
        let d = acc.report(
            &RULE,
            c.range,
            format!(
                "This `{}` directive is not in the directive block at the top of the file, so it is a plain comment; move it above every other line",
                kind.name()
            ),
        );
        let line = full_lines(ctx.text, c.range);
        let written = &ctx.text[c.range.range()];
        if let Some(existing) = syntax.directive(kind) {
            // Moving it would repeat the directive (a build error). A copy of the
            // directive in force says nothing: deleting it changes nothing.
            if match_directive_key(written).is_some_and(|(_, v)| v == existing.value) {
                d.with_fix(
                    format!("Delete this copy of the `{}` directive", kind.name()),
                    Applicability::Safe,
                    vec![TextEdit::delete(line)],
                );
            }
            continue;
        }
        let Some(at) = block_end(ctx, kind, &after_shebang) else {
            continue;
        };
        if at >= line.start() {
            continue;
        }
        let eol = line_break_at(ctx.text, c.range.end());
        let what = match kind {
            DirectiveKind::Syntax => "the build then uses this frontend",
            DirectiveKind::Escape => "the escape character then changes for the whole file",
            DirectiveKind::Check => "the build checks then follow it",
        };
        // After a BOM the insertion is inside the first line: name it.
        d.push_fix(
            Fix::new(
                format!("Move `{written}` into the directive block ({what})"),
                Applicability::Unsafe,
                vec![
                    TextEdit::insert(at, format!("{written}{eol}")),
                    TextEdit::delete(line),
                ],
            )
            .also_editing([TextRange::empty(at)]),
        );
    }
}

/// Where a directive of `kind` can be added to the directive block: after its last
/// line (or at the start of the file, after a BOM). `# syntax=` and `# check=` may
/// follow a `#!` first line; `# escape=` cannot, so there is no place for it then.
fn block_end(ctx: &RuleContext<'_>, kind: DirectiveKind, after_shebang: &[usize]) -> Option<usize> {
    let text = ctx.text;
    let next_line = |end: usize| full_lines(text, TextRange::empty(end)).end();
    let starts_line = |at: usize| text[..at].ends_with('\n').then_some(at);
    if let Some(last) = ctx.syntax.directives.iter().map(|d| d.range.end()).max() {
        return starts_line(next_line(last));
    }
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if !text[bom..].starts_with("#!") {
        return Some(bom);
    }
    if kind == DirectiveKind::Escape {
        return None;
    }
    let shebang_end = next_line(bom);
    let last = ctx
        .syntax
        .comments
        .iter()
        .filter(|c| after_shebang.contains(&c.range.start()))
        .map(|c| next_line(c.range.end()))
        .max();
    let at = last.unwrap_or(shebang_end);
    // A shebang on the last line without a line break: nowhere to insert a line.
    starts_line(at)
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
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of, check_rule_fix_raw};
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

    #[test]
    fn fix_moves_the_line_into_the_block() {
        check_rule_fixes(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
# Licence header.
# check=skip=JSONArgsRecommended
FROM alpine:3.20
  # escape=`
# syntax=docker/dockerfile:1
# syntax=docker/dockerfile:1.7
"#,
            expect![[r#"
                --- Move `# check=skip=JSONArgsRecommended` into the directive block (the build checks then follow it) (unsafe)
                # syntax=docker/dockerfile:1
                # check=skip=JSONArgsRecommended
                # Licence header.
                FROM alpine:3.20
                  # escape=`
                # syntax=docker/dockerfile:1
                # syntax=docker/dockerfile:1.7
                --- Move `# escape=`` into the directive block (the escape character then changes for the whole file) (unsafe)
                # syntax=docker/dockerfile:1
                # escape=`
                # Licence header.
                # check=skip=JSONArgsRecommended
                FROM alpine:3.20
                # syntax=docker/dockerfile:1
                # syntax=docker/dockerfile:1.7
                --- Delete this copy of the `syntax` directive (safe)
                # syntax=docker/dockerfile:1
                # Licence header.
                # check=skip=JSONArgsRecommended
                FROM alpine:3.20
                  # escape=`
                # syntax=docker/dockerfile:1.7
            "#]],
        );
    }

    #[test]
    fn fix_without_block_bom_crlf_and_shebang() {
        check_rule_fix_raw(
            &RULE,
            "\u{feff}# Licence\r\nFROM alpine:3.20\r\n# escape=`\r\nRUN echo a `\r\n  b\r\n",
            expect![[r#"
                <BOM># escape=`␍
                # Licence␍
                FROM alpine:3.20␍
                RUN echo a `␍
                  b␍
            "#]],
        );
        check_rule_fix(
            &RULE,
            "#!/usr/bin/env -S docker build -f\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\n# check=error=true\n",
            expect![[r#"
                #!/usr/bin/env -S docker build -f
                # syntax=docker/dockerfile:1
                # check=error=true
                FROM alpine:3.20
            "#]],
        );
        let diags = diagnostics_of(&RULE, "#!/usr/bin/env -S docker build -f\nFROM alpine\n# escape=`\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.is_empty());
    }
}

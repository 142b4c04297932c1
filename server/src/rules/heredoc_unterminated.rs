//! `heredoc-unterminated`: a heredoc whose terminator line never comes.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Heredoc, SyntaxErrorKind};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a heredoc (`RUN <<EOF`, `COPY <<EOF /dest`) whose terminator, a line
    /// holding exactly the delimiter word, never appears. With `<<-` the terminator
    /// may be indented with tabs (not spaces).
    ///
    /// When a line in the body holds the delimiter with extra spaces around it
    /// (`EOF ` or `  EOF`), the message points at it: that is the usual cause.
    ///
    /// ## Why is this bad?
    /// BuildKit reads the rest of the file as the heredoc's body and then refuses the
    /// whole file ("unterminated heredoc"). In an editor, every instruction after the
    /// marker silently becomes part of a script.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN <<EOF
    /// apt-get update
    /// apt-get install -y curl
    /// CMD ["curl", "--version"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN <<EOF
    /// apt-get update
    /// apt-get install -y curl
    /// EOF
    /// CMD ["curl", "--version"]
    /// ```
    ///
    /// ## Fix safety
    /// When a line holds the delimiter with blanks around it, the first fix trims that
    /// line to the delimiter (keeping leading tabs for `<<-`): most likely the
    /// intended end. The other fix adds the terminator line at the end of the file,
    /// the only place where it keeps everything the parser reads today inside the
    /// heredoc. Both are unsafe: where the body should end is the author's call (the
    /// build fails today, so any fix changes what it does).
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser/parser.go` (parser error "unterminated
    ///   heredoc")
    /// - Dockerfile reference, "Here-Documents"
    pub(crate) RULE {
        id: "heredoc-unterminated",
        summary: "Heredoc without its terminator line",
        level: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let mut fixed_one = false;
    for e in &ctx.syntax.errors {
        if e.kind != SyntaxErrorKind::HeredocUnterminated {
            continue;
        }
        let Some(doc) = find_heredoc(ctx, e.range.start()) else {
            acc.report(&RULE, e.range, e.message.clone());
            continue;
        };
        let near_miss = ctx.text[doc.body_range.range()]
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim() == doc.name && *l != doc.name);
        let message = match near_miss {
            Some((n, _)) => {
                let line = ctx.line_index.line_of(doc.body_range.start()) + n + 1;
                format!(
                    "Heredoc `{}` is never closed: line {line} has the delimiter with spaces around it, but the terminator must be the whole line{}",
                    doc.name,
                    if doc.chomp { " (only tabs may indent it with `<<-`)" } else { "" }
                )
            }
            None => format!(
                "Heredoc `{}` is never closed: add a line holding only `{}` where its body ends; BuildKit reads the rest of the file into it and fails",
                doc.name, doc.name
            ),
        };
        let d = acc.report(&RULE, e.range, message);
        // The line with the delimiter and blanks around it: the author's terminator.
        if let Some((n, line)) = near_miss {
            let start = doc.body_range.start()
                + ctx.text[doc.body_range.range()]
                    .split_inclusive('\n')
                    .take(n)
                    .map(str::len)
                    .sum::<usize>();
            let written = line.trim_end_matches('\r');
            let keep = if doc.chomp {
                written.len() - written.trim_start_matches('\t').len()
            } else {
                0
            };
            let range = TextRange::new(start + keep, start + written.len());
            let n_line = ctx.line_index.line_of(start) + 1;
            d.with_fix(
                format!("Make line {n_line} the terminator `{}` (remove the blanks around it)", doc.name),
                Applicability::Unsafe,
                vec![TextEdit::replace(range, doc.name.clone())],
            );
        }
        // Only the first one: it swallows the rest of the file, so any later heredoc
        // is reported only because of it.
        if !fixed_one {
            fixed_one = true;
            let eol = crate::text::line_break(ctx.text);
            let lead = if ctx.text.is_empty() || ctx.text.ends_with('\n') {
                ""
            } else {
                eol
            };
            d.with_fix(
                format!("Add the terminator `{}` at the end of the file", doc.name),
                Applicability::Unsafe,
                vec![TextEdit::insert(
                    ctx.text.len(),
                    format!("{lead}{}{eol}", doc.name),
                )],
            );
        }
    }
}

/// The heredoc whose marker starts at `at` (in an instruction or an ONBUILD trigger).
fn find_heredoc<'a>(ctx: &RuleContext<'a>, at: usize) -> Option<&'a Heredoc> {
    ctx.syntax
        .instructions
        .iter()
        .flat_map(|i| i.heredocs.iter().chain(i.effective().heredocs.iter()))
        .find(|h| h.marker_range.start() == at)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fix_raw, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_missing_terminators() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
RUN <<EOF
apt-get update
EOF 
CMD ["sh"]
"#,
            expect![[r#"
                2 | RUN <<EOF
                  |     ^^^^^ heredoc-unterminated: Heredoc `EOF` is never closed: line 4 has the delimiter with spaces around it, but the terminator must be the whole line
            "#]],
        );
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
ONBUILD COPY <<-"CONF" /etc/app.conf
	key=value
    CONF
"#,
            expect![[r#"
                2 | ONBUILD COPY <<-"CONF" /etc/app.conf
                  |              ^^^^^^^^^ heredoc-unterminated: Heredoc `CONF` is never closed: line 4 has the delimiter with spaces around it, but the terminator must be the whole line (only tabs may indent it with `<<-`)
            "#]],
        );
    }

    #[test]
    fn accepts_terminated_heredocs() {
        check_rule_not(
            &RULE,
            "FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\nRUN <<-EOT bash\n\techo hi\n\tEOT\nCOPY <<A <<B /x/\na\nA\nb\nB\nRUN [\"echo\", \"<<EOF\"]\n",
        );
    }

    #[test]
    fn adds_the_terminator_at_the_end() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
RUN <<EOF
echo hi"#,
            expect![[r#"
                FROM alpine:3.20
                RUN <<EOF
                echo hi
                EOF
            "#]],
        );
    }

    #[test]
    fn fix_trims_the_near_miss_terminator() {
        check_rule_fixes(
            &RULE,
            "FROM alpine\nRUN <<EOF\necho hi\n  EOF \nRUN <<-END\n\techo\n\tEND \n",
            expect![[r#"
                --- Make line 4 the terminator `EOF` (remove the blanks around it) (unsafe)
                FROM alpine
                RUN <<EOF
                echo hi
                EOF
                RUN <<-END
                	echo
                	END 
                --- Add the terminator `EOF` at the end of the file (unsafe)
                FROM alpine
                RUN <<EOF
                echo hi
                  EOF 
                RUN <<-END
                	echo
                	END 
                EOF
            "#]],
        );
        check_rule_fix_raw(
            &RULE,
            "FROM alpine\r\nRUN <<EOF\r\necho hi\r\nEOF \r\n",
            expect![[r#"
                FROM alpine␍
                RUN <<EOF␍
                echo hi␍
                EOF␍
            "#]],
        );
    }
}

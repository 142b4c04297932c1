//! `leading-whitespace`: an instruction or comment line that starts indented.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports spaces or tabs before the keyword of an instruction, or before the `#`
    /// of a comment line that stands between instructions. Only the first line of an
    /// instruction counts: continuation lines (after a trailing `\`), comment lines
    /// inside a continued instruction and heredoc bodies keep their indentation
    /// freely, and the keyword of an `ONBUILD` trigger is not at the start of a line.
    ///
    /// ## Why is this bad?
    /// BuildKit ignores the indentation, and the Dockerfile reference discourages it:
    /// an indented instruction looks as if it belonged to the line above (a
    /// continuation, or a block that Dockerfiles do not have), which misleads readers
    /// about where an instruction starts, especially when a `\` was forgotten on the
    /// previous line.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    ///     RUN apk add --no-cache curl
    ///   # install the app
    /// COPY app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// # install the app
    /// COPY app /app
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the indentation. It is safe: BuildKit ignores it.
    ///
    /// ## References
    /// - Dockerfile reference, "Format": leading whitespace before comments and
    ///   instructions is ignored, but discouraged
    /// - BuildKit `frontend/dockerfile/parser/parser.go` (whitespace trimmed before
    ///   the instruction and comment checks)
    pub(crate) RULE {
        id: "leading-whitespace",
        summary: "Indented instruction or comment",
        level: Hint,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let starts = ctx
        .syntax
        .instructions
        .iter()
        .map(|i| (i.range.start(), "instruction"))
        .chain(
            ctx.syntax
                .comments
                .iter()
                .filter(|c| !c.in_continuation)
                .map(|c| (c.range.start(), "comment")),
        );
    for (start, what) in starts {
        let line_start = ctx.line_index.line_start(ctx.line_index.line_of(start));
        let mut from = line_start;
        if from == 0 && ctx.text.starts_with('\u{feff}') {
            from = '\u{feff}'.len_utf8();
        }
        if from >= start {
            continue;
        }
        let indent = &ctx.text[from..start];
        if !indent.chars().all(|c| c == ' ' || c == '\t') {
            continue;
        }
        let range = TextRange::new(from, start);
        acc.report(
            &RULE,
            range,
            format!("This {what} is indented; start it at the beginning of the line"),
        )
        .with_fix(
            "Remove the indentation",
            Applicability::Safe,
            vec![TextEdit::delete(range)],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_indented_instructions_and_comments() {
        check_rule(
            &RULE,
            "FROM alpine\n    RUN echo hi\n\t# note\n  ONBUILD RUN make\n",
            expect![[r#"
                2 |     RUN echo hi
                  | ^^^^ leading-whitespace: This instruction is indented; start it at the beginning of the line
                3 | 	# note
                  | ^ leading-whitespace: This comment is indented; start it at the beginning of the line
                4 |   ONBUILD RUN make
                  | ^^ leading-whitespace: This instruction is indented; start it at the beginning of the line
            "#]],
        );
    }

    #[test]
    fn accepts_continuations_heredocs_and_inner_comments() {
        check_rule_not(
            &RULE,
            r#"
# syntax=docker/dockerfile:1
FROM alpine
RUN apk add \
    curl \
    # inner comment
    git
RUN <<EOF
    echo indented body
  # shell comment
EOF
COPY <<-EOF /x
	tabbed
	EOF
ONBUILD   RUN make
"#,
        );
    }

    #[test]
    fn fix_removes_indentation() {
        check_rule_fix(
            &RULE,
            "FROM alpine\n    RUN echo hi\n  # c\n",
            expect![[r#"
                FROM alpine
                RUN echo hi
                # c
            "#]],
        );
    }
}

//! `empty-continuation-line`: a blank line inside a continued instruction.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports whitespace-only lines inside an instruction continued with `\` (or
    /// `` ` `` under `# escape=`` ` ``).
    ///
    /// ## Why is this bad?
    /// BuildKit silently skips such lines and keeps joining, so a blank line does not
    /// end the instruction. A forgotten trailing `\` before a blank line therefore glues
    /// the next instruction onto the previous one (`RUN make \` + blank line + `RUN
    /// make install` runs `make RUN make install`). BuildKit warns about these lines and
    /// a future Dockerfile syntax may reject them.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && \
    ///
    ///     apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && \
    ///     apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the blank lines. It is safe: BuildKit ignores them, so the
    /// instruction stays exactly the same.
    ///
    /// ## References
    /// - BuildKit check `NoEmptyContinuation`
    /// - Dockerfile reference, "Parser directives" / line continuation
    pub(crate) RULE {
        id: "empty-continuation-line",
        summary: "Empty line inside a continued instruction",
        level: Warning,
        fix: Always,
        hadolint: [],
        buildkit: ["NoEmptyContinuation"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        for &line in &inst.empty_continuation_lines {
            let end = line_break_end(ctx.text, line.end());
            acc.report(
                &RULE,
                line,
                format!(
                    "Empty line inside the continued `{}` instruction; delete it (it does not end the instruction)",
                    inst.keyword.to_ascii_uppercase()
                ),
            )
            .with_fix(
                "Delete the empty line",
                Applicability::Safe,
                vec![TextEdit::delete(TextRange::new(line.start(), end))],
            );
        }
    }
}

/// The offset after the line break that starts at `at` (`\r\n`, `\n` or `\r`).
fn line_break_end(text: &str, at: usize) -> usize {
    let rest = &text.as_bytes()[at..];
    match rest {
        [b'\r', b'\n', ..] => at + 2,
        [b'\n' | b'\r', ..] => at + 1,
        _ => at,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_blank_lines_in_continuations() {
        check_rule(
            &RULE,
            "
FROM alpine:3.20
RUN apk add \\

    curl \\
   \t
    git
ONBUILD RUN echo a \\

  b
",
            expect![[r#"
                3 | 
                  | ^ empty-continuation-line: Empty line inside the continued `RUN` instruction; delete it (it does not end the instruction)
                5 |    	
                  | ^^^^ empty-continuation-line: Empty line inside the continued `RUN` instruction; delete it (it does not end the instruction)
                8 | 
                  | ^ empty-continuation-line: Empty line inside the continued `ONBUILD` instruction; delete it (it does not end the instruction)
            "#]],
        );
    }

    #[test]
    fn accepts_blank_lines_between_instructions() {
        check_rule_not(
            &RULE,
            "
FROM alpine:3.20

RUN apk add \\
    # A comment line is dropped without a warning.
    curl

CMD [\"sh\"]
",
        );
    }

    #[test]
    fn deletes_the_lines() {
        check_rule_fix(
            &RULE,
            "
FROM alpine:3.20
RUN apk add \\

    curl \\
  \r
    git
",
            expect![[r#"
                FROM alpine:3.20
                RUN apk add \
                    curl \
                    git
            "#]],
        );
    }
}

//! `heredoc-unsupported-here`: `<<EOF` where BuildKit does not read heredocs.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a heredoc marker (`<<EOF`, `<<-EOF`, `<<'EOF'`, `2<<EOF`) that BuildKit
    /// does not treat as a heredoc:
    /// - on an instruction other than `RUN`, `COPY` and `ADD` (also inside `ONBUILD`):
    ///   `CMD <<EOF`, `ENTRYPOINT cat <<EOF`, `HEALTHCHECK CMD … <<EOF`, `ENV X <<EOF`;
    /// - as an item of the exec (JSON) form of `RUN`, `COPY` or `ADD`:
    ///   `RUN ["bash", "<<EOF"]`.
    ///
    /// A marker is found as BuildKit finds one: a whole word (outside quotes) of the
    /// form `[digits]<<[-]WORD`. `echo a<<b`, `'<<EOF'` and a complete shell heredoc
    /// inside one JSON string (`["sh", "-c", "cat <<X\nhi\nX"]`) are not markers.
    ///
    /// ## Why is this bad?
    /// Heredocs exist only for `RUN`, `COPY` and `ADD` in shell form (Dockerfile 1.4+).
    /// Anywhere else the marker is plain text, so the lines meant as its body are read
    /// as instructions of their own: the build fails with "unknown instruction" on the
    /// first body line, or worse, a body line that happens to start with a keyword runs
    /// as one. For `CMD`/`ENTRYPOINT` the shell at container start then also finds a
    /// heredoc with no body.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD <<EOF
    /// echo starting
    /// exec /app/server
    /// EOF
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY --chmod=755 <<EOF /usr/local/bin/start.sh
    /// #!/bin/sh
    /// echo starting
    /// exec /app/server
    /// EOF
    /// CMD ["/usr/local/bin/start.sh"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: where the script should live (a file written with
    /// `COPY <<EOF`, or a `RUN`) is the author's choice.
    ///
    /// ## References
    /// - Dockerfile reference, "Here-Documents" ("only supported for RUN, COPY and ADD")
    /// - BuildKit `frontend/dockerfile/parser/parser.go` (`heredocDirectives`,
    ///   `heredocsFromLine`)
    pub(crate) RULE {
        id: "heredoc-unsupported-here",
        summary: "Heredoc marker where heredocs are not read",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// True for a word BuildKit would take as a heredoc marker
/// (`^(\d*)<<(-?)\s*([^<]*)$` with a non-empty delimiter).
fn is_marker(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let Some(rest) = word[digits..].strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    !rest.is_empty() && !rest.contains('<')
}

/// Unquoted whitespace-separated words of `text` with their byte offsets; words that
/// start inside quotes are skipped (a quoted `'<<EOF'` is not a marker).
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut start: Option<usize> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\\' => escaped = true,
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() => {
                if let Some(s) = start.take() {
                    out.push((s, &text[s..i]));
                }
                continue;
            }
            None => {}
        }
        if start.is_none() && !c.is_whitespace() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        let eff = inst.effective();
        if eff.kind == Kind::Unknown {
            continue;
        }
        if eff.kind == Kind::Onbuild && eff.trigger.is_none() {
            continue;
        }
        if let Some(items) = &eff.args.json {
            if !matches!(eff.kind, Kind::Run | Kind::Copy | Kind::Add) {
                continue;
            }
            for item in items {
                if is_marker(&item.text) {
                    acc.report(
                        &RULE,
                        item.range,
                        format!(
                            "`{}` is not a heredoc: heredocs are read only in the shell form of {}, not in a JSON array",
                            item.text,
                            eff.kind.name()
                        ),
                    );
                }
            }
            continue;
        }
        if matches!(eff.kind, Kind::Run | Kind::Copy | Kind::Add) {
            continue;
        }
        if !eff.args.text.contains("<<") {
            continue;
        }
        for (offset, word) in words(&eff.args.text) {
            if !is_marker(word) {
                continue;
            }
            acc.report(
                &RULE,
                source_range(ctx, eff, offset, word),
                format!(
                    "`{word}` is not a heredoc: only RUN, COPY and ADD read heredocs, so the lines after this one are parsed as instructions"
                ),
            );
        }
    }
}

/// Where `word` (at `offset` in the joined argument text) is written.
fn source_range(ctx: &RuleContext<'_>, inst: &Instruction, offset: usize, word: &str) -> TextRange {
    let args = inst.args.range;
    if ctx.text.get(args.range()) == Some(inst.args.text.as_str()) {
        return TextRange::new(args.start() + offset, args.start() + offset + word.len());
    }
    match ctx.text[args.range()].find(word) {
        Some(at) => TextRange::new(args.start() + at, args.start() + at + word.len()),
        None => args,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_heredocs_on_other_instructions() {
        check_rule(
            &RULE,
            r#"
FROM alpine
CMD <<EOF
EOF
ENTRYPOINT cat <<-'END'
END
ONBUILD CMD 2<<X
X
HEALTHCHECK CMD sh <<EOF
EOF
RUN ["bash", "<<EOF"]
"#,
            expect![[r#"
                2 | CMD <<EOF
                  |     ^^^^^ heredoc-unsupported-here: `<<EOF` is not a heredoc: only RUN, COPY and ADD read heredocs, so the lines after this one are parsed as instructions
                4 | ENTRYPOINT cat <<-'END'
                  |                ^^^^^^^^ heredoc-unsupported-here: `<<-'END'` is not a heredoc: only RUN, COPY and ADD read heredocs, so the lines after this one are parsed as instructions
                6 | ONBUILD CMD 2<<X
                  |             ^^^^ heredoc-unsupported-here: `2<<X` is not a heredoc: only RUN, COPY and ADD read heredocs, so the lines after this one are parsed as instructions
                8 | HEALTHCHECK CMD sh <<EOF
                  |                    ^^^^^ heredoc-unsupported-here: `<<EOF` is not a heredoc: only RUN, COPY and ADD read heredocs, so the lines after this one are parsed as instructions
                10 | RUN ["bash", "<<EOF"]
                   |              ^^^^^^^ heredoc-unsupported-here: `<<EOF` is not a heredoc: heredocs are read only in the shell form of RUN, not in a JSON array
            "#]],
        );
    }

    #[test]
    fn accepts_real_heredocs_and_lookalikes() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN <<EOF
echo hi
EOF
COPY <<EOF /x
data
EOF
ONBUILD RUN <<EOF
make
EOF
CMD echo a<<b
CMD ["sh", "-c", "cat <<X\nhi\nX"]
CMD echo '<<EOF' "<<X"
LABEL note="<<EOF"
CMD echo << EOF
"#,
        );
    }
}

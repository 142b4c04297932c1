//! Edits of shell text in RUN instructions, for rules' fixes: removing one command of
//! an `&&` / `;` / newline list without breaking the list, and locating the script a
//! command belongs to.
//!
//! Shell views only exist for files whose escape character is `\`, so continuation
//! lines here are always `\` + line break.

use crate::semantic::shell::ShellCommand;
use crate::syntax::Instruction;
use crate::text::{TextEdit, TextRange};

/// What separates a command from its neighbour in a list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sep {
    /// The start or the end of the script.
    Edge,
    AndAnd,
    Semi,
    /// A plain line break (heredoc bodies).
    Newline,
}

/// The range of the script (RUN arguments or a heredoc body) that holds `range`.
pub fn script_bounds(run: &Instruction, range: TextRange) -> Option<TextRange> {
    if run.args.range.start() <= range.start() && range.end() <= run.args.range.end() {
        return Some(run.args.range);
    }
    run.heredocs
        .iter()
        .map(|h| h.body_range)
        .find(|b| b.start() <= range.start() && range.end() <= b.end())
}

/// Skips blanks and `\`-newline continuations backwards from `at`; returns the new
/// position (just after the previous non-blank text).
fn skip_back(text: &str, bounds: TextRange, mut at: usize) -> usize {
    let b = text.as_bytes();
    loop {
        while at > bounds.start() && matches!(b[at - 1], b' ' | b'\t') {
            at -= 1;
        }
        // `\` + `\n` or `\r\n`.
        let mut k = at;
        if k > bounds.start() && b[k - 1] == b'\n' {
            k -= 1;
            if k > bounds.start() && b[k - 1] == b'\r' {
                k -= 1;
            }
            if k > bounds.start() && b[k - 1] == b'\\' {
                at = k - 1;
                continue;
            }
        }
        return at;
    }
}

/// Skips blanks and continuations forwards from `at`.
fn skip_fwd(text: &str, bounds: TextRange, mut at: usize) -> usize {
    let b = text.as_bytes();
    loop {
        while at < bounds.end() && matches!(b[at], b' ' | b'\t') {
            at += 1;
        }
        if at < bounds.end() && b[at] == b'\\' {
            let rest = &text[at + 1..bounds.end()];
            if rest.starts_with('\n') {
                at += 2;
                continue;
            }
            if rest.starts_with("\r\n") {
                at += 3;
                continue;
            }
        }
        return at;
    }
}

/// The separator ending just before `at` (after skipping blanks): which, and where it
/// starts.
fn sep_before(text: &str, bounds: TextRange, at: usize) -> Option<(Sep, usize)> {
    let at = skip_back(text, bounds, at);
    if at == bounds.start() {
        return Some((Sep::Edge, at));
    }
    let before = &text[bounds.start()..at];
    if let Some(rest) = before.strip_suffix("&&") {
        return (!rest.ends_with(['&', '|', '>', '<'])).then_some((Sep::AndAnd, at - 2));
    }
    if let Some(rest) = before.strip_suffix(';') {
        return (!rest.ends_with([';', '&', '\\'])).then_some((Sep::Semi, at - 1));
    }
    if before.ends_with('\n') {
        return Some((Sep::Newline, at));
    }
    None
}

/// The separator starting at `at` (after skipping blanks), and where it ends.
fn sep_after(text: &str, bounds: TextRange, at: usize) -> Option<(Sep, usize)> {
    let at = skip_fwd(text, bounds, at);
    if at >= bounds.end() {
        return Some((Sep::Edge, at));
    }
    let after = &text[at..bounds.end()];
    if after.starts_with("&&") {
        return Some((Sep::AndAnd, at + 2));
    }
    if after.starts_with(';') {
        return (!after.starts_with(";;")).then_some((Sep::Semi, at + 1));
    }
    if after.starts_with("\r\n") {
        return Some((Sep::Newline, at + 2));
    }
    if after.starts_with('\n') {
        return Some((Sep::Newline, at + 1));
    }
    None
}

/// The range to delete to remove `cmd` (a whole simple command, prefixes included)
/// from the list it stands in, together with one of the `&&` / `;` / line breaks
/// around it, so that the rest still runs in the same way: `a && b && c` → `a && c`,
/// `a; b && c` → `a; c`, a heredoc line goes with its line break. Keeps the user's
/// continuation layout (leading or trailing `&&`).
///
/// `None` when the command is joined by anything else (`||`, `|`, `&`, `then`, a
/// comment…), or when it is the whole script (the RUN would be empty).
pub fn remove_command(text: &str, bounds: TextRange, cmd: &ShellCommand) -> Option<TextRange> {
    let (start, end) = (cmd.range.start(), cmd.range.end());
    let (before, before_at) = sep_before(text, bounds, start)?;
    let (after, after_end) = sep_after(text, bounds, end)?;
    match (before, after) {
        (Sep::Edge, Sep::Edge) => None,
        // A whole line of a heredoc body: from its line start to the next line start.
        (Sep::Edge | Sep::Newline, Sep::Newline) => {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_start = line_start.max(bounds.start());
            text[line_start..start]
                .trim()
                .is_empty()
                .then(|| TextRange::new(line_start, after_end))
        }
        (Sep::Newline, Sep::Edge) => {
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            (text[line_start..start].trim().is_empty() && line_start > bounds.start())
                .then(|| TextRange::new(line_start, end))
        }
        // The first command of a list, or `a; b && c` → `a; c` (keep the `;`: `c` did
        // not depend on `a`): delete it, the separator after it and the blanks up to
        // the next command.
        (Sep::Edge | Sep::Newline, _) | (Sep::Semi, Sep::AndAnd) => {
            Some(TextRange::new(start, skip_fwd(text, bounds, after_end)))
        }
        // Same operator on both sides, or the last command: delete the separator
        // before it, from the end of the previous command; or, when that would join
        // two lines and deleting up to the next command would not, the separator
        // after it (`a && \ ⏎ clean && b && \` keeps `b` at the start of its line).
        (Sep::AndAnd | Sep::Semi, _) => {
            let back = TextRange::new(skip_back(text, bounds, before_at), end);
            let fwd = TextRange::new(start, skip_fwd(text, bounds, after_end));
            let breaks = |r: TextRange| text[r.range()].contains('\n');
            if after == before && breaks(back) && !breaks(fwd) {
                Some(fwd)
            } else {
                Some(back)
            }
        }
    }
}

/// The range to delete to remove one word (an option) of a command with the blanks
/// that separate it: the blanks before it, or after it when it starts its line, or its
/// whole line when it stands alone on a continuation line (`    --update \`).
pub fn delete_word(text: &str, word: TextRange) -> TextRange {
    let b = text.as_bytes();
    let (start, end) = (word.start(), word.end());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
    let rest = text[end..line_end].trim();
    if text[line_start..start].trim().is_empty() && rest == "\\" && line_start > 0 {
        return TextRange::new(line_start, line_end);
    }
    let mut before = start;
    while before > line_start && matches!(b[before - 1], b' ' | b'\t') {
        before -= 1;
    }
    if before > line_start {
        return TextRange::new(before, end);
    }
    let mut after = end;
    while after < text.len() && matches!(b[after], b' ' | b'\t') {
        after += 1;
    }
    TextRange::new(start, after)
}

/// An insertion that appends `command` to the end of a RUN's shell-form arguments
/// with `&&`, in the layout of the RUN: on the same line for a one-line RUN, else on a
/// new continuation line indented like the last one, with `&&` leading or trailing as
/// the RUN writes it. `None` when the RUN cannot take a simple append (see
/// [`crate::semantic::pkg::appendable`]).
pub fn append_command(text: &str, run: &Instruction, command: &str) -> Option<TextEdit> {
    if !crate::semantic::pkg::appendable(run) {
        return None;
    }
    let args = run.args.range;
    let end = args.start() + text[args.range()].trim_end().len();
    let body = &text[args.start()..end];
    let Some(last_break) = body.rfind('\n') else {
        return Some(TextEdit::insert(end, format!(" && {command}")));
    };
    let nl = if body[..last_break].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    body[..last_break]
        .trim_end_matches('\r')
        .strip_suffix('\\')?;
    let indent_of =
        |l: &str| -> String { l.chars().take_while(|c| *c == ' ' || *c == '\t').collect() };
    let lines: Vec<&str> = body.lines().collect();
    let (leading, indent) = if let Some(l) = lines
        .iter()
        .skip(1)
        .rev()
        .find(|l| l.trim_start().starts_with("&&"))
    {
        (true, indent_of(l))
    } else if let Some(k) = lines
        .iter()
        .rposition(|l| {
            l.trim_end()
                .strip_suffix('\\')
                .is_some_and(|l| l.trim_end().ends_with("&&"))
        })
        .filter(|k| k + 1 < lines.len())
    {
        (false, indent_of(lines[k + 1]))
    } else {
        (false, indent_of(lines[lines.len() - 1]))
    };
    let insert = if leading {
        format!(" \\{nl}{indent}&& {command}")
    } else {
        format!(" && \\{nl}{indent}{command}")
    };
    Some(TextEdit::insert(end, insert))
}

/// An insertion that adds `line` as the last line of a heredoc body (before its
/// terminator), or `None` when the body does not end with a line break.
pub fn append_heredoc_line(
    text: &str,
    heredoc: &crate::syntax::Heredoc,
    line: &str,
) -> Option<TextEdit> {
    heredoc.terminator_range?;
    let body = &text[heredoc.body_range.range()];
    let nl = if body.ends_with("\r\n") {
        "\r\n"
    } else if body.ends_with('\n') {
        "\n"
    } else {
        return None;
    };
    // Indented like the body's last non-empty line.
    let indent: String = body
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.chars().take_while(|c| *c == ' ' || *c == '\t').collect())
        .unwrap_or_default();
    Some(TextEdit::insert(
        heredoc.body_range.end(),
        format!("{indent}{line}{nl}"),
    ))
}

/// The first offset at or after `at` that is neither a blank nor part of a `\`
/// line continuation.
pub fn next_word_start(text: &str, at: usize) -> usize {
    skip_fwd(text, TextRange::new(0, text.len()), at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::parse_script;
    use crate::text::apply_edits;

    /// Removes the command named `name` from `script` (the whole text is the script).
    fn remove(script: &str, name: &str) -> Option<String> {
        let parsed = parse_script(script, 0);
        let cmd = parsed.commands.iter().find(|c| c.name == name)?;
        let r = remove_command(script, TextRange::new(0, script.len()), cmd)?;
        Some(apply_edits(script, &[TextEdit::delete(r)]))
    }

    #[test]
    fn removes_a_command_from_and_and_semicolon_lists() {
        assert_eq!(
            remove("a && clean && b", "clean").as_deref(),
            Some("a && b")
        );
        assert_eq!(remove("clean && b", "clean").as_deref(), Some("b"));
        assert_eq!(remove("a && clean", "clean").as_deref(), Some("a"));
        assert_eq!(remove("a; clean && b", "clean").as_deref(), Some("a; b"));
        assert_eq!(remove("a && clean; b", "clean").as_deref(), Some("a; b"));
        assert_eq!(remove("a; clean; b", "clean").as_deref(), Some("a; b"));
        assert_eq!(
            remove("a \\\n    && clean \\\n    && b", "clean").as_deref(),
            Some("a \\\n    && b")
        );
        assert_eq!(
            remove("a && \\\n    clean && \\\n    b", "clean").as_deref(),
            Some("a && \\\n    b")
        );
        assert_eq!(
            remove("a && \\\n    clean && b && \\\n    c", "clean").as_deref(),
            Some("a && \\\n    b && \\\n    c")
        );
        assert_eq!(
            remove("a \\\r\n && clean \\\r\n && b", "clean").as_deref(),
            Some("a \\\r\n && b")
        );
        assert_eq!(
            remove("a\n  clean\nb\n", "clean").as_deref(),
            Some("a\nb\n")
        );
        assert_eq!(remove("clean\nb\n", "clean").as_deref(), Some("b\n"));
    }

    #[test]
    fn refuses_what_would_change_the_logic_or_empty_the_script() {
        for script in [
            "clean",
            "a || clean",
            "clean || b",
            "a | clean",
            "clean | b",
            "a && clean &",
            "(clean) && b",
            "if a; then clean; fi",
            "a && clean # why",
        ] {
            assert_eq!(remove(script, "clean"), None, "{script}");
        }
    }

    #[test]
    fn deletes_words_with_their_blanks() {
        let del = |text: &str, word: &str| {
            let at = text.find(word).unwrap();
            let r = delete_word(text, TextRange::new(at, at + word.len()));
            apply_edits(text, &[TextEdit::delete(r)])
        };
        assert_eq!(del("apk add --update curl", "--update"), "apk add curl");
        assert_eq!(
            del("apk add \\\n    --update \\\n    curl", "--update"),
            "apk add \\\n    curl"
        );
        assert_eq!(
            del("apk add \\\n    --update curl", "--update"),
            "apk add \\\n    curl"
        );
    }

    #[test]
    fn appends_in_the_layout_of_the_run() {
        let append = |text: &str| {
            let syntax = crate::syntax::parse(text);
            let run = &syntax.instructions[1];
            let e = append_command(text, run, "x").expect("appendable");
            apply_edits(text, &[e])
        };
        assert_eq!(append("FROM a\nRUN a && b\n"), "FROM a\nRUN a && b && x\n");
        assert_eq!(
            append("FROM a\nRUN a \\\n  && b \\\n      c\n"),
            "FROM a\nRUN a \\\n  && b \\\n      c \\\n  && x\n"
        );
        assert_eq!(
            append("FROM a\nRUN a && \\\n\tb \\\n\t  c\n"),
            "FROM a\nRUN a && \\\n\tb \\\n\t  c && \\\n\tx\n"
        );
    }
}

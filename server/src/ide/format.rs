//! Formatting: document, range and on-type, as minimal byte-range edits.
//!
//! What changes, and only where it cannot change what BuildKit builds:
//! - instruction keywords in upper case (known instructions only; the ONBUILD trigger's
//!   keyword too);
//! - the instruction's own indentation and that of top-level comments: none; one space
//!   after the keyword (and after ONBUILD) on its line;
//! - continuation lines: the shallowest line of an instruction gets the configured
//!   indent and every other line keeps its extra depth relative to it (users complained
//!   that formatters flatten nested continuations, microsoft/vscode-docker#2004);
//!   comment lines inside a continuation are placed the same way;
//! - exec-form JSON arrays written on one line: `["a", "b"]`, each string kept exactly
//!   as written, only when the array decodes to the same strings afterwards and nothing
//!   follows it;
//! - trailing spaces and tabs (not after a last line that ends inside a quoted string,
//!   where they belong to the string or a heredoc delimiter).
//!
//! What never changes: heredoc bodies and terminators; anything inside a shell command
//! beyond a continuation line's leading indentation; a continuation line that starts
//! inside a quoted string (its leading whitespace belongs to the string); a continuation
//! line without leading whitespace that continues the previous line's last word
//! (`RUN echo hel\` + `lo` is `hello`); whitespace before the escape character; line
//! breaks (CRLF files stay CRLF). The escape character is the file's (`` ` `` after
//! `# escape=`), continuation lines follow BuildKit's rules (comment and empty lines
//! inside a continuation included), since the layout is read from the scanned
//! [`Dockerfile`]. Formatting is idempotent.

#[cfg(test)]
mod tests;

use crate::config::format::Indent;
use crate::syntax::{self, Dockerfile, Instruction, Kind};
use crate::text::{TextEdit, TextRange};

use super::Analysis;

/// How the formatter indents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// The base indentation of continuation lines.
    pub indent: Indent,
    /// How many columns a tab counts for when measuring existing indentation.
    pub tab_width: usize,
}

impl Default for FormatOptions {
    fn default() -> FormatOptions {
        FormatOptions {
            indent: Indent::DEFAULT,
            tab_width: 4,
        }
    }
}

impl FormatOptions {
    /// The indentation string for `extra` columns deeper than the base.
    fn indent_string(self, extra: usize) -> String {
        match self.indent {
            Indent::Spaces(n) => " ".repeat(usize::from(n) + extra),
            Indent::Tab => {
                let tabs = 1 + extra / self.tab_width;
                let mut s = "\t".repeat(tabs);
                s.push_str(&" ".repeat(extra % self.tab_width));
                s
            }
        }
    }

    /// The width in columns of a run of spaces and tabs.
    fn width_of(self, ws: &str) -> usize {
        ws.bytes().fold(0, |col, b| match b {
            b'\t' => (col / self.tab_width + 1) * self.tab_width,
            _ => col + 1,
        })
    }
}

/// The edits that format the whole document, sorted and non-overlapping.
pub fn format_document(analysis: &Analysis, options: FormatOptions) -> Vec<TextEdit> {
    Formatter::new(analysis.text(), analysis.syntax(), options)
        .units()
        .into_iter()
        .flat_map(|u| u.edits)
        .collect()
}

/// The edits that format the instructions (and top-level comment or blank lines) that
/// `range` touches; an empty range selects what it sits in, and a range ending at the
/// start of a line does not select that line.
pub fn format_range(
    analysis: &Analysis,
    range: TextRange,
    options: FormatOptions,
) -> Vec<TextEdit> {
    Formatter::new(analysis.text(), analysis.syntax(), options)
        .units()
        .into_iter()
        .filter(|u| {
            // A selection of whole lines ends at the start of the next line: that line is
            // not selected. An empty range selects the unit it sits in.
            let starts_before_end = match range.is_empty() {
                true => u.span.start() <= range.end(),
                false => u.span.start() < range.end(),
            };
            starts_before_end && range.start() <= u.span.end()
        })
        .flat_map(|u| u.edits)
        .collect()
}

/// The edits after the user typed `ch` with the cursor now at `offset`.
///
/// - `"\n"`: the new line is indented as a continuation when the line before continues
///   the instruction (the configured indent after the instruction's first line, else the
///   indentation of the continuation line above, so nested levels stay nested); a new
///   top-level line loses the indentation the editor copied. Heredoc bodies and lines
///   inside a quoted string are left alone.
/// - the file's escape character, typed at the end of a line so that the next line now
///   continues the instruction: that next line gets its formatted indentation.
pub fn on_type(
    analysis: &Analysis,
    offset: usize,
    ch: &str,
    options: FormatOptions,
) -> Vec<TextEdit> {
    let f = Formatter::new(analysis.text(), analysis.syntax(), options);
    let Some(line) = f.line_containing(offset) else {
        return Vec::new();
    };
    if ch == "\n" {
        return f.indent_new_line(line);
    }
    let escape = analysis.syntax().escape;
    if ch.chars().eq(std::iter::once(escape)) {
        let next = line + 1;
        let Some(&Role::Header { inst, first: false }) = f.roles.get(next) else {
            return Vec::new();
        };
        if !matches!(f.roles[line], Role::Header { inst: i, .. } if i == inst) {
            return Vec::new();
        }
        let l = f.lines[next];
        let lead = TextRange::new(l.start, l.start + leading_len(&f.text[l.start..l.end]));
        return f
            .unit_of_instruction(inst)
            .edits
            .into_iter()
            .filter(|e| e.range.start() >= lead.start() && e.range.end() <= lead.end())
            .collect();
    }
    Vec::new()
}

/// One physical line as BuildKit splits them (at `\n`): `[start, end)` without the line
/// break, `next` the start of the following line.
#[derive(Clone, Copy, Debug)]
struct Line {
    start: usize,
    end: usize,
}

fn split_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    // The BOM is not indentation.
    if text.starts_with('\u{feff}') {
        start = 3;
    }
    loop {
        let nl = text[start..].find('\n').map(|i| start + i);
        let mut end = nl.unwrap_or(text.len());
        while end > start && text.as_bytes()[end - 1] == b'\r' {
            end -= 1;
        }
        lines.push(Line { start, end });
        match nl {
            Some(i) => start = i + 1,
            None => break,
        }
    }
    lines
}

/// What a line is to the formatter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// A top-level comment or blank line.
    Standalone,
    /// A line of instruction `inst` before its heredoc bodies; `first` is the keyword line.
    Header { inst: usize, first: bool },
    /// A heredoc body or terminator line: never touched.
    Body,
}

/// The edits of one instruction or one top-level line, and the text it spans.
struct Unit {
    span: TextRange,
    edits: Vec<TextEdit>,
}

/// Where a shell-like quote scan stands at some point of an instruction's joined text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    None,
    Single,
    /// `$'…'`: backslash escapes inside.
    AnsiC,
    Double,
}

/// Advances the quote state over `s`. Outside quotes the escape character escapes the next
/// character; inside double quotes both it and `\` do (shell strings and JSON strings).
fn scan_quotes(mut state: Quote, s: &str, escape: char) -> Quote {
    let mut chars = s.chars().peekable();
    let mut prev = '\0';
    while let Some(c) = chars.next() {
        match state {
            Quote::None => {
                if c == escape {
                    chars.next();
                } else if c == '\'' {
                    state = if prev == '$' {
                        Quote::AnsiC
                    } else {
                        Quote::Single
                    };
                } else if c == '"' {
                    state = Quote::Double;
                }
            }
            Quote::Single => {
                if c == '\'' {
                    state = Quote::None;
                }
            }
            Quote::AnsiC => {
                if c == '\\' {
                    chars.next();
                } else if c == '\'' {
                    state = Quote::None;
                }
            }
            Quote::Double => {
                if c == escape || c == '\\' {
                    chars.next();
                } else if c == '"' {
                    state = Quote::None;
                }
            }
        }
        prev = c;
    }
    state
}

/// The length of the leading run of spaces and tabs.
fn leading_len(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '\t']).len()
}

/// The length of the trailing run of spaces and tabs.
fn trailing_len(s: &str) -> usize {
    s.len() - s.trim_end_matches([' ', '\t']).len()
}

/// An edit replacing `range` by `new`, shrunk to the part that differs; `None` when
/// nothing differs.
fn minimal_edit(text: &str, range: TextRange, new: &str) -> Option<TextEdit> {
    let old = &text[range.range()];
    if old == new {
        return None;
    }
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_rest, new_rest) = (&old.as_bytes()[prefix..], &new.as_bytes()[prefix..]);
    let suffix = old_rest
        .iter()
        .rev()
        .zip(new_rest.iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (mut prefix, mut suffix) = (prefix, suffix);
    // Stay on character boundaries of both texts.
    while !(old.is_char_boundary(prefix) && new.is_char_boundary(prefix)) {
        prefix -= 1;
    }
    while !(old.is_char_boundary(old.len() - suffix) && new.is_char_boundary(new.len() - suffix)) {
        suffix -= 1;
    }
    Some(TextEdit::replace(
        TextRange::new(range.start() + prefix, range.end() - suffix),
        &new[prefix..new.len() - suffix],
    ))
}

/// One continuation line of an instruction, classified.
struct ContLine {
    line: usize,
    /// Leading spaces and tabs.
    lead: TextRange,
    kind: ContKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ContKind {
    /// A comment line (BuildKit drops it).
    Comment,
    /// A whitespace-only line (BuildKit drops it).
    Empty,
    /// A content line whose indentation may change.
    Reindent,
    /// A content line that starts inside a quoted string, continues a word, or starts with
    /// whitespace other than spaces and tabs: its indentation stays.
    Keep,
}

struct Formatter<'a> {
    text: &'a str,
    syntax: &'a Dockerfile,
    options: FormatOptions,
    lines: Vec<Line>,
    roles: Vec<Role>,
    /// The first line of each instruction.
    first_lines: Vec<usize>,
}

impl<'a> Formatter<'a> {
    fn new(text: &'a str, syntax: &'a Dockerfile, options: FormatOptions) -> Formatter<'a> {
        let indent = match options.indent {
            // No indentation would glue a continuation line to the word before it.
            Indent::Spaces(n) => Indent::Spaces(n.clamp(1, Indent::MAX_SPACES)),
            Indent::Tab => Indent::Tab,
        };
        let options = FormatOptions {
            indent,
            tab_width: options.tab_width.clamp(1, 16),
        };
        let lines = split_lines(text);
        let mut roles = vec![Role::Standalone; lines.len()];
        let mut first_lines = Vec::with_capacity(syntax.instructions.len());
        let line_of = |offset: usize| lines.partition_point(|l| l.start <= offset).max(1) - 1;
        for (i, inst) in syntax.instructions.iter().enumerate() {
            let first = line_of(inst.range.start());
            let last = line_of(inst.range.end());
            first_lines.push(first);
            for (n, role) in roles.iter_mut().enumerate().take(last + 1).skip(first) {
                *role = Role::Header {
                    inst: i,
                    first: n == first,
                };
            }
            let docs = inst
                .heredocs
                .iter()
                .chain(inst.trigger.iter().flat_map(|t| t.heredocs.iter()));
            for doc in docs {
                let end = match doc.terminator_range {
                    Some(t) => t.end(),
                    None if doc.body_range.is_empty() => continue,
                    None => doc.body_range.end(),
                };
                let from = line_of(doc.body_range.start()).max(first + 1);
                let to = line_of(end);
                for role in roles.iter_mut().take(to + 1).skip(from) {
                    *role = Role::Body;
                }
            }
        }
        Formatter {
            text,
            syntax,
            options,
            lines,
            roles,
            first_lines,
        }
    }

    fn line_text(&self, line: usize) -> &'a str {
        let l = self.lines[line];
        &self.text[l.start..l.end]
    }

    fn line_containing(&self, offset: usize) -> Option<usize> {
        if offset > self.text.len() {
            return None;
        }
        Some(self.lines.partition_point(|l| l.start <= offset).max(1) - 1)
    }

    /// Every unit (instructions and top-level lines) in text order.
    fn units(&self) -> Vec<Unit> {
        let mut units = Vec::new();
        let mut n = 0;
        while n < self.lines.len() {
            match self.roles[n] {
                Role::Standalone => {
                    units.push(self.standalone(n));
                    n += 1;
                }
                Role::Header { inst, .. } => {
                    units.push(self.unit_of_instruction(inst));
                    n += 1;
                    while n < self.lines.len()
                        && (self.roles[n] == Role::Body
                            || matches!(self.roles[n], Role::Header { inst: i, first: false } if i == inst))
                    {
                        n += 1;
                    }
                }
                Role::Body => n += 1,
            }
        }
        units
    }

    /// A top-level comment or blank line: no indentation, no trailing whitespace.
    fn standalone(&self, n: usize) -> Unit {
        let l = self.lines[n];
        let s = self.line_text(n);
        let span = TextRange::new(l.start, l.end);
        let mut edits = Vec::new();
        let trimmed = s.trim_start_matches(char::is_whitespace);
        let lead = s.len() - trimmed.len();
        if trimmed.is_empty() {
            edits.extend(minimal_edit(self.text, span, ""));
        } else {
            edits.extend(minimal_edit(
                self.text,
                TextRange::new(l.start, l.start + lead),
                "",
            ));
            let tail = trailing_len(s);
            edits.extend(minimal_edit(
                self.text,
                TextRange::new(l.end - tail, l.end),
                "",
            ));
        }
        Unit { span, edits }
    }

    /// The edits of instruction `i`.
    fn unit_of_instruction(&self, i: usize) -> Unit {
        let inst = &self.syntax.instructions[i];
        let first = self.first_lines[i];
        let first_line = self.lines[first];
        let mut edits = Vec::new();
        // The keyword line: no indentation, keywords in upper case.
        let kw = inst.keyword_range;
        if self.text[first_line.start..kw.start().max(first_line.start)]
            .chars()
            .all(char::is_whitespace)
        {
            edits.extend(minimal_edit(
                self.text,
                TextRange::new(first_line.start, kw.start().max(first_line.start)),
                "",
            ));
        }
        edits.extend(self.keyword_edit(inst));
        edits.extend(self.gap_edit(inst, first_line));
        if let Some(trigger) = &inst.trigger {
            edits.extend(self.keyword_edit(trigger));
            edits.extend(self.gap_edit(trigger, first_line));
        }
        edits.extend(self.json_edit(inst.effective()));

        let (conts, ends_in_quote) = self.continuation_lines(i);
        let width = |c: &ContLine| self.options.width_of(&self.text[c.lead.range()]);
        let min_of = |kind: ContKind| conts.iter().filter(|c| c.kind == kind).map(width).min();
        let content_min = min_of(ContKind::Reindent);
        // Comments follow the content lines; beside content that keeps its place (inside a
        // quoted string) they keep theirs too.
        let keeps = conts.iter().any(|c| c.kind == ContKind::Keep);
        let comment_min = match content_min {
            Some(min) => Some(min),
            None if keeps => None,
            None => min_of(ContKind::Comment),
        };
        for c in &conts {
            let base = match c.kind {
                ContKind::Reindent => content_min,
                ContKind::Comment => comment_min,
                ContKind::Empty | ContKind::Keep => None,
            };
            if let Some(min) = base {
                let extra = width(c).saturating_sub(min);
                edits.extend(minimal_edit(
                    self.text,
                    c.lead,
                    &self.options.indent_string(extra),
                ));
            }
            if c.kind == ContKind::Empty {
                let l = self.lines[c.line];
                edits.extend(minimal_edit(self.text, TextRange::new(l.start, l.end), ""));
            }
        }
        // Trailing whitespace of every header line but the empty ones (done above).
        for n in first..self.lines.len() {
            match self.roles[n] {
                Role::Header { inst, .. } if inst == i => {}
                Role::Body => continue,
                _ => break,
            }
            let l = self.lines[n];
            let s = self.line_text(n);
            if s.trim().is_empty() {
                continue;
            }
            let last = continuation_kept(s, self.syntax.escape).is_none()
                && !s.trim_start().starts_with('#');
            if last && ends_in_quote {
                continue;
            }
            let tail = trailing_len(s);
            edits.extend(minimal_edit(
                self.text,
                TextRange::new(l.end - tail, l.end),
                "",
            ));
        }
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        let last_line = self.lines[self.line_containing(inst.range.end()).unwrap_or(first)];
        Unit {
            span: TextRange::new(first_line.start, last_line.end.max(first_line.start)),
            edits,
        }
    }

    /// Upper-cases a known instruction's keyword written on one line.
    fn keyword_edit(&self, inst: &Instruction) -> Option<TextEdit> {
        if inst.kind == Kind::Unknown
            || self.text.get(inst.keyword_range.range()) != Some(&inst.keyword)
        {
            return None;
        }
        minimal_edit(self.text, inst.keyword_range, inst.kind.name())
    }

    /// One space between a keyword and what follows it on the same line (BuildKit splits
    /// the keyword off at whitespace and trims the rest, so the width is meaningless).
    /// Whitespace before a continuation's escape character and at the end of the line
    /// stays for the other edits.
    fn gap_edit(&self, inst: &Instruction, line: Line) -> Option<TextEdit> {
        let kw = inst.keyword_range;
        if kw.end() < line.start || kw.end() > line.end {
            return None;
        }
        let rest = &self.text[kw.end()..line.end];
        let gap = leading_len(rest);
        let after = &rest[gap..];
        if gap == 0 || after.is_empty() || continuation_kept(after, self.syntax.escape) == Some("")
        {
            return None;
        }
        minimal_edit(self.text, TextRange::new(kw.end(), kw.end() + gap), " ")
    }

    /// `["a", "b"]` for an exec-form array written on one line.
    fn json_edit(&self, inst: &Instruction) -> Option<TextEdit> {
        let items = inst.args.json.as_ref()?;
        let args = inst.args.range;
        let written = self.text.get(args.range())?;
        if written != inst.args.text {
            // Spread over continuation lines: the user's layout stays.
            return None;
        }
        // HEALTHCHECK CMD [...]: the array starts after the type word.
        let from = match inst.kind {
            Kind::Healthcheck => inst
                .args
                .words
                .first()
                .map_or(args.start(), |w| w.range.end()),
            _ => args.start(),
        };
        let open = from + self.text[from..args.end()].find('[')?;
        // BuildKit ignores text after the closing bracket: leave such arrays alone.
        let after_items = items.last().map_or(open + 1, |w| w.range.end());
        let close = after_items + leading_len(self.text.get(after_items..args.end())?);
        if self.text.get(close..args.end()) != Some("]") {
            return None;
        }
        let array = TextRange::new(open, args.end());
        let mut new = String::from("[");
        for (n, w) in items.iter().enumerate() {
            if n > 0 {
                new.push_str(", ");
            }
            new.push_str(self.text.get(w.range.range())?);
        }
        new.push(']');
        // Only when the array decodes to the same strings.
        let reparsed = syntax::parse(&format!("CMD {new}"));
        let decoded = reparsed.instructions.first()?.args.json.as_ref()?;
        if decoded.len() != items.len() || decoded.iter().zip(items).any(|(a, b)| a.text != b.text)
        {
            return None;
        }
        minimal_edit(self.text, array, &new)
    }

    /// The continuation lines of instruction `i` (header lines after the first), each
    /// classified, and whether the instruction's last line ends inside a quoted string
    /// (its trailing whitespace is then part of the string, or of a heredoc delimiter).
    fn continuation_lines(&self, i: usize) -> (Vec<ContLine>, bool) {
        let escape = self.syntax.escape;
        let first = self.first_lines[i];
        let inst = &self.syntax.instructions[i];
        let mut out = Vec::new();
        let first_line = self.lines[first];
        let kw = inst.keyword_range;
        if !(first_line.start <= kw.start() && kw.end() <= first_line.end) {
            // The keyword follows a line holding only the escape character, or spans a
            // continuation: an oddity whose layout stays as written.
            return (out, true);
        }
        let first_text = &self.text[kw.start()..first_line.end];
        let kept = |s: &'a str| -> &'a str { continuation_kept(s, escape).unwrap_or(s) };
        // The quote state after the first line, counted from the end of the keyword (which
        // BuildKit splits off at whitespace, quotes or not), and the last joined character.
        let mut quote = scan_quotes(
            Quote::None,
            kept(first_text).get(kw.len()..).unwrap_or(""),
            escape,
        );
        let mut last_char = kept(first_text).chars().next_back();
        let mut continues = continuation_kept(first_text, escape).is_some();
        let mut n = first + 1;
        while continues
            && n < self.lines.len()
            && self.roles[n]
                == (Role::Header {
                    inst: i,
                    first: false,
                })
        {
            let l = self.lines[n];
            let s = self.line_text(n);
            let lead_len = leading_len(s);
            let lead = TextRange::new(l.start, l.start + lead_len);
            let trimmed = s.trim_start_matches(char::is_whitespace);
            let kind = if trimmed.starts_with('#') {
                ContKind::Comment
            } else if trimmed.is_empty() {
                ContKind::Empty
            } else {
                let glued = lead_len == 0 && last_char.is_some_and(|c| !c.is_whitespace());
                let odd_space = trimmed.len() != s.len() - lead_len;
                let k = kept(s);
                let kind = if quote != Quote::None || glued || odd_space {
                    ContKind::Keep
                } else {
                    ContKind::Reindent
                };
                quote = scan_quotes(quote, k, escape);
                if let Some(c) = k.chars().next_back() {
                    last_char = Some(c);
                }
                continues = continuation_kept(s, escape).is_some();
                kind
            };
            if kind == ContKind::Comment && lead_len != s.len() - trimmed.len() {
                // A comment behind unusual whitespace keeps its place.
                out.push(ContLine {
                    line: n,
                    lead,
                    kind: ContKind::Keep,
                });
            } else {
                out.push(ContLine {
                    line: n,
                    lead,
                    kind,
                });
            }
            n += 1;
        }
        (out, quote != Quote::None)
    }

    /// On-type after a newline: the new line `n`'s indentation.
    fn indent_new_line(&self, n: usize) -> Vec<TextEdit> {
        let l = self.lines[n];
        let s = self.line_text(n);
        let lead = TextRange::new(l.start, l.start + leading_len(s));
        match self.roles[n] {
            Role::Body | Role::Header { first: true, .. } | Role::Standalone => {
                if self.roles[n] == Role::Body {
                    return Vec::new();
                }
                minimal_edit(self.text, lead, "").into_iter().collect()
            }
            Role::Header { inst, first: false } => {
                let (conts, _) = self.continuation_lines(inst);
                let Some(me) = conts.iter().position(|c| c.line == n) else {
                    return Vec::new();
                };
                if conts[me].kind == ContKind::Keep {
                    return Vec::new();
                }
                // The nearest continuation line above with content or a comment.
                let above = conts[..me]
                    .iter()
                    .rev()
                    .find(|c| matches!(c.kind, ContKind::Reindent | ContKind::Comment));
                let indent = match above {
                    Some(c) => self.text[c.lead.range()].to_string(),
                    None => self.options.indent_string(0),
                };
                minimal_edit(self.text, lead, &indent).into_iter().collect()
            }
        }
    }
}

/// BuildKit's continuation test for escape `e` (`([^e])e[ \t]*$|^e[ \t]*$`): the text
/// before the escape character when `line` continues.
fn continuation_kept(line: &str, escape: char) -> Option<&str> {
    let body = line.trim_end_matches([' ', '\t']);
    let before = body.strip_suffix(escape)?;
    if before.ends_with(escape) {
        return None;
    }
    Some(before)
}

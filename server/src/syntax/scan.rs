//! The line scanner: turns text into a [`Dockerfile`] by BuildKit's rules (lines split
//! at `\n`, directives, comments, continuation by the escape character, heredoc bodies)
//! and splits each instruction's arguments the way BuildKit's dispatch table does.

use super::directives::{match_directive, Directive, DirectiveKind};
use super::heredoc;
use super::json::{parse_json_array, JsonArgs};
use super::words::{
    extract_flags, is_ws_delim, parse_words, split_whitespace, trim_range, RawWord,
};
use super::{
    Args, Comment, Dockerfile, Flag, Heredoc, Instruction, Joined, KeyValue, Kind, SyntaxError,
    SyntaxErrorKind, Word,
};
use crate::text::TextRange;

/// One physical line: `[start, end)` without the line break (trailing `\r`s and `\n`s
/// removed as BuildKit's `trimNewline` does) and the start of the next line.
#[derive(Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

fn split_lines(text: &str) -> Vec<Line> {
    let b = text.as_bytes();
    let mut lines = Vec::with_capacity(text.len() / 32 + 1);
    let mut start = 0;
    while start < b.len() {
        let nl = memchr(b'\n', &b[start..]).map(|i| start + i);
        let next = nl.map_or(b.len(), |i| i + 1);
        let mut end = nl.unwrap_or(b.len());
        while end > start && (b[end - 1] == b'\r' || b[end - 1] == b'\n') {
            end -= 1;
        }
        lines.push(Line { start, end, next });
        start = next;
    }
    lines
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&c| c == needle)
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Offset of the first non-whitespace character of `text[start..end]`.
fn skip_leading_ws(text: &str, start: usize, end: usize) -> usize {
    let s = &text[start..end];
    start + (s.len() - s.trim_start_matches(is_space).len())
}

/// BuildKit's continuation regex `([^E])E[ \t]*$|^E[ \t]*$` for escape `E`. Returns the
/// end of the kept text when the line continues.
fn continuation_end(line: &str, escape: char) -> Option<usize> {
    let b = line.as_bytes();
    let mut i = b.len();
    while i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'\t') {
        i -= 1;
    }
    if i == 0 || b[i - 1] != escape as u8 {
        return None;
    }
    let esc = i - 1;
    if esc == 0 {
        return Some(0);
    }
    if b[esc - 1] == escape as u8 {
        return None;
    }
    Some(esc)
}

struct Scanner<'a> {
    text: &'a str,
    lines: Vec<Line>,
    escape: char,
    directives_done: bool,
    df: Dockerfile,
}

impl<'a> Scanner<'a> {
    fn line_text(&self, l: Line) -> &'a str {
        &self.text[l.start..l.end]
    }

    fn error(&mut self, kind: SyntaxErrorKind, range: TextRange, message: impl Into<String>) {
        self.df.errors.push(SyntaxError {
            range,
            message: message.into(),
            kind,
        });
    }

    /// BuildKit's directive parser, fed every top-level line until the first line that
    /// is not a known directive.
    fn directive_step(&mut self, start: usize, end: usize) {
        if self.directives_done {
            return;
        }
        let token = &self.text[start..end];
        let Some(((ks, ke), (vs, ve))) = match_directive(token) else {
            self.directives_done = true;
            return;
        };
        let key = &token[ks..ke];
        let Some(kind) = DirectiveKind::from_key(key) else {
            self.directives_done = true;
            return;
        };
        let range = TextRange::new(start, end);
        if self.df.directives.iter().any(|d| d.kind == kind) {
            self.error(
                SyntaxErrorKind::DirectiveDuplicate,
                range,
                format!("only one {} parser directive can be used", kind.name()),
            );
            return;
        }
        let value = token[vs..ve].to_string();
        if kind == DirectiveKind::Escape {
            match value.as_str() {
                "`" => self.escape = '`',
                "\\" => self.escape = '\\',
                _ => {
                    self.error(
                        SyntaxErrorKind::EscapeInvalid,
                        TextRange::new(start + vs, start + ve),
                        format!("invalid escape token '{value}' does not match ` or \\"),
                    );
                }
            }
        }
        self.df.directives.push(Directive {
            kind,
            key: key.to_string(),
            key_range: TextRange::new(start + ks, start + ke),
            value,
            value_range: TextRange::new(start + vs, start + ve),
            range,
        });
    }

    fn run(mut self) -> Dockerfile {
        self.check_line_lengths();
        let mut i = 0;
        while i < self.lines.len() {
            let line = self.lines[i];
            let mut start = line.start;
            if i == 0 && self.text[start..line.end].starts_with('\u{feff}') {
                start += 3;
            }
            let first = skip_leading_ws(self.text, start, line.end);
            self.directive_step(first, line.end);
            i += 1;
            let token = &self.text[first..line.end];
            if token.starts_with('#') {
                self.df.comments.push(Comment {
                    range: TextRange::new(first, line.end),
                    text: token.strip_prefix('#').unwrap_or(token).trim().to_string(),
                    in_continuation: false,
                });
                continue;
            }
            if token.is_empty() {
                continue;
            }
            i = self.instruction(first, line, i);
        }
        self.df.escape = self.escape;
        if self.df.instructions.is_empty() {
            let at = self.text.len();
            self.error(
                SyntaxErrorKind::NoInstructions,
                TextRange::new(0, at.min(self.lines.first().map_or(0, |l| l.end))),
                "the Dockerfile has no instructions (BuildKit rejects it)",
            );
        }
        self.df
    }

    /// BuildKit reads lines with Go's `bufio.Scanner`, whose buffer holds at most
    /// 64 KiB: a longer line (line break included) fails the whole parse.
    fn check_line_lengths(&mut self) {
        const MAX_TOKEN: usize = 64 * 1024;
        let long = self.lines.iter().copied().find(|l| {
            let with_break = l.next - l.start;
            let has_break = self.text.as_bytes().get(l.next.wrapping_sub(1)) == Some(&b'\n');
            with_break > MAX_TOKEN || (!has_break && with_break >= MAX_TOKEN)
        });
        if let Some(l) = long {
            self.error(
                SyntaxErrorKind::LineTooLong,
                TextRange::new(l.start, l.start),
                format!(
                    "line of {} bytes: BuildKit rejects lines longer than {} bytes",
                    l.end - l.start,
                    MAX_TOKEN - 1
                ),
            );
        }
    }

    /// Reads the instruction starting at `first` on `line`; `i` is the index of the
    /// next line. Returns the index of the line after the instruction.
    fn instruction(&mut self, first: usize, line: Line, mut i: usize) -> usize {
        let mut joined = Joined::default();
        let mut empty_lines = Vec::new();
        let mut inner_comments = Vec::new();
        let mut end = line.end;
        let token = &self.text[first..line.end];
        let mut continues = match continuation_end(token, self.escape) {
            Some(keep) => {
                joined.push(first, &token[..keep]);
                true
            }
            None => {
                joined.push(first, token);
                false
            }
        };
        while continues && i < self.lines.len() {
            let l = self.lines[i];
            i += 1;
            end = l.end;
            let raw = self.line_text(l);
            let trimmed = raw.trim_start_matches(is_space);
            if trimmed.starts_with('#') {
                let at = l.end - trimmed.len();
                inner_comments.push(TextRange::new(at, l.end));
                self.df.comments.push(Comment {
                    range: TextRange::new(at, l.end),
                    text: trimmed
                        .strip_prefix('#')
                        .unwrap_or(trimmed)
                        .trim()
                        .to_string(),
                    in_continuation: true,
                });
                continue;
            }
            if trimmed.is_empty() {
                empty_lines.push(TextRange::new(l.start, l.end));
                continue;
            }
            match continuation_end(raw, self.escape) {
                Some(keep) => joined.push(l.start, &raw[..keep]),
                None => {
                    joined.push(l.start, raw);
                    continues = false;
                }
            }
        }
        let (ts, te) = trim_range(&joined.text);
        let mut inst = self.node(&joined, ts, te);
        inst.empty_continuation_lines = empty_lines;
        inst.inner_comments = inner_comments;

        // Heredoc bodies follow the instruction's last line.
        let target = inst.effective();
        let can_heredoc =
            matches!(target.kind, Kind::Run | Kind::Copy | Kind::Add) && target.args.json.is_none();
        if can_heredoc && joined.text.contains("<<") {
            for m in heredoc::markers(&joined.text) {
                let body_start = self.lines.get(i).map_or(self.text.len(), |l| l.start);
                let mut content = String::new();
                let mut terminator = None;
                while i < self.lines.len() {
                    let l = self.lines[i];
                    i += 1;
                    let mut candidate = self.line_text(l);
                    if m.chomp {
                        candidate = candidate.trim_start_matches('\t');
                    }
                    if candidate == m.name {
                        terminator = Some(TextRange::new(l.start, l.end));
                        end = l.end;
                        break;
                    }
                    content.push_str(&self.text[l.start..l.next]);
                    end = l.end;
                }
                let body_end = terminator.map_or(self.text.len(), |t| t.start());
                let marker_range = joined.range_to_source(m.start, m.end);
                if terminator.is_none() {
                    self.error(
                        SyntaxErrorKind::HeredocUnterminated,
                        marker_range,
                        format!("unterminated heredoc `{}`", m.name),
                    );
                }
                let doc = Heredoc {
                    name: m.name,
                    marker_range,
                    quoted: m.quoted,
                    chomp: m.chomp,
                    fd: m.fd,
                    body_range: TextRange::new(body_start, body_end.max(body_start)),
                    content,
                    terminator_range: terminator,
                };
                match inst.trigger.as_mut() {
                    Some(t) => t.heredocs.push(doc),
                    None => inst.heredocs.push(doc),
                }
            }
        }
        inst.range = TextRange::new(first, end.max(first));
        if let Some(t) = inst.trigger.as_mut() {
            t.range = TextRange::new(t.range.start(), end.max(t.range.start()));
        }
        inst.joined = joined;
        self.df.instructions.push(inst);
        i
    }

    /// BuildKit's `newNodeFromLine` on `joined.text[start..end]`.
    fn node(&mut self, joined: &Joined, start: usize, end: usize) -> Instruction {
        let line = &joined.text[start..end];
        let kw_len = line.bytes().position(is_ws_delim).unwrap_or(line.len());
        let keyword = &line[..kw_len];
        let kind = Kind::from_keyword(keyword);
        let keyword_range = joined.range_to_source(start, start + kw_len);
        let mut inst = Instruction {
            kind,
            keyword: keyword.to_string(),
            keyword_range,
            range: joined.range_to_source(start, end),
            flags: Vec::new(),
            args: Args::default(),
            heredocs: Vec::new(),
            trigger: None,
            empty_continuation_lines: Vec::new(),
            inner_comments: Vec::new(),
            joined: Joined::default(),
        };
        if kw_len == line.len() {
            return inst;
        }
        let after_kw = start + kw_len;
        let (flags, rest_at) = extract_flags(&joined.text[after_kw..end], after_kw);
        inst.flags = flags.into_iter().map(|w| make_flag(joined, w)).collect();
        let (rs, re) = trim_range(&joined.text[rest_at..end]);
        let (rs, re) = (rest_at + rs, rest_at + re);
        let rest = &joined.text[rs..re];
        inst.args.text = rest.to_string();
        inst.args.range = joined.range_to_source(rs, re);
        let words = |v: Vec<RawWord>| -> Vec<Word> {
            v.into_iter()
                .map(|w| Word {
                    range: joined.range_to_source(w.start, w.end),
                    text: w.text,
                })
                .collect()
        };
        let whole = || {
            vec![Word {
                text: rest.to_string(),
                range: joined.range_to_source(rs, re),
            }]
        };
        match kind {
            Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Shell => {
                if !rest.is_empty() {
                    match self.maybe_json(joined, rs, re, &inst) {
                        Some(items) => inst.args.json = Some(items),
                        None => inst.args.words = whole(),
                    }
                }
            }
            Kind::Add | Kind::Copy | Kind::Volume => match self.maybe_json(joined, rs, re, &inst) {
                Some(items) => inst.args.json = Some(items),
                None => inst.args.words = words(split_whitespace(rest, rs)),
            },
            Kind::From | Kind::Expose => inst.args.words = words(split_whitespace(rest, rs)),
            Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir => {
                if !rest.is_empty() {
                    inst.args.words = whole();
                }
            }
            Kind::Arg => {
                let ws = words(parse_words(rest, rs, self.escape));
                inst.args.pairs = ws
                    .iter()
                    .map(|w| {
                        let (key, value) = split_pair(w);
                        KeyValue {
                            key,
                            value,
                            range: w.range,
                            legacy: false,
                        }
                    })
                    .collect();
                inst.args.words = ws;
            }
            Kind::Env | Kind::Label => self.name_val(joined, rs, re, &mut inst),
            Kind::Healthcheck => {
                let b = rest.as_bytes();
                let sep = b
                    .iter()
                    .position(|&c| (c as char).is_whitespace())
                    .unwrap_or(b.len());
                if sep > 0 {
                    let mut next = sep;
                    while next < b.len() && (b[next] as char).is_whitespace() {
                        next += 1;
                    }
                    inst.args.words.push(Word {
                        text: rest[..sep].to_string(),
                        range: joined.range_to_source(rs, rs + sep),
                    });
                    let cs = rs + next;
                    if cs < re {
                        match self.maybe_json(joined, cs, re, &inst) {
                            Some(items) => inst.args.json = Some(items),
                            None => inst.args.words.push(Word {
                                text: joined.text[cs..re].to_string(),
                                range: joined.range_to_source(cs, re),
                            }),
                        }
                    }
                }
            }
            Kind::Onbuild => {
                if !rest.is_empty() {
                    let mut trigger = self.node(joined, rs, re);
                    trigger.joined = Joined::default();
                    inst.trigger = Some(Box::new(trigger));
                }
            }
            Kind::Unknown => {
                if !rest.is_empty() {
                    inst.args.words = whole();
                }
            }
        }
        inst
    }

    /// BuildKit's `parseJSON` on `joined.text[rs..re]`: the decoded strings when the text
    /// is a JSON array of strings; records an error for a non-string array.
    fn maybe_json(
        &mut self,
        joined: &Joined,
        rs: usize,
        re: usize,
        inst: &Instruction,
    ) -> Option<Vec<Word>> {
        let rest = &joined.text[rs..re];
        if !rest.starts_with('[') {
            return None;
        }
        match parse_json_array(rest) {
            JsonArgs::Strings(items) => Some(
                items
                    .into_iter()
                    .map(|(text, s, e)| Word {
                        text,
                        range: joined.range_to_source(rs + s, rs + e),
                    })
                    .collect(),
            ),
            JsonArgs::NotStrings => {
                let range = joined.range_to_source(rs, re);
                self.error(
                    SyntaxErrorKind::InvalidArguments,
                    range,
                    format!(
                        "{}: JSON arrays must be comprised of strings only",
                        inst.keyword.to_ascii_uppercase()
                    ),
                );
                None
            }
            JsonArgs::Invalid => None,
        }
    }

    /// BuildKit's `parseNameVal` for ENV and LABEL.
    fn name_val(&mut self, joined: &Joined, rs: usize, re: usize, inst: &mut Instruction) {
        let rest = &joined.text[rs..re];
        let ws = parse_words(rest, rs, self.escape);
        if ws.is_empty() {
            return;
        }
        let keyword = inst.keyword.to_ascii_uppercase();
        if !ws[0].text.contains('=') {
            // Legacy `KEY value`: the value is the rest of the line after the key.
            let b = rest.as_bytes();
            let key_end = b.iter().position(|&c| is_ws_delim(c)).unwrap_or(b.len());
            let mut vs = key_end;
            while vs < b.len() && is_ws_delim(b[vs]) {
                vs += 1;
            }
            if key_end == b.len() {
                let range = joined.range_to_source(rs, re);
                self.error(
                    SyntaxErrorKind::InvalidArguments,
                    range,
                    format!("{keyword} must have two arguments"),
                );
                return;
            }
            let key = Word {
                text: rest[..key_end].to_string(),
                range: joined.range_to_source(rs, rs + key_end),
            };
            let value = Word {
                text: rest[vs..].to_string(),
                range: joined.range_to_source(rs + vs, re),
            };
            inst.args.words = vec![key.clone(), value.clone()];
            inst.args.pairs.push(KeyValue {
                key,
                value: Some(value),
                range: joined.range_to_source(rs, re),
                legacy: true,
            });
            return;
        }
        let words: Vec<Word> = ws
            .into_iter()
            .map(|w| Word {
                range: joined.range_to_source(w.start, w.end),
                text: w.text,
            })
            .collect();
        for w in &words {
            if !w.text.contains('=') {
                self.error(
                    SyntaxErrorKind::InvalidArguments,
                    w.range,
                    format!(
                        "Syntax error - can't find = in {:?}. Must be of the form: name=value",
                        w.text
                    ),
                );
                continue;
            }
            let (key, value) = split_pair(w);
            inst.args.pairs.push(KeyValue {
                key,
                value,
                range: w.range,
                legacy: false,
            });
        }
        inst.args.words = words;
    }
}

/// Splits a `name=value` word at the first `=` (byte ranges follow the written text
/// when the word was written on one line, which `=` words are in practice).
fn split_pair(w: &Word) -> (Word, Option<Word>) {
    match w.text.find('=') {
        None => (w.clone(), None),
        Some(eq) => {
            let key_end = (w.range.start() + eq).min(w.range.end());
            let val_start = (key_end + 1).min(w.range.end());
            (
                Word {
                    text: w.text[..eq].to_string(),
                    range: TextRange::new(w.range.start(), key_end),
                },
                Some(Word {
                    text: w.text[eq + 1..].to_string(),
                    range: TextRange::new(val_start, w.range.end()),
                }),
            )
        }
    }
}

fn make_flag(joined: &Joined, w: RawWord) -> Flag {
    let range = joined.range_to_source(w.start, w.end);
    let body = w.text.strip_prefix("--").unwrap_or(&w.text);
    let (name, value) = match body.find('=') {
        Some(eq) => (body[..eq].to_string(), Some(body[eq + 1..].to_string())),
        None => (body.to_string(), None),
    };
    // The written flag usually has no quotes; locate `=` in the source when it does.
    let written = &joined.text[w.start..w.end];
    let (name_range, value_range) = match written.find('=') {
        Some(eq) => (
            joined.range_to_source(w.start + 2.min(eq), w.start + eq),
            Some(joined.range_to_source(w.start + eq + 1, w.end)),
        ),
        None => (
            joined.range_to_source(w.start + 2.min(written.len()), w.end),
            None,
        ),
    };
    Flag {
        raw: w.text,
        name,
        value,
        range,
        name_range,
        value_range,
    }
}

/// Parses a Dockerfile by BuildKit's rules. Never fails; problems are in `errors`.
pub fn parse(text: &str) -> Dockerfile {
    Scanner {
        text,
        lines: split_lines(text),
        escape: '\\',
        directives_done: false,
        df: Dockerfile {
            escape: '\\',
            ..Dockerfile::default()
        },
    }
    .run()
}

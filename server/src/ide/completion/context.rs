//! Where the cursor stands, for completion and signature help: in the parser-directive
//! block, on an instruction keyword (or the trigger keyword after `ONBUILD`), in an
//! instruction's arguments (read on the joined line, so continuation lines, comments
//! inside continuations and the escape character are handled as BuildKit handles them),
//! or in a here-document body.
//!
//! The instruction that owns a line is found from the scanned
//! [`Dockerfile`](crate::syntax::Dockerfile): its keyword line, its continuation lines
//! (empty and comment lines included), its heredoc bodies, and the line after a last line
//! that still continues (a continuation being typed at the end of the file).

use crate::ide::Analysis;
use crate::syntax::{Instruction, Kind};
use crate::text::TextRange;

/// What the cursor is on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// A comment line in the parser-directive block at the top of the file. `hash` is the
    /// offset of its `#`.
    Directive { hash: usize },
    /// An instruction keyword being typed (or an empty line where one may start).
    /// `index` is the instruction whose keyword it is; `trigger` is set after `ONBUILD`.
    Keyword { index: Option<usize>, trigger: bool },
    /// The arguments of instruction `index`.
    Args(Args),
    /// The body of a here-document of instruction `index`.
    Heredoc { index: usize },
}

/// The cursor in an instruction's arguments, read on the joined line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Args {
    /// The instruction (the ONBUILD itself for a trigger).
    pub index: usize,
    /// The instruction whose arguments these are: the trigger's kind after ONBUILD.
    pub kind: Kind,
    /// Inside an ONBUILD trigger.
    pub onbuild: bool,
    /// The whitespace-separated words before the current one, after the keyword(s).
    pub before: Vec<String>,
    /// The current word up to the cursor (empty after whitespace).
    pub word: String,
}

impl Args {
    /// Only flags so far: the current word may still be a flag.
    pub fn in_flags(&self) -> bool {
        self.before.iter().all(|w| w.starts_with("--"))
    }
    /// The number of non-flag words before the current one.
    pub fn positional(&self) -> usize {
        self.before.iter().filter(|w| !w.starts_with("--")).count()
    }
}

/// Where `offset` stands in the analysed text; `None` past the end, inside a character,
/// in an ordinary comment, or in a comment line inside a continuation.
pub(crate) fn locate(analysis: &Analysis, offset: usize) -> Option<Place> {
    let text = analysis.text();
    if offset > text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let index = analysis.line_index();
    let line = index.line_of(offset);
    let line_range = index.line_range(text, line);
    let before_cursor = &text[line_range.start()..offset];
    match owner(analysis, line_range) {
        None => {
            let t = before_cursor.trim_start();
            if t.starts_with('#') {
                let hash = offset - t.len();
                return in_directive_block(analysis, line).then_some(Place::Directive { hash });
            }
            t.bytes()
                .all(|b| b.is_ascii_alphabetic())
                .then_some(Place::Keyword {
                    index: None,
                    trigger: false,
                })
        }
        Some(i) => {
            let inst = &analysis.syntax().instructions[i];
            if inst
                .inner_comments
                .iter()
                .any(|c| line_range.contains_inclusive(c.start()))
            {
                return None;
            }
            if inst.heredocs.iter().any(|h| match h.terminator_range {
                Some(t) => {
                    h.body_range.contains(line_range.start()) || t.contains_inclusive(offset)
                }
                // Unterminated: the body runs to the end of the file.
                None => {
                    line_range.start() >= h.body_range.start()
                        && line_range.start() > inst.range.start()
                }
            }) {
                return Some(Place::Heredoc { index: i });
            }
            if offset < inst.range.start() {
                // Leading whitespace before the keyword.
                return Some(Place::Keyword {
                    index: Some(i),
                    trigger: false,
                });
            }
            let prefix = joined_prefix(text, inst, offset);
            let ends_ws = prefix.is_empty() || prefix.ends_with(char::is_whitespace);
            let mut words: Vec<String> = prefix.split_whitespace().map(str::to_string).collect();
            let word = if ends_ws {
                String::new()
            } else {
                words.pop().unwrap_or_default()
            };
            let onbuild = inst.kind == Kind::Onbuild;
            let keywords = if onbuild { 2 } else { 1 };
            if words.len() < keywords {
                return Some(Place::Keyword {
                    index: Some(i),
                    trigger: !words.is_empty(),
                });
            }
            let kind = if onbuild {
                Kind::from_keyword(&words[1])
            } else {
                inst.kind
            };
            Some(Place::Args(Args {
                index: i,
                kind,
                onbuild,
                before: words.split_off(keywords),
                word,
            }))
        }
    }
}

/// The instruction that owns the line `line` (given as its range without line break).
fn owner(analysis: &Analysis, line: TextRange) -> Option<usize> {
    let insts = &analysis.syntax().instructions;
    let n = insts.partition_point(|i| i.range.start() <= line.end());
    let i = n.checked_sub(1)?;
    let inst = &insts[i];
    if inst.range.start() >= line.start() {
        // Its keyword is on this line (possibly after the cursor).
        return Some(i);
    }
    (owned_end(analysis, inst) >= line.start()).then_some(i)
}

/// The end of the last line an instruction owns.
fn owned_end(analysis: &Analysis, inst: &Instruction) -> usize {
    let (text, index) = (analysis.text(), analysis.line_index());
    let mut end = inst.range.end();
    for r in inst
        .empty_continuation_lines
        .iter()
        .chain(inst.inner_comments.iter())
    {
        end = end.max(r.end());
    }
    for h in &inst.heredocs {
        end = end.max(h.body_range.end());
        if let Some(t) = h.terminator_range {
            end = end.max(t.end());
        }
    }
    let last = index.line_of(end);
    let last_range = index.line_range(text, last);
    if continues(&text[last_range.range()], analysis.syntax().escape)
        && last + 1 < index.line_count()
    {
        // A continuation at the end of the file: the next line is being typed.
        return index.line_range(text, last + 1).end();
    }
    last_range.end()
}

/// The line ends with the escape character (BuildKit's continuation rule).
fn continues(line: &str, escape: char) -> bool {
    let t = line.trim_end_matches([' ', '\t', '\r']);
    let mut chars = t.chars().rev();
    chars.next() == Some(escape) && chars.next() != Some(escape)
}

/// True when every line before `line` is a parser directive: the directive block.
pub(super) fn in_directive_block(analysis: &Analysis, line: usize) -> bool {
    (0..line).all(|l| super::directives::is_directive_line(analysis, l))
}

/// The joined line of `inst` (as BuildKit joins it) up to the source offset `offset`.
/// A cursor after the last joined byte (trailing blanks, a continuation line still
/// empty) sees a space for each line break in between.
fn joined_prefix(text: &str, inst: &Instruction, offset: usize) -> String {
    let joined = &inst.joined;
    if let Some(at) = joined.to_joined(offset) {
        return joined.text[..at].to_string();
    }
    // Past the last chunk that starts before the cursor: all of them, then the gap.
    let (at, last_end) = joined
        .segments()
        .take_while(|&(start, _)| start <= offset)
        .fold((0, inst.range.start()), |(at, _), (start, len)| {
            (at + len, start + len)
        });
    let mut prefix = joined.text[..at].to_string();
    let gap = text.get(last_end..offset).unwrap_or("");
    if gap.contains(['\n', '\r']) {
        prefix.push(' ');
        let tail = gap.rsplit(['\n', '\r']).next().unwrap_or("");
        prefix.push_str(tail);
    } else {
        prefix.push_str(gap);
    }
    prefix
}

/// The range of the word around `offset` on its line: the characters before and after
/// it that are neither blanks nor in `delims`.
pub(crate) fn word_range(text: &str, offset: usize, delims: &str) -> TextRange {
    let stop = |c: char| c.is_whitespace() || delims.contains(c);
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| !stop(c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = offset
        + text[offset..]
            .char_indices()
            .find(|&(_, c)| stop(c))
            .map_or(text.len() - offset, |(i, _)| i);
    TextRange::new(start, end)
}

/// The text after `offset` up to the end of its line is blank: a snippet may add the
/// instruction's arguments.
pub(crate) fn rest_of_line_blank(text: &str, offset: usize) -> bool {
    text[offset..]
        .split(['\n', '\r'])
        .next()
        .unwrap_or("")
        .trim()
        .is_empty()
}

//! Text primitives of the analysis core: byte ranges, edits and a line index that
//! converts byte offsets to lines and columns (UTF-8, UTF-16 or characters).
//!
//! Architecture Invariant: the core works on UTF-8 byte offsets into the original text.
//! Line breaks are `\n`, `\r\n` and a lone `\r`, exactly as LSP defines them.

use std::ops::Range;

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    pub fn new(start: usize, end: usize) -> TextRange {
        debug_assert!(start <= end, "range {start}..{end} is reversed");
        TextRange {
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    pub fn empty(at: usize) -> TextRange {
        TextRange::new(at, at)
    }
    pub fn start(self) -> usize {
        self.start as usize
    }
    pub fn end(self) -> usize {
        self.end as usize
    }
    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }
    pub fn contains(self, offset: usize) -> bool {
        self.start() <= offset && offset < self.end()
    }
    /// True when `offset` lies inside the range or touches its end.
    pub fn contains_inclusive(self, offset: usize) -> bool {
        self.start() <= offset && offset <= self.end()
    }
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn intersects(self, other: TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }
}

impl std::fmt::Debug for TextRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<usize>> for TextRange {
    fn from(r: Range<usize>) -> TextRange {
        TextRange::new(r.start, r.end)
    }
}

/// One replacement of a byte range by new text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

impl TextEdit {
    pub fn replace(range: TextRange, new_text: impl Into<String>) -> TextEdit {
        TextEdit {
            range,
            new_text: new_text.into(),
        }
    }
    pub fn insert(at: usize, new_text: impl Into<String>) -> TextEdit {
        TextEdit::replace(TextRange::empty(at), new_text)
    }
    pub fn delete(range: TextRange) -> TextEdit {
        TextEdit::replace(range, "")
    }
}

/// Applies non-overlapping edits to `text`. Edits may come in any order; overlapping
/// edits after the first one of an overlap are skipped (the caller resolves conflicts).
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len());
    let mut pos = 0usize;
    for edit in sorted {
        let (s, e) = (
            edit.range.start().min(text.len()),
            edit.range.end().min(text.len()),
        );
        if s < pos {
            continue;
        }
        out.push_str(&text[pos..s]);
        out.push_str(&edit.new_text);
        pos = e;
    }
    out.push_str(&text[pos..]);
    out
}

/// The line break a file uses: that of its first line, `\n` when it has none.
pub fn line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// The line break that ends the line holding byte `at` (`at` may be that line's end); on
/// a last line without one, the file's ([`line_break`]).
pub fn line_break_at(text: &str, at: usize) -> &'static str {
    let at = at.min(text.len());
    match text[at..].find('\n') {
        Some(i) if text[..at + i].ends_with('\r') => "\r\n",
        Some(_) => "\n",
        None => line_break(text),
    }
}

/// Which unit a column counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
    Char,
}

/// A zero-based line and column, the column counted in some [`ColumnUnit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Maps byte offsets to lines and back. Built once per text in O(n).
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset of the start of every line; `line_starts[0] == 0`.
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0u32];
        // The common case, no `\r` at all: memchr-based search for `\n`.
        if !bytes.contains(&b'\r') {
            line_starts.extend(text.match_indices('\n').map(|(i, _)| i as u32 + 1));
            return LineIndex {
                line_starts,
                len: text.len() as u32,
            };
        }
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i as u32 + 1),
                b'\r' => {
                    if bytes.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    line_starts.push(i as u32 + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            line_starts,
            len: text.len() as u32,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The zero-based line that contains `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = (offset as u32).min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len) as usize
    }

    /// The byte range of `line` without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> TextRange {
        let start = self.line_start(line);
        let mut end = if line + 1 < self.line_starts.len() {
            self.line_starts[line + 1] as usize
        } else {
            text.len()
        };
        let bytes = text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// Line and column of `offset`. Offsets inside a multi-byte character or a CRLF pair
    /// are moved back to the character start.
    pub fn line_col(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let segment = &text[start..offset];
        let col = match unit {
            ColumnUnit::Utf8 => segment.len(),
            ColumnUnit::Utf16 => segment.chars().map(char::len_utf16).sum(),
            ColumnUnit::Char => segment.chars().count(),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a line and column; lines past the end clamp to the end of the
    /// text, columns past the end of a line clamp to the line's end.
    pub fn offset(&self, text: &str, pos: LineCol, unit: ColumnUnit) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return text.len();
        }
        let range = self.line_range(text, line);
        let line_text = &text[range.range()];
        let mut remaining = pos.col as usize;
        for (i, ch) in line_text.char_indices() {
            let width = match unit {
                ColumnUnit::Utf8 => ch.len_utf8(),
                ColumnUnit::Utf16 => ch.len_utf16(),
                ColumnUnit::Char => 1,
            };
            if remaining < width {
                // A column inside a character (e.g. between UTF-16 surrogates) rounds down.
                return range.start() + i;
            }
            remaining -= width;
            if remaining == 0 {
                return range.start() + i + ch.len_utf8();
            }
        }
        range.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_of_a_file_and_of_a_line() {
        assert_eq!(line_break("a\r\nb\n"), "\r\n");
        assert_eq!(line_break("a\nb\r\n"), "\n");
        assert_eq!(line_break("no break"), "\n");
        let mixed = "a\nb\r\nc";
        assert_eq!(line_break_at(mixed, 0), "\n");
        assert_eq!(line_break_at(mixed, 1), "\n");
        assert_eq!(line_break_at(mixed, 2), "\r\n");
        assert_eq!(line_break_at(mixed, 3), "\r\n");
        // The last line has none: the file's.
        assert_eq!(line_break_at(mixed, 6), "\n");
        assert_eq!(line_break_at("a\r\nb", 99), "\r\n");
    }

    #[test]
    fn line_index_handles_every_line_break() {
        let text = "a\nb\r\nc\rd";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 4);
        assert_eq!(idx.line_of(text.find('d').unwrap()), 3);
        assert_eq!(idx.line_range(text, 1), TextRange::new(2, 3));
        assert_eq!(idx.line_range(text, 2), TextRange::new(5, 6));
    }

    #[test]
    fn columns_in_all_units() {
        let text = "héllo 😀 x\n";
        let idx = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(idx.line_col(text, x, ColumnUnit::Utf8).col as usize, x);
        assert_eq!(idx.line_col(text, x, ColumnUnit::Utf16).col, 9);
        assert_eq!(idx.line_col(text, x, ColumnUnit::Char).col, 8);
        for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
            let lc = idx.line_col(text, x, unit);
            assert_eq!(idx.offset(text, lc, unit), x);
        }
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, ColumnUnit::Utf16),
            2
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, ColumnUnit::Utf16),
            5
        );
        assert_eq!(
            idx.line_col(text, 99, ColumnUnit::Utf8),
            LineCol { line: 1, col: 2 }
        );
    }

    #[test]
    fn apply_edits_in_any_order() {
        let text = "0123456789";
        let edits = vec![
            TextEdit::replace(TextRange::new(8, 9), "X"),
            TextEdit::insert(0, ">"),
            TextEdit::delete(TextRange::new(2, 4)),
        ];
        assert_eq!(apply_edits(text, &edits), ">014567X9");
    }
}

//! Position conversion: LSP positions in the negotiated encoding to byte offsets through
//! the rope (with clamping), and byte offsets to tree-sitter `Point`s.
//!
//! LSP lines end at `\n`, `\r\n` or a lone `\r` (ropey's `cr_lines`); tree-sitter rows count
//! only `\n`. The two never mix: LSP positions are converted through the rope, tree-sitter
//! points are computed from the bytes.

use ropey::{Rope, RopeSlice};
use tower_lsp_server::ls_types::{ClientCapabilities, Position, PositionEncodingKind, Range};

use crate::ide::Analysis;
use crate::text::{ColumnUnit, LineCol, LineIndex, TextRange};

/// The unit LSP columns count in, agreed on at `initialize`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum PositionEncoding {
    Utf8,
    #[default]
    Utf16,
}

impl PositionEncoding {
    /// UTF-8 when the client offers it, else the mandatory UTF-16.
    pub fn negotiate(caps: &ClientCapabilities) -> PositionEncoding {
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref());
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
            _ => PositionEncoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    pub fn column_unit(self) -> ColumnUnit {
        match self {
            PositionEncoding::Utf8 => ColumnUnit::Utf8,
            PositionEncoding::Utf16 => ColumnUnit::Utf16,
        }
    }
}

/// The number of chars of `line` without its line break (`\n`, `\r\n` or `\r`).
fn content_len_chars(line: RopeSlice<'_>) -> usize {
    let mut len = line.len_chars();
    if len > 0 && line.char(len - 1) == '\n' {
        len -= 1;
        if len > 0 && line.char(len - 1) == '\r' {
            len -= 1;
        }
    } else if len > 0 && line.char(len - 1) == '\r' {
        len -= 1;
    }
    len
}

/// The byte offset of an LSP position. A line past the end clamps to the end of the text;
/// a column past the end of its line clamps to the end of the line (before the line
/// break); a column inside a character (e.g. between UTF-16 surrogates) rounds down.
pub fn offset_of(rope: &Rope, pos: Position, encoding: PositionEncoding) -> usize {
    let line = pos.line as usize;
    if line >= rope.len_lines() {
        return rope.len_bytes();
    }
    let line_start_char = rope.line_to_char(line);
    let line_chars = content_len_chars(rope.line(line));
    let line_end_char = line_start_char + line_chars;
    let col = pos.character as usize;
    let char_idx = match encoding {
        PositionEncoding::Utf8 => {
            let line_start_byte = rope.char_to_byte(line_start_char);
            let line_end_byte = rope.char_to_byte(line_end_char);
            let byte = (line_start_byte + col).min(line_end_byte);
            // `byte_to_char` names the char containing `byte`: rounding down.
            rope.byte_to_char(byte)
        }
        PositionEncoding::Utf16 => {
            let line_start_cu = rope.char_to_utf16_cu(line_start_char);
            let line_end_cu = rope.char_to_utf16_cu(line_end_char);
            let cu = (line_start_cu + col).min(line_end_cu);
            rope.utf16_cu_to_char(cu)
        }
    };
    rope.char_to_byte(char_idx)
}

/// The LSP position of a byte offset in `text`, computed with the text's line index.
pub fn position_of(
    index: &LineIndex,
    text: &str,
    offset: usize,
    encoding: PositionEncoding,
) -> Position {
    let LineCol { line, col } = index.line_col(text, offset, encoding.column_unit());
    Position::new(line, col)
}

/// The byte offset of an LSP position in an analysed text (the same clamping and
/// rounding as [`offset_of`], computed with the text's line index instead of a rope, so a
/// request answered from an analysis snapshot reads positions in exactly its text).
pub fn offset_in(analysis: &Analysis, pos: Position, encoding: PositionEncoding) -> usize {
    let at = LineCol {
        line: pos.line,
        col: pos.character,
    };
    analysis
        .line_index()
        .offset(analysis.text(), at, encoding.column_unit())
}

/// The byte range of an LSP range in an analysed text ([`offset_in`] at both ends; a
/// reversed range is put in order).
pub fn range_in(analysis: &Analysis, range: Range, encoding: PositionEncoding) -> TextRange {
    let (a, b) = (
        offset_in(analysis, range.start, encoding),
        offset_in(analysis, range.end, encoding),
    );
    TextRange::new(a.min(b), a.max(b))
}

/// The tree-sitter point of a byte offset: the row counts `\n` before it, the column
/// counts bytes since the last `\n` (tree-sitter's convention, not LSP's).
pub fn point_at(rope: &Rope, offset: usize) -> tree_sitter::Point {
    let mut row = 0;
    let mut line_start = 0;
    let mut chunk_start = 0;
    for chunk in rope.byte_slice(..offset).chunks() {
        let bytes = chunk.as_bytes();
        row += bytes.iter().filter(|&&b| b == b'\n').count();
        if let Some(i) = bytes.iter().rposition(|&b| b == b'\n') {
            line_start = chunk_start + i + 1;
        }
        chunk_start += bytes.len();
    }
    tree_sitter::Point {
        row,
        column: offset - line_start,
    }
}

/// The point reached from `start` after `text`.
pub fn advance_point(start: tree_sitter::Point, text: &str) -> tree_sitter::Point {
    let bytes = text.as_bytes();
    match bytes.iter().rposition(|&b| b == b'\n') {
        None => tree_sitter::Point {
            row: start.row,
            column: start.column + bytes.len(),
        },
        Some(last) => tree_sitter::Point {
            row: start.row + bytes.iter().filter(|&&b| b == b'\n').count(),
            column: bytes.len() - last - 1,
        },
    }
}

/// [`advance_point`] over a rope slice.
pub fn advance_point_slice(start: tree_sitter::Point, slice: RopeSlice<'_>) -> tree_sitter::Point {
    slice.chunks().fold(start, advance_point)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn off(text: &str, line: u32, character: u32, enc: PositionEncoding) -> usize {
        offset_of(&Rope::from_str(text), Position::new(line, character), enc)
    }

    #[test]
    fn columns_count_in_the_negotiated_unit() {
        let text = "# 😀 é\nRUN x\n";
        // In UTF-16, 😀 is two code units, é one; in UTF-8 four and two bytes.
        assert_eq!(off(text, 0, 4, PositionEncoding::Utf16), 6);
        assert_eq!(
            off(text, 0, 5, PositionEncoding::Utf16),
            text.find('é').unwrap()
        );
        assert_eq!(
            off(text, 0, 7, PositionEncoding::Utf8),
            text.find('é').unwrap()
        );
        // Between the two surrogates of 😀: rounds down to the emoji's start.
        assert_eq!(off(text, 0, 3, PositionEncoding::Utf16), 2);
        // Inside the UTF-8 bytes of é: rounds down.
        assert_eq!(
            off(text, 0, 8, PositionEncoding::Utf8),
            text.find('é').unwrap()
        );
    }

    #[test]
    fn out_of_range_positions_clamp() {
        let text = "ab\r\ncd\rxy";
        for enc in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            assert_eq!(off(text, 0, 99, enc), 2, "column clamps before CRLF");
            assert_eq!(off(text, 1, 99, enc), 6, "column clamps before lone CR");
            assert_eq!(off(text, 2, 1, enc), 8);
            assert_eq!(off(text, 2, 99, enc), text.len());
            assert_eq!(off(text, 9, 0, enc), text.len(), "line clamps to the end");
        }
        assert_eq!(off("a\n", 1, 0, PositionEncoding::Utf16), 2);
        assert_eq!(off("", 0, 5, PositionEncoding::Utf16), 0);
    }

    #[test]
    fn points_count_only_line_feeds() {
        let text = "ab\r\ncd\rxy\né";
        let rope = Rope::from_str(text);
        let p = point_at(&rope, text.find('y').unwrap());
        assert_eq!((p.row, p.column), (1, 4));
        let end = point_at(&rope, text.len());
        assert_eq!((end.row, end.column), (2, 2));
        assert_eq!(
            advance_point(tree_sitter::Point { row: 0, column: 3 }, "x\r\nyz"),
            tree_sitter::Point { row: 1, column: 2 }
        );
        assert_eq!(
            advance_point(tree_sitter::Point { row: 4, column: 3 }, "é"),
            tree_sitter::Point { row: 4, column: 5 }
        );
    }
}

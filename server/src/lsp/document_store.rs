//! Open documents: a rope, an incrementally maintained tree-sitter tree, the client's
//! version and the latest analysis, keyed by URI.
//!
//! Every content change of a `didChange` edits the tree (`Tree::edit`) and the rope in
//! order; the tree is then reparsed once, reusing the old tree. Only a full-text change or
//! a change to an `escape` parser directive (which changes how the grammar lexes the whole
//! file) parses from scratch.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Parser, Tree};

use super::position::{self, PositionEncoding};
use crate::config::Config;
use crate::ide::Analysis;
use crate::rules::Diagnostic;
use crate::syntax::tree;

/// An analysis of one document version under one configuration generation.
#[derive(Clone, Debug)]
pub struct AnalysisSnapshot {
    pub version: i32,
    pub config_generation: u64,
    pub analysis: Arc<Analysis>,
    pub diagnostics: Arc<Vec<Diagnostic>>,
    /// The ShellCheck scripts of this version and the program to run them with; `None`
    /// when ShellCheck is off, ignored for the file, or not installed.
    pub shellcheck: Option<(Arc<crate::shellcheck::Plan>, crate::shellcheck::Runner)>,
}

/// How a batch of changes reached the new tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reparse {
    /// The old tree was edited and reused.
    Incremental,
    /// The tree was parsed from scratch (a full-text change, or an `escape` directive
    /// changed).
    Full,
}

/// One open document.
#[derive(Debug)]
pub struct Document {
    rope: Rope,
    tree: Tree,
    version: i32,
    /// How many `\r` are not followed by `\n`. While there are none, the rope's line
    /// index (which also breaks at a lone `\r`) gives tree-sitter rows in O(log n).
    lone_crs: usize,
    /// The configuration this document is analysed with (file config + settings).
    pub config: Arc<Config>,
    /// The latest finished analysis, if any.
    pub analysis: Option<AnalysisSnapshot>,
}

impl Document {
    pub fn new(text: &str, version: i32, parser: &mut Parser) -> Document {
        let rope = Rope::from_str(text);
        let tree = parse_rope(parser, &rope, None);
        let lone_crs = lone_crs_in(&rope, 0, rope.len_bytes());
        Document {
            rope,
            tree,
            version,
            lone_crs,
            config: Arc::new(Config::default()),
            analysis: None,
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }
    pub fn text(&self) -> String {
        self.rope.to_string()
    }
    pub fn tree(&self) -> &Tree {
        &self.tree
    }
    pub fn version(&self) -> i32 {
        self.version
    }

    /// The tree-sitter point of a byte offset (rows count `\n` only).
    pub fn point_at(&self, offset: usize) -> tree_sitter::Point {
        if self.lone_crs > 0 {
            return position::point_at(&self.rope, offset);
        }
        // Without lone CRs, every rope line ends with `\n` (alone or after `\r`).
        let row = self.rope.byte_to_line(offset);
        tree_sitter::Point {
            row,
            column: offset - self.rope.line_to_byte(row),
        }
    }

    /// Applies LSP content changes in order, then reparses once. Never panics on bad
    /// positions: they are clamped, and a reversed range is read as its mirror image.
    pub fn apply_changes(
        &mut self,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
        encoding: PositionEncoding,
        parser: &mut Parser,
    ) -> Reparse {
        let escape_before = escape_directive(&self.rope);
        let mut full = false;
        for change in changes {
            let Some(range) = change.range else {
                self.rope = Rope::from_str(&change.text);
                self.lone_crs = lone_crs_in(&self.rope, 0, self.rope.len_bytes());
                full = true;
                continue;
            };
            let a = position::offset_of(&self.rope, range.start, encoding);
            let b = position::offset_of(&self.rope, range.end, encoding);
            let (start, end) = (a.min(b), a.max(b));
            if !full {
                let start_position = self.point_at(start);
                let old_end_position =
                    position::advance_point_slice(start_position, self.rope.byte_slice(start..end));
                let new_end_position = position::advance_point(start_position, &change.text);
                self.tree.edit(&InputEdit {
                    start_byte: start,
                    old_end_byte: end,
                    new_end_byte: start + change.text.len(),
                    start_position,
                    old_end_position,
                    new_end_position,
                });
            }
            // Only a `\r` inside the edit or just before it can change whether it is lone.
            let lone_before = lone_crs_in(&self.rope, start.saturating_sub(1), end);
            let start_char = self.rope.byte_to_char(start);
            let end_char = self.rope.byte_to_char(end);
            self.rope.remove(start_char..end_char);
            self.rope.insert(start_char, &change.text);
            let lone_after = lone_crs_in(
                &self.rope,
                start.saturating_sub(1),
                start + change.text.len(),
            );
            self.lone_crs = self.lone_crs + lone_after - lone_before;
        }
        if !full && escape_directive(&self.rope) != escape_before {
            full = true;
        }
        self.tree = parse_rope(
            parser,
            &self.rope,
            if full { None } else { Some(&self.tree) },
        );
        self.version = version;
        self.analysis = None;
        if full {
            Reparse::Full
        } else {
            Reparse::Incremental
        }
    }
}

/// Counts the `\r` bytes at offsets `from..to` that are not followed by `\n`.
fn lone_crs_in(rope: &Rope, from: usize, to: usize) -> usize {
    let len = rope.len_bytes();
    let (from, to) = (from.min(len), to.min(len));
    let mut bytes = rope.bytes_at(from).peekable();
    let mut count = 0;
    let mut at = from;
    while at < to {
        let Some(b) = bytes.next() else { break };
        if b == b'\r' && bytes.peek() != Some(&b'\n') {
            count += 1;
        }
        at += 1;
    }
    count
}

/// Parses the rope chunk by chunk, reusing `old` when given.
fn parse_rope(parser: &mut Parser, rope: &Rope, old: Option<&Tree>) -> Tree {
    let len = rope.len_bytes();
    let parsed = parser.parse_with_options(
        &mut |byte: usize, _point: tree_sitter::Point| -> &[u8] {
            if byte >= len {
                return &[];
            }
            let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
            &chunk.as_bytes()[byte - chunk_start..]
        },
        old,
        None,
    );
    // A parse only fails with a timeout or cancellation flag, which we never set.
    parsed.unwrap_or_else(|| tree::parse(&mut tree::new_parser(), &rope.to_string(), None))
}

/// The text of every `escape` directive in the header of the file (the leading lines
/// that are blank or comments). The grammar's lexer depends on it for the whole file, so
/// a change to it forces a fresh parse.
fn escape_directive(rope: &Rope) -> Vec<String> {
    let mut found = Vec::new();
    for line in rope.lines() {
        let line: String = line.chars().collect();
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        if !trimmed.starts_with('#') {
            break;
        }
        if trimmed.to_ascii_lowercase().contains("escape") {
            found.push(trimmed.to_owned());
        }
    }
    found
}

/// Every open document, plus the parser they share. Lock it briefly and never across an
/// `.await`.
pub struct DocumentStore {
    docs: HashMap<Uri, Document>,
    parser: Parser,
    /// Bumped whenever the configuration changes; cached analyses of older generations
    /// are stale.
    pub config_generation: u64,
}

impl std::fmt::Debug for DocumentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentStore")
            .field("docs", &self.docs.len())
            .field("config_generation", &self.config_generation)
            .finish_non_exhaustive()
    }
}

impl Default for DocumentStore {
    fn default() -> Self {
        DocumentStore {
            docs: HashMap::new(),
            parser: tree::new_parser(),
            config_generation: 0,
        }
    }
}

impl DocumentStore {
    /// Opens (or reopens) a document.
    pub fn open(&mut self, uri: Uri, text: &str, version: i32, config: Arc<Config>) {
        let mut doc = Document::new(text, version, &mut self.parser);
        doc.config = config;
        self.docs.insert(uri, doc);
    }

    /// Applies a `didChange`. Returns `None` when the document is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
        encoding: PositionEncoding,
    ) -> Option<Reparse> {
        let doc = self.docs.get_mut(uri)?;
        if version <= doc.version {
            tracing::warn!(
                uri = uri.as_str(),
                old = doc.version,
                new = version,
                "document version did not increase; applying the change anyway"
            );
        }
        Some(doc.apply_changes(changes, version, encoding, &mut self.parser))
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.docs.remove(uri)
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.docs.get(uri)
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.docs.get_mut(uri)
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.docs.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn change(sl: u32, sc: u32, el: u32, ec: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(sl, sc), Position::new(el, ec))),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn edits_apply_in_order_and_reuse_the_tree() {
        let mut parser = tree::new_parser();
        let mut doc = Document::new("FROM alpine\nRUN echo hi\n", 1, &mut parser);
        let how = doc.apply_changes(
            &[change(1, 9, 1, 11, "bye"), change(0, 5, 0, 11, "debian")],
            2,
            PositionEncoding::Utf16,
            &mut parser,
        );
        assert_eq!(how, Reparse::Incremental);
        assert_eq!(doc.text(), "FROM debian\nRUN echo bye\n");
        assert_eq!(doc.version(), 2);
        let fresh = tree::parse(&mut parser, &doc.text(), None);
        assert_eq!(
            doc.tree().root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
    }

    #[test]
    fn escape_directive_changes_force_a_full_parse() {
        let mut parser = tree::new_parser();
        let mut doc = Document::new("# escape=\\\nFROM alpine\n", 1, &mut parser);
        let how = doc.apply_changes(
            &[change(0, 9, 0, 10, "`")],
            2,
            PositionEncoding::Utf8,
            &mut parser,
        );
        assert_eq!(how, Reparse::Full);
        let how = doc.apply_changes(
            &[change(1, 5, 1, 5, "x")],
            3,
            PositionEncoding::Utf8,
            &mut parser,
        );
        assert_eq!(how, Reparse::Incremental);
    }

    #[test]
    fn full_text_change_replaces_everything() {
        let mut parser = tree::new_parser();
        let mut doc = Document::new("FROM alpine\n", 1, &mut parser);
        let full = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "FROM ubuntu\nUSER app\n".into(),
        };
        let how = doc.apply_changes(
            &[full, change(1, 5, 1, 8, "me")],
            2,
            PositionEncoding::Utf16,
            &mut parser,
        );
        assert_eq!(how, Reparse::Full);
        assert_eq!(doc.text(), "FROM ubuntu\nUSER me\n");
    }
}

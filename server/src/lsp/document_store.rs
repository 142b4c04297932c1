//! Open documents: a rope, an incrementally maintained tree-sitter tree, the client's
//! version and the latest analysis, keyed by URI.
//!
//! Every content change of a `didChange` edits the tree (`Tree::edit`) and the rope in
//! order; the tree is then reparsed once, reusing the old tree. Only a full-text change or
//! a change to an `escape` parser directive (which changes how the grammar lexes the whole
//! file) parses from scratch.
//!
//! The server does not parse inside `didOpen` or `didChange`: [`DocumentStore::open`]
//! and [`DocumentStore::change`] only edit, and a [`ReparseJob`] (a cheap copy of the
//! rope and the edited tree) is parsed on the blocking pool while the analysis of the
//! same version runs on another thread (the analysis reads the text, never the tree). The
//! result is installed only if no edit came in meanwhile; otherwise the store's tree,
//! which has every edit applied, is the base of the next job. [`Document::new`] and
//! [`Document::apply_changes`] are the same done at once.

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
    /// The latest parse with every later edit applied (`Tree::edit`): current when
    /// `parsed == edits`, otherwise waiting for a reparse.
    tree: Tree,
    /// Counts batches of edits; `parsed` is the count the tree was parsed at.
    edits: u64,
    parsed: u64,
    /// The next reparse must start from scratch (full-text change, `escape` changed).
    needs_full: bool,
    /// A reparse job is out (at most one per document).
    reparsing: bool,
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
            edits: 0,
            parsed: 0,
            needs_full: false,
            reparsing: false,
            version,
            lone_crs,
            config: Arc::new(Config::default()),
            analysis: None,
        }
    }

    /// A document whose first parse is left to a [`ReparseJob`] (the server runs it
    /// concurrently with the first analysis): the tree starts as the parse of an empty
    /// text, with a full parse pending.
    pub fn new_deferred(text: &str, version: i32, parser: &mut Parser) -> Document {
        let rope = Rope::from_str(text);
        let lone_crs = lone_crs_in(&rope, 0, rope.len_bytes());
        Document {
            tree: parse_rope(parser, &Rope::new(), None),
            rope,
            edits: 1,
            parsed: 0,
            needs_full: true,
            reparsing: false,
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
    /// The latest parsed tree with the edits since applied; see [`Document::tree_is_current`].
    pub fn tree(&self) -> &Tree {
        &self.tree
    }
    /// Whether the tree was parsed from the current text (no reparse pending).
    pub fn tree_is_current(&self) -> bool {
        self.parsed == self.edits
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
        let how = self.apply_edits(changes, version, encoding);
        self.reparse(parser);
        how
    }

    /// Parses now if a reparse is pending (reusing the edited tree unless a full parse
    /// is due).
    pub fn reparse(&mut self, parser: &mut Parser) {
        if self.tree_is_current() {
            return;
        }
        let old = (!self.needs_full).then_some(&self.tree);
        self.tree = parse_rope(parser, &self.rope, old);
        self.parsed = self.edits;
        self.needs_full = false;
    }

    /// A reparse of the current text to run elsewhere, unless the tree is current or a
    /// job is already out (its owner asks again after [`Document::finish_reparse`]).
    pub fn reparse_job(&mut self) -> Option<ReparseJob> {
        if self.tree_is_current() || self.reparsing {
            return None;
        }
        self.reparsing = true;
        Some(ReparseJob {
            rope: self.rope.clone(),
            old: (!self.needs_full).then(|| self.tree.clone()),
            edits: self.edits,
        })
    }

    /// A parse of the current text for a request that needs the tree now, whether or not
    /// a background job is out (this one does not take the job slot); `None` when the
    /// tree is current. Hand the result to [`Document::offer_tree`].
    pub fn request_job(&self) -> Option<ReparseJob> {
        if self.tree_is_current() {
            return None;
        }
        Some(ReparseJob {
            rope: self.rope.clone(),
            old: (!self.needs_full).then(|| self.tree.clone()),
            edits: self.edits,
        })
    }

    /// Installs the tree of a [`Document::request_job`] if it is still the parse of the
    /// current text and the tree is not current yet; returns whether it did.
    pub fn offer_tree(&mut self, edits: u64, tree: &Tree) -> bool {
        if edits != self.edits || self.tree_is_current() {
            return false;
        }
        self.tree = tree.clone();
        self.parsed = edits;
        self.needs_full = false;
        true
    }

    /// Installs a job's tree if no edit came in since the job was taken, and returns
    /// whether it did; `None` (the job failed) only releases the slot.
    pub fn finish_reparse(&mut self, done: Option<(u64, Tree)>) -> bool {
        self.reparsing = false;
        match done {
            Some((edits, tree)) if edits == self.edits => {
                self.tree = tree;
                self.parsed = edits;
                self.needs_full = false;
                true
            }
            _ => false,
        }
    }

    /// Applies LSP content changes to the rope and the tree (`Tree::edit`) without
    /// parsing; the tree is current again after [`Document::reparse`] or a
    /// [`ReparseJob`]. Positions are clamped as in [`Document::apply_changes`].
    pub fn apply_edits(
        &mut self,
        changes: &[TextDocumentContentChangeEvent],
        version: i32,
        encoding: PositionEncoding,
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
            // A tree waiting for a full parse is thrown away: no need to edit it.
            if !full && !self.needs_full {
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
        self.edits += 1;
        self.needs_full |= full;
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

/// A reparse taken out of the store: the text and the edited tree it starts from.
#[derive(Debug)]
pub struct ReparseJob {
    rope: Rope,
    old: Option<Tree>,
    edits: u64,
}

impl ReparseJob {
    /// Parses, with a parser kept per thread; the result goes to
    /// [`Document::finish_reparse`].
    pub fn run(self) -> (u64, Tree) {
        thread_local! {
            static PARSER: std::cell::RefCell<Parser> = std::cell::RefCell::new(tree::new_parser());
        }
        let tree = PARSER.with(|p| parse_rope(&mut p.borrow_mut(), &self.rope, self.old.as_ref()));
        (self.edits, tree)
    }
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
    /// Opens (or reopens) a document; its first parse is left to a [`ReparseJob`].
    pub fn open(&mut self, uri: Uri, text: &str, version: i32, config: Arc<Config>) {
        let mut doc = Document::new_deferred(text, version, &mut self.parser);
        doc.config = config;
        self.docs.insert(uri, doc);
    }

    /// Applies a `didChange` to the rope and the tree without parsing: the caller runs
    /// [`Document::reparse_job`] elsewhere. Returns `None` when the document is not open.
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
        Some(doc.apply_edits(changes, version, encoding))
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
    fn deferred_edits_wait_for_a_job_and_stale_jobs_are_refused() {
        let mut parser = tree::new_parser();
        let mut doc = Document::new("FROM alpine\nRUN echo hi\n", 1, &mut parser);
        let sexp = |doc: &Document| doc.tree().root_node().to_sexp();
        let fresh = |text: &str| tree::parse(&mut tree::new_parser(), text, None);

        doc.apply_edits(&[change(1, 4, 1, 8, "ls")], 2, PositionEncoding::Utf16);
        assert!(!doc.tree_is_current());
        let job = doc.reparse_job().expect("a reparse is pending");
        assert!(doc.reparse_job().is_none(), "one job at a time");
        // An edit lands while the job runs: its tree is refused, the edit is kept.
        doc.apply_edits(&[change(0, 5, 0, 11, "debian")], 3, PositionEncoding::Utf16);
        let done = job.run();
        assert!(!doc.finish_reparse(Some(done)));
        assert!(!doc.tree_is_current());
        // The next job starts from the edited tree and covers both edits.
        let job = doc.reparse_job().expect("still pending");
        assert!(doc.finish_reparse(Some(job.run())));
        assert!(doc.tree_is_current());
        assert!(doc.reparse_job().is_none());
        assert_eq!(doc.text(), "FROM debian\nRUN ls hi\n");
        assert_eq!(sexp(&doc), fresh(&doc.text()).root_node().to_sexp());

        // A failed job only frees the slot.
        doc.apply_edits(&[change(1, 7, 1, 9, "x")], 4, PositionEncoding::Utf16);
        let _job = doc.reparse_job().expect("pending");
        assert!(!doc.finish_reparse(None));
        let job = doc.reparse_job().expect("taken again after a failure");
        assert!(doc.finish_reparse(Some(job.run())));
        assert_eq!(
            sexp(&doc),
            fresh("FROM debian\nRUN ls x\n").root_node().to_sexp()
        );
    }

    #[test]
    fn a_request_parses_without_taking_the_background_slot() {
        let mut parser = tree::new_parser();
        let mut doc = Document::new_deferred("FROM alpine\nRUN echo hi\n", 1, &mut parser);
        let fresh = |text: &str| tree::parse(&mut tree::new_parser(), text, None);
        let background = doc.reparse_job().expect("the first parse is pending");
        // A request needs the tree now: its own job, while the background one is out.
        let (edits, tree) = doc.request_job().expect("the tree is not current").run();
        assert!(doc.offer_tree(edits, &tree));
        assert!(doc.tree_is_current());
        assert!(doc.request_job().is_none(), "nothing to parse once current");
        assert_eq!(
            doc.tree().root_node().to_sexp(),
            fresh("FROM alpine\nRUN echo hi\n").root_node().to_sexp()
        );
        // The background job still finishes normally and frees its slot.
        assert!(doc.finish_reparse(Some(background.run())));
        // A request's tree of an older text is refused.
        doc.apply_edits(&[change(1, 4, 1, 8, "ls")], 2, PositionEncoding::Utf16);
        let (edits, stale) = doc.request_job().expect("pending").run();
        doc.apply_edits(&[change(0, 5, 0, 11, "debian")], 3, PositionEncoding::Utf16);
        assert!(!doc.offer_tree(edits, &stale));
        assert!(!doc.tree_is_current());
        let (edits, tree) = doc.request_job().expect("pending").run();
        assert!(doc.offer_tree(edits, &tree));
        assert_eq!(
            doc.tree().root_node().to_sexp(),
            fresh("FROM debian\nRUN ls hi\n").root_node().to_sexp()
        );
    }

    #[test]
    fn a_deferred_open_parses_in_a_job_even_after_edits() {
        let mut parser = tree::new_parser();
        let mut doc = Document::new_deferred("FROM alpine\nRUN echo hi\n", 1, &mut parser);
        assert!(!doc.tree_is_current());
        assert_eq!(doc.text(), "FROM alpine\nRUN echo hi\n");
        // Edits before the first parse (positions well past the empty tree) are fine.
        doc.apply_edits(
            &[change(1, 11, 1, 11, " there")],
            2,
            PositionEncoding::Utf16,
        );
        let job = doc.reparse_job().expect("the first parse is pending");
        assert!(job.old.is_none(), "the first parse starts from scratch");
        assert!(doc.finish_reparse(Some(job.run())));
        let fresh = tree::parse(&mut parser, "FROM alpine\nRUN echo hi there\n", None);
        assert_eq!(
            doc.tree().root_node().to_sexp(),
            fresh.root_node().to_sexp()
        );
        // From now on edits are incremental again.
        doc.apply_edits(&[change(0, 5, 0, 5, "x")], 3, PositionEncoding::Utf16);
        assert!(doc.reparse_job().expect("pending").old.is_some());
    }

    #[test]
    fn a_deferred_full_change_parses_from_scratch() {
        let mut parser = tree::new_parser();
        let mut doc = Document::new("# escape=\\\nFROM alpine\n", 1, &mut parser);
        let how = doc.apply_edits(&[change(0, 9, 0, 10, "`")], 2, PositionEncoding::Utf8);
        assert_eq!(how, Reparse::Full);
        // A later incremental batch does not cancel the pending full parse.
        let how = doc.apply_edits(&[change(1, 5, 1, 5, "x")], 3, PositionEncoding::Utf8);
        assert_eq!(how, Reparse::Incremental);
        let job = doc.reparse_job().expect("pending");
        assert!(job.old.is_none(), "starts from scratch");
        assert!(doc.finish_reparse(Some(job.run())));
        let fresh = tree::parse(&mut tree::new_parser(), &doc.text(), None);
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

//! The checks behind the `cargo fuzz` targets in `fuzz/` (one function per target), kept
//! in the library so the targets are three-line wrappers and `server/tests/fuzz_regressions.rs`
//! replays every committed crash input through exactly the same code.
//!
//! Each check panics (with what it saw) when an invariant breaks; libFuzzer reports a
//! panic, and also a panic that a rule's `catch_unwind` contains, as a crash.
//!
//! - [`analyze`]: any bytes (lossy UTF-8) through everything a keystroke and the
//!   editor's requests run: all rules on, their fixes, the build-cache model, semantic
//!   tokens, symbols, folding, selection, hovers, completion, navigation, code actions and
//!   formatting at positions derived from the input.
//! - [`incremental`] (target `incremental_edits`: Cargo forbids a binary named
//!   `incremental`): a text plus decoded edit operations applied through the real
//!   [`Document`] (both position encodings, raw out-of-range and reversed ranges, the
//!   server's deferred reparse paths) against a `String` model: same text, same tree as a
//!   fresh parse, same tokens, folds and diagnostics.
//! - [`fix_all`]: fix-all (safe and unsafe) keeps the syntax errors it found, its edits
//!   apply, and a second run leaves a converged result unchanged.

use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Once};

use tower_lsp_server::ls_types::{
    CodeActionContext, CodeActionParams, FormattingOptions, PartialResultParams, Position, Range,
    TextDocumentContentChangeEvent, TextDocumentIdentifier, Uri, WorkDoneProgressParams,
};
use tree_sitter::Tree;

use crate::config::Config;
use crate::ide::{self, Analysis};
use crate::lsp::code_actions;
use crate::lsp::document_store::{AnalysisSnapshot, Document};
use crate::lsp::position::PositionEncoding;
use crate::lsp::{completion, formatting, hover, navigation, to_proto, tokens};
use crate::rules::{all_rules, Level, Severity};
use crate::syntax::{self, tree};
use crate::text::{TextEdit, TextRange};

/// Panics seen since [`count_panics`] was first called, caught or not.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Installs (once) a panic hook that counts every panic, including those the rule driver
/// contains with `catch_unwind`, and returns the count so far. Regression tests compare
/// it before and after a check; libFuzzer's own hook aborts on any panic instead.
pub fn count_panics() -> usize {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
    PANICS.load(Ordering::SeqCst)
}

/// A configuration with every rule on (rules that are off by default run as hints).
pub fn all_rules_config() -> Config {
    let mut config = Config::default();
    for rule in all_rules() {
        let level = match rule.default_level {
            Level::On(s) => Level::On(s),
            Level::Off => Level::On(Severity::Hint),
        };
        config.rules.insert(rule.id.to_string(), level);
    }
    config
}

/// FNV-1a of the input: the source of the positions the requests are made at.
fn hash(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Byte offsets to ask at: the ends, the middle, and a few spread by the input's hash.
fn offsets(data: &[u8], len: usize) -> Vec<usize> {
    let mut h = hash(data);
    let mut out = vec![0, len / 2, len];
    for _ in 0..5 {
        out.push((h % (len as u64 + 2)) as usize);
        h = h.rotate_left(17).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    out
}

/// LSP positions for `offsets` in both encodings, plus positions no client should send
/// (past the last line, past a line's end, and the largest values).
fn positions(analysis: &Analysis, offsets: &[usize], encoding: PositionEncoding) -> Vec<Position> {
    let (index, text) = (analysis.line_index(), analysis.text());
    let mut out: Vec<Position> = offsets
        .iter()
        .map(|&o| {
            let o = o.min(text.len());
            let o = (0..=o)
                .rev()
                .find(|&o| text.is_char_boundary(o))
                .unwrap_or(0);
            crate::lsp::position::position_of(index, text, o, encoding)
        })
        .collect();
    let last = out.iter().map(|p| p.line).max().unwrap_or(0);
    out.push(Position::new(last + 1, 0));
    out.push(Position::new(0, 10_000));
    out.push(Position::new(u32::MAX, u32::MAX));
    out
}

/// Checks that edits meant for `text` are in range, on character boundaries and apply.
fn assert_edits_apply(text: &str, edits: &[TextEdit], what: &str) {
    if let Err(e) = crate::fix::apply(text, edits) {
        panic!("{what}: {e}; edits {edits:?}");
    }
}

/// Everything a keystroke and the editor's requests run on one document, on any bytes.
pub fn analyze(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let config = all_rules_config();
    let analysis = Arc::new(Analysis::new(text));
    let diagnostics = analysis.diagnostics(&config);
    for d in &diagnostics {
        assert!(
            d.range.end() <= text.len()
                && text.is_char_boundary(d.range.start())
                && text.is_char_boundary(d.range.end()),
            "{} reports {:?}, outside the text or inside a character",
            d.rule.id,
            d.range
        );
        for fix in &d.fixes {
            assert_edits_apply(
                text,
                &fix.edits,
                &format!("fix {:?} of {}", fix.title, d.rule.id),
            );
        }
    }

    // The build-cache model and what reads it.
    let cache = analysis.cache();
    let instructions = analysis.syntax().instructions.len();
    for i in 0..instructions {
        let _ = (cache.role(i), cache.rebuilt_by(i), cache.upstream(i));
        let _ = (
            cache.depends_on(i),
            cache.context_sources(i),
            cache.pitfalls(i),
        );
    }
    let _ = cache.needed_by_target();
    for s in 0..analysis.model().stages.len() {
        let _ = (
            cache.stage_uses(s),
            cache.stage_deps(s),
            cache.stage_steps(s),
        );
        let _ = ide::cache_explain::stage_lens(&analysis, s);
    }
    let _ = ide::code_lens::code_lenses(&analysis);
    let _ = ide::inlay_hints::inlay_hints(&analysis, TextRange::new(0, text.len()));
    let _ = ide::links::document_links(&analysis);
    let _ = ide::pin::pin_sites(&analysis);

    let mut parser = tree::new_parser();
    let tree = tree::parse(&mut parser, text, None);
    let uri = Uri::from_str("file:///fuzz/Dockerfile").expect("a valid URI");
    let snapshot = AnalysisSnapshot {
        version: 1,
        config_generation: 0,
        analysis: analysis.clone(),
        diagnostics: Arc::new(diagnostics.clone()),
        shellcheck: None,
    };
    // One encoding per input (the hash picks it), to keep an execution cheap.
    let wanted = offsets(data, text.len());
    let encoding = match hash(data) % 2 {
        0 => PositionEncoding::Utf16,
        _ => PositionEncoding::Utf8,
    };
    let _ = to_proto::diagnostics(&analysis, &diagnostics, encoding, 1);
    let mut cache = tokens::Cache::default();
    let _ = tokens::full(&mut cache, &uri, &analysis, &tree, encoding);
    let _ = tokens::folding_ranges(&analysis, &tree, Default::default(), encoding);
    let _ = navigation::document_symbols(&analysis, &uri, encoding, Default::default());
    let _ = navigation::document_links(&analysis, encoding);
    let at = positions(&analysis, &wanted, encoding);
    let _ = tokens::selection_ranges(&analysis, &tree, &at, encoding);
    let options = FormattingOptions {
        tab_size: 4,
        insert_spaces: true,
        ..Default::default()
    };
    let _ = formatting::format_document(&analysis, &options, &config, encoding);
    let req = code_actions::Request {
        uri: &uri,
        snapshot: &snapshot,
        config: &config,
        encoding,
        support: Default::default(),
    };
    let lsp_diagnostics = to_proto::diagnostics(&analysis, &diagnostics, encoding, 1);
    // Ranges: a cursor, a hashed pair (possibly reversed or past the end), the first half.
    let ranges = [
        (at[3], at[3]),
        (at[4], at[5]),
        (at[0], at[1]),
        (at[6], at[8]),
    ];
    for (start, end) in ranges {
        let range = Range::new(start, end);
        let _ = tokens::range(&analysis, &tree, range, encoding);
        let _ = formatting::format_range(&analysis, range, &options, &config, encoding);
        let params = CodeActionParams {
            text_document: TextDocumentIdentifier { uri: uri.clone() },
            range,
            context: CodeActionContext {
                diagnostics: lsp_diagnostics.clone(),
                ..Default::default()
            },
            work_done_progress_params: WorkDoneProgressParams::default(),
            partial_result_params: PartialResultParams::default(),
        };
        for action in code_actions::code_actions(&req, &params) {
            if let tower_lsp_server::ls_types::CodeActionOrCommand::CodeAction(a) = action {
                let _ = code_actions::resolve(&req, a);
            }
        }
    }
    for &p in &at {
        let offset = crate::lsp::position::offset_in(&analysis, p, encoding);
        assert!(offset <= text.len() && text.is_char_boundary(offset));
        let _ = hover::hover(&analysis, &diagnostics, &config, offset, encoding, true);
        let _ = completion::completion(&analysis, p, None, encoding, Default::default());
        let _ = completion::signature_help(&analysis, p, None, encoding, Default::default());
        let _ = navigation::definition(&analysis, &uri, p, encoding);
        let _ = navigation::references(&analysis, &uri, p, true, encoding);
        let _ = navigation::document_highlight(&analysis, p, encoding);
        let _ = navigation::prepare_rename(&analysis, p, encoding);
        let _ = navigation::rename(&analysis, &uri, p, "renamed_x", encoding);
        for ch in ["\n", "\\", "`"] {
            let _ = formatting::format_on_type(&analysis, p, ch, &options, &config, encoding);
        }
    }
    let format = ide::format::format_document(&analysis, Default::default());
    assert_edits_apply(text, &format, "format_document");
}

/// Pieces inserted by [`incremental`]'s edits: line continuations, CRLF and lone CR,
/// heredocs, escape directives, multibyte characters.
const FRAGMENTS: &[&str] = &[
    "\\\n",
    "\\\r\n",
    "\r\n",
    "\r",
    "\n",
    "\\",
    "`",
    "`\n",
    "<<EOF\n",
    "EOF\n",
    "<<-EOT ",
    "EOT\n",
    "RUN <<EOF\necho 😀\nEOF\n",
    "# escape=`\n",
    "# escape=\\\n",
    "# syntax=docker/dockerfile:1\n",
    "# check=skip=all\n",
    "# hadolint ignore=DL3008\n",
    "FROM alpine:3.20 AS base\n",
    "FROM ",
    "RUN ",
    "RUN apt-get install -y curl \\\n  && rm -rf /var/lib/apt/lists/*\n",
    "ENV A=1 B=\"x y\"\n",
    "ARG V=1\n",
    "COPY --from=base /a /b\n",
    "[\"sh\", \"-c\", \"é\"]",
    "${A:-x}",
    "$${",
    "é",
    "😀",
    "\u{feff}",
    " ",
    "\t",
    "x",
];

/// Reads the input's bytes one at a time; zero once they run out.
struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn next(&mut self) -> Option<u8> {
        let b = self.data.get(self.at).copied();
        self.at += 1;
        b
    }
    fn byte(&mut self) -> u8 {
        self.next().unwrap_or(0)
    }
}

/// The line table of the model text, computed from the bytes (independent of the rope
/// and of the core's line index): `(start, content end)` of each line; lines end at `\n`,
/// `\r\n` or a lone `\r`, and a text ending with a break has an empty last line.
fn model_lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                lines.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                lines.push((start, i));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    lines.push((start, bytes.len()));
    lines
}

/// The length of a line's content in the encoding's units.
fn units(s: &str, encoding: PositionEncoding) -> usize {
    match encoding {
        PositionEncoding::Utf8 => s.len(),
        PositionEncoding::Utf16 => s.encode_utf16().count(),
    }
}

/// The byte offset the server must read `pos` as (the documented clamping: a line past
/// the end is the end of the text, a column past a line's end is its end, a column inside
/// a character rounds down).
fn model_offset(
    text: &str,
    lines: &[(usize, usize)],
    pos: Position,
    encoding: PositionEncoding,
) -> usize {
    let Some(&(start, end)) = lines.get(pos.line as usize) else {
        return text.len();
    };
    let mut at = start;
    let mut col = 0usize;
    for c in text[start..end].chars() {
        let w = match encoding {
            PositionEncoding::Utf8 => c.len_utf8(),
            PositionEncoding::Utf16 => c.len_utf16(),
        };
        if col + w > pos.character as usize {
            break;
        }
        col += w;
        at += c.len_utf8();
    }
    at
}

/// Decodes a position: a line spread over the text (or past it), and a column within
/// the line, one or a few past its end, or huge.
fn decode_position(
    bytes: &mut Bytes<'_>,
    text: &str,
    lines: &[(usize, usize)],
    encoding: PositionEncoding,
) -> Position {
    let (l, c) = (bytes.byte(), bytes.byte());
    let n = lines.len();
    let line = match l {
        0xFF => u32::MAX,
        0xF0.. => (n + usize::from(l - 0xF0)) as u32,
        _ => (usize::from(l) * n / 0xF0).min(n - 1) as u32,
    };
    let len = lines
        .get(line as usize)
        .map_or(0, |&(s, e)| units(&text[s..e], encoding));
    let character = match c {
        0xFF => u32::MAX,
        0xE0.. => (len + usize::from(c - 0xE0) * 3) as u32,
        _ => (usize::from(c) % (len + 2)) as u32,
    };
    Position::new(line, character)
}

/// Text to insert: nothing, one or two fragments, or a few raw input bytes.
fn decode_insert(bytes: &mut Bytes<'_>) -> String {
    let t = bytes.byte();
    let frag = |b: u8| FRAGMENTS[usize::from(b) % FRAGMENTS.len()];
    match t % 4 {
        0 => String::new(),
        1 => frag(bytes.byte()).to_owned(),
        2 => format!("{}{}", frag(bytes.byte()), frag(bytes.byte())),
        _ => {
            let n = usize::from(bytes.byte() % 16);
            let raw: Vec<u8> = (0..n).filter_map(|_| bytes.next()).collect();
            String::from_utf8_lossy(&raw).into_owned()
        }
    }
}

/// Walks both trees in step and reports the first difference.
fn same_tree(incremental: &Tree, fresh: &Tree) -> Result<(), String> {
    let (a, b) = (incremental.root_node(), fresh.root_node());
    let mut stack = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        let describe = |n: tree_sitter::Node| {
            format!(
                "{} {:?} {:?}-{:?} missing={} error={}",
                n.kind(),
                n.byte_range(),
                n.start_position(),
                n.end_position(),
                n.is_missing(),
                n.is_error(),
            )
        };
        if describe(a) != describe(b) || a.child_count() != b.child_count() {
            return Err(format!(
                "nodes differ: incremental {} vs fresh {}\n incremental: {}\n fresh:       {}",
                describe(a),
                describe(b),
                incremental.root_node().to_sexp(),
                fresh.root_node().to_sexp(),
            ));
        }
        for i in 0..a.child_count() {
            stack.push((a.child(i).expect("in range"), b.child(i).expect("in range")));
        }
    }
    Ok(())
}

/// The tree-sitter point of `offset` computed from the bytes: rows count `\n` only.
fn model_point(text: &str, offset: usize) -> tree_sitter::Point {
    let before = &text.as_bytes()[..offset];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    tree_sitter::Point {
        row,
        column: offset - line_start,
    }
}

/// The most changes one input applies (keeps a run's time bounded on large seeds).
const MAX_CHANGES: usize = 96;
/// The most changes in one `didChange`.
const MAX_BATCH: usize = 8;

/// Compares the document's (current) tree with a fresh parse of `model`.
fn check_tree(doc: &Document, model: &str, when: &str) {
    assert!(doc.tree_is_current(), "{when}: the tree is not current");
    let fresh = tree::parse(&mut tree::new_parser(), model, None);
    if let Err(diff) = same_tree(doc.tree(), &fresh) {
        panic!("{when}, text {model:?}: {diff}");
    }
}

/// A seed text, then (after a NUL byte) edit operations; without a NUL the whole input
/// is both the text and the operations, so a raw Dockerfile is a useful seed.
///
/// Operations: the first byte picks the encoding (bit 0: UTF-8) and whether the
/// document opens with its parse deferred (bit 1, as the server opens documents). Then
/// each byte `k`: `k % 16` below 12 is a range change (a decoded start position, then an
/// end a few columns on, possibly reversed, or a second decoded position; the text to
/// insert), 12 and 13 a full-text replacement, 14 and 15 end the batch (one `didChange`)
/// and pick how the server reparses: now, through a background job finished after the
/// next batch (it must be refused), left pending, or through a request's parse.
pub fn incremental(data: &[u8]) {
    let (text_bytes, ops) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, data),
    };
    let initial = String::from_utf8_lossy(text_bytes).into_owned();
    let mut bytes = Bytes { data: ops, at: 0 };
    let flags = bytes.byte();
    let encoding = if flags & 1 == 1 {
        PositionEncoding::Utf8
    } else {
        PositionEncoding::Utf16
    };
    let mut parser = tree::new_parser();
    let mut doc = if flags & 2 == 2 {
        Document::new_deferred(&initial, 0, &mut parser)
    } else {
        Document::new(&initial, 0, &mut parser)
    };
    let mut model = initial;
    let mut version = 0;
    let mut changes: Vec<TextDocumentContentChangeEvent> = Vec::new();
    let mut held: Option<(u64, Tree)> = None;
    let mut total = 0;
    let mut log: Vec<String> = Vec::new();
    loop {
        let k = bytes.next();
        if let Some(k) = k {
            if k % 16 < 12 {
                let lines = model_lines(&model);
                let start = decode_position(&mut bytes, &model, &lines, encoding);
                let d = bytes.byte();
                let end = if d & 0x80 != 0 {
                    decode_position(&mut bytes, &model, &lines, encoding)
                } else {
                    Position::new(
                        start.line,
                        start.character.saturating_add(u32::from(d & 0x1f)),
                    )
                };
                let (start, end) = if d & 0x40 != 0 {
                    (end, start)
                } else {
                    (start, end)
                };
                let insert = decode_insert(&mut bytes);
                let a = model_offset(&model, &lines, start, encoding);
                let b = model_offset(&model, &lines, end, encoding);
                let (from, to) = (a.min(b), a.max(b));
                model.replace_range(from..to, &insert);
                log.push(format!("{start:?}..{end:?} ({from}..{to}) <- {insert:?}"));
                changes.push(TextDocumentContentChangeEvent {
                    range: Some(Range::new(start, end)),
                    range_length: None,
                    text: insert,
                });
                total += 1;
            } else if k % 16 < 14 {
                let t = bytes.byte();
                model = if t & 1 == 1 {
                    (0..t / 64)
                        .map(|_| FRAGMENTS[usize::from(bytes.byte()) % FRAGMENTS.len()])
                        .collect()
                } else {
                    let lines = model_lines(&model);
                    let at = decode_position(&mut bytes, &model, &lines, encoding);
                    let at = model_offset(&model, &lines, at, encoding);
                    let frag = FRAGMENTS[usize::from(bytes.byte()) % FRAGMENTS.len()];
                    format!("{}{frag}{}", &model[..at], &model[at..])
                };
                log.push(format!("full text <- {:?}", model));
                changes.push(TextDocumentContentChangeEvent {
                    range: None,
                    range_length: None,
                    text: model.clone(),
                });
                total += 1;
            }
        }
        let end_batch = match k {
            None => true,
            Some(k) => {
                matches!(k % 16, 14 | 15) || changes.len() >= MAX_BATCH || total >= MAX_CHANGES
            }
        };
        if end_batch && !changes.is_empty() {
            version += 1;
            doc.apply_edits(&changes, version, encoding);
            changes.clear();
            let mode = k.map_or(0, |k| k >> 6);
            log.push(format!(
                "-- didChange version {version}, then reparse mode {mode}"
            ));
            let when = || format!("after version {version}, changes {log:#?}");
            assert_eq!(doc.text(), model, "{}", when());
            assert_eq!(doc.version(), version);
            if let Some(done) = held.take() {
                assert!(
                    !doc.finish_reparse(Some(done)),
                    "{}: a stale tree was installed",
                    when()
                );
            }
            match mode {
                0 => {
                    doc.reparse(&mut parser);
                    check_tree(&doc, &model, &when());
                }
                1 => {
                    if let Some(job) = doc.reparse_job() {
                        assert!(doc.reparse_job().is_none(), "two jobs out at once");
                        held = Some(job.run());
                    }
                }
                2 => {}
                _ => {
                    if let Some(job) = doc.request_job() {
                        let (edits, tree) = job.run();
                        assert!(
                            doc.offer_tree(edits, &tree),
                            "{}: a current tree was refused",
                            when()
                        );
                        check_tree(&doc, &model, &when());
                    }
                }
            }
            // Tree-sitter points of the text's ends and of each line start.
            let len = model.len();
            for offset in model_lines(&model)
                .iter()
                .map(|l| l.0)
                .chain([0, len])
                .take(64)
            {
                assert_eq!(
                    doc.point_at(offset),
                    model_point(&model, offset),
                    "point of {offset}"
                );
            }
        }
        if k.is_none() || total >= MAX_CHANGES {
            break;
        }
    }
    if let Some(done) = held.take() {
        assert!(
            doc.finish_reparse(Some(done)),
            "an up-to-date tree was refused"
        );
    }
    if let Some(job) = doc.reparse_job() {
        assert!(doc.finish_reparse(Some(job.run())));
    }
    doc.reparse(&mut parser);
    assert_eq!(doc.text(), model, "at the end, changes {log:#?}");
    check_tree(&doc, &model, &format!("at the end, changes {log:#?}"));

    // What the tree feeds: semantic tokens and folding ranges, against a fresh parse.
    let fresh = tree::parse(&mut tree::new_parser(), &model, None);
    let analysis = Analysis::new(model.as_str());
    let uri = Uri::from_str("file:///fuzz/Dockerfile").expect("a valid URI");
    let from_doc = tokens::full(
        &mut Default::default(),
        &uri,
        &analysis,
        doc.tree(),
        encoding,
    );
    let from_fresh = tokens::full(&mut Default::default(), &uri, &analysis, &fresh, encoding);
    assert_eq!(from_doc.data, from_fresh.data, "semantic tokens differ");
    let folds = |t: &Tree| tokens::folding_ranges(&analysis, t, Default::default(), encoding);
    assert_eq!(folds(doc.tree()), folds(&fresh), "folding ranges differ");
    let config = Config::default();
    let from_store = Analysis::new(doc.text()).diagnostics(&config);
    assert_eq!(
        from_store,
        analysis.diagnostics(&config),
        "diagnostics differ"
    );
}

/// The count of each kind of syntax error of the core parser.
fn error_kinds(text: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for e in syntax::parse(text).errors {
        let kind = format!("{:?}", e.kind);
        match out.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, n)) => *n += 1,
            None => out.push((kind, 1)),
        }
    }
    out
}

/// Fix-all on any bytes: safe, then with unsafe fixes. Syntax errors are the core
/// parser's (what BuildKit rejects), counted per kind; the tree-sitter grammar is not the
/// judge: it rejects a line continuation inside a JSON string, which BuildKit accepts
/// and the exec-form fix writes when a shell-form command spans lines.
pub fn fix_all(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text: &str = &text;
    let config = all_rules_config();
    let before = error_kinds(text);
    for unsafe_fixes in [false, true] {
        let fixed = crate::fix::fix_all(text, &config, unsafe_fixes);
        let out = fixed.text.as_str();
        let what = format!(
            "fix-all (unsafe: {unsafe_fixes}) of {text:?} gave {out:?} ({:?})",
            fixed.applied
        );
        for (kind, n) in error_kinds(out) {
            let had = before
                .iter()
                .find(|(k, _)| *k == kind)
                .map_or(0, |(_, n)| *n);
            assert!(
                n <= had,
                "{what}: {n} syntax errors of kind {kind}, {had} before"
            );
        }
        // What an editor applies: the line edits between input and output.
        let edits = crate::fix::line_edits(text, out);
        assert_eq!(
            crate::fix::apply(text, &edits).as_deref(),
            Ok(out),
            "{what}: the line edits"
        );
        // A second run must not panic; on a converged result it changes nothing.
        let again = crate::fix::fix_all(out, &config, unsafe_fixes);
        if fixed.converged {
            assert_eq!(
                again.text, out,
                "{what}: a second run changed it ({:?})",
                again.applied
            );
        }
    }
}

//! Property test of the document store: random edit sequences applied through the
//! incremental path (both position encodings) give the same text as applying them to a
//! `String`, a tree identical to a fresh parse (S-expression, byte ranges and points of
//! every node), exact tree-sitter points for every offset, and the same diagnostics.
//!
//! Tree-sitter recomputes the points of re-lexed nodes itself, so a wrong `InputEdit`
//! point rarely shows in the tree; the points are therefore also checked directly.

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::lsp::document_store::Document;
use dockerfile_lsp::lsp::position::PositionEncoding;
use dockerfile_lsp::syntax::tree;
use dockerfile_lsp::text::{ColumnUnit, LineCol, LineIndex};
use proptest::prelude::*;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::Parser;

/// Pieces the generated texts and insertions are made of.
const FRAGMENTS: &[&str] = &[
    "é",
    "😀",
    "\r\n",
    "\r",
    "\n",
    "\\",
    "\\\n",
    "\\\r\n",
    "<<EOF\n",
    "EOF\n",
    "<<-EOT ",
    "EOT",
    "# escape=`\n",
    "# escape=\\\n",
    "`\n",
    "# syntax=docker/dockerfile:1\n",
    "# check=skip=all\n",
    "FROM alpine:3.20 AS base\n",
    "RUN echo hi \\\n  && ls\n",
    "RUN <<EOF\necho 😀\nEOF\n",
    "ENV A=1 B=2\n",
    "ENV X\n",
    "COPY --from=base /a /b\n",
    "[\"sh\", \"-c\", \"é\"]",
    "ARG V=1\n",
    " ",
    "x",
    "${A#x}",
    "# comment é\n",
    "FROM ",
    "\t",
];

fn fragment() -> impl Strategy<Value = String> {
    prop::sample::select(FRAGMENTS).prop_map(str::to_owned)
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..12).prop_map(|parts| parts.concat())
}

/// One change: where (a seed resolved against the text at that moment), how much to
/// delete, what to insert; or a full-text replacement.
#[derive(Clone, Debug)]
enum Op {
    Edit {
        at: usize,
        near_start: bool,
        delete: usize,
        insert: String,
    },
    Replace(String),
}

fn op() -> impl Strategy<Value = Op> {
    let insert = prop::collection::vec(fragment(), 0..3).prop_map(|p| p.concat());
    prop_oneof![
        12 => (any::<usize>(), any::<bool>(), 0usize..24, insert)
            .prop_map(|(at, near_start, delete, insert)| Op::Edit { at, near_start, delete, insert }),
        1 => text().prop_map(Op::Replace),
    ]
}

/// Resolves an op against `model` into an LSP change in `unit` and the byte range it
/// replaces, computed with the core's line index (independent of the rope).
fn resolve(
    model: &str,
    op: &Op,
    unit: ColumnUnit,
) -> (TextDocumentContentChangeEvent, Option<(usize, usize)>) {
    match op {
        Op::Replace(text) => (
            TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: text.clone(),
            },
            None,
        ),
        Op::Edit {
            at,
            near_start,
            delete,
            insert,
        } => {
            let index = LineIndex::new(model);
            let limit = if *near_start {
                model.len().min(24)
            } else {
                model.len()
            };
            let raw_start = at % (limit + 1);
            let raw_end = (raw_start + delete).min(model.len());
            // Snap to valid LSP positions (never inside a character or a CRLF pair).
            let start_lc = index.line_col(model, raw_start, unit);
            let start = index.offset(model, start_lc, unit);
            let end_lc = index.line_col(model, raw_end.max(start), unit);
            let end = index.offset(model, end_lc, unit).max(start);
            let end_lc = index.line_col(model, end, unit);
            let pos = |lc: LineCol| Position::new(lc.line, lc.col);
            (
                TextDocumentContentChangeEvent {
                    range: Some(Range::new(pos(start_lc), pos(end_lc))),
                    range_length: None,
                    text: insert.clone(),
                },
                Some((start, end)),
            )
        }
    }
}

/// Walks both trees in step and reports the first difference.
fn same_tree(incremental: &tree_sitter::Tree, fresh: &tree_sitter::Tree) -> Result<(), String> {
    let (a, b) = (incremental.root_node(), fresh.root_node());
    if a.to_sexp() != b.to_sexp() {
        return Err(format!(
            "S-expressions differ:\n incremental: {}\n fresh:       {}",
            a.to_sexp(),
            b.to_sexp()
        ));
    }
    let mut stack = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        let describe = |n: tree_sitter::Node| {
            format!(
                "{} {:?} {:?}-{:?} missing={}",
                n.kind(),
                n.byte_range(),
                n.start_position(),
                n.end_position(),
                n.is_missing()
            )
        };
        if describe(a) != describe(b) || a.child_count() != b.child_count() {
            return Err(format!(
                "nodes differ: incremental {} vs fresh {}",
                describe(a),
                describe(b)
            ));
        }
        for i in 0..a.child_count() {
            stack.push((a.child(i).unwrap(), b.child(i).unwrap()));
        }
    }
    Ok(())
}

/// The column unit of `encoding`, a parser, the document opened on `initial` (its first
/// parse left pending when `deferred`, as the server opens documents) and the model text
/// the changes are mirrored on.
fn start(
    initial: &str,
    encoding: PositionEncoding,
    deferred: bool,
) -> (ColumnUnit, Parser, Document, String) {
    let unit = match encoding {
        PositionEncoding::Utf8 => ColumnUnit::Utf8,
        PositionEncoding::Utf16 => ColumnUnit::Utf16,
    };
    let mut parser = tree::new_parser();
    let doc = if deferred {
        Document::new_deferred(initial, 0, &mut parser)
    } else {
        Document::new(initial, 0, &mut parser)
    };
    (unit, parser, doc, initial.to_owned())
}

/// The LSP changes of one batch, applied to `model` as it goes.
fn resolve_batch(
    model: &mut String,
    batch: &[Op],
    unit: ColumnUnit,
) -> Vec<TextDocumentContentChangeEvent> {
    let mut changes = Vec::new();
    for op in batch {
        let (change, range) = resolve(model, op, unit);
        *model = match range {
            None => change.text.clone(),
            Some((start, end)) => format!("{}{}{}", &model[..start], change.text, &model[end..]),
        };
        changes.push(change);
    }
    changes
}

fn check(
    initial: &str,
    batches: &[Vec<Op>],
    encoding: PositionEncoding,
) -> Result<(), TestCaseError> {
    let (unit, mut parser, mut doc, mut model) = start(initial, encoding, false);
    for (version, batch) in batches.iter().enumerate() {
        let changes = resolve_batch(&mut model, batch, unit);
        doc.apply_changes(&changes, version as i32 + 1, encoding, &mut parser);
        prop_assert_eq!(doc.text(), model.clone());
        for offset in (0..=model.len()).filter(|&o| model.is_char_boundary(o)) {
            let before = &model[..offset];
            let expected = tree_sitter::Point {
                row: before.matches('\n').count(),
                column: offset - before.rfind('\n').map_or(0, |i| i + 1),
            };
            prop_assert_eq!(
                doc.point_at(offset),
                expected,
                "point of {} in {:?}",
                offset,
                model
            );
        }
        let fresh = tree::parse(&mut tree::new_parser(), &model, None);
        if let Err(diff) = same_tree(doc.tree(), &fresh) {
            return Err(TestCaseError::fail(format!(
                "after batch {version} on {model:?}: {diff}"
            )));
        }
    }
    let config = Config::default();
    let from_store = Analysis::new(doc.text()).diagnostics(&config);
    let from_string = Analysis::new(model.as_str()).diagnostics(&config);
    prop_assert_eq!(from_store, from_string);
    Ok(())
}

/// The server's path: edits without parsing, reparse jobs run "elsewhere" and finished
/// late (after the next batch, when they must be refused) or on time, or reparsing at
/// once; at the end the tree equals a fresh parse. `modes[i]`: 0 reparse now, 1 take a
/// job and finish it after the next batch, 2 leave the reparse pending.
fn check_deferred(
    initial: &str,
    batches: &[Vec<Op>],
    modes: &[u8],
    encoding: PositionEncoding,
) -> Result<(), TestCaseError> {
    let (unit, mut parser, mut doc, mut model) = start(initial, encoding, true);
    let mut held = None;
    for (version, batch) in batches.iter().enumerate() {
        let changes = resolve_batch(&mut model, batch, unit);
        doc.apply_edits(&changes, version as i32 + 1, encoding);
        prop_assert_eq!(doc.text(), model.clone());
        if let Some(done) = held.take() {
            prop_assert!(
                !doc.finish_reparse(Some(done)),
                "a stale tree was installed"
            );
        }
        match modes.get(version).copied().unwrap_or(2) {
            0 => {
                doc.reparse(&mut parser);
                prop_assert!(doc.tree_is_current());
                let fresh = tree::parse(&mut tree::new_parser(), &model, None);
                if let Err(diff) = same_tree(doc.tree(), &fresh) {
                    return Err(TestCaseError::fail(format!(
                        "after batch {version} on {model:?}: {diff}"
                    )));
                }
            }
            1 => {
                if let Some(job) = doc.reparse_job() {
                    prop_assert!(doc.reparse_job().is_none(), "two jobs out at once");
                    held = Some(job.run());
                }
            }
            _ => {}
        }
    }
    if let Some(done) = held.take() {
        prop_assert!(
            doc.finish_reparse(Some(done)),
            "an up-to-date tree was refused"
        );
    }
    if let Some(job) = doc.reparse_job() {
        prop_assert!(doc.finish_reparse(Some(job.run())));
    }
    prop_assert!(doc.tree_is_current());
    let fresh = tree::parse(&mut tree::new_parser(), &model, None);
    if let Err(diff) = same_tree(doc.tree(), &fresh) {
        return Err(TestCaseError::fail(format!(
            "at the end on {model:?}: {diff}"
        )));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn incremental_store_matches_a_fresh_parse(
        initial in text(),
        batches in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..8),
    ) {
        check(&initial, &batches, PositionEncoding::Utf16)?;
        check(&initial, &batches, PositionEncoding::Utf8)?;
    }

    #[test]
    fn deferred_reparses_end_equal_to_a_fresh_parse(
        initial in text(),
        batches in prop::collection::vec(prop::collection::vec(op(), 1..4), 1..8),
        modes in prop::collection::vec(0u8..3, 8),
    ) {
        check_deferred(&initial, &batches, &modes, PositionEncoding::Utf16)?;
    }
}

#[test]
fn escape_directive_edits_on_line_one() {
    let batches = vec![
        vec![Op::Edit {
            at: 0,
            near_start: true,
            delete: 0,
            insert: "# escape=`\n".into(),
        }],
        vec![Op::Edit {
            at: 9,
            near_start: true,
            delete: 1,
            insert: "\\".into(),
        }],
        vec![Op::Edit {
            at: 0,
            near_start: true,
            delete: 11,
            insert: String::new(),
        }],
    ];
    for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
        check(
            "FROM alpine:3.20\nRUN echo a `\n  b \\\n  c\n",
            &batches,
            encoding,
        )
        .unwrap();
    }
}

//! Code actions on every corpus file: asked for every line that has a diagnostic, with
//! that line's published diagnostics in the context (as an editor asks), plus fix-all and
//! pin-all,
//! they never panic, every edit lies inside the document on character boundaries, and
//! each action's edits apply without overlapping; pin actions (resolved later, against a
//! registry) name this version and only image references of the text.

use std::str::FromStr;
use std::sync::Arc;

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::lsp::code_actions::{self, ClientSupport, Request};
use dockerfile_lsp::lsp::document_store::AnalysisSnapshot;
use dockerfile_lsp::lsp::pin::{self as pin_lsp, PinRequest};
use dockerfile_lsp::lsp::position::PositionEncoding;
use dockerfile_lsp::lsp::to_proto;
use dockerfile_lsp::text::{TextEdit, TextRange};
use tower_lsp_server::ls_types::{self as lsp, CodeActionOrCommand, Uri};

use super::common;

/// Byte offset of an LSP position, or `None` when it is past the text or inside a
/// character (an edit there would be a bug).
fn offset(analysis: &Analysis, p: lsp::Position) -> Option<usize> {
    let text = analysis.text();
    let index = analysis.line_index();
    if p.line as usize >= index.line_count() {
        return (p.line as usize == index.line_count() && p.character == 0).then_some(text.len());
    }
    let line = index.line_range(text, p.line as usize);
    let mut units = 0u32;
    for (i, ch) in text[line.range()].char_indices() {
        if units == p.character {
            return Some(line.start() + i);
        }
        units += ch.len_utf16() as u32;
        if units > p.character {
            return None;
        }
    }
    (units == p.character).then_some(line.end())
}

fn edits_of(edit: &lsp::WorkspaceEdit, uri: &Uri) -> Vec<lsp::TextEdit> {
    if let Some(changes) = &edit.changes {
        return changes.get(uri).cloned().unwrap_or_default();
    }
    match &edit.document_changes {
        Some(lsp::DocumentChanges::Edits(docs)) => docs
            .iter()
            .flat_map(|d| d.edits.iter())
            .map(|e| match e {
                lsp::OneOf::Left(e) => e.clone(),
                lsp::OneOf::Right(e) => e.text_edit.clone(),
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[test]
fn code_actions_on_every_corpus_file_apply_cleanly() {
    let Some(corpus_files) = common::files_or_skip(common::REQUIRE_CORPUS) else {
        return;
    };
    let uri = Uri::from_str("file:///corpus/Dockerfile").unwrap();
    let config = Config::default();
    let mut failures = Vec::new();
    let (mut files, mut actions_seen, mut pin_actions) = (0, 0, 0);
    for file in corpus_files {
        if file.folder() == "large" {
            continue;
        }
        files += 1;
        let text = common::read_lossy(&file.path);
        let analysis = Analysis::new(text.as_str());
        let diagnostics = analysis.diagnostics(&config);
        let published = to_proto::diagnostics(&analysis, &diagnostics, PositionEncoding::Utf16, 1);
        let snapshot = AnalysisSnapshot {
            version: 1,
            config_generation: 0,
            analysis: Arc::new(analysis),
            diagnostics: Arc::new(diagnostics),
            shellcheck: None,
        };
        let analysis = &*snapshot.analysis;
        let req = Request {
            uri: &uri,
            snapshot: &snapshot,
            config: &config,
            encoding: PositionEncoding::Utf16,
            support: ClientSupport::default(),
        };
        let mut lines: Vec<u32> = published.iter().map(|d| d.range.start.line).collect();
        lines.dedup();
        let mut requests: Vec<(
            lsp::Range,
            Vec<lsp::Diagnostic>,
            Option<Vec<lsp::CodeActionKind>>,
        )> = lines
            .iter()
            .map(|&l| {
                let range =
                    lsp::Range::new(lsp::Position::new(l, 0), lsp::Position::new(l, 10_000));
                let on_line = published
                    .iter()
                    .filter(|d| d.range.start.line <= l && l <= d.range.end.line)
                    .cloned()
                    .collect();
                (range, on_line, None)
            })
            .collect();
        let whole = lsp::Range::new(lsp::Position::new(0, 0), lsp::Position::new(u32::MAX, 0));
        requests.push((
            whole,
            Vec::new(),
            Some(vec![lsp::CodeActionKind::SOURCE_FIX_ALL]),
        ));
        requests.push((
            whole,
            Vec::new(),
            Some(vec![lsp::CodeActionKind::from(pin_lsp::PIN_ALL_KIND)]),
        ));
        for (range, diagnostics, only) in requests {
            let params = lsp::CodeActionParams {
                text_document: lsp::TextDocumentIdentifier { uri: uri.clone() },
                range,
                context: lsp::CodeActionContext {
                    diagnostics,
                    only,
                    trigger_kind: None,
                },
                work_done_progress_params: Default::default(),
                partial_result_params: Default::default(),
            };
            let got = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                code_actions::code_actions(&req, &params)
            }));
            let Ok(got) = got else {
                failures.push(format!(
                    "{}: code actions panicked for {range:?}",
                    file.name
                ));
                continue;
            };
            for action in got {
                let CodeActionOrCommand::CodeAction(action) = action else {
                    continue;
                };
                actions_seen += 1;
                let Some(edit) = &action.edit else {
                    // A pin action is resolved later (it asks the registry): its request
                    // must name this version and image references of this text.
                    let request = action
                        .data
                        .as_ref()
                        .or(action
                            .command
                            .as_ref()
                            .and_then(|c| c.arguments.as_ref()?.first()))
                        .and_then(PinRequest::from_json);
                    if let Some(request) = request {
                        pin_actions += 1;
                        let sites = pin_lsp::requested_sites(analysis, &request);
                        let named = sites.as_ref().map_or(0, Vec::len);
                        if request.version != snapshot.version || named != request.ranges.len() {
                            failures.push(format!(
                                "{}: {:?} names {} ranges, {named} of them image references (version {})",
                                file.name,
                                action.title,
                                request.ranges.len(),
                                request.version
                            ));
                        }
                    } else if action.disabled.is_none() {
                        failures.push(format!("{}: {:?} has no edit", file.name, action.title));
                    }
                    continue;
                };
                let mut edits = Vec::new();
                for e in edits_of(edit, &uri) {
                    match (
                        offset(analysis, e.range.start),
                        offset(analysis, e.range.end),
                    ) {
                        (Some(s), Some(t)) if s <= t => {
                            edits.push(TextEdit::replace(TextRange::new(s, t), e.new_text))
                        }
                        _ => failures.push(format!(
                            "{}: {:?} has an edit outside the text: {:?}",
                            file.name, action.title, e.range
                        )),
                    }
                }
                if let Err(e) = dockerfile_lsp::fix::apply(analysis.text(), &edits) {
                    failures.push(format!("{}: {:?}: {e}", file.name, action.title));
                }
            }
        }
    }
    eprintln!(
        "code actions: {actions_seen} actions on {files} files checked ({pin_actions} pin actions)"
    );
    assert!(pin_actions > 500, "only {pin_actions} pin actions");
    assert!(files > 900, "only {files} corpus files");
    assert!(actions_seen > 10_000, "only {actions_seen} code actions");
    assert!(
        failures.is_empty(),
        "{} problems, first 20:\n{}",
        failures.len(),
        failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

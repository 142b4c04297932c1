//! Code actions as pure functions of a snapshot: quick fixes from `data`, stale versions,
//! suppressions, fix-all with and without late resolution, file creation.

use std::str::FromStr;
use std::sync::Arc;

use super::*;
use crate::text::apply_edits;

fn snapshot(text: &str, version: i32) -> AnalysisSnapshot {
    let analysis = Analysis::new(text);
    let diagnostics = analysis.diagnostics(&Config::default());
    AnalysisSnapshot {
        version,
        config_generation: 0,
        analysis: Arc::new(analysis),
        diagnostics: Arc::new(diagnostics),
        shellcheck: None,
    }
}

fn uri() -> Uri {
    Uri::from_str("file:///w/Dockerfile").unwrap()
}

/// Runs a code-action request over `range` with every published diagnostic that touches
/// it in the context, as an editor does.
fn actions(
    snap: &AnalysisSnapshot,
    range: lsp::Range,
    only: Option<Vec<CodeActionKind>>,
    support: ClientSupport,
) -> Vec<CodeAction> {
    let uri = uri();
    let config = Config::default();
    let published = to_proto::diagnostics(
        &snap.analysis,
        &snap.diagnostics,
        PositionEncoding::Utf16,
        snap.version,
    );
    let in_range: Vec<_> = published
        .into_iter()
        .filter(|d| d.range.start <= range.end && range.start <= d.range.end)
        .collect();
    let params = CodeActionParams {
        text_document: lsp::TextDocumentIdentifier { uri: uri.clone() },
        range,
        context: lsp::CodeActionContext {
            diagnostics: in_range,
            only,
            trigger_kind: None,
        },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    let req = Request {
        uri: &uri,
        snapshot: snap,
        config: &config,
        encoding: PositionEncoding::Utf16,
        support,
    };
    code_actions(&req, &params)
        .into_iter()
        .map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => a,
            CodeActionOrCommand::Command(c) => panic!("unexpected command {c:?}"),
        })
        .collect()
}

/// The text after applying `action`'s edit.
fn applied(snap: &AnalysisSnapshot, action: &CodeAction) -> String {
    let edit = action.edit.as_ref().expect("the action has an edit");
    let lsp_edits: Vec<lsp::TextEdit> = match (&edit.changes, &edit.document_changes) {
        (Some(changes), _) => changes[&uri()].clone(),
        (_, Some(lsp::DocumentChanges::Edits(docs))) => {
            assert_eq!(docs[0].text_document.version, Some(snap.version));
            docs[0]
                .edits
                .iter()
                .map(|e| match e {
                    lsp::OneOf::Left(e) => e.clone(),
                    lsp::OneOf::Right(e) => e.text_edit.clone(),
                })
                .collect()
        }
        _ => panic!("no edits"),
    };
    let edits: Vec<TextEdit> = lsp_edits
        .iter()
        .map(|e| {
            TextEdit::replace(
                crate::lsp::position::range_in(&snap.analysis, e.range, PositionEncoding::Utf16),
                e.new_text.clone(),
            )
        })
        .collect();
    apply_edits(snap.analysis.text(), &edits)
}

fn line(n: u32) -> lsp::Range {
    lsp::Range::new(lsp::Position::new(n, 0), lsp::Position::new(n, 200))
}

fn titled<'a>(actions: &'a [CodeAction], title: &str) -> &'a CodeAction {
    actions
        .iter()
        .find(|a| a.title == title)
        .unwrap_or_else(|| {
            panic!(
                "no action {title:?} in {:?}",
                actions.iter().map(|a| &a.title).collect::<Vec<_>>()
            )
        })
}

#[test]
fn quick_fix_comes_from_the_diagnostic_data_and_safe_ones_are_preferred() {
    let snap = snapshot("FROM alpine:3.19\nRUN apk add curl\n", 3);
    let got = actions(&snap, line(1), None, ClientSupport::default());
    let fix = got
        .iter()
        .find(|a| a.title.contains("--no-cache"))
        .expect("the apk-no-cache fix is offered");
    assert_eq!(fix.kind, Some(CodeActionKind::QUICKFIX));
    assert_eq!(fix.is_preferred, Some(true));
    assert_eq!(
        fix.diagnostics.as_ref().unwrap()[0].code,
        Some(lsp::NumberOrString::String("apk-no-cache".into()))
    );
    assert_eq!(
        applied(&snap, fix),
        "FROM alpine:3.19\nRUN apk add --no-cache curl\n"
    );
    // Preferred fixes come first.
    assert_eq!(got[0].is_preferred, Some(true));
}

#[test]
fn fixes_for_another_version_are_not_offered() {
    let snap = snapshot("FROM alpine:3.19\nRUN apk add curl\n", 3);
    let uri = uri();
    let config = Config::default();
    let mut published = to_proto::diagnostics(
        &snap.analysis,
        &snap.diagnostics,
        PositionEncoding::Utf16,
        2,
    );
    published.retain(|d| d.code == Some(lsp::NumberOrString::String("apk-no-cache".into())));
    let params = CodeActionParams {
        text_document: lsp::TextDocumentIdentifier { uri: uri.clone() },
        range: line(1),
        context: lsp::CodeActionContext {
            diagnostics: published,
            only: None,
            trigger_kind: None,
        },
        work_done_progress_params: Default::default(),
        partial_result_params: Default::default(),
    };
    let req = Request {
        uri: &uri,
        snapshot: &snap,
        config: &config,
        encoding: PositionEncoding::Utf16,
        support: ClientSupport::default(),
    };
    let titles: Vec<String> = code_actions(&req, &params)
        .into_iter()
        .filter_map(|a| match a {
            CodeActionOrCommand::CodeAction(a) => Some(a.title),
            _ => None,
        })
        .collect();
    assert!(
        !titles.iter().any(|t| t.contains("--no-cache")),
        "{titles:?}"
    );
    // Suppressions are computed from the current text and stay available.
    assert!(
        titles.contains(&"Ignore `apk-no-cache` for this instruction".to_owned()),
        "{titles:?}"
    );
}

#[test]
fn ignore_for_this_instruction_inserts_or_extends_a_comment() {
    let snap = snapshot("FROM alpine:3.19\n  RUN apk add curl\n", 1);
    let got = actions(&snap, line(1), None, ClientSupport::default());
    let ignore = titled(&got, "Ignore `apk-no-cache` for this instruction");
    let once = applied(&snap, ignore);
    assert_eq!(
        once,
        "FROM alpine:3.19\n  # dockerfile-lsp ignore=apk-no-cache\n  RUN apk add curl\n"
    );
    // The comment works: the finding is gone, others remain, and their suppression
    // extends the same comment.
    let snap2 = snapshot(&once, 2);
    assert!(!snap2
        .diagnostics
        .iter()
        .any(|d| d.rule.id == "apk-no-cache"));
    // pin-os-package-versions still fires on `curl`: its suppression extends the comment.
    assert!(snap2
        .diagnostics
        .iter()
        .any(|d| d.rule.id == "pin-os-package-versions"));
    let got2 = actions(&snap2, line(2), None, ClientSupport::default());
    let twice = applied(
        &snap2,
        titled(
            &got2,
            "Ignore `pin-os-package-versions` for this instruction",
        ),
    );
    assert_eq!(
        twice,
        "FROM alpine:3.19\n  # dockerfile-lsp ignore=apk-no-cache,pin-os-package-versions\n  RUN apk add curl\n"
    );
    assert!(!snapshot(&twice, 3)
        .diagnostics
        .iter()
        .any(|d| d.rule.id == "pin-os-package-versions"));
}

#[test]
fn ignore_in_this_file_goes_after_the_parser_directives() {
    let text =
        "# syntax=docker/dockerfile:1\r\n# escape=\\\r\nFROM alpine:3.19\r\nRUN apk add curl\r\n";
    let snap = snapshot(text, 1);
    let got = actions(&snap, line(3), None, ClientSupport::default());
    let once = applied(&snap, titled(&got, "Ignore `apk-no-cache` in this file"));
    assert_eq!(
        once,
        "# syntax=docker/dockerfile:1\r\n# escape=\\\r\n# dockerfile-lsp global ignore=apk-no-cache\r\nFROM alpine:3.19\r\nRUN apk add curl\r\n"
    );
    let snap2 = snapshot(&once, 2);
    assert!(!snap2
        .diagnostics
        .iter()
        .any(|d| d.rule.id == "apk-no-cache"));
    assert!(
        snap2.analysis.syntax().directives.len() == 2,
        "the directives still count"
    );
}

#[test]
fn shellcheck_findings_are_ignored_by_their_sc_code() {
    let analysis = Analysis::new("FROM a\nRUN echo $x\n");
    let edit = ignore_for_instruction(&analysis, 10, "SC2086").unwrap();
    assert_eq!(
        apply_edits(analysis.text(), &[edit]),
        "FROM a\n# dockerfile-lsp ignore=SC2086\nRUN echo $x\n"
    );
    // Not on an instruction: no instruction-level suppression.
    let analysis = Analysis::new("# a comment\nFROM a\n");
    assert!(ignore_for_instruction(&analysis, 3, "x").is_none());
}

#[test]
fn fix_all_is_a_source_action_only_when_asked() {
    let snap = snapshot("from alpine:3.19\nrun apk add curl\n", 5);
    let unasked = actions(&snap, line(0), None, ClientSupport::default());
    assert!(!unasked
        .iter()
        .any(|a| a.kind == Some(CodeActionKind::from(FIX_ALL_KIND))));
    let support = ClientSupport {
        document_changes: true,
        ..ClientSupport::default()
    };
    let asked = actions(
        &snap,
        line(0),
        Some(vec![CodeActionKind::SOURCE_FIX_ALL]),
        support,
    );
    assert_eq!(asked.len(), 1, "{asked:?}");
    let fixed = applied(&snap, &asked[0]);
    assert_eq!(
        fixed,
        fix::fix_all(snap.analysis.text(), &Config::default(), false).text
    );
    assert!(fixed.contains("run apk add --no-cache curl"), "{fixed}");
    // With late resolution the edit comes from resolve, for this version only.
    let lazy = ClientSupport {
        resolve_edit: true,
        ..ClientSupport::default()
    };
    let offered = actions(
        &snap,
        line(0),
        Some(vec![CodeActionKind::from(FIX_ALL_KIND)]),
        lazy,
    );
    assert!(offered[0].edit.is_none());
    let uri = uri();
    let config = Config::default();
    let req = Request {
        uri: &uri,
        snapshot: &snap,
        config: &config,
        encoding: PositionEncoding::Utf16,
        support: lazy,
    };
    let resolved = resolve(&req, offered[0].clone()).unwrap();
    assert_eq!(applied(&snap, &resolved), fixed);
    let newer = snapshot(snap.analysis.text(), 6);
    let req = Request {
        snapshot: &newer,
        ..req
    };
    assert!(resolve(&req, offered[0].clone()).is_none());
    // Nothing to fix: no fix-all, only the other source action (pinning the image).
    let clean = snapshot("# syntax=docker/dockerfile:1\nFROM alpine:3.19\n", 1);
    let kinds: Vec<String> = actions(&clean, line(0), Some(vec![CodeActionKind::SOURCE]), support)
        .into_iter()
        .filter_map(|a| a.kind.map(|k| k.as_str().to_owned()))
        .collect();
    assert_eq!(kinds, [crate::lsp::pin::PIN_ALL_KIND]);
}

#[test]
fn only_filters_by_kind_prefix() {
    assert!(wanted(None, "quickfix"));
    assert!(!wanted(None, FIX_ALL_KIND));
    let source = [CodeActionKind::SOURCE];
    assert!(wanted(Some(&source), FIX_ALL_KIND));
    assert!(!wanted(Some(&source), "quickfix"));
    let refactor = [CodeActionKind::REFACTOR];
    assert!(wanted(Some(&refactor), "refactor.rewrite"));
    assert!(!wanted(
        Some(&[CodeActionKind::from("source.fix")]),
        FIX_ALL_KIND
    ));
}

#[test]
fn a_missing_dockerignore_is_created_next_to_the_dockerfile() {
    let text = "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
    let snap = snapshot(text, 1);
    let uri = uri();
    let config = Config::default();
    let d = lsp::Diagnostic {
        range: line(2),
        code: Some(lsp::NumberOrString::String("dockerignore-missing".into())),
        source: Some(to_proto::SOURCE.into()),
        message: "m".into(),
        ..lsp::Diagnostic::default()
    };
    let run = |support| {
        let req = Request {
            uri: &uri,
            snapshot: &snap,
            config: &config,
            encoding: PositionEncoding::Utf16,
            support,
        };
        let params = CodeActionParams {
            text_document: lsp::TextDocumentIdentifier { uri: uri.clone() },
            range: line(2),
            context: lsp::CodeActionContext {
                diagnostics: vec![d.clone()],
                only: None,
                trigger_kind: None,
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        };
        code_actions(&req, &params)
            .into_iter()
            .find_map(|a| match a {
                CodeActionOrCommand::CodeAction(a) if a.title.contains(".dockerignore") => Some(a),
                _ => None,
            })
    };
    assert!(
        run(ClientSupport::default()).is_none(),
        "not without resource operations"
    );
    let action = run(ClientSupport {
        create_files: true,
        ..ClientSupport::default()
    })
    .expect("offered");
    let Some(lsp::DocumentChanges::Operations(ops)) = action.edit.unwrap().document_changes else {
        panic!("expected operations");
    };
    match &ops[0] {
        lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(c)) => {
            assert_eq!(c.uri.as_str(), "file:///w/.dockerignore");
            assert_eq!(c.options.as_ref().unwrap().overwrite, Some(false));
        }
        other => panic!("{other:?}"),
    }
    match &ops[1] {
        lsp::DocumentChangeOperation::Edit(e) => {
            let lsp::OneOf::Left(edit) = &e.edits[0] else {
                panic!("a plain edit")
            };
            assert!(edit.new_text.contains("\n.git\n"), "{}", edit.new_text);
            assert!(
                edit.new_text.contains("**/node_modules\n"),
                "{}",
                edit.new_text
            );
            assert!(!edit.new_text.contains("target"), "{}", edit.new_text);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn exec_form_is_a_refactor_on_any_shell_form_instruction() {
    let snap = snapshot(
        "FROM alpine:3.19\nRUN apk add --no-cache curl=8.5.0-r0\n",
        1,
    );
    let got = actions(
        &snap,
        line(1),
        Some(vec![CodeActionKind::REFACTOR]),
        ClientSupport::default(),
    );
    let convert = titled(&got, "Convert to exec form");
    assert_eq!(convert.kind, Some(CodeActionKind::REFACTOR_REWRITE));
    assert_eq!(
        applied(&snap, convert),
        "FROM alpine:3.19\nRUN [\"apk\", \"add\", \"--no-cache\", \"curl=8.5.0-r0\"]\n"
    );
    // Already exec form, or not an instruction that runs a command: nothing.
    let exec = snapshot("FROM alpine:3.19\nRUN [\"true\"]\nWORKDIR /x\n", 1);
    assert!(actions(
        &exec,
        line(1),
        Some(vec![CodeActionKind::REFACTOR]),
        ClientSupport::default()
    )
    .is_empty());
    assert!(actions(
        &exec,
        line(2),
        Some(vec![CodeActionKind::REFACTOR]),
        ClientSupport::default()
    )
    .is_empty());
    // When the quick fix of json-args-recommended offers it, the refactor is not repeated.
    let cmd = snapshot("FROM alpine:3.19\nCMD node server.js\n", 1);
    let got = actions(&cmd, line(1), None, ClientSupport::default());
    let converts = got
        .iter()
        .filter(|a| a.title == "Convert to exec form")
        .count();
    assert_eq!(
        converts,
        1,
        "{:?}",
        got.iter().map(|a| &a.title).collect::<Vec<_>>()
    );
}

#[test]
fn a_selection_of_adjacent_runs_can_be_merged() {
    let text =
        "FROM alpine:3.19\nRUN echo one\n# two\nRUN echo two\nRUN echo three\nCMD [\"sh\"]\n";
    let snap = snapshot(text, 1);
    let selection = lsp::Range::new(lsp::Position::new(1, 4), lsp::Position::new(4, 2));
    let got = actions(
        &snap,
        selection,
        Some(vec![CodeActionKind::REFACTOR_REWRITE]),
        ClientSupport::default(),
    );
    let merge = got
        .iter()
        .find(|a| a.title.starts_with("Merge"))
        .unwrap_or_else(|| panic!("{:?}", got.iter().map(|a| &a.title).collect::<Vec<_>>()));
    assert_eq!(merge.kind, Some(CodeActionKind::REFACTOR_REWRITE));
    let merged = applied(&snap, merge);
    assert_eq!(
        merged,
        "FROM alpine:3.19\nRUN echo one && \\\n    # two\n    echo two && \\\n    echo three\nCMD [\"sh\"]\n"
    );
    assert_eq!(snapshot(&merged, 2).analysis.syntax().instructions.len(), 3);
    // A selection that includes something else than RUNs: no merge.
    let wider = lsp::Range::new(lsp::Position::new(0, 0), lsp::Position::new(3, 2));
    let got = actions(
        &snap,
        wider,
        Some(vec![CodeActionKind::REFACTOR_REWRITE]),
        ClientSupport::default(),
    );
    assert!(!got.iter().any(|a| a.title.starts_with("Merge")));
    // Refused merges are shown disabled with the reason, where the client can show them.
    let refused = snapshot(
        "FROM alpine:3.19\nRUN --network=none echo a\nRUN echo b\n",
        1,
    );
    let two = lsp::Range::new(lsp::Position::new(1, 0), lsp::Position::new(2, 3));
    let support = ClientSupport {
        disabled: true,
        ..ClientSupport::default()
    };
    let got = actions(
        &refused,
        two,
        Some(vec![CodeActionKind::REFACTOR_REWRITE]),
        support,
    );
    let disabled = got
        .iter()
        .find(|a| a.title.starts_with("Merge"))
        .expect("shown disabled");
    assert!(disabled.edit.is_none());
    assert!(
        disabled
            .disabled
            .as_ref()
            .unwrap()
            .reason
            .contains("--network=none"),
        "{disabled:?}"
    );
    let got = actions(
        &refused,
        two,
        Some(vec![CodeActionKind::REFACTOR_REWRITE]),
        ClientSupport::default(),
    );
    assert!(!got.iter().any(|a| a.title.starts_with("Merge")));
}

//! `textDocument/codeAction` and `codeAction/resolve`: quick fixes read from the
//! diagnostics' `data` (the rules are not run again), suppression comments for every
//! diagnostic, refactors at the cursor or selection, and fix-all.
//!
//! Everything here is a pure function of one [`AnalysisSnapshot`] and the request, so
//! it is tested without a client; the server calls it on the blocking pool.

use serde_json::{json, Value};
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionDisabled, CodeActionKind, CodeActionOrCommand,
    CodeActionParams, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, Uri,
    WorkspaceEdit,
};

use super::document_store::AnalysisSnapshot;
use super::pin;
use super::position::{self, PositionEncoding};
use super::to_proto;
use crate::config::Config;
use crate::fix;
use crate::ide::Analysis;
use crate::rules::Fix;
use crate::syntax::Kind;
use crate::text::line_break;
use crate::text::{TextEdit, TextRange};

/// The kind of our fix-all action; editors run it on save when asked to
/// (`"editor.codeActionsOnSave": {"source.fixAll.dockerfile-lsp": "explicit"}`).
pub const FIX_ALL_KIND: &str = "source.fixAll.dockerfile-lsp";

/// What the client can take, from its `initialize` capabilities.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// `workspace.workspaceEdit.documentChanges`: edits carry the document version.
    pub document_changes: bool,
    /// `codeAction.resolveSupport` names `edit`: expensive edits may be computed late.
    pub resolve_edit: bool,
    /// `codeAction.disabledSupport`: actions that cannot apply are shown with a reason.
    pub disabled: bool,
    /// `workspace.workspaceEdit.resourceOperations` has `create`: edits may create files.
    pub create_files: bool,
}

impl ClientSupport {
    pub fn from_capabilities(caps: &lsp::ClientCapabilities) -> ClientSupport {
        let code_action = caps
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref());
        ClientSupport {
            document_changes: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            resolve_edit: code_action
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
            disabled: code_action
                .and_then(|c| c.disabled_support)
                .unwrap_or(false),
            create_files: caps
                .workspace
                .as_ref()
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&lsp::ResourceOperationKind::Create)),
        }
    }
}

/// One code-action request against the snapshot of the document's current version.
pub struct Request<'a> {
    pub uri: &'a Uri,
    pub snapshot: &'a AnalysisSnapshot,
    pub config: &'a Config,
    pub encoding: PositionEncoding,
    pub support: ClientSupport,
}

/// The kinds we offer, for the server capabilities.
pub fn kinds() -> Vec<CodeActionKind> {
    vec![
        CodeActionKind::QUICKFIX,
        CodeActionKind::REFACTOR_REWRITE,
        CodeActionKind::SOURCE_FIX_ALL,
        CodeActionKind::from(FIX_ALL_KIND),
        CodeActionKind::from(pin::PIN_ALL_KIND),
    ]
}

/// True when the client's `only` filter admits `kind` (`only: ["source"]` admits
/// `source.fixAll.dockerfile-lsp`). Source actions are never offered unasked.
fn wanted(only: Option<&[CodeActionKind]>, kind: &str) -> bool {
    match only {
        None => !kind.starts_with("source"),
        Some(only) => only.iter().any(|o| {
            let o = o.as_str();
            kind == o || (kind.starts_with(o) && kind[o.len()..].starts_with('.'))
        }),
    }
}

/// The code actions for `params`, in the order an editor shows them: quick fixes
/// (preferred first), suppressions, refactors, fix-all.
pub fn code_actions(req: &Request<'_>, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
    let only = params.context.only.as_deref();
    let analysis = &*req.snapshot.analysis;
    let mut fixes = Vec::new();
    let mut suppressions: Vec<CodeAction> = Vec::new();
    if wanted(only, CodeActionKind::QUICKFIX.as_str()) {
        for diagnostic in &params.context.diagnostics {
            if diagnostic.source.as_deref() != Some(to_proto::SOURCE) {
                continue;
            }
            fixes.extend(quick_fixes(req, diagnostic));
            fixes.extend(create_dockerignore(req, diagnostic));
            for action in suppression_actions(req, diagnostic) {
                if !suppressions.iter().any(|a| a.title == action.title) {
                    suppressions.push(action);
                }
            }
        }
    }
    // Preferred fixes first, so that "apply the preferred fix" picks a safe one.
    fixes.sort_by_key(|a| a.is_preferred != Some(true));
    let mut out: Vec<CodeActionOrCommand> = fixes
        .into_iter()
        .chain(suppressions)
        .map(CodeActionOrCommand::CodeAction)
        .collect();
    if wanted(only, CodeActionKind::REFACTOR_REWRITE.as_str()) {
        let range = position::range_in(analysis, params.range, req.encoding);
        // A refactor that a quick fix in this answer already offers is not repeated.
        let offered: Vec<String> = out
            .iter()
            .filter_map(|a| match a {
                CodeActionOrCommand::CodeAction(a) => Some(a.title.clone()),
                CodeActionOrCommand::Command(_) => None,
            })
            .collect();
        out.extend(
            refactors(req, range)
                .into_iter()
                .filter(|a| !offered.contains(&a.title))
                .map(CodeActionOrCommand::CodeAction),
        );
        out.extend(
            pin::actions_in_range(&pin_listing(req), range)
                .into_iter()
                .map(CodeActionOrCommand::CodeAction),
        );
    }
    if wanted(only, pin::PIN_ALL_KIND) {
        if let Some(action) = pin::pin_all_action(&pin_listing(req)) {
            out.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    if wanted(only, FIX_ALL_KIND) {
        if let Some(action) = fix_all_action(req) {
            out.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    out
}

fn pin_listing<'a>(req: &Request<'a>) -> pin::Listing<'a> {
    pin::Listing {
        uri: req.uri,
        version: req.snapshot.version,
        analysis: &req.snapshot.analysis,
        facts: &req.config.image_facts,
        support: req.support,
    }
}

/// The fixes a diagnostic carries in `data`, unless they were computed for another
/// version of the document than the one now open.
fn quick_fixes(req: &Request<'_>, diagnostic: &lsp::Diagnostic) -> Vec<CodeAction> {
    let Some(data) = &diagnostic.data else {
        return Vec::new();
    };
    if data.get("version").and_then(Value::as_i64) != Some(i64::from(req.snapshot.version)) {
        return Vec::new();
    }
    let Some(fixes) = data.get("fixes").and_then(Value::as_array) else {
        return Vec::new();
    };
    let preferred = fixes.iter().position(|f| f["applicability"] == "safe");
    fixes
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let title = f.get("title")?.as_str()?.to_owned();
            let edits: Vec<lsp::TextEdit> = serde_json::from_value(f.get("edits")?.clone()).ok()?;
            Some(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(workspace_edit(req, edits)),
                is_preferred: Some(preferred == Some(i)),
                ..CodeAction::default()
            })
        })
        .collect()
}

/// For `dockerignore-missing`: create a starter `.dockerignore` next to the Dockerfile
/// (a new file, so an editor action rather than a fix of the Dockerfile). Offered when the
/// client can create files and the document is a file.
fn create_dockerignore(req: &Request<'_>, diagnostic: &lsp::Diagnostic) -> Option<CodeAction> {
    if !req.support.create_files
        || diagnostic.code != Some(lsp::NumberOrString::String("dockerignore-missing".into()))
    {
        return None;
    }
    let path = req.uri.to_file_path()?;
    let target = path.parent()?.join(".dockerignore");
    let uri = Uri::from_file_path(&target)?;
    let content = dockerignore_template(req.snapshot.analysis.text());
    Some(CodeAction {
        title: "Create a `.dockerignore` next to the Dockerfile".to_owned(),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Operations(vec![
                lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Create(lsp::CreateFile {
                    uri: uri.clone(),
                    options: Some(lsp::CreateFileOptions {
                        overwrite: Some(false),
                        ignore_if_exists: Some(true),
                    }),
                    annotation_id: None,
                })),
                lsp::DocumentChangeOperation::Edit(TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                    edits: vec![lsp::OneOf::Left(lsp::TextEdit::new(
                        lsp::Range::default(),
                        content,
                    ))],
                }),
            ])),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(false),
        ..CodeAction::default()
    })
}

/// A starter `.dockerignore`: what never belongs in a build context, plus the build
/// output of the toolchains the Dockerfile's RUN instructions mention.
pub fn dockerignore_template(dockerfile: &str) -> String {
    let mut out = String::from(
        "# What `docker build` must not send: history, local secrets, logs.\n.git\n.env\n.env.*\n**/*.log\n",
    );
    let runs = dockerfile.to_ascii_lowercase();
    let toolchains: [(&[&str], &str); 4] = [
        (
            &["npm ", "yarn", "pnpm"],
            "# Installed inside the image instead.\n**/node_modules\n",
        ),
        (
            &["pip ", "pip3 ", "poetry", "uv "],
            "# Python caches and local environments.\n**/__pycache__\n**/*.pyc\n.venv\n",
        ),
        (&["cargo "], "# Rust build output.\ntarget\n"),
        (&["go build", "go mod"], "# Go build output.\nbin\n"),
    ];
    for (words, lines) in toolchains {
        if words.iter().any(|w| runs.contains(w)) {
            out.push_str(lines);
        }
    }
    out
}

/// "Ignore `<rule>` for this instruction" and "… in this file".
fn suppression_actions(req: &Request<'_>, diagnostic: &lsp::Diagnostic) -> Vec<CodeAction> {
    let Some(lsp::NumberOrString::String(code)) = &diagnostic.code else {
        return Vec::new();
    };
    let id = if code == crate::shellcheck::rule().id {
        match crate::shellcheck::code_of_message(&diagnostic.message) {
            Some(n) => format!("SC{n}"),
            None => return Vec::new(),
        }
    } else {
        code.clone()
    };
    let analysis = &*req.snapshot.analysis;
    let at = position::range_in(analysis, diagnostic.range, req.encoding).start();
    let mut out = Vec::new();
    if let Some(edit) = ignore_for_instruction(analysis, at, &id) {
        out.push(suppression(
            req,
            diagnostic,
            format!("Ignore `{id}` for this instruction"),
            edit,
        ));
    }
    out.push(suppression(
        req,
        diagnostic,
        format!("Ignore `{id}` in this file"),
        ignore_for_file(analysis, &id),
    ));
    out
}

fn suppression(
    req: &Request<'_>,
    diagnostic: &lsp::Diagnostic,
    title: String,
    edit: TextEdit,
) -> CodeAction {
    let edits = vec![to_proto::text_edit(
        &req.snapshot.analysis,
        &edit,
        req.encoding,
    )];
    CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        edit: Some(workspace_edit(req, edits)),
        is_preferred: Some(false),
        ..CodeAction::default()
    }
}

/// Adds `id` to the `# dockerfile-lsp ignore=` comment right above the instruction at
/// `offset`, or inserts such a comment with the instruction's indentation. `None` when
/// `offset` is not inside an instruction (a directive or a comment).
pub fn ignore_for_instruction(analysis: &Analysis, offset: usize, id: &str) -> Option<TextEdit> {
    let text = analysis.text();
    let ins = analysis.syntax().instructions.iter().find(|i| {
        fix::full_lines(text, i.range).contains_inclusive(offset) && offset <= i.range.end()
    })?;
    let line_start = fix::full_lines(text, ins.range).start();
    let indent = &text[line_start..ins.range.start()];
    // The comment line directly above, if it is one of ours for this instruction.
    if line_start > 0 {
        let above = fix::full_lines(text, TextRange::empty(line_start - 1));
        let line = text[above.range()].trim_end_matches(['\r', '\n']);
        if let Some(edit) = extend_list(line, above.start(), "dockerfile-lsp ignore=", id) {
            return Some(edit);
        }
    }
    Some(TextEdit::insert(
        line_start,
        format!("{indent}# dockerfile-lsp ignore={id}{}", line_break(text)),
    ))
}

/// Adds `id` to the file's `# dockerfile-lsp global ignore=` comment, or inserts one
/// right after the parser directives (a comment before them would end the directive
/// block and silently turn `# syntax=` into a plain comment).
pub fn ignore_for_file(analysis: &Analysis, id: &str) -> TextEdit {
    let text = analysis.text();
    let mut at = 0;
    for comment in &analysis.syntax().comments {
        let line = fix::full_lines(text, comment.range);
        let line_text = text[line.range()].trim_end_matches(['\r', '\n']);
        if let Some(edit) =
            extend_list(line_text, line.start(), "dockerfile-lsp global ignore=", id)
        {
            return edit;
        }
    }
    let mut directives: Vec<TextRange> = analysis
        .syntax()
        .directives
        .iter()
        .map(|d| fix::full_lines(text, d.range))
        .collect();
    directives.sort();
    for d in directives {
        if d.start() == at {
            at = d.end();
        }
    }
    // A BOM stays first.
    if at == 0 && text.starts_with('\u{feff}') {
        at = '\u{feff}'.len_utf8();
    }
    let mut insert = format!("# dockerfile-lsp global ignore={id}{}", line_break(text));
    if at == text.len() && !text.is_empty() && !text.ends_with(['\n', '\r']) {
        insert.insert_str(0, line_break(text));
    }
    TextEdit::insert(at, insert)
}

/// When `line` (starting at `line_start`) is `# <prefix><ids>…`, the edit appending
/// `,id` to its list.
fn extend_list(line: &str, line_start: usize, prefix: &str, id: &str) -> Option<TextEdit> {
    let hash = line.find('#')?;
    if !line[..hash].trim().is_empty() {
        return None;
    }
    let after_hash = &line[hash + 1..];
    let body = after_hash.trim_start();
    let rest = body.strip_prefix(prefix)?;
    let list_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let list_end = line_start + line.len() - after_hash.len()
        + (after_hash.len() - body.len())
        + prefix.len()
        + list_len;
    let list = &rest[..list_len];
    if list.split(',').any(|x| x.trim() == id) {
        return None;
    }
    let sep = if list.is_empty() || list.ends_with(',') {
        ""
    } else {
        ","
    };
    Some(TextEdit::insert(list_end, format!("{sep}{id}")))
}

/// Refactors for the instruction(s) under the cursor or selection.
fn refactors(req: &Request<'_>, range: TextRange) -> Vec<CodeAction> {
    let analysis = &*req.snapshot.analysis;
    let instructions = &analysis.syntax().instructions;
    let text = analysis.text();
    let touched: Vec<usize> = instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            let lines = fix::full_lines(text, i.range);
            lines.intersects(range)
                || (range.is_empty()
                    && lines.contains_inclusive(range.start())
                    && range.start() <= i.range.end())
        })
        .map(|(n, _)| n)
        .collect();
    let mut out = Vec::new();
    // Exec form for the shell-form CMD / ENTRYPOINT / RUN / HEALTHCHECK under the cursor.
    if let [only] = touched[..] {
        for fix in fix::exec_form::exec_form_fixes(text, analysis.syntax(), analysis.model(), only)
        {
            out.push(rewrite(req, fix.title.clone(), &fix));
        }
    }
    if let [first, .., last] = touched[..] {
        if touched
            .iter()
            .all(|&n| instructions[n].effective().kind == Kind::Run)
        {
            out.extend(merge_action(req, first, last));
        }
    }
    out
}

fn merge_action(req: &Request<'_>, first: usize, last: usize) -> Option<CodeAction> {
    let analysis = &*req.snapshot.analysis;
    match fix::merge_run::merge_runs_with(
        analysis.text(),
        analysis.syntax(),
        analysis.model(),
        analysis.line_index(),
        first,
        last,
    ) {
        Ok(fix) => Some(rewrite(req, fix.title.clone(), &fix)),
        // Shown greyed out with the reason, where the client can.
        Err(reason) => req.support.disabled.then(|| CodeAction {
            title: format!("Merge these {} RUN instructions into one", last - first + 1),
            kind: Some(CodeActionKind::REFACTOR_REWRITE),
            disabled: Some(CodeActionDisabled { reason }),
            ..CodeAction::default()
        }),
    }
}

fn rewrite(req: &Request<'_>, title: String, fix: &Fix) -> CodeAction {
    let analysis = &*req.snapshot.analysis;
    let edits = fix
        .edits
        .iter()
        .map(|e| to_proto::text_edit(analysis, e, req.encoding))
        .collect();
    CodeAction {
        title,
        kind: Some(CodeActionKind::REFACTOR_REWRITE),
        edit: Some(workspace_edit(req, edits)),
        ..CodeAction::default()
    }
}

/// "Fix all auto-fixable problems": every safe fix, as minimal line edits. Without a
/// safe fix in the document there is no action. When the client resolves edits late,
/// the edit is computed in `codeAction/resolve`.
fn fix_all_action(req: &Request<'_>) -> Option<CodeAction> {
    let fixable = req
        .snapshot
        .diagnostics
        .iter()
        .filter(|d| d.fix_for(false).is_some())
        .count();
    if fixable == 0 {
        return None;
    }
    let mut action = CodeAction {
        title: "Fix all auto-fixable problems".to_owned(),
        kind: Some(CodeActionKind::from(FIX_ALL_KIND)),
        data: Some(json!({ "fixAll": req.uri.as_str(), "version": req.snapshot.version })),
        ..CodeAction::default()
    };
    if !req.support.resolve_edit {
        action.edit = Some(fix_all_edit(req));
    }
    Some(action)
}

/// The edit of fix-all on the snapshot's text.
pub fn fix_all_edit(req: &Request<'_>) -> WorkspaceEdit {
    let analysis = &*req.snapshot.analysis;
    let fixed = fix::fix_all(analysis.text(), req.config, false);
    let edits = fix::line_edits(analysis.text(), &fixed.text)
        .iter()
        .map(|e| to_proto::text_edit(analysis, e, req.encoding))
        .collect();
    workspace_edit(req, edits)
}

/// Fills in the edit of an action offered without one (fix-all); `None` when the action
/// is not ours or was offered for another version of the document.
pub fn resolve(req: &Request<'_>, mut action: CodeAction) -> Option<CodeAction> {
    let data = action.data.as_ref()?;
    if data.get("fixAll").and_then(Value::as_str) != Some(req.uri.as_str())
        || data.get("version").and_then(Value::as_i64) != Some(i64::from(req.snapshot.version))
    {
        return None;
    }
    action.edit = Some(fix_all_edit(req));
    Some(action)
}

/// Edits to this document, carrying its version when the client can check it (an edit
/// computed for an older version is then refused instead of garbling the text).
fn workspace_edit(req: &Request<'_>, edits: Vec<lsp::TextEdit>) -> WorkspaceEdit {
    versioned_edit(req.uri, req.snapshot.version, edits, req.support)
}

/// Edits to version `version` of `uri`: versioned `documentChanges` when the client takes
/// them, plain `changes` otherwise.
pub fn versioned_edit(
    uri: &Uri,
    version: i32,
    edits: Vec<lsp::TextEdit>,
    support: ClientSupport,
) -> WorkspaceEdit {
    if support.document_changes {
        WorkspaceEdit {
            document_changes: Some(lsp::DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: Some(version),
                },
                edits: edits.into_iter().map(lsp::OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some([(uri.clone(), edits)].into_iter().collect()),
            ..WorkspaceEdit::default()
        }
    }
}

#[cfg(test)]
mod tests;

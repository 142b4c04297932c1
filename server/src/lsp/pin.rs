//! Pinning images to digests over LSP: the code actions ("Pin `node:22` to its
//! digest", "Update digest of `node:22`", the source action "Pin all images in this
//! file"), their resolution (the registry lookup runs only when the user picks one:
//! `codeAction/resolve`, or `workspace/executeCommand` + `workspace/applyEdit` for
//! clients without resolve), and the hover section of fetched facts.
//!
//! Listing actions never touches the network. The lookup reports `$/progress` when the
//! client supports it, failures reach the user through `window/showMessage` with the
//! host and the reason, and the edit carries the document version it was computed for
//! (and is dropped when the document changed meanwhile).

use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{json, Value};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionDisabled, CodeActionKind, Command, Uri, WorkspaceEdit,
};

use tower_lsp_server::{Bounded, NotCancellable, OngoingProgress};

use super::code_actions::{self, ClientSupport};
use super::position::PositionEncoding;
use super::to_proto;
use crate::ide::pin::{self, PinSite, Plan};
use crate::ide::Analysis;
use crate::registry::{plan, Key, LookupError, Resolver};
use crate::semantic::FactsTable;
use crate::text::{TextEdit, TextRange};

/// The command clients without `codeAction/resolve` run (arguments: one [`PinRequest`]).
pub const COMMAND: &str = "dockerfile-lsp.pinImages";

/// The kind of the "Pin all images in this file" source action.
pub const PIN_ALL_KIND: &str = "source.pinImages.dockerfile-lsp";

/// What an action asks to pin: the references of one document version, by their
/// source ranges. Travels in the action's `data` (or the command's arguments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinRequest {
    pub uri: Uri,
    pub version: i32,
    /// The written references' byte ranges in that version.
    pub ranges: Vec<TextRange>,
    /// The action's title, for messages.
    pub title: String,
}

impl PinRequest {
    pub fn to_json(&self) -> Value {
        json!({
            "pin": {
                "uri": self.uri.as_str(),
                "version": self.version,
                "ranges": self.ranges.iter().map(|r| [r.start(), r.end()]).collect::<Vec<_>>(),
                "title": self.title,
            }
        })
    }

    /// Reads the `data` of an action (or a command argument); `None` when it is not a pin
    /// request or is malformed.
    pub fn from_json(value: &Value) -> Option<PinRequest> {
        let pin = value.get("pin")?;
        let uri = pin.get("uri")?.as_str()?.parse::<Uri>().ok()?;
        let version = i32::try_from(pin.get("version")?.as_i64()?).ok()?;
        let ranges = pin
            .get("ranges")?
            .as_array()?
            .iter()
            .map(|r| {
                let start = usize::try_from(r.get(0)?.as_u64()?).ok()?;
                let end = usize::try_from(r.get(1)?.as_u64()?).ok()?;
                (start <= end).then(|| TextRange::new(start, end))
            })
            .collect::<Option<Vec<_>>>()?;
        let title = pin
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("Pin images");
        Some(PinRequest {
            uri,
            version,
            ranges,
            title: title.to_owned(),
        })
    }
}

/// One document's pin actions for the requested range.
pub struct Listing<'a> {
    pub uri: &'a Uri,
    pub version: i32,
    pub analysis: &'a Analysis,
    /// What the registries said so far (no lookup happens while listing).
    pub facts: &'a FactsTable,
    /// What the client takes; with `resolve_edit` the lookup waits for
    /// `codeAction/resolve`, without it the action runs the pin command.
    pub support: ClientSupport,
}

/// "Pin"/"Update" actions for the references the range touches; a disabled action
/// with the reason when a reference cannot be pinned (for clients that show those).
pub fn actions_in_range(listing: &Listing<'_>, range: TextRange) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for site in pin::pin_sites(listing.analysis) {
        let touches = site.range.start() <= range.end() && range.start() <= site.range.end();
        if !touches {
            continue;
        }
        match site.can_pin() {
            Ok(_) => out.push(action(
                listing,
                site.action_title(),
                CodeActionKind::REFACTOR_REWRITE,
                vec![site.range],
            )),
            Err(skip) if listing.support.disabled => out.push(CodeAction {
                title: site.action_title(),
                kind: Some(CodeActionKind::REFACTOR_REWRITE),
                disabled: Some(CodeActionDisabled {
                    reason: skip.reason(),
                }),
                ..CodeAction::default()
            }),
            Err(_) => {}
        }
    }
    out
}

/// "Pin all images in this file to their digests", when some reference can be pinned
/// and is not known (from an earlier lookup) to be pinned to its tag's current digest.
pub fn pin_all_action(listing: &Listing<'_>) -> Option<CodeAction> {
    let ranges: Vec<TextRange> = pin::pin_sites(listing.analysis)
        .into_iter()
        .filter(|s| s.can_pin().is_ok())
        .filter(|s| !matches!(pin::plan_site(s, listing.facts), pin::Plan::Current))
        .map(|s| s.range)
        .collect();
    if ranges.is_empty() {
        return None;
    }
    let n = ranges.len();
    let title = format!(
        "Pin all images in this file to their digests ({n} reference{})",
        if n == 1 { "" } else { "s" }
    );
    Some(action(
        listing,
        title,
        CodeActionKind::from(PIN_ALL_KIND),
        ranges,
    ))
}

fn action(
    listing: &Listing<'_>,
    title: String,
    kind: CodeActionKind,
    ranges: Vec<TextRange>,
) -> CodeAction {
    let request = PinRequest {
        uri: listing.uri.clone(),
        version: listing.version,
        ranges,
        title: title.clone(),
    };
    if listing.support.resolve_edit {
        CodeAction {
            title,
            kind: Some(kind),
            data: Some(request.to_json()),
            ..CodeAction::default()
        }
    } else {
        CodeAction {
            title: title.clone(),
            kind: Some(kind),
            command: Some(Command {
                title,
                command: COMMAND.to_owned(),
                arguments: Some(vec![request.to_json()]),
            }),
            ..CodeAction::default()
        }
    }
}

/// The sites of `analysis` a request names, in text order; `Err` with a sentence when
/// none of them is there any more.
pub fn requested_sites(analysis: &Analysis, request: &PinRequest) -> Result<Vec<PinSite>, String> {
    let sites: Vec<PinSite> = pin::pin_sites(analysis)
        .into_iter()
        .filter(|s| request.ranges.contains(&s.range))
        .collect();
    if sites.is_empty() {
        return Err("the image references have changed; ask for the code action again".into());
    }
    Ok(sites)
}

/// A workspace edit of one document version from core edits.
pub fn workspace_edit(
    uri: &Uri,
    version: i32,
    analysis: &Analysis,
    edits: &[TextEdit],
    encoding: PositionEncoding,
    support: ClientSupport,
) -> WorkspaceEdit {
    let edits = edits
        .iter()
        .map(|e| to_proto::text_edit(analysis, e, encoding))
        .collect();
    code_actions::versioned_edit(uri, version, edits, support)
}

/// The edits that pin `sites` to the digests in `facts` (sites already current or
/// without facts get none), and a sentence per site that cannot be pinned.
pub fn edits_for(sites: &[PinSite], facts: &FactsTable) -> (Vec<TextEdit>, Vec<String>) {
    let mut edits = Vec::new();
    let mut problems = Vec::new();
    for site in sites {
        match pin::plan_site(site, facts) {
            Plan::Pin { edit, .. } => edits.push(edit),
            Plan::Skipped(skip) => {
                problems.push(format!("{}: {}", plan::shown(site), skip.reason()))
            }
            Plan::Current | Plan::Unknown => {}
        }
    }
    (edits, problems)
}

/// The lookups of `keys` through `resolver`, all at once: the facts found (by
/// [`Key::table_key`]) and the failures by key. Each answer is reported on `progress`
/// ("`node:22` (1/3)").
pub async fn resolve_all(
    resolver: &Arc<Resolver>,
    keys: Vec<Key>,
    progress: Option<&OngoingProgress<Bounded, NotCancellable>>,
) -> (FactsTable, Vec<(Key, LookupError)>) {
    let total = keys.len();
    let mut tasks = plan::spawn_lookups(resolver, keys);
    let mut found = FactsTable::new();
    let mut failed = Vec::new();
    let mut done = 0;
    while let Some(joined) = tasks.join_next().await {
        let Ok((key, result)) = joined else {
            continue;
        };
        done += 1;
        if let Some(progress) = progress {
            let percent = u32::try_from(done * 100 / total.max(1)).unwrap_or(100);
            progress
                .report_with_message(format!("`{key}` ({done}/{total})"), percent)
                .await;
        }
        match result {
            Ok(facts) => {
                found.insert(key.table_key(), facts);
            }
            Err(err) => failed.push((key, err)),
        }
    }
    failed.sort_by(|a, b| a.0.cmp(&b.0));
    (found, failed)
}

/// A `$/progress` that ends even when the request is cancelled (its future dropped):
/// an editor would otherwise show the spinner forever.
pub struct ProgressGuard(pub Option<OngoingProgress<Bounded, NotCancellable>>);

impl ProgressGuard {
    /// Ends the progress with `message`.
    pub async fn finish(mut self, message: String) {
        if let Some(progress) = self.0.take() {
            progress.finish_with_message(message).await;
        }
    }
}

impl Drop for ProgressGuard {
    fn drop(&mut self) {
        if let Some(progress) = self.0.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { progress.finish_with_message("cancelled").await });
            }
        }
    }
}

/// The hover section of fetched facts for the image reference at `offset`, with the
/// reference's range; `None` when nothing was fetched for it.
pub fn hover_section(
    analysis: &Analysis,
    offset: usize,
    table: &FactsTable,
) -> Option<(TextRange, String)> {
    let (site, markdown) = pin::facts_hover(analysis, offset, table, SystemTime::now())?;
    Some((site.range, markdown))
}

//! The [`Backend`]: session state, the `LanguageServer` methods, debounced diagnostics and
//! contained analysis.
//!
//! Invariant: every notification that changes documents mutates the store synchronously,
//! before its first `.await`, so edits are applied in the order they arrive. The store
//! lock is never held across an `.await`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use tokio::task::AbortHandle;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};
use tree_sitter::Tree;

use super::code_actions;
use super::completion;
use super::config::{self as settings, Features, SECTION};
use super::document_store::{AnalysisSnapshot, DocumentStore};
use super::formatting;
use super::hover as lsp_hover;
use super::markdown;
use super::navigation;
use super::pin::{self, PinRequest};
use super::position::{self, PositionEncoding};
use super::to_proto;
use super::tokens;
use super::transport::RawNotifications;
use crate::config::registry::RegistryConfig;
use crate::config::Config;
use crate::ide::{code_lens, inlay_hints, Analysis};
use crate::registry::client::ClientOptions;
use crate::registry::{plan, CacheOptions, HttpRegistry, Resolver};
use crate::rules::Diagnostic;
use crate::semantic::FactsTable;
use crate::shellcheck;

/// What was agreed on at `initialize`, and the current editor settings.
#[derive(Clone, Debug, Default)]
struct Session {
    encoding: PositionEncoding,
    /// The client pulls diagnostics (`textDocument/diagnostic`); we then do not push.
    pull_diagnostics: bool,
    /// The client answers `workspace/configuration`.
    configuration: bool,
    /// The client accepts `workspace/diagnostic/refresh`.
    diagnostic_refresh: bool,
    /// What the client's code-action machinery takes.
    code_actions: code_actions::ClientSupport,
    /// Hovers (and inlay hint tooltips) in Markdown; plain text otherwise.
    markdown: bool,
    /// The client accepts `workspace/codeLens/refresh`.
    code_lens_refresh: bool,
    /// The client accepts `workspace/inlayHint/refresh`.
    inlay_hint_refresh: bool,
    /// What the client's completion and signature help take.
    completion: completion::ClientSupport,
    /// What the client's symbol support takes.
    navigation: navigation::ClientSupport,
    /// What the client's folding support takes.
    tokens: tokens::ClientSupport,
    /// Code lenses and inlay hints on or off (editor settings).
    features: Features,
    settings: Arc<Config>,
    /// The client accepts `window/workDoneProgress/create` (server-initiated progress).
    work_done_progress: bool,
    /// The client accepts `workspace/applyEdit`.
    apply_edit: bool,
    /// The warnings of the settings in force, and those last shown to the user (each
    /// distinct set is shown once, not on every `didChangeConfiguration`).
    settings_warnings: Vec<String>,
    shown_settings_warnings: Vec<String>,
    /// Registry facts fetched so far (every resolver's answers), handed to the analysis
    /// through each document's configuration.
    facts: Arc<FactsTable>,
}

struct Inner {
    client: Client,
    /// Where `publishDiagnostics` goes, serialised once (the `Client` when unconnected).
    raw: RawNotifications,
    store: Mutex<DocumentStore>,
    session: RwLock<Session>,
    /// One pending diagnostics task per document; the next change aborts it.
    pending: Mutex<HashMap<Uri, AbortHandle>>,
    /// ShellCheck in the background: one run at a time per document (the lock), and the
    /// last version a run was started for (a failed run is not retried for it).
    shellcheck: Mutex<HashMap<Uri, ShellcheckRuns>>,
    /// ShellCheck runs at once across documents: opening 2,000 documents started 2,000
    /// ShellCheck processes, which then ran out of their time limit (and their findings
    /// were lost). The runs queue here instead.
    shellcheck_slots: Arc<tokio::sync::Semaphore>,
    /// The ShellCheck program per configured path (`None`: the one on `PATH`), looked up
    /// once rather than on every version; `None` when there is none.
    shellcheck_runners: Mutex<HashMap<Option<String>, Option<shellcheck::Runner>>>,
    /// The semantic tokens last sent per document, for deltas.
    tokens: Mutex<tokens::Cache>,
    /// One registry cache per registry configuration (documents may configure
    /// `[registry]` differently); built on the first lookup.
    resolvers: Mutex<HashMap<RegistryConfig, Arc<Resolver>>>,
    /// How many times the configuration of the open documents was recomputed (see
    /// `configuration_changed`).
    config_runs: AtomicU64,
    /// How many `didChangeConfiguration` notifications arrived (only the newest applies
    /// the settings it fetched).
    settings_changes: AtomicU64,
    /// `shutdown` was answered: the server sends the client no more requests.
    shut_down: AtomicBool,
    /// The pending memory release after documents were closed (see `release_memory_soon`).
    release: Mutex<Option<AbortHandle>>,
    /// A failed ShellCheck run (timeout, crash, unreadable output) was shown to the
    /// user; later ones only go to the log.
    shellcheck_failure_shown: AtomicBool,
}

/// What a pin that made no edit tells the user, and how (`window/showMessage` type).
type PinMessage = (MessageType, String);

/// A pin failure the user sees as an error.
fn error(message: String) -> PinMessage {
    (MessageType::ERROR, message)
}

/// Per document: the lock a background ShellCheck run holds, and the version the last
/// run was started for.
type ShellcheckRuns = (Arc<tokio::sync::Mutex<()>>, Option<i32>);

/// The language server. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Backend {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

/// Runs `f` on the blocking pool; a panic is logged with the document's name and turns
/// into `None`, so the server keeps serving.
pub(crate) async fn contained<T, F>(uri: &Uri, what: &str, f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    contained_for(uri.as_str(), what, f).await
}

/// [`contained`] for work that belongs to no single document (`subject` names it in the
/// log). Inside a request the panic is raised again on the request's task: the transport
/// answers `InternalError` and tells the user once (see [`super::transport`]).
pub(crate) async fn contained_for<T, F>(subject: &str, what: &str, f: F) -> Option<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(value) => Some(value),
        Err(err) if err.is_panic() && super::transport::in_request() => {
            tracing::error!(subject, error = %err, "{what} panicked");
            std::panic::resume_unwind(err.into_panic())
        }
        Err(err) => {
            tracing::error!(subject, error = %err, "{what} failed; returning an empty result");
            None
        }
    }
}

/// Gives the calling thread the lowest CPU priority (nice 19), on Linux; elsewhere it
/// keeps its priority.
fn lowest_thread_priority() {
    #[cfg(target_os = "linux")]
    {
        extern "C" {
            fn setpriority(
                which: std::ffi::c_int,
                who: u32,
                prio: std::ffi::c_int,
            ) -> std::ffi::c_int;
        }
        // SAFETY: plain integers; on Linux `PRIO_PROCESS` (0) with `who` 0 sets the
        // priority of the calling thread only.
        if unsafe { setpriority(0, 0, 19) } != 0 {
            tracing::debug!("setpriority failed: {}", std::io::Error::last_os_error());
        }
    }
}

/// How many ShellCheck processes run at once: one per core, at most four.
fn shellcheck_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// Numbers the progress tokens of pin lookups.
static PROGRESS_IDS: AtomicU64 = AtomicU64::new(1);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves consistent data (mutations are single calls),
    // so a poisoned lock is still usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend::with_raw_notifications(client, RawNotifications::default())
    }

    /// [`Backend::new`] sending its diagnostics through `raw` once the transport has
    /// connected it (see [`RawNotifications`]).
    pub fn with_raw_notifications(client: Client, raw: RawNotifications) -> Backend {
        Backend {
            inner: Arc::new(Inner {
                raw,
                client,
                store: Mutex::new(DocumentStore::default()),
                session: RwLock::new(Session::default()),
                pending: Mutex::new(HashMap::new()),
                shellcheck: Mutex::new(HashMap::new()),
                shellcheck_slots: Arc::new(tokio::sync::Semaphore::new(shellcheck_slots())),
                shellcheck_runners: Mutex::new(HashMap::new()),
                tokens: Mutex::new(tokens::Cache::default()),
                resolvers: Mutex::new(HashMap::new()),
                config_runs: AtomicU64::new(0),
                settings_changes: AtomicU64::new(0),
                shut_down: AtomicBool::new(false),
                release: Mutex::new(None),
                shellcheck_failure_shown: AtomicBool::new(false),
            }),
        }
    }

    fn session(&self) -> Session {
        self.inner
            .session
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn store(&self) -> MutexGuard<'_, DocumentStore> {
        lock(&self.inner.store)
    }

    /// Takes new settings; returns the editor features before and after.
    fn apply_settings(&self, value: &serde_json::Value) -> (Features, Features) {
        let (config, mut warnings) = settings::config_from_settings(value);
        let (features, feature_warnings) = settings::features_from_settings(value);
        warnings.extend(feature_warnings);
        for warning in &warnings {
            tracing::warn!("settings: {warning}");
        }
        let mut session = self
            .inner
            .session
            .write()
            .unwrap_or_else(|p| p.into_inner());
        session.settings = Arc::new(config);
        session.settings_warnings = warnings;
        let before = session.features;
        session.features = features;
        (before, features)
    }

    /// Asks the client to re-request code lenses / inlay hints when their setting
    /// changed and it supports the refresh request.
    async fn refresh_features(&self, (before, after): (Features, Features)) {
        if self.inner.shut_down.load(Ordering::SeqCst) {
            return;
        }
        let session = self.session();
        if before.code_lens != after.code_lens && session.code_lens_refresh {
            if let Err(err) = self.inner.client.code_lens_refresh().await {
                tracing::warn!(error = %err, "workspace/codeLens/refresh failed");
            }
        }
        if before.inlay_hints != after.inlay_hints && session.inlay_hint_refresh {
            if let Err(err) = self.inner.client.inlay_hint_refresh().await {
                tracing::warn!(error = %err, "workspace/inlayHint/refresh failed");
            }
        }
    }

    /// Tells the user, once per distinct set, which settings were ignored and why (an
    /// unknown key, a value of the wrong type), in one `window/showMessage` warning.
    async fn report_settings_warnings(&self) {
        let warnings = {
            let mut session = self
                .inner
                .session
                .write()
                .unwrap_or_else(|p| p.into_inner());
            if session.settings_warnings == session.shown_settings_warnings {
                return;
            }
            session.shown_settings_warnings = session.settings_warnings.clone();
            session.settings_warnings.clone()
        };
        if warnings.is_empty() {
            return;
        }
        let message = format!(
            "dockerfile-lsp ignored some settings: {}",
            warnings.join("; ")
        );
        self.inner
            .client
            .show_message(MessageType::WARNING, message)
            .await;
    }

    /// Tells the user, once per session, that a ShellCheck run failed: its findings are
    /// missing from that file until a later edit runs it again. Later failures go to
    /// the log only.
    async fn shellcheck_failed(&self, uri: &Uri, why: &str) {
        if self.inner.shut_down.load(Ordering::SeqCst)
            || self
                .inner
                .shellcheck_failure_shown
                .swap(true, Ordering::SeqCst)
        {
            return;
        }
        let file = uri.as_str().rsplit('/').next().unwrap_or(uri.as_str());
        let message = format!(
            "dockerfile-lsp: ShellCheck failed on {file}: {why}. Its findings are missing until the next edit; set `dockerfileLsp.shellcheck.path` or turn the `shellcheck` rule off if this keeps happening (later failures are only logged)."
        );
        self.inner
            .client
            .show_message(MessageType::WARNING, message)
            .await;
    }

    /// Asks the client for the `dockerfileLsp` section.
    async fn fetch_settings(&self) -> Option<serde_json::Value> {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some(SECTION.to_owned()),
        };
        match self.inner.client.configuration(vec![item]).await {
            Ok(values) => values.into_iter().next(),
            Err(err) => {
                tracing::warn!(error = %err, "workspace/configuration failed");
                None
            }
        }
    }

    /// Recomputes every open document's configuration and republishes its diagnostics.
    async fn configuration_changed(&self) {
        // Runs overlap (tower-lsp-server handles notifications concurrently): only the
        // newest one installs configurations, with the settings in force when it does,
        // so an older run that finishes last cannot bring old settings back.
        let run = self.inner.config_runs.fetch_add(1, Ordering::SeqCst) + 1;
        let uris = self.store().uris();
        let file_configs = tokio::task::spawn_blocking(move || {
            uris.into_iter()
                .map(|uri| {
                    let file = settings::file_config(uri.to_file_path().as_deref());
                    (uri, file)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        if self.inner.config_runs.load(Ordering::SeqCst) != run {
            return;
        }
        let session = self.session();
        let mut to_publish = Vec::new();
        {
            let mut store = self.store();
            store.config_generation += 1;
            for (uri, file) in file_configs {
                if let Some(doc) = store.get_mut(&uri) {
                    doc.config = Arc::new(with_facts(
                        settings::effective(&file, &session.settings),
                        &session.facts,
                    ));
                    doc.analysis = None;
                    to_publish.push((uri, doc.version(), settings::delay_ms(&doc.config)));
                }
            }
        }
        if session.pull_diagnostics {
            self.refresh_diagnostics(&session).await;
        } else {
            for (uri, version, delay) in to_publish {
                self.schedule(uri, version, delay);
            }
        }
    }

    /// Asks a pulling client to pull diagnostics again (`workspace/diagnostic/refresh`),
    /// when it accepts that request and has not asked the server to shut down.
    async fn refresh_diagnostics(&self, session: &Session) {
        if !session.diagnostic_refresh || self.inner.shut_down.load(Ordering::SeqCst) {
            return;
        }
        if let Err(err) = self.inner.client.workspace_diagnostic_refresh().await {
            tracing::warn!(error = %err, "workspace/diagnostic/refresh failed");
        }
    }

    /// Brings the document's tree up to date on the blocking pool, concurrently with its
    /// analysis (which reads the text, not the tree). One job per document at a time: when
    /// edits arrived while it ran, its tree is dropped and the next job starts from the
    /// store's edited tree, so bursts of keystrokes coalesce.
    fn reparse_in_background(&self, uri: Uri) {
        let this = self.clone();
        tokio::spawn(async move {
            loop {
                let Some(job) = this.store().get_mut(&uri).and_then(|d| d.reparse_job()) else {
                    return;
                };
                let done = contained(&uri, "reparse", move || job.run()).await;
                // A failed parse is not retried until the next edit.
                let failed = done.is_none();
                let installed = match this.store().get_mut(&uri) {
                    Some(doc) => doc.finish_reparse(done),
                    None => return,
                };
                if installed || failed {
                    return;
                }
            }
        });
    }

    /// Frees a replaced analysis off the typing path, on a thread of its own at the
    /// lowest CPU priority. Freeing the many small allocations of a large file's analysis
    /// takes about a millisecond: in `didChange`, under the store's lock, it delayed the
    /// next analysis; on the blocking pool it took one of two cores from the reparse and
    /// the analysis that start at the same moment. At the lowest priority it runs when a
    /// core is idle (the publish is single-threaded), and soon: kept until the next
    /// analysis was done instead, a third analysis of a 1 MiB RUN stayed in memory.
    fn retire(retired: AnalysisSnapshot) {
        static FREER: LazyLock<Option<std::sync::mpsc::Sender<AnalysisSnapshot>>> =
            LazyLock::new(|| {
                let (tx, rx) = std::sync::mpsc::channel::<AnalysisSnapshot>();
                std::thread::Builder::new()
                    .name("dockerfile-lsp-free".into())
                    .spawn(move || {
                        lowest_thread_priority();
                        for snapshot in rx {
                            drop(snapshot);
                        }
                    })
                    .map_err(|e| tracing::warn!("no thread to free analyses on: {e}"))
                    .ok()?;
                Some(tx)
            });
        if let Some(tx) = &*FREER {
            // Only fails when the thread is gone; the snapshot then drops here.
            let _ = tx.send(retired);
        }
    }

    /// Publishes diagnostics for `version` of `uri` after `delay_ms`, replacing any pending
    /// publication for that document.
    fn schedule(&self, uri: Uri, version: i32, delay_ms: u64) {
        let this = self.clone();
        let task_uri = uri.clone();
        let task = tokio::spawn(async move {
            if delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            this.publish(task_uri, version).await;
        });
        if let Some(old) = lock(&self.inner.pending).insert(uri, task.abort_handle()) {
            old.abort();
        }
    }

    async fn publish(&self, uri: Uri, version: i32) {
        if self.store().get(&uri).map(|d| d.version()) != Some(version) {
            return;
        }
        let Some(snapshot) = self.analysis_for(&uri).await else {
            return;
        };
        if snapshot.version != version {
            return;
        }
        let encoding = self.session().encoding;
        let merged = self.with_shellcheck(&uri, &snapshot);
        // Only the latest version is ever published.
        if self.store().get(&uri).map(|d| d.version()) != Some(version) {
            return;
        }
        // Written straight from the findings when the transport is ours (stdio); through
        // tower-lsp-server's `Client` otherwise.
        let params = to_proto::PublishDiagnostics {
            uri: &uri,
            version,
            analysis: &snapshot.analysis,
            diagnostics: &merged,
            encoding,
        };
        if !self
            .inner
            .raw
            .send("textDocument/publishDiagnostics", &params)
        {
            let diagnostics =
                to_proto::diagnostics(&snapshot.analysis, &merged, encoding, snapshot.version);
            self.inner
                .client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        }
    }

    /// The snapshot's findings plus ShellCheck's cached findings for this version. When
    /// some RUN has no cached ShellCheck result yet, starts a background run (once per
    /// version) that re-publishes, or asks pull clients to refresh, when it is done.
    /// Without ShellCheck this is the snapshot's own list, shared rather than copied: on
    /// a large file it is about a thousand findings with their messages and fixes.
    fn with_shellcheck(&self, uri: &Uri, snapshot: &AnalysisSnapshot) -> Arc<Vec<Diagnostic>> {
        let Some((plan, runner)) = &snapshot.shellcheck else {
            return snapshot.diagnostics.clone();
        };
        let config = match self.store().get(uri) {
            Some(doc) => doc.config.clone(),
            None => return snapshot.diagnostics.clone(),
        };
        let mut merged = snapshot.diagnostics.to_vec();
        merged.extend(plan.diagnostics(&snapshot.analysis, &config));
        merged.sort_by(|a, b| {
            (a.range.start, a.range.end, a.rule.id).cmp(&(b.range.start, b.range.end, b.rule.id))
        });
        if !plan.is_complete() {
            self.schedule_shellcheck(uri.clone(), snapshot.version, plan.clone(), runner.clone());
        }
        Arc::new(merged)
    }

    fn schedule_shellcheck(
        &self,
        uri: Uri,
        version: i32,
        plan: Arc<shellcheck::Plan>,
        runner: shellcheck::Runner,
    ) {
        let lock = {
            let mut runs = lock(&self.inner.shellcheck);
            let entry = runs
                .entry(uri.clone())
                .or_insert_with(|| (Arc::new(tokio::sync::Mutex::new(())), None));
            if entry.1 == Some(version) {
                return;
            }
            entry.1 = Some(version);
            entry.0.clone()
        };
        let this = self.clone();
        tokio::spawn(async move {
            let _running = lock.lock().await;
            let current = || this.store().get(&uri).map(|d| d.version()) == Some(version);
            // A newer version arrived while waiting: its own run replaces this one.
            if !current() {
                return;
            }
            let Ok(_slot) = this.inner.shellcheck_slots.clone().acquire_owned().await else {
                return;
            };
            // The document may have changed or closed while queued.
            if !current() {
                return;
            }
            let outcome = contained(&uri, "shellcheck", move || {
                let result = plan.run(&runner);
                (result, plan.has_findings())
            })
            .await;
            drop((_running, _slot));
            let Some((result, has_findings)) = outcome else {
                return;
            };
            if let Err(e) = result {
                tracing::warn!(uri = uri.as_str(), "shellcheck: {e}");
                this.shellcheck_failed(&uri, &e).await;
            }
            // Nothing to add: the published diagnostics are already complete.
            if !has_findings || !current() {
                return;
            }
            let session = this.session();
            if session.pull_diagnostics {
                this.refresh_diagnostics(&session).await;
            } else {
                this.publish(uri, version).await;
            }
        });
    }

    /// The analysis of the document's current version, computed if not cached. `None`
    /// when the document is not open or the analysis panicked.
    async fn analysis_for(&self, uri: &Uri) -> Option<AnalysisSnapshot> {
        let (rope, version, config, generation) = {
            let store = self.store();
            let doc = store.get(uri)?;
            if let Some(snapshot) = &doc.analysis {
                if snapshot.version == doc.version()
                    && snapshot.config_generation == store.config_generation
                {
                    return Some(snapshot.clone());
                }
            }
            (
                doc.rope().clone(),
                doc.version(),
                doc.config.clone(),
                store.config_generation,
            )
        };
        let runner = self.shellcheck_runner(&config);
        let (analysis, diagnostics, shellcheck) = contained(uri, "analysis", move || {
            let analysis = Analysis::new(rope.to_string());
            let diagnostics = analysis.diagnostics(&config);
            // The scripts are built here, off the async threads, once per version.
            let shellcheck = runner
                .map(|runner| (shellcheck::plan(&analysis, &config), runner))
                .filter(|(plan, _)| !plan.jobs().is_empty())
                .map(|(plan, runner)| (Arc::new(plan), runner));
            (analysis, diagnostics, shellcheck)
        })
        .await?;
        let snapshot = AnalysisSnapshot {
            version,
            config_generation: generation,
            analysis: Arc::new(analysis),
            diagnostics: Arc::new(diagnostics),
            shellcheck,
        };
        let mut store = self.store();
        let current_generation = store.config_generation;
        if let Some(doc) = store.get_mut(uri) {
            if doc.version() == version && current_generation == generation {
                doc.analysis = Some(snapshot.clone());
            }
        }
        Some(snapshot)
    }

    /// The analysis of the document's current version and its configuration; `None`
    /// when the document is not open or changed while it was analysed.
    async fn current(&self, uri: &Uri) -> Option<(AnalysisSnapshot, Arc<Config>)> {
        let snapshot = self.analysis_for(uri).await?;
        let store = self.store();
        let doc = store.get(uri)?;
        (doc.version() == snapshot.version).then(|| (snapshot, doc.config.clone()))
    }

    /// The current version's analysis and the tree-sitter tree of the same text. When
    /// the background reparse has not caught up, the tree is parsed here (and offered to
    /// the store). `None` when the document is not open or keeps changing.
    async fn current_with_tree(&self, uri: &Uri) -> Option<(AnalysisSnapshot, Tree)> {
        for _ in 0..3 {
            let (snapshot, _) = self.current(uri).await?;
            let job = {
                let store = self.store();
                let doc = store.get(uri)?;
                if doc.version() != snapshot.version {
                    continue;
                }
                match doc.request_job() {
                    None => return Some((snapshot, doc.tree().clone())),
                    Some(job) => job,
                }
            };
            let (edits, tree) = contained(uri, "parse", move || job.run()).await?;
            let mut store = self.store();
            let doc = store.get_mut(uri)?;
            if doc.version() == snapshot.version {
                doc.offer_tree(edits, &tree);
                return Some((snapshot, tree));
            }
        }
        None
    }

    /// Answers a request from the current version: `f` runs on the blocking pool with the
    /// analysis, the document's configuration and the session. `None` for a document that
    /// is not open, or when `f` panicked (logged).
    async fn answer<T, F>(&self, uri: &Uri, what: &str, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&Analysis, &Config, &Session) -> T + Send + 'static,
    {
        let (snapshot, config) = self.current(uri).await?;
        let session = self.session();
        contained(uri, what, move || f(&snapshot.analysis, &config, &session)).await
    }

    /// [`Backend::answer`] for features that read the tree-sitter tree: `f` gets the tree
    /// parsed from the same text as the analysis.
    async fn answer_with_tree<T, F>(&self, uri: &Uri, what: &str, f: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&Analysis, &Tree, &Session) -> T + Send + 'static,
    {
        let (snapshot, tree) = self.current_with_tree(uri).await?;
        let session = self.session();
        contained(uri, what, move || f(&snapshot.analysis, &tree, &session)).await
    }

    /// The analyses of every open document, for workspace symbols.
    async fn all_analyses(&self) -> Vec<(Uri, Arc<Analysis>)> {
        let uris = self.store().uris();
        let mut out = Vec::with_capacity(uris.len());
        for uri in uris {
            if let Some(snapshot) = self.analysis_for(&uri).await {
                out.push((uri, snapshot.analysis));
            }
        }
        out
    }

    /// The registry cache for `config`, built on its first lookup.
    fn resolver_for(&self, config: &RegistryConfig) -> std::result::Result<Arc<Resolver>, String> {
        let mut resolvers = lock(&self.inner.resolvers);
        if let Some(resolver) = resolvers.get(config) {
            return Ok(resolver.clone());
        }
        let client = HttpRegistry::new(ClientOptions::from_config(config))?;
        let resolver = Arc::new(Resolver::new(
            Arc::new(client),
            CacheOptions::from_config(config),
        ));
        resolvers.insert(config.clone(), resolver.clone());
        Ok(resolver)
    }

    /// Looks up the images a pin action names and returns the edit for the version it
    /// was offered on; `Err` with a message for the user (the host and the reason) when
    /// nothing can be pinned or the document changed meanwhile. Partial failures are
    /// shown as a warning and the rest is pinned.
    /// Looks up the images a pin action names and returns the edit for the version it
    /// was offered on; `Err` with a message for the user (the host and the reason; an
    /// error, or information when everything is already pinned) when nothing can be
    /// pinned or the document changed meanwhile. Partial failures are shown as a warning
    /// and the rest is pinned.
    async fn pin(&self, request: PinRequest) -> std::result::Result<WorkspaceEdit, PinMessage> {
        let title = request.title.clone();
        let changed = || {
            format!("{title}: the document changed since the action was offered; ask for code actions again")
        };
        let Some((snapshot, config)) = self.current(&request.uri).await else {
            return Err(error(format!("{title}: the document is not open")));
        };
        if snapshot.version != request.version {
            return Err(error(changed()));
        }
        let analysis = snapshot.analysis.clone();
        let wanted = request.clone();
        let sites = contained(&request.uri, "pin", move || {
            pin::requested_sites(&analysis, &wanted)
        })
        .await
        .ok_or_else(|| error(format!("{title}: internal error (see the server log)")))?
        .map_err(|m| error(format!("{title}: {m}")))?;
        let keys = plan::keys_of(&sites);
        let resolver = self
            .resolver_for(&config.registry)
            .map_err(|e| error(format!("{title}: {e}")))?;
        let session = self.session();
        let progress = pin::ProgressGuard(if session.work_done_progress && !keys.is_empty() {
            let token = ProgressToken::String(format!(
                "dockerfile-lsp/pin/{}",
                PROGRESS_IDS.fetch_add(1, Ordering::Relaxed)
            ));
            match self
                .inner
                .client
                .create_work_done_progress(token.clone())
                .await
            {
                Ok(()) => Some(
                    self.inner
                        .client
                        .progress(token, "Pinning images")
                        .with_message(format!("asking the registry about {} image(s)", keys.len()))
                        .with_percentage(0)
                        .begin()
                        .await,
                ),
                Err(err) => {
                    tracing::debug!(error = %err, "window/workDoneProgress/create failed");
                    None
                }
            }
        } else {
            None
        });
        let (found, failed) = pin::resolve_all(&resolver, keys, progress.0.as_ref()).await;
        progress
            .finish(format!("{} found, {} failed", found.len(), failed.len()))
            .await;
        if !found.is_empty() {
            self.facts_changed().await;
        }
        let (edits, problems) = pin::edits_for(&sites, &found);
        if edits.is_empty() {
            if failed.is_empty() && problems.is_empty() {
                return Err((
                    MessageType::INFO,
                    format!("{title}: already pinned to the current digest"),
                ));
            }
            return Err(error(format!(
                "{title}: {}",
                plan::failure_message(&failed, &problems)
            )));
        }
        if !failed.is_empty() || !problems.is_empty() {
            self.inner
                .client
                .show_message(
                    MessageType::WARNING,
                    format!("{title}: {}", plan::failure_message(&failed, &problems)),
                )
                .await;
        }
        // A reference with variables is pinned to the digest of its ARG defaults: say so.
        let notes: Vec<String> = sites.iter().filter_map(|s| s.variable_note()).collect();
        if !notes.is_empty() {
            self.inner
                .client
                .show_message(MessageType::INFO, format!("{title}: {}", notes.join("; ")))
                .await;
        }
        // Only for the version the action was offered on: an edit computed for other
        // text would garble the document.
        if self.store().get(&request.uri).map(|d| d.version()) != Some(request.version) {
            return Err(error(changed()));
        }
        Ok(pin::workspace_edit(
            &request.uri,
            request.version,
            &snapshot.analysis,
            &edits,
            session.encoding,
            session.code_actions,
        ))
    }

    /// New registry facts arrived: they become the session's table, and every document
    /// is analysed again with them (hovers and `image-digest-outdated` read them) and
    /// republished, as after a settings change.
    async fn facts_changed(&self) {
        let resolvers: Vec<Arc<Resolver>> = lock(&self.inner.resolvers).values().cloned().collect();
        let mut table = FactsTable::new();
        for resolver in resolvers {
            table.extend(resolver.table());
        }
        {
            let mut session = self
                .inner
                .session
                .write()
                .unwrap_or_else(|p| p.into_inner());
            if *session.facts == table {
                return;
            }
            session.facts = Arc::new(table);
        }
        self.configuration_changed().await;
    }

    /// Once documents stop closing for a second, asks the allocator to give freed memory
    /// back to the system ([`super::release_memory`]): mimalloc purges freed pages only
    /// during later allocations, so an editor that closes many documents and goes idle
    /// kept their memory (tests/reliability measures it).
    fn release_memory_soon(&self) {
        let task = tokio::spawn(async {
            tokio::time::sleep(Duration::from_secs(1)).await;
            super::release_memory();
        });
        if let Some(old) = lock(&self.inner.release).replace(task.abort_handle()) {
            old.abort();
        }
    }

    /// The ShellCheck program for `config`, looked up once per configured path.
    fn shellcheck_runner(&self, config: &Config) -> Option<shellcheck::Runner> {
        let key = config.shellcheck_path.clone();
        lock(&self.inner.shellcheck_runners)
            .entry(key)
            .or_insert_with_key(|path| shellcheck::locate(path.as_deref()).ok())
            .clone()
    }
}

/// `config` with the registry facts fetched so far.
fn with_facts(mut config: Config, facts: &Arc<FactsTable>) -> Config {
    config.image_facts = facts.clone();
    config
}

fn server_capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            },
        )),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some(to_proto::SOURCE.to_owned()),
            inter_file_dependencies: false,
            workspace_diagnostics: false,
            work_done_progress_options: Default::default(),
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_lens_provider: Some(CodeLensOptions {
            resolve_provider: Some(false),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(code_actions::kinds()),
            resolve_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        completion_provider: Some(completion::capability()),
        signature_help_provider: Some(completion::signature_help_capability()),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        document_symbol_provider: Some(OneOf::Right(DocumentSymbolOptions {
            label: Some("Dockerfile".to_owned()),
            work_done_progress_options: Default::default(),
        })),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
        selection_range_provider: Some(SelectionRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(tokens::capability()),
        document_formatting_provider: Some(OneOf::Left(true)),
        document_range_formatting_provider: Some(OneOf::Left(true)),
        document_on_type_formatting_provider: Some(formatting::on_type_capability()),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![pin::COMMAND.to_owned()],
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let encoding = PositionEncoding::negotiate(caps);
        {
            let mut session = self
                .inner
                .session
                .write()
                .unwrap_or_else(|p| p.into_inner());
            session.encoding = encoding;
            session.pull_diagnostics = caps
                .text_document
                .as_ref()
                .is_some_and(|t| t.diagnostic.is_some());
            session.configuration = caps
                .workspace
                .as_ref()
                .and_then(|w| w.configuration)
                .unwrap_or(false);
            session.diagnostic_refresh = caps
                .workspace
                .as_ref()
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false);
            session.code_actions = code_actions::ClientSupport::from_capabilities(caps);
            session.markdown = lsp_hover::client_takes_markdown(caps);
            session.completion = completion::ClientSupport::from_capabilities(caps);
            session.navigation = navigation::ClientSupport::from_capabilities(caps);
            session.tokens = tokens::ClientSupport::from_capabilities(caps);
            let workspace = caps.workspace.as_ref();
            session.code_lens_refresh = workspace
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false);
            session.inlay_hint_refresh = workspace
                .and_then(|w| w.inlay_hint.as_ref())
                .and_then(|c| c.refresh_support)
                .unwrap_or(false);
            session.apply_edit = workspace.and_then(|w| w.apply_edit).unwrap_or(false);
            session.work_done_progress = caps
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false);
        }
        if let Some(options) = &params.initialization_options {
            // Nothing has been requested yet: no refresh needed.
            let _ = self.apply_settings(options);
        }
        tracing::info!(?encoding, "initialized");
        Ok(InitializeResult {
            capabilities: server_capabilities(encoding),
            server_info: Some(ServerInfo {
                name: "dockerfile-lsp".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.session().configuration {
            let mut changed = None;
            if let Some(value) = self.fetch_settings().await {
                if !value.is_null() {
                    changed = Some(self.apply_settings(&value));
                }
            }
            self.configuration_changed().await;
            if let Some(changed) = changed {
                self.refresh_features(changed).await;
            }
        }
        self.report_settings_warnings().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.inner.shut_down.store(true, Ordering::SeqCst);
        for (_, task) in lock(&self.inner.pending).drain() {
            task.abort();
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        // Every opened document is analysed, whatever its language id (Containerfile,
        // *.containerfile and *.dockerfile often arrive as plain text).
        let session = self.session();
        let file = settings::file_config(doc.uri.to_file_path().as_deref());
        let config = Arc::new(with_facts(
            settings::effective(&file, &session.settings),
            &session.facts,
        ));
        let delay = settings::delay_ms(&config);
        self.store()
            .open(doc.uri.clone(), &doc.text, doc.version, config);
        self.reparse_in_background(doc.uri.clone());
        if !session.pull_diagnostics {
            self.schedule(doc.uri, doc.version, delay);
        }
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let session = self.session();
        let (delay, retired) = {
            let mut store = self.store();
            // The previous version's analysis is freed off this path (`retire`).
            let retired = store.get_mut(&uri).and_then(|d| d.analysis.take());
            let delay = match store.change(&uri, &params.content_changes, version, session.encoding)
            {
                Some(_) => store.get(&uri).map(|d| settings::delay_ms(&d.config)),
                None => None,
            };
            (delay, retired)
        };
        if let Some(retired) = retired {
            Backend::retire(retired);
        }
        let Some(delay) = delay else {
            tracing::warn!(
                uri = uri.as_str(),
                "didChange for a document that is not open"
            );
            return;
        };
        self.reparse_in_background(uri.clone());
        if !session.pull_diagnostics {
            self.schedule(uri, version, delay);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        self.store().close(&uri);
        lock(&self.inner.shellcheck).remove(&uri);
        lock(&self.inner.tokens).forget(&uri);
        if let Some(task) = lock(&self.inner.pending).remove(&uri) {
            task.abort();
        }
        self.release_memory_soon();
        if !self.session().pull_diagnostics {
            self.inner
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        // A newer change that arrives while this one asks the client for its settings
        // makes this one moot: its answer may be older than the newer one's.
        let change = self.inner.settings_changes.fetch_add(1, Ordering::SeqCst) + 1;
        let fetched = if self.session().configuration {
            self.fetch_settings().await
        } else {
            None
        };
        if self.inner.settings_changes.load(Ordering::SeqCst) != change {
            return;
        }
        let changed = match fetched {
            Some(value) if !value.is_null() => Some(self.apply_settings(&value)),
            _ => settings::is_for_this_server(&params.settings)
                .then(|| self.apply_settings(&params.settings)),
        };
        self.configuration_changed().await;
        if let Some(changed) = changed {
            self.refresh_features(changed).await;
        }
        self.report_settings_warnings().await;
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let uri = params.text_document.uri;
        let encoding = self.session().encoding;
        let (items, result_id) = match self.analysis_for(&uri).await {
            None => (Vec::new(), None),
            Some(snapshot) => {
                let merged = self.with_shellcheck(&uri, &snapshot);
                // ShellCheck findings arrive later for the same version: they change the id.
                let result_id = format!(
                    "{}-{}-{}",
                    snapshot.config_generation,
                    snapshot.version,
                    merged.len()
                );
                if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
                    return Ok(DocumentDiagnosticReportResult::Report(
                        DocumentDiagnosticReport::Unchanged(
                            RelatedUnchangedDocumentDiagnosticReport {
                                related_documents: None,
                                unchanged_document_diagnostic_report:
                                    UnchangedDocumentDiagnosticReport { result_id },
                            },
                        ),
                    ));
                }
                let items =
                    to_proto::diagnostics(&snapshot.analysis, &merged, encoding, snapshot.version);
                (items, Some(result_id))
            }
        };
        Ok(DocumentDiagnosticReportResult::Report(
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport { result_id, items },
            }),
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some((snapshot, config)) = self.current(&uri).await else {
            return Ok(None);
        };
        let session = self.session();
        let actions = contained(&uri, "code actions", move || {
            let req = code_actions::Request {
                uri: &params.text_document.uri,
                snapshot: &snapshot,
                config: &config,
                encoding: session.encoding,
                support: session.code_actions,
            };
            code_actions::code_actions(&req, &params)
        })
        .await
        .unwrap_or_default();
        Ok(Some(actions))
    }

    async fn code_action_resolve(&self, mut action: CodeAction) -> Result<CodeAction> {
        if let Some(request) = action.data.as_ref().and_then(PinRequest::from_json) {
            match self.pin(request).await {
                Ok(edit) => action.edit = Some(edit),
                Err((kind, message)) => self.inner.client.show_message(kind, message).await,
            }
            return Ok(action);
        }
        let Some(uri) = action
            .data
            .as_ref()
            .and_then(|d| d.get("fixAll"))
            .and_then(|u| u.as_str())
            .and_then(|u| u.parse::<Uri>().ok())
        else {
            return Ok(action);
        };
        let Some((snapshot, config)) = self.current(&uri).await else {
            return Ok(action);
        };
        let session = self.session();
        let fallback = action.clone();
        let key = uri.clone();
        let resolved = contained(&key, "fix-all", move || {
            let req = code_actions::Request {
                uri: &uri,
                snapshot: &snapshot,
                config: &config,
                encoding: session.encoding,
                support: session.code_actions,
            };
            code_actions::resolve(&req, action)
        })
        .await
        .flatten();
        // An action for a version that is gone resolves to no edit: applying nothing is
        // better than applying edits computed for other text.
        Ok(resolved.unwrap_or(fallback))
    }

    /// Runs the pin command (clients without `codeAction/resolve`): looks the images up
    /// and asks the client to apply the edit.
    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        if params.command != pin::COMMAND {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(format!(
                "unknown command `{}`",
                params.command
            )));
        }
        let Some(request) = params.arguments.first().and_then(PinRequest::from_json) else {
            return Err(tower_lsp_server::jsonrpc::Error::invalid_params(
                "expected one argument: the pin request of a code action",
            ));
        };
        let title = request.title.clone();
        let message = match self.pin(request).await {
            Ok(edit) if !self.session().apply_edit => {
                let _ = edit;
                Some(error(format!(
                    "{title}: the editor cannot apply edits (workspace/applyEdit)"
                )))
            }
            Ok(edit) => match self.inner.client.apply_edit(edit).await {
                Ok(response) if response.applied => None,
                Ok(response) => Some(error(format!(
                    "{title}: the editor did not apply the edit{}",
                    response
                        .failure_reason
                        .map(|r| format!(" ({r})"))
                        .unwrap_or_default()
                ))),
                Err(err) => Some(error(format!("{title}: workspace/applyEdit failed: {err}"))),
            },
            Err(message) => Some(message),
        };
        if let Some((kind, message)) = message {
            self.inner.client.show_message(kind, message).await;
        }
        Ok(None)
    }

    /// The hover of the token under the cursor, preceded by one line per diagnostic
    /// there. Answered from the current version's analysis; `None` for unknown documents.
    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri;
        let Some((snapshot, config)) = self.current(&uri).await else {
            return Ok(None);
        };
        let session = self.session();
        let diagnostics = self.with_shellcheck(&uri, &snapshot);
        let hover = contained(&uri, "hover", move || {
            let analysis = &snapshot.analysis;
            let offset = position::offset_in(analysis, at.position, session.encoding);
            lsp_hover::hover(
                analysis,
                &diagnostics,
                &config,
                offset,
                session.encoding,
                session.markdown,
            )
        })
        .await
        .flatten();
        Ok(hover)
    }

    /// One lens per stage that something depends on; none when the setting is off.
    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        let session = self.session();
        if !session.features.code_lens {
            return Ok(Some(Vec::new()));
        }
        let Some((snapshot, _)) = self.current(&uri).await else {
            return Ok(None);
        };
        let lenses = contained(&uri, "code lens", move || {
            let analysis = &snapshot.analysis;
            code_lens::code_lenses(analysis)
                .into_iter()
                .map(|lens| CodeLens {
                    range: to_proto::range(analysis, lens.range, session.encoding),
                    // A title only: the lens explains, there is nothing to run.
                    command: Some(Command {
                        title: lens.title,
                        command: String::new(),
                        arguments: None,
                    }),
                    data: None,
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        Ok(Some(lenses))
    }

    /// Resolved variable values in the FROM lines of the requested range; none when the
    /// setting is off.
    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let uri = params.text_document.uri;
        let session = self.session();
        if !session.features.inlay_hints {
            return Ok(Some(Vec::new()));
        }
        let Some((snapshot, _)) = self.current(&uri).await else {
            return Ok(None);
        };
        let range = params.range;
        let hints = contained(&uri, "inlay hints", move || {
            let analysis = &snapshot.analysis;
            let (index, text) = (analysis.line_index(), analysis.text());
            let range = position::range_in(analysis, range, session.encoding);
            inlay_hints::inlay_hints(analysis, range)
                .into_iter()
                .map(|hint| InlayHint {
                    position: position::position_of(index, text, hint.offset, session.encoding),
                    label: InlayHintLabel::String(hint.label),
                    kind: None,
                    text_edits: None,
                    tooltip: hint.tooltip.map(|tip| {
                        if session.markdown {
                            InlayHintTooltip::MarkupContent(MarkupContent {
                                kind: MarkupKind::Markdown,
                                value: tip,
                            })
                        } else {
                            InlayHintTooltip::String(markdown::to_plaintext(&tip))
                        }
                    }),
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        Ok(Some(hints))
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        let context = params.context;
        Ok(self
            .answer(&at.text_document.uri, "completion", move |a, _, s| {
                completion::completion(a, at.position, context.as_ref(), s.encoding, s.completion)
            })
            .await
            .flatten())
    }

    async fn completion_resolve(&self, item: CompletionItem) -> Result<CompletionItem> {
        let support = self.session().completion;
        let fallback = item.clone();
        let label = item.label.clone();
        let resolved = contained_for(&label, "completion resolve", move || {
            completion::resolve(item, support)
        })
        .await;
        Ok(resolved.unwrap_or(fallback))
    }

    async fn signature_help(&self, params: SignatureHelpParams) -> Result<Option<SignatureHelp>> {
        let at = params.text_document_position_params;
        let context = params.context;
        Ok(self
            .answer(&at.text_document.uri, "signature help", move |a, _, s| {
                completion::signature_help(
                    a,
                    at.position,
                    context.as_ref(),
                    s.encoding,
                    s.completion,
                )
            })
            .await
            .flatten())
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let uri = at.text_document.uri.clone();
        Ok(self
            .answer(&at.text_document.uri, "definition", move |a, _, s| {
                navigation::definition(a, &uri, at.position, s.encoding)
            })
            .await
            .flatten())
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        let declaration = params.context.include_declaration;
        Ok(self
            .answer(&at.text_document.uri, "references", move |a, _, s| {
                navigation::references(a, &uri, at.position, declaration, s.encoding)
            })
            .await
            .flatten())
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        Ok(self
            .answer(
                &at.text_document.uri,
                "document highlight",
                move |a, _, s| navigation::document_highlight(a, at.position, s.encoding),
            )
            .await
            .flatten())
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let position = params.position;
        Ok(self
            .answer(
                &params.text_document.uri,
                "prepare rename",
                move |a, _, s| navigation::prepare_rename(a, position, s.encoding),
            )
            .await
            .flatten())
    }

    /// Renames a stage, variable or heredoc delimiter; an invalid new name is an
    /// `InvalidParams` error whose message the editor shows.
    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let uri = at.text_document.uri.clone();
        let new_name = params.new_name;
        let renamed = self
            .answer(&at.text_document.uri, "rename", move |a, _, s| {
                navigation::rename(a, &uri, at.position, &new_name, s.encoding)
            })
            .await;
        match renamed {
            Some(Ok(edit)) => Ok(edit),
            Some(Err(message)) => Err(tower_lsp_server::jsonrpc::Error::invalid_params(message)),
            None => Ok(None),
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        let key = uri.clone();
        Ok(self
            .answer(&key, "document symbols", move |a, _, s| {
                navigation::document_symbols(a, &uri, s.encoding, s.navigation)
            })
            .await
            .flatten())
    }

    /// Symbols of every open document whose name matches the query.
    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let documents = self.all_analyses().await;
        let encoding = self.session().encoding;
        let symbols = contained_for("workspace", "workspace symbols", move || {
            navigation::workspace_symbols(&documents, &params.query, encoding)
        })
        .await
        .unwrap_or_default();
        Ok(Some(WorkspaceSymbolResponse::Nested(symbols)))
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        Ok(self
            .answer(&params.text_document.uri, "document links", |a, _, s| {
                navigation::document_links(a, s.encoding)
            })
            .await)
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        Ok(self
            .answer_with_tree(&params.text_document.uri, "folding ranges", |a, tree, s| {
                tokens::folding_ranges(a, tree, s.tokens, s.encoding)
            })
            .await)
    }

    async fn selection_range(
        &self,
        params: SelectionRangeParams,
    ) -> Result<Option<Vec<SelectionRange>>> {
        let positions = params.positions;
        Ok(self
            .answer_with_tree(
                &params.text_document.uri,
                "selection ranges",
                move |a, tree, s| tokens::selection_ranges(a, tree, &positions, s.encoding),
            )
            .await)
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        let uri = params.text_document.uri;
        let (key, this) = (uri.clone(), self.clone());
        Ok(self
            .answer_with_tree(&key, "semantic tokens", move |a, tree, s| {
                tokens::full(&mut lock(&this.inner.tokens), &uri, a, tree, s.encoding)
            })
            .await
            .map(SemanticTokensResult::Tokens))
    }

    async fn semantic_tokens_full_delta(
        &self,
        params: SemanticTokensDeltaParams,
    ) -> Result<Option<SemanticTokensFullDeltaResult>> {
        let uri = params.text_document.uri;
        let (key, this) = (uri.clone(), self.clone());
        let previous = params.previous_result_id;
        Ok(self
            .answer_with_tree(&key, "semantic tokens delta", move |a, tree, s| {
                let mut cache = lock(&this.inner.tokens);
                tokens::full_delta(&mut cache, &uri, &previous, a, tree, s.encoding)
            })
            .await)
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let range = params.range;
        Ok(self
            .answer_with_tree(
                &params.text_document.uri,
                "semantic tokens range",
                move |a, tree, s| tokens::range(a, tree, range, s.encoding),
            )
            .await
            .map(SemanticTokensRangeResult::Tokens))
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        let options = params.options;
        Ok(self
            .answer(
                &params.text_document.uri,
                "formatting",
                move |a, config, s| formatting::format_document(a, &options, config, s.encoding),
            )
            .await)
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let (range, options) = (params.range, params.options);
        Ok(self
            .answer(
                &params.text_document.uri,
                "range formatting",
                move |a, config, s| {
                    formatting::format_range(a, range, &options, config, s.encoding)
                },
            )
            .await)
    }

    async fn on_type_formatting(
        &self,
        params: DocumentOnTypeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        let at = params.text_document_position;
        let (ch, options) = (params.ch, params.options);
        Ok(self
            .answer(
                &at.text_document.uri,
                "on-type formatting",
                move |a, config, s| {
                    formatting::format_on_type(a, at.position, &ch, &options, config, s.encoding)
                },
            )
            .await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[tokio::test]
    async fn a_panicking_analysis_is_contained() {
        let uri = Uri::from_str("file:///tmp/Dockerfile").unwrap();
        let out: Option<u32> = contained(&uri, "analysis", || panic!("boom")).await;
        assert_eq!(out, None);
        assert_eq!(contained(&uri, "analysis", || 7).await, Some(7));
    }

    #[tokio::test]
    async fn inside_a_request_a_panic_reaches_the_transport() {
        use futures::FutureExt;
        let uri = Uri::from_str("file:///tmp/Dockerfile").unwrap();
        let request = super::super::transport::tests::as_request(async move {
            contained(&uri, "hover", || -> u32 { panic!("boom in the pool") }).await
        });
        let caught = std::panic::AssertUnwindSafe(request).catch_unwind().await;
        let payload = caught.expect_err("the panic is raised again inside a request");
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom in the pool"));
    }

    /// A backend (its client unconnected) with `file:///tmp/Dockerfile` open at version
    /// 1 as `FROM alpine\nRUN echo hi\n`.
    async fn backend_with_open_document() -> (Backend, Uri) {
        use tower_lsp_server::ls_types::{DidOpenTextDocumentParams, TextDocumentItem};
        let (service, _socket) = crate::lsp::build_service();
        let backend = service.inner().clone();
        let uri = Uri::from_str("file:///tmp/Dockerfile").unwrap();
        backend
            .did_open(DidOpenTextDocumentParams {
                text_document: TextDocumentItem {
                    uri: uri.clone(),
                    language_id: "dockerfile".into(),
                    version: 1,
                    text: "FROM alpine\nRUN echo hi\n".into(),
                },
            })
            .await;
        (backend, uri)
    }

    /// Types `x` at line 1, `column` as `version`.
    async fn type_x(backend: &Backend, uri: &Uri, version: i32, column: u32) {
        use tower_lsp_server::ls_types::{
            Position, Range, TextDocumentContentChangeEvent, VersionedTextDocumentIdentifier,
        };
        let at = Position::new(1, column);
        backend
            .did_change(DidChangeTextDocumentParams {
                text_document: VersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                content_changes: vec![TextDocumentContentChangeEvent {
                    range: Some(Range::new(at, at)),
                    range_length: None,
                    text: "x".into(),
                }],
            })
            .await;
    }

    /// A change hands the replaced analysis to the freeing thread, which frees it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_replaced_analysis_is_freed() {
        let (backend, uri) = backend_with_open_document().await;
        let first = backend.analysis_for(&uri).await.expect("analysed");
        let weak = Arc::downgrade(&first.analysis);
        drop(first);
        type_x(&backend, &uri, 2, 4).await;
        assert!(backend.store().get(&uri).unwrap().analysis.is_none());
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while weak.upgrade().is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "the replaced analysis was never freed"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let second = backend.analysis_for(&uri).await.expect("analysed");
        assert_eq!(second.version, 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn edits_are_reparsed_in_the_background() {
        let (backend, uri) = backend_with_open_document().await;
        for (version, column) in (2..6).zip(8u32..) {
            type_x(&backend, &uri, version, column).await;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        loop {
            let (current, text, sexp) = {
                let store = backend.store();
                let doc = store.get(&uri).expect("open");
                (
                    doc.tree_is_current(),
                    doc.text(),
                    doc.tree().root_node().to_sexp(),
                )
            };
            if current {
                assert_eq!(text, "FROM alpine\nRUN echoxxxx hi\n");
                let fresh =
                    crate::syntax::tree::parse(&mut crate::syntax::tree::new_parser(), &text, None);
                assert_eq!(sexp, fresh.root_node().to_sexp());
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the tree was never reparsed"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[test]
    fn capabilities_advertise_the_negotiated_encoding() {
        let caps = server_capabilities(PositionEncoding::Utf8);
        assert_eq!(caps.position_encoding, Some(PositionEncodingKind::UTF8));
        assert!(caps.diagnostic_provider.is_some());
        assert!(caps.hover_provider.is_some());
        assert!(caps.code_lens_provider.is_some());
        assert_eq!(caps.inlay_hint_provider, Some(OneOf::Left(true)));
    }
}

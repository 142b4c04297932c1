//! The language server: the only module that imports LSP types.
//!
//! - [`position`]: the negotiated position encoding; LSP positions ↔ byte offsets through
//!   the rope, with clamping; tree-sitter points.
//! - [`document_store`]: open documents (rope + incremental tree + version + analysis).
//! - [`config`]: editor settings mapped into the core configuration.
//! - [`to_proto`]: core diagnostics to LSP diagnostics.
//! - [`code_actions`]: quick fixes from diagnostic `data`, suppressions, refactors and
//!   fix-all, as pure functions of a snapshot.
//! - [`hover`]: the hover (diagnostic lines, then the core hover), [`markdown`]: plain
//!   text for clients without Markdown.
//! - [`completion`]: completion, resolve and signature help; [`navigation`]: definition,
//!   references, highlights, rename, symbols and links; [`tokens`]: semantic tokens,
//!   folding and selection ranges from the tree-sitter tree and `queries/`;
//!   [`formatting`]: document, range and on-type formatting.
//! - [`pin`]: pinning images to digests (code actions, resolve / executeCommand with the
//!   registry lookup, the hover section of fetched facts).
//! - [`transport`]: `Content-Length` framing on stdio (or any streams): malformed
//!   messages get JSON-RPC errors, panicking handlers answer `InternalError`.
//! - [`server`]: the [`Backend`] that implements the protocol; code lenses and inlay
//!   hints are converted there from [`crate::ide::code_lens`] and
//!   [`crate::ide::inlay_hints`].
//!
//! Diagnostics: pushed (`textDocument/publishDiagnostics`), debounced per document and
//! tagged with the document version, unless the client declares pull support
//! (`textDocument.diagnostic`); then only `textDocument/diagnostic` answers, so an editor
//! never shows the same finding twice. Pull requests are answered in both modes.

pub mod code_actions;
pub mod completion;
pub mod config;
pub mod document_store;
pub mod formatting;
pub mod hover;
pub mod markdown;
pub mod navigation;
pub mod pin;
pub mod position;
pub mod server;
pub mod to_proto;
pub mod tokens;
pub mod transport;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{ClientSocket, LspService};

pub use server::Backend;

/// What gives freed memory back to the system (set by the binary, whose allocator it
/// knows); nothing until set.
static RELEASE_MEMORY: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets what [`release_memory`] calls (once; later calls are ignored).
pub fn set_memory_release(release: fn()) {
    let _ = RELEASE_MEMORY.set(release);
}

/// Gives freed memory back to the system, when the binary said how.
pub(crate) fn release_memory() {
    if let Some(release) = RELEASE_MEMORY.get() {
        release();
    }
}

/// The service and its client socket, for callers that run their own transport.
pub fn build_service() -> (LspService<Backend>, ClientSocket) {
    LspService::new(Backend::new)
}

/// [`build_service`] with the channel for notifications the server serialises itself
/// (see [`transport::RawNotifications`]), to hand to [`transport::serve_with`].
pub fn build_service_with_raw() -> (
    LspService<Backend>,
    ClientSocket,
    transport::RawNotifications,
) {
    let raw = transport::RawNotifications::default();
    let backend_raw = raw.clone();
    let (service, socket) =
        LspService::new(move |client| Backend::with_raw_notifications(client, backend_raw));
    (service, socket, raw)
}

/// Serves the protocol over any byte streams (a duplex pipe in tests) until `exit`, with
/// [`transport::serve`] (malformed messages are answered, panics contained).
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let (service, socket, raw) = build_service_with_raw();
    transport::serve_with(service, socket, input, output, Some(&raw)).await;
}

/// Serves the protocol on stdin/stdout until `exit`. Logging must go to stderr.
pub async fn serve_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}

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

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{ClientSocket, LspService, Server};

pub use server::Backend;

/// The service and its client socket, for callers that run their own transport.
pub fn build_service() -> (LspService<Backend>, ClientSocket) {
    LspService::new(Backend::new)
}

/// Serves the protocol over any byte streams (a duplex pipe in tests) until `exit`.
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = build_service();
    Server::new(input, output, socket).serve(service).await;
}

/// Serves the protocol on stdin/stdout until `exit`. Logging must go to stderr.
pub async fn serve_stdio() {
    serve(tokio::io::stdin(), tokio::io::stdout()).await;
}

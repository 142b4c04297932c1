//! Completion, `completionItem/resolve` and signature help: [`crate::ide::completion`]
//! and [`crate::ide::signature_help`] in LSP terms.

use tower_lsp_server::ls_types::*;

use super::position::PositionEncoding;
use crate::ide::Analysis;

/// What the client's completion and signature-help support takes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// `completionItem.snippetSupport`.
    pub snippets: bool,
    /// Documentation in Markdown (else plain text).
    pub markdown: bool,
}

impl ClientSupport {
    pub fn from_capabilities(_caps: &ClientCapabilities) -> ClientSupport {
        ClientSupport::default()
    }
}

/// The `completionProvider` capability.
pub fn capability() -> CompletionOptions {
    CompletionOptions {
        resolve_provider: Some(true),
        ..Default::default()
    }
}

/// The `signatureHelpProvider` capability.
pub fn signature_help_capability() -> SignatureHelpOptions {
    SignatureHelpOptions::default()
}

/// The completion items at `position`.
pub fn completion(
    _analysis: &Analysis,
    _position: Position,
    _context: Option<&CompletionContext>,
    _encoding: PositionEncoding,
    _support: ClientSupport,
) -> Option<CompletionResponse> {
    None
}

/// Adds documentation to an item (stateless: everything needed is in `item.data`).
pub fn resolve(item: CompletionItem, _support: ClientSupport) -> CompletionItem {
    item
}

/// The signature of the instruction (or directive, or flag) at `position`.
pub fn signature_help(
    _analysis: &Analysis,
    _position: Position,
    _context: Option<&SignatureHelpContext>,
    _encoding: PositionEncoding,
    _support: ClientSupport,
) -> Option<SignatureHelp> {
    None
}

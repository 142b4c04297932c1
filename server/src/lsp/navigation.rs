//! Go to definition, find references, document highlight, rename, document and
//! workspace symbols and document links: [`crate::ide::navigation`],
//! [`crate::ide::rename`], [`crate::ide::symbols`] and [`crate::ide::links`] in LSP terms.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::position::PositionEncoding;
use crate::ide::Analysis;

/// What the client's navigation support takes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// `documentSymbol.hierarchicalDocumentSymbolSupport`.
    pub hierarchical_symbols: bool,
}

impl ClientSupport {
    pub fn from_capabilities(_caps: &ClientCapabilities) -> ClientSupport {
        ClientSupport::default()
    }
}

pub fn definition(
    _analysis: &Analysis,
    _uri: &Uri,
    _position: Position,
    _encoding: PositionEncoding,
) -> Option<GotoDefinitionResponse> {
    None
}

pub fn references(
    _analysis: &Analysis,
    _uri: &Uri,
    _position: Position,
    _include_declaration: bool,
    _encoding: PositionEncoding,
) -> Option<Vec<Location>> {
    None
}

pub fn document_highlight(
    _analysis: &Analysis,
    _position: Position,
    _encoding: PositionEncoding,
) -> Option<Vec<DocumentHighlight>> {
    None
}

pub fn prepare_rename(
    _analysis: &Analysis,
    _position: Position,
    _encoding: PositionEncoding,
) -> Option<PrepareRenameResponse> {
    None
}

/// The edit renaming the symbol at `position`; `Err` with a message the user sees when
/// the new name is not valid for that symbol.
pub fn rename(
    _analysis: &Analysis,
    _uri: &Uri,
    _position: Position,
    _new_name: &str,
    _encoding: PositionEncoding,
) -> Result<Option<WorkspaceEdit>, String> {
    Ok(None)
}

pub fn document_symbols(
    _analysis: &Analysis,
    _encoding: PositionEncoding,
    _support: ClientSupport,
) -> Option<DocumentSymbolResponse> {
    None
}

/// Symbols matching `query` over the given open documents.
pub fn workspace_symbols(
    _documents: &[(Uri, Arc<Analysis>)],
    _query: &str,
    _encoding: PositionEncoding,
) -> Vec<WorkspaceSymbol> {
    Vec::new()
}

pub fn document_links(_analysis: &Analysis, _encoding: PositionEncoding) -> Vec<DocumentLink> {
    Vec::new()
}

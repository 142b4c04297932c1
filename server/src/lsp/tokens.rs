//! Semantic tokens (full, range, delta), folding ranges and selection ranges, computed
//! from the document's tree-sitter tree with the query files in `queries/dockerfile/`
//! ([`crate::ide::highlight`], [`crate::ide::folding`], [`crate::ide::selection`]).

use tower_lsp_server::ls_types::*;
use tree_sitter::Tree;

use super::position::PositionEncoding;
use crate::ide::Analysis;

/// What the client's folding support takes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// `foldingRange.lineFoldingOnly`.
    pub line_folding_only: bool,
    /// `foldingRange.rangeLimit`.
    pub folding_range_limit: Option<u32>,
}

impl ClientSupport {
    pub fn from_capabilities(_caps: &ClientCapabilities) -> ClientSupport {
        ClientSupport::default()
    }
}

/// The `semanticTokensProvider` capability (legend, full + delta, range).
pub fn capability() -> SemanticTokensServerCapabilities {
    SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions::default())
}

/// The last tokens sent per document, for `semanticTokens/full/delta`.
#[derive(Debug, Default)]
pub struct Cache {}

impl Cache {
    /// Forgets a closed document.
    pub fn forget(&mut self, _uri: &Uri) {}
}

/// `textDocument/semanticTokens/full`; the result is remembered for deltas.
pub fn full(
    _cache: &mut Cache,
    _uri: &Uri,
    _analysis: &Analysis,
    _tree: &Tree,
    _encoding: PositionEncoding,
) -> SemanticTokens {
    SemanticTokens::default()
}

/// `textDocument/semanticTokens/full/delta`.
pub fn full_delta(
    _cache: &mut Cache,
    _uri: &Uri,
    _previous_result_id: &str,
    _analysis: &Analysis,
    _tree: &Tree,
    _encoding: PositionEncoding,
) -> SemanticTokensFullDeltaResult {
    SemanticTokensFullDeltaResult::Tokens(SemanticTokens::default())
}

/// `textDocument/semanticTokens/range`.
pub fn range(
    _analysis: &Analysis,
    _tree: &Tree,
    _range: Range,
    _encoding: PositionEncoding,
) -> SemanticTokens {
    SemanticTokens::default()
}

pub fn folding_ranges(
    _analysis: &Analysis,
    _tree: &Tree,
    _support: ClientSupport,
    _encoding: PositionEncoding,
) -> Vec<FoldingRange> {
    Vec::new()
}

pub fn selection_ranges(
    _analysis: &Analysis,
    _tree: &Tree,
    _positions: &[Position],
    _encoding: PositionEncoding,
) -> Vec<SelectionRange> {
    Vec::new()
}

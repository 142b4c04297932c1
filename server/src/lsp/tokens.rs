//! Semantic tokens (full, range, delta), folding ranges and selection ranges, computed
//! from the document's tree-sitter tree with the query files in `queries/dockerfile/`
//! ([`crate::ide::highlight`], [`crate::ide::folding`], [`crate::ide::selection`]).
//!
//! The core hands out byte ranges; this module turns them into LSP lines and columns in
//! the negotiated encoding through the analysis' `LineIndex` (never tree-sitter points).
//! Tokens are single-line, sorted and non-overlapping, so every relative delta is
//! non-negative.

use std::collections::HashMap;

use tower_lsp_server::ls_types::*;
use tree_sitter::Tree;

use super::position::{offset_in, position_of, range_in, PositionEncoding};
use crate::ide::folding::{folds, FoldKind};
use crate::ide::highlight::{highlight, HighlightKind, HighlightToken};
use crate::ide::selection::selection_chain;
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
    /// Reads `textDocument.foldingRange` from the client's capabilities.
    pub fn from_capabilities(caps: &ClientCapabilities) -> ClientSupport {
        let folding = caps
            .text_document
            .as_ref()
            .and_then(|t| t.folding_range.as_ref());
        ClientSupport {
            line_folding_only: folding.and_then(|f| f.line_folding_only).unwrap_or(false),
            folding_range_limit: folding.and_then(|f| f.range_limit),
        }
    }
}

/// The token types of the legend, in legend order.
const TOKEN_TYPES: [SemanticTokenType; 13] = [
    SemanticTokenType::KEYWORD,
    SemanticTokenType::MACRO,
    SemanticTokenType::COMMENT,
    SemanticTokenType::STRING,
    SemanticTokenType::REGEXP,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::OPERATOR,
    SemanticTokenType::NUMBER,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::CLASS,
    SemanticTokenType::ENUM_MEMBER,
];

/// The token modifiers of the legend, in legend order (bit `i` is modifier `i`).
const TOKEN_MODIFIERS: [SemanticTokenModifier; 4] = [
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::READONLY,
    SemanticTokenModifier::DEPRECATED,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

/// The legend index of a kind.
fn token_type(kind: HighlightKind) -> u32 {
    match kind {
        HighlightKind::Keyword => 0,
        HighlightKind::Directive => 1,
        HighlightKind::Comment => 2,
        HighlightKind::String => 3,
        HighlightKind::Escape => 4,
        HighlightKind::Variable => 5,
        HighlightKind::Parameter => 6,
        HighlightKind::Property => 7,
        HighlightKind::Operator => 8,
        HighlightKind::Number => 9,
        HighlightKind::Namespace => 10,
        HighlightKind::Stage => 11,
        HighlightKind::Constant => 12,
    }
}

fn modifier_bits(token: &HighlightToken) -> u32 {
    let m = token.modifiers;
    u32::from(m.declaration)
        | u32::from(m.readonly) << 1
        | u32::from(m.deprecated) << 2
        | u32::from(m.default_library) << 3
}

/// The legend: token types and modifiers by index.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKEN_TYPES.to_vec(),
        token_modifiers: TOKEN_MODIFIERS.to_vec(),
    }
}

/// The `semanticTokensProvider` capability (legend, full + delta, range).
pub fn capability() -> SemanticTokensServerCapabilities {
    SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
        work_done_progress_options: WorkDoneProgressOptions::default(),
        legend: legend(),
        range: Some(true),
        full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
    })
}

/// The last tokens sent per document, for `semanticTokens/full/delta`.
#[derive(Debug, Default)]
pub struct Cache {
    /// The result id and data last sent for each document.
    last: HashMap<Uri, (String, Vec<SemanticToken>)>,
    /// The last result id handed out; ids are never reused.
    counter: u64,
}

impl Cache {
    /// Forgets a closed document.
    pub fn forget(&mut self, uri: &Uri) {
        self.last.remove(uri);
    }

    /// Remembers `data` as the latest result for `uri`, under a new id.
    fn store(&mut self, uri: &Uri, data: Vec<SemanticToken>) -> String {
        self.counter += 1;
        let id = self.counter.to_string();
        self.last.insert(uri.clone(), (id.clone(), data));
        id
    }
}

/// Encodes tokens (sorted, single-line) relative to each other, columns and lengths in
/// the negotiated encoding. A token that would start before the previous one ends is
/// skipped, so no delta is ever negative.
fn encode(
    analysis: &Analysis,
    tokens: &[HighlightToken],
    encoding: PositionEncoding,
) -> Vec<SemanticToken> {
    let text = analysis.text();
    let index = analysis.line_index();
    let mut data = Vec::with_capacity(tokens.len());
    let (mut prev_line, mut prev_start, mut prev_end_offset) = (0u32, 0u32, 0usize);
    for token in tokens {
        if token.range.start() < prev_end_offset || token.range.is_empty() {
            continue;
        }
        let start = position_of(index, text, token.range.start(), encoding);
        let end = position_of(index, text, token.range.end(), encoding);
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - prev_line;
        let delta_start = if delta_line == 0 {
            start.character - prev_start
        } else {
            start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: token_type(token.kind),
            token_modifiers_bitset: modifier_bits(token),
        });
        prev_line = start.line;
        prev_start = start.character;
        prev_end_offset = token.range.end();
    }
    data
}

fn all_tokens(analysis: &Analysis, tree: &Tree, encoding: PositionEncoding) -> Vec<SemanticToken> {
    encode(analysis, &highlight(analysis, tree, None), encoding)
}

/// `textDocument/semanticTokens/full`; the result is remembered for deltas.
pub fn full(
    cache: &mut Cache,
    uri: &Uri,
    analysis: &Analysis,
    tree: &Tree,
    encoding: PositionEncoding,
) -> SemanticTokens {
    let data = all_tokens(analysis, tree, encoding);
    let id = cache.store(uri, data.clone());
    SemanticTokens {
        result_id: Some(id),
        data,
    }
}

/// `textDocument/semanticTokens/full/delta`: one edit replacing the tokens between the
/// common prefix and the common suffix of the previous result, or the full tokens when
/// the previous result id is not the last one sent for this document.
pub fn full_delta(
    cache: &mut Cache,
    uri: &Uri,
    previous_result_id: &str,
    analysis: &Analysis,
    tree: &Tree,
    encoding: PositionEncoding,
) -> SemanticTokensFullDeltaResult {
    let data = all_tokens(analysis, tree, encoding);
    let previous = match cache.last.get(uri) {
        Some((id, old)) if id == previous_result_id => Some(old.clone()),
        _ => None,
    };
    let id = cache.store(uri, data.clone());
    match previous {
        None => SemanticTokensFullDeltaResult::Tokens(SemanticTokens {
            result_id: Some(id),
            data,
        }),
        Some(old) => SemanticTokensFullDeltaResult::TokensDelta(SemanticTokensDelta {
            result_id: Some(id),
            edits: diff(&old, &data).into_iter().collect(),
        }),
    }
}

/// The single edit turning `old` into `new`, or `None` when they are equal. `start` and
/// `deleteCount` count `u32`s of the wire format (five per token).
fn diff(old: &[SemanticToken], new: &[SemanticToken]) -> Option<SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let deleted = old.len() - prefix - suffix;
    let inserted = &new[prefix..new.len() - suffix];
    if deleted == 0 && inserted.is_empty() {
        return None;
    }
    Some(SemanticTokensEdit {
        start: 5 * prefix as u32,
        delete_count: 5 * deleted as u32,
        data: Some(inserted.to_vec()),
    })
}

/// `textDocument/semanticTokens/range`: the tokens that intersect `range`.
pub fn range(
    analysis: &Analysis,
    tree: &Tree,
    range: Range,
    encoding: PositionEncoding,
) -> SemanticTokens {
    let range = range_in(analysis, range, encoding);
    let tokens = highlight(analysis, tree, Some(range));
    SemanticTokens {
        result_id: None,
        data: encode(analysis, &tokens, encoding),
    }
}

/// `textDocument/foldingRange`: whole-line folds for clients with `lineFoldingOnly`,
/// otherwise with the first line's text kept visible; at most `rangeLimit` of them.
pub fn folding_ranges(
    analysis: &Analysis,
    tree: &Tree,
    support: ClientSupport,
    encoding: PositionEncoding,
) -> Vec<FoldingRange> {
    let text = analysis.text();
    let index = analysis.line_index();
    let mut ranges: Vec<FoldingRange> = folds(analysis, tree)
        .into_iter()
        .map(|fold| {
            let kind = match fold.kind {
                FoldKind::Comment => Some(FoldingRangeKind::Comment),
                FoldKind::Stage => Some(FoldingRangeKind::Region),
                FoldKind::Code => None,
            };
            let (start_character, end_character) = if support.line_folding_only {
                (None, None)
            } else {
                let first_line_end = index.line_range(text, fold.start_line as usize).end();
                (
                    Some(position_of(index, text, first_line_end, encoding).character),
                    Some(position_of(index, text, fold.range.end(), encoding).character),
                )
            };
            FoldingRange {
                start_line: fold.start_line,
                start_character,
                end_line: fold.end_line,
                end_character,
                kind,
                collapsed_text: None,
            }
        })
        .collect();
    if let Some(limit) = support.folding_range_limit {
        ranges.truncate(limit as usize);
    }
    ranges
}

/// `textDocument/selectionRange`: one chain per position, innermost first.
pub fn selection_ranges(
    analysis: &Analysis,
    tree: &Tree,
    positions: &[Position],
    encoding: PositionEncoding,
) -> Vec<SelectionRange> {
    let text = analysis.text();
    let index = analysis.line_index();
    positions
        .iter()
        .map(|&pos| {
            let offset = offset_in(analysis, pos, encoding);
            let chain = selection_chain(analysis, tree, offset);
            let mut result: Option<SelectionRange> = None;
            for r in chain.iter().rev() {
                result = Some(SelectionRange {
                    range: Range::new(
                        position_of(index, text, r.start(), encoding),
                        position_of(index, text, r.end(), encoding),
                    ),
                    parent: result.map(Box::new),
                });
            }
            result.unwrap_or(SelectionRange {
                range: Range::new(pos, pos),
                parent: None,
            })
        })
        .collect()
}

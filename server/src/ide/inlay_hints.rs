//! Inlay hints: the resolved value of variables in FROM lines.
//!
//! (Skeleton: filled in by the editor-wiring work.)

use crate::ide::Analysis;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint is shown (after the variable reference).
    pub offset: usize,
    pub label: String,
    /// Markdown: where the value comes from.
    pub tooltip: Option<String>,
}

/// Hints whose offset lies in `range`.
pub fn inlay_hints(_analysis: &Analysis, _range: TextRange) -> Vec<InlayHint> {
    Vec::new()
}

//! Code lenses: one per stage, on its FROM line, saying what depends on it.
//!
//! (Skeleton: filled in by the editor-wiring work.)

use crate::ide::Analysis;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageLens {
    /// The FROM keyword of the stage.
    pub range: TextRange,
    pub stage: usize,
    pub title: String,
}

pub fn code_lenses(_analysis: &Analysis) -> Vec<StageLens> {
    Vec::new()
}

//! Hover: what the token under the cursor means, in Markdown. Instruction keywords get
//! their documentation and the build-cache section; flags, mount options, directives,
//! variables, image references, stage names and heredoc markers get their own facts.
//!
//! (Skeleton: the interface other modules code against. Filled in by the hover work.)

use crate::config::Config;
use crate::ide::Analysis;
use crate::text::TextRange;

/// A hover: Markdown and the exact range of the hovered token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

/// The hover at a byte offset; `None` over whitespace, comments and plain text.
pub fn hover(_analysis: &Analysis, _config: &Config, _offset: usize) -> Option<HoverResult> {
    None
}

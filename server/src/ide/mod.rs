//! The analysis façade: one [`Analysis`] per document version, computed from the text
//! alone. Editor features and the command line read from it; it holds no I/O.

pub mod cache_explain;
pub mod code_lens;
pub mod completion;
pub mod docs;
pub mod folding;
pub mod format;
pub mod highlight;
pub mod hover;
pub mod inlay_hints;
pub mod links;
pub mod navigation;
pub mod pin;
pub mod rename;
pub mod selection;
pub mod signature_help;
pub mod symbols;

use std::sync::{Arc, OnceLock};

use crate::config::Config;
use crate::rules::{self, Diagnostic, RuleContext};
use crate::semantic::cache::CacheModel;
use crate::semantic::Model;
use crate::syntax::{self, Dockerfile};
use crate::text::LineIndex;

/// Everything derived from one text.
#[derive(Debug)]
pub struct Analysis {
    text: Arc<str>,
    syntax: Dockerfile,
    model: Model,
    line_index: LineIndex,
    /// Built on first use (rules that need it, hovers, code lenses).
    cache: OnceLock<CacheModel>,
}

impl Analysis {
    pub fn new(text: impl Into<Arc<str>>) -> Analysis {
        let text: Arc<str> = text.into();
        let syntax = syntax::parse(&text);
        let model = Model::build(&text, &syntax);
        let line_index = LineIndex::new(&text);
        Analysis {
            text,
            syntax,
            model,
            line_index,
            cache: OnceLock::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }
    pub fn syntax(&self) -> &Dockerfile {
        &self.syntax
    }
    pub fn model(&self) -> &Model {
        &self.model
    }
    pub fn line_index(&self) -> &LineIndex {
        &self.line_index
    }
    /// The build-cache model, built on first use.
    pub fn cache(&self) -> &CacheModel {
        self.cache
            .get_or_init(|| CacheModel::build(&self.text, &self.syntax, &self.model))
    }
    /// The lazily built cache model's cell, for a [`RuleContext`] over this analysis.
    pub fn cache_cell(&self) -> &OnceLock<CacheModel> {
        &self.cache
    }

    /// Runs every enabled rule. Never panics: a panicking rule is logged and skipped.
    pub fn diagnostics(&self, config: &Config) -> Vec<Diagnostic> {
        let ctx = RuleContext {
            text: &self.text,
            syntax: &self.syntax,
            model: &self.model,
            config,
            line_index: &self.line_index,
            cache: &self.cache,
        };
        rules::run(&ctx)
    }
}

/// `text` as inline code, with a fence long enough for the backticks it contains.
pub(crate) fn code_span(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    if longest > 0 || text.starts_with(' ') || text.ends_with(' ') {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::code_span;

    #[test]
    fn code_spans_fence_the_backticks_they_contain() {
        assert_eq!(code_span("a.txt"), "`a.txt`");
        assert_eq!(code_span("we`ird"), "`` we`ird ``");
        assert_eq!(code_span("a``b"), "``` a``b ```");
        assert_eq!(code_span(" lead"), "`  lead `");
    }
}

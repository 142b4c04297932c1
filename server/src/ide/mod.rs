//! The analysis façade: one [`Analysis`] per document version, computed from the text
//! alone. Editor features and the command line read from it; it holds no I/O.

use std::sync::Arc;

use crate::config::Config;
use crate::rules::{self, Diagnostic, RuleContext};
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

    /// Runs every enabled rule. Never panics: a panicking rule is logged and skipped.
    pub fn diagnostics(&self, config: &Config) -> Vec<Diagnostic> {
        let ctx = RuleContext {
            text: &self.text,
            syntax: &self.syntax,
            model: &self.model,
            config,
            line_index: &self.line_index,
        };
        rules::run(&ctx)
    }
}

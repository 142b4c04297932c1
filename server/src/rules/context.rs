//! What a rule sees: the text, the parsed Dockerfile, the semantic model and the config.

use std::sync::OnceLock;

use crate::config::Config;
use crate::semantic::cache::CacheModel;
use crate::semantic::Model;
use crate::syntax::Dockerfile;
use crate::text::LineIndex;

pub struct RuleContext<'a> {
    pub text: &'a str,
    pub syntax: &'a Dockerfile,
    pub model: &'a Model,
    pub config: &'a Config,
    pub line_index: &'a LineIndex,
    /// The build-cache model, built on first use: read it through [`RuleContext::cache`].
    pub cache: &'a OnceLock<CacheModel>,
}

impl RuleContext<'_> {
    /// The build-cache model of the text.
    pub fn cache(&self) -> &CacheModel {
        self.cache
            .get_or_init(|| CacheModel::build(self.text, self.syntax, self.model))
    }
}

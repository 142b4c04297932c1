//! What a rule sees: the text, the parsed Dockerfile, the semantic model and the config.

use crate::config::Config;
use crate::semantic::Model;
use crate::syntax::Dockerfile;
use crate::text::LineIndex;

pub struct RuleContext<'a> {
    pub text: &'a str,
    pub syntax: &'a Dockerfile,
    pub model: &'a Model,
    pub config: &'a Config,
    pub line_index: &'a LineIndex,
}

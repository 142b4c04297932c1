//! The semantic model ("hir" for Dockerfiles): stages, image references, the stage
//! graph, ARG/ENV scopes and shell views, built once per parse and read by every rule.

use crate::syntax::Dockerfile;

/// Facts derived from a parsed Dockerfile.
#[derive(Debug, Default)]
pub struct Model {}

impl Model {
    pub fn build(_text: &str, _syntax: &Dockerfile) -> Model {
        Model {}
    }
}

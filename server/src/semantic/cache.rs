//! The build-cache model: for every instruction, what its BuildKit cache key depends on
//! and which later steps are rebuilt when it changes. Pure analysis over the syntax and
//! the semantic [`Model`]; the `.dockerignore` part is a query that takes one.
//!
//! (Skeleton: the interface other modules code against. Filled in by the cache-model work.)

use crate::semantic::Model;
use crate::syntax::Dockerfile;

/// The cache model of one text.
#[derive(Debug, Default)]
pub struct CacheModel {}

impl CacheModel {
    pub fn build(_text: &str, _syntax: &Dockerfile, _model: &Model) -> CacheModel {
        CacheModel {}
    }

    /// Instruction indices (sorted, without `instruction` itself) of every step that is
    /// executed again when `instruction` changes, in its stage and in stages that depend
    /// on it.
    pub fn rebuilt_by(&self, _instruction: usize) -> Vec<usize> {
        Vec::new()
    }
}

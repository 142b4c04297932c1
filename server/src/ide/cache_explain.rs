//! The build cache in words: the "Build cache" section of an instruction's hover and the
//! per-stage code lens, rendered from [`crate::semantic::cache::CacheModel`].
//!
//! (Skeleton: the interface other modules code against. Filled in by the cache-model work.)

use crate::config::Config;
use crate::ide::Analysis;

/// The Markdown "Build cache" section for one instruction (index into
/// `Dockerfile::instructions`): what invalidates it, what changing it rebuilds, the
/// pitfall that applies. Starts with a `#### Build cache` heading. `None` when there is
/// nothing to say (e.g. a parse error line).
pub fn instruction_section(
    _analysis: &Analysis,
    _config: &Config,
    _instruction: usize,
) -> Option<String> {
    None
}

/// The code lens title of a stage (index into `Model::stages`), e.g.
/// "used by `final` via COPY --from; 12 steps". `None` when nothing depends on it and
/// nothing useful can be said.
pub fn stage_lens(_analysis: &Analysis, _stage: usize) -> Option<String> {
    None
}

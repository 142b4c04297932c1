//! Suppression comments: `# dockerfile-lsp ignore=<id>`, `# dockerfile-lsp global
//! ignore=<id>`, hadolint's `# hadolint ignore=DLxxxx` (mapped through the catalogue)
//! and BuildKit's `# check=skip=<Check>`.

use super::{RuleContext, RuleMeta};

/// The suppressions of one file.
#[derive(Debug, Default)]
pub struct Suppressions {}

impl Suppressions {
    pub fn collect(_ctx: &RuleContext<'_>) -> Suppressions {
        Suppressions {}
    }
    /// The rule is ignored for the whole file.
    pub fn file_ignores(&self, _rule: &RuleMeta) -> bool {
        false
    }
    /// The rule is ignored at `offset`.
    pub fn ignores(&self, _rule: &RuleMeta, _offset: usize) -> bool {
        false
    }
}

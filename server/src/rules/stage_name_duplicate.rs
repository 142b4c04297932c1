//! `stage-name-duplicate`: Two stages share a name.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "stage-name-duplicate",
        summary: "Two stages share a name",
        level: Error,
        fix: None,
        hadolint: ["DL3024"],
        buildkit: ["DuplicateStageName"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `empty-continuation-line`: Empty line inside a continued instruction.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "empty-continuation-line",
        summary: "Empty line inside a continued instruction",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["NoEmptyContinuation"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

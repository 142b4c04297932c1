//! `entrypoint-shell-ignores-cmd`: Shell-form ENTRYPOINT ignores CMD and run arguments.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "entrypoint-shell-ignores-cmd",
        summary: "Shell-form ENTRYPOINT ignores CMD and run arguments",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

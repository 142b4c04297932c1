//! `user-root-last`: Last USER of a stage is root.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "user-root-last",
        summary: "Last USER of a stage is root",
        level: Warning,
        fix: None,
        hadolint: ["DL3002"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

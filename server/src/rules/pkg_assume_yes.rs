//! `pkg-assume-yes`: Package install without a non-interactive yes flag.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "pkg-assume-yes",
        summary: "Package install without a non-interactive yes flag",
        level: Warning,
        fix: None,
        hadolint: ["DL3014", "DL3030", "DL3038", "DL3034"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `apk-no-cache`: apk add without --no-cache.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "apk-no-cache",
        summary: "apk add without --no-cache",
        level: Info,
        fix: None,
        hadolint: ["DL3019"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

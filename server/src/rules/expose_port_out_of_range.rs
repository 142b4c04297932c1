//! `expose-port-out-of-range`: EXPOSE port outside 0-65535.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "expose-port-out-of-range",
        summary: "EXPOSE port outside 0-65535",
        level: Error,
        fix: None,
        hadolint: ["DL3011"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

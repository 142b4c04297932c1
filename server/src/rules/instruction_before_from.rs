//! `instruction-before-from`: Instruction other than ARG before the first FROM.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "instruction-before-from",
        summary: "Instruction other than ARG before the first FROM",
        level: Error,
        fix: None,
        hadolint: ["DL3061"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

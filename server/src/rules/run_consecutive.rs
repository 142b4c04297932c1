//! `run-consecutive`: Consecutive RUN instructions that could be one.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "run-consecutive",
        summary: "Consecutive RUN instructions that could be one",
        level: Info,
        fix: None,
        hadolint: ["DL3059"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

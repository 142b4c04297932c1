//! `copy-context-before-deps`: Whole build context copied before dependencies are installed.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "copy-context-before-deps",
        summary: "Whole build context copied before dependencies are installed",
        level: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

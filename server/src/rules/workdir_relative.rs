//! `workdir-relative`: WORKDIR path is relative.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "workdir-relative",
        summary: "WORKDIR path is relative",
        level: Warning,
        fix: None,
        hadolint: ["DL3000"],
        buildkit: ["WorkdirRelativePath"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

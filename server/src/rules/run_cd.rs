//! `run-cd`: cd inside RUN instead of WORKDIR.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "run-cd",
        summary: "cd inside RUN instead of WORKDIR",
        level: Warning,
        fix: None,
        hadolint: ["DL3003"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `instruction-multiple`: More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "instruction-multiple",
        summary: "More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage",
        level: Warning,
        fix: None,
        hadolint: ["DL4003", "DL4004", "DL3012"],
        buildkit: ["MultipleInstructionsDisallowed"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `copy-from-unknown-stage`: COPY --from names no earlier stage.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "copy-from-unknown-stage",
        summary: "COPY --from names no earlier stage",
        level: Warning,
        fix: None,
        hadolint: ["DL3022"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

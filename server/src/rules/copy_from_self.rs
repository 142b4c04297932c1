//! `copy-from-self`: COPY --from names the stage it is in.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "copy-from-self",
        summary: "COPY --from names the stage it is in",
        level: Error,
        fix: None,
        hadolint: ["DL3023"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

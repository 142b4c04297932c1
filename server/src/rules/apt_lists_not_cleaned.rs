//! `apt-lists-not-cleaned`: apt package lists left in the layer.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "apt-lists-not-cleaned",
        summary: "apt package lists left in the layer",
        level: Info,
        fix: None,
        hadolint: ["DL3009"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

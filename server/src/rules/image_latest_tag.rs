//! `image-latest-tag`: Base image uses the latest tag.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "image-latest-tag",
        summary: "Base image uses the latest tag",
        level: Warning,
        fix: None,
        hadolint: ["DL3007"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

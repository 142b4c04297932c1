//! `image-untagged`: Base image has neither tag nor digest.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "image-untagged",
        summary: "Base image has neither tag nor digest",
        level: Warning,
        fix: None,
        hadolint: ["DL3006"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

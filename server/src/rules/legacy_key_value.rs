//! `legacy-key-value`: ENV or LABEL in the legacy `key value` form.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "legacy-key-value",
        summary: "ENV or LABEL in the legacy `key value` form",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["LegacyKeyValueFormat"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

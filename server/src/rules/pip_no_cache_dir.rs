//! `pip-no-cache-dir`: pip install keeps its download cache in the layer.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "pip-no-cache-dir",
        summary: "pip install keeps its download cache in the layer",
        level: Info,
        fix: None,
        hadolint: ["DL3042"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

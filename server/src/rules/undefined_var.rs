//! `undefined-var`: Variable is not defined at this point.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "undefined-var",
        summary: "Variable is not defined at this point",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["UndefinedVar"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

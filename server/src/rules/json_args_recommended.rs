//! `json-args-recommended`: Shell-form CMD or ENTRYPOINT.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "json-args-recommended",
        summary: "Shell-form CMD or ENTRYPOINT",
        level: Warning,
        fix: None,
        hadolint: ["DL3025"],
        buildkit: ["JSONArgsRecommended"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

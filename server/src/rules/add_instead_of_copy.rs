//! `add-instead-of-copy`: ADD used for local files where COPY is enough.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "add-instead-of-copy",
        summary: "ADD used for local files where COPY is enough",
        level: Warning,
        fix: None,
        hadolint: ["DL3020"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

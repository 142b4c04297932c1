//! `apt-no-install-recommends`: apt-get install without --no-install-recommends.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "apt-no-install-recommends",
        summary: "apt-get install without --no-install-recommends",
        level: Info,
        fix: None,
        hadolint: ["DL3015"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `apt-get-not-apt`: apt used in RUN instead of apt-get.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "apt-get-not-apt",
        summary: "apt used in RUN instead of apt-get",
        level: Warning,
        fix: None,
        hadolint: ["DL3027"],
        buildkit: [],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `maintainer-deprecated`: MAINTAINER is deprecated.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "maintainer-deprecated",
        summary: "MAINTAINER is deprecated",
        level: Warning,
        fix: None,
        hadolint: ["DL4000"],
        buildkit: ["MaintainerDeprecated"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `from-arg-undefined`: FROM uses a variable no global ARG declares.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "from-arg-undefined",
        summary: "FROM uses a variable no global ARG declares",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["UndefinedArgInFrom"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

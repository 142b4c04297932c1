//! `secret-in-arg-env`: ARG or ENV name looks like a secret.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// TODO(rule author): describe.
    pub(crate) RULE {
        id: "secret-in-arg-env",
        summary: "ARG or ENV name looks like a secret",
        level: Warning,
        fix: None,
        hadolint: ["DL3064"],
        buildkit: ["SecretsUsedInArgOrEnv"],
        check: check,
    }
}

fn check(_ctx: &RuleContext<'_>, _acc: &mut Diagnostics) {}

//! `label-key-invalid`: a LABEL key that breaks Docker's key conventions (DL3048).
//!
//! Also home of the LABEL helpers shared by the other `label-*` rules.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` key that does not follow Docker's guidelines for label keys,
    /// as hadolint's DL3048 does:
    /// - it starts with something other than a lowercase letter, or ends with something
    ///   other than a lowercase letter or digit;
    /// - it contains characters other than lowercase letters, digits, `.`, `-`, `_`
    ///   and `/` (uppercase letters included);
    /// - it has two separators in a row (`..`, `--`);
    /// - it is in a namespace Docker reserves for itself: `com.docker.*`,
    ///   `io.docker.*`, `org.dockerproject.*`.
    ///
    /// Keys with variables are checked after expansion when their value is known, and
    /// skipped otherwise. `ONBUILD LABEL` is checked too.
    ///
    /// Differences from hadolint (DL3048): like hadolint 2.15 we accept `_` and `/`
    /// inside a key (`build_version`, common in linuxserver.io images, is harmless:
    /// tools match keys byte for byte), although Docker's guidelines only list `.` and
    /// `-`. We expand a key's variables when their value is known
    /// (`ARG NS=io.docker` then `LABEL ${NS}.x=1` is reported); hadolint reads the
    /// key's text as written.
    ///
    /// ## Why is this bad?
    /// Labels are read by tools (registries, scanners, `docker ps --filter label=…`,
    /// Kubernetes tooling) that expect reverse-DNS, lowercase keys. `Version` and
    /// `version` are different labels, so mixed casing splits what should be one key;
    /// keys in Docker's reserved namespaces may be overwritten or given a meaning by
    /// Docker itself.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL Maintainer="team@example.com" com.docker.version="1.0" Build-Date="x"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.authors="team@example.com" com.example.version="1.0" com.example.build-date="x"
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: renaming a label breaks whatever reads the old key.
    ///
    /// ## References
    /// - hadolint DL3048
    /// - Docker docs: "Docker object labels", section "Label keys and values"
    pub(crate) RULE {
        id: "label-key-invalid",
        summary: "LABEL key breaks the key conventions",
        level: Hint,
        fix: None,
        hadolint: ["DL3048"],
        buildkit: [],
        check: check,
    }
}

/// One `key=value` of a LABEL (ONBUILD triggers included), expanded.
pub(super) struct LabelPair {
    /// Index of the instruction (the ONBUILD for a trigger).
    pub instruction: usize,
    /// The key after expansion and quote removal; `None` when it uses an unknown variable.
    pub key: Option<String>,
    pub key_range: TextRange,
    /// The key as written has no quotes, escapes or variables.
    pub key_literal: bool,
    /// The value after expansion; `None` when it uses an unknown variable.
    pub value: Option<String>,
    /// Where the value is written (the end of the key when there is none).
    pub value_range: TextRange,
    /// From a LABEL of an ONBUILD trigger.
    pub onbuild: bool,
}

/// Every LABEL pair in the file, in order.
pub(super) fn label_pairs(ctx: &RuleContext<'_>) -> Vec<LabelPair> {
    let mut out = Vec::new();
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Label {
            continue;
        }
        for pair in &eff.args.pairs {
            let raw_key = &pair.key.text;
            let key_literal = !raw_key.contains(['$', '"', '\'', '\\', '`']);
            let key = if key_literal {
                Some(raw_key.clone())
            } else {
                ctx.model.expand_at(i, raw_key)
            };
            let (value, value_range) = match &pair.value {
                Some(v) => (ctx.model.expand_at(i, &v.text), v.range),
                None => (Some(String::new()), TextRange::empty(pair.key.range.end())),
            };
            out.push(LabelPair {
                instruction: i,
                key,
                key_range: pair.key.range,
                key_literal,
                value,
                value_range,
                onbuild: inst.kind == Kind::Onbuild,
            });
        }
    }
    out
}

const RESERVED: &[&str] = &["com.docker.", "io.docker.", "org.dockerproject."];

/// Why `key` breaks the conventions, if it does.
fn problem(key: &str) -> Option<String> {
    if let Some(ns) = RESERVED.iter().find(|ns| key.starts_with(**ns)) {
        return Some(format!(
            "`{key}` is in the `{}*` namespace that Docker reserves; use your own reverse-DNS prefix.",
            ns
        ));
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_' | '/')))
    {
        let hint = if key.chars().any(|c| c.is_ascii_uppercase()) {
            format!(" (for example `{}`)", key.to_ascii_lowercase().replace('_', "-"))
        } else {
            String::new()
        };
        return Some(format!(
            "Label key `{key}` contains `{c}`: use only lowercase letters, digits, `.`, `-`, `_` and `/`{hint}."
        ));
    }
    if key.contains("..") || key.contains("--") {
        return Some(format!(
            "Label key `{key}` has two separators in a row; use single `.` or `-`."
        ));
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some(format!("Label key `{key}` must start with a lowercase letter."));
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some(format!(
            "Label key `{key}` must end with a lowercase letter or a digit."
        ));
    }
    None
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for pair in label_pairs(ctx) {
        let Some(key) = &pair.key else {
            continue;
        };
        if let Some(message) = problem(key) {
            acc.report(&RULE, pair.key_range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_bad_keys() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG NS=io.docker
LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
LABEL ${NS}.thing=7
ONBUILD LABEL org.dockerproject.y=8
LABEL Description "legacy form"
"#,
            expect![[r#"
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |       ^^^^^^^^^^^^ label-key-invalid: `com.docker.x` is in the `com.docker.*` namespace that Docker reserves; use your own reverse-DNS prefix.
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |                      ^^^^^^^^^^ label-key-invalid: Label key `Maintainer` contains `M`: use only lowercase letters, digits, `.`, `-`, `_` and `/` (for example `maintainer`).
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |                                      ^^^^^^^^ label-key-invalid: Label key `my:label` contains `:`: use only lowercase letters, digits, `.`, `-`, `_` and `/`.
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |                                                 ^^^^ label-key-invalid: Label key `.dot` must start with a lowercase letter.
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |                                                        ^^^^ label-key-invalid: Label key `a..b` has two separators in a row; use single `.` or `-`.
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |                                                               ^^^^ label-key-invalid: Label key `a-` must end with a lowercase letter or a digit.
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |                                                                      ^^^^ label-key-invalid: Label key `1abc` must start with a lowercase letter.
                3 | LABEL com.docker.x=1 Maintainer="me" my:label=2 .dot=3 a..b=4 "a-"=5 1abc=6 _ab=9
                  |                                                                             ^^^ label-key-invalid: Label key `_ab` must start with a lowercase letter.
                4 | LABEL ${NS}.thing=7
                  |       ^^^^^^^^^^^ label-key-invalid: `io.docker.thing` is in the `io.docker.*` namespace that Docker reserves; use your own reverse-DNS prefix.
                5 | ONBUILD LABEL org.dockerproject.y=8
                  |               ^^^^^^^^^^^^^^^^^^^ label-key-invalid: `org.dockerproject.y` is in the `org.dockerproject.*` namespace that Docker reserves; use your own reverse-DNS prefix.
                6 | LABEL Description "legacy form"
                  |       ^^^^^^^^^^^ label-key-invalid: Label key `Description` contains `D`: use only lowercase letters, digits, `.`, `-`, `_` and `/` (for example `description`).
            "#]],
        );
    }

    #[test]
    fn accepts_good_keys_and_unknown_variables() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG NS
LABEL org.opencontainers.image.source="https://x" maintainer="me" version=1 com.example.label3=x
LABEL "com.example.quoted"="y" ${NS}.x=1 $NS=2
# hadolint 2.15 accepts `_` and `/` inside a key
LABEL build_version="1.0" build_id=7 com.example/sub=x
"#,
        );
    }
}

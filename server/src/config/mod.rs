//! Configuration: which rules run and at which severity, merged from (lowest first)
//! rule defaults, a `.hadolint.yaml` (only when no own config exists), our
//! `dockerfile-lsp.toml` / `.dockerfile-lsp.toml`, and LSP settings.
//!
//! The [`Config`] value is pure data; `load` does the file I/O for the CLI and server.

pub mod load;

use std::collections::HashMap;

use crate::rules::{Level, RuleMeta};

/// Everything the analysis needs to know about the user's preferences.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Per-rule level overrides, keyed by rule id.
    pub rules: HashMap<String, Level>,
    /// Registries images may come from (`registry-untrusted`); empty means no check.
    pub trusted_registries: Vec<String>,
    /// Debounce before publishing diagnostics in the editor, in milliseconds.
    pub diagnostics_delay_ms: Option<u64>,
    /// The ShellCheck executable (a path, or a name looked up on `PATH`); `None`: `shellcheck` on `PATH`.
    pub shellcheck_path: Option<String>,
    /// ShellCheck codes (`SC2086`) never reported.
    pub shellcheck_ignored: Vec<String>,
}

impl Config {
    /// The level a rule runs at: the override if any, else the rule's default.
    pub fn level_of(&self, rule: &RuleMeta) -> Level {
        self.rules
            .get(rule.id)
            .copied()
            .unwrap_or(rule.default_level)
    }

    /// Overrides of `other` win over ours.
    pub fn merge(&mut self, other: &Config) {
        for (k, v) in &other.rules {
            self.rules.insert(k.clone(), *v);
        }
        if !other.trusted_registries.is_empty() {
            self.trusted_registries = other.trusted_registries.clone();
        }
        if other.diagnostics_delay_ms.is_some() {
            self.diagnostics_delay_ms = other.diagnostics_delay_ms;
        }
        if other.shellcheck_path.is_some() {
            self.shellcheck_path = other.shellcheck_path.clone();
        }
        for code in &other.shellcheck_ignored {
            if !self.shellcheck_ignored.contains(code) {
                self.shellcheck_ignored.push(code.clone());
            }
        }
    }
}

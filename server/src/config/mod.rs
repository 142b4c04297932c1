//! Configuration: which rules run and at which severity, merged from (lowest first)
//! rule defaults, a `.hadolint.yaml` (only when no own config exists), our
//! `dockerfile-lsp.toml` / `.dockerfile-lsp.toml`, and LSP settings.
//!
//! The [`Config`] value is pure data; `load` does the file I/O for the CLI and server.

pub mod build_context;
pub mod load;

use std::collections::HashMap;
use std::sync::Arc;

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
    /// Registry facts: the platforms (`linux/amd64`) each image reference offers, keyed
    /// by the reference as written or fully qualified (`base-image-platform-mismatch`).
    /// Empty until a registry client fills it.
    pub image_platforms: HashMap<String, Vec<String>>,
    /// The build context of the file (its `.dockerignore`), when it is on disk; `None`
    /// for standard input and untitled buffers (rules that need it stay silent).
    pub build_context: Option<Arc<build_context::BuildContext>>,
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
        for (k, v) in &other.image_platforms {
            self.image_platforms.insert(k.clone(), v.clone());
        }
        if other.build_context.is_some() {
            self.build_context = other.build_context.clone();
        }
    }
}

//! Configuration: which rules run and at which severity, merged from (lowest first)
//! rule defaults, a `.hadolint.yaml` (only when no own config exists), our
//! `dockerfile-lsp.toml` / `.dockerfile-lsp.toml`, and LSP settings.
//!
//! The [`Config`] value is pure data; `load` does the file I/O for the CLI and server.

pub mod build_context;
pub mod format;
pub mod load;
pub mod registry;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::rules::{Level, RuleMeta};

/// Everything the analysis needs to know about the user's preferences.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Per-rule level overrides, keyed by rule id.
    pub rules: HashMap<String, Level>,
    /// Registries images may come from (`registry-untrusted`); empty means no check.
    pub trusted_registries: Vec<String>,
    /// The label schema (`label-*` rules); empty and not strict means no label check.
    pub labels: LabelSchema,
    /// Debounce before publishing diagnostics in the editor, in milliseconds.
    pub diagnostics_delay_ms: Option<u64>,
    /// Registry facts: the platforms (`linux/amd64`) each image reference offers, keyed
    /// by the reference as written or fully qualified (`base-image-platform-mismatch`).
    /// Empty until a registry client fills it.
    pub image_platforms: HashMap<String, Vec<String>>,
    /// The build context of the file (its `.dockerignore`), when it is on disk; `None`
    /// for standard input and untitled buffers (rules that need it stay silent).
    pub build_context: Option<Arc<build_context::BuildContext>>,
    /// The ShellCheck executable (a path, or a name looked up on `PATH`); `None`: `shellcheck` on `PATH`.
    pub shellcheck_path: Option<String>,
    /// ShellCheck codes (`SC2086`) never reported.
    pub shellcheck_ignored: Vec<String>,
    /// Formatting preferences (`[format]`).
    pub format: format::FormatConfig,
    /// How the registry is asked (`[registry]`, `registry.*` settings).
    pub registry: registry::RegistryConfig,
    /// Registry facts already fetched, by tag (`image-digest-outdated`, hovers). The
    /// analysis only ever reads this table; the server fills it after lookups.
    pub image_facts: Arc<crate::semantic::FactsTable>,
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
        if other.labels != LabelSchema::default() {
            self.labels = other.labels.clone();
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
        if other.shellcheck_path.is_some() {
            self.shellcheck_path = other.shellcheck_path.clone();
        }
        self.format.merge(&other.format);
        self.registry.merge(&other.registry);
        if !other.image_facts.is_empty() {
            self.image_facts = other.image_facts.clone();
        }
        for code in &other.shellcheck_ignored {
            if !self.shellcheck_ignored.contains(code) {
                self.shellcheck_ignored.push(code.clone());
            }
        }
    }
}

/// Which labels an image must carry and what their values look like: hadolint's
/// `label-schema` / `strict-labels`, our `[labels]` table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSchema {
    /// Required label keys and the format of their values.
    pub required: BTreeMap<String, LabelType>,
    /// Labels not in `required` are reported (`label-superfluous`).
    pub strict: bool,
}

impl LabelSchema {
    /// No schema and not strict: the schema rules stay silent.
    pub fn is_empty(&self) -> bool {
        self.required.is_empty() && !self.strict
    }
}

/// The format of a label value (hadolint's names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelType {
    /// Anything, including an empty value check only.
    Text,
    /// An absolute URI (RFC 3986).
    Url,
    /// A date-time (RFC 3339).
    Rfc3339,
    /// An SPDX license expression.
    Spdx,
    /// A git commit hash (7 to 40 hex digits, or 64 for SHA-256 repositories).
    Hash,
    /// A semantic version (semver.org 2.0).
    Semver,
    /// An e-mail address.
    Email,
}

impl LabelType {
    pub fn parse(s: &str) -> Option<LabelType> {
        Some(match s.to_ascii_lowercase().as_str() {
            "text" | "rawtext" | "string" => LabelType::Text,
            "url" | "uri" => LabelType::Url,
            "rfc3339" | "date" | "datetime" => LabelType::Rfc3339,
            "spdx" => LabelType::Spdx,
            "hash" | "githash" | "git-hash" => LabelType::Hash,
            "semver" => LabelType::Semver,
            "email" => LabelType::Email,
            _ => return None,
        })
    }
    pub fn as_str(self) -> &'static str {
        match self {
            LabelType::Text => "text",
            LabelType::Url => "url",
            LabelType::Rfc3339 => "rfc3339",
            LabelType::Spdx => "spdx",
            LabelType::Hash => "hash",
            LabelType::Semver => "semver",
            LabelType::Email => "email",
        }
    }
}

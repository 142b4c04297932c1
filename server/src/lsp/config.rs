//! Editor settings (`initializationOptions`, `workspace/configuration` section
//! `dockerfileLsp`, `didChangeConfiguration`) mapped into a core [`Config`], and the
//! layering of those settings over the configuration files.

use std::path::Path;

use serde_json::Value;

use crate::config::format::Indent;
use crate::config::Config;
use crate::rules::{self, Level};

/// The settings section the server reads.
pub const SECTION: &str = "dockerfileLsp";

/// The debounce before diagnostics are published when nothing configures it.
pub const DEFAULT_DELAY_MS: u64 = 150;

/// Every setting the server reads, as dotted paths inside the `dockerfileLsp` section.
/// `rules` takes any rule id or hadolint code below it. A key outside this list yields an
/// "unknown setting" warning (a typo shows up instead of silently doing nothing), and
/// `tests/tidy` checks that the VS Code extension contributes each of them.
pub const KNOWN_SETTINGS: &[&str] = &[
    "diagnostics.delayMs",
    "rules",
    "trustedRegistries",
    "shellcheck.path",
    "shellcheck.ignore",
    "format.continuationIndent",
    "codeLens.enable",
    "inlayHints.enable",
    "registry.offline",
    "registry.timeoutMs",
    "registry.cacheTtlSeconds",
    "registry.insecureHosts",
    "registry.dockerConfig",
];

/// Whether a settings object pushed with `didChangeConfiguration` is meant for this
/// server: it has the `dockerfileLsp` section, or is that section itself (a key of
/// [`KNOWN_SETTINGS`] at the top). Clients push other things too: Eglot sends `{}` on
/// every connect, and a shared configuration may hold only other servers' sections;
/// applying those would reset the settings to their defaults.
pub fn is_for_this_server(pushed: &Value) -> bool {
    if pushed.get(SECTION).is_some() {
        return true;
    }
    pushed.as_object().is_some_and(|obj| {
        obj.keys().any(|key| {
            KNOWN_SETTINGS
                .iter()
                .any(|known| known.split('.').next() == Some(key.as_str()))
        })
    })
}

/// One warning per key of `section` that names no setting of [`KNOWN_SETTINGS`], nor a
/// group of them.
fn unknown_settings(section: &serde_json::Map<String, Value>, warnings: &mut Vec<String>) {
    for (key, value) in section {
        if KNOWN_SETTINGS.contains(&key.as_str()) {
            continue;
        }
        let prefix = format!("{key}.");
        let mut children = KNOWN_SETTINGS
            .iter()
            .filter_map(|known| known.strip_prefix(&prefix))
            .peekable();
        if children.peek().is_none() {
            warnings.push(format!("unknown setting `{key}`"));
            continue;
        }
        let children: Vec<&str> = children.collect();
        // A group that is not an object is reported by the group's own reader.
        if let Some(group) = value.as_object() {
            for child in group.keys() {
                if !children.contains(&child.as_str()) {
                    warnings.push(format!("unknown setting `{key}.{child}`"));
                }
            }
        }
    }
}

/// Maps a settings object into a [`Config`]. Accepts the section itself or an object
/// that wraps it under `dockerfileLsp`. Unknown keys, unknown rule ids and invalid values
/// are skipped; each one yields a warning.
///
/// ```json
/// { "rules": { "image-untagged": "off", "DL3008": "hint" },
///   "diagnostics": { "delayMs": 0 },
///   "trustedRegistries": ["docker.io"],
///   "shellcheck": { "path": "/usr/bin/shellcheck", "ignore": ["SC2086"] },
///   "format": { "continuationIndent": 4 } }
/// ```
pub fn config_from_settings(settings: &Value) -> (Config, Vec<String>) {
    let mut config = Config::default();
    let mut warnings = Vec::new();
    let settings = settings.get(SECTION).unwrap_or(settings);
    let Some(obj) = settings.as_object() else {
        if !settings.is_null() {
            warnings.push(format!("settings must be an object, got `{settings}`"));
        }
        return (config, warnings);
    };
    unknown_settings(obj, &mut warnings);
    if let Some(rules_value) = obj.get("rules") {
        match rules_value.as_object() {
            Some(map) => {
                for (key, value) in map {
                    let rule = rules::rule_by_id(key).or_else(|| rules::rule_by_hadolint_code(key));
                    let Some(rule) = rule else {
                        warnings.push(format!("unknown rule `{key}`"));
                        continue;
                    };
                    let level = match value {
                        Value::String(s) => Level::parse(s),
                        Value::Bool(false) => Some(Level::Off),
                        _ => None,
                    };
                    match level {
                        Some(level) => {
                            config.rules.insert(rule.id.to_owned(), level);
                        }
                        None => warnings.push(format!(
                            "rule `{key}`: expected \"off\", \"error\", \"warning\", \"info\" or \"hint\", got `{value}`"
                        )),
                    }
                }
            }
            None => warnings.push("`rules` must be an object".to_owned()),
        }
    }
    if let Some(diagnostics) = obj.get("diagnostics") {
        match diagnostics.get("delayMs") {
            None => {}
            Some(v) => match v.as_u64() {
                Some(ms) => config.diagnostics_delay_ms = Some(ms),
                None => warnings.push(format!(
                    "`diagnostics.delayMs` must be a non-negative integer, got `{v}`"
                )),
            },
        }
    }
    if let Some(registries) = obj.get("trustedRegistries") {
        match registries.as_array() {
            Some(items) => {
                config.trusted_registries = items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect();
            }
            None => warnings.push("`trustedRegistries` must be an array of strings".to_owned()),
        }
    }
    if let Some(sc) = obj.get("shellcheck") {
        match sc.get("path") {
            None | Some(Value::Null) => {}
            Some(Value::String(p)) => config.shellcheck_path = Some(p.clone()),
            Some(v) => warnings.push(format!("`shellcheck.path` must be a string, got `{v}`")),
        }
        match sc.get("ignore").map(Value::as_array) {
            None => {}
            Some(Some(codes)) => config
                .shellcheck_ignored
                .extend(codes.iter().filter_map(|v| v.as_str().map(str::to_owned))),
            Some(None) => warnings.push("`shellcheck.ignore` must be an array of codes".to_owned()),
        }
    }
    if let Some(format) = obj.get("format") {
        match format.get("continuationIndent") {
            None | Some(Value::Null) => {}
            Some(v) => {
                let indent = match v {
                    Value::Number(n) => n.as_i64().and_then(Indent::from_spaces),
                    Value::String(s) => Indent::from_name(s),
                    _ => None,
                };
                match indent {
                    Some(indent) => config.format.continuation_indent = Some(indent),
                    None => warnings.push(format!(
                        "`format.continuationIndent` must be a number of spaces (1 to 16) or \"tab\", got `{v}`"
                    )),
                }
            }
        }
    }
    if let Some(registry) = obj.get("registry") {
        read_registry(registry, &mut config, &mut warnings);
    }
    (config, warnings)
}

/// `registry`: `offline`, `timeoutMs`, `cacheTtlSeconds`, `insecureHosts`,
/// `dockerConfig` (see [`crate::config::registry::RegistryConfig`]).
fn read_registry(value: &Value, config: &mut Config, warnings: &mut Vec<String>) {
    let Some(obj) = value.as_object() else {
        if !value.is_null() {
            warnings.push(format!("`registry` must be an object, got `{value}`"));
        }
        return;
    };
    let registry = &mut config.registry;
    for (key, value) in obj {
        if value.is_null() {
            continue;
        }
        match key.as_str() {
            "offline" => match value.as_bool() {
                Some(b) => registry.offline = Some(b),
                None => warnings.push(format!(
                    "`registry.offline` must be true or false, got `{value}`"
                )),
            },
            "timeoutMs" => match value.as_u64().filter(|ms| *ms > 0) {
                Some(ms) => registry.timeout_ms = Some(ms),
                None => warnings.push(format!(
                    "`registry.timeoutMs` must be a positive integer, got `{value}`"
                )),
            },
            "cacheTtlSeconds" => match value.as_u64() {
                Some(s) => registry.cache_ttl_secs = Some(s),
                None => warnings.push(format!(
                    "`registry.cacheTtlSeconds` must be a non-negative integer, got `{value}`"
                )),
            },
            "insecureHosts" => match value.as_array() {
                Some(items) => {
                    registry.insecure_hosts = items
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                }
                None => {
                    warnings.push("`registry.insecureHosts` must be an array of hosts".to_owned())
                }
            },
            "dockerConfig" => match value.as_str() {
                Some(dir) => registry.docker_config = Some(dir.to_owned()),
                None => warnings.push(format!(
                    "`registry.dockerConfig` must be a folder path, got `{value}`"
                )),
            },
            // Reported by `unknown_settings`.
            _ => {}
        }
    }
}

/// Editor features that are not part of the analysis: they live in the session, not in
/// the core [`Config`]. Both are on unless a setting turns them off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// `codeLens.enable`: the per-stage lenses.
    pub code_lens: bool,
    /// `inlayHints.enable`: resolved variable values in FROM lines.
    pub inlay_hints: bool,
}

impl Default for Features {
    fn default() -> Features {
        Features {
            code_lens: true,
            inlay_hints: true,
        }
    }
}

/// Reads `codeLens.enable` and `inlayHints.enable` from a settings object (the section
/// itself or an object that wraps it under `dockerfileLsp`). Missing keys keep the
/// default; a value that is not a boolean keeps it too and yields a warning.
///
/// ```json
/// { "codeLens": { "enable": false }, "inlayHints": { "enable": true } }
/// ```
pub fn features_from_settings(settings: &Value) -> (Features, Vec<String>) {
    let mut features = Features::default();
    let mut warnings = Vec::new();
    let settings = settings.get(SECTION).unwrap_or(settings);
    let mut read =
        |key: &str, slot: &mut bool| match settings.get(key).and_then(|v| v.get("enable")) {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => *slot = *b,
            Some(v) => warnings.push(format!("`{key}.enable` must be true or false, got `{v}`")),
        };
    read("codeLens", &mut features.code_lens);
    read("inlayHints", &mut features.inlay_hints);
    (features, warnings)
}

/// The configuration found on disk for a document (file configs by walking up).
pub fn file_config(path: Option<&Path>) -> Config {
    match path {
        Some(path) => crate::config::load::config_for_path(path),
        None => Config::default(),
    }
}

/// The configuration a document is analysed with: settings layered over the file config.
pub fn effective(file: &Config, settings: &Config) -> Config {
    let mut config = file.clone();
    config.merge(settings);
    config
}

/// The debounce delay a configuration asks for.
pub fn delay_ms(config: &Config) -> u64 {
    config.diagnostics_delay_ms.unwrap_or(DEFAULT_DELAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Severity;
    use serde_json::json;

    #[test]
    fn maps_registry_settings() {
        let (config, warnings) = config_from_settings(&json!({
            "registry": {
                "offline": true,
                "timeoutMs": 1500,
                "cacheTtlSeconds": 0,
                "insecureHosts": ["reg.lan:5000"],
                "dockerConfig": "/tmp/dc"
            }
        }));
        assert!(warnings.is_empty(), "{warnings:?}");
        let r = &config.registry;
        assert_eq!(
            (
                r.offline(),
                r.timeout_ms,
                r.cache_ttl_secs,
                r.docker_config.as_deref()
            ),
            (true, Some(1500), Some(0), Some("/tmp/dc"))
        );
        assert_eq!(r.insecure_hosts, ["reg.lan:5000"]);
        let (config, warnings) = config_from_settings(&json!({
            "registry": { "timeoutMs": -1, "insecureHosts": "x", "proxy": 1 }
        }));
        assert_eq!(config.registry, Default::default());
        let mut warnings = warnings;
        warnings.sort_unstable();
        assert_eq!(
            warnings,
            [
                "`registry.insecureHosts` must be an array of hosts",
                "`registry.timeoutMs` must be a positive integer, got `-1`",
                "unknown setting `registry.proxy`",
            ]
        );
    }

    #[test]
    fn maps_rules_and_delay() {
        let (config, warnings) = config_from_settings(&json!({
            "rules": { "syntax-error": "warning" },
            "diagnostics": { "delayMs": 0 },
            "trustedRegistries": ["docker.io"]
        }));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            config.rules.get("syntax-error"),
            Some(&Level::On(Severity::Warning))
        );
        assert_eq!(config.diagnostics_delay_ms, Some(0));
        assert_eq!(config.trusted_registries, vec!["docker.io".to_owned()]);
    }

    #[test]
    fn maps_the_continuation_indent() {
        let (config, warnings) =
            config_from_settings(&json!({ "format": { "continuationIndent": 2 } }));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.format.continuation_indent, Some(Indent::Spaces(2)));
        let (config, _) =
            config_from_settings(&json!({ "format": { "continuationIndent": "tab" } }));
        assert_eq!(config.format.continuation_indent, Some(Indent::Tab));
        let (config, warnings) =
            config_from_settings(&json!({ "format": { "continuationIndent": 40 } }));
        assert_eq!(config.format.continuation_indent, None);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn accepts_the_wrapped_section_and_off() {
        let (config, warnings) = config_from_settings(
            &json!({ "dockerfileLsp": { "rules": { "syntax-error": "off" } } }),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.rules.get("syntax-error"), Some(&Level::Off));
        let (config, _) = config_from_settings(&json!({ "rules": { "syntax-error": false } }));
        assert_eq!(config.rules.get("syntax-error"), Some(&Level::Off));
    }

    #[test]
    fn bad_values_warn_and_are_skipped() {
        let (config, warnings) = config_from_settings(&json!({
            "rules": { "no-such-rule": "off", "syntax-error": "loud" },
            "diagnostics": { "delayMs": -5 }
        }));
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        let (config, warnings) = config_from_settings(&Value::Null);
        assert_eq!(config, Config::default());
        assert!(warnings.is_empty());
        let (_, warnings) = config_from_settings(&json!(3));
        assert_eq!(warnings.len(), 1);
    }

    #[test]
    fn pushed_settings_for_other_servers_are_recognised() {
        assert!(is_for_this_server(&json!({ "dockerfileLsp": {} })));
        assert!(is_for_this_server(&json!({ "rules": { "run-cd": "off" } })));
        assert!(is_for_this_server(&json!({ "registry": {} })));
        assert!(!is_for_this_server(&json!({})));
        assert!(!is_for_this_server(&Value::Null));
        assert!(!is_for_this_server(&json!({ "yaml": { "schemas": {} } })));
        assert!(!is_for_this_server(&json!([1])));
    }

    #[test]
    fn unknown_settings_are_named() {
        let (config, mut warnings) = config_from_settings(&json!({ "dockerfileLsp": {
            "diagnostic": { "delayMs": 0 },
            "diagnostics": { "delay": 0, "delayMs": 5 },
            "codeLens": { "enabled": false },
            "rules": { "syntax-error": "off" },
            "server": { "path": "/x" }
        } }));
        warnings.sort_unstable();
        assert_eq!(
            warnings,
            [
                "unknown setting `codeLens.enabled`",
                "unknown setting `diagnostic`",
                "unknown setting `diagnostics.delay`",
                "unknown setting `server`",
            ]
        );
        // The known ones still apply.
        assert_eq!(config.diagnostics_delay_ms, Some(5));
        assert_eq!(config.rules.get("syntax-error"), Some(&Level::Off));
        // Every known setting, written with a valid value, yields no warning.
        let (_, warnings) = config_from_settings(&json!({
            "diagnostics": { "delayMs": 1 },
            "rules": {},
            "trustedRegistries": [],
            "shellcheck": { "path": "sc", "ignore": [] },
            "format": { "continuationIndent": 2 },
            "codeLens": { "enable": true },
            "inlayHints": { "enable": true },
            "registry": { "offline": true, "timeoutMs": 1, "cacheTtlSeconds": 1,
                          "insecureHosts": [], "dockerConfig": "d" }
        }));
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn editor_features_default_on_and_can_be_turned_off() {
        let (features, warnings) = features_from_settings(&Value::Null);
        assert_eq!(features, Features::default());
        assert!(features.code_lens && features.inlay_hints);
        assert!(warnings.is_empty());
        let (features, warnings) = features_from_settings(&json!({
            "dockerfileLsp": { "codeLens": { "enable": false }, "inlayHints": { "enable": true } }
        }));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            features,
            Features {
                code_lens: false,
                inlay_hints: true
            }
        );
        let (features, warnings) =
            features_from_settings(&json!({ "inlayHints": { "enable": "no" }, "codeLens": 3 }));
        assert_eq!(features, Features::default());
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        // The analysis settings ignore these keys without complaint.
        let (config, warnings) = config_from_settings(&json!({ "codeLens": { "enable": false } }));
        assert_eq!(config, Config::default());
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn settings_layer_over_the_file_config() {
        let mut file = Config::default();
        file.rules.insert("syntax-error".into(), Level::Off);
        file.diagnostics_delay_ms = Some(40);
        let (settings, _) = config_from_settings(&json!({ "rules": { "syntax-error": "hint" } }));
        let merged = effective(&file, &settings);
        assert_eq!(
            merged.rules.get("syntax-error"),
            Some(&Level::On(Severity::Hint))
        );
        assert_eq!(delay_ms(&merged), 40);
        assert_eq!(delay_ms(&Config::default()), DEFAULT_DELAY_MS);
    }
}

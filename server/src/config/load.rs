//! Finding and reading configuration files: `dockerfile-lsp.toml` / `.dockerfile-lsp.toml`
//! found by walking up from a Dockerfile, else hadolint's `.hadolint.yaml` found the same way,
//! else hadolint's per-user file. Nothing is cached: callers ask once per file.

use std::path::{Path, PathBuf};

use super::format::Indent;
use super::{Config, LabelType};
use crate::rules::{self, Level, RuleMeta, Severity};

/// The names of our own configuration file, in the order they are looked for in a directory.
pub const OWN_CONFIG_NAMES: &[&str] = &["dockerfile-lsp.toml", ".dockerfile-lsp.toml"];

/// The names of hadolint's project configuration file, in the order they are looked for.
pub const HADOLINT_CONFIG_NAMES: &[&str] = &[".hadolint.yaml", ".hadolint.yml"];

/// Which format a configuration file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfigFormat {
    /// Our own TOML file.
    Toml,
    /// hadolint's YAML file (`ignored`, `override`, `trustedRegistries`).
    Hadolint,
}

impl ConfigFormat {
    /// Guesses the format from a file name: `.yaml`/`.yml` is hadolint's, anything else TOML.
    pub fn from_path(path: &Path) -> ConfigFormat {
        match path.extension().and_then(|e| e.to_str()) {
            Some(ext) if ext.eq_ignore_ascii_case("yaml") || ext.eq_ignore_ascii_case("yml") => {
                ConfigFormat::Hadolint
            }
            _ => ConfigFormat::Toml,
        }
    }
}

/// How serious a problem found while reading a configuration file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageKind {
    /// The file could not be read or parsed; its settings were not applied.
    Error,
    /// A setting was not understood and was skipped; the rest of the file applies.
    Warning,
}

/// A problem found while reading a configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigMessage {
    pub path: PathBuf,
    pub kind: MessageKind,
    pub message: String,
}

impl std::fmt::Display for ConfigMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            MessageKind::Error => "error",
            MessageKind::Warning => "warning",
        };
        write!(f, "{kind}: {}: {}", self.path.display(), self.message)
    }
}

/// The configuration that applies to one file, where it came from and what went wrong.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedConfig {
    pub config: Config,
    /// The file the configuration was read from; `None` means rule defaults.
    pub source: Option<PathBuf>,
    pub messages: Vec<ConfigMessage>,
}

impl LoadedConfig {
    /// True when a configuration file could not be read or parsed.
    pub fn has_errors(&self) -> bool {
        self.messages.iter().any(|m| m.kind == MessageKind::Error)
    }
}

/// The parts of the process environment that configuration discovery reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    /// `$XDG_CONFIG_HOME`, when set and not empty.
    pub xdg_config_home: Option<PathBuf>,
    /// `$HOME`, when set and not empty.
    pub home: Option<PathBuf>,
}

impl Environment {
    /// Reads `XDG_CONFIG_HOME` and `HOME` from the running process.
    pub fn from_process() -> Environment {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        Environment {
            xdg_config_home: var("XDG_CONFIG_HOME"),
            home: var("HOME"),
        }
    }

    /// hadolint's per-user directory: `$XDG_CONFIG_HOME`, else `$HOME/.config`.
    fn user_config_dir(&self) -> Option<PathBuf> {
        self.xdg_config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")))
    }
}

/// The configuration for the Dockerfile at `path`; problems are dropped (see
/// [`load_for_path`] to see them).
pub fn config_for_path(path: &Path) -> Config {
    load_for_path(path).config
}

/// The configuration for the Dockerfile at `path`, with the problems met on the way.
pub fn load_for_path(path: &Path) -> LoadedConfig {
    let mut loaded = load_for_path_with(path, &Environment::from_process());
    loaded.config.build_context = super::build_context::discover(path).map(std::sync::Arc::new);
    loaded
}

/// Like [`load_for_path`] with an explicit environment (used by tests).
pub fn load_for_path_with(path: &Path, env: &Environment) -> LoadedConfig {
    match find_config_file(path, env) {
        Some(found) => load_file_as(&found, ConfigFormat::from_path(&found)),
        None => LoadedConfig::default(),
    }
}

/// The configuration file that applies to `path` (a file or a directory): the nearest
/// own file walking up to the root, else the nearest `.hadolint.yaml`, else hadolint's
/// per-user file.
pub fn find_config_file(path: &Path, env: &Environment) -> Option<PathBuf> {
    let start = start_dir(path);
    if let Some(found) = walk_up(&start, OWN_CONFIG_NAMES) {
        return Some(found);
    }
    if let Some(found) = walk_up(&start, HADOLINT_CONFIG_NAMES) {
        return Some(found);
    }
    let user_dir = env.user_config_dir()?;
    ["hadolint.yaml", "hadolint.yml"]
        .iter()
        .map(|name| user_dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// The directory the upward search starts from, made absolute so it can reach the root.
fn start_dir(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if absolute.is_dir() {
        absolute
    } else {
        absolute.parent().map(Path::to_path_buf).unwrap_or(absolute)
    }
}

/// The first file named one of `names` in `start` or one of its ancestors.
fn walk_up(start: &Path, names: &[&str]) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        names
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// Reads a configuration file given explicitly (`--config`); the format follows its extension.
pub fn load_file(path: &Path) -> LoadedConfig {
    load_file_as(path, ConfigFormat::from_path(path))
}

/// Reads a configuration file in a known format.
pub fn load_file_as(path: &Path, format: ConfigFormat) -> LoadedConfig {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            return LoadedConfig {
                config: Config::default(),
                source: Some(path.to_path_buf()),
                messages: vec![ConfigMessage {
                    path: path.to_path_buf(),
                    kind: MessageKind::Error,
                    message: format!("cannot read configuration: {err}"),
                }],
            }
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    let (config, problems) = match format {
        ConfigFormat::Toml => parse_toml(&text),
        ConfigFormat::Hadolint => parse_hadolint(&text),
    };
    LoadedConfig {
        config,
        source: Some(path.to_path_buf()),
        messages: problems
            .into_iter()
            .map(|(kind, message)| ConfigMessage {
                path: path.to_path_buf(),
                kind,
                message,
            })
            .collect(),
    }
}

/// A rule named by its id, a hadolint code (`DL3006`) or a BuildKit check name.
pub fn resolve_rule(name: &str) -> Option<&'static RuleMeta> {
    rules::rule_by_id(name)
        .or_else(|| rules::rule_by_hadolint_code(name))
        .or_else(|| rules::rule_by_buildkit_name(name))
}

/// The known rule id closest to `name`, for "did you mean" hints.
pub fn nearest_rule_id(name: &str) -> Option<&'static str> {
    let lowered = name.to_ascii_lowercase();
    rules::all_rules()
        .iter()
        .map(|r| (strsim::damerau_levenshtein(&lowered, r.id), r.id))
        .filter(|(distance, id)| *distance <= (id.len() / 2).max(2))
        .min()
        .map(|(_, id)| id)
}

/// A problem found while parsing, before the file name is attached.
type Problem = (MessageKind, String);

/// Parses our TOML schema: `[rules] id = "level"`, `trusted-registries = [..]`,
/// `[labels] schema = {..}, strict = bool`, `[diagnostics] delay-ms = N`,
/// `[format] continuation-indent = 4 | "tab"`, `[registry] offline = bool, timeout-ms = N,
/// cache-ttl-seconds = N, insecure-hosts = [..], docker-config = "dir"`. Unknown keys and
/// rule ids are warnings.
pub fn parse_toml(text: &str) -> (Config, Vec<Problem>) {
    let mut config = Config::default();
    let mut problems = Vec::new();
    let table: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(err) => {
            let message = format!("invalid TOML: {}", err.message());
            let message = match err.span() {
                Some(span) => {
                    let line = text[..span.start.min(text.len())].lines().count().max(1);
                    format!("{message} (line {line})")
                }
                None => message,
            };
            return (config, vec![(MessageKind::Error, message)]);
        }
    };
    for (key, value) in &table {
        match key.as_str() {
            "rules" => match value.as_table() {
                Some(rules) => {
                    for (id, level) in rules {
                        apply_rule_level(&mut config, &mut problems, id, level);
                    }
                }
                None => problems.push(warning("`rules` must be a table of `rule-id = \"level\"`")),
            },
            "shellcheck" => parse_shellcheck_table(&mut config, &mut problems, value),
            "format" => parse_format_table(&mut config, &mut problems, value),
            "registry" => parse_registry_table(&mut config, &mut problems, value),
            "trusted-registries" => match string_list(value) {
                Some(list) => config.trusted_registries = list,
                None => problems.push(warning(
                    "`trusted-registries` must be a string or a list of strings",
                )),
            },
            "labels" => match value.as_table() {
                Some(labels) => parse_toml_labels(&mut config, &mut problems, labels),
                None => problems.push(warning("`labels` must be a table")),
            },
            "diagnostics" => match value.as_table() {
                Some(diagnostics) => {
                    for (key, value) in diagnostics {
                        match key.as_str() {
                            "delay-ms" => match value.as_integer() {
                                Some(ms) if ms >= 0 => {
                                    config.diagnostics_delay_ms = Some(ms as u64)
                                }
                                _ => problems.push(warning(
                                    "`diagnostics.delay-ms` must be a non-negative integer",
                                )),
                            },
                            other => problems
                                .push(warning(format!("unknown setting `diagnostics.{other}`"))),
                        }
                    }
                }
                None => problems.push(warning("`diagnostics` must be a table")),
            },
            other => problems.push(warning(format!("unknown setting `{other}`"))),
        }
    }
    (config, problems)
}

fn apply_rule_level(
    config: &mut Config,
    problems: &mut Vec<Problem>,
    name: &str,
    value: &toml::Value,
) {
    let Some(rule) = resolve_rule(name) else {
        let hint = nearest_rule_id(name)
            .map(|id| format!("; did you mean `{id}`?"))
            .unwrap_or_default();
        problems.push(warning(format!("unknown rule `{name}`{hint}")));
        return;
    };
    let level = match value {
        toml::Value::String(s) => Level::parse(s),
        toml::Value::Boolean(false) => Some(Level::Off),
        toml::Value::Boolean(true) => Some(rule.default_level),
        _ => None,
    };
    match level {
        Some(level) => {
            config.rules.insert(rule.id.to_string(), level);
        }
        None => problems.push(warning(format!(
            "rule `{name}`: level must be one of \"off\", \"error\", \"warning\", \"info\", \"hint\""
        ))),
    }
}

/// Parses hadolint's YAML: `ignored`, `override`, `trustedRegistries`, `label-schema`
/// and `strict-labels`. Other hadolint
/// settings are accepted and ignored; ShellCheck codes (`SC…`) are skipped for now.
pub fn parse_hadolint(text: &str) -> (Config, Vec<Problem>) {
    parse_hadolint_with(text, rules::rule_by_hadolint_code)
}

/// [`parse_hadolint`] with the hadolint-code lookup passed in, so the mapping logic can be
/// tested independently of which rules exist yet.
fn parse_hadolint_with(
    text: &str,
    lookup: impl Fn(&str) -> Option<&'static RuleMeta>,
) -> (Config, Vec<Problem>) {
    let mut config = Config::default();
    let mut problems = Vec::new();
    let root: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            return (
                config,
                vec![(MessageKind::Error, format!("invalid YAML: {err}"))],
            )
        }
    };
    let root = match root {
        serde_yaml::Value::Null => return (config, problems),
        serde_yaml::Value::Mapping(map) => map,
        _ => {
            return (
                config,
                vec![(
                    MessageKind::Error,
                    "expected a mapping at the top level".into(),
                )],
            )
        }
    };
    let mut apply = |code: &str, level: Level, problems: &mut Vec<Problem>| {
        if code.len() >= 2 && code[..2].eq_ignore_ascii_case("SC") {
            if level == Level::Off {
                config.shellcheck_ignored.push(code.to_ascii_uppercase());
            }
            return;
        }
        match lookup(code) {
            Some(rule) => {
                config.rules.insert(rule.id.to_string(), level);
            }
            None => problems.push(warning(format!(
                "hadolint rule `{code}` has no dockerfile-lsp equivalent; skipped"
            ))),
        }
    };
    if let Some(value) = root.get("override") {
        match value.as_mapping() {
            Some(map) => {
                for (key, codes) in map {
                    let key = key.as_str().unwrap_or_default();
                    let severity = match key {
                        "error" => Severity::Error,
                        "warning" => Severity::Warning,
                        "info" => Severity::Info,
                        "style" => Severity::Hint,
                        other => {
                            problems.push(warning(format!("unknown `override` level `{other}`")));
                            continue;
                        }
                    };
                    match yaml_string_list(codes) {
                        Some(codes) => {
                            for code in codes {
                                apply(&code, Level::On(severity), &mut problems);
                            }
                        }
                        None => problems
                            .push(warning(format!("`override.{key}` must be a list of codes"))),
                    }
                }
            }
            None => problems.push(warning("`override` must be a mapping")),
        }
    }
    // `ignored` is applied last so that it wins over `override`, as in hadolint.
    if let Some(value) = root.get("ignored") {
        match yaml_string_list(value) {
            Some(codes) => {
                for code in codes {
                    apply(&code, Level::Off, &mut problems);
                }
            }
            None => problems.push(warning("`ignored` must be a list of codes")),
        }
    }
    if let Some(value) = root.get("trustedRegistries") {
        match yaml_string_list(value) {
            Some(list) => config.trusted_registries = list,
            None => problems.push(warning(
                "`trustedRegistries` must be a string or a list of strings",
            )),
        }
    }
    if let Some(value) = root.get("label-schema") {
        match value {
            serde_yaml::Value::Null => {}
            serde_yaml::Value::Mapping(map) => {
                for (key, ty) in map {
                    let (Some(key), Some(ty)) = (key.as_str(), ty.as_str()) else {
                        problems.push(warning(
                            "`label-schema` entries must be `label: type` strings",
                        ));
                        continue;
                    };
                    add_label(&mut config, &mut problems, "label-schema", key, ty);
                }
            }
            _ => problems.push(warning("`label-schema` must be a mapping of label to type")),
        }
    }
    if let Some(value) = root.get("strict-labels") {
        match value.as_bool() {
            Some(strict) => config.labels.strict = strict,
            None => problems.push(warning("`strict-labels` must be true or false")),
        }
    }
    (config, problems)
}

/// `[labels]`: `schema = { "label" = "type", … }` and `strict = bool`.
fn parse_toml_labels(config: &mut Config, problems: &mut Vec<Problem>, labels: &toml::Table) {
    for (key, value) in labels {
        match key.as_str() {
            "schema" => match value.as_table() {
                Some(schema) => {
                    for (label, ty) in schema {
                        match ty.as_str() {
                            Some(ty) => add_label(config, problems, "labels.schema", label, ty),
                            None => problems.push(warning(format!(
                                "`labels.schema.{label}` must be a type name string"
                            ))),
                        }
                    }
                }
                None => problems.push(warning(
                    "`labels.schema` must be a table of `\"label\" = \"type\"`",
                )),
            },
            "strict" => match value.as_bool() {
                Some(strict) => config.labels.strict = strict,
                None => problems.push(warning("`labels.strict` must be true or false")),
            },
            other => problems.push(warning(format!("unknown setting `labels.{other}`"))),
        }
    }
}

/// Adds one required label, warning about an unknown type.
fn add_label(config: &mut Config, problems: &mut Vec<Problem>, table: &str, label: &str, ty: &str) {
    match LabelType::parse(ty) {
        Some(ty) => {
            config.labels.required.insert(label.to_string(), ty);
        }
        None => problems.push(warning(format!(
            "`{table}`: unknown type `{ty}` for label `{label}`; expected one of text, url, rfc3339, spdx, hash, semver, email"
        ))),
    }
}

/// `[shellcheck] path = "…", ignore = ["SC2086"]`.
fn parse_shellcheck_table(config: &mut Config, problems: &mut Vec<Problem>, value: &toml::Value) {
    let Some(table) = value.as_table() else {
        problems.push(warning("`shellcheck` must be a table"));
        return;
    };
    for (key, value) in table {
        match (key.as_str(), value) {
            ("path", toml::Value::String(p)) => config.shellcheck_path = Some(p.clone()),
            ("ignore", v) => match string_list(v) {
                Some(codes) => config.shellcheck_ignored.extend(codes),
                None => problems.push(warning("`shellcheck.ignore` must be a list of codes")),
            },
            ("path", _) => problems.push(warning("`shellcheck.path` must be a string")),
            (other, _) => problems.push(warning(format!("unknown setting `shellcheck.{other}`"))),
        }
    }
}

/// `[format] continuation-indent = 4` (spaces, 1 to 16) or `"tab"`.
fn parse_format_table(config: &mut Config, problems: &mut Vec<Problem>, value: &toml::Value) {
    let Some(table) = value.as_table() else {
        problems.push(warning("`format` must be a table"));
        return;
    };
    for (key, value) in table {
        match key.as_str() {
            "continuation-indent" => {
                let indent = match value {
                    toml::Value::Integer(n) => Indent::from_spaces(*n),
                    toml::Value::String(s) => Indent::from_name(s),
                    _ => None,
                };
                match indent {
                    Some(indent) => config.format.continuation_indent = Some(indent),
                    None => problems.push(warning(
                        "`format.continuation-indent` must be a number of spaces (1 to 16) or \"tab\"",
                    )),
                }
            }
            other => problems.push(warning(format!("unknown setting `format.{other}`"))),
        }
    }
}

/// `[registry]`: how pinning asks registries (see [`super::registry::RegistryConfig`]).
fn parse_registry_table(config: &mut Config, problems: &mut Vec<Problem>, value: &toml::Value) {
    let Some(table) = value.as_table() else {
        problems.push(warning("`registry` must be a table"));
        return;
    };
    let registry = &mut config.registry;
    for (key, value) in table {
        match key.as_str() {
            "offline" => match value.as_bool() {
                Some(b) => registry.offline = Some(b),
                None => problems.push(warning("`registry.offline` must be true or false")),
            },
            "timeout-ms" => match value.as_integer() {
                Some(ms) if ms > 0 => registry.timeout_ms = Some(ms as u64),
                _ => problems.push(warning("`registry.timeout-ms` must be a positive integer")),
            },
            "cache-ttl-seconds" => match value.as_integer() {
                Some(s) if s >= 0 => registry.cache_ttl_secs = Some(s as u64),
                _ => problems.push(warning(
                    "`registry.cache-ttl-seconds` must be a non-negative integer",
                )),
            },
            "insecure-hosts" => match string_list(value) {
                Some(hosts) => registry.insecure_hosts = hosts,
                None => problems.push(warning(
                    "`registry.insecure-hosts` must be a string or a list of strings",
                )),
            },
            "docker-config" => match value.as_str() {
                Some(dir) => registry.docker_config = Some(dir.to_string()),
                None => problems.push(warning("`registry.docker-config` must be a folder path")),
            },
            other => problems.push(warning(format!("unknown setting `registry.{other}`"))),
        }
    }
}

fn warning(message: impl Into<String>) -> Problem {
    (MessageKind::Warning, message.into())
}

/// A TOML string or array of strings.
fn string_list(value: &toml::Value) -> Option<Vec<String>> {
    match value {
        toml::Value::String(s) => Some(vec![s.clone()]),
        toml::Value::Array(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

/// A YAML string or sequence of strings (hadolint accepts both for `trustedRegistries`).
fn yaml_string_list(value: &serde_yaml::Value) -> Option<Vec<String>> {
    match value {
        serde_yaml::Value::Null => Some(Vec::new()),
        serde_yaml::Value::String(s) => Some(vec![s.clone()]),
        serde_yaml::Value::Sequence(items) => items
            .iter()
            .map(|item| item.as_str().map(str::to_string))
            .collect(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A fresh, empty directory under the system temporary directory.
    fn temp_dir() -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix("dockerfile-lsp-config-")
            .tempdir()
            .expect("create temp dir")
    }

    fn no_env() -> Environment {
        Environment::default()
    }

    fn syntax_error() -> &'static RuleMeta {
        rules::rule_by_id("syntax-error").expect("syntax-error exists")
    }

    fn messages(problems: &[Problem]) -> Vec<&str> {
        problems.iter().map(|(_, m)| m.as_str()).collect()
    }

    #[test]
    fn toml_schema_is_read() {
        let (config, problems) = parse_toml(
            r#"
trusted-registries = ["docker.io", "ghcr.io"]

[rules]
syntax-error = "warning"

[diagnostics]
delay-ms = 0
"#,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            config.level_of(syntax_error()),
            Level::On(Severity::Warning)
        );
        assert_eq!(config.trusted_registries, ["docker.io", "ghcr.io"]);
        assert_eq!(config.diagnostics_delay_ms, Some(0));
    }

    #[test]
    fn toml_format_table_is_read() {
        let (config, problems) = parse_toml("[format]\ncontinuation-indent = 2\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.format.continuation_indent, Some(Indent::Spaces(2)));
        let (config, problems) = parse_toml("[format]\ncontinuation-indent = \"tab\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(config.format.continuation_indent, Some(Indent::Tab));
        let (config, problems) = parse_toml("[format]\ncontinuation-indent = 0\nwidth = 80\n");
        assert_eq!(config.format.continuation_indent, None);
        assert_eq!(
            messages(&problems),
            [
                "`format.continuation-indent` must be a number of spaces (1 to 16) or \"tab\"",
                "unknown setting `format.width`",
            ]
        );
    }

    #[test]
    fn toml_registry_table_is_read() {
        let (config, problems) = parse_toml(
            "[registry]\noffline = true\ntimeout-ms = 2500\ncache-ttl-seconds = 60\ninsecure-hosts = [\"reg.lan:5000\"]\ndocker-config = \"/tmp/dc\"\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        let r = &config.registry;
        assert_eq!(
            (
                r.offline,
                r.timeout_ms,
                r.cache_ttl_secs,
                r.docker_config.as_deref()
            ),
            (Some(true), Some(2500), Some(60), Some("/tmp/dc"))
        );
        assert_eq!(r.insecure_hosts, ["reg.lan:5000"]);
        let (config, problems) =
            parse_toml("[registry]\ntimeout-ms = 0\noffline = \"yes\"\nmirror = 1\n");
        assert_eq!(config.registry, Default::default());
        let mut messages: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
        messages.sort_unstable();
        assert_eq!(
            messages,
            [
                "`registry.offline` must be true or false",
                "`registry.timeout-ms` must be a positive integer",
                "unknown setting `registry.mirror`",
            ]
        );
    }

    #[test]
    fn toml_rule_can_be_turned_off() {
        let (config, problems) = parse_toml("[rules]\nsyntax-error = \"off\"\n");
        assert!(problems.is_empty());
        assert_eq!(config.level_of(syntax_error()), Level::Off);
    }

    #[test]
    fn toml_unknown_rule_and_keys_are_warnings_not_errors() {
        let (config, problems) = parse_toml(
            "colour = true\n[rules]\nsyntax-eror = \"off\"\nno-such-rule-at-all = \"error\"\nsyntax-error = \"loud\"\n[diagnostics]\ndelay-ms = -1\n",
        );
        assert!(problems.iter().all(|(k, _)| *k == MessageKind::Warning));
        // Keys are visited in sorted order.
        assert_eq!(
            messages(&problems),
            [
                "unknown setting `colour`",
                "`diagnostics.delay-ms` must be a non-negative integer",
                "unknown rule `no-such-rule-at-all`",
                "unknown rule `syntax-eror`; did you mean `syntax-error`?",
                "rule `syntax-error`: level must be one of \"off\", \"error\", \"warning\", \"info\", \"hint\"",
            ]
        );
        assert!(config.rules.is_empty());
        assert_eq!(config.diagnostics_delay_ms, None);
    }

    #[test]
    fn invalid_toml_is_an_error_with_a_line() {
        let (config, problems) = parse_toml("[rules]\nsyntax-error = \n");
        assert_eq!(config, Config::default());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, MessageKind::Error);
        assert!(problems[0].1.contains("line 2"), "{}", problems[0].1);
    }

    #[test]
    fn hadolint_ignored_override_and_registries() {
        // The lookup maps two hadolint codes onto `syntax-error`, standing in for the
        // catalogue so the mapping is exercised whichever rules exist.
        let lookup = |code: &str| match code {
            "DL3006" | "DL3007" => Some(syntax_error()),
            _ => None,
        };
        let (config, problems) = parse_hadolint_with(
            "ignored:\n  - DL3006\n  - SC2086\noverride:\n  style: [DL3007]\ntrustedRegistries: my.registry:5000\nfailure-threshold: info\n",
            lookup,
        );
        assert!(problems.is_empty(), "{problems:?}");
        // `ignored` wins over `override`.
        assert_eq!(config.level_of(syntax_error()), Level::Off);
        assert_eq!(config.trusted_registries, ["my.registry:5000"]);

        let (config, problems) = parse_hadolint_with(
            "override:\n  style: [DL3007]\n  fatal: [DL3006]\nignored: [DL9999]\ntrustedRegistries: [a.io, b.io]\n",
            lookup,
        );
        assert_eq!(config.level_of(syntax_error()), Level::On(Severity::Hint));
        assert_eq!(config.trusted_registries, ["a.io", "b.io"]);
        assert_eq!(
            messages(&problems),
            [
                "unknown `override` level `fatal`",
                "hadolint rule `DL9999` has no dockerfile-lsp equivalent; skipped",
            ]
        );
    }

    #[test]
    fn hadolint_codes_map_through_the_real_catalogue() {
        // Every hadolint code a rule declares, when ignored, turns that rule off.
        for rule in rules::all_rules() {
            for code in rule.hadolint {
                let (config, problems) = parse_hadolint(&format!("ignored: [{code}]\n"));
                assert!(problems.is_empty(), "{code}: {problems:?}");
                assert_eq!(config.level_of(rule), Level::Off, "{code}");
            }
        }
    }

    #[test]
    fn label_schema_from_toml_and_hadolint() {
        let (config, problems) = parse_toml(
            r#"
[labels]
strict = true
schema = { "org.opencontainers.image.source" = "url", maintainer = "email", x = "colour" }
"#,
        );
        assert!(config.labels.strict);
        assert_eq!(
            config
                .labels
                .required
                .get("org.opencontainers.image.source"),
            Some(&LabelType::Url)
        );
        assert_eq!(
            config.labels.required.get("maintainer"),
            Some(&LabelType::Email)
        );
        assert_eq!(config.labels.required.len(), 2);
        assert_eq!(
            messages(&problems),
            ["`labels.schema`: unknown type `colour` for label `x`; expected one of text, url, rfc3339, spdx, hash, semver, email"]
        );

        let (config, problems) = parse_hadolint(
            "label-schema:\n  author: text\n  version: semver\n  created: rfc3339\nstrict-labels: true\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert!(config.labels.strict);
        assert_eq!(
            config.labels.required.get("version"),
            Some(&LabelType::Semver)
        );
        assert_eq!(config.labels.required.len(), 3);

        let (_, problems) = parse_hadolint("strict-labels: maybe\nlabel-schema: [a]\n");
        assert_eq!(
            messages(&problems),
            [
                "`label-schema` must be a mapping of label to type",
                "`strict-labels` must be true or false",
            ]
        );
    }

    #[test]
    fn hadolint_empty_and_malformed() {
        let (config, problems) = parse_hadolint("");
        assert_eq!(config, Config::default());
        assert!(problems.is_empty());
        let (_, problems) = parse_hadolint("ignored: [\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, MessageKind::Error);
        let (_, problems) = parse_hadolint("- just\n- a list\n");
        assert_eq!(problems[0].0, MessageKind::Error);
    }

    #[test]
    fn nearest_own_config_wins_walking_up() {
        let root = temp_dir();
        let deep = root.path().join("a/b/c");
        fs::create_dir_all(&deep).unwrap();
        fs::write(
            root.path().join("dockerfile-lsp.toml"),
            "[rules]\nsyntax-error = \"info\"\n",
        )
        .unwrap();
        fs::write(
            root.path().join("a/.dockerfile-lsp.toml"),
            "[rules]\nsyntax-error = \"hint\"\n",
        )
        .unwrap();
        // A hadolint file closer to the Dockerfile does not win over our own file.
        fs::write(deep.join(".hadolint.yaml"), "ignored: []\n").unwrap();
        let dockerfile = deep.join("Dockerfile");
        let loaded = load_for_path_with(&dockerfile, &no_env());
        assert_eq!(
            loaded.source.as_deref(),
            Some(root.path().join("a/.dockerfile-lsp.toml").as_path())
        );
        assert_eq!(
            loaded.config.level_of(syntax_error()),
            Level::On(Severity::Hint)
        );
        assert!(loaded.messages.is_empty());

        // From a sibling directory only the root file applies.
        let other = root.path().join("x/Dockerfile");
        fs::create_dir_all(other.parent().unwrap()).unwrap();
        let loaded = load_for_path_with(&other, &no_env());
        assert_eq!(
            loaded.config.level_of(syntax_error()),
            Level::On(Severity::Info)
        );
    }

    #[test]
    fn both_own_names_in_one_directory_prefers_the_visible_one() {
        let root = temp_dir();
        fs::write(root.path().join("dockerfile-lsp.toml"), "").unwrap();
        fs::write(root.path().join(".dockerfile-lsp.toml"), "").unwrap();
        let found = find_config_file(&root.path().join("Dockerfile"), &no_env());
        assert_eq!(found, Some(root.path().join("dockerfile-lsp.toml")));
    }

    #[test]
    fn hadolint_file_is_used_when_no_own_config_exists() {
        let root = temp_dir();
        let sub = root.path().join("svc");
        fs::create_dir_all(&sub).unwrap();
        fs::write(
            root.path().join(".hadolint.yml"),
            "trustedRegistries: [corp.io]\n",
        )
        .unwrap();
        let loaded = load_for_path_with(&sub.join("Dockerfile"), &no_env());
        assert_eq!(loaded.source, Some(root.path().join(".hadolint.yml")));
        assert_eq!(loaded.config.trusted_registries, ["corp.io"]);
    }

    #[test]
    fn user_hadolint_file_is_the_last_fallback() {
        let project = temp_dir();
        let xdg = temp_dir();
        fs::write(
            xdg.path().join("hadolint.yaml"),
            "trustedRegistries: xdg.io\n",
        )
        .unwrap();
        let env = Environment {
            xdg_config_home: Some(xdg.path().to_path_buf()),
            home: None,
        };
        let loaded = load_for_path_with(&project.path().join("Dockerfile"), &env);
        // Unless the temporary directory itself sits under a hadolint config, the XDG
        // file applies.
        if walk_up(project.path(), HADOLINT_CONFIG_NAMES).is_none()
            && walk_up(project.path(), OWN_CONFIG_NAMES).is_none()
        {
            assert_eq!(loaded.config.trusted_registries, ["xdg.io"]);
        }

        // `$HOME/.config` stands in for an unset `XDG_CONFIG_HOME`.
        let home = temp_dir();
        fs::create_dir_all(home.path().join(".config")).unwrap();
        fs::write(
            home.path().join(".config/hadolint.yml"),
            "trustedRegistries: home.io\n",
        )
        .unwrap();
        let env = Environment {
            xdg_config_home: None,
            home: Some(home.path().to_path_buf()),
        };
        let found = find_config_file(&project.path().join("Dockerfile"), &env);
        if walk_up(project.path(), HADOLINT_CONFIG_NAMES).is_none()
            && walk_up(project.path(), OWN_CONFIG_NAMES).is_none()
        {
            assert_eq!(found, Some(home.path().join(".config/hadolint.yml")));
        }
    }

    #[test]
    fn no_config_means_defaults() {
        let root = temp_dir();
        if walk_up(root.path(), OWN_CONFIG_NAMES).is_none()
            && walk_up(root.path(), HADOLINT_CONFIG_NAMES).is_none()
        {
            let loaded = load_for_path_with(&root.path().join("Dockerfile"), &no_env());
            assert_eq!(loaded, LoadedConfig::default());
        }
    }

    #[test]
    fn unreadable_and_broken_files_are_reported() {
        let root = temp_dir();
        let missing = root.path().join("nope.toml");
        let loaded = load_file(&missing);
        assert!(loaded.has_errors());
        assert!(loaded.messages[0]
            .message
            .starts_with("cannot read configuration"));

        let broken = root.path().join("dockerfile-lsp.toml");
        fs::write(&broken, "[rules\n").unwrap();
        let loaded = load_for_path_with(&root.path().join("Dockerfile"), &no_env());
        assert!(loaded.has_errors());
        assert_eq!(loaded.config, Config::default());
        assert_eq!(loaded.messages[0].path, broken);
    }

    #[test]
    fn explicit_file_format_follows_extension() {
        let root = temp_dir();
        let yaml = root.path().join("lint.yaml");
        fs::write(&yaml, "trustedRegistries: [y.io]\n").unwrap();
        assert_eq!(load_file(&yaml).config.trusted_registries, ["y.io"]);
        let toml = root.path().join("lint.conf");
        fs::write(&toml, "trusted-registries = \"t.io\"\n").unwrap();
        assert_eq!(load_file(&toml).config.trusted_registries, ["t.io"]);
    }

    #[test]
    fn rules_resolve_by_id_and_suggest_the_nearest() {
        assert_eq!(
            resolve_rule("syntax-error").map(|r| r.id),
            Some("syntax-error")
        );
        assert_eq!(nearest_rule_id("sintax-error"), Some("syntax-error"));
        assert_eq!(nearest_rule_id("completely-unrelated-words"), None);
    }
}

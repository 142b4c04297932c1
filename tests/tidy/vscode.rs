//! The VS Code extension's `contributes.configuration` against the server: every setting
//! the server reads is contributed (and nothing else under the server's keys), every
//! default is a value the server accepts, and `dockerfileLsp.rules` lists every rule.

use std::collections::BTreeSet;
use std::fs;

use dockerfile_lsp::lsp::config::{config_from_settings, features_from_settings, KNOWN_SETTINGS};
use serde_json::{Map, Value};

use super::root;

/// Settings only the extension reads (how to start the server, tracing).
const CLIENT_ONLY: &[&str] = &["server.", "trace."];

/// `contributes.configuration[*].properties`, merged.
fn contributed() -> Map<String, Value> {
    let path = root().join("editors/vscode/package.json");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let manifest: Value = serde_json::from_str(&text).expect("package.json is JSON");
    let configuration = &manifest["contributes"]["configuration"];
    let sections: Vec<&Value> = match configuration {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut properties = Map::new();
    for section in sections {
        if let Some(props) = section["properties"].as_object() {
            properties.extend(props.clone());
        }
    }
    properties
}

/// `{"a": {"b": value}}` for the dotted key `a.b`.
fn nested(key: &str, value: Value) -> Value {
    key.rsplit('.').fold(value, |inner, part| {
        Value::Object(Map::from_iter([(part.to_owned(), inner)]))
    })
}

#[test]
fn the_vscode_extension_contributes_every_server_setting() {
    let properties = contributed();
    let server_keys: BTreeSet<&str> = properties
        .keys()
        .filter_map(|k| k.strip_prefix("dockerfileLsp."))
        .filter(|k| !CLIENT_ONLY.iter().any(|p| k.starts_with(p)))
        .collect();
    let known: BTreeSet<&str> = KNOWN_SETTINGS.iter().copied().collect();
    assert_eq!(
        server_keys, known,
        "editors/vscode/package.json contributes other settings than the server reads \
         (server/src/lsp/config.rs KNOWN_SETTINGS)"
    );
    for key in KNOWN_SETTINGS {
        let schema = &properties[&format!("dockerfileLsp.{key}")];
        let described = ["markdownDescription", "description"]
            .iter()
            .any(|d| schema[d].as_str().is_some_and(|s| !s.trim().is_empty()));
        assert!(described, "`dockerfileLsp.{key}` has no description");
        // The default, sent as is, is accepted by the server.
        let default = schema.get("default").cloned().unwrap_or(Value::Null);
        let settings = nested(key, default.clone());
        let (_, mut warnings) = config_from_settings(&settings);
        warnings.extend(features_from_settings(&settings).1);
        assert!(
            warnings.is_empty(),
            "the default of `dockerfileLsp.{key}` ({default}) is rejected: {warnings:?}"
        );
    }
}

#[test]
fn the_vscode_rules_setting_lists_every_rule() {
    let properties = contributed();
    let rules = &properties["dockerfileLsp.rules"];
    let listed: BTreeSet<&str> = rules["properties"]
        .as_object()
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let all: BTreeSet<&str> = dockerfile_lsp::rules::all_rules()
        .iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(
        listed, all,
        "regenerate with `node editors/vscode/scripts/gen-rules.mjs target/release/dockerfile-lsp`"
    );
    for (id, schema) in rules["properties"].as_object().into_iter().flatten() {
        let levels: BTreeSet<&str> = schema["enum"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            levels,
            BTreeSet::from(["off", "error", "warning", "info", "hint"]),
            "rule `{id}`"
        );
        let (config, warnings) =
            config_from_settings(&nested(&format!("rules.{id}"), Value::from("hint")));
        assert!(warnings.is_empty(), "rule `{id}`: {warnings:?}");
        assert!(config.rules.contains_key(id.as_str()), "rule `{id}`");
    }
}

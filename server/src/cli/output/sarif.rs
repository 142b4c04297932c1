//! SARIF 2.1.0 output for code-scanning services (GitHub code scanning and others): one
//! run whose driver lists every rule, and one result per finding. Columns are counted in
//! Unicode code points, as the run's `columnKind` says.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::{repository_url, rule_help_uri, FileReport};
use crate::rules::{Diagnostic, Level, RuleMeta, Severity};
use crate::text::TextRange;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Prints one SARIF log; `rules` is the driver's rule list (every rule in real use).
pub fn render(reports: &[FileReport], rules: &[&RuleMeta], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &log(reports, rules))?;
    writeln!(out)
}

fn log(reports: &[FileReport], rules: &[&RuleMeta]) -> Value {
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|report| {
            report
                .diagnostics
                .iter()
                .map(move |d| result(report, d, rules))
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "dockerfile-lsp",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": repository_url(),
                    "rules": rules.iter().map(|r| rule(r)).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn rule(rule: &RuleMeta) -> Value {
    let documentation = rule.documentation();
    let (enabled, level) = match rule.default_level {
        Level::Off => (false, "none"),
        Level::On(severity) => (true, level(severity)),
    };
    json!({
        "id": rule.id,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.summary },
        "help": { "text": documentation, "markdown": documentation },
        "helpUri": rule_help_uri(rule),
        "defaultConfiguration": { "enabled": enabled, "level": level },
        "properties": {
            "hadolint": rule.hadolint,
            "buildkit": rule.buildkit,
        },
    })
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

fn region(report: &FileReport, range: TextRange) -> Value {
    let (start, end) = report.span(range);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

fn result(report: &FileReport, d: &Diagnostic, rules: &[&RuleMeta]) -> Value {
    let uri = path_to_uri(&report.path);
    let mut result = json!({
        "ruleId": d.rule.id,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": uri },
                "region": region(report, d.range),
            }
        }],
    });
    if let Some(index) = rules.iter().position(|r| r.id == d.rule.id) {
        result["ruleIndex"] = json!(index);
    }
    if !d.fixes.is_empty() {
        let fixes: Vec<Value> = d
            .fixes
            .iter()
            .map(|fix| {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|edit| {
                        json!({
                            "deletedRegion": region(report, edit.range),
                            "insertedContent": { "text": edit.new_text },
                        })
                    })
                    .collect();
                json!({
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri },
                        "replacements": replacements,
                    }],
                })
            })
            .collect();
        result["fixes"] = json!(fixes);
    }
    result
}

/// A path as a URI reference: relative paths stay relative, absolute ones become `file:`
/// URIs; characters outside a path segment's allowed set are percent-encoded.
pub fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    } else if path.len() >= 3 && path.as_bytes()[1] == b':' && path.as_bytes()[2] == b'/' {
        // A Windows drive path (`C:/...`).
        out.push_str("file:///");
        out.push_str(&path[..2]);
        return out + &encode(&path[2..]);
    }
    out + &encode(&path)
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::fixtures::{self, ENV_RULE, TAG_RULE};

    #[test]
    fn renders_a_sarif_log() {
        let mut out = Vec::new();
        render(&fixtures::reports(), &[&ENV_RULE, &TAG_RULE], &mut out).unwrap();
        let actual: Value = serde_json::from_slice(&out).unwrap();
        let repository = repository_url();
        let expected = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {
                    "driver": {
                        "name": "dockerfile-lsp",
                        "version": env!("CARGO_PKG_VERSION"),
                        "informationUri": repository,
                        "rules": [
                            {
                                "id": "env-blank",
                                "shortDescription": { "text": "ENV without a value" },
                                "fullDescription": { "text": "ENV without a value" },
                                "help": {
                                    "text": "## What it does\nReports `ENV` without a value.\n",
                                    "markdown": "## What it does\nReports `ENV` without a value.\n",
                                },
                                "helpUri": format!("{repository}/blob/main/docs/rules.md#env-blank"),
                                "defaultConfiguration": { "enabled": true, "level": "error" },
                                "properties": { "hadolint": [], "buildkit": [] },
                            },
                            {
                                "id": "image-untagged",
                                "shortDescription": { "text": "Base image has neither tag nor digest" },
                                "fullDescription": { "text": "Base image has neither tag nor digest" },
                                "help": {
                                    "text": "## What it does\nReports untagged images.\n",
                                    "markdown": "## What it does\nReports untagged images.\n",
                                },
                                "helpUri": format!("{repository}/blob/main/docs/rules.md#image-untagged"),
                                "defaultConfiguration": { "enabled": false, "level": "none" },
                                "properties": { "hadolint": ["DL3006"], "buildkit": [] },
                            },
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [
                    {
                        "ruleId": "env-blank",
                        "ruleIndex": 0,
                        "level": "error",
                        "message": { "text": "can't find = in \"X\"; must be of the form name=value" },
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": { "uri": "svc/Dockerfile" },
                                "region": { "startLine": 2, "startColumn": 11, "endLine": 2, "endColumn": 12 },
                            }
                        }],
                        "fixes": [{
                            "description": { "text": "Give it a value" },
                            "artifactChanges": [{
                                "artifactLocation": { "uri": "svc/Dockerfile" },
                                "replacements": [{
                                    "deletedRegion": { "startLine": 2, "startColumn": 12, "endLine": 2, "endColumn": 12 },
                                    "insertedContent": { "text": "=1" },
                                }],
                            }],
                        }],
                    },
                    {
                        "ruleId": "image-untagged",
                        "ruleIndex": 1,
                        "level": "warning",
                        "message": { "text": "Image `ubuntu` has no tag: 50%, a:b\nnext" },
                        "locations": [{
                            "physicalLocation": {
                                "artifactLocation": { "uri": "app,%20v2.dockerfile" },
                                "region": { "startLine": 1, "startColumn": 6, "endLine": 1, "endColumn": 12 },
                            }
                        }],
                    },
                ],
            }]
        });
        assert_eq!(actual, expected);
    }

    #[test]
    fn uris() {
        assert_eq!(path_to_uri("a b/Dockerfile"), "a%20b/Dockerfile");
        assert_eq!(
            path_to_uri("/srv/app/Dockerfile"),
            "file:///srv/app/Dockerfile"
        );
        assert_eq!(
            path_to_uri("C:\\app\\Dockerfile"),
            "file:///C:/app/Dockerfile"
        );
        assert_eq!(
            path_to_uri("x:y/100%.dockerfile"),
            "x%3Ay/100%25.dockerfile"
        );
        assert_eq!(path_to_uri("é/Dockerfile"), "%C3%A9/Dockerfile");
        assert_eq!(path_to_uri("-"), "-");
    }
}

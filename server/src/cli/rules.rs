//! `dockerfile-lsp rules`: a table of every rule, or one rule's documentation, as text
//! or JSON. A rule can be named by id, hadolint code or BuildKit check name.

use std::io::{self, Write};
use std::process::ExitCode;

use serde::Serialize;

use super::args::{RulesArgs, RulesFormat};
use super::{finish_output, EXIT_ERROR, EXIT_OK};
use crate::config::load::{nearest_rule_id, resolve_rule};
use crate::rules::{all_rules, RuleMeta};

pub fn run(args: &RulesArgs) -> ExitCode {
    let rule = match &args.rule {
        None => None,
        Some(name) => match lookup(name) {
            Ok(rule) => Some(rule),
            Err(message) => {
                eprintln!("{message}");
                return ExitCode::from(EXIT_ERROR);
            }
        },
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let result = match rule {
        None => list(all_rules(), args.format, &mut out),
        Some(rule) => show(rule, args.format, &mut out).and_then(|()| {
            if rule.id != crate::shellcheck::rule().id {
                return Ok(());
            }
            let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
            let config = crate::config::load::config_for_path(&cwd);
            let status = crate::shellcheck::status(config.shellcheck_path.as_deref());
            match args.format {
                RulesFormat::Text => writeln!(out, "\n## Status\n{status}"),
                // JSON stays the rule's metadata; the status goes to stderr.
                RulesFormat::Json => {
                    eprintln!("{status}");
                    Ok(())
                }
            }
        }),
    }
    .and_then(|()| out.flush());
    finish_output(result, EXIT_OK)
}

/// Finds a rule by id (any case), hadolint code or BuildKit check name; the error names
/// the nearest id.
pub fn lookup(name: &str) -> Result<&'static RuleMeta, String> {
    resolve_rule(name)
        .or_else(|| resolve_rule(&name.to_ascii_lowercase()))
        .ok_or_else(|| {
            let hint = match nearest_rule_id(name) {
                Some(id) => format!("\n  help: did you mean `{id}`?"),
                None => String::new(),
            };
            format!(
                "error: unknown rule `{name}`{hint}\n  help: `dockerfile-lsp rules` lists every rule"
            )
        })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonRule<'a> {
    id: &'a str,
    summary: &'a str,
    default_level: &'a str,
    fix: &'a str,
    hadolint: &'a [&'a str],
    buildkit: &'a [&'a str],
    documentation: String,
}

impl<'a> From<&'a RuleMeta> for JsonRule<'a> {
    fn from(rule: &'a RuleMeta) -> JsonRule<'a> {
        JsonRule {
            id: rule.id,
            summary: rule.summary,
            default_level: rule.default_level.as_str(),
            fix: rule.fix.as_str(),
            hadolint: rule.hadolint,
            buildkit: rule.buildkit,
            documentation: rule.documentation(),
        }
    }
}

/// Prints the rules as a table (id, default level, fix availability, hadolint codes,
/// summary) or a JSON array.
pub fn list(rules: &[&RuleMeta], format: RulesFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        RulesFormat::Json => {
            let items: Vec<JsonRule<'_>> = rules.iter().map(|r| JsonRule::from(*r)).collect();
            serde_json::to_writer_pretty(&mut *out, &items)?;
            writeln!(out)
        }
        RulesFormat::Text => {
            let header = ["RULE", "LEVEL", "FIX", "HADOLINT", "SUMMARY"];
            let rows: Vec<[String; 5]> = rules
                .iter()
                .map(|r| {
                    [
                        r.id.to_string(),
                        r.default_level.as_str().to_string(),
                        r.fix.as_str().to_string(),
                        r.hadolint.join(","),
                        r.summary.to_string(),
                    ]
                })
                .collect();
            let mut widths = header.map(str::len);
            for row in &rows {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let line = |cells: [&str; 5]| {
                let mut s = String::new();
                for (i, cell) in cells.iter().enumerate() {
                    if i + 1 == cells.len() {
                        s.push_str(cell);
                    } else {
                        s.push_str(&format!("{cell:<width$}  ", width = widths[i]));
                    }
                }
                s.trim_end().to_string()
            };
            writeln!(out, "{}", line(header))?;
            for row in &rows {
                writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
            }
            let count = match rules.len() {
                1 => "1 rule".to_string(),
                n => format!("{n} rules"),
            };
            writeln!(
                out,
                "\n{count}. `dockerfile-lsp rules <RULE>` shows one rule's documentation."
            )
        }
    }
}

/// Prints one rule: a header with its metadata, then its documentation (Markdown).
pub fn show(rule: &RuleMeta, format: RulesFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        RulesFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &JsonRule::from(rule))?;
            writeln!(out)
        }
        RulesFormat::Text => {
            writeln!(out, "# {}\n", rule.id)?;
            writeln!(out, "{}\n", rule.summary)?;
            writeln!(out, "Default level: {}", rule.default_level.as_str())?;
            writeln!(out, "Fix: {}", rule.fix.as_str())?;
            if !rule.hadolint.is_empty() {
                writeln!(out, "hadolint: {}", rule.hadolint.join(", "))?;
            }
            if !rule.buildkit.is_empty() {
                writeln!(out, "BuildKit check: {}", rule.buildkit.join(", "))?;
            }
            writeln!(out)?;
            write!(out, "{}", rule.documentation())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::fixtures::{ENV_RULE, TAG_RULE};
    use expect_test::expect;

    fn text(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
        let mut out = Vec::new();
        f(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn table_lists_every_rule() {
        expect![[r#"
            RULE            LEVEL  FIX        HADOLINT  SUMMARY
            env-blank       error  sometimes            ENV without a value
            image-untagged  off    none       DL3006    Base image has neither tag nor digest

            2 rules. `dockerfile-lsp rules <RULE>` shows one rule's documentation.
        "#]]
        .assert_eq(&text(|out| {
            list(&[&ENV_RULE, &TAG_RULE], RulesFormat::Text, out)
        }));
    }

    #[test]
    fn one_rule_as_text_and_json() {
        expect![[r#"
            # image-untagged

            Base image has neither tag nor digest

            Default level: off
            Fix: none
            hadolint: DL3006

            ## What it does
            Reports untagged images.
        "#]]
        .assert_eq(&text(|out| show(&TAG_RULE, RulesFormat::Text, out)));
        let json: serde_json::Value =
            serde_json::from_str(&text(|out| show(&TAG_RULE, RulesFormat::Json, out))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "id": "image-untagged",
                "summary": "Base image has neither tag nor digest",
                "defaultLevel": "off",
                "fix": "none",
                "hadolint": ["DL3006"],
                "buildkit": [],
                "documentation": "## What it does\nReports untagged images.\n",
            })
        );
    }

    #[test]
    fn lookup_by_id_and_suggestions() {
        assert_eq!(lookup("syntax-error").unwrap().id, "syntax-error");
        assert_eq!(lookup("SYNTAX-ERROR").unwrap().id, "syntax-error");
        let err = lookup("syntax-errors").unwrap_err();
        assert!(err.contains("did you mean `syntax-error`?"), "{err}");
        // Every hadolint code and BuildKit name in the registry resolves to its rule.
        for rule in all_rules() {
            for alias in rule.hadolint.iter().chain(rule.buildkit) {
                assert_eq!(lookup(alias).unwrap().id, rule.id);
            }
        }
    }
}

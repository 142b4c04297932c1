//! Tidy checks over the source tree: module docs, the core's import rules, rule
//! documentation headings, and the README rules table generated from the registry.
//!
//! `UPDATE_README=1 cargo test -p dockerfile-lsp-tests --test tidy` rewrites the table.

use std::fs;
use std::path::{Path, PathBuf};

mod vscode;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name()
                .is_some_and(|n| n == "target" || n == "node_modules")
            {
                continue;
            }
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let mut files = Vec::new();
    rust_files(&root().join("server"), &mut files);
    rust_files(&root().join("tests"), &mut files);
    let missing: Vec<_> = files
        .iter()
        .filter(|f| {
            let text = fs::read_to_string(f).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .collect();
    assert!(
        missing.is_empty(),
        "files without a `//!` header: {missing:#?}"
    );
}

#[test]
fn the_core_stays_pure() {
    let forbidden = [
        "tower_lsp",
        "lsp_types",
        "ls_types",
        "tokio",
        "reqwest",
        "serde_json",
        "ropey",
    ];
    let core = ["text", "syntax", "semantic", "rules", "ide"];
    let mut bad = Vec::new();
    for module in core {
        let mut files = Vec::new();
        rust_files(&root().join("server/src").join(module), &mut files);
        for f in files {
            let text = fs::read_to_string(&f).unwrap();
            // Test modules may use anything.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            for name in forbidden {
                if code.contains(&format!("{name}::")) {
                    bad.push(format!("{} uses {name}", f.display()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "core modules must not import I/O or LSP crates:\n{}",
        bad.join("\n")
    );
}

#[test]
fn rule_docs_have_the_required_headings() {
    let mut bad = Vec::new();
    for rule in dockerfile_lsp::rules::all_rules() {
        let docs = rule.documentation();
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead",
            "## Fix safety",
            "## References",
        ] {
            if !docs.contains(heading) {
                bad.push(format!("{}: missing `{heading}`", rule.id));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "rule documentation is incomplete:\n{}",
        bad.join("\n")
    );
}

/// A rule that offers fixes declares it (`fix: Sometimes | Always`) and has a before/after
/// snapshot of them; a rule that declares fixes offers some.
#[test]
fn every_fix_has_a_before_after_snapshot() {
    let mut bad = Vec::new();
    let snapshot_helpers = [
        "check_rule_fix(",
        "check_rule_fix_with(",
        "check_rule_fixes(",
        "check_rule_fix_raw(",
        "fixed_with(",
    ];
    for rule in dockerfile_lsp::rules::all_rules() {
        let file = rule.location.split(':').next().unwrap_or_default();
        let path = root().join(file);
        // ShellCheck's fixes are its own, mapped and tested in `server/src/shellcheck/`.
        let Ok(source) = std::fs::read_to_string(&path) else {
            bad.push(format!("{}: cannot read {}", rule.id, path.display()));
            continue;
        };
        if rule.id == "shellcheck" {
            continue;
        }
        let offers = source.contains(".with_fix(") || source.contains(".push_fix(");
        let declared = rule.fix != dockerfile_lsp::rules::FixAvailability::None;
        if offers && !declared {
            bad.push(format!(
                "{}: offers fixes but declares `fix: None`",
                rule.id
            ));
        }
        if declared && !offers && !source.contains("Fix::new(") && !source.contains("fixes") {
            bad.push(format!("{}: declares fixes but offers none", rule.id));
        }
        if declared && !snapshot_helpers.iter().any(|h| source.contains(h)) {
            bad.push(format!(
                "{}: no before/after snapshot of its fixes",
                rule.id
            ));
        }
    }
    assert!(bad.is_empty(), "fix checks:\n{}", bad.join("\n"));
}

const BEGIN: &str = "<!-- rules-table:begin -->";
const END: &str = "<!-- rules-table:end -->";

fn rules_table() -> String {
    let mut out = String::from(
        "| Rule | Default | Fix | hadolint | BuildKit | Summary |\n|---|---|---|---|---|---|\n",
    );
    for r in dockerfile_lsp::rules::all_rules() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            r.id,
            r.default_level.as_str(),
            r.fix.as_str(),
            if r.hadolint.is_empty() {
                "—".to_string()
            } else {
                r.hadolint.join(", ")
            },
            if r.buildkit.is_empty() {
                "—".to_string()
            } else {
                r.buildkit.join(", ")
            },
            r.summary
        ));
    }
    out
}

#[test]
fn readme_rules_table_is_fresh() {
    let path = root().join("README.md");
    let readme = fs::read_to_string(&path).expect("README.md");
    let (Some(b), Some(e)) = (readme.find(BEGIN), readme.find(END)) else {
        panic!("README.md lacks the {BEGIN} … {END} markers");
    };
    let current = &readme[b + BEGIN.len()..e];
    let expected = format!("\n{}", rules_table());
    if current != expected {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!(
                "{}{}{}{}",
                &readme[..b + BEGIN.len()],
                expected,
                "",
                &readme[e..]
            );
            fs::write(&path, updated).unwrap();
            return;
        }
        panic!("the README rules table is stale: run `UPDATE_README=1 cargo test -p dockerfile-lsp-tests --test tidy`");
    }
}

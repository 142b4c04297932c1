//! Runs fix-all over a corpus directory, for reading what the fixes do: per rule, how
//! many fixes applied or were rejected, any file whose fixed text gained a syntax error
//! or did not converge, and optionally every unified diff.
//!
//! `cargo run --release -p dockerfile-lsp --example fix_corpus -- <dir> [--unsafe]
//! [--only rule,rule…] [--diffs] [--out DIR]`. Without `--only` every rule is on (opt-in
//! ones too); with it, only those rules run. `--out DIR` writes each changed file's text
//! as `DIR/<n>` and its original path as `DIR/<n>.src`, for
//! `target/oracle-venv/bin/python scripts/check-fixed-env-values.py DIR`, which compares
//! ENV and LABEL values with BuildKit's own parser. The committed proof is the `fixall`
//! test (`scripts/fix-corpus.sh`); this is the tool to read diffs by hand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::fix;
use dockerfile_lsp::rules::{all_rules, Level, Severity};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).expect("a corpus directory");
    let unsafe_fixes = args.iter().any(|a| a == "--unsafe");
    let diffs = args.iter().any(|a| a == "--diffs");
    // `--out DIR`: write each changed file's fixed text to DIR/<n> and the original
    // path to DIR/<n>.src, for checking with BuildKit's own parser.
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|list| list.split(',').map(str::to_owned).collect());
    let mut config = Config::default();
    for rule in all_rules() {
        let on = only.as_ref().is_none_or(|o| o.iter().any(|r| r == rule.id));
        let level = if on {
            Level::On(Severity::Hint)
        } else {
            Level::Off
        };
        config.rules.insert(rule.id.to_string(), level);
    }
    let mut paths = Vec::new();
    files(Path::new(dir), &mut paths);
    paths.sort();
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rejected: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut changed, mut broken, mut stuck) = (0, 0, 0);
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let result = fix::fix_all(&text, &config, unsafe_fixes);
        for (rule, n) in &result.applied {
            *totals.entry(rule).or_default() += n;
        }
        for (rule, n) in &result.rejected {
            *rejected.entry(rule).or_default() += n;
        }
        if !result.changed() {
            continue;
        }
        changed += 1;
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).expect("output directory");
            std::fs::write(dir.join(changed.to_string()), &result.text).expect("write");
            std::fs::write(
                dir.join(format!("{changed}.src")),
                path.display().to_string(),
            )
            .expect("write");
        }
        let errors = |t: &str| dockerfile_lsp::syntax::parse(t).errors.len();
        if errors(&result.text) > errors(&text) {
            broken += 1;
            println!("!! new syntax error: {}", path.display());
        }
        if !result.converged {
            stuck += 1;
            println!("!! did not converge: {}", path.display());
        }
        let again = fix::fix_all(&result.text, &config, unsafe_fixes);
        if again.changed() {
            stuck += 1;
            println!(
                "!! second pass changed: {} {:?}",
                path.display(),
                again.applied
            );
        }
        if diffs {
            print!(
                "{}",
                fix::unified_diff(&text, &result.text, &path.display().to_string())
            );
        }
    }
    println!(
        "files: {}, changed: {changed}, new syntax errors: {broken}, not converged: {stuck}",
        paths.len()
    );
    println!("applied: {totals:?}");
    println!("rejected: {rejected:?}");
}

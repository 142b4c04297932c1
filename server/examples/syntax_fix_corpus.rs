//! Runs fix-all with only the directive / casing / syntax / name / variable rules
//! enabled over a corpus directory and prints, per rule, how many fixes applied, plus
//! the unified diffs (for reading) and any file whose fixed text gained a syntax error
//! or did not converge.
//!
//! `cargo run -p dockerfile-lsp --example syntax_fix_corpus -- <dir> [--unsafe] [--diffs]
//! [--out DIR]`; `scripts/check-fixed-env-values.py DIR` then compares ENV/LABEL values
//! with BuildKit's parser.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::fix;
use dockerfile_lsp::rules::{all_rules, Level, Severity};

const RULES: &[&str] = &[
    "directive-misplaced",
    "directive-duplicate",
    "directive-casing",
    "escape-directive-invalid",
    "check-directive-invalid",
    "check-error-unpinned-syntax",
    "syntax-directive-missing",
    "empty-continuation-line",
    "instruction-casing",
    "from-as-casing",
    "leading-whitespace",
    "unknown-instruction",
    "exec-form-single-quotes",
    "exec-form-invalid-json",
    "heredoc-unterminated",
    "legacy-key-value",
    "invalid-flag",
    "invalid-arguments",
    "stage-name-casing",
    "stage-name-reserved",
    "stage-name-duplicate",
    "copy-from-unknown-stage",
    "from-arg-undefined",
    "from-arg-invalid-default",
    "undefined-var",
    "global-arg-not-redeclared",
    "env-self-reference",
    "definition-description-format",
    "from-platform-constant",
    "from-platform-redundant",
];

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
    let mut config = Config::default();
    for rule in all_rules() {
        let level = if RULES.contains(&rule.id) {
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

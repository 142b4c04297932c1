//! Runs fix-all restricted to the package-manager and shell-command rules over a
//! directory of Dockerfiles and writes one unified diff per changed file, plus a
//! summary (fixes per rule, rejected fixes, files that did not converge).
//! `[ONLY=rule,…] cargo run --release -p dockerfile-lsp --example fix_pkg_corpus -- DIR OUT [--unsafe]`

use dockerfile_lsp::config::Config;
use dockerfile_lsp::rules::{all_rules, Level, Severity};

const RULES: &[&str] = &[
    "apt-no-install-recommends",
    "apk-no-cache",
    "pip-no-cache-dir",
    "apt-lists-not-cleaned",
    "apt-get-not-apt",
    "pkg-assume-yes",
    "rpm-cache-not-cleaned",
    "yarn-cache-not-cleaned",
    "npm-cache-not-cleaned",
    "npm-install-use-ci",
    "wget-no-progress",
    "useradd-no-log-init",
    "sort-package-list",
    "prefer-cache-mount",
    "run-sudo",
    "apt-get-clean-redundant",
    "package-signature-bypass",
    "tls-verification-disabled",
    "download-insecure-url",
    "run-missing-pipefail",
    "prefer-bind-mount",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .expect("usage: fix_pkg_corpus DIR OUT [--unsafe]");
    let out = args
        .next()
        .expect("usage: fix_pkg_corpus DIR OUT [--unsafe]");
    let unsafe_fixes = args.next().as_deref() == Some("--unsafe");
    // `ONLY=rule,rule` restricts the run further.
    let only = std::env::var("ONLY").unwrap_or_default();
    let only: Vec<&str> = only.split(',').filter(|s| !s.is_empty()).collect();
    let mut config = Config::default();
    for rule in all_rules() {
        let level = if RULES.contains(&rule.id) && (only.is_empty() || only.contains(&rule.id)) {
            Level::On(Severity::Hint)
        } else {
            Level::Off
        };
        config.rules.insert(rule.id.to_string(), level);
    }
    std::fs::create_dir_all(&out).expect("create OUT");
    let mut paths = Vec::new();
    walk(std::path::Path::new(&dir), &mut paths);
    paths.sort();
    let mut totals = std::collections::BTreeMap::<&str, usize>::new();
    let mut rejected = std::collections::BTreeMap::<&str, usize>::new();
    let (mut changed, mut unconverged, mut new_errors) = (0, Vec::new(), Vec::new());
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let result = dockerfile_lsp::fix::fix_all(&text, &config, unsafe_fixes);
        for (r, n) in &result.applied {
            *totals.entry(r).or_default() += n;
        }
        for (r, n) in &result.rejected {
            *rejected.entry(r).or_default() += n;
        }
        if !result.converged {
            unconverged.push(path.display().to_string());
        }
        if result.changed() {
            changed += 1;
            let before = dockerfile_lsp::syntax::parse(&text).errors.len();
            let after = dockerfile_lsp::syntax::parse(&result.text).errors.len();
            if after > before {
                new_errors.push(path.display().to_string());
            }
            let name = path
                .strip_prefix(&dir)
                .unwrap_or(path)
                .to_string_lossy()
                .replace('/', "__");
            let diff = dockerfile_lsp::fix::unified_diff(&text, &result.text, &name);
            std::fs::write(format!("{out}/{name}.diff"), diff).expect("write diff");
        }
    }
    println!("files: {}, changed: {changed}", paths.len());
    println!("applied: {totals:?}");
    println!("rejected: {rejected:?}");
    println!("not converged: {unconverged:?}");
    println!("new syntax errors: {new_errors:?}");
}

fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

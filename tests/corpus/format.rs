//! Formatting proof on the corpus: every file of `real/`, `templates/` and `large/` is
//! formatted with the default options (4-space continuation indent).
//!
//! Checked on every file, without any prerequisite:
//! - the edits are sorted, disjoint, inside the text and on character boundaries;
//! - formatting the result again yields no edit (idempotent), and range formatting of the
//!   whole text yields the same edits;
//! - the line count and every line break are unchanged (CRLF stays CRLF);
//! - our scanner (which agrees with BuildKit's parser on the corpus, `tests/oracle`) sees
//!   the same instructions before and after: the facts listed below.
//!
//! Checked with BuildKit's own parser (PyPI `dockerfile`, the test-only venv of
//! `scripts/oracle-venv.sh`; skipped without it unless `DOCKERFILE_LSP_REQUIRE_ORACLE=1`),
//! on every file that formatting changes, before versus after:
//! - both parse, or both are rejected;
//! - the same number of instructions, each with the same `start_line` and `end_line`;
//! - the same `cmd` and `sub_cmd` ignoring case (upper-casing keywords is the point);
//! - the same `flags`, `json`-ness and heredocs (name, fd, content) exactly;
//! - the same `value` list: exactly for exec form (JSON spacing must not change a decoded
//!   string); for shell form, BuildKit's value is the joined line, which contains the
//!   indentation of every continuation line, so reindenting changes it: there the values
//!   must be equal after collapsing each whitespace run to one space, and have the same
//!   number of whitespace runs (no word is joined to or split from another).
//!
//! The number of changed files is printed.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use dockerfile_lsp::ide::format::{self, FormatOptions};
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::syntax::{self, Instruction};
use dockerfile_lsp::text::{apply_edits, TextRange};
use dockerfile_lsp_tests::python;
use serde_json::Value;

use super::{bad_range, common, REQUIRE};

const REQUIRE_ORACLE: &str = "DOCKERFILE_LSP_REQUIRE_ORACLE";

/// One corpus file, formatted.
struct Formatted {
    name: String,
    before: String,
    after: String,
    edits: usize,
    /// Problems found while formatting (bad edits, not idempotent, …).
    problems: Vec<String>,
}

/// Every corpus file formatted once (shared by the tests of this file); `None` when the
/// corpus is missing.
fn formatted_corpus() -> Option<&'static [Formatted]> {
    static CORPUS: OnceLock<Option<Vec<Formatted>>> = OnceLock::new();
    CORPUS
        .get_or_init(|| {
            let corpus = common::corpus_dir()?;
            let files = common::corpus_files(&corpus);
            assert!(!files.is_empty(), "no files in {}", corpus.display());
            Some(
                files
                    .iter()
                    .map(|f| format_one(&f.name, common::read_lossy(&f.path)))
                    .collect(),
            )
        })
        .as_deref()
}

fn format_one(name: &str, before: String) -> Formatted {
    let options = FormatOptions::default();
    let analysis = Analysis::new(before.as_str());
    let edits = format::format_document(&analysis, options);
    let mut problems = Vec::new();
    for e in &edits {
        if bad_range(&before, e.range) {
            problems.push(format!("edit outside the text: {e:?}"));
        }
    }
    for pair in edits.windows(2) {
        if pair[0].range.end() > pair[1].range.start() {
            problems.push(format!("edits overlap or are unsorted: {pair:?}"));
        }
    }
    let whole = format::format_range(&analysis, TextRange::new(0, before.len()), options);
    if whole != edits {
        problems.push("range formatting of the whole text differs".to_string());
    }
    let after = if problems.is_empty() {
        apply_edits(&before, &edits)
    } else {
        before.clone()
    };
    let again = format::format_document(&Analysis::new(after.as_str()), options);
    if !again.is_empty() {
        problems.push(format!(
            "not idempotent: a second run makes {} edits, first {:?}",
            again.len(),
            again[0]
        ));
    }
    let breaks = |t: &str| -> Vec<usize> {
        t.match_indices('\n')
            .map(|(i, _)| usize::from(t[..i].ends_with('\r')))
            .collect()
    };
    if breaks(&before) != breaks(&after) {
        problems.push("line breaks changed".to_string());
    }
    let (ours_before, ours_after) = (our_shape(&before), our_shape(&after));
    if ours_before != ours_after {
        let at = ours_before
            .iter()
            .zip(&ours_after)
            .position(|(a, b)| a != b)
            .unwrap_or(ours_before.len().min(ours_after.len()));
        problems.push(format!(
            "our parser sees different instructions: {:?} became {:?}",
            ours_before.get(at),
            ours_after.get(at)
        ));
    }
    Formatted {
        name: name.to_string(),
        before,
        after,
        edits: edits.len(),
        problems,
    }
}

/// Collapses whitespace runs to one space; also returns how many runs there were.
fn collapsed(s: &str) -> (String, usize) {
    let mut out = String::with_capacity(s.len());
    let (mut runs, mut in_run) = (0, false);
    for c in s.chars() {
        if c.is_whitespace() {
            if !in_run {
                runs += 1;
                out.push(' ');
            }
            in_run = true;
        } else {
            in_run = false;
            out.push(c);
        }
    }
    (out, runs)
}

/// What our scanner says about each instruction, in the terms of the BuildKit check.
fn our_shape(text: &str) -> Vec<String> {
    let df = syntax::parse(text);
    let line = |at: usize| 1 + text[..at].matches('\n').count();
    df.instructions
        .iter()
        .map(|i: &Instruction| {
            let e = i.effective();
            let value = match &e.args.json {
                Some(json) => format!("{:?}", json.iter().map(|w| &w.text).collect::<Vec<_>>()),
                None => format!("{:?}", collapsed(&e.args.text)),
            };
            let heredocs: Vec<_> = e
                .heredocs
                .iter()
                .map(|h| (&h.name, h.fd, &h.content))
                .collect();
            format!(
                "{}-{} {} {} {:?} {value} {heredocs:?}",
                line(i.range.start()),
                line(i.range.end()),
                i.keyword.to_ascii_uppercase(),
                e.keyword.to_ascii_uppercase(),
                i.flags
                    .iter()
                    .chain(&e.flags)
                    .map(|f| &f.raw)
                    .collect::<Vec<_>>(),
            )
        })
        .chain(df.errors.iter().map(|e| format!("error {:?}", e.kind)))
        .collect()
}

#[test]
fn every_corpus_file_formats_idempotently_and_keeps_its_instructions() {
    let Some(files) = formatted_corpus() else {
        common::skip(REQUIRE, "corpus not found (set DOCKERFILE_LSP_CORPUS)");
        return;
    };
    let mut failures = String::new();
    for f in files {
        for p in &f.problems {
            writeln!(failures, "{}: {p}", f.name).unwrap();
        }
    }
    let changed = files.iter().filter(|f| f.before != f.after).count();
    let edits: usize = files.iter().map(|f| f.edits).sum();
    let figure = format!(
        "formatting: {} corpus files, {changed} changed ({edits} edits), all idempotent",
        files.len()
    );
    println!("{figure}");
    let _ = writeln!(std::io::stderr(), "{figure}");
    assert!(failures.is_empty(), "formatting problems:\n{failures}");
    // The corpus has unformatted files: the proof below is not vacuous.
    assert!(changed > 0, "no corpus file changed");
}

/// BuildKit's view of one parsed text, as `buildkit_dump.py` reports it.
fn buildkit_view(v: &Value) -> Result<Vec<Value>, String> {
    if v["ok"] != Value::Bool(true) {
        return Err(v["error"].as_str().unwrap_or("?").to_string());
    }
    Ok(v["instructions"].as_array().cloned().unwrap_or_default())
}

/// The differences between BuildKit's instructions before and after formatting.
fn compare_buildkit(before: &[Value], after: &[Value]) -> Vec<String> {
    let mut diffs = Vec::new();
    if before.len() != after.len() {
        diffs.push(format!(
            "{} instructions before, {} after",
            before.len(),
            after.len()
        ));
        return diffs;
    }
    let lower = |v: &Value| v.as_str().map(str::to_ascii_lowercase);
    for (b, a) in before.iter().zip(after) {
        let line = &b["start_line"];
        let mut field = |name: &str, same: bool| {
            if !same {
                diffs.push(format!("line {line}: {name}: {} vs {}", b[name], a[name]));
            }
        };
        field("start_line", b["start_line"] == a["start_line"]);
        field("end_line", b["end_line"] == a["end_line"]);
        field("cmd", lower(&b["cmd"]) == lower(&a["cmd"]));
        field("sub_cmd", lower(&b["sub_cmd"]) == lower(&a["sub_cmd"]));
        field("flags", b["flags"] == a["flags"]);
        field("json", b["json"] == a["json"]);
        field("heredocs", b["heredocs"] == a["heredocs"]);
        let same_value = if b["json"] == Value::Bool(true) {
            b["value"] == a["value"]
        } else {
            let values = |v: &Value| -> Vec<(String, usize)> {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| collapsed(s.as_str().unwrap_or_default()))
                    .collect()
            };
            values(&b["value"]) == values(&a["value"])
        };
        field("value", same_value);
    }
    diffs
}

#[test]
fn buildkit_sees_the_same_instructions_before_and_after_formatting() {
    let Some(files) = formatted_corpus() else {
        common::skip(REQUIRE, "corpus not found (set DOCKERFILE_LSP_CORPUS)");
        return;
    };
    let python = python::oracle_python();
    if !python.exists() {
        common::skip(
            REQUIRE_ORACLE,
            &format!(
                "oracle venv missing at {} (run scripts/oracle-venv.sh)",
                python.display()
            ),
        );
        return;
    }
    let changed: Vec<&Formatted> = files.iter().filter(|f| f.before != f.after).collect();
    assert!(!changed.is_empty(), "no corpus file changed");
    let tmp = std::env::temp_dir().join(format!("dockerfile-lsp-format-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut list = String::new();
    let mut paths = Vec::new();
    for (n, f) in changed.iter().enumerate() {
        let (b, a) = (
            tmp.join(format!("{n}.before")),
            tmp.join(format!("{n}.after")),
        );
        std::fs::write(&b, &f.before).unwrap();
        std::fs::write(&a, &f.after).unwrap();
        writeln!(list, "{}\n{}", b.display(), a.display()).unwrap();
        paths.push((b.display().to_string(), a.display().to_string()));
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle/buildkit_dump.py");
    let json = python::run_python_json(&python, &script, "--list", list.as_bytes());
    let _ = std::fs::remove_dir_all(&tmp);

    let mut failures = String::new();
    let mut instructions = 0;
    for (f, (b, a)) in changed.iter().zip(&paths) {
        let diffs = match (buildkit_view(&json[b]), buildkit_view(&json[a])) {
            (Ok(before), Ok(after)) => {
                instructions += before.len();
                compare_buildkit(&before, &after)
            }
            (Err(_), Err(_)) => Vec::new(),
            (Ok(_), Err(e)) => vec![format!("BuildKit rejects the formatted file: {e}")],
            (Err(e), Ok(_)) => vec![format!(
                "BuildKit rejected the file before ({e}) but not after"
            )],
        };
        for d in diffs.iter().take(10) {
            writeln!(failures, "{}: {d}", f.name).unwrap();
        }
    }
    let figure = format!(
        "formatting vs BuildKit: {} changed files, {instructions} instructions compared before/after",
        changed.len()
    );
    println!("{figure}");
    let _ = writeln!(std::io::stderr(), "{figure}");
    assert!(
        failures.is_empty(),
        "BuildKit sees different instructions after formatting:\n{failures}"
    );
}

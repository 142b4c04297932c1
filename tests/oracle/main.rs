//! The BuildKit oracle: every corpus file is parsed by BuildKit's own parser (through the
//! PyPI package `dockerfile`, see `scripts/oracle-venv.sh`) and by ours, and the two
//! instruction lists must agree on keyword, lines, flags, form, values and heredocs.

#[path = "../corpus/common.rs"]
mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use dockerfile_lsp::syntax::{self, Dockerfile, Instruction, Kind};
use dockerfile_lsp_tests::python;
use serde_json::Value;

const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_ORACLE";
/// How many differences are printed per file.
const MAX_DIFFS_PER_FILE: usize = 20;

/// One heredoc as both sides report it: name, file descriptor, content.
type HeredocView = (String, u64, String);

/// One instruction in the shape the `dockerfile` package reports it.
#[derive(Clone, Debug, PartialEq)]
struct View {
    cmd: String,
    sub_cmd: Option<String>,
    json: bool,
    start_line: usize,
    end_line: usize,
    flags: Vec<String>,
    value: Vec<String>,
    /// `None` where the package does not report heredocs (ONBUILD triggers: it reads
    /// them from the outer node, where BuildKit does not keep them).
    heredocs: Option<Vec<HeredocView>>,
}

/// BuildKit's verdict on one file.
enum Theirs {
    Rejected(String),
    Parsed(Vec<View>),
}

/// Runs `buildkit_dump.py` once over all files and returns its JSON, keyed by path.
fn run_oracle(python: &Path, files: &[common::CorpusFile]) -> serde_json::Map<String, Value> {
    let mut paths = String::new();
    for f in files {
        writeln!(paths, "{}", f.path.display()).unwrap();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle/buildkit_dump.py");
    let json = python::run_python_json(python, &script, "--list", paths.as_bytes());
    match json {
        Value::Object(map) => map,
        other => panic!("unexpected oracle output: {other}"),
    }
}

fn str_list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|s| s.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn theirs_from_json(v: &Value) -> Theirs {
    if v["ok"] != Value::Bool(true) {
        return Theirs::Rejected(v["error"].as_str().unwrap_or("?").to_string());
    }
    let views = v["instructions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| {
            let sub_cmd = i["sub_cmd"].as_str().map(str::to_string);
            View {
                cmd: i["cmd"].as_str().unwrap_or_default().to_string(),
                json: i["json"].as_bool().unwrap_or(false),
                start_line: i["start_line"].as_u64().unwrap_or(0) as usize,
                end_line: i["end_line"].as_u64().unwrap_or(0) as usize,
                flags: str_list(&i["flags"]),
                value: str_list(&i["value"]),
                heredocs: if sub_cmd.is_some() {
                    None
                } else {
                    Some(
                        i["heredocs"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|h| {
                                (
                                    h["name"].as_str().unwrap_or_default().to_string(),
                                    h["fd"].as_u64().unwrap_or(0),
                                    h["content"].as_str().unwrap_or_default().to_string(),
                                )
                            })
                            .collect(),
                    )
                },
                sub_cmd,
            }
        })
        .collect();
    Theirs::Parsed(views)
}

/// 1 + the number of `\n` bytes before `offset`: BuildKit splits lines at `\n` only.
fn line_at(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Our instruction in the package's shape.
fn our_view(text: &str, inst: &Instruction) -> View {
    let eff = inst.effective();
    let args = &eff.args;
    let nested_onbuild = inst.trigger.is_some() && eff.kind == Kind::Onbuild;
    let value: Vec<String> = if eff.kind == Kind::Unknown || nested_onbuild {
        // BuildKit's `parseIgnore` drops the arguments of an unknown instruction and
        // returns one empty node; `parseSubCommand` (a nested `ONBUILD ONBUILD`) returns
        // a node without value too. The package reports either as one empty string.
        vec![String::new()]
    } else if let Some(json) = &args.json {
        // HEALTHCHECK keeps its type (`CMD`) as the first word before the JSON command.
        let prefix = if eff.kind == Kind::Healthcheck {
            args.words.first().map(|w| w.text.clone())
        } else {
            None
        };
        prefix
            .into_iter()
            .chain(json.iter().map(|w| w.text.clone()))
            .collect()
    } else if matches!(eff.kind, Kind::Env | Kind::Label) {
        args.pairs
            .iter()
            .flat_map(|p| {
                [
                    p.key.text.clone(),
                    p.value.as_ref().map(|v| v.text.clone()).unwrap_or_default(),
                ]
            })
            .collect()
    } else {
        args.words.iter().map(|w| w.text.clone()).collect()
    };
    View {
        cmd: inst.keyword.clone(),
        sub_cmd: inst.trigger.as_ref().map(|t| t.keyword.clone()),
        json: args.json.is_some(),
        start_line: line_at(text, inst.range.start()),
        end_line: line_at(text, inst.range.end()),
        // The package reports the flags of the outer node: ONBUILD's own, not its trigger's.
        flags: inst.flags.iter().map(|f| f.raw.clone()).collect(),
        value,
        heredocs: if inst.trigger.is_some() {
            None
        } else {
            Some(
                inst.heredocs
                    .iter()
                    .map(|h| (h.name.clone(), u64::from(h.fd), h.content.clone()))
                    .collect(),
            )
        },
    }
}

/// Compares two instruction lists, aligned by start line, and returns readable differences.
fn compare(ours: &[View], theirs: &[View]) -> Vec<String> {
    let mut diffs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < ours.len() || j < theirs.len() {
        match (ours.get(i), theirs.get(j)) {
            (Some(o), Some(t)) if o.start_line == t.start_line => {
                let line = t.start_line;
                let mut field = |name: &str, a: String, b: String| {
                    if a != b {
                        diffs.push(format!(
                            "line {line} {}: {name}: ours {a} vs theirs {b}",
                            t.cmd
                        ));
                    }
                };
                field("cmd", format!("{:?}", o.cmd), format!("{:?}", t.cmd));
                field(
                    "sub_cmd",
                    format!("{:?}", o.sub_cmd),
                    format!("{:?}", t.sub_cmd),
                );
                field("json", o.json.to_string(), t.json.to_string());
                field("end_line", o.end_line.to_string(), t.end_line.to_string());
                field("flags", format!("{:?}", o.flags), format!("{:?}", t.flags));
                field("value", format!("{:?}", o.value), format!("{:?}", t.value));
                field(
                    "heredocs",
                    format!("{:?}", o.heredocs),
                    format!("{:?}", t.heredocs),
                );
                i += 1;
                j += 1;
            }
            (Some(o), t) if t.is_none_or(|t| o.start_line < t.start_line) => {
                diffs.push(format!(
                    "line {} {}: extra instruction in ours: {:?}",
                    o.start_line, o.cmd, o.value
                ));
                i += 1;
            }
            (_, Some(t)) => {
                diffs.push(format!(
                    "line {} {}: missing in ours (theirs ends at line {}, value {:?})",
                    t.start_line, t.cmd, t.end_line, t.value
                ));
                j += 1;
            }
            (_, None) => unreachable!("handled by the arms above"),
        }
    }
    diffs
}

/// Differences for one file, or an empty list when both parsers agree.
fn check_file(text: &str, ours: &Dockerfile, theirs: &Theirs) -> Vec<String> {
    match theirs {
        Theirs::Rejected(error) => {
            if ours.errors.is_empty() {
                vec![format!(
                    "BuildKit rejects the file ({error}) but ours reports no syntax error"
                )]
            } else {
                Vec::new()
            }
        }
        Theirs::Parsed(views) => {
            let mine: Vec<View> = ours
                .instructions
                .iter()
                .map(|i| our_view(text, i))
                .collect();
            let mut diffs = compare(&mine, views);
            for e in &ours.errors {
                diffs.push(format!(
                    "line {}: ours reports a syntax error BuildKit does not: {}",
                    line_at(text, e.range.start()),
                    e.message
                ));
            }
            diffs
        }
    }
}

/// The outcome of comparing a set of files with the oracle.
struct Outcome {
    total: usize,
    agreed: usize,
    instructions: usize,
    /// Files agreed / files, per corpus folder.
    per_folder: BTreeMap<String, (usize, usize)>,
    rejected_without_error: Vec<String>,
    report: String,
}

impl Outcome {
    fn percent(&self) -> f64 {
        100.0 * self.agreed as f64 / self.total.max(1) as f64
    }

    /// Prints the agreement figure and, on disagreement, the differences, then fails.
    fn print_and_assert(&self, what: &str) {
        let figure = format!(
            "BuildKit oracle agreement{what}: {}/{} files ({:.1}%), {} instructions compared",
            self.agreed,
            self.total,
            self.percent(),
            self.instructions
        );
        // Written to the stderr handle directly, which the test harness does not capture,
        // so the figure shows in every run, passing or not.
        let _ = writeln!(std::io::stderr(), "{figure}");
        println!("{figure}");
        for (folder, (ok, n)) in &self.per_folder {
            println!("  {folder}: {ok}/{n}");
        }
        if !self.rejected_without_error.is_empty() {
            println!(
                "files BuildKit rejects without a syntax error from ours: {:?}",
                self.rejected_without_error
            );
        }
        if self.agreed != self.total {
            print!("{}", self.report);
            panic!(
                "BuildKit oracle disagrees on {} of {} files{what} (agreement {:.1}%)",
                self.total - self.agreed,
                self.total,
                self.percent()
            );
        }
    }
}

/// Runs the oracle once over `files` and compares every file with our parser.
fn compare_with_oracle(python: &Path, files: &[common::CorpusFile]) -> Outcome {
    let oracle = run_oracle(python, files);
    let mut out = Outcome {
        total: files.len(),
        agreed: 0,
        instructions: 0,
        per_folder: BTreeMap::new(),
        rejected_without_error: Vec::new(),
        report: String::new(),
    };
    for file in files {
        let key = file.path.display().to_string();
        let theirs = theirs_from_json(
            oracle
                .get(&key)
                .unwrap_or_else(|| panic!("oracle has no entry for {key}")),
        );
        // BuildKit read the raw bytes; every corpus file is UTF-8, so lossy decoding is exact.
        let text = common::read_lossy(&file.path);
        let ours = syntax::parse(&text);
        if let Theirs::Parsed(views) = &theirs {
            out.instructions += views.len();
        }
        let diffs = check_file(&text, &ours, &theirs);
        let entry = out.per_folder.entry(file.folder().to_string()).or_default();
        entry.1 += 1;
        if diffs.is_empty() {
            out.agreed += 1;
            entry.0 += 1;
            continue;
        }
        if matches!(theirs, Theirs::Rejected(_)) {
            out.rejected_without_error.push(file.name.clone());
        }
        writeln!(
            out.report,
            "--- {} ({} differences)",
            file.name,
            diffs.len()
        )
        .unwrap();
        for d in diffs.iter().take(MAX_DIFFS_PER_FILE) {
            writeln!(out.report, "  {d}").unwrap();
        }
        if diffs.len() > MAX_DIFFS_PER_FILE {
            writeln!(
                out.report,
                "  ... {} more",
                diffs.len() - MAX_DIFFS_PER_FILE
            )
            .unwrap();
        }
    }
    out
}

/// The venv's Python, or `None` after reporting the skip (or failing when required).
fn python_or_skip() -> Option<PathBuf> {
    let python = python::oracle_python();
    if python.exists() {
        return Some(python);
    }
    common::skip(
        REQUIRE,
        &format!(
            "oracle venv missing at {} (run scripts/oracle-venv.sh)",
            python.display()
        ),
    );
    None
}

#[test]
fn buildkit_oracle_agrees_on_every_corpus_file() {
    let Some(corpus) = common::corpus_dir() else {
        common::skip(REQUIRE, "corpus not found (set DOCKERFILE_LSP_CORPUS)");
        return;
    };
    let Some(python) = python_or_skip() else {
        return;
    };
    let files = common::corpus_files(&corpus);
    assert!(!files.is_empty(), "no files in {}", corpus.display());
    compare_with_oracle(&python, &files).print_and_assert("");
}

/// Hand-written edge cases (tests/oracle/cases): escape directives, CRLF, a BOM, lone CR,
/// continuations at end of file, heredocs, ONBUILD, JSON forms, flags and files BuildKit
/// rejects.
#[test]
fn buildkit_oracle_agrees_on_edge_cases() {
    let Some(python) = python_or_skip() else {
        return;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("oracle/cases");
    let mut files: Vec<common::CorpusFile> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| common::CorpusFile {
            name: format!("cases/{}", e.file_name().to_string_lossy()),
            path: e.path(),
        })
        .collect();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(files.len() >= 30, "edge cases missing in {}", dir.display());
    compare_with_oracle(&python, &files).print_and_assert(" on edge cases");
}

#[test]
fn line_numbers_count_only_line_feeds() {
    let text = "FROM a\r\nRUN b\rc\nRUN d";
    assert_eq!(line_at(text, 0), 1);
    assert_eq!(line_at(text, text.find("RUN b").unwrap()), 2);
    assert_eq!(line_at(text, text.find("RUN d").unwrap()), 3);
    assert_eq!(line_at(text, text.len() + 10), 3);
}

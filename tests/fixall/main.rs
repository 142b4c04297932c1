//! The corpus proof of fix-all (issue 4, "Proof").
//!
//! Every file of `corpus/real` is fixed with `fix_all_traced` three times (safe fixes only,
//! with unsafe fixes, and with unsafe fixes and every rule on), and every result is parsed
//! by BuildKit's own parser (the PyPI package `dockerfile`, see `scripts/oracle-venv.sh`; one Python process for all texts):
//! it must parse when the original did, keep the same stage names in the same order, have
//! the original's instruction count plus the sum of the applied fixes' instruction deltas,
//! and have as many instructions, of the same keywords, as our parser sees. Fix-all must
//! converge and a second run must change nothing. Separately, every fix offered on every
//! file of `corpus/real` and `corpus/templates` (every rule on) is applied alone: its edits
//! fit the text, it adds no syntax error, it edits only the instructions it names
//! (`fix::check_scope`), and where BuildKit parsed the original it parses the result, with
//! the instructions our parser sees and, for a safe fix, the same stage names.
//!
//! The per-rule summary is committed as `docs/fix-all-corpus.md`;
//! `UPDATE_FIX_ALL_CORPUS=1` (or `scripts/fix-corpus.sh`) rewrites it;
//! `FIX_ALL_CORPUS_DIFFS=<dir>` writes every diff there for reading.

#[path = "../corpus/common.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use dockerfile_lsp::config::Config;
use dockerfile_lsp::fix::{self, FixAll};
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::rules::{self, FixAvailability, Level, Severity};
use dockerfile_lsp::syntax;
use dockerfile_lsp_tests::python;
use serde_json::Value;

const REQUIRE_CORPUS: &str = common::REQUIRE_CORPUS;
const REQUIRE_ORACLE: &str = "DOCKERFILE_LSP_REQUIRE_ORACLE";
const UPDATE: &str = "UPDATE_FIX_ALL_CORPUS";
const SUMMARY: &str = "docs/fix-all-corpus.md";
/// A directory to write every diff into, for reading the fixes on the corpus.
const DIFFS: &str = "FIX_ALL_CORPUS_DIFFS";
/// How many failures of each kind are printed in full (with their diff).
const MAX_PRINTED: usize = 25;
/// How many applied fixes a fix-all failure lists.
const MAX_LOGGED: usize = 40;

/// One way of running fix-all over the corpus.
struct Mode {
    /// The column heading in the summary.
    name: &'static str,
    /// The file `FIX_ALL_CORPUS_DIFFS` writes its diffs to.
    diff_file: &'static str,
    unsafe_fixes: bool,
    /// Every rule on (opt-in ones too), not the default configuration.
    all_rules: bool,
}

/// `check --fix`, `check --fix --unsafe-fixes`, and the latter with every rule on, so
/// that the fixes of opt-in rules meet the others in fix-all too.
const MODES: [Mode; 3] = [
    Mode {
        name: "`--fix`",
        diff_file: "fix.diff",
        unsafe_fixes: false,
        all_rules: false,
    },
    Mode {
        name: "`--fix --unsafe-fixes`",
        diff_file: "unsafe-fixes.diff",
        unsafe_fixes: true,
        all_rules: false,
    },
    Mode {
        name: "every rule, `--unsafe-fixes`",
        diff_file: "all-rules-unsafe-fixes.diff",
        unsafe_fixes: true,
        all_rules: true,
    },
];
const N: usize = MODES.len();

/// BuildKit's verdict on one text.
#[derive(Clone, Debug)]
enum Verdict {
    Rejected(String),
    Parsed {
        /// Instruction keywords, lowercased (ONBUILD counts once).
        cmds: Vec<String>,
        /// One entry per FROM: the stage name lowercased, `None` for an unnamed stage.
        stages: Vec<Option<String>>,
    },
}

/// Parses every text with BuildKit in one Python process; verdicts in input order.
fn buildkit_verdicts(python: &Path, texts: &[String]) -> Vec<Verdict> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixall/buildkit_shape.py");
    let input = serde_json::to_vec(texts).unwrap();
    let json = python::run_python_json(python, &script, "--in", &input);
    let verdicts: Vec<Verdict> = json
        .as_array()
        .expect("a JSON array of verdicts")
        .iter()
        .map(|v| {
            if v["ok"] != Value::Bool(true) {
                return Verdict::Rejected(v["error"].as_str().unwrap_or("?").to_string());
            }
            let strings = |v: &Value| -> Vec<Option<String>> {
                v.as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| s.as_str().map(str::to_string))
                    .collect()
            };
            Verdict::Parsed {
                cmds: strings(&v["cmds"]).into_iter().flatten().collect(),
                stages: strings(&v["stages"]),
            }
        })
        .collect();
    assert_eq!(verdicts.len(), texts.len(), "one verdict per text");
    verdicts
}

/// Distinct texts to send to BuildKit, each once.
#[derive(Default)]
struct Texts {
    list: Vec<String>,
    index: HashMap<String, usize>,
}

impl Texts {
    fn add(&mut self, text: &str) -> usize {
        if let Some(&i) = self.index.get(text) {
            return i;
        }
        self.list.push(text.to_string());
        self.index.insert(text.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// Every rule on, so that the fixes of opt-in rules are checked too.
fn all_rules_on() -> Config {
    let mut config = Config::default();
    for rule in rules::all_rules() {
        if rule.default_level == Level::Off {
            config
                .rules
                .insert(rule.id.to_string(), Level::On(Severity::Hint));
        }
    }
    config
}

/// Maps `f` over `items` on every core, keeping the order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = AtomicUsize::new(0);
    let mut out: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect()
    });
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// The panic message of a caught panic.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "<non-string panic>".to_string())
}

/// One fix, applied alone to the original text.
struct Alone {
    rule: &'static str,
    title: String,
    safe: bool,
    /// The text after the fix; `None` when its edits do not fit the text.
    fixed: Option<String>,
}

/// One fix-all run and the second run over its result.
struct ModeRun {
    result: FixAll,
    second: FixAll,
}

/// Everything computed for one corpus file.
struct FileRun {
    name: String,
    real: bool,
    text: String,
    alone: Vec<Alone>,
    /// Per mode (see [`MODES`]); empty for templates or when fix-all panicked.
    modes: Vec<ModeRun>,
    failures: Vec<Failure>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    /// A fix applied alone.
    Alone,
    /// A fix-all run.
    FixAll,
}

/// One failed check, rendered: the file, the rule and fix or the mode, why, and a diff.
struct Failure {
    section: Section,
    text: String,
}

fn failure(section: Section, head: String, detail: &str, before: &str, after: &str) -> Failure {
    let mut text = format!("=== {head}\n");
    if !detail.is_empty() {
        text.push_str(detail);
        if !detail.ends_with('\n') {
            text.push('\n');
        }
    }
    text.push_str(&fix::unified_diff(before, after, "Dockerfile"));
    Failure { section, text }
}

/// The fixes a fix-all run applied, as lines for a failure report.
fn applied_list(result: &FixAll) -> String {
    let mut out = String::from("applied fixes:\n");
    for a in result.log.iter().take(MAX_LOGGED) {
        writeln!(
            out,
            "  {}: {} (instructions {:+})",
            a.rule, a.title, a.instruction_delta
        )
        .unwrap();
    }
    if result.log.len() > MAX_LOGGED {
        writeln!(out, "  ... {} more", result.log.len() - MAX_LOGGED).unwrap();
    }
    out
}

/// Applies every fix offered on `text` alone and checks what needs no BuildKit.
fn fixes_alone(name: &str, text: &str, config: &Config, failures: &mut Vec<Failure>) -> Vec<Alone> {
    let analysis = Analysis::new(text);
    let errors_before = analysis.syntax().errors.len();
    let mut out = Vec::new();
    for d in analysis.diagnostics(config) {
        for f in &d.fixes {
            let head = format!("{name}: {}: fix {:?}", d.rule.id, f.title);
            let fixed = match fix::apply(text, &f.edits) {
                Ok(fixed) => Some(fixed),
                Err(e) => {
                    failures.push(failure(Section::Alone, head.clone(), &e, text, text));
                    None
                }
            };
            if let Some(fixed) = &fixed {
                let errors = syntax::parse(fixed).errors;
                if errors.len() > errors_before {
                    let detail = format!(
                        "adds a syntax error: {}",
                        errors
                            .iter()
                            .map(|e| e.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                    failures.push(failure(Section::Alone, head.clone(), &detail, text, fixed));
                }
                if let Err(e) = fix::check_scope(text, &d, f) {
                    let detail = format!("edits outside its instructions: {e}");
                    failures.push(failure(Section::Alone, head.clone(), &detail, text, fixed));
                }
            }
            out.push(Alone {
                rule: d.rule.id,
                title: f.title.clone(),
                safe: f.is_safe(),
                fixed,
            });
        }
    }
    out
}

/// Runs fix-all in `mode` on `text`, then again on the result.
fn fix_all_twice(text: &str, mode: &Mode, all_on: &Config) -> ModeRun {
    let default = Config::default();
    let config = if mode.all_rules { all_on } else { &default };
    let result = fix::fix_all_traced(text, config, mode.unsafe_fixes);
    let second = fix::fix_all(&result.text, config, mode.unsafe_fixes);
    ModeRun { result, second }
}

/// The fix-all checks that need no BuildKit: convergence, idempotence, the log.
fn check_mode(name: &str, mode: &str, text: &str, run: &ModeRun, failures: &mut Vec<Failure>) {
    let r = &run.result;
    let head = format!("{name}: fix-all {mode}");
    if !r.converged {
        failures.push(failure(
            Section::FixAll,
            format!("{head}: did not converge in {} rounds", fix::MAX_ROUNDS),
            &applied_list(r),
            text,
            &r.text,
        ));
    }
    if run.second.text != r.text {
        failures.push(failure(
            Section::FixAll,
            format!("{head}: a second run changes the text (diff: first result -> second)"),
            &applied_list(&run.second),
            &r.text,
            &run.second.text,
        ));
    }
    let mut logged: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &r.log {
        *logged.entry(a.rule).or_default() += 1;
    }
    let applied: BTreeMap<&str, usize> = r.applied.iter().map(|(k, v)| (*k, *v)).collect();
    if logged != applied {
        failures.push(failure(
            Section::FixAll,
            format!("{head}: the log ({logged:?}) disagrees with `applied` ({applied:?})"),
            "",
            text,
            &r.text,
        ));
    }
    let errors = |t: &str| syntax::parse(t).errors.len();
    if errors(&r.text) > errors(text) {
        failures.push(failure(
            Section::FixAll,
            format!("{head}: adds a syntax error"),
            &applied_list(r),
            text,
            &r.text,
        ));
    }
}

fn analyse_file(file: &common::CorpusFile, all_on: &Config) -> FileRun {
    let text = common::read_lossy(&file.path);
    let real = file.folder() == "real";
    let mut failures = Vec::new();
    let alone = match panic::catch_unwind(AssertUnwindSafe(|| {
        let mut f = Vec::new();
        let alone = fixes_alone(&file.name, &text, all_on, &mut f);
        (alone, f)
    })) {
        Ok((alone, f)) => {
            failures.extend(f);
            alone
        }
        Err(p) => {
            let head = format!(
                "{}: computing the fixes panicked: {}",
                file.name,
                panic_message(&*p)
            );
            failures.push(failure(Section::Alone, head, "", "", ""));
            Vec::new()
        }
    };
    let mut modes = Vec::new();
    if real {
        for mode in &MODES {
            match panic::catch_unwind(AssertUnwindSafe(|| fix_all_twice(&text, mode, all_on))) {
                Ok(run) => {
                    check_mode(&file.name, mode.name, &text, &run, &mut failures);
                    modes.push(run);
                }
                Err(p) => {
                    let head = format!(
                        "{}: fix-all {} panicked: {}",
                        file.name,
                        mode.name,
                        panic_message(&*p)
                    );
                    failures.push(failure(Section::FixAll, head, "", "", ""));
                }
            }
        }
        if modes.len() != MODES.len() {
            modes.clear();
        }
    }
    FileRun {
        name: file.name.clone(),
        real,
        text,
        alone,
        modes,
        failures,
    }
}

/// Per-rule counts for the summary.
#[derive(Default)]
struct RuleCounts {
    offered_safe: usize,
    offered_unsafe: usize,
    /// Per mode: fixes applied, files, fixes rejected.
    applied: [usize; N],
    files: [usize; N],
    rejected: [usize; N],
}

/// The whole proof, computed once for both tests.
struct Proof {
    files: Vec<FileRun>,
    /// BuildKit's verdicts and the index of each text, when the venv exists.
    buildkit: Option<(Vec<Verdict>, Texts)>,
}

impl Proof {
    fn verdict(&self, text: &str) -> Option<&Verdict> {
        let (verdicts, texts) = self.buildkit.as_ref()?;
        texts.index.get(text).map(|&i| &verdicts[i])
    }
}

/// `None` when the corpus is missing (after reporting the skip).
fn proof() -> Option<&'static Proof> {
    static PROOF: OnceLock<Option<Proof>> = OnceLock::new();
    PROOF
        .get_or_init(|| {
            let corpus = common::corpus_dir()?;
            let files: Vec<common::CorpusFile> = common::corpus_files(&corpus)
                .into_iter()
                .filter(|f| matches!(f.folder(), "real" | "templates"))
                .collect();
            assert!(!files.is_empty(), "no files in {}", corpus.display());
            let all_on = all_rules_on();
            let started = Instant::now();
            let files = par_map(&files, |f| analyse_file(f, &all_on));
            let fixing = started.elapsed();
            let python = python::oracle_python();
            let buildkit = python.exists().then(|| {
                let mut texts = Texts::default();
                for f in &files {
                    texts.add(&f.text);
                    for a in &f.alone {
                        if let Some(fixed) = &a.fixed {
                            texts.add(fixed);
                        }
                    }
                    for m in &f.modes {
                        texts.add(&m.result.text);
                    }
                }
                let started = Instant::now();
                let verdicts = buildkit_verdicts(&python, &texts.list);
                // The harness does not capture this handle: the timing shows in every run.
                let _ = writeln!(
                    std::io::stderr(),
                    "fixall: BuildKit parsed {} distinct texts in {:.1}s",
                    texts.list.len(),
                    started.elapsed().as_secs_f64()
                );
                (verdicts, texts)
            });
            let _ = writeln!(
                std::io::stderr(),
                "fixall: {} files fixed and every fix applied alone in {:.1}s",
                files.len(),
                fixing.as_secs_f64()
            );
            Some(Proof { files, buildkit })
        })
        .as_ref()
}

/// The corpus, or `None` after reporting the skip.
fn proof_or_skip() -> Option<&'static Proof> {
    let p = proof();
    if p.is_none() {
        common::skip(
            REQUIRE_CORPUS,
            "corpus not found (set DOCKERFILE_LSP_CORPUS)",
        );
    }
    p
}

/// Reports that BuildKit's checks were skipped (or fails when they are required).
fn skip_buildkit(what: &str) {
    common::skip(
        REQUIRE_ORACLE,
        &format!(
            "oracle venv missing at {} (run scripts/oracle-venv.sh); {what}",
            python::oracle_python().display()
        ),
    );
}

/// Our parser's instruction keywords, lowercased, as BuildKit's `cmds` lists them.
fn our_keywords(text: &str) -> Vec<String> {
    syntax::parse(text)
        .instructions
        .iter()
        .map(|i| i.keyword.to_ascii_lowercase())
        .collect()
}

/// Compares BuildKit's view of a fixed text with the original's; `None` when fine.
/// `expected_delta` is the instruction count change the fixes announced; `same_stages`
/// asks for the same stage names in the same order (an unsafe fix alone may add a stage:
/// "Replace `FORM` with `FROM`").
fn compare_shapes(
    original: &Verdict,
    fixed: &Verdict,
    fixed_text: &str,
    expected_delta: isize,
    same_stages: bool,
) -> Option<String> {
    let Verdict::Parsed {
        cmds: before,
        stages: stages_before,
    } = original
    else {
        return None;
    };
    let (cmds, stages) = match fixed {
        Verdict::Rejected(e) => return Some(format!("BuildKit rejects the fixed text: {e}")),
        Verdict::Parsed { cmds, stages } => (cmds, stages),
    };
    let mut problems = Vec::new();
    if same_stages && stages != stages_before {
        problems.push(format!(
            "stage names change: {stages_before:?} -> {stages:?}"
        ));
    }
    let expected = before.len() as isize + expected_delta;
    if cmds.len() as isize != expected {
        problems.push(format!(
            "BuildKit counts {} instructions, expected {} ({} before, {expected_delta:+} announced)",
            cmds.len(),
            expected,
            before.len()
        ));
    }
    let ours = our_keywords(fixed_text);
    if &ours != cmds {
        let at = ours
            .iter()
            .zip(cmds)
            .position(|(a, b)| a != b)
            .unwrap_or(ours.len().min(cmds.len()));
        problems.push(format!(
            "our parser sees {} instructions, BuildKit {} (first difference at instruction {}: ours {:?}, BuildKit's {:?})",
            ours.len(),
            cmds.len(),
            at + 1,
            ours.get(at),
            cmds.get(at)
        ));
    }
    (!problems.is_empty()).then(|| problems.join("\n"))
}

/// Prints the failures of `section` (capped) and fails when there are any.
fn assert_no_failures(failures: &[&Failure], what: &str) {
    if failures.is_empty() {
        return;
    }
    let mut report = String::new();
    for f in failures.iter().take(MAX_PRINTED) {
        report.push_str(&f.text);
    }
    if failures.len() > MAX_PRINTED {
        writeln!(report, "... and {} more", failures.len() - MAX_PRINTED).unwrap();
    }
    println!("{report}");
    panic!("{} failures: {what} (printed above)", failures.len());
}

#[test]
fn every_fix_applied_alone_parses_and_stays_in_scope() {
    let Some(proof) = proof_or_skip() else {
        return;
    };
    let mut failures: Vec<&Failure> = proof
        .files
        .iter()
        .flat_map(|f| &f.failures)
        .filter(|f| f.section == Section::Alone)
        .collect();
    let mut extra = Vec::new();
    let mut checked = 0;
    if proof.buildkit.is_none() {
        skip_buildkit("fixes applied alone are checked with our parser only");
    } else {
        for file in &proof.files {
            let original = proof
                .verdict(&file.text)
                .expect("original sent to BuildKit");
            let ours_before = our_keywords(&file.text).len() as isize;
            for a in &file.alone {
                let Some(fixed) = &a.fixed else { continue };
                checked += 1;
                let verdict = proof.verdict(fixed).expect("fixed text sent to BuildKit");
                let delta = our_keywords(fixed).len() as isize - ours_before;
                if let Some(problem) = compare_shapes(original, verdict, fixed, delta, a.safe) {
                    extra.push(failure(
                        Section::Alone,
                        format!("{}: {}: fix {:?}", file.name, a.rule, a.title),
                        &problem,
                        &file.text,
                        fixed,
                    ));
                }
            }
        }
    }
    failures.extend(extra.iter());
    let offered: usize = proof.files.iter().map(|f| f.alone.len()).sum();
    println!(
        "{offered} fixes applied alone on {} files ({checked} checked with BuildKit)",
        proof.files.len()
    );
    assert_no_failures(&failures, "fixes applied alone");
}

#[test]
fn fix_all_on_every_real_file_parses_with_buildkit_and_converges() {
    let Some(proof) = proof_or_skip() else {
        return;
    };
    let mut failures: Vec<&Failure> = proof
        .files
        .iter()
        .flat_map(|f| &f.failures)
        .filter(|f| f.section == Section::FixAll)
        .collect();
    let Some((_, _)) = &proof.buildkit else {
        skip_buildkit(
            "fix-all results are not checked with BuildKit and the summary is not compared",
        );
        assert_no_failures(&failures, "fix-all");
        return;
    };
    let mut extra = Vec::new();
    let mut summary = Summary::default();
    for file in proof.files.iter().filter(|f| f.real) {
        let original = proof
            .verdict(&file.text)
            .expect("original sent to BuildKit");
        summary.add_file(file, original);
        for (i, (mode, run)) in MODES.iter().zip(&file.modes).enumerate() {
            let mode = mode.name;
            let r = &run.result;
            let verdict = proof.verdict(&r.text).expect("fixed text sent to BuildKit");
            let delta: isize = r.log.iter().map(|a| a.instruction_delta).sum();
            let problem = compare_shapes(original, verdict, &r.text, delta, true);
            summary.add_result(i, verdict, problem.is_none());
            if let Some(problem) = problem {
                extra.push(failure(
                    Section::FixAll,
                    format!("{}: fix-all {mode}", file.name),
                    &format!("{problem}\n{}", applied_list(r)),
                    &file.text,
                    &r.text,
                ));
            }
        }
    }
    failures.extend(extra.iter());
    if let Some(dir) = std::env::var_os(DIFFS) {
        write_diffs(Path::new(&dir), proof);
    }
    let table = summary.render(proof);
    let path = common::workspace_root().join(SUMMARY);
    if std::env::var(UPDATE).is_ok_and(|v| v == "1") {
        std::fs::write(&path, &table).unwrap();
    } else {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != table {
            println!("--- generated {SUMMARY} ---\n{table}");
            let _ = writeln!(
                std::io::stderr(),
                "{SUMMARY} is out of date; run scripts/fix-corpus.sh and review the diff"
            );
        }
        assert_no_failures(&failures, "fix-all on corpus/real");
        assert!(
            committed == table,
            "{SUMMARY} is out of date; run scripts/fix-corpus.sh and review the diff \
             (the generated text is printed above)"
        );
        return;
    }
    assert_no_failures(&failures, "fix-all on corpus/real");
}

/// Writes the diffs of fix-all (`fix.diff`, `unsafe-fixes.diff`) and of every fix applied
/// alone (`alone.diff`) on the corpus into `dir`, for review.
fn write_diffs(dir: &Path, proof: &Proof) {
    std::fs::create_dir_all(dir).unwrap();
    let mut modes: [String; N] = Default::default();
    let mut alone = String::new();
    for file in &proof.files {
        for (i, run) in file.modes.iter().enumerate() {
            if run.result.changed() {
                modes[i].push_str(&applied_list(&run.result));
                modes[i].push_str(&fix::unified_diff(&file.text, &run.result.text, &file.name));
            }
        }
        for a in &file.alone {
            let Some(fixed) = &a.fixed else { continue };
            let safety = if a.safe { "safe" } else { "unsafe" };
            writeln!(alone, "### {}: {} ({safety})", a.rule, a.title).unwrap();
            alone.push_str(&fix::unified_diff(&file.text, fixed, &file.name));
        }
    }
    for (mode, diffs) in MODES.iter().zip(&modes) {
        std::fs::write(dir.join(mode.diff_file), diffs).unwrap();
    }
    std::fs::write(dir.join("alone.diff"), &alone).unwrap();
    let _ = writeln!(
        std::io::stderr(),
        "fixall: diffs written to {}",
        dir.display()
    );
}

/// The figures of `docs/fix-all-corpus.md`.
#[derive(Default)]
struct Summary {
    files: usize,
    rejected_originals: usize,
    instructions_before: usize,
    /// Per mode: files changed, instructions after, results BuildKit parses, converged
    /// and stable (a second run changes nothing).
    changed: [usize; N],
    instructions_after: [usize; N],
    parsed: [usize; N],
    /// Results that pass every BuildKit check (parse, stages, counts).
    sound: [usize; N],
    converged: [usize; N],
    stable: [usize; N],
}

impl Summary {
    fn add_file(&mut self, file: &FileRun, original: &Verdict) {
        self.files += 1;
        match original {
            Verdict::Parsed { cmds, .. } => self.instructions_before += cmds.len(),
            Verdict::Rejected(_) => self.rejected_originals += 1,
        }
        for (i, run) in file.modes.iter().enumerate() {
            self.changed[i] += usize::from(run.result.changed());
            self.converged[i] += usize::from(run.result.converged);
            self.stable[i] += usize::from(run.second.text == run.result.text);
        }
    }

    fn add_result(&mut self, i: usize, verdict: &Verdict, sound: bool) {
        if let Verdict::Parsed { cmds, .. } = verdict {
            self.parsed[i] += 1;
            self.instructions_after[i] += cmds.len();
        }
        self.sound[i] += usize::from(sound);
    }

    fn render(&self, proof: &Proof) -> String {
        let mut counts: BTreeMap<&'static str, RuleCounts> = BTreeMap::new();
        let mut alone_files = 0;
        for file in &proof.files {
            alone_files += 1;
            for a in &file.alone {
                let c = counts.entry(a.rule).or_default();
                if a.safe {
                    c.offered_safe += 1;
                } else {
                    c.offered_unsafe += 1;
                }
            }
            for (i, run) in file.modes.iter().enumerate() {
                for (rule, n) in &run.result.applied {
                    let c = counts.entry(rule).or_default();
                    c.applied[i] += n;
                    c.files[i] += 1;
                }
                for (rule, n) in &run.result.rejected {
                    counts.entry(rule).or_default().rejected[i] += n;
                }
            }
        }
        let n = self.files;
        let mut t = String::new();
        writeln!(t, "# Fix-all on the real corpus\n").unwrap();
        writeln!(
            t,
            "Generated by `scripts/fix-corpus.sh` (the tests in `tests/fixall`). Every one of the \
             {n} files of `corpus/real` is fixed as `dockerfile-lsp check --fix` and `check --fix \
             --unsafe-fixes` would with the default configuration, and with unsafe fixes and every \
             rule on (opt-in ones too). Each result is parsed by BuildKit's own parser (the PyPI \
             package `dockerfile`): it must parse, keep the same stage names in the same order, \
             have the original's instruction count plus what the applied fixes announced (a merge \
             of two RUNs removes one), and have the instructions our parser sees; fix-all must \
             converge and a second run must change nothing. Separately, every fix offered on the \
             {alone_files} files of `corpus/real` and `corpus/templates` with every rule on is \
             applied alone and checked: its edits fit the text, it adds no syntax error, it edits \
             nothing outside the instructions it names, and BuildKit's checks above (stage names \
             only for safe fixes).\n"
        )
        .unwrap();
        let row = |t: &mut String, label: &str, cells: &dyn Fn(usize) -> String| {
            let cells: Vec<String> = (0..N).map(cells).collect();
            writeln!(t, "| {label} | {} |", cells.join(" | ")).unwrap();
        };
        let names: Vec<&str> = MODES.iter().map(|m| m.name).collect();
        writeln!(t, "| | {} |", names.join(" | ")).unwrap();
        writeln!(t, "|---|{}", "---:|".repeat(N)).unwrap();
        row(&mut t, "Files checked", &|_| n.to_string());
        row(&mut t, "Files changed", &|i| self.changed[i].to_string());
        row(&mut t, "Fixes applied", &|i| {
            proof
                .files
                .iter()
                .filter_map(|f| f.modes.get(i))
                .map(|m| m.result.total())
                .sum::<usize>()
                .to_string()
        });
        row(&mut t, "Instructions (BuildKit's count)", &|i| {
            format!(
                "{} → {}",
                self.instructions_before, self.instructions_after[i]
            )
        });
        row(&mut t, "Converged", &|i| self.converged[i].to_string());
        row(&mut t, "Second run changes nothing", &|i| {
            self.stable[i].to_string()
        });
        row(&mut t, "BuildKit verdict", &|i| {
            if self.sound[i] == n && self.rejected_originals == 0 {
                "all pass".to_string()
            } else {
                format!(
                    "{} of {n} parse, {} pass every check",
                    self.parsed[i], self.sound[i]
                )
            }
        });
        writeln!(
            t,
            "\nPer rule: fixes offered on `real` and `templates` with every rule on (each applied \
             alone), and fixes applied by fix-all on `real` in each mode (and in how many files). \
             Rejected: fixes fix-all left out because they would have added a syntax error, per \
             mode.\n"
        )
        .unwrap();
        let mut header = String::from("| Rule | Offered safe | Offered unsafe |");
        for m in &MODES {
            write!(header, " {} | Files |", m.name).unwrap();
        }
        writeln!(t, "{header} Rejected |").unwrap();
        writeln!(t, "|---|---:|---:|{}---:|", "---:|---:|".repeat(N)).unwrap();
        let with_fix: BTreeSet<&str> = rules::all_rules()
            .iter()
            .filter(|r| r.fix != FixAvailability::None)
            .map(|r| r.id)
            .chain(counts.keys().copied())
            .collect();
        let slash = |v: &[usize; N]| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(" / ")
        };
        let mut total = RuleCounts::default();
        for rule in with_fix {
            let c = counts.remove(rule).unwrap_or_default();
            let mut line = format!("| `{rule}` | {} | {} |", c.offered_safe, c.offered_unsafe);
            for i in 0..N {
                write!(line, " {} | {} |", c.applied[i], c.files[i]).unwrap();
            }
            let rejected = if c.rejected.iter().all(|&r| r == 0) {
                String::new()
            } else {
                slash(&c.rejected)
            };
            writeln!(t, "{line} {rejected} |").unwrap();
            total.offered_safe += c.offered_safe;
            total.offered_unsafe += c.offered_unsafe;
            for i in 0..N {
                total.applied[i] += c.applied[i];
                total.rejected[i] += c.rejected[i];
            }
        }
        let mut line = format!(
            "| **Total** | {} | {} |",
            total.offered_safe, total.offered_unsafe
        );
        for i in 0..N {
            write!(line, " {} | |", total.applied[i]).unwrap();
        }
        writeln!(t, "{line} {} |", slash(&total.rejected)).unwrap();
        let mut rejected = String::new();
        for file in proof.files.iter().filter(|f| f.real) {
            for (mode, run) in MODES.iter().zip(&file.modes) {
                for (rule, n) in &run.result.rejected {
                    writeln!(
                        rejected,
                        "- `{}`: `{rule}` × {n} ({})",
                        file.name, mode.name
                    )
                    .unwrap();
                }
            }
        }
        if !rejected.is_empty() {
            write!(
                t,
                "\nFixes fix-all rejected (left for the user):\n\n{rejected}"
            )
            .unwrap();
        }
        t
    }
}

/// The Python side reports stages as BuildKit keeps them and rejects what BuildKit rejects.
#[test]
fn buildkit_shape_reports_stages_keywords_and_errors() {
    let python = python::oracle_python();
    if !python.exists() {
        skip_buildkit("the Python side is not checked");
        return;
    }
    let texts = [
        "FROM a AS Build\nONBUILD RUN x\nfrom build\nRUN <<EOF\nhi\nEOF\n".to_string(),
        "FROM a\nRUN <<EOF\n".to_string(),
    ];
    let verdicts = buildkit_verdicts(&python, &texts);
    let rendered: Vec<String> = verdicts.iter().map(|v| format!("{v:?}")).collect();
    assert_eq!(
        rendered,
        [
            r#"Parsed { cmds: ["from", "onbuild", "from", "run"], stages: [Some("build"), None] }"#,
            r#"Rejected("unterminated heredoc")"#,
        ]
    );
    assert_eq!(our_keywords(&texts[0]), ["from", "onbuild", "from", "run"]);
}

/// Each kind of damage a fix could do is reported; a sound result is not.
#[test]
fn compare_shapes_reports_parse_errors_stages_and_counts() {
    let parsed = |cmds: &[&str], stages: &[Option<&str>]| Verdict::Parsed {
        cmds: cmds.iter().map(|c| c.to_string()).collect(),
        stages: stages.iter().map(|s| s.map(str::to_string)).collect(),
    };
    let original = parsed(&["from", "run", "run"], &[Some("a")]);
    let merged_text = "FROM x AS a\nRUN a && b\n";
    let merged = parsed(&["from", "run"], &[Some("a")]);
    assert_eq!(
        compare_shapes(&original, &merged, merged_text, -1, true),
        None
    );
    let problems = [
        compare_shapes(&original, &merged, merged_text, 0, true),
        compare_shapes(
            &original,
            &parsed(&["from", "run"], &[None]),
            "FROM x\nRUN a && b\n",
            -1,
            true,
        ),
        compare_shapes(&original, &merged, "FROM x AS a\nRUN a\nRUN b\n", -1, true),
        compare_shapes(
            &original,
            &Verdict::Rejected("unknown instruction: FORM".into()),
            "FORM x\n",
            0,
            true,
        ),
    ];
    let rendered: Vec<String> = problems.iter().map(|p| format!("{p:?}")).collect();
    assert_eq!(
        rendered,
        [
            r#"Some("BuildKit counts 2 instructions, expected 3 (3 before, +0 announced)")"#,
            r#"Some("stage names change: [Some(\"a\")] -> [None]")"#,
            r#"Some("our parser sees 3 instructions, BuildKit 2 (first difference at instruction 3: ours Some(\"run\"), BuildKit's None)")"#,
            r#"Some("BuildKit rejects the fixed text: unknown instruction: FORM")"#,
        ]
    );
    // An unsafe fix alone may add a stage ("Replace `FORM` with `FROM`").
    let added = parsed(&["from", "run", "from"], &[Some("a"), None]);
    assert_eq!(
        compare_shapes(&original, &added, "FROM x AS a\nRUN a\nFROM y\n", 0, false),
        None
    );
}

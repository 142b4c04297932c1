//! The corpus test: every real Dockerfile, template and the large file is analysed with
//! the default configuration without a panic (not even one a rule's guard contains), with
//! diagnostics inside the text, and without a parse error (`syntax-error`,
//! `invalid-arguments`, …) on any file of `real/`.

mod code_actions;
mod common;
mod editor_features;
mod format;
mod hover;
mod pin;

use std::cell::RefCell;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use std::collections::{BTreeMap, BTreeSet};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::rules::{self, Level, Severity};
use dockerfile_lsp::text::TextRange;

const REQUIRE: &str = common::REQUIRE_CORPUS;

/// The rules that report what BuildKit refuses to parse: none may fire on `real/`.
const PARSE_ERROR_RULES: [&str; 5] = [
    "syntax-error",
    "directive-duplicate",
    "escape-directive-invalid",
    "heredoc-unterminated",
    "invalid-arguments",
];

thread_local! {
    /// The corpus file the current thread is analysing, for the panic hook.
    static CURRENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// The file the main test loop is analysing, for panics on the rule engine's helper
/// thread (files of 256+ instructions run half their rules there; it is unnamed, while
/// the test harness names its own threads).
static ANALYSING: Mutex<Option<String>> = Mutex::new(None);

/// Every panic raised while a corpus file was being analysed, caught or not.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records panics raised during analysis, including those the rule engine contains with
/// `catch_unwind`: a rule that panics on a real file is a bug even if the user never sees
/// it. Panics elsewhere (a failing assertion of this test) go to the default hook.
fn install_panic_recorder() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let file = CURRENT.with(|c| c.borrow().clone()).or_else(|| {
            if std::thread::current().name().is_some() {
                return None;
            }
            ANALYSING.lock().ok().and_then(|a| a.clone())
        });
        match file {
            Some(file) => {
                let location = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let payload = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "<non-string panic>".to_string());
                PANICS
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("{file}: panicked at {location}: {payload}"));
            }
            None => default(info),
        }
    }));
}

/// A diagnostic or fix range that does not fit the text.
fn bad_range(text: &str, range: TextRange) -> bool {
    range.start() > range.end()
        || range.end() > text.len()
        || !text.is_char_boundary(range.start())
        || !text.is_char_boundary(range.end())
}

#[test]
fn corpus_is_analysed_without_panics_or_syntax_errors_on_real_files() {
    let Some(files) = common::files_or_skip(REQUIRE) else {
        return;
    };
    install_panic_recorder();

    let config = Config::default();
    let mut failures = String::new();
    let mut syntax_errors = String::new();
    let mut real_files = 0;
    let mut diagnostics_total = 0;
    for file in &files {
        let text = common::read_lossy(&file.path);
        CURRENT.with(|c| *c.borrow_mut() = Some(file.name.clone()));
        *ANALYSING.lock().unwrap_or_else(|e| e.into_inner()) = Some(file.name.clone());
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            let analysis = Analysis::new(text.as_str());
            analysis.diagnostics(&config)
        }));
        CURRENT.with(|c| *c.borrow_mut() = None);
        *ANALYSING.lock().unwrap_or_else(|e| e.into_inner()) = None;
        let diagnostics = match result {
            Ok(d) => d,
            Err(_) => {
                writeln!(failures, "{}: analysis panicked", file.name).unwrap();
                continue;
            }
        };
        diagnostics_total += diagnostics.len();
        for d in &diagnostics {
            let fix_ranges = d.fixes.iter().flat_map(|f| f.edits.iter().map(|e| e.range));
            if std::iter::once(d.range)
                .chain(fix_ranges)
                .any(|r| bad_range(&text, r))
            {
                writeln!(
                    failures,
                    "{}: {} has a range outside the text or inside a character: {:?}",
                    file.name, d.rule.id, d.range
                )
                .unwrap();
            }
        }
        if file.folder() != "real" {
            continue;
        }
        real_files += 1;
        for d in diagnostics
            .iter()
            .filter(|d| PARSE_ERROR_RULES.contains(&d.rule.id))
        {
            let line = 1 + text[..d.range.start().min(text.len())]
                .matches('\n')
                .count();
            writeln!(syntax_errors, "{}:{line}: {}", file.name, d.message).unwrap();
        }
    }

    let panics = PANICS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for p in &panics {
        writeln!(failures, "{p}").unwrap();
    }
    println!(
        "corpus: {} files analysed ({real_files} real), {diagnostics_total} diagnostics, {} panics",
        files.len(),
        panics.len()
    );
    assert!(failures.is_empty(), "analysis failures:\n{failures}");
    assert!(
        syntax_errors.is_empty(),
        "syntax-error on files of corpus/real (BuildKit accepts them all):\n{syntax_errors}"
    );
}

/// The per-rule count of findings on `corpus/real`, committed as
/// `docs/corpus-findings.md` so that a change of any rule's behaviour on real files is
/// visible in review. `UPDATE_CORPUS_FINDINGS=1` (or `scripts/corpus-findings.sh`)
/// rewrites it.
#[test]
fn corpus_findings_match_the_committed_table() {
    let Some(files) = common::files_or_skip(REQUIRE) else {
        return;
    };
    let files: Vec<_> = files.into_iter().filter(|f| f.folder() == "real").collect();
    // Every rule switched on, so that opt-in rules are counted too.
    let mut all_on = Config::default();
    for rule in rules::all_rules() {
        if rule.default_level == Level::Off {
            all_on
                .rules
                .insert(rule.id.to_string(), Level::On(Severity::Hint));
        }
    }
    // rule id -> (findings, files)
    let mut counts: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    for file in &files {
        let text = common::read_lossy(&file.path);
        let mut seen = BTreeSet::new();
        for d in Analysis::new(text.as_str()).diagnostics(&all_on) {
            let c = counts.entry(d.rule.id).or_default();
            c.0 += 1;
            if seen.insert(d.rule.id) {
                c.1 += 1;
            }
        }
    }
    let mut table = String::new();
    writeln!(table, "# Findings on the real corpus\n").unwrap();
    writeln!(
        table,
        "Generated by `scripts/corpus-findings.sh` (the test `corpus_findings_match_the_committed_table` \
         in `tests/corpus`): every rule over the {} files of `corpus/real` (Dockerfiles of official \
         images and large projects), with no configuration file and no build context, opt-in rules \
         switched on. Each rule's findings there were reviewed; where a rule fires on real files \
         its documentation says why the finding is right (or why the rule is opt-in). ShellCheck's \
         findings need the `shellcheck` program and are counted in `docs/hadolint-agreement.md`.\n",
        files.len()
    )
    .unwrap();
    writeln!(table, "| Rule | Default | Findings | Files |").unwrap();
    writeln!(table, "|---|---|---:|---:|").unwrap();
    let (mut on_findings, mut on_files) = (0, BTreeSet::new());
    for rule in rules::all_rules() {
        let (n, f) = counts.get(rule.id).copied().unwrap_or_default();
        writeln!(
            table,
            "| `{}` | {} | {n} | {f} |",
            rule.id,
            rule.default_level.as_str()
        )
        .unwrap();
        if rule.default_level != Level::Off {
            on_findings += n;
            on_files.insert(rule.id);
        }
    }
    writeln!(
        table,
        "\nWith the default configuration: {on_findings} findings from {} rules that are on by default.",
        on_files.len()
    )
    .unwrap();
    let path = common::workspace_root().join("docs/corpus-findings.md");
    if std::env::var("UPDATE_CORPUS_FINDINGS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &table).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == table,
        "docs/corpus-findings.md is out of date; run scripts/corpus-findings.sh and review the \
         diff.\n--- generated ---\n{table}"
    );
}

//! The corpus test: every real Dockerfile, template and the large file is analysed with
//! the default configuration without a panic (not even one a rule's guard contains), with
//! diagnostics inside the text, and without a parse error (`syntax-error`,
//! `invalid-arguments`, …) on any file of `real/`.

mod common;

use std::cell::RefCell;
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::text::TextRange;

const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_CORPUS";

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

/// Every panic raised while a corpus file was being analysed, caught or not.
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records panics raised during analysis, including those the rule engine contains with
/// `catch_unwind`: a rule that panics on a real file is a bug even if the user never sees
/// it. Panics elsewhere (a failing assertion of this test) go to the default hook.
fn install_panic_recorder() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let file = CURRENT.with(|c| c.borrow().clone());
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
    let Some(corpus) = common::corpus_dir() else {
        common::skip(REQUIRE, "corpus not found (set DOCKERFILE_LSP_CORPUS)");
        return;
    };
    let files = common::corpus_files(&corpus);
    assert!(!files.is_empty(), "no files in {}", corpus.display());
    install_panic_recorder();

    let config = Config::default();
    let mut failures = String::new();
    let mut syntax_errors = String::new();
    let mut real_files = 0;
    let mut diagnostics_total = 0;
    for file in &files {
        let text = common::read_lossy(&file.path);
        CURRENT.with(|c| *c.borrow_mut() = Some(file.name.clone()));
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            let analysis = Analysis::new(text.as_str());
            analysis.diagnostics(&config)
        }));
        CURRENT.with(|c| *c.borrow_mut() = None);
        let diagnostics = match result {
            Ok(d) => d,
            Err(_) => {
                writeln!(failures, "{}: analysis panicked", file.name).unwrap();
                continue;
            }
        };
        diagnostics_total += diagnostics.len();
        for d in &diagnostics {
            let fix_ranges = d.fix.iter().flat_map(|f| f.edits.iter().map(|e| e.range));
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

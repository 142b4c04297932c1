//! Replays every input the fuzzers found (minimised, committed under
//! `fuzz/regressions/<target>/`) through the same library check the fuzz target runs
//! (`dockerfile_lsp::fuzz`), so a reverted fix fails `cargo test` without cargo-fuzz.
//!
//! A check fails by panicking; a panic that the rule driver contains (`catch_unwind`)
//! fails it too, counted by the panic hook of `fuzz::count_panics`. Each input runs on
//! its own thread with a time bound, so a hang fails the test instead of hanging it.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use dockerfile_lsp::fuzz;

/// How long one input may take (the fuzzers allow 10 s in release builds; debug builds
/// are slower).
const BOUND: Duration = Duration::from_secs(60);

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

/// Runs `check` on every committed input of `target`; returns what failed.
fn replay(target: &str, check: fn(&[u8])) -> Vec<String> {
    let files = inputs(target);
    assert!(!files.is_empty(), "no regression inputs for {target}");
    let mut failures = Vec::new();
    for file in files {
        let data = std::fs::read(&file).expect("a readable input");
        let before = fuzz::count_panics();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(|| check(&data));
            let _ = tx.send(result.is_ok());
        });
        let name = file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        match rx.recv_timeout(BOUND) {
            Ok(true) => {}
            Ok(false) => failures.push(format!(
                "{target}/{name}: the check failed (see the panic above)"
            )),
            Err(_) => failures.push(format!("{target}/{name}: no answer within {BOUND:?}")),
        }
        let panics = fuzz::count_panics() - before;
        if panics > 0
            && !failures
                .iter()
                .any(|f| f.starts_with(&format!("{target}/{name}:")))
        {
            failures.push(format!(
                "{target}/{name}: {panics} panic(s) inside the check"
            ));
        }
    }
    failures
}

#[test]
fn fuzz_regressions_replay_clean() {
    let mut failures = Vec::new();
    failures.extend(replay("analyze", fuzz::analyze));
    failures.extend(replay("incremental_edits", fuzz::incremental));
    failures.extend(replay("fix_all", fuzz::fix_all));
    assert!(
        failures.is_empty(),
        "fuzz regressions:\n{}",
        failures.join("\n")
    );
}

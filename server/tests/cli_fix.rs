//! `dockerfile-lsp check --fix / --unsafe-fixes / --diff`: what is written, what is
//! printed, and exit statuses that reflect what remains.

mod common;

use std::fs;

use common::*;

/// Safe fixes only: `apk add` gets `--no-cache`. Unsafe: `http://` → `https://`.
const BEFORE: &str = "FROM alpine:3.20\nRUN apk add --no-cache curl=8.5.0-r0 && apk add git=2.43.0-r0\nRUN wget -q http://example.com/x.tgz\n";

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = project_with(BEFORE.as_bytes());
    let o = run_with_stdin(dir.path(), &["check", "--diff", "Dockerfile"], b"");
    assert_eq!(
        o.status.code(),
        Some(1),
        "a file would change: {}",
        stderr(&o)
    );
    let diff = stdout(&o);
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@"),
        "{diff}"
    );
    assert!(
        diff.contains(
            "+RUN apk add --no-cache curl=8.5.0-r0 && apk add --no-cache git=2.43.0-r0\n"
        ),
        "{diff}"
    );
    assert!(
        !diff.contains("https://"),
        "unsafe fixes stay out of a safe diff: {diff}"
    );
    assert!(
        stderr(&o).contains("Would fix 1 problem in 1 file"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
        BEFORE
    );
}

#[test]
fn fix_writes_safe_fixes_and_reports_what_remains() {
    let dir = project_with(BEFORE.as_bytes());
    let o = run_with_stdin(
        dir.path(),
        &["check", "--fix", "--format", "json", "Dockerfile"],
        b"",
    );
    let after = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        after.contains("apk add --no-cache git=2.43.0-r0"),
        "{after}"
    );
    assert!(after.contains("http://"), "{after}");
    let findings: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"apk-no-cache"), "{rules:?}");
    assert!(rules.contains(&"download-insecure-url"), "{rules:?}");
    // What remains is a warning: exit 1; below --fail-on it is 0.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let o = run_with_stdin(
        dir.path(),
        &["check", "--fix", "--fail-on", "error", "Dockerfile"],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Fixed 0 problems in 0 files"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn unsafe_fixes_apply_unsafe_ones_too() {
    let dir = project_with(BEFORE.as_bytes());
    let o = run_with_stdin(dir.path(), &["check", "--unsafe-fixes", "Dockerfile"], b"");
    let after = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        after.contains("https://example.com/x.tgz"),
        "{after}\n{}",
        stderr(&o)
    );
    assert!(after.contains("apk add --no-cache git"), "{after}");
    // Converged: a second run changes nothing.
    let o = run_with_stdin(
        dir.path(),
        &["check", "--unsafe-fixes", "--diff", "Dockerfile"],
        b"",
    );
    assert_eq!(stdout(&o), "", "{}", stderr(&o));
}

#[test]
fn stdin_fix_prints_the_fixed_text() {
    let dir = project_with("".as_bytes());
    let o = run_with_stdin(dir.path(), &["check", "--fix", "-"], BEFORE.as_bytes());
    assert!(
        stdout(&o).contains("apk add --no-cache git"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).starts_with("FROM alpine:3.20\n"));
    // Nothing to fix: the text comes back unchanged.
    let clean = "# syntax=docker/dockerfile:1\nFROM alpine:3.20\n";
    let o = run_with_stdin(dir.path(), &["check", "--fix", "-"], clean.as_bytes());
    assert_eq!(stdout(&o), clean);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn files_that_are_not_utf8_are_never_rewritten() {
    let dir = project_with("".as_bytes());
    let bytes = b"from alpine:3.20\nRUN echo \xff\n";
    fs::write(dir.path().join("Dockerfile"), bytes).unwrap();
    let o = run_with_stdin(dir.path(), &["check", "--fix", "Dockerfile"], b"");
    assert_eq!(fs::read(dir.path().join("Dockerfile")).unwrap(), bytes);
    assert!(
        stderr(&o).contains("not valid UTF-8; not fixed"),
        "{}",
        stderr(&o)
    );
}

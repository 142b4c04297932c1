//! `dockerfile-lsp format`: rewriting in place, standard input, `--check` and `--diff`
//! (nothing written, exit 1 when a file would change), the configured continuation
//! indent and its command-line override, and invalid UTF-8 left alone.

mod common;

use std::fs;
use std::path::Path;

use common::*;

const BEFORE: &str = "from alpine:3.20\n  run apk add --no-cache \\\n  curl \\\n      git\n";
const AFTER: &str = "FROM alpine:3.20\nRUN apk add --no-cache \\\n    curl \\\n        git\n";

fn file(dir: &Path) -> String {
    fs::read_to_string(dir.join("Dockerfile")).unwrap()
}

#[test]
fn formats_files_in_place_and_is_then_clean() {
    let dir = project_with(BEFORE.as_bytes());
    let o = run_with_stdin(dir.path(), &["format", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(file(dir.path()), AFTER);
    let o = run_with_stdin(dir.path(), &["format", "--check", "."], b"");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 files would be reformatted"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_and_diff_write_nothing_and_fail() {
    let dir = project_with(BEFORE.as_bytes());
    let o = run_with_stdin(dir.path(), &["format", "--check", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("would reformat Dockerfile"),
        "{}",
        stderr(&o)
    );
    assert_eq!(stdout(&o), "");
    let o = run_with_stdin(dir.path(), &["format", "--diff", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let diff = stdout(&o);
    assert!(
        diff.starts_with("--- a/Dockerfile\n+++ b/Dockerfile\n@@"),
        "{diff}"
    );
    assert!(diff.contains("-  run apk add --no-cache \\\n"), "{diff}");
    assert!(diff.contains("+RUN apk add --no-cache \\\n"), "{diff}");
    assert_eq!(file(dir.path()), BEFORE, "nothing written");
}

#[test]
fn standard_input_is_printed_formatted() {
    let dir = project_with(b"");
    let o = run_with_stdin(dir.path(), &["format", "-"], BEFORE.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), AFTER);
}

#[test]
fn the_configured_indent_applies_and_the_flag_overrides_it() {
    let dir = project_with(BEFORE.as_bytes());
    fs::write(
        dir.path().join("dockerfile-lsp.toml"),
        "[format]\ncontinuation-indent = \"tab\"\n",
    )
    .unwrap();
    let o = run_with_stdin(
        dir.path(),
        &["format", "--stdin-filename", "Dockerfile", "-"],
        BEFORE.as_bytes(),
    );
    assert_eq!(
        stdout(&o),
        "FROM alpine:3.20\nRUN apk add --no-cache \\\n\tcurl \\\n\t\tgit\n"
    );
    let o = run_with_stdin(
        dir.path(),
        &[
            "format",
            "--continuation-indent",
            "2",
            "--stdin-filename",
            "Dockerfile",
            "-",
        ],
        BEFORE.as_bytes(),
    );
    assert_eq!(
        stdout(&o),
        "FROM alpine:3.20\nRUN apk add --no-cache \\\n  curl \\\n      git\n"
    );
    let o = run_with_stdin(
        dir.path(),
        &["format", "--continuation-indent", "0", "-"],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "a usage error: {}", stderr(&o));
}

#[test]
fn invalid_utf8_is_left_alone() {
    let dir = project_with(b"from alpine\nLABEL x=\"\xff\"\n");
    let o = run_with_stdin(dir.path(), &["format", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not valid UTF-8"), "{}", stderr(&o));
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        b"from alpine\nLABEL x=\"\xff\"\n"
    );
}

//! `dockerfile-lsp format`: rewriting in place, standard input, `--check` and `--diff`
//! (nothing written, exit 1 when a file would change), the configured continuation
//! indent and its command-line override, and invalid UTF-8 left alone.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BEFORE: &str = "from alpine:3.20\n  run apk add --no-cache \\\n  curl \\\n      git\n";
const AFTER: &str = "FROM alpine:3.20\nRUN apk add --no-cache \\\n    curl \\\n        git\n";

fn run(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerfile-lsp"))
        .args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join(".no-xdg"))
        .env("HOME", dir.join(".no-home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dockerfile-lsp");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn project(text: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("dockerfile-lsp-format-")
        .tempdir()
        .unwrap();
    fs::write(dir.path().join("Dockerfile"), text).unwrap();
    dir
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
fn file(dir: &Path) -> String {
    fs::read_to_string(dir.join("Dockerfile")).unwrap()
}

#[test]
fn formats_files_in_place_and_is_then_clean() {
    let dir = project(BEFORE.as_bytes());
    let o = run(dir.path(), &["format", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(file(dir.path()), AFTER);
    let o = run(dir.path(), &["format", "--check", "."], b"");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(
        err(&o).contains("0 files would be reformatted"),
        "{}",
        err(&o)
    );
}

#[test]
fn check_and_diff_write_nothing_and_fail() {
    let dir = project(BEFORE.as_bytes());
    let o = run(dir.path(), &["format", "--check", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("would reformat Dockerfile"), "{}", err(&o));
    assert_eq!(out(&o), "");
    let o = run(dir.path(), &["format", "--diff", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let diff = out(&o);
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
    let dir = project(b"");
    let o = run(dir.path(), &["format", "-"], BEFORE.as_bytes());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(out(&o), AFTER);
}

#[test]
fn the_configured_indent_applies_and_the_flag_overrides_it() {
    let dir = project(BEFORE.as_bytes());
    fs::write(
        dir.path().join("dockerfile-lsp.toml"),
        "[format]\ncontinuation-indent = \"tab\"\n",
    )
    .unwrap();
    let o = run(
        dir.path(),
        &["format", "--stdin-filename", "Dockerfile", "-"],
        BEFORE.as_bytes(),
    );
    assert_eq!(
        out(&o),
        "FROM alpine:3.20\nRUN apk add --no-cache \\\n\tcurl \\\n\t\tgit\n"
    );
    let o = run(
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
        out(&o),
        "FROM alpine:3.20\nRUN apk add --no-cache \\\n  curl \\\n      git\n"
    );
    let o = run(
        dir.path(),
        &["format", "--continuation-indent", "0", "-"],
        b"",
    );
    assert_eq!(o.status.code(), Some(2), "a usage error: {}", err(&o));
}

#[test]
fn invalid_utf8_is_left_alone() {
    let dir = project(b"from alpine\nLABEL x=\"\xff\"\n");
    let o = run(dir.path(), &["format", "Dockerfile"], b"");
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("not valid UTF-8"), "{}", err(&o));
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).unwrap(),
        b"from alpine\nLABEL x=\"\xff\"\n"
    );
}

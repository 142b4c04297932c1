//! Shared by the command-line tests: the binary run in a temporary project, isolated from
//! the user's configuration, and its output as text.

#![allow(dead_code)] // each test binary uses its own subset

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// An empty temporary project folder.
pub fn project() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("dockerfile-lsp-cli-")
        .tempdir()
        .expect("create temp dir")
}

/// A temporary project holding one `Dockerfile` with these bytes.
pub fn project_with(text: &[u8]) -> tempfile::TempDir {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), text).expect("write the Dockerfile");
    dir
}

/// The binary, run in `dir`, isolated from the user's hadolint and own configuration.
pub fn cmd(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dockerfile-lsp"));
    command
        .args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join(".no-xdg"))
        .env("HOME", dir.join(".no-home"))
        .env_remove("NO_COLOR")
        .env_remove("DOCKERFILE_LSP_LOG");
    command
}

/// Runs the binary in `dir` with `stdin` as its standard input.
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = cmd(dir, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dockerfile-lsp");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

/// Runs the binary in `dir` with an empty standard input.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    run_with_stdin(dir, args, b"")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

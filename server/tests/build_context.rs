//! End-to-end tests of the build-context facts: `check` on a folder with a Dockerfile and
//! a `.dockerignore` (or without one), through the real configuration loading path, and
//! the library path `config::load::load_for_path` + `Analysis` the editor uses.

use std::fs;
use std::path::Path;
use std::process::Command;

use dockerfile_lsp::config::load::load_for_path;
use dockerfile_lsp::ide::Analysis;

const DOCKERFILE: &str = "FROM node:22\nWORKDIR /app\nCOPY dist/app.js ./\nCOPY . .\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("dockerfile-lsp-context-")
        .tempdir()
        .expect("create temp dir");
    // A repository root, so that no `.dockerignore` above the temp dir is considered.
    fs::create_dir(dir.path().join(".git")).unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

fn check(dir: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_dockerfile-lsp"))
        .arg("check")
        .args(["--format", "text", "--fail-on", "none", "--color", "never"])
        .args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join(".no-xdg"))
        .env("HOME", dir.join(".no-home"))
        .output()
        .expect("run dockerfile-lsp");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn codes(out: &str) -> Vec<&str> {
    let mut v: Vec<&str> = out
        .lines()
        .filter_map(|l| l.split_once('[').and_then(|(_, r)| r.split_once(']')))
        .map(|(code, _)| code)
        .filter(|c| matches!(*c, "copy-ignored-file" | "dockerignore-missing"))
        .collect();
    v.sort();
    v
}

#[test]
fn cli_reports_an_ignored_source() {
    let dir = project(&[
        ("Dockerfile", DOCKERFILE),
        (".dockerignore", ".git\ndist\n"),
    ]);
    let out = check(dir.path(), &["Dockerfile"]);
    assert_eq!(codes(&out), ["copy-ignored-file"], "{out}");
    assert!(out.contains("pattern `dist` on line 2"), "{out}");
}

#[test]
fn cli_prefers_the_dockerfile_specific_ignore_file() {
    let dir = project(&[
        ("app.Dockerfile", DOCKERFILE),
        (".dockerignore", "dist\n"),
        ("app.Dockerfile.dockerignore", "node_modules\n"),
    ]);
    assert_eq!(
        codes(&check(dir.path(), &["app.Dockerfile"])),
        Vec::<&str>::new()
    );
}

#[test]
fn cli_reports_a_missing_ignore_file() {
    let dir = project(&[("Dockerfile", DOCKERFILE)]);
    assert_eq!(
        codes(&check(dir.path(), &["Dockerfile"])),
        ["dockerignore-missing"]
    );
    // Also with an explicit `--config`.
    fs::write(dir.path().join("conf.toml"), "").unwrap();
    assert_eq!(
        codes(&check(dir.path(), &["--config", "conf.toml", "Dockerfile"])),
        ["dockerignore-missing"]
    );
}

#[test]
fn cli_is_silent_on_stdin_without_a_file_name() {
    let dir = project(&[(".dockerignore", "dist\n")]);
    let output = Command::new(env!("CARGO_BIN_EXE_dockerfile-lsp"))
        .args(["check", "--format", "text", "--fail-on", "none", "-"])
        .current_dir(dir.path())
        .env("HOME", dir.path().join(".no-home"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(DOCKERFILE.as_bytes())?;
            child.wait_with_output()
        })
        .expect("run dockerfile-lsp");
    let out = String::from_utf8_lossy(&output.stdout);
    assert_eq!(codes(&out), Vec::<&str>::new(), "{out}");
}

#[test]
fn library_path_loads_the_context() {
    let dir = project(&[("Dockerfile", DOCKERFILE), (".dockerignore", "dist/*.js\n")]);
    let loaded = load_for_path(&dir.path().join("Dockerfile"));
    let ctx = loaded.config.build_context.as_ref().expect("build context");
    assert_eq!(
        ctx.dockerignore.as_ref().unwrap().file_name,
        ".dockerignore"
    );
    let ids: Vec<&str> = Analysis::new(DOCKERFILE)
        .diagnostics(&loaded.config)
        .iter()
        .map(|d| d.rule.id)
        .filter(|id| id.contains("ignore"))
        .collect();
    assert_eq!(ids, ["copy-ignored-file"]);
}

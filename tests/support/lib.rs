//! Test support shared by the test targets of this crate.

pub mod fake_registry;
pub mod lsp_client;
pub mod python;
pub mod registry;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// `target/<profile>` of this test executable (`target/<profile>/deps/nvim-…`).
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    exe.parent()
        .and_then(Path::parent)
        .expect("the test executable lives in target/<profile>/deps")
        .to_path_buf()
}

/// The newest modification time of the files the server binary is built from.
fn newest_source(paths: &[PathBuf]) -> Option<SystemTime> {
    let mut newest = None;
    let mut stack: Vec<PathBuf> = paths.to_vec();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                stack.push(entry.path());
            }
        } else if let Ok(modified) = meta.modified() {
            newest = newest.max(Some(modified));
        }
    }
    newest
}

/// The `dockerfile-lsp` binary of this test's profile and target directory. `cargo test
/// --workspace` has just built it for the server's own tests, so it is used as is when it
/// is newer than every source file; otherwise (this test run alone after an edit) it is
/// built here. Building unconditionally would make cargo rebuild the binary back and forth:
/// a plain `cargo build` resolves dependency features without the dev-dependencies that
/// `cargo test --workspace` unifies in.
pub fn server_binary() -> PathBuf {
    build_if_stale(&profile_dir())
}

/// The release `dockerfile-lsp` binary (`target/release/dockerfile-lsp`), as users run it:
/// the real-client tests (Neovim, Emacs) drive this one. `DOCKERFILE_LSP_BIN`, when set,
/// names another binary to drive instead (an installed one). Built here when it is older
/// than a source file; `scripts/test.sh` builds it before the tests run, so that the
/// build does not count against a test's time.
pub fn release_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("DOCKERFILE_LSP_BIN") {
        return PathBuf::from(bin);
    }
    let target_dir = profile_dir()
        .parent()
        .expect("target directory")
        .to_path_buf();
    build_if_stale(&target_dir.join("release"))
}

/// `profile_dir/dockerfile-lsp`, built first with that profile when it is missing or
/// older than a source file.
fn build_if_stale(profile_dir: &Path) -> PathBuf {
    let bin = profile_dir.join(format!("dockerfile-lsp{}", std::env::consts::EXE_SUFFIX));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let sources = [
        root.join("server/src"),
        root.join("server/Cargo.toml"),
        root.join("Cargo.lock"),
    ];
    let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
    if built.is_some() && built >= newest_source(&sources) {
        return bin;
    }
    let target_dir = profile_dir.parent().expect("target directory");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "-p", "dockerfile-lsp", "--bin", "dockerfile-lsp"])
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(&root);
    match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().expect("running cargo build");
    assert!(status.success(), "cargo build of dockerfile-lsp failed");
    assert!(bin.exists(), "{} missing after the build", bin.display());
    bin
}

/// Whether the environment variable `var` (a `DOCKERFILE_LSP_REQUIRE_*` flag, set by
/// `.ci/run`) makes a missing prerequisite a failure.
pub fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

/// Prints why a test does not run (`SKIPPED: …` on stderr); panics instead when the
/// flag `var` is set to 1.
pub fn skip(var: &str, why: &str) {
    if required(var) {
        panic!("{why} (required because {var}=1)");
    }
    eprintln!("SKIPPED: {why} (set {var}=1 to make this a failure)");
}

/// A child's pipe read to the end on its own thread, so the child never blocks on a
/// full pipe.
pub fn drain(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_string(&mut s);
        }
        s
    })
}

/// The last `max` bytes of `s` (from a character boundary), for failure reports.
pub fn tail(s: &str, max: usize) -> &str {
    let mut at = s.len().saturating_sub(max);
    while !s.is_char_boundary(at) {
        at += 1;
    }
    &s[at..]
}

/// Runs `command` with its output piped; when it runs longer than `timeout`, calls
/// `before_kill` and kills it. Returns the exit status (`None` when killed), its
/// standard output and its standard error.
pub fn run_bounded(
    command: &mut std::process::Command,
    timeout: std::time::Duration,
    before_kill: impl FnOnce(),
) -> (Option<std::process::ExitStatus>, String, String) {
    let mut child = command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {command:?}: {e}"));
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > timeout {
            before_kill();
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    (
        status,
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default(),
    )
}

/// Runs `command` (stdin closed) and returns its stdout; an error with its stderr when
/// it fails.
pub fn run_checked(command: &mut std::process::Command) -> Result<Vec<u8>, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let out = command
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("{program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// `(rule id, start line, start column, end line, end column)` of every diagnostic the
/// core analysis computes for `text` under `config` (what the server publishes,
/// ShellCheck's findings aside), 0-based, columns counted in `unit`, sorted.
pub fn core_findings(
    text: &str,
    unit: dockerfile_lsp::text::ColumnUnit,
    config: &dockerfile_lsp::config::Config,
) -> Vec<(String, u64, u64, u64, u64)> {
    let analysis = dockerfile_lsp::ide::Analysis::new(text);
    let index = analysis.line_index();
    let mut out: Vec<_> = analysis
        .diagnostics(config)
        .iter()
        .map(|d| {
            let start = index.line_col(text, d.range.start(), unit);
            let end = index.line_col(text, d.range.end(), unit);
            (
                d.code().to_string(),
                start.line.into(),
                start.col.into(),
                end.line.into(),
                end.col.into(),
            )
        })
        .collect();
    out.sort();
    out
}

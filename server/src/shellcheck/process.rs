//! Running the `shellcheck` program: finding it, running a batch of scripts in one
//! process (start-up costs ~10 ms of CPU and ~25–40 ms of wall time; checking a real RUN
//! script 10–100 ms) with a timeout after which the process is killed, and reading its
//! version.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use super::json::{self, Comment};

/// Codes never reported, as in hadolint: SC1090/SC1091 need `source` directives that a
/// Dockerfile cannot give; SC2187 says ash is checked as dash; SC2002 ("useless cat") is
/// off by default since ShellCheck 0.11 (the version built into hadolint 2.15), so older
/// installed versions (Debian's 0.9.0) must not bring it back.
pub const EXCLUDED: &str = "SC1090,SC1091,SC2002,SC2187";

/// The default time a batch may take before the process is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// A located `shellcheck` executable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Runner {
    pub path: PathBuf,
    pub timeout: Duration,
}

/// Finds the executable: the configured path (a path, or a name searched on `PATH`),
/// else `shellcheck` on `PATH`. The error says why the rule is silent.
pub fn locate(configured: Option<&str>) -> Result<Runner, String> {
    let runner = |path| Runner {
        path,
        timeout: DEFAULT_TIMEOUT,
    };
    match configured.filter(|c| !c.trim().is_empty()) {
        Some(c) if c.contains('/') || c.contains(std::path::MAIN_SEPARATOR) => {
            let p = PathBuf::from(c);
            if p.is_file() {
                Ok(runner(p))
            } else {
                Err(format!("the configured ShellCheck `{c}` does not exist"))
            }
        }
        Some(name) => search_path(name)
            .map(runner)
            .ok_or_else(|| format!("the configured ShellCheck `{name}` is not on PATH")),
        None => search_path("shellcheck").map(runner).ok_or_else(|| {
            "`shellcheck` is not on PATH (install it, e.g. `apt-get install shellcheck`, or set the ShellCheck path in the configuration)".to_string()
        }),
    }
}

fn search_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Runs `program args…` with `stdin` closed, killing it after `timeout`; returns its
/// standard output.
fn run_with_timeout(
    program: &Path,
    args: &[&str],
    dir: Option<&Path>,
    timeout: Duration,
) -> Result<String, String> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    // The reader is detached: if a grandchild keeps the pipe open after a kill, nobody waits.
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let result = stdout.read_to_end(&mut out).map(|_| out);
        let _ = tx.send(result);
    });
    match rx.recv_timeout(timeout) {
        Ok(Ok(out)) => {
            let _ = child.wait();
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        Ok(Err(e)) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!("reading {} failed: {e}", program.display()))
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            Err(format!(
                "{} took longer than {} ms and was stopped",
                program.display(),
                timeout.as_millis()
            ))
        }
    }
}

static BATCH: AtomicU64 = AtomicU64::new(0);

impl Runner {
    /// Checks every script in one process. Each script is a file named `<index>.sh` in
    /// a fresh temporary directory (its shebang gives the dialect). Returns the comments
    /// of each script, in order.
    pub fn check(&self, scripts: &[&str]) -> Result<Vec<Vec<Comment>>, String> {
        if scripts.is_empty() {
            return Ok(Vec::new());
        }
        let dir = std::env::temp_dir().join(format!(
            "dockerfile-lsp-shellcheck-{}-{}",
            std::process::id(),
            BATCH.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let result = self.check_in(&dir, scripts);
        let _ = std::fs::remove_dir_all(&dir);
        result
    }

    fn check_in(&self, dir: &Path, scripts: &[&str]) -> Result<Vec<Vec<Comment>>, String> {
        let mut names = Vec::with_capacity(scripts.len());
        for (i, script) in scripts.iter().enumerate() {
            let name = format!("{i}.sh");
            std::fs::write(dir.join(&name), script).map_err(|e| format!("{name}: {e}"))?;
            names.push(name);
        }
        let exclude = format!("--exclude={EXCLUDED}");
        let mut args = vec!["--format=json1", exclude.as_str()];
        args.extend(names.iter().map(String::as_str));
        let out = run_with_timeout(&self.path, &args, Some(dir), self.timeout)?;
        let comments = json::parse(&out).ok_or_else(|| {
            let head: String = out.chars().take(120).collect();
            format!("unexpected output from {}: {head:?}", self.path.display())
        })?;
        let mut per_script = vec![Vec::new(); scripts.len()];
        for c in comments {
            let index = c
                .file
                .rsplit('/')
                .next()
                .and_then(|f| f.strip_suffix(".sh"))
                .and_then(|n| n.parse::<usize>().ok());
            if let Some(slot) = index.and_then(|i| per_script.get_mut(i)) {
                slot.push(c);
            }
        }
        Ok(per_script)
    }

    /// The version `shellcheck --version` prints (`0.9.0`).
    pub fn version(&self) -> Result<String, String> {
        let out = run_with_timeout(&self.path, &["--version"], None, self.timeout)?;
        out.lines()
            .find_map(|l| l.trim().strip_prefix("version:"))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| format!("{} --version printed no version", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    /// The excluded codes stay out whatever ShellCheck version is installed: SC2002
    /// (useless cat) is reported by ShellCheck 0.9/0.10 but not by 0.11, hadolint's.
    #[test]
    fn excluded_codes_are_not_reported() {
        let Ok(runner) = locate(None) else {
            assert!(
                !std::env::var("DOCKERFILE_LSP_REQUIRE_SHELLCHECK").is_ok_and(|v| v == "1"),
                "shellcheck is not on PATH"
            );
            eprintln!("SKIPPED: shellcheck is not on PATH");
            return;
        };
        let script = "#!/bin/sh\ncat /etc/os-release | grep ID\necho $1\n";
        let out = runner.check(&[script]).expect("shellcheck runs");
        let codes: Vec<u32> = out[0].iter().map(|c| c.code).collect();
        assert_eq!(codes, vec![2086]);
    }
}

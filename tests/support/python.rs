//! The test-only BuildKit-parser virtualenv (`scripts/oracle-venv.sh`): where its Python
//! is, and running a script of ours with it over a batch of inputs (the oracle and fix-all
//! tests each make one call for the whole corpus).

use std::path::{Path, PathBuf};

/// The Python of the test-only BuildKit-parser virtualenv (`scripts/oracle-venv.sh`, or
/// the folder in `$DOCKERFILE_LSP_ORACLE_VENV`).
pub fn oracle_python() -> PathBuf {
    let venv = match std::env::var_os("DOCKERFILE_LSP_ORACLE_VENV") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/oracle-venv"),
    };
    venv.join("bin/python")
}

/// Runs `python script <input_flag> <file holding input> --out <file>` and returns the
/// JSON the script wrote. Each call gets its own temporary directory (tests run on
/// parallel threads of one process); a failing script fails the test with its stderr.
pub fn run_python_json(
    python: &Path,
    script: &Path,
    input_flag: &str,
    input: &[u8],
) -> serde_json::Value {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let tmp = std::env::temp_dir().join(format!(
        "dockerfile-lsp-python-{}-{run}",
        std::process::id()
    ));
    std::fs::create_dir_all(&tmp).unwrap();
    let (input_path, out) = (tmp.join("input"), tmp.join("output.json"));
    std::fs::write(&input_path, input).unwrap();
    let output = std::process::Command::new(python)
        .arg(script)
        .arg(input_flag)
        .arg(&input_path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", python.display()));
    assert!(
        output.status.success(),
        "{} failed ({}):\n{}",
        script.display(),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let json = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let _ = std::fs::remove_dir_all(&tmp);
    json
}

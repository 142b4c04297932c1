//! Locating the shared corpus of real Dockerfiles and deciding whether a missing
//! prerequisite skips a test or fails it; shared by the corpus, oracle, fix-all and
//! hadolint tests.

#![allow(dead_code)] // each test binary that includes this file uses its own subset

use std::path::{Path, PathBuf};

/// The corpus folders whose files the tests read, in order.
pub const FOLDERS: [&str; 3] = ["real", "templates", "large"];

/// The workspace root (the parent of the tests crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives inside the workspace")
        .to_path_buf()
}

/// The corpus directory: `$DOCKERFILE_LSP_CORPUS`, else `../shared/corpus` next to the
/// workspace root. `None` when it does not exist.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("DOCKERFILE_LSP_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared/corpus"),
    };
    dir.join("real").is_dir().then_some(dir)
}

/// True when the environment variable is set to `1`: the prerequisite is mandatory.
pub fn required(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

/// Makes a missing corpus a test failure when set to `1` (CI sets it).
pub const REQUIRE_CORPUS: &str = "DOCKERFILE_LSP_REQUIRE_CORPUS";

/// Every corpus file ([`corpus_files`]), or `None` after [`skip`] under `require` when
/// the corpus is missing. A corpus without files is a failure.
pub fn files_or_skip(require: &str) -> Option<Vec<CorpusFile>> {
    let Some(corpus) = corpus_dir() else {
        skip(require, "corpus not found (set DOCKERFILE_LSP_CORPUS)");
        return None;
    };
    let files = corpus_files(&corpus);
    assert!(!files.is_empty(), "no files in {}", corpus.display());
    Some(files)
}

/// Reports a missing prerequisite: a panic when `var` makes it mandatory, else a
/// message on stderr (the caller then returns and the test passes as skipped).
pub fn skip(var: &str, why: &str) {
    if required(var) {
        panic!("{why} (required because {var}=1)");
    }
    eprintln!("SKIPPED: {why} (set {var}=1 to make this a failure)");
}

/// One corpus file: its path relative to the corpus root (`real/owner__repo/Dockerfile`)
/// and its absolute path.
pub struct CorpusFile {
    pub name: String,
    pub path: PathBuf,
}

impl CorpusFile {
    /// The folder the file belongs to: `real`, `templates` or `large`.
    pub fn folder(&self) -> &str {
        self.name.split('/').next().unwrap_or("")
    }
}

/// Every file below `real/`, `templates/` and `large/`, sorted by name.
pub fn corpus_files(corpus: &Path) -> Vec<CorpusFile> {
    let mut files = Vec::new();
    for folder in FOLDERS {
        walk(&corpus.join(folder), folder, &mut files);
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn walk(dir: &Path, name: &str, out: &mut Vec<CorpusFile>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let child = format!("{name}/{}", entry.file_name().to_string_lossy());
        if path.is_dir() {
            walk(&path, &child, out);
        } else if path.is_file() {
            out.push(CorpusFile { name: child, path });
        }
    }
}

/// The file's text; invalid UTF-8 is replaced, as the editor and `check` would do.
pub fn read_lossy(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

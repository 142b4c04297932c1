//! Finding Dockerfiles: which file names count, and a recursive directory walk that skips
//! `.git`, `node_modules` and `target` and follows symbolic links without looping.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

/// Directories never entered while walking (they can still be named on the command line).
pub const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target"];

/// True for file names a directory walk treats as Dockerfiles.
///
/// Matching is case-sensitive, as `docker build` is on Linux: `Dockerfile`, `dockerfile`,
/// `Containerfile`, `containerfile`, `Dockerfile.*`, `Containerfile.*`, `*.Dockerfile`,
/// `*.dockerfile`, `*.Containerfile` and `*.containerfile`. A `Dockerfile.dockerignore`
/// is BuildKit's per-Dockerfile ignore file, not a Dockerfile.
pub fn is_dockerfile_name(name: &str) -> bool {
    if name.ends_with(".dockerignore") {
        return false;
    }
    const EXACT: &[&str] = &["Dockerfile", "dockerfile", "Containerfile", "containerfile"];
    const PREFIXES: &[&str] = &["Dockerfile.", "Containerfile."];
    const SUFFIXES: &[&str] = &[
        ".Dockerfile",
        ".dockerfile",
        ".Containerfile",
        ".containerfile",
    ];
    EXACT.contains(&name)
        || PREFIXES
            .iter()
            .any(|p| name.len() > p.len() && name.starts_with(p))
        || SUFFIXES
            .iter()
            .any(|s| name.len() > s.len() && name.ends_with(s))
}

/// What a directory walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Dockerfiles, in a stable order (entries sorted by name, depth first).
    pub files: Vec<PathBuf>,
    /// Directories that could not be read.
    pub errors: Vec<(PathBuf, io::Error)>,
}

/// Walks `root` recursively for Dockerfiles. Symbolic links to directories are followed
/// unless they lead back to a directory already visited; broken links are skipped.
pub fn walk(root: &Path) -> Walk {
    let mut walk = Walk::default();
    let mut visited = HashSet::new();
    if let Ok(canonical) = std::fs::canonicalize(root) {
        visited.insert(canonical);
    }
    walk_dir(root, &mut visited, &mut walk);
    walk
}

fn walk_dir(dir: &Path, visited: &mut HashSet<PathBuf>, walk: &mut Walk) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            walk.errors.push((dir.to_path_buf(), err));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let path = join(dir, Path::new(&name));
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        // Follow symbolic links to see what they point at; a broken link is skipped.
        let (is_dir, is_file) = if file_type.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(meta) => (meta.is_dir(), meta.is_file()),
                Err(_) => continue,
            }
        } else {
            (file_type.is_dir(), file_type.is_file())
        };
        let name = name.to_string_lossy();
        if is_dir {
            if SKIPPED_DIRS.contains(&name.as_ref()) {
                continue;
            }
            let Ok(canonical) = std::fs::canonicalize(&path) else {
                continue;
            };
            if visited.insert(canonical) {
                walk_dir(&path, visited, walk);
            }
        } else if is_file && is_dockerfile_name(&name) {
            walk.files.push(path);
        }
    }
}

/// Joins like [`Path::join`] but without a leading `./` when `dir` is `.`, so paths print
/// the way users type them.
fn join(dir: &Path, name: &Path) -> PathBuf {
    if dir == Path::new(".") {
        name.to_path_buf()
    } else {
        dir.join(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn dockerfile_names() {
        for yes in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.dev",
            "Dockerfile.windows.tmpl",
            "app.Dockerfile",
            "app.dockerfile",
            "Containerfile",
            "Containerfile.prod",
            "x.containerfile",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "README.md",
            "Dockerfile.",
            ".dockerfile",
            "DOCKERFILE",
            "dockerfile.go",
            "Dockerfile.dockerignore",
            ".dockerignore",
            "Dockerfiles",
            "mydockerfile",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn walk_finds_dockerfiles_and_skips_vendored_dirs() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        for dir in [
            "svc/a",
            ".git",
            "node_modules/pkg",
            "target/debug",
            ".devcontainer",
        ] {
            fs::create_dir_all(r.join(dir)).unwrap();
        }
        for file in [
            "Dockerfile",
            "README.md",
            "svc/a/Containerfile",
            "svc/app.dockerfile",
            ".git/Dockerfile",
            "node_modules/pkg/Dockerfile",
            "target/debug/Dockerfile",
            ".devcontainer/Dockerfile",
        ] {
            fs::write(r.join(file), "FROM scratch\n").unwrap();
        }
        let walk = walk(r);
        assert!(walk.errors.is_empty());
        let found: Vec<_> = walk
            .files
            .iter()
            .map(|p| p.strip_prefix(r).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            found,
            [
                ".devcontainer/Dockerfile",
                "Dockerfile",
                "svc/a/Containerfile",
                "svc/app.dockerfile"
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn walk_survives_symlink_loops() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        fs::create_dir_all(r.join("a/b")).unwrap();
        fs::write(r.join("a/b/Dockerfile"), "FROM scratch\n").unwrap();
        std::os::unix::fs::symlink(r.join("a"), r.join("a/b/loop")).unwrap();
        std::os::unix::fs::symlink(r.join("missing"), r.join("a/broken.Dockerfile")).unwrap();
        let walk = walk(r);
        assert_eq!(walk.files, [r.join("a/b/Dockerfile")]);
    }
}

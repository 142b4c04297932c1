//! Facts about the build context of a Dockerfile on disk, collected once when its
//! configuration is loaded, so that rules (which never do I/O) can use them.
//!
//! The build context is assumed to be the Dockerfile's folder (what `docker build -f
//! dir/Dockerfile dir` and most compose files use). BuildKit reads
//! `<Dockerfile name>.dockerignore` next to the Dockerfile first (e.g.
//! `app.Dockerfile.dockerignore`), else `.dockerignore` at the context root.

use std::path::{Path, PathBuf};

pub use crate::semantic::dockerignore::DockerIgnore;

/// What the analysis knows about the build context.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildContext {
    /// The context directory (the Dockerfile's folder).
    pub dir: PathBuf,
    /// The ignore file in force, parsed; `None` when the context has none.
    pub dockerignore: Option<DockerIgnore>,
    /// A `.dockerignore` exists in a parent folder (up to the repository root): the
    /// build context is probably that folder rather than the Dockerfile's, so facts
    /// about "no ignore file" are not reliable.
    pub dockerignore_in_parent: bool,
}

impl BuildContext {
    /// A context with the given ignore file text (for tests and editors that hold the
    /// ignore file in memory).
    pub fn with_dockerignore(file_name: &str, text: &str) -> BuildContext {
        BuildContext {
            dir: PathBuf::new(),
            dockerignore: Some(DockerIgnore::parse(file_name, text)),
            dockerignore_in_parent: false,
        }
    }
}

/// The build context of the Dockerfile at `dockerfile`. `None` when `dockerfile` is a
/// directory (standard input without `--stdin-filename`) or has no parent folder.
pub fn discover(dockerfile: &Path) -> Option<BuildContext> {
    let absolute = std::path::absolute(dockerfile).ok()?;
    if absolute.is_dir() {
        return None;
    }
    let dir = absolute.parent()?.to_path_buf();
    let name = absolute.file_name()?.to_string_lossy().into_owned();
    let specific = format!("{name}.dockerignore");
    let mut dockerignore = None;
    for candidate in [specific.as_str(), ".dockerignore"] {
        let path = dir.join(candidate);
        if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            dockerignore = Some(DockerIgnore::parse(candidate, &text));
            break;
        }
    }
    let mut dockerignore_in_parent = false;
    if dockerignore.is_none() && !dir.join(".git").exists() {
        for parent in dir.ancestors().skip(1) {
            if parent.join(".dockerignore").is_file() {
                dockerignore_in_parent = true;
                break;
            }
            if parent.join(".git").exists() {
                break;
            }
        }
    }
    Some(BuildContext {
        dir,
        dockerignore,
        dockerignore_in_parent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_ignore_file_next_to_the_dockerfile() {
        let root = tempfile::tempdir().unwrap();
        let dockerfile = root.path().join("Dockerfile");
        std::fs::write(&dockerfile, "FROM alpine\n").unwrap();
        let ctx = discover(&dockerfile).unwrap();
        assert!(ctx.dockerignore.is_none());

        std::fs::write(root.path().join(".dockerignore"), "node_modules\n").unwrap();
        let ctx = discover(&dockerfile).unwrap();
        let ignore = ctx.dockerignore.unwrap();
        assert_eq!(ignore.file_name, ".dockerignore");
        assert_eq!(ignore.patterns[0].pattern, "node_modules");

        // The Dockerfile-specific file wins.
        std::fs::write(root.path().join("Dockerfile.dockerignore"), "dist\n").unwrap();
        let ignore = discover(&dockerfile).unwrap().dockerignore.unwrap();
        assert_eq!(ignore.file_name, "Dockerfile.dockerignore");
        assert_eq!(ignore.patterns[0].pattern, "dist");
    }

    #[test]
    fn notices_an_ignore_file_in_a_parent_folder() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(".git")).unwrap();
        std::fs::write(root.path().join(".dockerignore"), "x\n").unwrap();
        let sub = root.path().join("docker");
        std::fs::create_dir(&sub).unwrap();
        let ctx = discover(&sub.join("Dockerfile")).unwrap();
        assert!(ctx.dockerignore.is_none());
        assert!(ctx.dockerignore_in_parent);
    }

    #[test]
    fn no_context_for_a_directory() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(discover(root.path()), None);
    }
}

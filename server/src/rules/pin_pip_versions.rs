//! `pin-pip-versions`: `pip install pkg` without a version specifier.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};

declare_rule! {
    /// ## What it does
    /// Reports each package named on a `pip install` command line (also `pip3`,
    /// `python -m pip`, `uv pip install`) that has no version specifier.
    ///
    /// Counts as pinned: a specifier (`flask==3.0.2`, `flask>=3,<4`, `flask~=3.0`,
    /// `flask[async]==3.0.2`, `!=`, `===`), a VCS URL with a revision
    /// (`git+https://github.com/x/y@v1.2`), a local archive (`*.whl`, `*.tar.gz`, `*.zip`),
    /// a path or a URL (anything with a `/` that is not a VCS URL), and local projects
    /// (`.`, `.[test]`, `./src`). The whole command is skipped when it installs from a
    /// requirements file (`-r`, `--requirement`), with a constraints file (`-c`,
    /// `--constraint`) or the current directory (`.`): the versions are then decided
    /// elsewhere. `$VAR` words are unknown and never reported.
    ///
    /// Differences from hadolint (DL3013): local projects with extras (`.[test]`) and
    /// `.zip` archives count as pinned (hadolint reports them); `uv pip install` is checked
    /// too; the values of every pip option that takes one (`--index-url`, `--target`, `-e`,
    /// …) are never taken for packages; and pip is recognised by its file name whatever the
    /// directory, also when the path holds variables (`"${CONDA_DIR}/envs/${env}/bin/pip"
    /// install flake8`), which hadolint does not recognise as pip.
    ///
    /// ## Why is this bad?
    /// An unpinned package is the newest release on PyPI on the day of the build. A new
    /// major version (or a broken release of a dependency) then changes or breaks the
    /// image without any change to the Dockerfile, and the layer cache hides the
    /// difference until somebody builds without it. This includes
    /// `pip install --upgrade pip`: the pip you get is whatever was released last.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir flask==3.0.2 gunicorn==21.2.0
    /// ```
    /// or list the pins in `requirements.txt` and `pip install -r requirements.txt`.
    ///
    /// ## Fix safety
    /// No automatic fix: the version to pin comes from the package index.
    ///
    /// ## References
    /// - hadolint DL3013
    /// - pip docs: "Requirement Specifiers", "Repeatable Installs"
    pub(crate) RULE {
        id: "pin-pip-versions",
        summary: "pip package installed without a version",
        level: Warning,
        fix: None,
        hadolint: ["DL3013"],
        buildkit: [],
        check: check,
    }
}

const SPECIFIERS: [&str; 8] = ["==", ">=", "<=", ">", "<", "!=", "~=", "==="];
const ARCHIVES: [&str; 5] = [".whl", ".tar.gz", ".zip", ".tgz", ".tar.bz2"];
const VCS: [&str; 4] = ["git+", "hg+", "svn+", "bzr+"];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if !matches!(pkg.manager, Manager::Pip | Manager::UvPip) || !pkg.is_install() {
                continue;
            }
            let from_files = pkg.options().any(|o| {
                let t = o.text.as_str();
                matches!(t, "-r" | "-c" | "--requirement" | "--constraint")
                    || t.starts_with("--requirement=")
                    || t.starts_with("--constraint=")
                    || (t.starts_with("-r") || t.starts_with("-c")) && !t.starts_with("--")
            });
            let operands = pkg.operands();
            if from_files || operands.iter().any(|w| w.text == ".") {
                continue;
            }
            for w in operands {
                if w.dynamic || w.text.is_empty() || pinned(&w.text) {
                    continue;
                }
                let t = &w.text;
                let message = if is_vcs(t) {
                    format!("Pin `{t}` to a tag or commit (`{t}@<ref>`) so that rebuilds get the same code.")
                } else {
                    format!("Pin the version of `{t}` (`{t}==<version>`) or install it from a requirements file.")
                };
                acc.report(&RULE, w.range, message);
            }
        }
    }
}

fn is_vcs(t: &str) -> bool {
    VCS.iter().any(|p| t.starts_with(p)) || t.starts_with("git://")
}

fn pinned(t: &str) -> bool {
    if is_vcs(t) {
        // `git+https://host/x/y@v1`: an `@` after the scheme's `//`.
        return t.split_once("://").is_some_and(|(_, rest)| rest.contains('@'));
    }
    SPECIFIERS.iter().any(|s| t.contains(s))
        || ARCHIVES.iter().any(|s| t.ends_with(s))
        || t.contains('/')
        || t.starts_with('.')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unpinned_packages() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12
RUN pip install --no-cache-dir --index-url https://pypi.example/simple flask "gunicorn>=21" 'uvicorn[standard]'
RUN python3 -m pip install -U pip setuptools==69.0 && uv pip install --system httpx
RUN pip install git+https://github.com/x/y.git -t /opt/lib requests
ONBUILD RUN pip3 install django
RUN "${CONDA_DIR}/envs/${env_name}/bin/pip" install --no-cache-dir 'flake8'
RUN <<EOF
pip install numpy
EOF
"#,
            expect![[r#"
                2 | RUN pip install --no-cache-dir --index-url https://pypi.example/simple flask "gunicorn>=21" 'uvicorn[standard]'
                  |                                                                        ^^^^^ pin-pip-versions: Pin the version of `flask` (`flask==<version>`) or install it from a requirements file.
                2 | RUN pip install --no-cache-dir --index-url https://pypi.example/simple flask "gunicorn>=21" 'uvicorn[standard]'
                  |                                                                                             ^^^^^^^^^^^^^^^^^^^ pin-pip-versions: Pin the version of `uvicorn[standard]` (`uvicorn[standard]==<version>`) or install it from a requirements file.
                3 | RUN python3 -m pip install -U pip setuptools==69.0 && uv pip install --system httpx
                  |                               ^^^ pin-pip-versions: Pin the version of `pip` (`pip==<version>`) or install it from a requirements file.
                3 | RUN python3 -m pip install -U pip setuptools==69.0 && uv pip install --system httpx
                  |                                                                               ^^^^^ pin-pip-versions: Pin the version of `httpx` (`httpx==<version>`) or install it from a requirements file.
                4 | RUN pip install git+https://github.com/x/y.git -t /opt/lib requests
                  |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ pin-pip-versions: Pin `git+https://github.com/x/y.git` to a tag or commit (`git+https://github.com/x/y.git@<ref>`) so that rebuilds get the same code.
                4 | RUN pip install git+https://github.com/x/y.git -t /opt/lib requests
                  |                                                            ^^^^^^^^ pin-pip-versions: Pin the version of `requests` (`requests==<version>`) or install it from a requirements file.
                5 | ONBUILD RUN pip3 install django
                  |                          ^^^^^^ pin-pip-versions: Pin the version of `django` (`django==<version>`) or install it from a requirements file.
                6 | RUN "${CONDA_DIR}/envs/${env_name}/bin/pip" install --no-cache-dir 'flake8'
                  |                                                                    ^^^^^^^^ pin-pip-versions: Pin the version of `flake8` (`flake8==<version>`) or install it from a requirements file.
                8 | pip install numpy
                  |             ^^^^^ pin-pip-versions: Pin the version of `numpy` (`numpy==<version>`) or install it from a requirements file.
            "#]],
        );
    }

    #[test]
    fn accepts_pins_files_paths_and_dynamic_words() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12
RUN pip install -r requirements.txt flask
RUN pip install --requirement=req.txt && pip install -c constraints.txt flask
RUN pip install . && pip install -e . && pip install .[test] ./src /tmp/x-1.0-py3-none-any.whl
RUN pip install flask==3.0.2 "django~=5.0" "a!=1" b===2 c\<3 git+https://github.com/x/y@v1.2
RUN pip install https://x/y.tar.gz dist/*.whl $EXTRA "$(cat pkgs)"
RUN pip download flask && pip wheel flask && pip uninstall -y flask
RUN ["pip", "install", "flask"]
"#,
        );
    }
}

//! `pip-no-cache-dir`: `pip install` that keeps pip's download cache in the image.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::mount::mounts;
use crate::semantic::pkg::{shipped_runs, Manager, PkgCommand};
use crate::semantic::{VarKind, VarSource};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `python -m pip`, `python3 -m pip`) without
    /// `--no-cache-dir`, and `uv pip install` without `--no-cache`, in a stage that ends
    /// up in the image (the final stage and the stages it is built `FROM`).
    ///
    /// Not reported when:
    /// - `PIP_NO_CACHE_DIR` (for uv: `UV_NO_CACHE`) is set by `ENV` in the stage (or a
    ///   stage it is built on) or as a prefix of the command;
    /// - the `RUN` mounts a cache or tmpfs (`--mount=type=cache,target=/root/.cache/pip`
    ///   or any target under or above a `.cache` directory): the cache stays out of
    ///   the layer;
    /// - the stage is a build stage that is only copied from.
    ///
    /// `pip download`, `pip wheel`, `pipx`, `pipenv` and `poetry` are not checked.
    ///
    /// Differences from hadolint (DL3042): hadolint reports `pip install` in every
    /// stage; we skip build stages whose files are only copied from (a `builder` stage
    /// that installs into `/install` for a later `COPY --from`, or a `dev` stage the
    /// final stage is not built on). hadolint also reads `RUN`s under a PowerShell or
    /// `cmd` `SHELL` (Windows images) as POSIX shell; we do not check those, as with
    /// every shell rule (PowerShell syntax is not sh, and a misread would be a false
    /// report).
    ///
    /// ## Why is this bad?
    /// pip keeps every downloaded archive and built wheel under `~/.cache/pip`. In an
    /// image nobody reinstalls from that cache; it only adds (often hundreds of) MB.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `--no-cache-dir` (uv: `--no-cache`) right after `install`. Safe:
    /// only the cache is affected.
    ///
    /// ## References
    /// - hadolint DL3042
    /// - pip docs: "Caching"
    pub(crate) RULE {
        id: "pip-no-cache-dir",
        summary: "pip install without --no-cache-dir",
        level: Info,
        fix: Always,
        hadolint: ["DL3042"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, eff) in shipped_runs(ctx.syntax, ctx.model) {
        let cache_mounted = mounts(eff).iter().any(|m| {
            m.keeps_out_of_layer()
                && m.target().is_some_and(|t| {
                    t.contains(".cache") || t.contains("pip") || t.contains("/uv") || t == "/root"
                })
        });
        if cache_mounted {
            continue;
        }
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            let (flag, env) = match pkg.manager {
                Manager::Pip => ("--no-cache-dir", "PIP_NO_CACHE_DIR"),
                Manager::UvPip => ("--no-cache", "UV_NO_CACHE"),
                _ => continue,
            };
            if !pkg.is(&["install"]) || pkg.has(&[], &[flag, "--no-cache-dir", "--no-cache"]) {
                continue;
            }
            if cmd.env.iter().any(|(k, _)| k == env) || env_set(ctx, i, env) {
                continue;
            }
            let Some(sub) = pkg.sub_word() else {
                continue;
            };
            acc.report(
                &RULE,
                sub.range,
                format!("Add `{flag}` so that the package cache is not kept in the image."),
            )
            .with_fix(
                format!("Insert `{flag}`"),
                Applicability::Safe,
                vec![TextEdit::insert(sub.range.end(), format!(" {flag}"))],
            );
        }
    }
}

/// `ENV NAME=…` is in force at instruction `at` (any value but an explicit false one).
fn env_set(ctx: &RuleContext<'_>, at: usize, name: &str) -> bool {
    match ctx.model.lookup(at, name) {
        Some(VarSource::Decl(d)) if d.kind == VarKind::Env => {
            let v = d.value.as_deref().unwrap_or("").trim_matches(['"', '\'']);
            !matches!(
                v.to_ascii_lowercase().as_str(),
                "0" | "false" | "no" | "off"
            )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_pip_install_with_cache() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12
RUN pip install -r requirements.txt && python3 -m pip install --index-url https://x/ flask
RUN uv pip install --system httpx
ONBUILD RUN pip3 install .
RUN <<EOF
/usr/local/bin/pip install --upgrade pip
EOF
"#,
            expect![[r#"
                2 | RUN pip install -r requirements.txt && python3 -m pip install --index-url https://x/ flask
                  |         ^^^^^^^ pip-no-cache-dir: Add `--no-cache-dir` so that the package cache is not kept in the image.
                2 | RUN pip install -r requirements.txt && python3 -m pip install --index-url https://x/ flask
                  |                                                       ^^^^^^^ pip-no-cache-dir: Add `--no-cache-dir` so that the package cache is not kept in the image.
                3 | RUN uv pip install --system httpx
                  |            ^^^^^^^ pip-no-cache-dir: Add `--no-cache` so that the package cache is not kept in the image.
                4 | ONBUILD RUN pip3 install .
                  |                  ^^^^^^^ pip-no-cache-dir: Add `--no-cache-dir` so that the package cache is not kept in the image.
                6 | /usr/local/bin/pip install --upgrade pip
                  |                    ^^^^^^^ pip-no-cache-dir: Add `--no-cache-dir` so that the package cache is not kept in the image.
            "#]],
        );
    }

    #[test]
    fn accepts_flag_env_mounts_and_build_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12 AS build
RUN pip wheel -r requirements.txt && pip install build
FROM python:3.12 AS base
ENV PIP_NO_CACHE_DIR=1
FROM base
RUN pip install flask
RUN pip install --no-cache-dir flask && uv pip install --no-cache x
RUN PIP_NO_CACHE_DIR=1 pip install flask && pip download x && pipx install y
RUN --mount=type=cache,target=/root/.cache/pip pip install flask
RUN --mount=type=cache,target=/root/.cache uv pip install x
RUN pip $CMD flask
"#,
        );
    }

    #[test]
    fn windows_shells_are_not_checked() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM python:3.12-windowsservercore
RUN pip install tox==4.0
SHELL ["powershell", "-Command"]
RUN python -m pip install packaging==25.0
"#,
        );
    }

    #[test]
    fn fix_inserts_no_cache_dir() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12
RUN python -m pip install -r req.txt && uv pip install x
"#,
            expect![[r#"
                FROM python:3.12
                RUN python -m pip install --no-cache-dir -r req.txt && uv pip install --no-cache x
            "#]],
        );
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12
RUN sudo pip3 install \
        flask \
    && env PIP_INDEX_URL=https://x /usr/local/bin/pip install -U pip
ONBUILD RUN pip install -r requirements.txt
RUN <<EOF
python3 -m pip install x
EOF
"#,
            expect![[r#"
                FROM python:3.12
                RUN sudo pip3 install --no-cache-dir \
                        flask \
                    && env PIP_INDEX_URL=https://x /usr/local/bin/pip install --no-cache-dir -U pip
                ONBUILD RUN pip install --no-cache-dir -r requirements.txt
                RUN <<EOF
                python3 -m pip install --no-cache-dir x
                EOF
            "#]],
        );
    }
}

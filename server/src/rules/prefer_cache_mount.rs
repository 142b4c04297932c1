//! `prefer-cache-mount`: package downloads that a BuildKit cache mount would keep
//! between builds.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::mount::mounts;
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a package download in a `RUN` that has no cache mount for the
    /// package manager's cache directory:
    ///
    /// | Command | Cache directory (as root) |
    /// |---|---|
    /// | `apt-get` / `apt` `install`, `upgrade` | `/var/cache/apt` and `/var/lib/apt` (`sharing=locked`) |
    /// | `apk add`, `apk upgrade` | `/var/cache/apk` |
    /// | `yum`, `dnf`, `microdnf`, `tdnf` `install`, `update` | `/var/cache/yum`, `/var/cache/dnf`, `/var/cache/tdnf` |
    /// | `zypper install` | `/var/cache/zypp` |
    /// | `pip install` / `uv pip install` | `/root/.cache/pip` / `/root/.cache/uv` |
    /// | `npm install`, `npm ci` | `/root/.npm` |
    /// | `yarn install`, `yarn add`, bare `yarn` | `/usr/local/share/.cache/yarn` |
    /// | `pnpm install`, `pnpm add` | `/root/.local/share/pnpm/store` |
    /// | `go build`, `go install`, `go mod download` | `/root/.cache/go-build` and `/go/pkg/mod` |
    ///
    /// Off by default: cache mounts need BuildKit, and they trade the simplicity of a
    /// plain `RUN` for build speed.
    ///
    /// ## Why is this bad?
    /// Without a cache mount every change to the layer (a new package, a changed
    /// `requirements.txt`) downloads everything again. A cache mount keeps the
    /// downloads on the build machine between builds, out of the image: rebuilds are
    /// faster and the image carries no cache. It also replaces the
    /// `--no-cache-dir` / `rm -rf /var/lib/apt/lists/*` / `npm cache clean` dance.
    ///
    /// For apt on Debian and Ubuntu images, the official images install
    /// `/etc/apt/apt.conf.d/docker-clean`, which deletes downloaded packages after each
    /// install: remove it and keep downloads for the cache mount to be useful:
    /// ```dockerfile
    /// RUN rm -f /etc/apt/apt.conf.d/docker-clean; \
    ///     echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > /etc/apt/apt.conf.d/keep-cache
    /// ```
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// The fix adds the `--mount` flag(s) from the table. It is unsafe: the directories
    /// are those of the root user (a `USER` or `--cache-dir` elsewhere needs another
    /// target), `--no-cache-dir` / `apk --no-cache` make the mount useless until they
    /// are removed, and the build then needs BuildKit.
    ///
    /// ## References
    /// - No hadolint, BuildKit, Trivy or Checkov check (the cleanup rules accept cache
    ///   mounts).
    /// - Docker docs: "Optimize cache usage in builds" (use cache mounts), "RUN --mount"
    pub(crate) RULE {
        id: "prefer-cache-mount",
        summary: "Package install without a cache mount",
        level: Off,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, shell) in ctx.model.run_shells() {
        let inst = ctx.syntax.instructions[i].effective();
        let ms = mounts(inst);
        let at = inst
            .flags
            .first()
            .map_or(inst.args.range.start(), |f| f.range.start());
        let mut seen: Vec<&'static str> = Vec::new();
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            let Some((dirs, sharing, range)) = cache_dirs(&pkg, &cmd.name) else {
                continue;
            };
            if seen.contains(&dirs[0]) || ms.iter().any(|m| dirs.iter().any(|d| m.covers(d))) {
                continue;
            }
            seen.push(dirs[0]);
            let flags: String = dirs
                .iter()
                .map(|d| {
                    if sharing {
                        format!("--mount=type=cache,target={d},sharing=locked ")
                    } else {
                        format!("--mount=type=cache,target={d} ")
                    }
                })
                .collect();
            acc.report(
                &RULE,
                range,
                format!(
                    "Mount a build cache on `{}` so that downloads are reused between builds and stay out of the image.",
                    dirs.join("` and `")
                ),
            )
            .with_fix(
                "Add a cache mount",
                Applicability::Unsafe,
                vec![TextEdit::insert(at, flags)],
            );
        }
    }
}

/// The cache directories of a downloading command, whether they need
/// `sharing=locked`, and where to report.
fn cache_dirs(
    pkg: &PkgCommand<'_>,
    name: &str,
) -> Option<(&'static [&'static str], bool, crate::text::TextRange)> {
    let sub = pkg.sub_word().map(|w| w.range);
    let (dirs, sharing): (&'static [&'static str], bool) = match pkg.manager {
        Manager::AptGet | Manager::Apt
            if pkg.is(&["install", "upgrade", "dist-upgrade", "full-upgrade"]) =>
        {
            (&["/var/cache/apt", "/var/lib/apt"], true)
        }
        Manager::Apk if pkg.is(&["add", "upgrade"]) => (&["/var/cache/apk"], false),
        Manager::Yum if pkg.is(&["install", "update", "upgrade"]) => {
            (&["/var/cache/yum"], false)
        }
        Manager::Dnf | Manager::Microdnf if pkg.is(&["install", "update", "upgrade"]) => {
            if name == "tdnf" {
                (&["/var/cache/tdnf"], false)
            } else {
                (&["/var/cache/dnf"], false)
            }
        }
        Manager::Zypper if pkg.is(&["install", "in"]) => (&["/var/cache/zypp"], false),
        Manager::Pip if pkg.is(&["install"]) => (&["/root/.cache/pip"], false),
        Manager::UvPip if pkg.is(&["install"]) => (&["/root/.cache/uv"], false),
        Manager::Npm if pkg.is_install() || pkg.is(&["ci", "clean-install"]) => {
            (&["/root/.npm"], false)
        }
        Manager::Yarn if pkg.is(&["install", "add"]) => {
            (&["/usr/local/share/.cache/yarn"], false)
        }
        Manager::Yarn if crate::rules::yarn_cache_not_cleaned::bare_install(pkg) => {
            return Some((
                &["/usr/local/share/.cache/yarn"],
                false,
                pkg.command.name_range,
            ));
        }
        Manager::Pnpm if pkg.is(&["install", "i", "add"]) => {
            (&["/root/.local/share/pnpm/store"], false)
        }
        Manager::Go
            if pkg.is(&["build", "install"])
                || (pkg.is(&["mod"])
                    && pkg.operands().first().is_some_and(|w| w.text == "download")) =>
        {
            (&["/root/.cache/go-build", "/go/pkg/mod"], false)
        }
        _ => return None,
    };
    Some((dirs, sharing, sub?))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_downloads_without_cache_mounts() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12
RUN apt-get update && apt-get install -y curl && pip install -r req.txt
RUN --mount=type=bind,source=.,target=/src go build -o /app ./cmd/app
ONBUILD RUN npm ci
RUN <<EOF
yarn
EOF
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get install -y curl && pip install -r req.txt
                  |                               ^^^^^^^ prefer-cache-mount: Mount a build cache on `/var/cache/apt` and `/var/lib/apt` so that downloads are reused between builds and stay out of the image.
                2 | RUN apt-get update && apt-get install -y curl && pip install -r req.txt
                  |                                                      ^^^^^^^ prefer-cache-mount: Mount a build cache on `/root/.cache/pip` so that downloads are reused between builds and stay out of the image.
                3 | RUN --mount=type=bind,source=.,target=/src go build -o /app ./cmd/app
                  |                                               ^^^^^ prefer-cache-mount: Mount a build cache on `/root/.cache/go-build` and `/go/pkg/mod` so that downloads are reused between builds and stay out of the image.
                4 | ONBUILD RUN npm ci
                  |                 ^^ prefer-cache-mount: Mount a build cache on `/root/.npm` so that downloads are reused between builds and stay out of the image.
                6 | yarn
                  | ^^^^ prefer-cache-mount: Mount a build cache on `/usr/local/share/.cache/yarn` so that downloads are reused between builds and stay out of the image.
            "#]],
        );
    }

    #[test]
    fn accepts_mounted_caches_and_other_commands() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl
RUN --mount=type=cache,target=/root/.cache pip install flask
RUN --mount=type=cache,target=/root/.cache/go-build go build ./...
RUN apt-get update && pip download x && npm run build && go test ./...
RUN ["pip", "install", "flask"]
"#,
        );
    }

    #[test]
    fn fix_adds_mounts() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y curl
RUN --network=none pip install x
"#,
            expect![[r#"
                FROM debian:12
                RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y curl
                RUN --mount=type=cache,target=/root/.cache/pip --network=none pip install x
            "#]],
        );
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN --network=host \
    apt-get update && sudo apt-get install -y curl
ONBUILD RUN apk add curl
RUN <<EOF
pip install x
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN --mount=type=cache,target=/var/cache/apt,sharing=locked --mount=type=cache,target=/var/lib/apt,sharing=locked --network=host \
                    apt-get update && sudo apt-get install -y curl
                ONBUILD RUN --mount=type=cache,target=/var/cache/apk apk add curl
                RUN --mount=type=cache,target=/root/.cache/pip <<EOF
                pip install x
                EOF
            "#]],
        );
    }
}

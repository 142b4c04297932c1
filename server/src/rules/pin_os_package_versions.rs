//! `pin-os-package-versions`: OS packages installed without a version.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};

declare_rule! {
    /// ## What it does
    /// Reports every package word of an operating-system package install that names no
    /// version, with the syntax of each manager:
    /// - `apt-get install` / `apt install`: `curl=7.88.1-10` (also `curl=7.88*`);
    ///   a target release (`curl/bookworm-backports`) and `.deb` files count as pinned;
    /// - `apk add`: `curl=8.5.0-r0`, `curl~8.5`, `curl>8`, and `.apk` files;
    /// - `yum` / `dnf` / `microdnf` / `tdnf install`: `curl-7.76.1`, `curl-7.76.1-26.el9`
    ///   (a `-` followed by a version-like part that starts with a digit), and `.rpm`
    ///   files; `dnf module install` needs a stream (`nodejs:20`);
    /// - `zypper install` / `in`: `curl=8.0`, `curl>=8`, `curl<9`, and `.rpm` files.
    ///
    /// Words holding a variable or a command substitution (`$PKGS`,
    /// `$(cat packages.txt)`) are unknown and never reported. Exec-form `RUN` is not
    /// checked.
    ///
    /// Differences from hadolint (DL3008, DL3018, DL3033, DL3041, DL3037): hadolint DL3008
    /// checks `apt-get` only; we check `apt install` as well (same practice), and `tdnf`
    /// (Azure Linux, CBL-Mariner) like `dnf`, which hadolint does not know. hadolint DL3033
    /// accepts any `-` in a yum package (`python3-devel` counts as pinned); we use DL3041's
    /// stricter notion for yum as well as dnf and microdnf, so `python3-devel` is reported.
    /// We do not report rpm words that cannot take a version: paths, globs and URLs
    /// (`${CORRETTO_TEMP}/*.rpm`, `/usr/bin/ps`), capabilities (`perl(JSON)`), groups and
    /// modules written `@name`. For apk, `<` and `>` constraints count as pinned, as apk
    /// accepts them. Option values (`-o X=Y`, `-t release`, `--virtual .deps`,
    /// `--enablerepo x`) are never taken for packages. hadolint reports a package list held
    /// in a variable (`apt-get install -y $buildDeps`, `apk add $PACKAGES`,
    /// `cuda-toolkit-${CUDA_VERSION//./-}`) as one unpinned package; we do not guess what a
    /// variable holds, and such lists (in the Erlang, Elixir and Nextcloud official images)
    /// are not reported.
    ///
    /// ## Why is this bad?
    /// Without a version, the package is whatever the mirror serves on the day of the
    /// build: two builds of the same Dockerfile can ship different code, a rebuild can
    /// fail because a dependency changed, and a security review cannot say what is in
    /// the image from the Dockerfile alone.
    ///
    /// Many maintainers, including most Docker official images, deliberately do not pin
    /// distribution packages: Debian and Ubuntu mirrors keep only the current version of
    /// a package, so a pin breaks the build as soon as a security update is published,
    /// and the distribution's stable release already promises compatible updates. Those
    /// images get reproducibility from a dated base image (`debian:bookworm-20240311`,
    /// a digest) and from snapshot mirrors instead. If you rely on that, turn this rule
    /// off (`pin-os-package-versions = "off"`). It is the most frequent finding on
    /// official images: on the 988 real Dockerfiles we test against (Docker official
    /// images and well-known projects) it reports about 6,000 package words, led by
    /// `ca-certificates`, `curl`, `git` and `gnupg`, and almost no official image pins
    /// its apt or apk packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the version to pin comes from the package repository, which a
    /// linter does not query.
    ///
    /// ## References
    /// - hadolint DL3008 (apt-get), DL3018 (apk), DL3033 (yum), DL3041 (dnf,
    ///   microdnf), DL3037 (zypper)
    /// - Docker docs: "Dockerfile best practices", section "apt-get" (version pinning)
    pub(crate) RULE {
        id: "pin-os-package-versions",
        summary: "OS package installed without a pinned version",
        level: Warning,
        fix: None,
        hadolint: ["DL3008", "DL3018", "DL3033", "DL3041", "DL3037"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if !pkg.manager.is_os() {
                continue;
            }
            let mut operands = pkg.operands();
            let module = pkg.manager.is_rpm() && pkg.is(&["module"]);
            if module {
                // `dnf module install nodejs:20`.
                if operands.first().is_none_or(|w| w.text != "install") {
                    continue;
                }
                operands.remove(0);
            } else if !pkg.is_install() {
                continue;
            }
            for w in operands {
                if w.dynamic || w.text.is_empty() {
                    continue;
                }
                let t = w.text.as_str();
                let (pinned, syntax) = if module {
                    (t.contains(':'), format!("{t}:<stream>"))
                } else {
                    match pkg.manager {
                        Manager::AptGet | Manager::Apt => (
                            t.contains('=') || t.contains('/') || t.ends_with(".deb"),
                            format!("{t}=<version>"),
                        ),
                        Manager::Apk => (
                            t.contains(['=', '~', '<', '>']) || t.ends_with(".apk"),
                            format!("{t}=<version>"),
                        ),
                        Manager::Zypper => (
                            t.contains(['=', '<', '>']) || t.ends_with(".rpm"),
                            format!("{t}=<version>"),
                        ),
                        _ => (rpm_pinned(t), format!("{t}-<version>")),
                    }
                };
                if pinned {
                    continue;
                }
                acc.report(
                    &RULE,
                    w.range,
                    format!(
                        "Pin the version of `{t}` (`{syntax}`) so that rebuilds install the same package."
                    ),
                );
            }
        }
    }
}

/// hadolint DL3041's notion: a `-` followed by parts made of version characters, one of
/// which starts with a digit; `.rpm` files, paths, URLs, capabilities and `@groups`
/// cannot take a version.
fn rpm_pinned(t: &str) -> bool {
    if t.ends_with(".rpm") || t.contains('/') || t.contains('(') || t.starts_with('@') {
        return true;
    }
    let mut parts = t.split('-');
    parts.next();
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".~^_:+".contains(c))
        })
        && rest
            .iter()
            .any(|p| p.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unpinned_packages_per_manager() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y -t bookworm-backports curl git=1:2.39* \
    -o Dpkg::Options::=--force-confold wget
RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.4-r2 make~4.4
RUN yum install -y httpd-2.4.57 python3-devel --enablerepo epel jq
RUN dnf module install -y nodejs:20 ruby && microdnf install tar
RUN zypper in -y vim "less>=590"
ONBUILD RUN apt-get install -y vim
RUN apt update && apt install -y bash && tdnf install -y icu
RUN <<EOF
apk add bash
EOF
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get install -y -t bookworm-backports curl git=1:2.39* \
                  |                                                                ^^^^ pin-os-package-versions: Pin the version of `curl` (`curl=<version>`) so that rebuilds install the same package.
                3 |     -o Dpkg::Options::=--force-confold wget
                  |                                        ^^^^ pin-os-package-versions: Pin the version of `wget` (`wget=<version>`) so that rebuilds install the same package.
                4 | RUN apk add --no-cache --virtual .build-deps gcc musl-dev=1.2.4-r2 make~4.4
                  |                                              ^^^ pin-os-package-versions: Pin the version of `gcc` (`gcc=<version>`) so that rebuilds install the same package.
                5 | RUN yum install -y httpd-2.4.57 python3-devel --enablerepo epel jq
                  |                                 ^^^^^^^^^^^^^ pin-os-package-versions: Pin the version of `python3-devel` (`python3-devel-<version>`) so that rebuilds install the same package.
                5 | RUN yum install -y httpd-2.4.57 python3-devel --enablerepo epel jq
                  |                                                                 ^^ pin-os-package-versions: Pin the version of `jq` (`jq-<version>`) so that rebuilds install the same package.
                6 | RUN dnf module install -y nodejs:20 ruby && microdnf install tar
                  |                                     ^^^^ pin-os-package-versions: Pin the version of `ruby` (`ruby:<stream>`) so that rebuilds install the same package.
                6 | RUN dnf module install -y nodejs:20 ruby && microdnf install tar
                  |                                                              ^^^ pin-os-package-versions: Pin the version of `tar` (`tar-<version>`) so that rebuilds install the same package.
                7 | RUN zypper in -y vim "less>=590"
                  |                  ^^^ pin-os-package-versions: Pin the version of `vim` (`vim=<version>`) so that rebuilds install the same package.
                8 | ONBUILD RUN apt-get install -y vim
                  |                                ^^^ pin-os-package-versions: Pin the version of `vim` (`vim=<version>`) so that rebuilds install the same package.
                9 | RUN apt update && apt install -y bash && tdnf install -y icu
                  |                                  ^^^^ pin-os-package-versions: Pin the version of `bash` (`bash=<version>`) so that rebuilds install the same package.
                9 | RUN apt update && apt install -y bash && tdnf install -y icu
                  |                                                          ^^^ pin-os-package-versions: Pin the version of `icu` (`icu-<version>`) so that rebuilds install the same package.
                11 | apk add bash
                   |         ^^^^ pin-os-package-versions: Pin the version of `bash` (`bash=<version>`) so that rebuilds install the same package.
            "#]],
        );
    }

    #[test]
    fn accepts_pinned_dynamic_and_non_install() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y curl=7.88.1-10 ./local.deb vim/bookworm-backports $EXTRA $(cat pkgs.txt)
RUN apt-get update && apt-get upgrade -y && apt-get remove -y curl && apt-get purge x
RUN apk add --no-cache curl=8.5.0-r0 /tmp/x.apk "bash<6" && apk del curl
RUN yum install -y https://x/epel-release-latest-9.noarch.rpm /usr/bin/ps 'perl(JSON)' @development
RUN dnf groupinstall -y "Development Tools" && dnf group install -y x && dnf remove -y y
RUN zypper install -y curl=8.0 ./x.rpm && zypper rm -y vim
RUN ["apt-get", "install", "-y", "curl"]
RUN pip install flask && npm install express
RUN runDeps='a b' && apt-get install -y $runDeps && dnf install -y ${TMP}/*.rpm cuda-${V//./-}
"#,
        );
    }

    #[test]
    fn windows_shell_is_not_checked() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN choco install -y git; apt-get install curl
"#,
        );
    }
}

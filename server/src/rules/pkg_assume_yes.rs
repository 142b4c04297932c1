//! `pkg-assume-yes`: a package install that may stop at a confirmation prompt.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a package installation that does not answer "yes" up front:
    /// - `apt-get install` / `apt install` without `-y`, `--yes`, `--assume-yes`, `-qq`
    ///   (`-q=2`, which implies `-y`) or `-o APT::Get::Assume-Yes=true`;
    /// - `yum` and `dnf` `install` / `groupinstall` / `localinstall` / `reinstall`
    ///   without `-y` / `--assumeyes`;
    /// - `zypper install` (`in`), `remove` (`rm`), `patch`, `source-install` (`si`)
    ///   without `-y` / `--no-confirm` after the subcommand or `-n` /
    ///   `--non-interactive` before it.
    ///
    /// An earlier `RUN` that writes `APT::Get::Assume-Yes` into the apt configuration
    /// counts as `-y` for the later apt commands, and a simulated install
    /// (`apt-get install -s`) never prompts.
    ///
    /// Differences from hadolint (DL3014, DL3038): `microdnf` is not checked, unlike
    /// hadolint DL3038: it never prompts (its `-y` is accepted and does nothing), and
    /// official images such as `openjdk:*-oraclelinux` run `microdnf install` without
    /// `-y`. hadolint DL3014 also reports a simulated `apt-get install -s`, which
    /// installs nothing and cannot prompt (the PostgreSQL official image probes
    /// packages that way).
    ///
    /// ## Why is this bad?
    /// A build has no terminal. When the package manager asks "Do you want to
    /// continue? [Y/n]" it reads end-of-file and aborts, so the build fails, and only
    /// when the package set happens to need a confirmation (extra dependencies), which
    /// makes the failure appear later, after an unrelated change.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `-y` right after the subcommand (`apt-get install -y`,
    /// `dnf install -y`); for zypper it inserts the global `--non-interactive` right
    /// after `zypper`, which every subcommand honours. Safe: it only answers the
    /// prompt the build cannot answer anyway.
    ///
    /// ## References
    /// - hadolint DL3014 (apt-get), DL3030 (yum), DL3038 (dnf), DL3034 (zypper)
    /// - Trivy DS-0021
    /// - Docker docs: "Dockerfile best practices", section "apt-get"
    pub(crate) RULE {
        id: "pkg-assume-yes",
        summary: "Package install without a non-interactive flag",
        level: Warning,
        fix: Always,
        hadolint: ["DL3014", "DL3030", "DL3038", "DL3034"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let mut apt_configured = false;
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let pkg = PkgCommand::of(cmd);
            if pkg.is_none()
                && cmd
                    .args
                    .iter()
                    .any(|a| a.text.to_ascii_lowercase().contains("assume-yes"))
            {
                apt_configured = true;
            }
            let Some(pkg) = pkg else {
                continue;
            };
            let missing = match pkg.manager {
                Manager::AptGet | Manager::Apt => {
                    pkg.is(&["install"])
                        && !apt_configured
                        && !apt_yes(&pkg)
                        && !pkg.has(
                            &['s'],
                            &[
                                "--simulate",
                                "--just-print",
                                "--dry-run",
                                "--recon",
                                "--no-act",
                            ],
                        )
                }
                Manager::Yum | Manager::Dnf => {
                    pkg.is(&["install", "groupinstall", "localinstall", "reinstall"])
                        && !pkg.has(&['y'], &["--assumeyes"])
                }
                Manager::Zypper => {
                    pkg.is(&[
                        "install",
                        "in",
                        "remove",
                        "rm",
                        "patch",
                        "source-install",
                        "si",
                    ]) && !pkg.has(&['y', 'n'], &["--no-confirm", "--non-interactive"])
                }
                _ => false,
            };
            if !missing {
                continue;
            }
            let Some(sub) = pkg.sub_word() else {
                continue;
            };
            let (title, edit) = if pkg.manager == Manager::Zypper {
                (
                    "Add `--non-interactive`",
                    TextEdit::insert(cmd.name_range.end(), " --non-interactive"),
                )
            } else {
                ("Add `-y`", TextEdit::insert(sub.range.end(), " -y"))
            };
            acc.report(
                &RULE,
                sub.range,
                format!(
                    "Add `-y` so that `{} {}` does not stop at a confirmation prompt.",
                    cmd.name, sub.text
                ),
            )
            .with_fix(title, Applicability::Safe, vec![edit]);
        }
    }
}

/// `-y`, `--yes`, `--assume-yes`, a quiet level of 2 (`-qq`, `-q -q`, `-q=2`,
/// `--quiet=2`) or `-o APT::Get::Assume-Yes=true`.
fn apt_yes(pkg: &PkgCommand<'_>) -> bool {
    if pkg.has(&['y'], &["--yes", "--assume-yes", "--force-yes"]) {
        return true;
    }
    let mut quiet = 0;
    for o in pkg.options() {
        let t = o.text.as_str();
        if let Some(v) = t.strip_prefix("-q=").or_else(|| t.strip_prefix("--quiet=")) {
            quiet += v.parse::<u32>().unwrap_or(0);
        } else if t == "--quiet" {
            quiet += 1;
        } else if !t.starts_with("--") && t[1..].chars().all(|c| c.is_ascii_alphanumeric()) {
            quiet += t.matches('q').count() as u32;
        }
    }
    if quiet >= 2 {
        return true;
    }
    pkg.option_values(Some("-o"), &["--option"])
        .iter()
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("apt::get::assume-yes=") && !v.ends_with("=false") && !v.ends_with("=0")
        })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_prompting_installs() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get -q install curl
RUN yum install httpd && dnf --setopt=x=1 install git
RUN zypper install vim
ONBUILD RUN sudo apt install git
RUN <<EOF
apt-get install -o Dpkg::Options::=--force-confold git
EOF
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get -q install curl
                  |                                  ^^^^^^^ pkg-assume-yes: Add `-y` so that `apt-get install` does not stop at a confirmation prompt.
                3 | RUN yum install httpd && dnf --setopt=x=1 install git
                  |         ^^^^^^^ pkg-assume-yes: Add `-y` so that `yum install` does not stop at a confirmation prompt.
                3 | RUN yum install httpd && dnf --setopt=x=1 install git
                  |                                           ^^^^^^^ pkg-assume-yes: Add `-y` so that `dnf install` does not stop at a confirmation prompt.
                4 | RUN zypper install vim
                  |            ^^^^^^^ pkg-assume-yes: Add `-y` so that `zypper install` does not stop at a confirmation prompt.
                5 | ONBUILD RUN sudo apt install git
                  |                      ^^^^^^^ pkg-assume-yes: Add `-y` so that `apt install` does not stop at a confirmation prompt.
                7 | apt-get install -o Dpkg::Options::=--force-confold git
                  |         ^^^^^^^ pkg-assume-yes: Add `-y` so that `apt-get install` does not stop at a confirmation prompt.
            "#]],
        );
    }

    #[test]
    fn accepts_non_interactive_installs() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y curl && apt-get -qq install git && apt-get install --yes a
RUN apt-get -q=2 install curl && apt-get -q -q install git && apt-get --assume-yes install x
RUN apt-get -o APT::Get::Assume-Yes=true install curl
RUN yum install -y httpd && dnf install --assumeyes git && microdnf -y install tar
RUN zypper -n install vim && zypper --non-interactive in git && zypper in -y x
RUN apt-get $CMD curl && yum update && microdnf install tar
RUN if apt-get install -s x > /dev/null; then echo ok; fi
RUN ["apt-get", "install", "curl"]
RUN echo 'APT::Get::Assume-Yes "true";' > /etc/apt/apt.conf.d/90yes
RUN apt-get install curl
"#,
        );
    }

    #[test]
    fn fix_inserts_y() {
        check_rule_fix(
            &RULE,
            r#"
FROM fedora:40
RUN dnf install git && zypper in vim
"#,
            expect![[r#"
                FROM fedora:40
                RUN dnf install -y git && zypper --non-interactive in vim
            "#]],
        );
    }

    #[test]
    fn fix_covers_prefixes_heredocs_and_onbuild() {
        check_rule_fix(
            &RULE,
            r#"
FROM fedora:40
RUN sudo DEBIAN_FRONTEND=noninteractive apt-get install curl \
    && env A=1 yum -q install \
        git
ONBUILD RUN yum install jq
RUN <<EOF
zypper patch
dnf groupinstall "Development Tools"
EOF
"#,
            expect![[r#"
                FROM fedora:40
                RUN sudo DEBIAN_FRONTEND=noninteractive apt-get install -y curl \
                    && env A=1 yum -q install -y \
                        git
                ONBUILD RUN yum install -y jq
                RUN <<EOF
                zypper --non-interactive patch
                dnf groupinstall -y "Development Tools"
                EOF
            "#]],
        );
    }
}

//! `apt-no-install-recommends`: `apt-get install` without `--no-install-recommends`.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` run without `--no-install-recommends` (also accepted:
    /// `-o APT::Install-Recommends=false` / `=0`, or an earlier `RUN` that writes
    /// `APT::Install-Recommends` into the apt configuration).
    ///
    /// Not reported: a simulated install (`apt-get install -s`, `--simulate`,
    /// `--dry-run`, `--just-print`, `--recon`, `--no-act`), which installs nothing.
    ///
    /// Differences from hadolint (DL3015): hadolint also reports the simulated form,
    /// as in the PostgreSQL official image's probe
    /// `if apt-get install -s "postgresql-$PG_MAJOR-jit" > /dev/null 2>&1; then …`.
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the requested ones merely
    /// *recommend*: documentation, extra tools, sometimes whole language runtimes. They
    /// make the image larger, slower to pull and give it more software to patch, without
    /// being needed for the package to work.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `--no-install-recommends` right after `install`. It is marked
    /// safe; if the build relied on a recommended package, add that package to the
    /// list explicitly.
    ///
    /// ## References
    /// - hadolint DL3015
    /// - Trivy DS-0029
    /// - Docker docs: "Dockerfile best practices", section "apt-get"
    pub(crate) RULE {
        id: "apt-no-install-recommends",
        summary: "apt-get install without --no-install-recommends",
        level: Info,
        fix: Always,
        hadolint: ["DL3015"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let mut configured = false;
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            // `echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/…` turns
            // recommends off for the rest of the build.
            if cmd.name != "apt-get"
                && cmd
                    .args
                    .iter()
                    .any(|a| a.text.to_ascii_lowercase().contains("install-recommends"))
            {
                configured = true;
            }
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if pkg.manager != Manager::AptGet || !pkg.is(&["install"]) || configured {
                continue;
            }
            // A simulated install (`-s`) installs nothing.
            if pkg.has(
                &['s'],
                &[
                    "--no-install-recommends",
                    "--simulate",
                    "--just-print",
                    "--dry-run",
                    "--no-act",
                ],
            ) {
                continue;
            }
            let off = pkg
                .option_values(Some("-o"), &["--option"])
                .iter()
                .any(|v| {
                    let v = v.to_ascii_lowercase();
                    v.starts_with("apt::install-recommends=")
                        && matches!(
                            v.rsplit('=').next(),
                            Some("false" | "0" | "no" | "off" | "\"false\"" | "\"0\"")
                        )
                });
            if off {
                continue;
            }
            let Some(sub) = pkg.sub_word() else {
                continue;
            };
            acc.report(
                &RULE,
                sub.range,
                "Add `--no-install-recommends` to avoid installing packages that are only recommended.",
            )
            .with_fix(
                "Insert `--no-install-recommends`",
                Applicability::Safe,
                vec![TextEdit::insert(sub.range.end(), " --no-install-recommends")],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_install_with_recommends() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && sudo apt-get -o Dpkg::Options::=--force-confnew install -y curl
ONBUILD RUN apt-get install -y git
RUN <<EOF
apt-get install -y vim
EOF
"#,
            expect![[r#"
                2 | RUN apt-get update && sudo apt-get -o Dpkg::Options::=--force-confnew install -y curl
                  |                                                                       ^^^^^^^ apt-no-install-recommends: Add `--no-install-recommends` to avoid installing packages that are only recommended.
                3 | ONBUILD RUN apt-get install -y git
                  |                     ^^^^^^^ apt-no-install-recommends: Add `--no-install-recommends` to avoid installing packages that are only recommended.
                5 | apt-get install -y vim
                  |         ^^^^^^^ apt-no-install-recommends: Add `--no-install-recommends` to avoid installing packages that are only recommended.
            "#]],
        );
    }

    #[test]
    fn accepts_flag_option_and_config() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y --no-install-recommends curl
RUN apt-get -o APT::Install-Recommends=false install -y curl
RUN apt-get install -y -oAPT::Install-Recommends=0 curl
RUN apt-get $ACTION curl && apt-get install -s curl
RUN ["apt-get", "install", "-y", "curl"]
RUN echo 'APT::Install-Recommends "0";' > /etc/apt/apt.conf.d/99norec
RUN apt-get install -y wget
"#,
        );
    }

    #[test]
    fn fix_inserts_flag_after_install() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y curl \
    && apt-get -q install git
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get update && apt-get install --no-install-recommends -y curl \
                    && apt-get -q install --no-install-recommends git
            "#]],
        );
    }
}

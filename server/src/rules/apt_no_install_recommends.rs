//! `apt-no-install-recommends`: `apt-get install` without `--no-install-recommends`.

use crate::rules::{Applicability, Diagnostics, Fix, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::text::{TextEdit, TextRange};

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
    /// One fix per `RUN`: it inserts `--no-install-recommends` right after every
    /// `install` of the `RUN` that lacks it (heredoc bodies, `sudo`/`env` prefixes and
    /// `ONBUILD` triggers included), so applying it from any finding gives the same
    /// text. It is marked unsafe: the image no longer gets the recommended packages,
    /// and builds or programs sometimes rely on one without naming it (`curl` or `wget`
    /// over HTTPS need `ca-certificates`, which they only recommend). Review the
    /// package list, then apply it.
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
        // Every `install` word of this RUN that lacks the flag: one finding each, and
        // every finding carries the same fix for the whole RUN, so that a single quick
        // fix and fix-all write the same text.
        let mut installs: Vec<TextRange> = Vec::new();
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
            // Already there (before or after `install`), or a simulated install (`-s`),
            // which installs nothing.
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
            if let Some(sub) = pkg.sub_word() {
                installs.push(sub.range);
            }
        }
        if installs.is_empty() {
            continue;
        }
        let edits: Vec<TextEdit> = installs
            .iter()
            .map(|r| TextEdit::insert(r.end(), " --no-install-recommends"))
            .collect();
        let title = if installs.len() == 1 {
            "Add `--no-install-recommends` (recommended packages are no longer installed)"
                .to_string()
        } else {
            format!(
                "Add `--no-install-recommends` to the {} `apt-get install` commands of this RUN (recommended packages are no longer installed)",
                installs.len()
            )
        };
        let covered = installs[0].cover(installs[installs.len() - 1]);
        for r in &installs {
            acc.report(
                &RULE,
                *r,
                "Add `--no-install-recommends` to avoid installing packages that are only recommended.",
            )
            .push_fix(
                Fix::new(title.clone(), Applicability::Unsafe, edits.clone())
                    .also_editing([covered]),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
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
    fn fix_covers_every_install_of_the_run() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y curl \
    && sudo apt-get -q install git \
    && env FOO=1 apt-get install -y vim \
    && DEBIAN_FRONTEND=noninteractive apt-get -y install less \
    && apt-get install --no-install-recommends make \
    && apt-get --no-install-recommends install gcc \
    && apt-get -o APT::Install-Recommends=false install jq
ONBUILD RUN apt-get install -y git
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get update && apt-get install --no-install-recommends -y curl \
                    && sudo apt-get -q install --no-install-recommends git \
                    && env FOO=1 apt-get install --no-install-recommends -y vim \
                    && DEBIAN_FRONTEND=noninteractive apt-get -y install --no-install-recommends less \
                    && apt-get install --no-install-recommends make \
                    && apt-get --no-install-recommends install gcc \
                    && apt-get -o APT::Install-Recommends=false install jq
                ONBUILD RUN apt-get install --no-install-recommends -y git
            "#]],
        );
    }

    #[test]
    fn every_finding_of_a_run_has_the_same_fix() {
        let text = "FROM debian:12\nRUN apt-get install -y a && apt-get install -y b\n";
        let diags = crate::rules::test_support::diagnostics_of(&RULE, text);
        assert_eq!(diags.len(), 2);
        assert_eq!(diags[0].fixes, diags[1].fixes);
        assert_eq!(diags[0].fixes[0].edits.len(), 2);
    }

    #[test]
    fn fix_in_heredoc_escape_and_crlf() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN <<EOF
set -e
apt-get update
apt-get install -y \
    curl
EOF
RUN python3 <<EOF
print("apt-get install -y x")
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN <<EOF
                set -e
                apt-get update
                apt-get install --no-install-recommends -y \
                    curl
                EOF
                RUN python3 <<EOF
                print("apt-get install -y x")
                EOF
            "#]],
        );
        // With a backtick escape the shell is not known to be POSIX: no shell view, no
        // finding, no fix.
        check_rule_not(
            &RULE,
            "# escape=`\nFROM debian:12\nRUN apt-get update `\n    && apt-get install -y curl\n",
        );
        {
            let before = "FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n";
            let d = crate::rules::test_support::diagnostics_of(&RULE, before);
            let fixed = crate::text::apply_edits(before, &d[0].fixes[0].edits);
            assert_eq!(fixed, "FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install --no-install-recommends -y curl\r\n");
        }
    }

    #[test]
    fn the_fix_is_unsafe_and_offered_once() {
        check_rule_fixes(
            &RULE,
            "FROM debian:12\nRUN apt-get install -y curl\n",
            expect![[r#"
                --- Add `--no-install-recommends` (recommended packages are no longer installed) (unsafe)
                FROM debian:12
                RUN apt-get install --no-install-recommends -y curl
            "#]],
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

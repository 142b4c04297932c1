//! `apt-get-not-apt`: `apt` used in RUN instead of `apt-get` / `apt-cache`.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `apt` (the interactive front end) in a `RUN` command, including inside
    /// heredoc scripts and behind `sudo` or `env`.
    ///
    /// ## Why is this bad?
    /// `apt` is meant for people at a terminal: its command-line interface is not
    /// promised to stay stable, it prints progress bars and the warning "apt does not
    /// have a stable CLI interface" into the build log, and its behaviour can change
    /// between releases. `apt-get` and `apt-cache` are the stable, scriptable tools.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// ```
    ///
    /// ## Fix safety
    /// Replacing `apt` with `apt-get` is offered as a safe fix for `install`, `remove`,
    /// `purge`, `update`, `autoremove`, `clean`, `autoclean`, `build-dep`, `source`,
    /// `download` and `dist-upgrade` (`reinstall` becomes `install --reinstall`);
    /// `search`, `show`, `policy`, `depends` and `rdepends` become `apt-cache`.
    /// `apt upgrade` may install new packages where `apt-get upgrade` does not, and
    /// `apt full-upgrade` becomes `apt-get dist-upgrade`: both fixes are unsafe. Other
    /// subcommands (`list`) have no direct equivalent and get no fix. A command with an
    /// option that not every `apt-get` knows (apt 3's `apt install --update`) gets the
    /// fix as unsafe, its title naming the option to check.
    ///
    /// ## References
    /// - hadolint DL3027
    /// - Checkov CKV_DOCKER_9
    /// - Docker docs: "Dockerfile best practices", section "apt-get"
    pub(crate) RULE {
        id: "apt-get-not-apt",
        summary: "apt used in RUN instead of apt-get",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3027"],
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
            if pkg.manager != Manager::Apt {
                continue;
            }
            let d = acc.report(
                &RULE,
                cmd.name_range,
                "Use `apt-get` (or `apt-cache`) in scripts; `apt` has no stable command-line interface.",
            );
            let sub = pkg.subcommand().unwrap_or("");
            let (tool, new_sub, mut applicability) = match sub {
                "install" | "remove" | "purge" | "update" | "autoremove" | "clean"
                | "autoclean" | "build-dep" | "source" | "download" | "dist-upgrade" => {
                    ("apt-get", None, Applicability::Safe)
                }
                "reinstall" => ("apt-get", Some("install --reinstall"), Applicability::Safe),
                "search" | "show" | "policy" | "depends" | "rdepends" | "showsrc" => {
                    ("apt-cache", None, Applicability::Safe)
                }
                "upgrade" => ("apt-get", None, Applicability::Unsafe),
                "full-upgrade" => ("apt-get", Some("dist-upgrade"), Applicability::Unsafe),
                _ => continue,
            };
            // Only a plain `apt` (no path prefix) is rewritten.
            if &ctx.text[cmd.name_range.range()] != "apt" {
                continue;
            }
            let mut edits = vec![TextEdit::replace(cmd.name_range, tool)];
            if let (Some(n), Some(w)) = (new_sub, pkg.sub_word()) {
                edits.push(TextEdit::replace(w.range, n));
            }
            // An option `apt-get` may not know (`apt install --update` is apt 3's): the
            // rewritten command could fail, so it is for a person to check.
            let unknown = pkg
                .options()
                .find(|o| !o.dynamic && !crate::semantic::pkg::apt_get_accepts(&o.text));
            let title = match unknown {
                Some(o) => {
                    applicability = Applicability::Unsafe;
                    format!(
                        "Replace `apt` with `{tool}` (check that `{tool}` accepts `{}`)",
                        o.text.split('=').next().unwrap_or_default()
                    )
                }
                None => format!("Replace `apt` with `{tool}`"),
            };
            d.with_fix(title, applicability, edits);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_apt_in_run_heredoc_and_onbuild() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt update && sudo apt install -y curl
ONBUILD RUN apt-get update && apt list --installed
RUN <<EOF
apt remove -y vim
EOF
"#,
            expect![[r#"
                2 | RUN apt update && sudo apt install -y curl
                  |     ^^^ apt-get-not-apt: Use `apt-get` (or `apt-cache`) in scripts; `apt` has no stable command-line interface.
                2 | RUN apt update && sudo apt install -y curl
                  |                        ^^^ apt-get-not-apt: Use `apt-get` (or `apt-cache`) in scripts; `apt` has no stable command-line interface.
                3 | ONBUILD RUN apt-get update && apt list --installed
                  |                               ^^^ apt-get-not-apt: Use `apt-get` (or `apt-cache`) in scripts; `apt` has no stable command-line interface.
                5 | apt remove -y vim
                  | ^^^ apt-get-not-apt: Use `apt-get` (or `apt-cache`) in scripts; `apt` has no stable command-line interface.
            "#]],
        );
    }

    #[test]
    fn accepts_apt_get_exec_form_and_other_words() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-cache policy curl && echo apt
RUN ["apt", "install", "-y", "curl"]
RUN python3 <<EOF
apt = 1
EOF
"#,
        );
    }

    #[test]
    fn an_option_apt_get_may_not_know_makes_the_fix_unsafe() {
        check_rule_fixes(
            &RULE,
            "FROM ubuntu:24.04\nRUN apt install -y --update ca-certificates\nRUN apt install -qy -o Dpkg::Use-Pty=0 --no-install-recommends curl\n",
            expect![[r#"
                --- Replace `apt` with `apt-get` (check that `apt-get` accepts `--update`) (unsafe)
                FROM ubuntu:24.04
                RUN apt-get install -y --update ca-certificates
                RUN apt install -qy -o Dpkg::Use-Pty=0 --no-install-recommends curl
                --- Replace `apt` with `apt-get` (safe)
                FROM ubuntu:24.04
                RUN apt install -y --update ca-certificates
                RUN apt-get install -qy -o Dpkg::Use-Pty=0 --no-install-recommends curl
            "#]],
        );
    }

    #[test]
    fn fixes_to_apt_get_and_apt_cache() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt update && apt install -y curl && apt show curl
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get update && apt-get install -y curl && apt-cache show curl
            "#]],
        );
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN sudo apt reinstall -y curl \
    && DEBIAN_FRONTEND=noninteractive apt -y install git
ONBUILD RUN apt search vim
RUN <<EOF
apt update
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN sudo apt-get install --reinstall -y curl \
                    && DEBIAN_FRONTEND=noninteractive apt-get -y install git
                ONBUILD RUN apt-cache search vim
                RUN <<EOF
                apt-get update
                EOF
            "#]],
        );
    }
}

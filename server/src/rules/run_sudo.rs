//! `run-sudo`: `sudo` inside a RUN.

use crate::syntax::Kind;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `sudo` used to run a command in a `RUN` (also in heredoc scripts and
    /// `ONBUILD RUN` triggers). Only a command word counts: `apt-get install sudo`
    /// installs a package and is not reported.
    ///
    /// ## Why is this bad?
    /// Build steps already run as the user set by `USER` (root by default), so `sudo`
    /// adds nothing but a package, a sudoers configuration and a TTY/PAM dependency
    /// that behaves unpredictably without a terminal. Worse, an image whose non-root
    /// user may `sudo` gives every process in the container an easy way back to root.
    /// Switch users with `USER root` … `USER app` around the steps that need root.
    ///
    /// ## Example
    /// ```dockerfile
    /// USER app
    /// RUN sudo apt-get update && sudo apt-get install -y curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// USER root
    /// RUN apt-get update && apt-get install -y curl
    /// USER app
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the `sudo` word when it has no options of its own (`sudo -u app
    /// cmd` keeps it) and the `RUN` does not check who runs it (`id -u`, `$EUID`). It is safe when the `USER` in force is explicitly `root` (or
    /// `0`): the command then runs as it did. Otherwise it is unsafe: the command runs
    /// as the current `USER`, which may not be root (switch with `USER root` first).
    ///
    /// ## References
    /// - hadolint DL3004
    /// - Trivy DS-0010; Checkov CKV2_DOCKER_1
    /// - Docker docs: "Dockerfile best practices", section "USER"
    pub(crate) RULE {
        id: "run-sudo",
        summary: "sudo in RUN",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3004"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            if cmd.name == "sudo" {
                // `/usr/bin/sudo cmd`: the model strips only a bare `sudo`.
                let target = cmd.args.iter().find(|a| !a.text.starts_with('-'));
                acc.report(
                    &RULE,
                    cmd.name_range,
                    format!(
                        "Do not use `sudo` to run `{}`; build steps already run as the `USER` in force (switch with `USER root` if needed).",
                        target.map_or("a command", |t| t.text.as_str())
                    ),
                );
                continue;
            }
            if !cmd.sudo {
                continue;
            }
            let Some(sudo) = sudo_word(ctx.text, cmd.range.start(), cmd.name_range.start())
            else {
                continue;
            };
            let d = acc.report(
                &RULE,
                sudo,
                format!(
                    "Do not use `sudo` to run `{}`; build steps already run as the `USER` in force (switch with `USER root` if needed).",
                    cmd.name
                ),
            );
            // Only `sudo` followed by the command (or `VAR=value` prefixes) is removed.
            let after = &ctx.text[sudo.end()..cmd.name_range.start()];
            // A script that checks who runs it (`if [ "$(id -u)" -ne 0 ]; then sudo …`)
            // uses sudo on purpose.
            let checks_user = shell
                .commands()
                .any(|c| c.name == "id" || c.name == "whoami")
                || ctx.text[ctx.syntax.instructions[i].range.range()].contains("$(id -u)")
                || ctx.text[ctx.syntax.instructions[i].range.range()].contains("EUID");
            if !checks_user && after.split_whitespace().all(|w| !w.starts_with('-')) {
                let next = crate::fix::shell_edit::next_word_start(ctx.text, sudo.end());
                let applicability = if root_in_force(ctx, i) {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
                d.with_fix(
                    "Remove `sudo`",
                    applicability,
                    vec![TextEdit::delete(TextRange::new(
                        sudo.start(),
                        next,
                    ))],
                );
            }
        }
    }
}

/// The `sudo` word between a command's start and its name.
fn sudo_word(text: &str, start: usize, end: usize) -> Option<TextRange> {
    let slice = text.get(start..end)?;
    let mut pos = 0;
    for tok in slice.split(|c: char| c.is_ascii_whitespace()) {
        let here = pos;
        pos += tok.len() + 1;
        if tok.rsplit('/').next() == Some("sudo") {
            return Some(TextRange::new(start + here, start + here + tok.len()));
        }
    }
    None
}

/// The last `USER` before instruction `at` (in its stage chain) is `root` / `0`.
fn root_in_force(ctx: &RuleContext<'_>, at: usize) -> bool {
    if ctx.syntax.instructions[at].kind == Kind::Onbuild {
        return false;
    }
    let user = ctx
        .model
        .instructions_before(at)
        .find(|&j| ctx.syntax.instructions[j].kind == Kind::User);
    let Some(j) = user else {
        return false;
    };
    let Some(word) = ctx.syntax.instructions[j].args.words.first() else {
        return false;
    };
    ctx.model
        .expand_at(j, &word.text)
        .is_some_and(|v| matches!(v.split(':').next(), Some("root" | "0")))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_sudo() {
        check_rule(
            &RULE,
            r#"
FROM ubuntu:24.04
RUN sudo apt-get update && DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y x
ONBUILD RUN /usr/bin/sudo make install
RUN <<EOF
sudo chown app /app
EOF
"#,
            expect![[r#"
                2 | RUN sudo apt-get update && DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y x
                  |     ^^^^ run-sudo: Do not use `sudo` to run `apt-get`; build steps already run as the `USER` in force (switch with `USER root` if needed).
                2 | RUN sudo apt-get update && DEBIAN_FRONTEND=noninteractive sudo -E apt-get install -y x
                  |                                                           ^^^^ run-sudo: Do not use `sudo` to run `apt-get`; build steps already run as the `USER` in force (switch with `USER root` if needed).
                3 | ONBUILD RUN /usr/bin/sudo make install
                  |             ^^^^^^^^^^^^^ run-sudo: Do not use `sudo` to run `make`; build steps already run as the `USER` in force (switch with `USER root` if needed).
                5 | sudo chown app /app
                  | ^^^^ run-sudo: Do not use `sudo` to run `chown`; build steps already run as the `USER` in force (switch with `USER root` if needed).
            "#]],
        );
    }

    #[test]
    fn accepts_sudo_as_package_or_word() {
        check_rule_not(
            &RULE,
            r#"
FROM ubuntu:24.04
RUN apt-get install -y sudo && echo "app ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers && which sudo
RUN ["sudo", "ls"]
SHELL ["powershell", "-Command"]
RUN sudo ls
"#,
        );
    }

    #[test]
    fn fix_removes_plain_sudo() {
        check_rule_fix(
            &RULE,
            r#"
FROM ubuntu:24.04
RUN sudo apt-get update && sudo -u app make
"#,
            expect![[r#"
                FROM ubuntu:24.04
                RUN apt-get update && sudo -u app make
            "#]],
        );
    }

    #[test]
    fn fix_is_safe_only_under_user_root() {
        check_rule_fixes(
            &RULE,
            r#"
FROM debian:12
USER app
RUN sudo apt-get update
USER root
RUN sudo \
    apt-get install -y x && echo ok
ONBUILD RUN sudo make install
RUN <<EOF
sudo chown app /app
EOF
"#,
            expect![[r#"
                --- Remove `sudo` (unsafe)
                FROM debian:12
                USER app
                RUN apt-get update
                USER root
                RUN sudo \
                    apt-get install -y x && echo ok
                ONBUILD RUN sudo make install
                RUN <<EOF
                sudo chown app /app
                EOF
                --- Remove `sudo` (safe)
                FROM debian:12
                USER app
                RUN sudo apt-get update
                USER root
                RUN apt-get install -y x && echo ok
                ONBUILD RUN sudo make install
                RUN <<EOF
                sudo chown app /app
                EOF
                --- Remove `sudo` (unsafe)
                FROM debian:12
                USER app
                RUN sudo apt-get update
                USER root
                RUN sudo \
                    apt-get install -y x && echo ok
                ONBUILD RUN make install
                RUN <<EOF
                sudo chown app /app
                EOF
                --- Remove `sudo` (safe)
                FROM debian:12
                USER app
                RUN sudo apt-get update
                USER root
                RUN sudo \
                    apt-get install -y x && echo ok
                ONBUILD RUN sudo make install
                RUN <<EOF
                chown app /app
                EOF
            "#]],
        );
    }

    #[test]
    fn no_fix_when_the_script_checks_the_user() {
        let text = "FROM debian:12\nRUN if [ \"$(id -u)\" -ne 0 ]; then sudo make install; else make install; fi\n";
        let d = crate::rules::test_support::diagnostics_of(&RULE, text);
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }
}

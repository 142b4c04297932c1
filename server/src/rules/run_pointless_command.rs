//! `run-pointless-command`: interactive or system commands that make no sense in a build.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports commands in a `RUN` that are interactive or manage a running system,
    /// which a build step is not: `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`,
    /// `top`, `kill` and `mount` (hadolint's DL3001 list). Only command words count:
    /// `apt-get install procps vim` installs packages and is not reported.
    ///
    /// hadolint's message also names `ifconfig`, but its command set does not contain
    /// it; we follow the set (reading network settings in a build is harmless, just
    /// useless).
    ///
    /// ## Why is this bad?
    /// A `RUN` has no terminal and no init system, and nothing it starts survives the
    /// step: `service nginx start` starts nothing for the container, `vim` waits for
    /// a keyboard that never comes, `shutdown`/`mount` need privileges a build does
    /// not have, and `ps`/`top`/`free` only print the build sandbox's state into the
    /// log. The step either hangs, fails, or does nothing that lasts.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the command's intent has to move elsewhere (CMD, an
    /// entrypoint script) or be dropped.
    ///
    /// ## References
    /// - hadolint DL3001
    pub(crate) RULE {
        id: "run-pointless-command",
        summary: "Interactive or system command in RUN",
        level: Info,
        fix: None,
        hadolint: ["DL3001"],
        buildkit: [],
        check: check,
    }
}

const POINTLESS: &[(&str, &str)] = &[
    ("ssh", "opens a remote session that a build step cannot use"),
    ("vim", "is an interactive editor; edit files with `sed` or COPY them"),
    ("shutdown", "cannot shut down a build container"),
    (
        "service",
        "starts nothing that outlives this RUN; start services from CMD/ENTRYPOINT",
    ),
    ("ps", "only shows the build sandbox's processes"),
    ("free", "only shows the build sandbox's memory"),
    ("top", "is interactive and only shows the build sandbox"),
    ("kill", "has no processes of the container to signal"),
    ("mount", "needs privileges a build does not have; use `RUN --mount`"),
];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let Some((name, why)) = POINTLESS.iter().find(|(n, _)| *n == cmd.name) else {
                continue;
            };
            acc.report(
                &RULE,
                cmd.name_range,
                format!("`{name}` {why}."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_pointless_commands() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN service nginx start && ps aux
ONBUILD RUN vim /etc/hosts
RUN <<EOF
free -m
EOF
"#,
            expect![[r#"
                2 | RUN service nginx start && ps aux
                  |     ^^^^^^^ run-pointless-command: `service` starts nothing that outlives this RUN; start services from CMD/ENTRYPOINT.
                2 | RUN service nginx start && ps aux
                  |                            ^^ run-pointless-command: `ps` only shows the build sandbox's processes.
                3 | ONBUILD RUN vim /etc/hosts
                  |             ^^^ run-pointless-command: `vim` is an interactive editor; edit files with `sed` or COPY them.
                5 | free -m
                  | ^^^^ run-pointless-command: `free` only shows the build sandbox's memory.
            "#]],
        );
    }

    #[test]
    fn accepts_packages_and_words() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y procps vim openssh-client && echo ps top && ssh-keyscan github.com
RUN ["service", "x", "start"]
"#,
        );
    }
}

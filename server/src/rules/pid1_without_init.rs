//! `pid1-without-init`: the application runs as PID 1 with no init process.

use crate::rules::npm_start_as_entrypoint::{command_words, effective_commands, program};
use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports an exec-form `ENTRYPOINT`/`CMD` of the built image whose first program
    /// is an application runtime (`node`, `python`, `java`, `ruby`, `dotnet`, `bun`,
    /// `deno`, `php`) rather than an init process (`tini`, `dumb-init`, `catatonit`,
    /// s6's `/init`, …): the runtime then runs as PID 1.
    ///
    /// A bare interpreter (`CMD ["python3"]`, the interactive prompt of a base image)
    /// is not reported.
    ///
    /// Off by default: `docker run --init`, Compose's `init: true` and Kubernetes'
    /// shared process namespace supply an init from outside, which the Dockerfile does
    /// not show; and an application that handles SIGTERM and reaps its children itself
    /// does not need one.
    ///
    /// ## Why is this bad?
    /// PID 1 is special in Linux: the kernel does not apply default signal handlers to
    /// it. A Node.js or Python process that installs no SIGTERM handler therefore
    /// ignores `docker stop` and is killed with SIGKILL after the grace period (10 s by
    /// default), without closing connections. PID 1 also inherits orphaned processes;
    /// a runtime that never calls `wait()` on them collects zombies.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache tini
    /// ENTRYPOINT ["/sbin/tini", "--"]
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the init has to be installed in the image first, and its path
    /// depends on the distribution.
    ///
    /// ## References
    /// - Docker docs: "docker container run", option `--init`
    /// - Node.js Docker best practices (nodejs/docker-node, "Handling Kernel Signals")
    pub(crate) RULE {
        id: "pid1-without-init",
        summary: "Application runs as PID 1 without an init",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const RUNTIMES: &[&str] = &["node", "nodejs", "java", "ruby", "dotnet", "bun", "deno", "php"];

fn is_runtime(name: &str) -> bool {
    RUNTIMES.contains(&name)
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let (cmd, entrypoint) = effective_commands(ctx);
    // The first program is the ENTRYPOINT's, else the CMD's; shell form runs `sh -c`.
    let Some(first) = entrypoint.or(cmd) else {
        return;
    };
    let inst = &ctx.syntax.instructions[first];
    if !inst.is_exec_form() {
        return;
    }
    let words = command_words(inst);
    let Some((word, range)) = words.first() else {
        return;
    };
    let name = program(word);
    // A bare interpreter is an interactive prompt (`CMD ["python3"]` of a base image).
    if !is_runtime(name) || words.len() < 2 {
        return;
    }
    acc.report(
        &RULE,
        *range,
        format!(
            "`{name}` runs as PID 1, where default signal handling and zombie reaping do not apply; start it behind an init such as `tini` or `dumb-init` (or run with `--init`)."
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_runtimes_as_pid1() {
        check_rule(
            &RULE,
            r#"
FROM node:22 AS base
CMD ["node", "server.js"]
FROM base
ENTRYPOINT ["/usr/local/bin/python3.12", "-m", "app"]
"#,
            expect![[r#"
                4 | ENTRYPOINT ["/usr/local/bin/python3.12", "-m", "app"]
                  |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^ pid1-without-init: `python3.12` runs as PID 1, where default signal handling and zombie reaping do not apply; start it behind an init such as `tini` or `dumb-init` (or run with `--init`).
            "#]],
        );
    }

    #[test]
    fn accepts_inits_shell_form_and_scripts() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["node", "server.js"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM node:22
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["node", "server.js"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12
CMD python app.py
ONBUILD CMD ["python", "x.py"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12
CMD ["python3"]
"#,
        );
    }
}

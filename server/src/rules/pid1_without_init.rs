//! `pid1-without-init`: the application runs as PID 1 with no init process.

use crate::rules::npm_start_as_entrypoint::{command_words, effective_commands, program};
use crate::rules::edits::insert_before_instruction;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::syntax::Kind;
use crate::text::TextEdit;

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
    /// A fix is offered only when the image installs `tini` or `dumb-init` with its
    /// package manager (apk: `/sbin/tini`; apt, dnf, yum: `/usr/bin/tini`; both:
    /// `/usr/bin/dumb-init`): it prefixes the exec-form `ENTRYPOINT` with `"<init>",
    /// "--"`, or, when only a `CMD` is written, inserts `ENTRYPOINT ["<init>", "--"]`
    /// before it. It is unsafe: the init becomes PID 1, and an inserted `ENTRYPOINT`
    /// replaces the base image's, if it has one. Otherwise no fix: the init has to be
    /// installed first, and its path depends on the distribution.
    ///
    /// ## References
    /// - Docker docs: "docker container run", option `--init`
    /// - Node.js Docker best practices (nodejs/docker-node, "Handling Kernel Signals")
    pub(crate) RULE {
        id: "pid1-without-init",
        summary: "Application runs as PID 1 without an init",
        level: Off,
        fix: Sometimes,
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
    let d = acc.report(
        &RULE,
        *range,
        format!(
            "`{name}` runs as PID 1, where default signal handling and zombie reaping do not apply; start it behind an init such as `tini` or `dumb-init` (or run with `--init`)."
        ),
    );
    let Some((init, path)) = installed_init(ctx) else {
        return;
    };
    if inst.kind == Kind::Entrypoint {
        d.with_fix(
            format!("Start the ENTRYPOINT through `{init}`: prefix it with `\"{path}\", \"--\"`"),
            Applicability::Unsafe,
            vec![TextEdit::insert(range.start(), format!("\"{path}\", \"--\", "))],
        );
    } else {
        let line = format!("ENTRYPOINT [\"{path}\", \"--\"]");
        let (edit, place) = insert_before_instruction(ctx, first, &line);
        d.with_fix(
            format!("Insert `{line}` {place} (replaces the base image's ENTRYPOINT, if any)"),
            Applicability::Unsafe,
            vec![edit],
        );
    }
}

/// The init the image installs with its package manager: `(name, path)`.
fn installed_init(ctx: &RuleContext<'_>) -> Option<(&'static str, &'static str)> {
    ctx.model.image_chain().into_iter().rev().find_map(|s| {
        ctx.model.stages[s].instructions.clone().find_map(|i| {
            ctx.model.run_shell(i)?.commands().find_map(|c| {
                let pkg = PkgCommand::of(c)?;
                if !pkg.is_install() {
                    return None;
                }
                pkg.operands().into_iter().find_map(|w| {
                    let name = w.text.split('=').next().unwrap_or_default();
                    match (pkg.manager, name) {
                        (Manager::Apk, "tini") => Some(("tini", "/sbin/tini")),
                        (
                            Manager::AptGet
                            | Manager::Apt
                            | Manager::Yum
                            | Manager::Dnf
                            | Manager::Microdnf,
                            "tini",
                        ) => Some(("tini", "/usr/bin/tini")),
                        (
                            Manager::Apk
                            | Manager::AptGet
                            | Manager::Apt
                            | Manager::Yum
                            | Manager::Dnf
                            | Manager::Microdnf,
                            "dumb-init",
                        ) => Some(("dumb-init", "/usr/bin/dumb-init")),
                        _ => None,
                    }
                })
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not, diagnostics_of};
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

    #[test]
    fn fix_uses_the_installed_init() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:22-alpine
RUN apk add --no-cache tini
CMD ["node", "server.js"]
"#,
            expect![[r#"
                FROM node:22-alpine
                RUN apk add --no-cache tini
                ENTRYPOINT ["/sbin/tini", "--"]
                CMD ["node", "server.js"]
            "#]],
        );
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12-slim
RUN apt-get update && apt-get install -y --no-install-recommends dumb-init=1.2.5-2
ENTRYPOINT ["python", \
            "-m", "app"]
"#,
            expect![[r#"
                FROM python:3.12-slim
                RUN apt-get update && apt-get install -y --no-install-recommends dumb-init=1.2.5-2
                ENTRYPOINT ["/usr/bin/dumb-init", "--", "python", \
                            "-m", "app"]
            "#]],
        );
    }

    #[test]
    fn no_fix_without_an_installed_init() {
        let d = diagnostics_of(&RULE, "FROM node:22\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }
}

//! `user-missing`: the final image never sets a USER.

use crate::rules::npm_start_as_entrypoint::{command_words, effective_commands, program};
use crate::rules::edits::insert_in_final_stage;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::Base;
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports, on the final `FROM`, an image whose final stage (and the stages it is
    /// built `FROM`) never sets `USER`, so that it runs as whatever user the base image
    /// chose, root for almost all of them.
    ///
    /// Not reported when:
    /// - the base image name or tag says it is non-root (`…:nonroot`, `…-rootless`);
    /// - the final stage is built on `scratch` and has no `CMD`/`ENTRYPOINT` (an
    ///   artifact stage for `--output`, not something you run);
    /// - a `RUN` of the image installs or uses a privilege-dropping tool (`gosu`,
    ///   `su-exec`, `setpriv`, `chroot --userspec`): the entrypoint steps down from root
    ///   at start, as the official database images do;
    /// - the image is a Windows image (its users work differently);
    /// - the base image is one whose publisher sets a non-root `USER` (Bitnami,
    ///   `nginx-unprivileged`, Chainguard, Jenkins, Grafana, SonarQube, Keycloak);
    /// - the image runs no application of its own: it has no `CMD`/`ENTRYPOINT` (it
    ///   inherits the base image's, so it is itself a base image), or its command is a
    ///   bare shell or interpreter prompt (`CMD ["bash"]`, `CMD ["python3"]`,
    ///   `CMD ["php", "-a"]`, also behind a `docker-entrypoint.sh`). Such images are
    ///   built upon, and a `USER` there would break every downstream `RUN apt-get`;
    /// - the command is a server that drops privileges itself after binding its ports
    ///   (`httpd-foreground`, `apache2-foreground`, `nginx`, `php-fpm`, `sshd`) or an
    ///   init system (`/init` of s6-overlay, `/sbin/init`) that starts each service as
    ///   its own user.
    ///
    /// The default severity is info, and the rule stays on: the base image may already
    /// set a non-root `USER`, which a static check cannot see, but an application image
    /// that runs as root is worth a look. On the 988 real Dockerfiles of our corpus the
    /// exemptions above bring the findings from 672 (mostly official base images that
    /// run as root on purpose) down to about 200, which are application, tool and
    /// packaging images that do run as root. Trivy (DS-0002) and Checkov (CKV_DOCKER_3)
    /// report every image without `USER`; we chose fewer, defensible findings.
    ///
    /// ## Why is this bad?
    /// Without `USER`, the application runs as root inside the container. A compromise
    /// of the application then has full control of the container and a shorter path
    /// to the host.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN useradd --system --uid 10001 app
    /// COPY app.py /app/
    /// USER 10001
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `USER 10001` (a numeric uid that needs no account in the image)
    /// before the final stage's first `CMD`/`ENTRYPOINT`, or at its end. It is unsafe
    /// and says so: files the application writes, ports below 1024 and tools that
    /// look up the user's name or home may need care, and a named user may be
    /// preferred.
    ///
    /// ## References
    /// - Trivy DS-0002, Checkov CKV_DOCKER_3
    /// - Docker docs: "Dockerfile best practices", section "USER"
    pub(crate) RULE {
        id: "user-missing",
        summary: "No USER in the final stage",
        level: Info,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const STEP_DOWN: &[&str] = &[
    "gosu",
    "su-exec",
    "setpriv",
    "runuser",
    "s6-setuidgid",
    "chpst",
];

/// Base images whose publishers set a non-root `USER`.
const NON_ROOT_BASES: &[&str] = &[
    "bitnami/",
    "nginx-unprivileged",
    "cgr.dev/chainguard/",
    "jenkins/jenkins",
    "jenkins/inbound-agent",
    "grafana/grafana",
    "sonarqube",
    "keycloak/keycloak",
];

/// Programs that, alone, make an interactive prompt: the `CMD` of a base or toolbox
/// image rather than of an application.
const PROMPTS: &[&str] = &[
    "sh", "bash", "ash", "zsh", "fish", "python", "pypy", "node", "irb", "ruby", "dotnet",
    "jshell", "pwsh", "powershell", "php", "iex", "erl", "ghci", "julia", "R", "perl", "bun",
    "deno", "swift", "lua", "tclsh", "scala",
];

/// The image has its own command and that command is not a bare shell or interpreter
/// prompt. Without a command it inherits the base image's (it is a base image itself).
fn runs_an_application(ctx: &RuleContext<'_>) -> bool {
    let (cmd, entrypoint) = effective_commands(ctx);
    let Some(first) = entrypoint.or(cmd) else {
        return false;
    };
    let inst = &ctx.syntax.instructions[first];
    let mut words = command_words(inst);
    if entrypoint.is_some() && inst.is_exec_form() {
        if let Some(c) = cmd {
            words.extend(command_words(&ctx.syntax.instructions[c]));
        }
    }
    // Entrypoint wrapper scripts pass the command through.
    let skip = words
        .iter()
        .take_while(|(w, _)| {
            let p = program(w);
            p.ends_with("entrypoint") || p.ends_with("entrypoint.sh") || p == "tini" || p == "--"
        })
        .count();
    let words = &words[skip..];
    let Some((first, _)) = words.first() else {
        return false;
    };
    let name = program(first).trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    if SELF_DROPPING.contains(&name) {
        return false;
    }
    let prompt = PROMPTS.contains(&name)
        && words[1..]
            .iter()
            .all(|(w, _)| matches!(w.as_str(), "-a" | "-de0" | "-i" | "--info" | "--version"));
    !prompt
}

/// Servers that start as root to bind their ports and run their workers as an
/// unprivileged user they are configured with, and init systems that start each
/// service as its own user.
const SELF_DROPPING: &[&str] = &[
    "apache2-foreground",
    "httpd-foreground",
    "httpd",
    "apache2",
    "nginx",
    "php-fpm",
    "sshd",
    "init",
];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(last) = ctx.model.final_stage() else {
        return;
    };
    if !ctx.model.shell_at(last.from).is_posix() {
        return;
    }
    let shipped = ctx.model.image_stages();
    let chain: Vec<usize> = (0..shipped.len()).filter(|&s| shipped[s]).collect();
    let mut runnable = false;
    for &s in &chain {
        let stage = &ctx.model.stages[s];
        if let Base::Image(r) = &stage.base {
            let text = format!("{}:{}", r.repository, r.tag.as_deref().unwrap_or(""));
            if text.contains("nonroot") || text.contains("rootless") || text.contains("non-root") {
                return;
            }
        }
        if let Base::Unresolved = stage.base {
            return;
        }
        for i in stage.instructions.clone() {
            let inst = &ctx.syntax.instructions[i];
            match inst.kind {
                Kind::User => return,
                Kind::Cmd | Kind::Entrypoint => runnable = true,
                Kind::Run => {
                    let steps_down = ctx.model.run_shell(i).is_some_and(|sh| {
                        sh.commands().any(|c| {
                            STEP_DOWN.contains(&c.name.as_str())
                                || c.args.iter().any(|a| {
                                    STEP_DOWN.contains(&a.text.as_str())
                                        || a.text.starts_with("--userspec")
                                })
                        })
                    });
                    if steps_down {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
    let root_base = chain.first().map(|&s| &ctx.model.stages[s].base);
    if matches!(root_base, Some(Base::Scratch)) && !runnable {
        return;
    }
    if let Some(Base::Image(r)) = root_base {
        let name = r.full_name().to_ascii_lowercase();
        if NON_ROOT_BASES.iter().any(|b| name.contains(b)) {
            return;
        }
    }
    if !runs_an_application(ctx) {
        return;
    }
    let from = &ctx.syntax.instructions[last.from];
    let d = acc.report(
        &RULE,
        from.keyword_range,
        "The final image sets no USER and runs as the base image's user (usually root); add `USER <non-root>`.",
    );
    if let Some((edit, place)) = insert_in_final_stage(ctx, "USER 10001") {
        d.with_fix(
            format!("Insert `USER 10001` {place} (review: the application must work as that user)"),
            Applicability::Unsafe,
            vec![edit],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_final_stage_without_user() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.22 AS build
USER nobody
FROM python:3.12-slim
COPY app.py /app/
CMD ["python", "/app/app.py"]
"#,
            expect![[r#"
                3 | FROM python:3.12-slim
                  | ^^^^ user-missing: The final image sets no USER and runs as the base image's user (usually root); add `USER <non-root>`.
            "#]],
        );
    }

    #[test]
    fn accepts_base_images_prompts_and_self_dropping_servers() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends python3
CMD ["python3"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM php:8.3-apache
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["apache2-foreground"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM bitnami/node:22
COPY . /app
CMD ["node", "/app/server.js"]
"#,
        );
        check_rule(
            &RULE,
            r#"
FROM debian:12
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["python3", "app.py"]
"#,
            expect![[r#"
                1 | FROM debian:12
                  | ^^^^ user-missing: The final image sets no USER and runs as the base image's user (usually root); add `USER <non-root>`.
            "#]],
        );
    }

    #[test]
    fn accepts_user_inherited_nonroot_artifacts_and_stepdown() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine AS base
USER 1000
FROM base
CMD ["sh"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM gcr.io/distroless/static:nonroot
COPY app /
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM scratch AS binaries
COPY --from=build /out /
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends gosu
ENTRYPOINT ["docker-entrypoint.sh"]
"#,
        );
    }

    #[test]
    fn fix_inserts_user_before_the_command() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12-slim AS build
RUN pip wheel .
FROM python:3.12-slim
COPY --from=build /wheels /wheels
  ENTRYPOINT ["gunicorn"]
CMD ["app:app"]
"#,
            expect![[r#"
                FROM python:3.12-slim AS build
                RUN pip wheel .
                FROM python:3.12-slim
                COPY --from=build /wheels /wheels
                  USER 10001
                  ENTRYPOINT ["gunicorn"]
                CMD ["app:app"]
            "#]],
        );
    }

    #[test]
    fn fix_inserts_user_at_the_end_of_the_stage() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:22 AS base
CMD ["node", "server.js"]
FROM base
RUN npm ci
"#,
            expect![[r#"
                FROM node:22 AS base
                CMD ["node", "server.js"]
                FROM base
                RUN npm ci
                USER 10001
            "#]],
        );
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "FROM node:22\r\nCMD [\"node\", \"server.js\"]",
            ),
            "FROM node:22\r\nUSER 10001\r\nCMD [\"node\", \"server.js\"]"
        );
    }
}

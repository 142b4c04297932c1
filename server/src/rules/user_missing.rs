//! `user-missing`: the final image never sets a USER.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::pkg::image_stages;
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
    /// - the image is a Windows image (its users work differently).
    ///
    /// The default severity is info: the base image may already set a non-root `USER`,
    /// which a static check cannot see.
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
    /// No automatic fix: a user has to exist (or a numeric uid be chosen) and file
    /// permissions may need care.
    ///
    /// ## References
    /// - Trivy DS-0002, Checkov CKV_DOCKER_3
    /// - Docker docs: "Dockerfile best practices", section "USER"
    pub(crate) RULE {
        id: "user-missing",
        summary: "No USER in the final stage",
        level: Info,
        fix: None,
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

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(last) = ctx.model.final_stage() else {
        return;
    };
    if !ctx.model.shell_at(last.from).is_posix() {
        return;
    }
    let shipped = image_stages(ctx.model);
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
    let from = &ctx.syntax.instructions[last.from];
    acc.report(
        &RULE,
        from.keyword_range,
        "The final image sets no USER and runs as the base image's user (usually root); add `USER <non-root>`.",
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
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
}

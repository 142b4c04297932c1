//! `cmd-entrypoint-missing`: the image sets neither CMD nor ENTRYPOINT.

use crate::rules::healthcheck_missing::is_export_stage;
use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports, on the final `FROM`, an image whose final stage (and the stages it is
    /// built `FROM`) has neither `CMD` nor `ENTRYPOINT`. `ONBUILD CMD` does not count:
    /// it applies to images built on this one.
    ///
    /// Not reported for an export stage: a final stage built on `scratch` that only
    /// copies files (no `RUN`), the usual `docker build --output` target.
    ///
    /// Off by default: most base images define a `CMD` (`python`, `node`, `nginx`, …)
    /// that the image inherits, which the Dockerfile does not show; for images meant
    /// as bases for others, no command is intended.
    ///
    /// ## Why is this bad?
    /// The image then starts whatever the base image starts: usually a shell or an
    /// interpreter prompt, not the application that was just installed. `docker run
    /// image` exits at once (or, built on `scratch`, fails with "no command
    /// specified"), and every user must know the command line to pass.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the command to run is the author's choice.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile reference", sections "CMD" and "ENTRYPOINT"
    ///   ("Understand how CMD and ENTRYPOINT interact")
    pub(crate) RULE {
        id: "cmd-entrypoint-missing",
        summary: "Final stage has neither CMD nor ENTRYPOINT",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(last) = ctx.model.final_stage() else {
        return;
    };
    let chain = ctx.model.image_chain();
    if is_export_stage(ctx.syntax, ctx.model, &chain) {
        return;
    }
    let has = chain.iter().any(|&s| {
        ctx.model.stages[s].instructions.clone().any(|i| {
            matches!(
                ctx.syntax.instructions[i].kind,
                Kind::Cmd | Kind::Entrypoint
            )
        })
    });
    if has {
        return;
    }
    acc.report(
        &RULE,
        ctx.syntax.instructions[last.from].keyword_range,
        "The image sets neither CMD nor ENTRYPOINT and runs whatever its base image runs; add `CMD [\"…\"]` with the application's command.",
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_image_without_command() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12 AS base
ONBUILD CMD ["python"]
FROM base
COPY app.py /app/
"#,
            expect![[r#"
                3 | FROM base
                  | ^^^^ cmd-entrypoint-missing: The image sets neither CMD nor ENTRYPOINT and runs whatever its base image runs; add `CMD ["…"]` with the application's command.
            "#]],
        );
    }

    #[test]
    fn accepts_commands_inherited_and_export_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine AS base
ENTRYPOINT ["/entrypoint.sh"]
FROM base
COPY x /
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM alpine
CMD sh
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.22 AS build
RUN go build -o /out/app
FROM scratch
COPY --from=build /out/app /
"#,
        );
    }
}

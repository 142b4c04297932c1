//! `healthcheck-missing`: the image defines no HEALTHCHECK.

use crate::rules::edits::insert_in_final_stage;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::{Base, Model};
use crate::syntax::{Dockerfile, Kind};

declare_rule! {
    /// ## What it does
    /// Reports, on the final `FROM`, an image whose final stage (and the stages it is
    /// built `FROM`) has no `HEALTHCHECK` instruction. `HEALTHCHECK NONE` counts as a
    /// decision and is accepted; `ONBUILD HEALTHCHECK` does not count (it applies to
    /// images built on this one).
    ///
    /// Not reported for an export stage: a final stage built on `scratch` that only
    /// copies files (no `RUN`, `CMD` or `ENTRYPOINT`), the usual `--output` target.
    ///
    /// Off by default: the base image may define a health check that this image
    /// inherits, which the Dockerfile does not show, and orchestrators such as
    /// Kubernetes ignore `HEALTHCHECK` and use their own probes. Turn it on for images
    /// run by plain Docker or Compose.
    ///
    /// Differences from hadolint (DL3057), both deliberate:
    /// - hadolint reports every stage without a `HEALTHCHECK` (each `FROM` of a
    ///   multi-stage file); we report only the final image, since build stages are
    ///   never run as containers (about 540 of hadolint's corpus findings);
    /// - hadolint also reports a final `FROM scratch` stage that only copies files out
    ///   (`FROM scratch AS binary` + `COPY --from=build /out /`, or a `FROM release`
    ///   built on such a stage): such an image has no process to check, and is
    ///   usually exported with `--output`, never run.
    ///
    /// ## Why is this bad?
    /// Without a health check Docker only knows whether the main process is alive, not
    /// whether it still answers. A hung server stays "running"; `docker compose`'s
    /// `depends_on: condition: service_healthy` and Swarm's rolling updates cannot tell
    /// a working container from a broken one.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## Fix safety
    /// Two fixes, both unsafe, insert a line before the final stage's first
    /// `CMD`/`ENTRYPOINT` (or at its end): `HEALTHCHECK CMD curl -f
    /// http://localhost:<port>/ || exit 1`, with the first port the final stage (else
    /// a stage it is built on) `EXPOSE`s
    /// (offered with a POSIX shell only), to be reviewed: what "healthy" means, and
    /// whether `curl` is in the image, is application-specific; and `HEALTHCHECK
    /// NONE`, which says on purpose that there is none (and turns off a base image's).
    ///
    /// ## References
    /// - hadolint DL3057
    /// - Trivy DS-0026, Checkov CKV_DOCKER_2
    /// - Docker docs: "Dockerfile reference", section "HEALTHCHECK"
    pub(crate) RULE {
        id: "healthcheck-missing",
        summary: "No HEALTHCHECK in the final stage",
        level: Off,
        fix: Always,
        hadolint: ["DL3057"],
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
        ctx.model.stages[s]
            .instructions
            .clone()
            .any(|i| ctx.syntax.instructions[i].kind == Kind::Healthcheck)
    });
    if has {
        return;
    }
    let d = acc.report(
        &RULE,
        ctx.syntax.instructions[last.from].keyword_range,
        "The image defines no HEALTHCHECK, so Docker cannot tell a hung application from a working one; add `HEALTHCHECK CMD …` (or `HEALTHCHECK NONE` to say so on purpose).",
    );
    if ctx.model.shell_at(last.from).is_posix() {
        let url = match first_port(ctx, &chain) {
            Some(port) => format!("http://localhost:{port}/"),
            None => "http://localhost/".to_string(),
        };
        let line = format!("HEALTHCHECK CMD curl -f {url} || exit 1");
        if let Some((edit, place)) = insert_in_final_stage(ctx, &line) {
            d.with_fix(
                format!("Insert `{line}` {place} (review: needs curl and a URL that answers)"),
                Applicability::Unsafe,
                vec![edit],
            );
        }
    }
    if let Some((edit, place)) = insert_in_final_stage(ctx, "HEALTHCHECK NONE") {
        d.with_fix(
            format!("Insert `HEALTHCHECK NONE` {place} (no health check, on purpose)"),
            Applicability::Unsafe,
            vec![edit],
        );
    }
}

/// The first plain port the final stage `EXPOSE`s, else the stages it is built on.
fn first_port(ctx: &RuleContext<'_>, chain: &[usize]) -> Option<String> {
    chain.iter().find_map(|&s| {
        ctx.model.stages[s].instructions.clone().find_map(|i| {
            let inst = &ctx.syntax.instructions[i];
            if inst.kind != Kind::Expose {
                return None;
            }
            inst.args.words.iter().find_map(|w| {
                let port = w.text.strip_suffix("/tcp").unwrap_or(&w.text);
                (!port.is_empty() && port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| port.to_string())
            })
        })
    })
}

/// A `scratch`-based image that only receives files: an `--output` target, not
/// something anyone runs.
pub(super) fn is_export_stage(syntax: &Dockerfile, model: &Model, chain: &[usize]) -> bool {
    let Some(&root) = chain.last() else {
        return false;
    };
    if model.stages[root].base != Base::Scratch {
        return false;
    }
    chain.iter().all(|&s| {
        model.stages[s].instructions.clone().all(|i| {
            matches!(
                syntax.instructions[i].kind,
                Kind::From | Kind::Copy | Kind::Add | Kind::Arg | Kind::Label | Kind::Workdir
            )
        })
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of};
    use expect_test::expect;

    #[test]
    fn catches_image_without_healthcheck() {
        check_rule(
            &RULE,
            r#"
FROM alpine AS base
ONBUILD HEALTHCHECK CMD true
FROM base
CMD ["sh"]
"#,
            expect![[r#"
                3 | FROM base
                  | ^^^^ healthcheck-missing: The image defines no HEALTHCHECK, so Docker cannot tell a hung application from a working one; add `HEALTHCHECK CMD …` (or `HEALTHCHECK NONE` to say so on purpose).
            "#]],
        );
    }

    #[test]
    fn accepts_healthcheck_none_inherited_and_export_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine AS base
HEALTHCHECK CMD wget -q -O- http://localhost/ || exit 1
FROM base
CMD ["sh"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM alpine
HEALTHCHECK NONE
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

    #[test]
    fn fixes_insert_a_healthcheck() {
        check_rule_fixes(
            &RULE,
            r#"
FROM node:22 AS base
EXPOSE 3000/tcp 9229
FROM base
EXPOSE 8080
CMD ["node", "server.js"]
"#,
            expect![[r#"
                --- Insert `HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1` before the CMD on line 5 (review: needs curl and a URL that answers) (unsafe)
                FROM node:22 AS base
                EXPOSE 3000/tcp 9229
                FROM base
                EXPOSE 8080
                HEALTHCHECK CMD curl -f http://localhost:8080/ || exit 1
                CMD ["node", "server.js"]
                --- Insert `HEALTHCHECK NONE` before the CMD on line 5 (no health check, on purpose) (unsafe)
                FROM node:22 AS base
                EXPOSE 3000/tcp 9229
                FROM base
                EXPOSE 8080
                HEALTHCHECK NONE
                CMD ["node", "server.js"]
            "#]],
        );
        check_rule_fix(
            &RULE,
            r#"
FROM nginx:1.27
COPY site /usr/share/nginx/html
"#,
            expect![[r#"
                FROM nginx:1.27
                COPY site /usr/share/nginx/html
                HEALTHCHECK CMD curl -f http://localhost/ || exit 1
            "#]],
        );
    }

    #[test]
    fn windows_gets_only_none() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nCMD [\"app.exe\"]\r\n",
            ),
            "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nHEALTHCHECK NONE\r\nCMD [\"app.exe\"]\r\n"
        );
        let d = diagnostics_of(&RULE, "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD [\"app.exe\"]\n");
        assert_eq!(d[0].fixes.len(), 1);
    }
}

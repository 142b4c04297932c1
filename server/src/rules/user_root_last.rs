//! `user-root-last`: the image's effective USER is root.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports the `USER` instruction that decides the user of the built image when it
    /// switches to `root` (`root`, `0`, `root:root`, `0:0`, `root:<group>`). That is the
    /// last `USER` of the final stage or, when the final stage has none, the last one
    /// of the stage it is built `FROM`, and so on. Values with variables are checked
    /// after expansion when known.
    ///
    /// Like hadolint, a stage with no `USER` at all is not reported here (see
    /// `user-missing`).
    ///
    /// Differences from hadolint (DL3002): hadolint checks the last `USER` of every
    /// stage. We only look at what ends up in the image: a build stage that runs as
    /// root and is only copied from changes nothing at run time (`COPY --from` copies
    /// files, not the stage's `USER`), and reporting it would be noise on most
    /// multi-stage files. On our 988-file corpus that is the 3 disagreements: Kong's
    /// and NVIDIA's build stages, and minikube's `kicbase` stage, which a final `FROM
    /// scratch` copies whole (`COPY --from=kicbase / /`) without its `USER`.
    ///
    /// ## Why is this bad?
    /// A container running as root is one kernel or runtime bug away from root on the
    /// host, and any compromise of the application gets full control of the container.
    /// Switching back to root at the end usually happens by accident, after a step
    /// that needed it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends tini
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends tini
    /// USER node
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the right non-root user depends on the image.
    ///
    /// ## References
    /// - hadolint DL3002
    /// - Trivy DS-0002, Checkov CKV_DOCKER_8
    /// - Docker docs: "Dockerfile best practices", section "USER"
    pub(crate) RULE {
        id: "user-root-last",
        summary: "Last USER is root",
        level: Warning,
        fix: None,
        hadolint: ["DL3002"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let shipped = ctx.model.image_stages();
    // Walk the final stage, then its base stages, from the end.
    let mut chain: Vec<usize> = (0..shipped.len()).filter(|&s| shipped[s]).collect();
    chain.reverse();
    for s in chain {
        let stage = &ctx.model.stages[s];
        let last = stage
            .instructions
            .clone()
            .rev()
            .find(|&i| ctx.syntax.instructions[i].kind == Kind::User);
        let Some(i) = last else {
            continue;
        };
        let inst = &ctx.syntax.instructions[i];
        let Some(word) = inst.args.words.first() else {
            return;
        };
        let Some(value) = ctx.model.expand_at(i, &word.text) else {
            return;
        };
        if is_root(&value) {
            acc.report(
                &RULE,
                word.range,
                "The image runs as root; switch to a non-root USER after the steps that need root.",
            );
        }
        return;
    }
}

/// `root`, `0`, optionally followed by `:<group>`.
pub(crate) fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    name == "root" || name == "0"
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_root_as_last_user() {
        check_rule(
            &RULE,
            r#"
FROM node:22 AS base
USER node
USER root:root
FROM base
RUN echo hi
"#,
            expect![[r#"
                3 | USER root:root
                  |      ^^^^^^^^^ user-root-last: The image runs as root; switch to a non-root USER after the steps that need root.
            "#]],
        );
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG U=0
USER app
USER ${U}
"#,
            expect![[r#"
                4 | USER ${U}
                  |      ^^^^ user-root-last: The image runs as root; switch to a non-root USER after the steps that need root.
            "#]],
        );
    }

    #[test]
    fn accepts_non_root_and_build_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.22 AS build
USER root
RUN go build
FROM alpine
USER root
RUN apk add --no-cache tini
USER 65532:65532
ONBUILD USER root
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG U
USER $U
"#,
        );
    }
}

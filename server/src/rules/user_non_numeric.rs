//! `user-non-numeric`: the image's USER is a name, not a numeric uid.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports the `USER` the image runs as (the last `USER` of the final stage or of
    /// the stages it is built `FROM`) when its user part is a name (`USER app`,
    /// `USER app:app`) rather than a number (`USER 10001`, `USER 10001:10001`).
    ///
    /// Not reported: `root` (that is `user-root-last`'s business), a value that uses a
    /// variable (`USER $UID`: the number is chosen at build time), `USER` lines that a
    /// later `USER` replaces, `ONBUILD USER` and Windows images (whose users are
    /// names by design).
    ///
    /// Differences from hadolint (DL3066), all deliberate: hadolint reports every
    /// non-numeric `USER`, we report only the one the image runs as. Not reported
    /// here but by hadolint: `USER root` (26 corpus findings; `user-root-last`
    /// reports it when it is the last), Windows images' `USER ContainerAdministrator`
    /// / `USER ContainerUser` (44: Windows has no numeric users), `USER ${NB_UID}` and
    /// other variables (12: the value is a build argument, usually numeric), and a
    /// `USER` that a later `USER` replaces (`USER docker` … `USER root`).
    ///
    /// Off by default: a named user is fine for `docker run`; this matters only where
    /// the runtime must prove the user is not root.
    ///
    /// ## Why is this bad?
    /// Kubernetes' `runAsNonRoot: true` (and admission policies built on it) can only
    /// verify a numeric uid: with `USER app` the kubelet refuses to start the pod
    /// ("image has non-numeric user, cannot verify user is non-root"). A numeric uid
    /// also does not depend on `/etc/passwd` of the image, so it still works when a
    /// later layer or a distroless base changes the user database.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN adduser -D -u 10001 app
    /// USER 10001:10001
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the uid of the name is decided by a `RUN` (or the base image)
    /// that the linter does not execute.
    ///
    /// ## References
    /// - hadolint DL3066
    /// - Kubernetes docs: "Configure a Security Context for a Pod or Container"
    ///   (`runAsNonRoot`)
    /// - Docker docs: "Dockerfile reference", section "USER"
    pub(crate) RULE {
        id: "user-non-numeric",
        summary: "USER is a name rather than a numeric uid",
        level: Off,
        fix: None,
        hadolint: ["DL3066"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(last) = ctx.model.final_stage() else {
        return;
    };
    if !ctx.model.shell_at(last.from).is_posix() {
        return;
    }
    let shipped = ctx.model.image_stages();
    // The final stage first, then the stages it is built on.
    for s in (0..shipped.len()).rev().filter(|&s| shipped[s]) {
        let stage = &ctx.model.stages[s];
        let found = stage
            .instructions
            .clone()
            .rev()
            .find(|&i| ctx.syntax.instructions[i].kind == Kind::User);
        let Some(i) = found else {
            continue;
        };
        let Some(word) = ctx.syntax.instructions[i].args.words.first() else {
            return;
        };
        if word.text.contains('$') {
            return;
        }
        let value = word.text.trim_matches(['"', '\'']);
        let user = value.split(':').next().unwrap_or(value).trim();
        if user.is_empty() || user == "root" || user.bytes().all(|b| b.is_ascii_digit()) {
            return;
        }
        acc.report(
            &RULE,
            word.range,
            format!(
                "The image runs as the named user `{user}`; use its numeric uid (for example `USER 10001`) so that runtimes can verify it is not root."
            ),
        );
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_named_final_user() {
        check_rule(
            &RULE,
            r#"
FROM node:22 AS base
USER 1000
USER node:node
FROM base
CMD ["node", "app.js"]
"#,
            expect![[r#"
                3 | USER node:node
                  |      ^^^^^^^^^ user-non-numeric: The image runs as the named user `node`; use its numeric uid (for example `USER 10001`) so that runtimes can verify it is not root.
            "#]],
        );
    }

    #[test]
    fn accepts_numbers_variables_root_and_replaced_users() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine AS build
USER builder
FROM alpine
USER app
USER 10001:app
ONBUILD USER someone
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ARG UID=app
USER $UID
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM alpine
USER root
"#,
        );
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
USER ContainerUser
"#,
        );
    }
}

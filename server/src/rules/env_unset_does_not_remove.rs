//! `env-unset-does-not-remove`: `RUN unset X` (or `ENV X=`) after `ENV X=…`.

use crate::semantic::secrets::looks_secret;
use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::{VarKind, VarSource};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports attempts to remove a variable that an earlier `ENV` set (in the stage or
    /// a stage it is built on):
    /// - `RUN unset X` where nothing but other `unset`s follow in that `RUN`: the
    ///   command only changes the environment of that one shell;
    /// - `ENV X=` (an empty value) when `X` looks like a secret (`…_TOKEN`,
    ///   `…_PASSWORD`, as `secret-in-arg-env` decides) and had a value before.
    ///
    /// `unset X && some-command` is not reported: that runs one command without the
    /// variable, which works as written. `ONBUILD RUN` triggers are checked too.
    ///
    /// ## Why is this bad?
    /// `ENV` writes the value into the image configuration, and every later `RUN` and
    /// the running container start with it again: `RUN unset X` changes nothing after
    /// its own shell exits. `ENV X=` does clear it for later steps, but the earlier
    /// value stays readable in `docker history` and in the config of the layers below,
    /// so a token "removed" that way is still shipped.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NPM_TOKEN=abc123
    /// RUN npm ci
    /// RUN unset NPM_TOKEN
    /// ```
    ///
    /// Use instead (set, use and drop the value in one step, or use a secret mount):
    /// ```dockerfile
    /// RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the variable must be moved into the `RUN` that uses it (or a
    /// secret mount), which only the author can do.
    ///
    /// ## References
    /// - Docker docs, "Best practices: ENV" ("each ENV line creates a new intermediate
    ///   layer … the value persists even if you unset it in a future layer")
    /// - Docker docs, "Build secrets"
    pub(crate) RULE {
        id: "env-unset-does-not-remove",
        summary: "unset does not remove a variable set by ENV",
        level: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn env_line(ctx: &RuleContext<'_>, at: usize, name: &str) -> Option<(usize, bool)> {
    match ctx.model.lookup(at, name)? {
        VarSource::Decl(d) if d.kind == VarKind::Env => {
            let line = ctx
                .line_index
                .line_of(ctx.syntax.instructions[d.instruction].range.start())
                + 1;
            let non_empty = d
                .value
                .as_deref()
                .is_some_and(|v| !v.trim_matches(['"', '\'']).is_empty());
            Some((line, non_empty))
        }
        _ => None,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, shell) in ctx.model.run_shells() {
        let commands: Vec<_> = shell.commands().collect();
        for (k, cmd) in commands.iter().enumerate() {
            if cmd.name != "unset" || commands[k + 1..].iter().any(|c| c.name != "unset") {
                continue;
            }
            for arg in cmd.args.iter().filter(|a| !a.text.starts_with('-') && !a.dynamic) {
                let Some((line, _)) = env_line(ctx, i, &arg.text) else {
                    continue;
                };
                acc.report(
                    &RULE,
                    arg.range,
                    format!(
                        "`unset {}` only affects this RUN's shell: the value from ENV (line {line}) is back in every later step and in the image; set and use it within one RUN, or use a secret mount",
                        arg.text
                    ),
                );
            }
        }
    }
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        if inst.kind != Kind::Env {
            continue;
        }
        for pair in &inst.args.pairs {
            let empty = pair
                .value
                .as_ref()
                .is_some_and(|v| v.text.trim_matches(['"', '\'']).is_empty());
            if !empty || pair.legacy || !looks_secret(&pair.key.text) {
                continue;
            }
            let Some((line, true)) = env_line(ctx, i, &pair.key.text) else {
                continue;
            };
            acc.report(
                &RULE,
                pair.range,
                format!(
                    "Emptying `{}` does not remove the value set on line {line}: it stays in the image history; pass it as a secret mount instead",
                    pair.key.text
                ),
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
    fn catches_unset_after_env() {
        check_rule(
            &RULE,
            r#"
FROM node:22 AS base
ENV NPM_TOKEN=abc123 MODE=dev
RUN npm ci
RUN unset NPM_TOKEN
FROM base
RUN npm run build && unset MODE
ONBUILD RUN unset NPM_TOKEN
ENV NPM_TOKEN=
RUN <<EOF
unset MODE
EOF
"#,
            expect![[r#"
                4 | RUN unset NPM_TOKEN
                  |           ^^^^^^^^^ env-unset-does-not-remove: `unset NPM_TOKEN` only affects this RUN's shell: the value from ENV (line 2) is back in every later step and in the image; set and use it within one RUN, or use a secret mount
                6 | RUN npm run build && unset MODE
                  |                            ^^^^ env-unset-does-not-remove: `unset MODE` only affects this RUN's shell: the value from ENV (line 2) is back in every later step and in the image; set and use it within one RUN, or use a secret mount
                7 | ONBUILD RUN unset NPM_TOKEN
                  |                   ^^^^^^^^^ env-unset-does-not-remove: `unset NPM_TOKEN` only affects this RUN's shell: the value from ENV (line 2) is back in every later step and in the image; set and use it within one RUN, or use a secret mount
                8 | ENV NPM_TOKEN=
                  |     ^^^^^^^^^^ env-unset-does-not-remove: Emptying `NPM_TOKEN` does not remove the value set on line 2: it stays in the image history; pass it as a secret mount instead
                10 | unset MODE
                   |       ^^^^ env-unset-does-not-remove: `unset MODE` only affects this RUN's shell: the value from ENV (line 2) is back in every later step and in the image; set and use it within one RUN, or use a secret mount
            "#]],
        );
    }

    #[test]
    fn accepts_scoped_unset_and_non_env_names() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22
ARG NPM_TOKEN
ENV MODE=dev DEBIAN_FRONTEND=noninteractive
RUN unset MODE && npm run build
RUN unset NPM_TOKEN OTHER $MODE
ENV DEBIAN_FRONTEND=
ENV API_TOKEN=
RUN ["unset", "MODE"]
"#,
        );
    }

    #[test]
    fn silent_for_powershell() {
        check_rule_not(
            &RULE,
            r#"# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
ENV MODE=dev
RUN unset MODE
"#,
        );
    }
}

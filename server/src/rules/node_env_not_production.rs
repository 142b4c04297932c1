//! `node-env-not-production`: a Node.js image started without NODE_ENV=production.

use crate::rules::npm_start_as_entrypoint::{command_words, effective_commands, program};
use crate::rules::edits::insert_before_instruction;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::VarSource;

declare_rule! {
    /// ## What it does
    /// Reports the `ENTRYPOINT`/`CMD` of the built image when it starts `node` (or
    /// `npm`, `yarn`, `pnpm`, also behind `tini`/`dumb-init`) and `NODE_ENV` is not
    /// `production` at that point: never set by `ENV` in the image's stages, or set to
    /// another value. A value that comes from a build argument without a default is
    /// unknown and not reported.
    ///
    /// Off by default: the base image may set `NODE_ENV` (the official `node` images
    /// do not), the orchestrator may set it at run time, and some applications do not
    /// read it at all.
    ///
    /// ## Why is this bad?
    /// Express, Next.js and many libraries switch on `NODE_ENV`: without `production`
    /// they keep verbose error pages (stack traces shown to clients), skip view
    /// caching and run noticeably slower. `npm ci`/`npm install` without it also
    /// install devDependencies into the image, adding tens to hundreds of MB.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// ENV NODE_ENV=production
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `ENV NODE_ENV=production` just before the `CMD`/`ENTRYPOINT`
    /// (so it changes what the container runs with, not how earlier `RUN`s install).
    /// It is unsafe: some applications use `NODE_ENV` for their own, differently named
    /// environments, and a value set earlier on purpose is overridden.
    ///
    /// ## References
    /// - Node.js Docker best practices (nodejs/docker-node, "Environment Variables")
    /// - Express docs: "Production best practices: performance and reliability"
    pub(crate) RULE {
        id: "node-env-not-production",
        summary: "Node.js image started without NODE_ENV=production",
        level: Off,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let (cmd, entrypoint) = effective_commands(ctx);
    let mut words = Vec::new();
    let mut at = None;
    for i in [entrypoint, cmd].into_iter().flatten() {
        let inst = &ctx.syntax.instructions[i];
        if !inst.is_exec_form() && !ctx.model.shell_at(i).is_posix() {
            return;
        }
        at.get_or_insert(i);
        words.extend(command_words(inst));
        if !inst.is_exec_form() {
            break;
        }
    }
    let Some(at) = at else {
        return;
    };
    let start = words
        .iter()
        .position(|(w, _)| !matches!(program(w), "tini" | "dumb-init" | "--" | "-g" | "exec"));
    let Some((word, range)) = start.and_then(|s| words.get(s)) else {
        return;
    };
    let name = program(word);
    if !matches!(name, "node" | "nodejs" | "npm" | "yarn" | "pnpm") {
        return;
    }
    let value = match ctx.model.lookup(at, "NODE_ENV") {
        None => None,
        Some(VarSource::Decl(d)) => match d.value.as_deref() {
            // A build argument or ENV value that is unknown until build time.
            Some(raw) => match ctx.model.expand_at(d.instruction, raw) {
                Some(v) => Some(v),
                None => return,
            },
            None => return,
        },
        Some(VarSource::Predefined) => return,
    };
    let message = match value.as_deref() {
        Some("production") => return,
        Some(other) => format!(
            "`{name}` starts with `NODE_ENV={other}`; set `ENV NODE_ENV=production` for the image."
        ),
        None => format!(
            "`{name}` starts without `NODE_ENV`; add `ENV NODE_ENV=production` so that libraries run in production mode."
        ),
    };
    let (edit, place) = insert_before_instruction(ctx, at, "ENV NODE_ENV=production");
    acc.report(&RULE, *range, message).with_fix(
        format!("Insert `ENV NODE_ENV=production` {place} (review: the application must expect it)"),
        Applicability::Unsafe,
        vec![edit],
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_missing_or_other_node_env() {
        check_rule(
            &RULE,
            r#"
FROM node:22
CMD ["node", "server.js"]
"#,
            expect![[r#"
                2 | CMD ["node", "server.js"]
                  |      ^^^^^^ node-env-not-production: `node` starts without `NODE_ENV`; add `ENV NODE_ENV=production` so that libraries run in production mode.
            "#]],
        );
        check_rule(
            &RULE,
            r#"
FROM node:22
ENV NODE_ENV=development
ENTRYPOINT ["tini", "--"]
CMD npm start
"#,
            expect![[r#"
                4 | CMD npm start
                  |     ^^^ node-env-not-production: `npm` starts with `NODE_ENV=development`; set `ENV NODE_ENV=production` for the image.
            "#]],
        );
    }

    #[test]
    fn accepts_production_unknown_and_other_programs() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22 AS base
ENV NODE_ENV=production
FROM base
CMD ["node", "server.js"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM node:22
ARG NODE_ENV
ENV NODE_ENV=$NODE_ENV
CMD ["node", "server.js"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12
CMD ["python", "app.py"]
"#,
        );
    }

    #[test]
    fn fix_inserts_env_before_the_command() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:22-slim AS base
ENV NODE_ENV=development
FROM base
COPY . /app
    ENTRYPOINT ["tini", "--"]
CMD ["node", "/app/server.js"]
"#,
            expect![[r#"
                FROM node:22-slim AS base
                ENV NODE_ENV=development
                FROM base
                COPY . /app
                    ENV NODE_ENV=production
                    ENTRYPOINT ["tini", "--"]
                CMD ["node", "/app/server.js"]
            "#]],
        );
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "FROM node:22\r\nCMD npm \\\r\n  start\r\n",
            ),
            "FROM node:22\r\nENV NODE_ENV=production\r\nCMD npm \\\r\n  start\r\n"
        );
    }
}

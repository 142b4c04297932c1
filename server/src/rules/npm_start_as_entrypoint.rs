//! `npm-start-as-entrypoint`: the container starts the app through `npm start`.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a `CMD` or `ENTRYPOINT` of the built image (the final stage and the
    /// stages it is built `FROM`) that starts the application through a package
    /// manager script: `npm start`, `npm run <script>`, `npm run-script <script>`,
    /// `yarn start`, `yarn run <script>`, `yarn <script>`, `pnpm start`,
    /// `pnpm run <script>`, in exec form or shell form, with or without a path
    /// (`/usr/local/bin/npm`). Only the command that takes effect is checked: the last
    /// `CMD` and the last `ENTRYPOINT`.
    ///
    /// Not reported behind `dumb-init` or `tini -g`, which send the signal to the whole
    /// process group so the application receives it too. Also not reported: `npm` in a
    /// wrapper script the linter cannot see,
    /// `npx`, `npm ci`/`install` (not a start), commands in build stages, and a
    /// `CMD` that only supplies arguments to an `ENTRYPOINT` that is not itself a
    /// package manager.
    ///
    /// ## Why is this bad?
    /// The package manager becomes PID 1 and runs the application as a child process
    /// (often through an extra `sh -c`). On `docker stop` the SIGTERM goes to npm,
    /// which does not forward it reliably to the application: the application never
    /// gets to close connections or finish requests, and is killed with SIGKILL after
    /// the 10 second grace period. npm also adds its own start-up time and memory and
    /// writes its own noise to the logs.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD ["npm", "start"]
    /// ```
    ///
    /// Use instead (what the `start` script runs):
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the command behind the script lives in `package.json`, which
    /// the linter does not read.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile reference", section "ENTRYPOINT" (PID 1 and signals)
    /// - Node.js Docker best practices (nodejs/docker-node, "CMD")
    pub(crate) RULE {
        id: "npm-start-as-entrypoint",
        summary: "CMD/ENTRYPOINT starts the app through npm/yarn/pnpm",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// The effective CMD and ENTRYPOINT of the built image: `(instruction index)` of each.
pub(super) fn effective_commands(ctx: &RuleContext<'_>) -> (Option<usize>, Option<usize>) {
    let mut cmd = None;
    let mut entrypoint = None;
    for s in ctx.model.image_chain() {
        for i in ctx.model.stages[s].instructions.clone().rev() {
            match ctx.syntax.instructions[i].kind {
                Kind::Cmd if cmd.is_none() && entrypoint.is_none() => cmd = Some(i),
                Kind::Entrypoint if entrypoint.is_none() => entrypoint = Some(i),
                _ => {}
            }
        }
        if cmd.is_some() && entrypoint.is_some() {
            break;
        }
    }
    (cmd, entrypoint)
}

/// The words of a CMD/ENTRYPOINT with their ranges: the JSON strings, or the shell
/// text split on whitespace (ranges are exact: the shell text is one source chunk
/// per line, mapped through the joined line).
pub(super) fn command_words(inst: &Instruction) -> Vec<(String, TextRange)> {
    if let Some(json) = &inst.args.json {
        return json.iter().map(|w| (w.text.clone(), w.range)).collect();
    }
    let text = &inst.args.text;
    let Some(word) = inst.args.words.first() else {
        return Vec::new();
    };
    let base = word.range.start();
    let mut out = Vec::new();
    let mut offset = 0;
    for part in text.split_inclusive(char::is_whitespace) {
        let trimmed = part.trim_end();
        if !trimmed.is_empty() {
            let start = base + offset;
            let range = if word.range.len() == text.len() {
                TextRange::new(start, start + trimmed.len())
            } else {
                word.range
            };
            out.push((trimmed.to_string(), range));
        }
        offset += part.len();
    }
    out
}

/// The program name of a path word.
pub(super) fn program(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// `(manager word index)` when `words` start a package-manager script.
fn starts_script(words: &[(String, TextRange)]) -> Option<usize> {
    let mut i = 0;
    while i < words.len() && program(&words[i].0) == "exec" {
        i += 1;
    }
    let manager = program(words.get(i)?.0.as_str());
    let sub = words.get(i + 1).map(|w| w.0.as_str());
    let hit = match manager {
        "npm" | "pnpm" => matches!(sub, Some("start" | "run" | "run-script")),
        "yarn" => sub.is_some_and(|s| {
            !s.starts_with('-')
                && !matches!(
                    s,
                    "install" | "add" | "remove" | "upgrade" | "global" | "cache" | "config"
                        | "workspace" | "workspaces" | "dlx" | "exec" | "node" | "bin"
                        | "info" | "init" | "link" | "unlink" | "pack" | "publish"
                        | "set" | "version" | "why" | "audit"
                )
        }),
        _ => false,
    };
    hit.then_some(i)
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let (cmd, entrypoint) = effective_commands(ctx);
    let mut words = Vec::new();
    let mut first = None;
    for i in [entrypoint, cmd].into_iter().flatten() {
        let inst = &ctx.syntax.instructions[i];
        // Shell-form ENTRYPOINT ignores CMD.
        if first.is_none() {
            first = Some(inst.is_exec_form());
        } else if first == Some(false) {
            break;
        }
        if !inst.is_exec_form() && !ctx.model.shell_at(i).is_posix() {
            return;
        }
        words.extend(command_words(inst));
    }
    // dumb-init (and `tini -g`) signal the whole process group: the application gets
    // SIGTERM even behind npm.
    if let Some((first, _)) = words.first() {
        let group = program(first) == "dumb-init"
            || (program(first) == "tini" && words.iter().any(|w| w.0 == "-g"));
        if group {
            return;
        }
        if matches!(program(first), "tini" | "exec") {
            let skip = words.iter().position(|w| w.0 == "--").map_or(1, |p| p + 1);
            words.drain(..skip.min(words.len()));
        }
    }
    // `sh -c "npm start"` in exec form: look into the script string.
    if words.len() >= 3
        && matches!(program(&words[0].0), "sh" | "bash" | "ash")
        && words[1].0 == "-c"
    {
        let (script, range) = words[2].clone();
        let inner: Vec<(String, TextRange)> = script
            .split_whitespace()
            .map(|w| (w.to_string(), range))
            .collect();
        words = inner;
    }
    let Some(m) = starts_script(&words) else {
        return;
    };
    // The manager and its script, when both are written in the same instruction.
    let range = match words.get(m + 1) {
        Some(sub) if sub.1.start() >= words[m].1.end() && sub.1.start() - words[m].1.end() <= 4 => {
            words[m].1.cover(sub.1)
        }
        _ => words[m].1,
    };
    let shown = words[m..(m + 2).min(words.len())]
        .iter()
        .map(|w| program(&w.0))
        .collect::<Vec<_>>()
        .join(" ");
    acc.report(
        &RULE,
        range,
        format!(
            "`{shown}` makes the package manager PID 1, and it does not pass SIGTERM on to the application; run the application directly (for example `[\"node\", \"server.js\"]`)."
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_package_manager_starts() {
        check_rule(
            &RULE,
            r#"
FROM node:22
CMD ["npm", "start"]
"#,
            expect![[r#"
                2 | CMD ["npm", "start"]
                  |      ^^^^^^^^^^^^^^ npm-start-as-entrypoint: `npm start` makes the package manager PID 1, and it does not pass SIGTERM on to the application; run the application directly (for example `["node", "server.js"]`).
            "#]],
        );
        check_rule(
            &RULE,
            r#"
FROM node:22 AS base
ENTRYPOINT ["/usr/local/bin/yarn"]
FROM base
CMD ["serve"]
"#,
            expect![[r#"
                2 | ENTRYPOINT ["/usr/local/bin/yarn"]
                  |             ^^^^^^^^^^^^^^^^^^^^^ npm-start-as-entrypoint: `yarn serve` makes the package manager PID 1, and it does not pass SIGTERM on to the application; run the application directly (for example `["node", "server.js"]`).
            "#]],
        );
        check_rule(
            &RULE,
            r#"
FROM node:22
CMD npm run start:prod
"#,
            expect![[r#"
                2 | CMD npm run start:prod
                  |     ^^^^^^^ npm-start-as-entrypoint: `npm run` makes the package manager PID 1, and it does not pass SIGTERM on to the application; run the application directly (for example `["node", "server.js"]`).
            "#]],
        );
        check_rule(
            &RULE,
            r#"
FROM node:22
ENTRYPOINT ["tini", "--"]
CMD ["sh", "-c", "exec pnpm start"]
"#,
            expect![[r#"
                3 | CMD ["sh", "-c", "exec pnpm start"]
                  |                  ^^^^^^^^^^^^^^^^^ npm-start-as-entrypoint: `pnpm start` makes the package manager PID 1, and it does not pass SIGTERM on to the application; run the application directly (for example `["node", "server.js"]`).
            "#]],
        );
    }

    #[test]
    fn accepts_direct_starts_build_stages_and_replaced_commands() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22 AS build
CMD ["npm", "start"]
FROM node:22
CMD npm start
CMD ["node", "server.js"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM node:22
ENTRYPOINT /entrypoint.sh
CMD ["npm", "start"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM node:22
CMD ["yarn", "install"]
ONBUILD CMD ["npm", "start"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM node:22
CMD ["npx", "serve"]
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM node:22
ENTRYPOINT ["dumb-init", "--"]
CMD ["npm", "start"]
"#,
        );
    }
}

//! `json-args-recommended`: CMD or ENTRYPOINT in shell form.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::Model;
use crate::syntax::{Dockerfile, Kind};

declare_rule! {
    /// ## What it does
    /// Reports `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`),
    /// including `ONBUILD` triggers. Like BuildKit, nothing is reported when a `SHELL`
    /// instruction is in effect for the stage (in it or in a stage it is built on): the
    /// author then chose a shell on purpose.
    ///
    /// A shell-form text that starts with `exec ` is not reported either (BuildKit and
    /// hadolint do report it): `exec` replaces the shell by the program, which then
    /// receives the signals, so the problem below does not exist.
    ///
    /// `HEALTHCHECK CMD` in shell form is not reported.
    ///
    /// Text that starts like a JSON array but is not valid JSON (`CMD ['a', 'b']`) is
    /// left to `exec-form-single-quotes` and `exec-form-invalid-json`.
    ///
    /// Differences from hadolint (DL3025): hadolint reports shell-form `HEALTHCHECK
    /// CMD` (BuildKit's check does not); we side with BuildKit: the health check runs
    /// as a short-lived child process, not as PID 1, so the signal problem below does
    /// not apply, and `CMD-SHELL` is the documented form for checks such as
    /// `curl -f http://localhost/ || exit 1`. On our 988-file corpus these are all 6
    /// disagreements (`HEALTHCHECK … CMD kong-health` in 4 Kong files, crazy-max's
    /// alpine-s6 test and netdata). hadolint also reports `exec …` texts and stages
    /// with a `SHELL`, which the corpus does not contain.
    ///
    /// ## Why is this bad?
    /// The shell form runs `/bin/sh -c "<text>"`, so the shell is PID 1 and your program
    /// its child. `docker stop` sends `SIGTERM` to the shell, which does not forward it:
    /// the program never shuts down cleanly and is killed after the timeout (10 s by
    /// default), losing in-flight work. The exec form (a JSON array) runs the program
    /// directly.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD node server.js
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    /// When shell features are needed, keep the shell but replace it by the program:
    /// `CMD ["/bin/sh", "-c", "exec node server.js --port \"$PORT\""]`.
    ///
    /// ## Fix safety
    /// - Plain words (no variables, globs, redirections, operators or other shell
    ///   syntax; quotes and backslashes are fine) are split as `sh` splits them and
    ///   written as a JSON array: "Convert to exec form", safe. It is unsafe for an
    ///   `ENTRYPOINT` when its stage sets a `CMD` (or in an `ONBUILD` trigger), since the
    ///   `CMD` then becomes its arguments, and for `echo`, `printf`, `kill` and `pwd`,
    ///   whose programs differ from the shell builtins. Shell-only builtins (`cd`,
    ///   `export` …) are never converted.
    /// - A single simple command may be prefixed with `exec` (safe): the program
    ///   replaces the shell, becomes PID 1 and receives `SIGTERM`.
    /// - Otherwise the text is wrapped whole in the shell in force
    ///   (`["/bin/sh", "-c", "exec …"]` for a simple command, `["/bin/sh", "-c", "…"]`
    ///   else, or the `SHELL` array), unsafe: a wrapper without `exec` keeps the shell as
    ///   PID 1. For non-POSIX shells (PowerShell, `cmd`) only the wrapper is offered:
    ///   splitting words is only safe for POSIX shells.
    ///
    /// Continuation lines, their indentation and comment lines are kept.
    ///
    /// ## References
    /// - hadolint `DL3025` ("Use arguments JSON notation for CMD and ENTRYPOINT
    ///   arguments")
    /// - BuildKit check `JSONArgsRecommended`
    /// - Dockerfile reference, "Shell and exec form", "CMD", "ENTRYPOINT"
    pub(crate) RULE {
        id: "json-args-recommended",
        summary: "Shell-form CMD or ENTRYPOINT",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3025"],
        buildkit: ["JSONArgsRecommended"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let syntax = ctx.syntax;
    for (i, inst) in syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if !matches!(eff.kind, Kind::Cmd | Kind::Entrypoint) || eff.is_exec_form() {
            continue;
        }
        // `exec prog …` replaces the shell, so the program does get the signals.
        let text = &eff.args.text;
        if text.is_empty() || text.starts_with("exec ") || text.starts_with("exec\t") {
            continue;
        }
        // A JSON array BuildKit could not read is `exec-form-invalid-json`'s or
        // `exec-form-single-quotes`' finding, with a better message and fix.
        if crate::rules::exec_form_invalid_json::attempted_array(text).is_some() {
            continue;
        }
        if inst.kind != Kind::Onbuild && shell_instruction_in_effect(syntax, ctx.model, i) {
            continue;
        }
        let name = eff.kind.name();
        let d = acc.report(
            &RULE,
            eff.args.range,
            format!(
                "{name} in shell form runs under `/bin/sh -c`, which does not pass stop signals to your program; use the JSON form `{name} [\"…\"]`"
            ),
        );
        for fix in crate::fix::exec_form::exec_form_fixes(ctx.text, syntax, ctx.model, i) {
            d.push_fix(fix);
        }
    }
}

/// A SHELL instruction comes before `at` in its stage or in the stages it is built on.
pub(crate) fn shell_instruction_in_effect(syntax: &Dockerfile, model: &Model, at: usize) -> bool {
    model
        .instructions_before(at)
        .any(|j| syntax.instructions[j].kind == Kind::Shell)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_shell_form() {
        check_rule(
            &RULE,
            r#"
FROM node:22 AS base
CMD node server.js
ENTRYPOINT /entry.sh "$@"
ONBUILD CMD npm start
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
"#,
            expect![[r#"
                2 | CMD node server.js
                  |     ^^^^^^^^^^^^^^ json-args-recommended: CMD in shell form runs under `/bin/sh -c`, which does not pass stop signals to your program; use the JSON form `CMD ["…"]`
                3 | ENTRYPOINT /entry.sh "$@"
                  |            ^^^^^^^^^^^^^^ json-args-recommended: ENTRYPOINT in shell form runs under `/bin/sh -c`, which does not pass stop signals to your program; use the JSON form `ENTRYPOINT ["…"]`
                4 | ONBUILD CMD npm start
                  |             ^^^^^^^^^ json-args-recommended: CMD in shell form runs under `/bin/sh -c`, which does not pass stop signals to your program; use the JSON form `CMD ["…"]`
            "#]],
        );
    }

    #[test]
    fn accepts_exec_form_and_explicit_shell() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22 AS base
CMD ["node", "server.js"]
ENTRYPOINT ["/entry.sh"]
CMD exec node server.js
FROM mcr.microsoft.com/powershell:lts AS win
SHELL ["pwsh", "-Command"]
CMD Write-Host hi
FROM win
ENTRYPOINT Start-Service x
"#,
        );
    }

    #[test]
    fn converts_plain_words() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:22
CMD node server.js --port=8080
ENTRYPOINT exec /entry.sh "$@"
"#,
            expect![[r#"
                FROM node:22
                CMD ["node", "server.js", "--port=8080"]
                ENTRYPOINT exec /entry.sh "$@"
            "#]],
        );
    }

    #[test]
    fn offers_exec_form_exec_and_shell_wrappers() {
        check_rule_fixes(
            &RULE,
            r#"
FROM node:22
CMD node server.js --port "$PORT"
ENTRYPOINT java \
    -Xmx512m \
    -jar "/opt/my app.jar"
CMD npm ci && npm start
ONBUILD CMD npm start
"#,
            expect![[r#"
                --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
                FROM node:22
                CMD exec node server.js --port "$PORT"
                ENTRYPOINT java \
                    -Xmx512m \
                    -jar "/opt/my app.jar"
                CMD npm ci && npm start
                ONBUILD CMD npm start
                --- Convert to `["/bin/sh", "-c", "exec …"]` so the process receives stop signals (SIGTERM) (unsafe)
                FROM node:22
                CMD ["/bin/sh", "-c", "exec node server.js --port \"$PORT\""]
                ENTRYPOINT java \
                    -Xmx512m \
                    -jar "/opt/my app.jar"
                CMD npm ci && npm start
                ONBUILD CMD npm start
                --- Convert to exec form (the CMD on line 2 becomes its arguments) (unsafe)
                FROM node:22
                CMD node server.js --port "$PORT"
                ENTRYPOINT ["java", \
                    "-Xmx512m", \
                    "-jar", "/opt/my app.jar"]
                CMD npm ci && npm start
                ONBUILD CMD npm start
                --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
                FROM node:22
                CMD node server.js --port "$PORT"
                ENTRYPOINT exec java \
                    -Xmx512m \
                    -jar "/opt/my app.jar"
                CMD npm ci && npm start
                ONBUILD CMD npm start
                --- Wrap in `["/bin/sh", "-c", …]` (the shell stays PID 1 and does not pass on stop signals) (unsafe)
                FROM node:22
                CMD node server.js --port "$PORT"
                ENTRYPOINT java \
                    -Xmx512m \
                    -jar "/opt/my app.jar"
                CMD ["/bin/sh", "-c", "npm ci && npm start"]
                ONBUILD CMD npm start
                --- Convert to exec form (safe)
                FROM node:22
                CMD node server.js --port "$PORT"
                ENTRYPOINT java \
                    -Xmx512m \
                    -jar "/opt/my app.jar"
                CMD npm ci && npm start
                ONBUILD CMD ["npm", "start"]
                --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
                FROM node:22
                CMD node server.js --port "$PORT"
                ENTRYPOINT java \
                    -Xmx512m \
                    -jar "/opt/my app.jar"
                CMD npm ci && npm start
                ONBUILD CMD exec npm start
            "#]],
        );
    }

    #[test]
    fn fix_all_prefers_the_safe_conversions_and_keeps_crlf() {
        // expect! snapshots cannot hold CR, so the CRLF file is compared by hand.
        let before = "FROM node:22\r\nCMD node \\\r\n    server.js\r\nFROM node:22 AS b\r\nENTRYPOINT node run.js $ARGS\r\n";
        let out = crate::fix::fix_all(before, &crate::config::Config::default(), false);
        assert!(out.converged);
        assert_eq!(
            out.text,
            "FROM node:22\r\nCMD [\"node\", \\\r\n    \"server.js\"]\r\nFROM node:22 AS b\r\nENTRYPOINT exec node run.js $ARGS\r\n"
        );
        check_rule_fix(
            &RULE,
            r#"
FROM node:22
CMD node \
    server.js
FROM node:22 AS b
ENTRYPOINT node run.js $ARGS
"#,
            expect![[r#"
                FROM node:22
                CMD ["node", \
                    "server.js"]
                FROM node:22 AS b
                ENTRYPOINT exec node run.js $ARGS
            "#]],
        );
    }

    #[test]
    fn no_fix_for_shell_only_builtins_but_a_wrapper() {
        let diags = crate::rules::test_support::diagnostics_of(
            &RULE,
            "FROM alpine:3.20\nCMD cd /app\n",
        );
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.iter().all(|f| !f.is_safe()), "{:?}", diags[0].fixes);
    }
}

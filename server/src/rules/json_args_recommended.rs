//! `json-args-recommended`: CMD or ENTRYPOINT in shell form.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::Model;
use crate::syntax::{Dockerfile, Kind};
use crate::text::TextEdit;

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
    /// When the text is plain words (no quotes, variables, globs, redirections or other
    /// shell syntax), a fix rewrites it as a JSON array. It is unsafe: the program is no
    /// longer started through `sh` (it must be found on `PATH` by the runtime), and for
    /// `ENTRYPOINT` the `CMD` becomes its arguments.
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
        let one_line = !ctx.text[eff.args.range.range()].contains(['\n', '\r']);
        if let Some(words) = plain_words(&eff.args.text).filter(|_| one_line) {
            let json = format!(
                "[{}]",
                words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            d.with_fix(
                "Convert to the JSON (exec) form",
                Applicability::Unsafe,
                vec![TextEdit::replace(eff.args.range, json)],
            );
        }
    }
}

/// The words of `text` when it holds no shell syntax at all.
fn plain_words(text: &str) -> Option<Vec<&str>> {
    let ok = text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '\t' || "-_./:=,@%+".contains(c));
    ok.then(|| text.split_whitespace().collect())
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
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
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
}

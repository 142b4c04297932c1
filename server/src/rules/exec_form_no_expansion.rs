//! `exec-form-no-expansion`: `$VAR` in an exec-form RUN/CMD/ENTRYPOINT.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::expand::scan;
use crate::syntax::{Kind, Word};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports `$NAME` / `${NAME}` inside the JSON array of an exec-form `RUN`, `CMD`
    /// or `ENTRYPOINT` (`ONBUILD` triggers too): no shell runs, so nothing replaces it.
    ///
    /// Not reported when the array runs a shell or an interpreter on a script
    /// (`["sh", "-c", "echo $HOME"]`, `["tini", "--", "bash", "-lc", "…"]`,
    /// `["perl", "-e", "…"]`, `["powershell", "-Command", "$env:X"]`): the program
    /// expands it; nor for `$1`, `$@`, `$$` and other special parameters. A `CMD` is
    /// not reported when the stage's `ENTRYPOINT` is such a shell, since the `CMD`
    /// becomes its script.
    ///
    /// An entrypoint script that `eval`s its arguments would expand them; Docker never
    /// does, so such a `CMD` is reported, and needs a suppression comment.
    ///
    /// ## Why is this bad?
    /// The program receives the literal text `$PORT`: `["gunicorn", "--bind",
    /// "0.0.0.0:$PORT"]` fails to parse its address or listens somewhere unexpected, and
    /// `["java", "-jar", "$APP_JAR"]` looks for a file called `$APP_JAR`. The variable
    /// may be set correctly by `ENV` and still never reach the program.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV PORT=8080
    /// CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENV PORT=8080
    /// CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:$PORT app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// When a POSIX shell is in force, the fixes hand the words to it, each quoted so
    /// that it stays one word and only its `$NAME` / `${NAME…}` references expand
    /// (`"0.0.0.0:$PORT"`): `RUN` in shell form (or `["/bin/sh", "-c", "…"]`); `CMD` as
    /// `["/bin/sh", "-c", "exec …"]` or shell form `CMD exec …` (`exec` keeps the
    /// program PID 1, so it receives signals); `ENTRYPOINT` as
    /// `["/bin/sh", "-c", "exec … \"$@\"", "sh"]` (so `CMD` arguments still arrive).
    /// The `SHELL` in force replaces `/bin/sh -c`. They are unsafe: the image needs the
    /// shell (distroless and scratch images have none) and the program now gets the
    /// variable's value. A `CMD` that an `ENTRYPOINT` of the Dockerfile receives as
    /// arguments gets no fix.
    ///
    /// ## References
    /// - Dockerfile reference, "Shell and exec form", "Environment replacement"
    /// - Docker docs, "CMD" ("the exec form does not invoke a command shell")
    pub(crate) RULE {
        id: "exec-form-no-expansion",
        summary: "Variable in exec form is not expanded",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const SHELLS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox", "su", "runuser",
];
const INTERPRETERS: &[&str] = &[
    "perl", "ruby", "python", "python2", "python3", "node", "php", "pwsh", "powershell", "cmd",
];

fn base(w: &str) -> String {
    let b = w.rsplit(['/', '\\']).next().unwrap_or(w).to_ascii_lowercase();
    b.trim_end_matches(".exe").to_string()
}

/// True when the array runs a shell or interpreter on a script argument.
fn runs_script(words: &[Word]) -> bool {
    words.iter().enumerate().any(|(j, w)| {
        let b = base(&w.text);
        let shell = SHELLS.contains(&b.as_str());
        let interp = INTERPRETERS.contains(&b.as_str())
            || b.starts_with("python")
            || b.starts_with("php");
        (shell || interp)
            && words[j + 1..].iter().any(|o| {
                let t = o.text.as_str();
                let short = t.len() > 1
                    && t.starts_with('-')
                    && !t.starts_with("--")
                    && t[1..].bytes().all(|c| c.is_ascii_alphabetic());
                (short && (t.contains('c') || (interp && t.contains('e'))))
                    || t.eq_ignore_ascii_case("-command")
                    || t.eq_ignore_ascii_case("/c")
                    || t == "--command"
                    || t == "--eval"
            })
    })
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if !matches!(eff.kind, Kind::Run | Kind::Cmd | Kind::Entrypoint) {
            continue;
        }
        let Some(words) = &eff.args.json else {
            continue;
        };
        if words.is_empty() || runs_script(words) {
            continue;
        }
        if eff.kind == Kind::Cmd && entrypoint_is_shell(ctx, i) {
            continue;
        }
        let mut first = true;
        for w in words {
            let (refs, _) = scan(&w.text, '\\');
            let raw = &ctx.text[w.range.range()];
            let verbatim = raw.len() == w.text.len() + 2 && raw[1..raw.len() - 1] == w.text;
            for r in refs
                .iter()
                .filter(|r| r.name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
            {
                let range = if verbatim {
                    TextRange::new(w.range.start() + 1 + r.range.start(), w.range.start() + 1 + r.range.end())
                } else {
                    w.range
                };
                let how = if ctx.model.shell_at(i).is_posix() {
                    "use shell form or `[\"sh\", \"-c\", \"…\"]`"
                } else {
                    "use shell form so the SHELL expands it"
                };
                let d = acc.report(
                    &RULE,
                    range,
                    format!(
                        "Exec form runs no shell, so `{}` reaches the program as literal text; {how}",
                        &w.text[r.range.range()]
                    ),
                );
                if first {
                    first = false;
                    let var = &w.text[r.range.range()];
                    for fix in crate::fix::exec_form::shell_expansion_fixes(
                        ctx.text, ctx.syntax, ctx.model, i, var,
                    ) {
                        d.push_fix(fix);
                    }
                }
            }
        }
    }
}

/// The ENTRYPOINT in force for a CMD is a shell with `-c`.
fn entrypoint_is_shell(ctx: &RuleContext<'_>, at: usize) -> bool {
    ctx.model
        .instructions_before(at)
        .chain(ctx.model.stage_of(at).map(|s| s.instructions.clone()).into_iter().flatten())
        .filter(|&j| ctx.syntax.instructions[j].kind == Kind::Entrypoint)
        .any(|j| {
            ctx.syntax.instructions[j]
                .args
                .json
                .as_deref()
                .is_some_and(runs_script)
        })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_variables_in_exec_form() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
ENV PORT=8080 APP_JAR=/app.jar
CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
RUN ["echo", "$HOME and $PATH"]
ONBUILD RUN ["/bin/tool", "$X"]
"#,
            expect![[r#"
                3 | CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
                  |                                     ^^^^^ exec-form-no-expansion: Exec form runs no shell, so `$PORT` reaches the program as literal text; use shell form or `["sh", "-c", "…"]`
                4 | ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
                  |                              ^^^^^^^^^^ exec-form-no-expansion: Exec form runs no shell, so `${APP_JAR}` reaches the program as literal text; use shell form or `["sh", "-c", "…"]`
                5 | RUN ["echo", "$HOME and $PATH"]
                  |               ^^^^^ exec-form-no-expansion: Exec form runs no shell, so `$HOME` reaches the program as literal text; use shell form or `["sh", "-c", "…"]`
                5 | RUN ["echo", "$HOME and $PATH"]
                  |                         ^^^^^ exec-form-no-expansion: Exec form runs no shell, so `$PATH` reaches the program as literal text; use shell form or `["sh", "-c", "…"]`
                6 | ONBUILD RUN ["/bin/tool", "$X"]
                  |                            ^^ exec-form-no-expansion: Exec form runs no shell, so `$X` reaches the program as literal text; use shell form or `["sh", "-c", "…"]`
            "#]],
        );
    }

    #[test]
    fn accepts_shells_specials_and_shell_form() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12-slim
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:$PORT app:app"]
CMD ["/usr/bin/tini", "--", "/bin/bash", "-lc", "echo $HOME"]
CMD ["perl", "-e", "print $x"]
CMD ["awk", "{print $1}", "$@"]
CMD echo $HOME
RUN ["powershell", "-Command", "$env:PATH"]
CMD ["echo", "price: 5$"]
FROM alpine:3.20
ENTRYPOINT ["/bin/sh", "-c"]
CMD ["echo $HOME"]
"#,
        );
    }

    #[test]
    fn fixes_through_a_shell() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12-slim
RUN ["pip", "install", "app==$VERSION"]
CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
"#,
            expect![[r#"
                FROM python:3.12-slim
                RUN pip install "app==$VERSION"
                CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
                ENTRYPOINT ["/bin/sh", "-c", "exec java -jar \"${APP_JAR}\" \"$@\"", "sh"]
            "#]],
        );
    }

    #[test]
    fn windows_exec_form_is_reported_without_fix() {
        let text = r#"# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
CMD ["C:\\app\\app.exe", "--port", "$PORT"]
"#;
        let diags = crate::rules::test_support::diagnostics_of(&RULE, text);
        assert!(diags.len() == 1 && diags[0].fixes.is_empty());
        check_rule(
            &RULE,
            r#"# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
CMD ["C:\\app\\app.exe", "--port", "$PORT"]
RUN ["powershell", "-Command", "Write-Host $env:PATH"]
"#,
            expect![[r#"
                4 | CMD ["C:\\app\\app.exe", "--port", "$PORT"]
                  |                                     ^^^^^ exec-form-no-expansion: Exec form runs no shell, so `$PORT` reaches the program as literal text; use shell form so the SHELL expands it
            "#]],
        );
    }

    #[test]
    fn offers_every_shell_rewrite() {
        check_rule_fixes(
            &RULE,
            r#"
FROM python:3.12-slim
RUN ["pip", "install", "app==$VERSION", "it's"]
CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
ONBUILD RUN ["/bin/tool", "$X"]
"#,
            expect![[r#"
                --- Convert to shell form so the shell expands `$VERSION` (unsafe)
                FROM python:3.12-slim
                RUN pip install "app==$VERSION" 'it'\''s'
                CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
                ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
                ONBUILD RUN ["/bin/tool", "$X"]
                --- Convert to `["/bin/sh", "-c", …]` so the shell expands `$VERSION` (unsafe)
                FROM python:3.12-slim
                RUN ["/bin/sh", "-c", "pip install \"app==$VERSION\" 'it'\\''s'"]
                CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
                ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
                ONBUILD RUN ["/bin/tool", "$X"]
                --- Convert to `["/bin/sh", "-c", "exec … \"$@\"", …]` so the shell expands `${APP_JAR}` (CMD arguments still arrive) (unsafe)
                FROM python:3.12-slim
                RUN ["pip", "install", "app==$VERSION", "it's"]
                CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
                ENTRYPOINT ["/bin/sh", "-c", "exec java -jar \"${APP_JAR}\" \"$@\"", "sh"]
                ONBUILD RUN ["/bin/tool", "$X"]
                --- Convert to shell form so the shell expands `$X` (unsafe)
                FROM python:3.12-slim
                RUN ["pip", "install", "app==$VERSION", "it's"]
                CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
                ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
                ONBUILD RUN /bin/tool "$X"
                --- Convert to `["/bin/sh", "-c", …]` so the shell expands `$X` (unsafe)
                FROM python:3.12-slim
                RUN ["pip", "install", "app==$VERSION", "it's"]
                CMD ["gunicorn", "--bind", "0.0.0.0:$PORT", "app:app"]
                ENTRYPOINT ["java", "-jar", "${APP_JAR}"]
                ONBUILD RUN ["/bin/sh", "-c", "/bin/tool \"$X\""]
            "#]],
        );
    }

    #[test]
    fn uses_the_shell_in_force_and_skips_entrypoint_arguments() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine:3.20
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
CMD ["app", "--home", "$HOME"]
FROM alpine:3.20
ENTRYPOINT ["/usr/bin/app"]
CMD ["--port", "$PORT"]
"#,
            expect![[r#"
                --- Convert to `["/bin/bash", "-o", "pipefail", "-c", "exec …"]` so the shell expands `$HOME` (unsafe)
                FROM alpine:3.20
                SHELL ["/bin/bash", "-o", "pipefail", "-c"]
                CMD ["/bin/bash", "-o", "pipefail", "-c", "exec app --home \"$HOME\""]
                FROM alpine:3.20
                ENTRYPOINT ["/usr/bin/app"]
                CMD ["--port", "$PORT"]
                --- Convert to shell form (`exec …`) so the shell expands `$HOME` (unsafe)
                FROM alpine:3.20
                SHELL ["/bin/bash", "-o", "pipefail", "-c"]
                CMD exec app --home "$HOME"
                FROM alpine:3.20
                ENTRYPOINT ["/usr/bin/app"]
                CMD ["--port", "$PORT"]
            "#]],
        );
        let diags = crate::rules::test_support::diagnostics_of(
            &RULE,
            "FROM alpine:3.20\nENTRYPOINT [\"/usr/bin/app\"]\nCMD [\"--port\", \"$PORT\"]\n",
        );
        assert!(diags.len() == 1 && diags[0].fixes.is_empty());
    }
}

//! `entrypoint-shell-ignores-cmd`: a shell-form ENTRYPOINT together with a CMD.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a shell-form `ENTRYPOINT` that takes effect (the last one of its stage)
    /// when the same stage also sets `CMD`. An `ENTRYPOINT` whose text uses the
    /// positional parameters (`$@`, `$*`, `$1` …) is not reported: it reads the `CMD`
    /// words on purpose (though the first of them lands in `$0`). `ONBUILD` triggers are
    /// not considered.
    ///
    /// ## Why is this bad?
    /// A shell-form `ENTRYPOINT` runs `/bin/sh -c "<text>"` and ignores both `CMD` and
    /// the arguments given to `docker run`, so the `CMD` is dead code and users cannot
    /// pass options to the container (see the CMD/ENTRYPOINT interaction table of the
    /// reference).
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT /usr/bin/app
    /// CMD ["--port", "8080"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENTRYPOINT ["/usr/bin/app"]
    /// CMD ["--port", "8080"]
    /// ```
    ///
    /// ## Fix safety
    /// Both fixes are unsafe: they make the `CMD` (and `docker run` arguments) reach the
    /// program, which is the point but changes what the container runs. Plain words
    /// become a JSON array (`ENTRYPOINT ["/usr/bin/app"]`); a single simple command with
    /// shell syntax becomes `["/bin/sh", "-c", "exec … \"$@\"", "sh"]` (the shell in
    /// force), which appends the arguments. Compound commands (`a && b`) get no fix:
    /// where the arguments belong is the author's call.
    ///
    /// ## References
    /// - Dockerfile reference, "Understand how CMD and ENTRYPOINT interact"
    pub(crate) RULE {
        id: "entrypoint-shell-ignores-cmd",
        summary: "Shell-form ENTRYPOINT ignores CMD and run arguments",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let insts = &ctx.syntax.instructions;
    for stage in &ctx.model.stages {
        let Some(entry) = stage
            .instructions
            .clone()
            .rev()
            .find(|&i| insts[i].kind == Kind::Entrypoint)
        else {
            continue;
        };
        let inst = &insts[entry];
        if inst.is_exec_form() || inst.args.text.is_empty() || uses_positional(&inst.args.text) {
            continue;
        }
        let Some(cmd) = stage
            .instructions
            .clone()
            .find(|&i| insts[i].kind == Kind::Cmd)
        else {
            continue;
        };
        let cmd_line = ctx.line_index.line_of(insts[cmd].range.start()) + 1;
        let d = acc.report(
            &RULE,
            inst.args.range,
            format!(
                "This shell-form ENTRYPOINT ignores the CMD on line {cmd_line} and `docker run` arguments; use the JSON form `ENTRYPOINT [\"…\"]`"
            ),
        );
        for fix in crate::fix::exec_form::entrypoint_passing_cmd_fixes(
            ctx.text,
            ctx.syntax,
            ctx.model,
            entry,
        ) {
            d.push_fix(fix);
        }
    }
}

/// The shell text reads positional parameters.
fn uses_positional(text: &str) -> bool {
    let b = text.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'$' && (w[1] == b'@' || w[1] == b'*' || w[1].is_ascii_digit()))
        || b.windows(3).any(|w| {
            w[0] == b'$' && w[1] == b'{' && (w[2] == b'@' || w[2] == b'*' || w[2].is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_shell_entrypoint_with_cmd() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
CMD ["--port", "8080"]
ENTRYPOINT /usr/bin/app
"#,
            expect![[r#"
                3 | ENTRYPOINT /usr/bin/app
                  |            ^^^^^^^^^^^^ entrypoint-shell-ignores-cmd: This shell-form ENTRYPOINT ignores the CMD on line 2 and `docker run` arguments; use the JSON form `ENTRYPOINT ["…"]`
            "#]],
        );
    }

    #[test]
    fn accepts_exec_form_positional_and_no_cmd() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20 AS a
ENTRYPOINT /usr/bin/app
CMD ["x"]
ENTRYPOINT ["/usr/bin/app"]
FROM alpine:3.20 AS b
ENTRYPOINT exec /usr/bin/app "$@"
CMD ["x"]
FROM alpine:3.20 AS c
ENTRYPOINT /usr/bin/app
FROM alpine:3.20 AS d
ENTRYPOINT /usr/bin/app
ONBUILD CMD ["x"]
"#,
        );
    }

    #[test]
    fn fixes_pass_the_cmd_to_the_program() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine:3.20 AS a
CMD ["--port", "8080"]
ENTRYPOINT /usr/bin/app --verbose
FROM alpine:3.20 AS b
ENTRYPOINT /usr/bin/app --home $HOME
CMD ["x"]
FROM alpine:3.20 AS c
ENTRYPOINT /usr/bin/app && echo done
CMD ["x"]
"#,
            expect![[r#"
                --- Convert to exec form (the CMD on line 2 becomes its arguments) (unsafe)
                FROM alpine:3.20 AS a
                CMD ["--port", "8080"]
                ENTRYPOINT ["/usr/bin/app", "--verbose"]
                FROM alpine:3.20 AS b
                ENTRYPOINT /usr/bin/app --home $HOME
                CMD ["x"]
                FROM alpine:3.20 AS c
                ENTRYPOINT /usr/bin/app && echo done
                CMD ["x"]
                --- Convert to `["/bin/sh", "-c", "exec … \"$@\"", …]` so CMD and `docker run` arguments reach the program (unsafe)
                FROM alpine:3.20 AS a
                CMD ["--port", "8080"]
                ENTRYPOINT ["/bin/sh", "-c", "exec /usr/bin/app --verbose \"$@\"", "sh"]
                FROM alpine:3.20 AS b
                ENTRYPOINT /usr/bin/app --home $HOME
                CMD ["x"]
                FROM alpine:3.20 AS c
                ENTRYPOINT /usr/bin/app && echo done
                CMD ["x"]
                --- Convert to `["/bin/sh", "-c", "exec … \"$@\"", …]` so CMD and `docker run` arguments reach the program (unsafe)
                FROM alpine:3.20 AS a
                CMD ["--port", "8080"]
                ENTRYPOINT /usr/bin/app --verbose
                FROM alpine:3.20 AS b
                ENTRYPOINT ["/bin/sh", "-c", "exec /usr/bin/app --home $HOME \"$@\"", "sh"]
                CMD ["x"]
                FROM alpine:3.20 AS c
                ENTRYPOINT /usr/bin/app && echo done
                CMD ["x"]
            "#]],
        );
        let diags = crate::rules::test_support::diagnostics_of(
            &RULE,
            "FROM alpine:3.20\nENTRYPOINT a && b\nCMD [\"x\"]\n",
        );
        assert!(diags.len() == 1 && diags[0].fixes.is_empty());
    }
}

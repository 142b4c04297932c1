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
    /// No automatic fix yet; `json-args-recommended` offers the conversion to exec form
    /// for simple commands.
    ///
    /// ## References
    /// - Dockerfile reference, "Understand how CMD and ENTRYPOINT interact"
    pub(crate) RULE {
        id: "entrypoint-shell-ignores-cmd",
        summary: "Shell-form ENTRYPOINT ignores CMD and run arguments",
        level: Warning,
        fix: None,
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
        acc.report(
            &RULE,
            inst.args.range,
            format!(
                "This shell-form ENTRYPOINT ignores the CMD on line {cmd_line} and `docker run` arguments; use the JSON form `ENTRYPOINT [\"…\"]`"
            ),
        );
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
    use crate::rules::test_support::{check_rule, check_rule_not};
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
}

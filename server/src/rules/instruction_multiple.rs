//! `instruction-multiple`: more than one CMD, ENTRYPOINT or HEALTHCHECK in a stage.

use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that is followed by another one of
    /// the same kind in the same stage. The earlier, ineffective instruction is reported
    /// (as BuildKit does; hadolint reports the later one), because that is the line that
    /// does nothing and can be deleted. `ONBUILD` triggers are not counted: they apply
    /// to a downstream image.
    ///
    /// ## Why is this bad?
    /// Only the last one takes effect. The earlier one is dead code that misleads the
    /// reader about how the container starts or how its health is checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "manage.py", "migrate"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which instruction the author meant to keep is unknown.
    ///
    /// ## References
    /// - hadolint `DL4003` (CMD), `DL4004` (ENTRYPOINT), `DL3012` (HEALTHCHECK)
    /// - BuildKit check `MultipleInstructionsDisallowed`
    /// - Trivy `DS-0016`, `DS-0007`, `DS-0023`
    /// - Dockerfile reference, "CMD", "ENTRYPOINT", "HEALTHCHECK"
    pub(crate) RULE {
        id: "instruction-multiple",
        summary: "More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage",
        level: Warning,
        fix: None,
        hadolint: ["DL4003", "DL4004", "DL3012"],
        buildkit: ["MultipleInstructionsDisallowed"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let insts = &ctx.syntax.instructions;
    for stage in &ctx.model.stages {
        for kind in [Kind::Cmd, Kind::Entrypoint, Kind::Healthcheck] {
            let all: Vec<usize> = stage
                .instructions
                .clone()
                .filter(|&i| insts[i].kind == kind)
                .collect();
            let Some((&last, earlier)) = all.split_last() else {
                continue;
            };
            let last_line = ctx.line_index.line_of(insts[last].range.start()) + 1;
            for &i in earlier {
                let d = acc.report(
                    &RULE,
                    insts[i].keyword_range,
                    format!(
                        "This {} has no effect: the {} on line {last_line} replaces it; delete one of them",
                        kind.name(),
                        kind.name()
                    ),
                );
                d.unnecessary = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_repeated_instructions() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
CMD ["python", "manage.py", "migrate"]
HEALTHCHECK NONE
ENTRYPOINT ["/entry"]
cmd gunicorn app:app
HEALTHCHECK CMD curl -f http://localhost/
CMD ["gunicorn", "app:app"]
"#,
            expect![[r#"
                2 | CMD ["python", "manage.py", "migrate"]
                  | ^^^ instruction-multiple: This CMD has no effect: the CMD on line 7 replaces it; delete one of them
                3 | HEALTHCHECK NONE
                  | ^^^^^^^^^^^ instruction-multiple: This HEALTHCHECK has no effect: the HEALTHCHECK on line 6 replaces it; delete one of them
                5 | cmd gunicorn app:app
                  | ^^^ instruction-multiple: This CMD has no effect: the CMD on line 7 replaces it; delete one of them
            "#]],
        );
    }

    #[test]
    fn accepts_one_per_stage_and_onbuild() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
CMD ["go", "test"]
ONBUILD CMD ["x"]
FROM alpine:3.20
CMD ["app"]
ONBUILD CMD ["y"]
ENTRYPOINT ["/entry"]
"#,
        );
    }
}

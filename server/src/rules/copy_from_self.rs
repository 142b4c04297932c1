//! `copy-from-self`: `COPY --from` naming the stage the instruction is in.

use crate::rules::copy_from_unknown_stage::from_refs;
use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<value>` and `RUN --mount=from=<value>` whose value (after
    /// variable expansion) is the name or the index of the stage the instruction
    /// belongs to. `ONBUILD` triggers are skipped: their stage names refer to the
    /// Dockerfile that will use the image.
    ///
    /// ## Why is this bad?
    /// A stage cannot read from itself while it is being built: BuildKit reports a
    /// circular dependency and the build fails. Files already in the stage can be
    /// copied with `RUN cp`, or the files belong to an earlier stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the intended source is unknown.
    ///
    /// ## References
    /// - hadolint `DL3023` ("COPY --from should reference a previously defined FROM
    ///   alias"; it reports the current stage)
    /// - Trivy `DS-0006`
    /// - BuildKit error "circular dependency detected on stage"
    /// - Dockerfile reference, "COPY --from"
    pub(crate) RULE {
        id: "copy-from-self",
        summary: "COPY --from names the stage it is in",
        level: Error,
        fix: None,
        hadolint: ["DL3023"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for r in from_refs(ctx) {
        let lower = r.value.to_ascii_lowercase();
        let by_name = r.stage.name.as_deref() == Some(lower.as_str());
        let by_index = lower.parse::<usize>().ok() == Some(r.stage.index)
            && lower.bytes().all(|b| b.is_ascii_digit());
        if by_name || by_index {
            acc.report(
                &RULE,
                r.range,
                format!(
                    "{} `{}` names the stage this instruction is in; a stage cannot read from itself, use an earlier stage",
                    r.what, r.written
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
    fn catches_self_references() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.23 AS build
COPY --from=Build /out/app /app
FROM alpine:3.20
COPY --from=1 /x /x
RUN --mount=from=1,target=/x true
"#,
            expect![[r#"
                2 | COPY --from=Build /out/app /app
                  |             ^^^^^ copy-from-self: COPY --from `Build` names the stage this instruction is in; a stage cannot read from itself, use an earlier stage
                4 | COPY --from=1 /x /x
                  |             ^ copy-from-self: COPY --from `1` names the stage this instruction is in; a stage cannot read from itself, use an earlier stage
                5 | RUN --mount=from=1,target=/x true
                  |                  ^ copy-from-self: RUN --mount=from `1` names the stage this instruction is in; a stage cannot read from itself, use an earlier stage
            "#]],
        );
    }

    #[test]
    fn accepts_other_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
FROM alpine:3.20 AS final
COPY --from=build /out/app /app
COPY --from=0 /x /x
ONBUILD COPY --from=final /x /x
"#,
        );
    }
}

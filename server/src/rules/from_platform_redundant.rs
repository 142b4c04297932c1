//! `from-platform-redundant`: `FROM --platform=$TARGETPLATFORM`.

use crate::rules::from_platform_constant::flag_deletion;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::expand::scan;
use crate::semantic::Modifier;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (also `${TARGETPLATFORM}` and
    /// `${TARGETPLATFORM:-…}`): the value every stage gets anyway.
    ///
    /// ## Why is this bad?
    /// Stages are built for the target platform by default, so the flag changes
    /// nothing. It is noise that suggests something special is going on, and it is
    /// easily confused with `$BUILDPLATFORM`, which does change the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the flag. Safe: the stage's platform does not change.
    ///
    /// ## References
    /// - hadolint `DL3065`
    /// - BuildKit check `RedundantTargetPlatform`
    /// - Dockerfile reference, "Automatic platform ARGs in the global scope"
    pub(crate) RULE {
        id: "from-platform-redundant",
        summary: "FROM --platform=$TARGETPLATFORM is the default",
        level: Info,
        fix: Sometimes,
        hadolint: ["DL3065"],
        buildkit: ["RedundantTargetPlatform"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let inst = &ctx.syntax.instructions[stage.from];
        let Some(flag) = inst.flag("platform") else {
            continue;
        };
        let (Some(value), Some(range)) = (&flag.value, flag.value_range) else {
            continue;
        };
        let (refs, bad) = scan(value, ctx.syntax.escape);
        let [r] = refs.as_slice() else {
            continue;
        };
        let plain = matches!(r.modifier, None | Some(Modifier::Default { .. }));
        let rest = format!("{}{}", &value[..r.range.start()], &value[r.range.end()..]);
        if !bad.is_empty()
            || r.name != "TARGETPLATFORM"
            || !plain
            || !rest.chars().all(|c| c == '"')
            || ctx.model.global_args.iter().any(|g| g.name == "TARGETPLATFORM")
        {
            continue;
        }
        let d = acc.report(
            &RULE,
            range,
            "Stages are built for `$TARGETPLATFORM` by default; this `--platform` changes nothing and can go",
        );
        d.unnecessary = true;
        if ctx.text[flag.range.end()..].starts_with([' ', '\t']) {
            d.with_fix(
                "Remove `--platform`",
                Applicability::Safe,
                vec![TextEdit::delete(flag_deletion(ctx.text, flag.range))],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_target_platform() {
        check_rule(
            &RULE,
            r#"
FROM --platform=$TARGETPLATFORM alpine:3.20
FROM --platform=${TARGETPLATFORM} alpine:3.20 AS b
FROM --platform="${TARGETPLATFORM:-linux/amd64}" alpine:3.20 AS c
"#,
            expect![[r#"
                1 | FROM --platform=$TARGETPLATFORM alpine:3.20
                  |                 ^^^^^^^^^^^^^^^ from-platform-redundant: Stages are built for `$TARGETPLATFORM` by default; this `--platform` changes nothing and can go
                2 | FROM --platform=${TARGETPLATFORM} alpine:3.20 AS b
                  |                 ^^^^^^^^^^^^^^^^^ from-platform-redundant: Stages are built for `$TARGETPLATFORM` by default; this `--platform` changes nothing and can go
                3 | FROM --platform="${TARGETPLATFORM:-linux/amd64}" alpine:3.20 AS c
                  |                 ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ from-platform-redundant: Stages are built for `$TARGETPLATFORM` by default; this `--platform` changes nothing and can go
            "#]],
        );
    }

    #[test]
    fn accepts_other_platforms() {
        check_rule_not(
            &RULE,
            r#"
FROM --platform=$BUILDPLATFORM golang:1.23 AS build
FROM --platform=linux/amd64 alpine:3.20
FROM --platform=${TARGETOS}/${TARGETARCH} alpine:3.20
FROM --platform=$TARGETPLATFORM-x alpine:3.20
FROM alpine:3.20
"#,
        );
    }

    #[test]
    fn fix_removes_the_flag() {
        check_rule_fix(
            &RULE,
            r#"
FROM --platform=$TARGETPLATFORM alpine:3.20 AS app
"#,
            expect![[r#"
                FROM alpine:3.20 AS app
            "#]],
        );
    }
}

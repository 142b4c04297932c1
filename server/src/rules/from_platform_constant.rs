//! `from-platform-constant`: `FROM --platform=` with a fixed value.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::images::Platform;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=<value>` when the value is a constant such as
    /// `linux/amd64` (no variable). Follows BuildKit: the finding is skipped when the
    /// stage name contains the platform's OS or architecture (`FROM --platform=linux/arm64
    /// … AS build-arm64`), which signals a stage that is meant for one platform.
    ///
    /// Differences from hadolint (DL3029); its suppressions still apply here:
    /// - a stage whose name carries the platform (`FROM --platform=linux/arm64
    ///   almalinux:8 AS base-arm64`, `FROM --platform=linux/amd64 scratch AS
    ///   amd64-archive`) is pinned on purpose; we follow BuildKit and stay silent,
    ///   hadolint reports it (all 6 disagreements on our 988-file corpus, in ollama's
    ///   Dockerfile, which picks the stage per architecture with `FROM base-${TARGETARCH}`);
    /// - hadolint also reports values built from other variables
    ///   (`--platform=$MY_PLATFORM`); we do not, because such a value is chosen at
    ///   build time, which is the point of the advice.
    ///
    /// ## Why is this bad?
    /// A constant platform pins the stage to one architecture whatever the build asks
    /// for. On an arm64 machine (Apple silicon, Graviton) or in a multi-platform build
    /// (`--platform linux/amd64,linux/arm64`) the stage is emulated under QEMU (often 5
    /// to 20 times slower), or the image ships binaries for the wrong CPU with only an
    /// "exec format error" at run time to show for it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 node:22-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// ```
    /// or, for a stage that only builds and cross-compiles:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ```
    ///
    /// ## Fix safety
    /// The first fix removes the flag (the stage then follows the target platform), the
    /// second replaces the value with `$BUILDPLATFORM` (for a stage that only builds
    /// or downloads things that later stages copy, e.g. cross-compilers). Both are
    /// unsafe: which one is right depends on what the stage does, and when the stage
    /// really needs that platform (a vendor binary only exists for amd64), the flag
    /// was right and needs a suppression comment, or a stage name saying so.
    ///
    /// ## References
    /// - hadolint `DL3029` ("Do not use --platform flag with FROM")
    /// - BuildKit check `FromPlatformFlagConstDisallowed`
    /// - Docker docs, "Multi-platform builds"
    pub(crate) RULE {
        id: "from-platform-constant",
        summary: "FROM --platform with a constant value",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3029"],
        buildkit: ["FromPlatformFlagConstDisallowed"],
        check: check,
    }
}

/// The range that deletes a flag and the blanks after it.
pub(crate) fn flag_deletion(text: &str, flag: TextRange) -> TextRange {
    let rest = &text[flag.end()..];
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    TextRange::new(flag.start(), flag.end() + blanks)
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
        if value.contains('$') {
            continue;
        }
        let Some(p) = Platform::parse(value.trim_matches(['"', '\''])) else {
            continue;
        };
        let name = stage.name.as_deref().unwrap_or("");
        if name.contains(&p.os) || name.contains(&p.arch) {
            continue;
        }
        let d = acc.report(
            &RULE,
            range,
            format!(
                "`--platform={value}` pins this stage to {}: builds for other platforms get it emulated or with the wrong binaries; remove the flag, or use `$BUILDPLATFORM` for a build stage",
                p.to_string_full()
            ),
        );
        let rest = &ctx.text[flag.range.end()..];
        if rest.starts_with([' ', '\t']) {
            d.with_fix(
                format!("Remove `--platform={value}`"),
                Applicability::Unsafe,
                vec![TextEdit::delete(flag_deletion(ctx.text, flag.range))],
            );
        }
        if ctx.text.get(range.range()).is_some_and(|w| !w.contains(['\n', '\r'])) {
            d.with_fix(
                "Use `--platform=$BUILDPLATFORM` (build stages run on the builder's platform)",
                Applicability::Unsafe,
                vec![TextEdit::replace(range, "$BUILDPLATFORM")],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_constant_platforms() {
        check_rule(
            &RULE,
            r#"
FROM --platform=linux/amd64 node:22-slim
FROM --platform=arm64 alpine:3.20 AS tools
FROM --platform="linux/arm/v7" alpine:3.20
"#,
            expect![[r#"
                1 | FROM --platform=linux/amd64 node:22-slim
                  |                 ^^^^^^^^^^^ from-platform-constant: `--platform=linux/amd64` pins this stage to linux/amd64: builds for other platforms get it emulated or with the wrong binaries; remove the flag, or use `$BUILDPLATFORM` for a build stage
                2 | FROM --platform=arm64 alpine:3.20 AS tools
                  |                 ^^^^^ from-platform-constant: `--platform=arm64` pins this stage to linux/arm64: builds for other platforms get it emulated or with the wrong binaries; remove the flag, or use `$BUILDPLATFORM` for a build stage
                3 | FROM --platform="linux/arm/v7" alpine:3.20
                  |                 ^^^^^^^^^^^^^^ from-platform-constant: `--platform=linux/arm/v7` pins this stage to linux/arm/v7: builds for other platforms get it emulated or with the wrong binaries; remove the flag, or use `$BUILDPLATFORM` for a build stage
            "#]],
        );
    }

    #[test]
    fn accepts_variables_and_named_platform_stages() {
        check_rule_not(
            &RULE,
            r#"
ARG MY_PLATFORM=linux/amd64
FROM --platform=$BUILDPLATFORM golang:1.23 AS build
FROM --platform=${TARGETPLATFORM} alpine:3.20
FROM --platform=$MY_PLATFORM alpine:3.20
FROM --platform=linux/arm64 alpine:3.20 AS build-arm64
FROM --platform=linux/amd64 alpine:3.20 AS linux-tools
FROM alpine:3.20
"#,
        );
    }

    #[test]
    fn fix_removes_the_flag() {
        check_rule_fix(
            &RULE,
            r#"
FROM --platform=linux/amd64   node:22-slim AS app
"#,
            expect![[r#"
                FROM node:22-slim AS app
            "#]],
        );
    }

    #[test]
    fn fixes_remove_or_use_buildplatform() {
        check_rule_fixes(
            &RULE,
            r#"
FROM --platform=linux/amd64 golang:1.23 AS build
FROM --platform=linux/arm64 \
  alpine:3.20
"#,
            expect![[r#"
                --- Remove `--platform=linux/amd64` (unsafe)
                FROM golang:1.23 AS build
                FROM --platform=linux/arm64 \
                  alpine:3.20
                --- Use `--platform=$BUILDPLATFORM` (build stages run on the builder's platform) (unsafe)
                FROM --platform=$BUILDPLATFORM golang:1.23 AS build
                FROM --platform=linux/arm64 \
                  alpine:3.20
                --- Remove `--platform=linux/arm64` (unsafe)
                FROM --platform=linux/amd64 golang:1.23 AS build
                FROM \
                  alpine:3.20
                --- Use `--platform=$BUILDPLATFORM` (build stages run on the builder's platform) (unsafe)
                FROM --platform=linux/amd64 golang:1.23 AS build
                FROM --platform=$BUILDPLATFORM \
                  alpine:3.20
            "#]],
        );
    }
}

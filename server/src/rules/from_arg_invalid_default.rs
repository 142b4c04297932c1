//! `from-arg-invalid-default`: a FROM image that is empty or invalid with only the
//! ARG defaults.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::expand::{expand, scan};
use crate::semantic::{ImageRef, AUTOMATIC_ARGS};

declare_rule! {
    /// ## What it does
    /// Expands the image of every `FROM` that uses variables the way a plain `docker
    /// build` (no `--build-arg`) does: global `ARG` defaults apply, an `ARG` without a
    /// default is empty. Reports the `FROM` when the result is empty or not a valid
    /// image reference (`FROM ${REGISTRY}/app` with `ARG REGISTRY` → `/app`).
    ///
    /// Automatic platform arguments (`TARGETARCH`, …) always have a value and count as
    /// set. Like BuildKit, the rule stays silent when a global ARG default is itself
    /// not a valid substitution. Stage names are accepted. `FROM` lines without variables are left to the
    /// parser rules, and variables that no global ARG declares to
    /// `from-arg-undefined`.
    ///
    /// ## Why is this bad?
    /// The Dockerfile only builds when every caller passes the right `--build-arg`.
    /// Anyone running `docker build .`, and tools that read the file without build
    /// arguments (IDEs, scanners, Dependabot/Renovate), get "invalid reference format"
    /// or "base name should not be blank" instead of an image. A working default
    /// documents the expected value and keeps the file buildable.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG PYTHON_VERSION
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG PYTHON_VERSION=3.12
    /// FROM python:${PYTHON_VERSION}-slim
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the default value is the author's choice. Add one to the
    /// `ARG`, or write `${PYTHON_VERSION:-3.12}` in the `FROM`.
    ///
    /// ## References
    /// - BuildKit check `InvalidDefaultArgInFrom`
    /// - Dockerfile reference, "Understand how ARG and FROM interact"
    pub(crate) RULE {
        id: "from-arg-invalid-default",
        summary: "FROM image is invalid with the ARG defaults",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["InvalidDefaultArgInFrom"],
        check: check,
    }
}

/// The value a global ARG has in a build without `--build-arg`, seen by instruction
/// `at`: `None` when unset.
fn default_value(ctx: &RuleContext<'_>, at: usize, name: &str, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    let decl = ctx
        .model
        .global_args
        .iter()
        .rev()
        .find(|d| d.name == name && d.instruction < at);
    match decl {
        Some(d) => {
            let v = d.value.as_ref()?;
            expand(v, ctx.syntax.escape, &|n| {
                default_value(ctx, d.instruction, n, depth + 1)
            })
        }
        // Supplied by the builder; any plausible value will do.
        None if AUTOMATIC_ARGS.contains(&name) => Some(
            match name {
                "TARGETPLATFORM" | "BUILDPLATFORM" => "linux/amd64",
                "TARGETOS" | "BUILDOS" => "linux",
                "TARGETARCH" | "BUILDARCH" => "amd64",
                _ => "",
            }
            .to_string(),
        ),
        None => None,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    // BuildKit gives up on the check when an ARG default cannot be expanded.
    if model
        .global_args
        .iter()
        .filter_map(|d| d.value.as_deref())
        .any(|v| !scan(v, ctx.syntax.escape).1.is_empty())
    {
        return;
    }
    for stage in &model.stages {
        let Some(word) = &stage.base_word else {
            continue;
        };
        let (refs, bad) = scan(&word.text, ctx.syntax.escape);
        if refs.is_empty() || !bad.is_empty() {
            continue;
        }
        // Undeclared variables are `from-arg-undefined`'s finding.
        let undeclared = refs.iter().any(|r| {
            !r.has_default()
                && !AUTOMATIC_ARGS.contains(&r.name.as_str())
                && !model
                    .global_args
                    .iter()
                    .any(|d| d.name == r.name && d.instruction < stage.from)
        });
        if undeclared {
            continue;
        }
        let Some(value) = expand(&word.text, ctx.syntax.escape, &|n| {
            default_value(ctx, stage.from, n, 0)
        }) else {
            continue;
        };
        let unset: Vec<&str> = refs
            .iter()
            .filter(|r| default_value(ctx, stage.from, &r.name, 0).is_none_or(|v| v.is_empty()))
            .map(|r| r.name.as_str())
            .collect();
        let why = if value.is_empty() {
            "is empty".to_string()
        } else if value.eq_ignore_ascii_case("scratch")
            || model.stages[..stage.index]
                .iter()
                .any(|s| s.name.as_deref() == Some(value.to_ascii_lowercase().as_str()))
        {
            continue;
        } else {
            match ImageRef::parse(&value) {
                Ok(_) => continue,
                Err(e) => {
                    let why = if e.0.contains("component ``") {
                        "a part of the name is empty".to_string()
                    } else if e.0 == "invalid tag ``" {
                        "the tag is empty".to_string()
                    } else {
                        e.0
                    };
                    format!("is `{value}`, which is not a valid image reference ({why})")
                }
            }
        };
        let hint = match unset.as_slice() {
            [] => String::new(),
            [one] => format!("; give `ARG {one}` a default"),
            more => format!("; give {} defaults", more.iter().map(|n| format!("`ARG {n}`")).collect::<Vec<_>>().join(", ")),
        };
        acc.report(
            &RULE,
            word.range,
            format!(
                "Without `--build-arg` this image {why}, so `docker build` fails{hint}"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_empty_and_invalid_defaults() {
        check_rule(
            &RULE,
            r#"
ARG PYTHON_VERSION
ARG REGISTRY
ARG IMAGE
ARG TAG=Latest
FROM python:${PYTHON_VERSION}-slim
FROM ${REGISTRY}/app:1.0
FROM $IMAGE
FROM alpine:$TAG
"#,
            expect![[r#"
                5 | FROM python:${PYTHON_VERSION}-slim
                  |      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ from-arg-invalid-default: Without `--build-arg` this image is `python:-slim`, which is not a valid image reference (invalid tag `-slim`), so `docker build` fails; give `ARG PYTHON_VERSION` a default
                6 | FROM ${REGISTRY}/app:1.0
                  |      ^^^^^^^^^^^^^^^^^^^ from-arg-invalid-default: Without `--build-arg` this image is `/app:1.0`, which is not a valid image reference (a part of the name is empty), so `docker build` fails; give `ARG REGISTRY` a default
                7 | FROM $IMAGE
                  |      ^^^^^^ from-arg-invalid-default: Without `--build-arg` this image is empty, so `docker build` fails; give `ARG IMAGE` a default
            "#]],
        );
    }

    #[test]
    fn accepts_valid_defaults() {
        check_rule_not(
            &RULE,
            r#"
ARG PYTHON_VERSION=3.12
ARG REGISTRY=ghcr.io/acme
ARG BASE=builder
ARG VARIANT
FROM python:${PYTHON_VERSION}-slim AS builder
FROM ${REGISTRY}/app:1.0
FROM alpine:${TAG:-3.20}
FROM $BASE
FROM node:22${VARIANT}
FROM base-$TARGETARCH
FROM $UNDECLARED
FROM alpine:3.20
"#,
        );
    }
}

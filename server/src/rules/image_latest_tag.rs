//! `image-latest-tag`: a FROM image pinned to the moving `latest` tag.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::Base;
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image with the `latest` tag and no digest (`FROM node:latest`).
    /// `scratch`, stage references and images that depend on a variable without a known
    /// value are not reported; when an ARG default resolves to a `:latest` image, the
    /// finding is on the `FROM` word and says what it resolves to. An image with a
    /// digest (`node:latest@sha256:…`) is pinned by the digest and not reported.
    ///
    /// Only `FROM` is checked: `COPY --from=<image>` and `RUN --mount=from=<image>` are
    /// outside this rule.
    ///
    /// Differences from hadolint (DL3007): hadolint does not expand variables, so it
    /// misses `ARG GO_IMAGE=golang:latest` … `FROM ${GO_IMAGE}` and
    /// `ARG ALPINE_VERSION=latest` … `FROM alpine:${ALPINE_VERSION}`; we report them
    /// (19 `FROM`s on our 988-file corpus, all from ARG defaults). Such a default is
    /// often overridden by a CI script, but a plain `docker build .` uses it, so the
    /// default itself deserves a version.
    ///
    /// ## Why is this bad?
    /// `latest` is just the tag the publisher moved most recently. Writing it out looks
    /// deliberate but pins nothing: builds are not reproducible, a new major version can
    /// land without warning, and the cache is invalidated whenever upstream moves.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-bookworm-slim
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: choosing a version needs registry access and a decision.
    ///
    /// ## References
    /// - hadolint `DL3007` ("Using latest is prone to errors if the image will ever
    ///   update")
    /// - Trivy `DS-0001`, Checkov `CKV_DOCKER_7`
    /// - Docker docs, "Building best practices" ("Pin base image versions")
    pub(crate) RULE {
        id: "image-latest-tag",
        summary: "Base image uses the latest tag",
        level: Warning,
        fix: None,
        hadolint: ["DL3007"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let (Base::Image(image), Some(word)) = (&stage.base, &stage.base_word) else {
            continue;
        };
        if image.tag.as_deref() != Some("latest") || image.digest.is_some() {
            continue;
        }
        if word.text.contains('$') {
            acc.report(
                &RULE,
                word.range,
                format!(
                    "`{}` resolves to `{}`; `latest` moves with every release, pin a version in the ARG default",
                    word.text, image.written
                ),
            );
            continue;
        }
        // Point at `latest` when the word is written in one piece.
        let range = if word.range.len() == word.text.len() && word.text.ends_with(":latest") {
            TextRange::new(word.range.end() - "latest".len(), word.range.end())
        } else {
            word.range
        };
        acc.report(
            &RULE,
            range,
            format!(
                "`{}` uses the `latest` tag, which moves with every release; pin a version or a digest",
                word.text
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
    fn catches_latest() {
        check_rule(
            &RULE,
            r#"
ARG IMAGE=python:latest
FROM node:latest AS build
FROM ${IMAGE}
FROM registry.example.com:5000/team/app:latest
"#,
            expect![[r#"
                2 | FROM node:latest AS build
                  |           ^^^^^^ image-latest-tag: `node:latest` uses the `latest` tag, which moves with every release; pin a version or a digest
                3 | FROM ${IMAGE}
                  |      ^^^^^^^^ image-latest-tag: `${IMAGE}` resolves to `python:latest`; `latest` moves with every release, pin a version in the ARG default
                4 | FROM registry.example.com:5000/team/app:latest
                  |                                         ^^^^^^ image-latest-tag: `registry.example.com:5000/team/app:latest` uses the `latest` tag, which moves with every release; pin a version or a digest
            "#]],
        );
    }

    #[test]
    fn accepts_pinned_and_other_references() {
        check_rule_not(
            &RULE,
            r#"
ARG TAG=latest
ARG IMAGE
FROM node:22 AS latest
FROM latest
FROM ubuntu
FROM node:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM node:LATEST
FROM ${IMAGE}:latest
FROM scratch
"#,
        );
    }
}

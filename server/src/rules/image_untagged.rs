//! `image-untagged`: a FROM image with neither tag nor digest.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::Base;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image written without a tag or digest (`FROM ubuntu`). `scratch`,
    /// references to earlier stages and images that depend on a variable without a
    /// known value are not reported. When the image comes from a variable whose ARG
    /// default is untagged (`ARG IMAGE=ubuntu` … `FROM ${IMAGE}`), the finding is on
    /// the `FROM` word and says what it resolves to.
    ///
    /// Only `FROM` is checked: `COPY --from=<image>` and `RUN --mount=from=<image>` are
    /// outside this rule.
    ///
    /// Differences from hadolint (DL3006), on our 988-file corpus:
    /// - hadolint does not expand variables. It misses images that come untagged from
    ///   an ARG default (`ARG BASE_IMAGE=quay.io/jupyter/base-notebook` … `FROM
    ///   $BASE_IMAGE`, 17 `FROM`s); we report them, since a plain `docker build .` uses
    ///   that default.
    /// - For the same reason hadolint takes `FROM base-${TARGETARCH}` or `FROM
    ///   golangci-binary-${GOLANGCI_FROM_SOURCE}` for an image, where the variable
    ///   picks one of the file's stages (`base-amd64`, `base-arm64`; 7 `FROM`s); we
    ///   do not report a base whose value is unknown, and a stage has no tag.
    /// - `FROM REPLACE-ME` (a template placeholder, 3 files) is not a valid image
    ///   reference (uppercase letters), so it is not an untagged image; hadolint
    ///   reports it.
    ///
    /// ## Why is this bad?
    /// Without a tag Docker pulls `:latest`, which moves: two builds of the same
    /// Dockerfile can get different operating systems or runtimes, break without any
    /// change on your side, and cannot be reproduced or audited later. Build caches are
    /// also invalidated whenever the upstream image moves.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// ```
    /// or, for fully reproducible builds, a digest (`FROM ubuntu:24.04@sha256:…`).
    ///
    /// ## Fix safety
    /// No automatic fix: choosing a tag needs registry access and a decision about
    /// which version to use.
    ///
    /// ## References
    /// - hadolint `DL3006` ("Always tag the version of an image explicitly")
    /// - Trivy `DS-0001`, Checkov `CKV_DOCKER_7`
    /// - Docker docs, "Building best practices" ("Pin base image versions")
    pub(crate) RULE {
        id: "image-untagged",
        summary: "Base image has neither tag nor digest",
        level: Warning,
        fix: None,
        hadolint: ["DL3006"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let (Base::Image(image), Some(word)) = (&stage.base, &stage.base_word) else {
            continue;
        };
        if image.tag.is_some() || image.digest.is_some() {
            continue;
        }
        let message = if word.text.contains('$') {
            format!(
                "`{}` resolves to `{}`, which has neither tag nor digest; pin a version (for example `{}:<version>`) in the ARG default",
                word.text, image.written, image.written
            )
        } else {
            format!(
                "`{}` has neither tag nor digest, so every build may get a different image; pin a version such as `{}:<version>`",
                word.text, word.text
            )
        };
        acc.report(&RULE, word.range, message);
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_untagged_images() {
        check_rule(
            &RULE,
            r#"
ARG IMAGE=debian
ARG REGISTRY=ghcr.io
FROM ubuntu AS base
FROM --platform=$BUILDPLATFORM golang AS build
FROM ${IMAGE}
FROM $REGISTRY/org/tool
FROM localhost:5000/app
"#,
            expect![[r#"
                3 | FROM ubuntu AS base
                  |      ^^^^^^ image-untagged: `ubuntu` has neither tag nor digest, so every build may get a different image; pin a version such as `ubuntu:<version>`
                4 | FROM --platform=$BUILDPLATFORM golang AS build
                  |                                ^^^^^^ image-untagged: `golang` has neither tag nor digest, so every build may get a different image; pin a version such as `golang:<version>`
                5 | FROM ${IMAGE}
                  |      ^^^^^^^^ image-untagged: `${IMAGE}` resolves to `debian`, which has neither tag nor digest; pin a version (for example `debian:<version>`) in the ARG default
                6 | FROM $REGISTRY/org/tool
                  |      ^^^^^^^^^^^^^^^^^^ image-untagged: `$REGISTRY/org/tool` resolves to `ghcr.io/org/tool`, which has neither tag nor digest; pin a version (for example `ghcr.io/org/tool:<version>`) in the ARG default
                7 | FROM localhost:5000/app
                  |      ^^^^^^^^^^^^^^^^^^ image-untagged: `localhost:5000/app` has neither tag nor digest, so every build may get a different image; pin a version such as `localhost:5000/app:<version>`
            "#]],
        );
    }

    #[test]
    fn accepts_tags_digests_stages_scratch_and_unknown_variables() {
        check_rule_not(
            &RULE,
            r#"
ARG TAG
ARG IMAGE
FROM ubuntu:24.04 AS base
FROM base
FROM BASE AS other
FROM scratch
FROM alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM debian:${TAG}
FROM ${IMAGE}
FROM ${IMAGE:-alpine:3.20}
"#,
        );
    }
}

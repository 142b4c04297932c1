//! `image-digest-missing`: a base image not pinned by digest (opt-in).

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::Base;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` image without an `@sha256:…` digest. Off by default; turn it
    /// on (`image-digest-missing = "info"`) for builds that must be reproducible.
    /// `scratch`, stages and images given by a variable without a default are skipped.
    ///
    /// ## Why is this bad?
    /// A tag is a pointer the publisher moves: `python:3.12-slim` today is not the
    /// image of last month, so the same Dockerfile builds different images and a build
    /// that passed yesterday can break today. A digest names exact bytes.
    ///
    /// The trade-off: a pinned image no longer picks up security fixes by itself. Pin
    /// only together with something that bumps the digest (Renovate, Dependabot), and
    /// keep the tag for readability (`python:3.12-slim@sha256:…`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix yet: the digest of the current tag needs registry access.
    ///
    /// ## References
    /// - Docker docs, "Best practices: Pin base image versions"
    /// - Docker docs, "Image digests"
    pub(crate) RULE {
        id: "image-digest-missing",
        summary: "Base image is not pinned by digest",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let (Base::Image(r), Some(word)) = (&stage.base, &stage.base_word) else {
            continue;
        };
        if r.digest.is_some() {
            continue;
        }
        acc.report(
            &RULE,
            word.range,
            format!(
                "`{}` is not pinned by digest, so it can change under the same tag; append `@sha256:<digest>` (and keep it updated with a bot)",
                r.written
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
    fn catches_unpinned_images() {
        check_rule(
            &RULE,
            r#"
ARG TAG=3.12-slim
FROM python:3.12-slim AS a
FROM python:$TAG
"#,
            expect![[r#"
                2 | FROM python:3.12-slim AS a
                  |      ^^^^^^^^^^^^^^^^ image-digest-missing: `python:3.12-slim` is not pinned by digest, so it can change under the same tag; append `@sha256:<digest>` (and keep it updated with a bot)
                3 | FROM python:$TAG
                  |      ^^^^^^^^^^^ image-digest-missing: `python:3.12-slim` is not pinned by digest, so it can change under the same tag; append `@sha256:<digest>` (and keep it updated with a bot)
            "#]],
        );
    }

    #[test]
    fn accepts_digests_scratch_and_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12-slim@sha256:2ec5a4a5c3e919570f57675471f081d6299668d909feabd8d4803c6c61af666c AS a
FROM a
FROM scratch
FROM $UNKNOWN
"#,
        );
    }
}

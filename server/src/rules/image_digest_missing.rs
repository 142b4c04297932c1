//! `image-digest-missing`: a base image not pinned by digest (opt-in).

use crate::rules::image_sites::{format_utc, image_sites, short_digest, SiteKind};
use crate::rules::{Applicability, Diagnostics, RuleContext};

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
    /// When the registry facts the analysis has (fetched by the editor, never by the
    /// rule) know the tag, a fix appends the digest the tag pointed to when it was
    /// fetched, keeping the tag and any `${VAR}` as written (`FROM node` becomes
    /// `node:latest@sha256:…`). It is unsafe: the build stops following the tag, and
    /// the facts may be older than the tag's latest move (the title says when they were
    /// fetched). Without facts there is no fix; the editor's "Pin to its digest" action
    /// asks the registry.
    ///
    /// ## References
    /// - Docker docs, "Best practices: Pin base image versions"
    /// - Docker docs, "Image digests"
    pub(crate) RULE {
        id: "image-digest-missing",
        summary: "Base image is not pinned by digest",
        level: Off,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for site in image_sites(ctx) {
        let Ok(r) = &site.target else {
            continue;
        };
        if site.kind != SiteKind::From || r.digest.is_some() {
            continue;
        }
        let d = acc.report(
            &RULE,
            site.range,
            format!(
                "`{}` is not pinned by digest, so it can change under the same tag; append `@sha256:<digest>` (and keep it updated with a bot)",
                r.written
            ),
        );
        let Some(facts) = site.facts(&ctx.config.image_facts) else {
            continue;
        };
        if let Ok(edit) = site.edit(&facts.digest) {
            d.with_fix(
                format!(
                    "Pin `{}` to `{}` (fetched {})",
                    site.shown(),
                    short_digest(&facts.digest),
                    format_utc(facts.fetched_at)
                ),
                Applicability::Unsafe,
                vec![edit],
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::{Duration, UNIX_EPOCH};

    use super::RULE;
    use crate::config::Config;
    use crate::rules::test_support::{check_rule, check_rule_fix_with, check_rule_not, diagnostics_with};
    use crate::semantic::{FactsTable, ImageFacts};
    use expect_test::expect;

    const D: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    fn config() -> Config {
        let mut table = FactsTable::new();
        for key in ["docker.io/library/node:22-slim", "docker.io/library/node:latest"] {
            table.insert(
                key.to_string(),
                ImageFacts {
                    digest: D.to_string(),
                    media_type: "application/vnd.oci.image.index.v1+json".into(),
                    platforms: Vec::new(),
                    fetched_at: UNIX_EPOCH + Duration::from_secs(1_796_620_350),
                },
            );
        }
        Config {
            image_facts: Arc::new(table),
            ..Config::default()
        }
    }

    #[test]
    fn fix_appends_the_fetched_digest() {
        check_rule_fix_with(
            &RULE,
            &config(),
            r#"
ARG V=22
FROM node:${V}-slim AS build
FROM node
FROM python:3.12-slim
"#,
            expect![[r#"
                ARG V=22
                FROM node:${V}-slim@sha256:2222222222222222222222222222222222222222222222222222222222222222 AS build
                FROM node:latest@sha256:2222222222222222222222222222222222222222222222222222222222222222
                FROM python:3.12-slim
            "#]],
        );
        let titles: Vec<_> = diagnostics_with(&RULE, &config(), "FROM node:22-slim\n")
            .into_iter()
            .flat_map(|d| d.fixes)
            .map(|f| f.title)
            .collect();
        assert_eq!(titles, ["Pin `node:22-slim` to `sha256:222222222222…` (fetched 2026-12-07 05:12 UTC)"]);
    }

    #[test]
    fn no_fix_without_facts() {
        let diags = diagnostics_with(&RULE, &Config::default(), "FROM node:22-slim\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.is_empty());
    }

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

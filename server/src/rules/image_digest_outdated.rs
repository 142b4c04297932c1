//! `image-digest-outdated`: a pinned digest that is no longer what its tag points to,
//! according to registry facts already fetched.

use crate::rules::image_sites::{format_utc, image_sites, short_digest, Skip};
use crate::rules::{Applicability, Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports an image pinned by tag and digest (`node:22@sha256:…`, in `FROM`,
    /// `COPY --from=` or `RUN --mount=from=`) when the registry facts the analysis has
    /// say the tag now points to another digest. It reads only facts already fetched
    /// (the editor fetches a tag's facts when you run a pin or update action on any
    /// reference to it, and keeps them for the session); it never asks a registry
    /// itself, so it is silent when there are no facts, as in `dockerfile-lsp check`
    /// (use `dockerfile-lsp pin --check` in CI). References whose digest comes from a variable and
    /// digest-only references (no tag to compare with) are not checked.
    ///
    /// ## Why is this bad?
    /// The publisher has moved the tag, usually to ship security fixes or a new patch
    /// release, and the pinned build keeps using the old image. That is what a digest
    /// is for, so the finding is only a hint: it tells you an update is waiting.
    ///
    /// The trade-off: updating the digest changes the base image, and with it whatever
    /// the new image changed. Update on purpose (with a rebuild and the tests), or let
    /// a bot (Renovate, Dependabot) propose the change.
    ///
    /// ## Example
    /// With `node:22` now pointing to `sha256:2222…`:
    /// ```dockerfile
    /// FROM node:22@sha256:1111111111111111111111111111111111111111111111111111111111111111
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22@sha256:2222222222222222222222222222222222222222222222222222222222222222
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces the written digest with the tag's current one. It is unsafe:
    /// it changes the image the build uses, and the facts may be older than the tag's
    /// latest move (the message says when they were fetched).
    ///
    /// ## References
    /// - Docker docs, "Image digests"
    /// - OCI distribution spec, "Pulling manifests" (`Docker-Content-Digest`)
    pub(crate) RULE {
        id: "image-digest-outdated",
        summary: "Pinned digest is no longer what its tag points to",
        level: Hint,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let table = &ctx.config.image_facts;
    if table.is_empty() {
        return;
    }
    for site in image_sites(ctx) {
        let Ok(r) = &site.target else {
            continue;
        };
        let (Some(_), Some(pinned)) = (&r.tag, &r.digest) else {
            continue;
        };
        if matches!(site.slot, Err(Skip::DigestInVariable { .. })) {
            continue;
        }
        let Some(facts) = site.facts(table) else {
            continue;
        };
        if &facts.digest == pinned {
            continue;
        }
        let shown = site.shown();
        let current = short_digest(&facts.digest);
        let d = acc.report(
            &RULE,
            site.range,
            format!(
                "`{shown}` now points to `{current}` (fetched {}); this file pins `{}`",
                format_utc(facts.fetched_at),
                short_digest(pinned)
            ),
        );
        if let Ok(edit) = site.edit(&facts.digest) {
            d.with_fix(
                format!("Update `{shown}` to `{current}`"),
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

    use expect_test::expect;

    use super::RULE;
    use crate::config::Config;
    use crate::rules::test_support::{check_rule_fix_with, check_rule_not, diagnostics_with, render};
    use crate::semantic::{FactsTable, ImageFacts};

    const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

    /// A configuration whose facts say `node:22` and `ghcr.io/o/tool:2` point to `D2`
    /// and `alpine:3.20` to `D1`.
    pub(crate) fn config() -> Config {
        let mut table = FactsTable::new();
        for (key, digest) in [
            ("docker.io/library/node:22", D2),
            ("ghcr.io/o/tool:2", D2),
            ("docker.io/library/alpine:3.20", D1),
        ] {
            table.insert(
                key.to_string(),
                ImageFacts {
                    digest: digest.to_string(),
                    media_type: "application/vnd.oci.image.index.v1+json".into(),
                    platforms: vec!["linux/amd64".into()],
                    fetched_at: UNIX_EPOCH + Duration::from_secs(1_796_620_350),
                },
            );
        }
        Config {
            image_facts: Arc::new(table),
            ..Config::default()
        }
    }

    fn run(text: &str) -> String {
        let text = text.strip_prefix('\n').unwrap_or(text);
        render(text, &diagnostics_with(&RULE, &config(), text))
    }

    #[test]
    fn reports_digests_the_tag_moved_away_from() {
        expect![[r#"
            2 | FROM node:${V}@sha256:1111111111111111111111111111111111111111111111111111111111111111 AS build
              |      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ image-digest-outdated: `node:22` now points to `sha256:222222222222…` (fetched 2026-12-07 05:12 UTC); this file pins `sha256:111111111111…`
            4 | COPY --from=ghcr.io/o/tool:2@sha256:1111111111111111111111111111111111111111111111111111111111111111 /t /t
              |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ image-digest-outdated: `ghcr.io/o/tool:2` now points to `sha256:222222222222…` (fetched 2026-12-07 05:12 UTC); this file pins `sha256:111111111111…`
            5 | RUN --mount=from="node:22@sha256:1111111111111111111111111111111111111111111111111111111111111111",target=/x true
              |             ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ image-digest-outdated: `node:22` now points to `sha256:222222222222…` (fetched 2026-12-07 05:12 UTC); this file pins `sha256:111111111111…`
        "#]]
        .assert_eq(&run(&format!(
            r#"
ARG V=22
FROM node:${{V}}@{D1} AS build
FROM alpine:3.20@{D1}
COPY --from=ghcr.io/o/tool:2@{D1} /t /t
RUN --mount=from="node:22@{D1}",target=/x true
"#
        )));
    }

    #[test]
    fn fix_replaces_the_digest() {
        check_rule_fix_with(
            &RULE,
            &config(),
            &format!(
                "ARG V=22\nFROM node:${{V}}@{D1} AS build\nFROM alpine:3.20\nCOPY --from=ghcr.io/o/tool:2@{D1} /t /t\n"
            ),
            expect![[r#"
                ARG V=22
                FROM node:${V}@sha256:2222222222222222222222222222222222222222222222222222222222222222 AS build
                FROM alpine:3.20
                COPY --from=ghcr.io/o/tool:2@sha256:2222222222222222222222222222222222222222222222222222222222222222 /t /t
            "#]],
        );
    }

    #[test]
    fn silent_without_facts_or_when_current() {
        // No facts: the CLI and the editor before any lookup.
        check_rule_not(&RULE, &format!("FROM node:22@{D1}\n"));
        let text = format!(
            r#"
ARG PINNED=node:22@{D1}
ARG D={D1}
FROM node:22@{D2}
FROM alpine:3.20@{D1}
FROM ${{PINNED}}
FROM node:22@${{D}}
FROM node@{D1}
FROM node:22
FROM python:3.12@{D1}
"#
        );
        assert_eq!(run(&text), "");
    }
}

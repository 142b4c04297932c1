//! `base-image-platform-mismatch`: a base image that does not exist for the stage's
//! platform, according to registry facts (opt-in).

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::images::Platform;
use crate::semantic::Base;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM --platform=<constant>` stage whose base image, according to the
    /// registry facts the analysis is given, is not published for that platform (for
    /// example `--platform=linux/arm64` on an amd64-only image).
    ///
    /// This cannot be decided from the Dockerfile alone. The rule reads the platforms
    /// of the multi-platform index the editor fetched for the image's tag (the registry
    /// facts of the analysis; ignored when the `FROM` pins another digest than the one
    /// fetched) and the `image_platforms` facts of the configuration (image reference →
    /// platforms); without either it is silent, and it is off by default. Stages without a constant `--platform` are built for a
    /// platform chosen at build time and are not checked.
    ///
    /// ## Why is this bad?
    /// The builder then pulls the image for another architecture and runs it under
    /// emulation (slow), or fails with "no match for platform in manifest"; either way
    /// the image you get is not the one the file asks for.
    ///
    /// ## Example
    /// With an image only published for `linux/amd64`:
    /// ```dockerfile
    /// FROM --platform=linux/arm64 vendor/tool:2.1
    /// ```
    ///
    /// Use instead: an image or tag published for the platform, or the platform the
    /// image supports.
    /// ```dockerfile
    /// FROM --platform=linux/amd64 vendor/tool:2.1 AS tool-amd64
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix.
    ///
    /// ## References
    /// - BuildKit check `InvalidBaseImagePlatform` (BuildKit compares the pulled image
    ///   with the requested platform at build time)
    /// - Docker docs, "Multi-platform builds"
    pub(crate) RULE {
        id: "base-image-platform-mismatch",
        summary: "Base image is not published for the stage's platform",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: ["InvalidBaseImagePlatform"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let facts = &ctx.config.image_platforms;
    let fetched = &ctx.config.image_facts;
    if facts.is_empty() && fetched.is_empty() {
        return;
    }
    for stage in &ctx.model.stages {
        let (Base::Image(r), Some(word), Some(platform)) =
            (&stage.base, &stage.base_word, &stage.platform)
        else {
            continue;
        };
        if platform.text.contains('$') {
            continue;
        }
        let Some(wanted) = Platform::parse(platform.text.trim_matches('"')) else {
            continue;
        };
        let index = || {
            let f = fetched.get(&r.tag_key()?)?;
            let same = r.digest.as_ref().is_none_or(|d| *d == f.digest);
            (same && !f.platforms.is_empty()).then_some(&f.platforms)
        };
        let Some(offered) = facts
            .get(&r.written)
            .or_else(|| facts.get(&r.full_name()))
            .or_else(index)
        else {
            continue;
        };
        let offered: Vec<Platform> = offered.iter().filter_map(|p| Platform::parse(p)).collect();
        if offered.is_empty()
            || offered
                .iter()
                .any(|p| p.os == wanted.os && p.arch == wanted.arch)
        {
            continue;
        }
        let list = offered
            .iter()
            .map(Platform::to_string_full)
            .collect::<Vec<_>>()
            .join(", ");
        acc.report(
            &RULE,
            word.range,
            format!(
                "`{}` is published for {list}, not for {}; this stage would run emulated or fail to pull",
                r.written,
                wanted.to_string_full()
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::UNIX_EPOCH;

    use super::RULE;
    use crate::config::Config;
    use crate::semantic::{FactsTable, ImageFacts};
    use crate::ide::Analysis;
    use crate::rules::test_support::render;
    use expect_test::expect;

    fn run(text: &str) -> String {
        let text = text.strip_prefix('\n').unwrap_or(text);
        let mut config = Config::default();
        config.rules.insert(
            RULE.id.to_string(),
            crate::rules::Level::On(crate::rules::Severity::Info),
        );
        config
            .image_platforms
            .insert("vendor/tool:2.1".into(), vec!["linux/amd64".into()]);
        config.image_platforms.insert(
            "docker.io/library/alpine:3.20".into(),
            vec!["linux/amd64".into(), "linux/arm64/v8".into()],
        );
        let diags: Vec<_> = Analysis::new(text)
            .diagnostics(&config)
            .into_iter()
            .filter(|d| d.rule.id == RULE.id)
            .collect();
        render(text, &diags)
    }

    #[test]
    fn catches_missing_platforms() {
        expect![[r#"
            1 | FROM --platform=linux/arm64 vendor/tool:2.1
              |                             ^^^^^^^^^^^^^^^ base-image-platform-mismatch: `vendor/tool:2.1` is published for linux/amd64, not for linux/arm64; this stage would run emulated or fail to pull
            2 | FROM --platform=linux/s390x alpine:3.20
              |                             ^^^^^^^^^^^ base-image-platform-mismatch: `alpine:3.20` is published for linux/amd64, linux/arm64, not for linux/s390x; this stage would run emulated or fail to pull
        "#]].assert_eq(&run(r#"
FROM --platform=linux/arm64 vendor/tool:2.1
FROM --platform=linux/s390x alpine:3.20
"#));
    }

    fn fetched(platforms: &[&str]) -> Config {
        let mut config = Config::default();
        config.rules.insert(
            RULE.id.to_string(),
            crate::rules::Level::On(crate::rules::Severity::Info),
        );
        let mut table = FactsTable::new();
        table.insert(
            "ghcr.io/o/tool:1".into(),
            ImageFacts {
                digest: format!("sha256:{}", "2".repeat(64)),
                media_type: "application/vnd.oci.image.index.v1+json".into(),
                platforms: platforms.iter().map(|p| p.to_string()).collect(),
                fetched_at: UNIX_EPOCH,
            },
        );
        config.image_facts = Arc::new(table);
        config
    }

    #[test]
    fn reads_platforms_of_a_fetched_index() {
        let text = format!(
            "FROM --platform=linux/arm64 ghcr.io/o/tool:1\nFROM --platform=linux/arm64 ghcr.io/o/tool:1@sha256:{}\nFROM --platform=linux/amd64 ghcr.io/o/tool:1\n",
            "1".repeat(64)
        );
        let run = |config: &Config| {
            let diags: Vec<_> = Analysis::new(text.as_str())
                .diagnostics(config)
                .into_iter()
                .filter(|d| d.rule.id == RULE.id)
                .collect();
            render(&text, &diags)
        };
        // The second FROM pins another digest than the one fetched: its platforms are
        // unknown.
        expect![[r#"
            1 | FROM --platform=linux/arm64 ghcr.io/o/tool:1
              |                             ^^^^^^^^^^^^^^^^ base-image-platform-mismatch: `ghcr.io/o/tool:1` is published for linux/amd64, linux/s390x, not for linux/arm64; this stage would run emulated or fail to pull
        "#]].assert_eq(&run(&fetched(&["linux/amd64", "linux/s390x"])));
        assert_eq!(run(&fetched(&["linux/amd64", "linux/arm64/v8"])), "");
        assert_eq!(run(&fetched(&[])), "", "a single manifest lists no platforms");
    }

    #[test]
    fn silent_without_facts_or_constant_platform() {
        let text = r#"
FROM --platform=linux/amd64 vendor/tool:2.1
FROM --platform=aarch64 alpine:3.20
FROM --platform=$BUILDPLATFORM vendor/tool:2.1
FROM vendor/tool:2.1
FROM --platform=linux/arm64 unknown/image:1
"#;
        assert_eq!(run(text), "");
        let plain: Vec<_> = Analysis::new("FROM --platform=linux/arm64 vendor/tool:2.1\n")
            .diagnostics(&Config::default())
            .into_iter()
            .filter(|d| d.rule.id == RULE.id)
            .collect();
        assert!(plain.is_empty());
    }
}

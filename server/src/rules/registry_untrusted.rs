//! `registry-untrusted`: an image from a registry outside the configured list.

use crate::rules::copy_from_unknown_stage::from_refs;
use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::{Base, ImageRef};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// When `trusted-registries` is configured (in `dockerfile-lsp.toml`, or
    /// `trustedRegistries` in `.hadolint.yaml`), reports every image pulled from a
    /// registry not on the list: `FROM` images, `COPY --from=<image>` and `RUN
    /// --mount=from=<image>`. Without configuration the rule is silent.
    ///
    /// Follows hadolint's DL3026: an image without a registry host (`ubuntu`,
    /// `bitnami/redis`) comes from Docker Hub and is trusted when `docker.io` (or
    /// `hub.docker.com`, `index.docker.io`) is listed; an entry `*.example.com` trusts
    /// every subdomain of `example.com` but not `example.com` itself, `registry.corp.*`
    /// every registry starting with `registry.corp.`, and `*` everything. Registry names compare case-insensitively, ports included
    /// (`registry.local:5000`). `scratch`, stage names and stage indexes are not
    /// images. References with a variable that has no default are skipped.
    ///
    /// ## Why is this bad?
    /// A base image runs with full control of the build and ends up in production.
    /// Organisations restrict pulls to registries they mirror and scan; an image from
    /// elsewhere bypasses vulnerability scanning, licence review and availability
    /// guarantees (Docker Hub rate limits fail builds that a mirror would serve).
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.example.com"]`:
    /// ```dockerfile
    /// FROM node:22-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM registry.example.com/mirror/node:22-slim
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: where the mirror keeps the image is not in the Dockerfile.
    ///
    /// ## References
    /// - hadolint `DL3026` ("Use only an allowed registry in the FROM image"),
    ///   configured by `trustedRegistries`. Since 2.15 hadolint checks `COPY --from`
    ///   and mount `from=` too, but treats every value that is not a stage name as a
    ///   Docker Hub image (`--from=0` included); we skip stage indexes and values that
    ///   do not look like an image, which `copy-from-unknown-stage` reports
    pub(crate) RULE {
        id: "registry-untrusted",
        summary: "Image from a registry that is not trusted",
        level: Error,
        fix: None,
        hadolint: ["DL3026"],
        buildkit: [],
        check: check,
    }
}

fn normalise(registry: &str) -> String {
    let r = registry.to_ascii_lowercase();
    match r.as_str() {
        "hub.docker.com" | "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".into()
        }
        _ => r,
    }
}

/// True when `registry` is covered by the trusted list.
pub(crate) fn trusted(list: &[String], registry: &str) -> bool {
    let registry = normalise(registry);
    list.iter().any(|entry| {
        let entry = entry.trim().to_ascii_lowercase();
        if entry == "*" {
            return true;
        }
        if let Some(suffix) = entry.strip_prefix('*') {
            registry.ends_with(suffix)
        } else if let Some(prefix) = entry.strip_suffix('*') {
            registry.starts_with(prefix)
        } else {
            normalise(&entry) == registry
        }
    })
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let list = &ctx.config.trusted_registries;
    if list.is_empty() {
        return;
    }
    let mut report = |r: &ImageRef, range: TextRange, what: &str| {
        if trusted(list, &r.registry) {
            return;
        }
        acc.report(
            &RULE,
            range,
            format!(
                "{what} `{}` comes from `{}`, which is not a trusted registry ({}); pull it through a trusted registry",
                r.written,
                normalise(&r.registry),
                list.join(", ")
            ),
        );
    };
    for stage in &ctx.model.stages {
        if let (Base::Image(r), Some(word)) = (&stage.base, &stage.base_word) {
            report(r, word.range, "Image");
        }
    }
    for f in from_refs(ctx) {
        let lower = f.value.to_ascii_lowercase();
        let is_stage = ctx.model.stages.iter().any(|s| s.name.as_deref() == Some(lower.as_str()))
            || lower.bytes().all(|b| b.is_ascii_digit())
            || lower == "scratch";
        if is_stage || !lower.contains([':', '/', '@']) {
            continue;
        }
        if let Ok(r) = ImageRef::parse(&f.value) {
            report(&r, f.range, f.what);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{trusted, RULE};
    use crate::config::Config;
    use crate::ide::Analysis;
    use crate::rules::test_support::render;
    use expect_test::expect;

    fn run(list: &[&str], text: &str) -> String {
        let text = text.strip_prefix('\n').unwrap_or(text);
        let config = Config {
            trusted_registries: list.iter().map(|s| s.to_string()).collect(),
            ..Config::default()
        };
        let diags: Vec<_> = Analysis::new(text)
            .diagnostics(&config)
            .into_iter()
            .filter(|d| d.rule.id == RULE.id)
            .collect();
        render(text, &diags)
    }

    #[test]
    fn matches_registries_like_hadolint() {
        let list = ["docker.io".to_string(), "*.gcr.io".to_string(), "Registry.local:5000".to_string()];
        assert!(trusted(&list, "docker.io"));
        assert!(trusted(&list, "index.docker.io"));
        assert!(trusted(&list, "eu.gcr.io"));
        assert!(!trusted(&list, "gcr.io"));
        assert!(trusted(&list, "registry.local:5000"));
        assert!(!trusted(&list, "registry.local"));
        assert!(trusted(&["*".to_string()], "quay.io"));
        assert!(trusted(&["registry.corp.*".to_string()], "registry.corp.io:5000"));
    }

    #[test]
    fn catches_untrusted_images() {
        let text = r#"
ARG REG=quay.io
FROM node:22-slim AS build
FROM ${REG}/org/app:1 AS app
FROM build
COPY --from=ghcr.io/org/tool:1 /bin/tool /bin/tool
RUN --mount=type=bind,from=quay.io/org/x:1,target=/x true
"#;
        expect![[r#"
            2 | FROM node:22-slim AS build
              |      ^^^^^^^^^^^^ registry-untrusted: Image `node:22-slim` comes from `docker.io`, which is not a trusted registry (registry.example.com, *.gcr.io); pull it through a trusted registry
            3 | FROM ${REG}/org/app:1 AS app
              |      ^^^^^^^^^^^^^^^^ registry-untrusted: Image `quay.io/org/app:1` comes from `quay.io`, which is not a trusted registry (registry.example.com, *.gcr.io); pull it through a trusted registry
            5 | COPY --from=ghcr.io/org/tool:1 /bin/tool /bin/tool
              |             ^^^^^^^^^^^^^^^^^^ registry-untrusted: COPY --from `ghcr.io/org/tool:1` comes from `ghcr.io`, which is not a trusted registry (registry.example.com, *.gcr.io); pull it through a trusted registry
            6 | RUN --mount=type=bind,from=quay.io/org/x:1,target=/x true
              |                            ^^^^^^^^^^^^^^^ registry-untrusted: RUN --mount=from `quay.io/org/x:1` comes from `quay.io`, which is not a trusted registry (registry.example.com, *.gcr.io); pull it through a trusted registry
        "#]].assert_eq(&run(&["registry.example.com", "*.gcr.io"], text));
    }

    #[test]
    fn silent_without_configuration_and_for_trusted_images() {
        let text = r#"
FROM node:22-slim AS build
FROM scratch
COPY --from=build /x /x
COPY --from=0 /x /x
FROM eu.gcr.io/distroless/static
FROM $UNKNOWN
"#;
        assert_eq!(run(&[], "FROM node:22\n"), "");
        assert_eq!(run(&["docker.io", "*.gcr.io"], text), "");
    }
}

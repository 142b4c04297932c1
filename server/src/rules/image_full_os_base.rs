//! `image-full-os-base`: the final image is built on a full-size official image that
//! has a slim variant (opt-in).

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::images::{is_full_variant, official};
use crate::semantic::Base;

declare_rule! {
    /// ## What it does
    /// Reports the base of the final stage (following `FROM <stage>` to the image)
    /// when it is the full variant of an official image that also comes in a `-slim`
    /// variant: `python`, `node`, `ruby`, `perl` and `debian` (`python:3.12`,
    /// `node:22-bookworm`, `debian:12`). Tags that already say `slim`, `alpine`,
    /// `windowsservercore` or `nanoserver` are accepted. Off by default.
    ///
    /// Build stages are not reported: compilers and headers are what the full images
    /// are for, and they are left behind by the multi-stage build.
    ///
    /// ## Why is this bad?
    /// The full images are built on `buildpack-deps`: compilers, version control,
    /// database client libraries and hundreds of packages your application does not
    /// run. Approximate compressed sizes on Docker Hub (amd64; they vary by release):
    /// `python` ~380 MB vs ~45 MB slim, `node` ~390 MB vs ~75 MB, `ruby` ~360 MB vs
    /// ~70 MB, `perl` ~330 MB vs ~40 MB, `debian` ~50 MB vs ~30 MB. Every extra package
    /// is pulled on every deploy and shows up in vulnerability scans.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// CMD ["python", "/app/main.py"]
    /// ```
    /// If packages must be compiled, do that in a build stage on the full image and
    /// copy the result into the slim one (or a distroless image).
    ///
    /// ## Fix safety
    /// No automatic fix: the slim image lacks compilers and some libraries
    /// (`libpq`, `libxml2`, `git`) the application may need at run time.
    ///
    /// ## References
    /// - Docker Hub official image pages ("Image Variants": `<version>-slim`)
    /// - Docker docs, "Best practices: Choose the right base image", "Multi-stage builds"
    pub(crate) RULE {
        id: "image-full-os-base",
        summary: "Final image uses a full official image with a slim variant",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const CODENAMES: &[&str] = &["trixie", "bookworm", "bullseye", "buster", "stretch"];

/// The slim tag matching `tag`, following each image's naming: `python:3.12-bookworm`
/// → `3.12-slim-bookworm`, `node:22-bookworm` → `22-bookworm-slim`, `debian:12` →
/// `12-slim`, `debian:latest` → `stable-slim`.
fn slim_tag(image: &str, tag: &str, slim: &str) -> String {
    if tag == "latest" {
        return if image == "debian" { format!("stable-{slim}") } else { slim.to_string() };
    }
    if image != "node" && image != "debian" {
        if let Some((version, codename)) = tag.rsplit_once('-') {
            if CODENAMES.contains(&codename) {
                return format!("{version}-{slim}-{codename}");
            }
        }
    }
    format!("{tag}-{slim}")
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    let Some(stage) = model
        .final_stage()
        .and_then(|last| model.root_stage(last.index))
    else {
        return;
    };
    let (Base::Image(r), Some(word)) = (&stage.base, &stage.base_word) else {
        return;
    };
    let Some(image) = official(r) else {
        return;
    };
    let Some(slim) = image.slim else {
        return;
    };
    if !is_full_variant(r.tag.as_deref()) {
        return;
    }
    let tag = r.tag.as_deref().unwrap_or("latest").to_ascii_lowercase();
    let suggestion = slim_tag(image.name, &tag, slim);
    let (full, small) = image.sizes_mb;
    acc.report(
        &RULE,
        word.range,
        format!(
            "`{}:{tag}` is the full image (~{full} MB compressed); `{}:{suggestion}` (~{small} MB) is usually enough to run the application",
            image.name, image.name
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_full_final_images() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12 AS base
FROM base
"#,
            expect![[r#"
                1 | FROM python:3.12 AS base
                  |      ^^^^^^^^^^^ image-full-os-base: `python:3.12` is the full image (~380 MB compressed); `python:3.12-slim` (~45 MB) is usually enough to run the application
            "#]],
        );
        check_rule(&RULE, "FROM node:22-bookworm\n", expect![[r#"
            1 | FROM node:22-bookworm
              |      ^^^^^^^^^^^^^^^^ image-full-os-base: `node:22-bookworm` is the full image (~390 MB compressed); `node:22-bookworm-slim` (~75 MB) is usually enough to run the application
        "#]]);
        check_rule(&RULE, "FROM docker.io/library/debian\n", expect![[r#"
            1 | FROM docker.io/library/debian
              |      ^^^^^^^^^^^^^^^^^^^^^^^^ image-full-os-base: `debian:latest` is the full image (~50 MB compressed); `debian:stable-slim` (~30 MB) is usually enough to run the application
        "#]]);
    }

    #[test]
    fn suggests_slim_tags_in_each_images_naming() {
        check_rule(&RULE, "FROM python:3.12-bookworm\n", expect![[r#"
            1 | FROM python:3.12-bookworm
              |      ^^^^^^^^^^^^^^^^^^^^ image-full-os-base: `python:3.12-bookworm` is the full image (~380 MB compressed); `python:3.12-slim-bookworm` (~45 MB) is usually enough to run the application
        "#]]);
        check_rule(&RULE, "FROM debian:12\n", expect![[r#"
            1 | FROM debian:12
              |      ^^^^^^^^^ image-full-os-base: `debian:12` is the full image (~50 MB compressed); `debian:12-slim` (~30 MB) is usually enough to run the application
        "#]]);
    }

    #[test]
    fn accepts_slim_build_stages_and_others() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12 AS build
FROM python:3.12-slim-bookworm
"#,
        );
        check_rule_not(&RULE, "FROM node:22-alpine\n");
        check_rule_not(&RULE, "FROM golang:1.23\n");
        check_rule_not(&RULE, "FROM ghcr.io/acme/python:3.12\n");
        check_rule_not(&RULE, "FROM debian:bookworm-slim\n");
    }
}

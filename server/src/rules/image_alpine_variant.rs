//! `image-alpine-variant`: a language runtime on its Alpine variant (opt-in).

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::Base;

declare_rule! {
    /// ## What it does
    /// Reports a stage built on the `-alpine` variant of an official language runtime
    /// image (`python`, `node`, `ruby`, `php`, `perl`, `openjdk`, `eclipse-temurin`,
    /// `amazoncorretto`, `elixir`, `erlang`, `pypy`). Off by default: Alpine is a
    /// fine choice when you know its trade-offs, and this rule only makes them visible.
    /// `golang` and `rust` are not reported: they usually build static binaries.
    ///
    /// ## Why is this bad?
    /// Alpine uses musl instead of glibc. Most prebuilt Python wheels are built for
    /// glibc (`manylinux`), so `pip install` on Alpine compiles numpy, pandas or
    /// cryptography from source: minutes of build time, a compiler in the image, and
    /// sometimes a final image larger than `-slim`. Node native add-ons hit the same
    /// problem, and musl differs from glibc in DNS resolution, locale support, thread
    /// stack size and memory allocator speed, which surface as production-only bugs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-alpine
    /// RUN pip install --no-cache-dir pandas
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir pandas
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: package installation commands differ (`apk` vs `apt-get`).
    ///
    /// ## References
    /// - Docker Hub `python` image, "Image Variants: python:<version>-alpine"
    /// - Docker Hub `node` image, "node:<version>-alpine"
    pub(crate) RULE {
        id: "image-alpine-variant",
        summary: "Language runtime on an Alpine (musl) image",
        level: Off,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const RUNTIMES: &[&str] = &[
    "python",
    "node",
    "ruby",
    "php",
    "perl",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "elixir",
    "erlang",
    "pypy",
];

/// Runtimes whose official images have `-slim` (Debian) tags.
const SLIM: &[&str] = &["python", "node", "ruby", "perl", "pypy", "elixir", "erlang"];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for stage in &ctx.model.stages {
        let (Base::Image(r), Some(word)) = (&stage.base, &stage.base_word) else {
            continue;
        };
        let Some(name) = r.repository.strip_prefix("library/").filter(|_| r.is_docker_hub()) else {
            continue;
        };
        let tag = r.tag.as_deref().unwrap_or("").to_ascii_lowercase();
        if !RUNTIMES.contains(&name) || !tag.contains("alpine") {
            continue;
        }
        let why = match name {
            "python" | "pypy" => "most Python wheels are built for glibc, so pip compiles packages from source",
            "node" => "native add-ons need rebuilding against musl",
            _ => "musl behaves differently from glibc (DNS, locales, performance)",
        };
        let instead = if SLIM.contains(&name) {
            "consider the `-slim` variant"
        } else {
            "consider a Debian- or Ubuntu-based tag"
        };
        acc.report(
            &RULE,
            word.range,
            format!("`{name}:{tag}` is based on Alpine (musl): {why}; {instead}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_alpine_runtimes() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-alpine AS build
FROM node:22-alpine3.20
FROM eclipse-temurin:21-jre-alpine
"#,
            expect![[r#"
                1 | FROM python:3.12-alpine AS build
                  |      ^^^^^^^^^^^^^^^^^^ image-alpine-variant: `python:3.12-alpine` is based on Alpine (musl): most Python wheels are built for glibc, so pip compiles packages from source; consider the `-slim` variant
                2 | FROM node:22-alpine3.20
                  |      ^^^^^^^^^^^^^^^^^^ image-alpine-variant: `node:22-alpine3.20` is based on Alpine (musl): native add-ons need rebuilding against musl; consider the `-slim` variant
                3 | FROM eclipse-temurin:21-jre-alpine
                  |      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ image-alpine-variant: `eclipse-temurin:21-jre-alpine` is based on Alpine (musl): musl behaves differently from glibc (DNS, locales, performance); consider a Debian- or Ubuntu-based tag
            "#]],
        );
    }

    #[test]
    fn accepts_other_bases() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20
FROM golang:1.23-alpine
FROM python:3.12-slim
FROM ghcr.io/acme/python:3.12-alpine
"#,
        );
    }
}

//! Document link tests: every link of a file as the linked text and its target.

use expect_test::{expect, Expect};

use super::*;
use crate::ide::navigation::tests::span;

fn check(text: &str, expect: Expect) {
    let analysis = Analysis::new(text);
    let out: Vec<String> = document_links(&analysis)
        .iter()
        .map(|l| format!("{} -> {}\n  {}", span(&analysis, l.range), l.url, l.tooltip))
        .collect();
    expect.assert_eq(&out.join("\n"));
}

#[test]
fn registries_get_their_pages_and_the_link_covers_the_name_only() {
    check(
        "\
FROM ubuntu:22.04@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
FROM bitnami/redis:7
FROM docker.io/library/nginx
FROM ghcr.io/astral-sh/uv:0.4 AS uv
FROM quay.io/prometheus/node-exporter:v1.8.0
FROM mcr.microsoft.com/dotnet/sdk:8.0
FROM gcr.io/distroless/static:nonroot
FROM eu.gcr.io/my-project/app
FROM localhost:5000/team/app:1
FROM registry.example.com/app
",
        expect![[r#"
            1:6-1:12 `ubuntu` -> https://hub.docker.com/_/ubuntu
              Open `ubuntu` on Docker Hub
            2:6-2:19 `bitnami/redis` -> https://hub.docker.com/r/bitnami/redis
              Open `bitnami/redis` on Docker Hub
            3:6-3:29 `docker.io/library/nginx` -> https://hub.docker.com/_/nginx
              Open `nginx` on Docker Hub
            4:6-4:26 `ghcr.io/astral-sh/uv` -> https://ghcr.io/astral-sh/uv
              Open `ghcr.io/astral-sh/uv` on GitHub Packages
            5:6-5:38 `quay.io/prometheus/node-exporter` -> https://quay.io/repository/prometheus/node-exporter
              Open `quay.io/prometheus/node-exporter` on Quay
            6:6-6:34 `mcr.microsoft.com/dotnet/sdk` -> https://mcr.microsoft.com/artifact/mar/dotnet/sdk
              Open `mcr.microsoft.com/dotnet/sdk` on the Microsoft Artifact Registry
            7:6-7:30 `gcr.io/distroless/static` -> https://console.cloud.google.com/gcr/images/distroless/GLOBAL/static
              Open `gcr.io/distroless/static` on Google Container Registry
            8:6-8:30 `eu.gcr.io/my-project/app` -> https://console.cloud.google.com/gcr/images/my-project/EU/app
              Open `eu.gcr.io/my-project/app` on Google Container Registry"#]],
    );
}

#[test]
fn never_for_stages_scratch_or_unresolved_variables() {
    check(
        "\
ARG BASE=debian:12
ARG UNKNOWN
FROM ${BASE} AS build
FROM build AS test
FROM scratch
FROM alpine$UNKNOWN
COPY --from=build /a /a
COPY --from=0 /b /b
COPY --from=test /c /c
COPY --from=busybox:1.36 /bin/busybox /bin/
RUN --mount=from=golang:1.22,source=/usr/local/go,target=/go ls
RUN --mount=from=build,target=/x ls
",
        expect![[r#"
            3:6-3:13 `${BASE}` -> https://hub.docker.com/_/debian
              Open `debian` on Docker Hub (`${BASE}` resolved through ARG defaults to `debian:12`)
            10:13-10:20 `busybox` -> https://hub.docker.com/_/busybox
              Open `busybox` on Docker Hub
            11:18-11:24 `golang` -> https://hub.docker.com/_/golang
              Open `golang` on Docker Hub"#]],
    );
}

#[test]
fn the_name_part_skips_tags_digests_and_variables() {
    assert_eq!(name_len("alpine"), 6);
    assert_eq!(name_len("alpine:3.20"), 6);
    assert_eq!(name_len("host:5000/app:1"), 13);
    assert_eq!(name_len("app@sha256:abc"), 3);
    assert_eq!(name_len("app:1@sha256:abc"), 3);
    assert_eq!(name_len("golang:${V:-1.22}"), 6);
    assert_eq!(name_len("${REG:-ghcr.io}/o/app:${TAG}"), 21);
}

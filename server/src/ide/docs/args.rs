//! Reference text for the ARGs every build defines without a declaration: the automatic
//! platform ARGs, BuildKit's built-in ARGs and the proxy ARGs (the lists in
//! `semantic::AUTOMATIC_ARGS` and `semantic::PREDEFINED_ARGS`).

macro_rules! platform {
    ($head:literal) => {
        concat!(
            $head,
            "\n\n",
            r#"An automatic ARG of the global scope: `FROM` lines can use it directly; inside a
stage, declare `ARG <name>` (no value) before using it."#
        )
    };
}

macro_rules! builtin {
    ($head:literal) => {
        concat!(
            $head,
            "\n\n",
            "A BuildKit built-in ARG: set it with `--build-arg` to change how the build runs."
        )
    };
}

macro_rules! proxy {
    ($name:literal, $what:literal) => {
        concat!(
            "`",
            $name,
            "`: ",
            $what,
            "\n\n",
            r#"A predefined proxy ARG: `RUN` sees it when it is passed with `--build-arg`, without
any `ARG` line. It is left out of `docker history` unless the Dockerfile declares it
with `ARG`."#
        )
    };
}

pub(super) static ARG_DOCS: &[(&str, &str)] = &[
    (
        "TARGETPLATFORM",
        platform!(
            r#"`TARGETPLATFORM`: the platform the image is built for (`linux/amd64`,
`linux/arm/v7`), from `docker build --platform`; by default the builder's own."#
        ),
    ),
    (
        "TARGETOS",
        platform!("`TARGETOS`: the OS part of `TARGETPLATFORM` (`linux`, `windows`)."),
    ),
    (
        "TARGETARCH",
        platform!("`TARGETARCH`: the architecture part of `TARGETPLATFORM` (`amd64`, `arm64`)."),
    ),
    (
        "TARGETVARIANT",
        platform!(
            r#"`TARGETVARIANT`: the variant part of `TARGETPLATFORM` (`v7` for `linux/arm/v7`);
empty when the platform has none."#
        ),
    ),
    (
        "BUILDPLATFORM",
        platform!(
            r#"`BUILDPLATFORM`: the platform of the machine running the build.
`FROM --platform=$BUILDPLATFORM` runs a stage natively, to cross-compile."#
        ),
    ),
    (
        "BUILDOS",
        platform!("`BUILDOS`: the OS part of `BUILDPLATFORM`."),
    ),
    (
        "BUILDARCH",
        platform!("`BUILDARCH`: the architecture part of `BUILDPLATFORM` (`amd64`, `arm64`)."),
    ),
    (
        "BUILDVARIANT",
        platform!("`BUILDVARIANT`: the variant part of `BUILDPLATFORM`; often empty."),
    ),
    (
        "TARGETSTAGE",
        platform!("`TARGETSTAGE`: the name of the stage the build targets."),
    ),
    (
        "BUILDKIT_CACHE_MOUNT_NS",
        builtin!("`BUILDKIT_CACHE_MOUNT_NS`: a namespace prefixed to the ids of cache mounts."),
    ),
    (
        "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
        builtin!(
            r#"`BUILDKIT_CONTEXT_KEEP_GIT_DIR=1`: keep the `.git` directory when the build
context is a Git repository."#
        ),
    ),
    (
        "BUILDKIT_INLINE_CACHE",
        builtin!(
            r#"`BUILDKIT_INLINE_CACHE=1`: write cache metadata into the image config, so the
pushed image can serve as `--cache-from`."#
        ),
    ),
    (
        "BUILDKIT_MULTI_PLATFORM",
        builtin!(
            r#"`BUILDKIT_MULTI_PLATFORM=1`: produce a multi-platform index even for one
platform, for deterministic output."#
        ),
    ),
    (
        "BUILDKIT_SANDBOX_HOSTNAME",
        builtin!(
            r#"`BUILDKIT_SANDBOX_HOSTNAME`: the hostname `RUN` commands see
(default `buildkitsandbox`)."#
        ),
    ),
    (
        "BUILDKIT_SYNTAX",
        builtin!(
            r#"`BUILDKIT_SYNTAX`: the frontend image to use, overriding `# syntax=`;
`dockerfile.v0` forces the built-in frontend."#
        ),
    ),
    (
        "BUILDKIT_BUILD_NAME",
        builtin!("`BUILDKIT_BUILD_NAME`: the name shown for the build in `buildx history`."),
    ),
    (
        "SOURCE_DATE_EPOCH",
        builtin!(
            r#"`SOURCE_DATE_EPOCH`: a Unix timestamp used as the creation time of the image
and its layers, for reproducible builds (Dockerfile 1.5+)."#
        ),
    ),
    (
        "HTTP_PROXY",
        proxy!("HTTP_PROXY", "the proxy for plain HTTP requests."),
    ),
    (
        "http_proxy",
        proxy!("http_proxy", "the proxy for plain HTTP requests."),
    ),
    (
        "HTTPS_PROXY",
        proxy!("HTTPS_PROXY", "the proxy for HTTPS requests."),
    ),
    (
        "https_proxy",
        proxy!("https_proxy", "the proxy for HTTPS requests."),
    ),
    (
        "FTP_PROXY",
        proxy!("FTP_PROXY", "the proxy for FTP requests."),
    ),
    (
        "ftp_proxy",
        proxy!("ftp_proxy", "the proxy for FTP requests."),
    ),
    (
        "NO_PROXY",
        proxy!("NO_PROXY", "hosts and domains reached without the proxy."),
    ),
    (
        "no_proxy",
        proxy!("no_proxy", "hosts and domains reached without the proxy."),
    ),
    (
        "ALL_PROXY",
        proxy!("ALL_PROXY", "the proxy for any protocol without its own."),
    ),
    (
        "all_proxy",
        proxy!("all_proxy", "the proxy for any protocol without its own."),
    ),
];

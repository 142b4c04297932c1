//! Snapshots of the "Build cache" hover section and the stage lenses on realistic
//! multi-stage files.

use std::sync::Arc;

use expect_test::{expect, Expect};

use super::{instruction_section, stage_lens};
use crate::config::build_context::BuildContext;
use crate::config::Config;
use crate::ide::Analysis;

/// Every stage lens, then the section of the instructions on `lines` (1-based).
fn check(text: &str, ignore: Option<&str>, lines: &[usize], expect: Expect) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let config = Config {
        build_context: ignore
            .map(|i| Arc::new(BuildContext::with_dockerignore(".dockerignore", i))),
        ..Config::default()
    };
    let analysis = Analysis::new(text);
    let mut out = String::new();
    for s in 0..analysis.model().stages.len() {
        let lens = stage_lens(&analysis, s).unwrap_or_default();
        assert!(lens.chars().count() <= 60, "{lens}");
        out.push_str(&format!("lens {s}: {lens}\n"));
    }
    for (i, inst) in analysis.syntax().instructions.iter().enumerate() {
        let line = analysis.line_index().line_of(inst.range.start()) + 1;
        if !lines.contains(&line) {
            continue;
        }
        let section = instruction_section(&analysis, &config, i).expect("a section");
        assert!(section.starts_with("#### Build cache\n"));
        out.push_str(&format!("=== line {line}\n{section}"));
    }
    expect.assert_eq(&out);
}

#[test]
fn node_app() {
    check(
        r#"
FROM node:22-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
FROM deps AS build
COPY . .
RUN npm run build
FROM deps AS test
COPY . .
RUN npm test
FROM nginx:1.27-alpine
COPY --from=build /app/dist /usr/share/nginx/html
EXPOSE 80
"#,
        Some("node_modules\n.git\ndist\n"),
        &[1, 3, 4, 6, 12, 13],
        expect![[r#"
            lens 0: base of build, test · 3 steps
            lens 1: used by stage 3 via COPY --from · 2 steps
            lens 2: skipped unless targeted · 2 steps
            lens 3: final stage · 1 step
            === line 1
            #### Build cache

            **Key**: the base image `docker.io/library/node:22-slim`, by tag. A tag can move to a new image: the builder keeps the one it has until it pulls again (`--pull`), then every step of the stage runs again. A digest (`@sha256:…`) pins it.

            **Changing this line** rebuilds 8 later steps: line 2 `WORKDIR`, line 3 `COPY`, line 4 `RUN`, line 6 `COPY`, line 7 `RUN` and 3 more, in stage `deps` and in stages `build` (FROM), `test` (FROM) and 3 (COPY --from) that depend on it.
            === line 3
            #### Build cache

            **Key**: the content and metadata of `package.json` and `package-lock.json` from the build context (timestamps aside); the result of line 2 `WORKDIR`.

            **Changing this line** rebuilds 6 later steps: line 4 `RUN`, line 6 `COPY`, line 7 `RUN`, line 9 `COPY`, line 10 `RUN` and 1 more, in stage `deps` and in stages `build` (FROM), `test` (FROM) and 3 (COPY --from) that depend on it.

            **Edits that reach it**: `package.json` and `package-lock.json` (here).
            === line 4
            #### Build cache

            **Key**: the command string with its flags, not what it downloads (that is fetched again only when the key changes); the result of line 3 `COPY`.

            **Changing this line** rebuilds 5 later steps: line 6 `COPY`, line 7 `RUN`, line 9 `COPY`, line 10 `RUN` and line 12 `COPY`, in stages `build` (FROM), `test` (FROM) and 3 (COPY --from) that depend on it.

            **Edits that reach it**: `package.json` and `package-lock.json` (line 3 `COPY`).
            === line 6
            #### Build cache

            **Key**: the content and metadata of every file of the build context (timestamps aside); the result of stage `deps`, its base.

            **Changing this line** rebuilds 2 later steps: line 7 `RUN` and line 12 `COPY`, in stage `build` and in stage 3 (COPY --from) that depends on it.

            **Edits that reach it**: `package.json` and `package-lock.json` (line 3 `COPY`) and any file of the build context (here). `.dockerignore` leaves out `node_modules`, `.git` and `dist` of the context: edits there never reach it.
            === line 12
            #### Build cache

            **Key**: `/app/dist` in stage `build` (the model takes the whole stage as input: any step rebuilt there rebuilds this); the base image `docker.io/library/nginx:1.27-alpine`.

            **Changing this line** runs this step again and no later one.

            **Edits that reach it**: `package.json` and `package-lock.json` (line 3 `COPY`) and any file of the build context (line 6 `COPY`).
            === line 13
            #### Build cache

            **Key**: none of its own: `EXPOSE` only edits the image configuration, nothing runs; no later step reads it.

            **Changing this line** rebuilds no step.
        "#]],
    );
}

#[test]
fn go_build_distroless_final() {
    check(
        r#"
# syntax=docker/dockerfile:1
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go mod download
RUN --mount=type=cache,target=/root/.cache/go-build CGO_ENABLED=0 go build -o /out/app ./cmd/app
FROM gcr.io/distroless/static-debian12@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
COPY --from=build /out/app /app
USER nonroot
ENTRYPOINT ["/app"]
"#,
        None,
        &[2, 4, 5, 6, 9],
        expect![[r#"
            lens 0: used by stage 1 via COPY --from · 4 steps
            lens 1: final stage · 1 step
            === line 2
            #### Build cache

            **Key**: the base image `docker.io/library/golang:1.22`, by tag. A tag can move to a new image: the builder keeps the one it has until it pulls again (`--pull`), then every step of the stage runs again. A digest (`@sha256:…`) pins it.

            **Changing this line** rebuilds 5 later steps: line 3 `WORKDIR`, line 4 `COPY`, line 5 `RUN`, line 6 `RUN` and line 8 `COPY`, in stage `build` and in stage 1 (COPY --from) that depends on it.
            === line 4
            #### Build cache

            **Key**: the content and metadata of every file of the build context (timestamps aside); the result of line 3 `WORKDIR`.

            **Changing this line** rebuilds 3 later steps: line 5 `RUN`, line 6 `RUN` and line 8 `COPY`, in stage `build` and in stage 1 (COPY --from) that depends on it.

            **Edits that reach it**: any file of the build context (here).

            **Pitfall**: this copies the whole context before the Go dependency install on line 5 `RUN`: any source edit reruns the install. Copy `go.mod` and `go.sum` first, install, then copy the rest.
            === line 5
            #### Build cache

            **Key**: the command string with its flags, not what it downloads (that is fetched again only when the key changes); the result of line 4 `COPY`.

            **Changing this line** rebuilds 2 later steps: line 6 `RUN` and line 8 `COPY`, in stage `build` and in stage 1 (COPY --from) that depends on it.

            **Edits that reach it**: any file of the build context (line 4 `COPY`).

            **Pitfall**: the whole context is copied on line 4 `COPY`, before this Go dependency install: any source edit reruns it. Copy `go.mod` and `go.sum` first, install, then copy the rest.
            === line 6
            #### Build cache

            **Key**: the command string with its flags, not what it downloads (that is fetched again only when the key changes); the result of line 5 `RUN`. Not in the key: the cache mount `/root/.cache/go-build`; what is mounted there never invalidates it.

            **Changing this line** rebuilds 1 later step: line 8 `COPY`, in stage 1 (COPY --from) that depends on it.

            **Edits that reach it**: any file of the build context (line 4 `COPY`).
            === line 9
            #### Build cache

            **Key**: none of its own: `USER` only edits the image configuration, nothing runs; later RUN steps run as this user, so it is part of their keys.

            **Changing this line** rebuilds no step.
        "#]],
    );
}

#[test]
fn python_pip_requirements_and_stale_index() {
    check(
        r#"
FROM python:3.12-slim
RUN apt-get update
RUN apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY src/ ./src/
CMD ["python", "-m", "src"]
"#,
        Some("*.pyc\nsrc/**/__pycache__\n.venv\n"),
        &[2, 6, 7],
        expect![[r#"
            lens 0: final stage · 6 steps
            === line 2
            #### Build cache

            **Key**: the command string with its flags, not what it downloads (that is fetched again only when the key changes); the base image `docker.io/library/python:3.12-slim`.

            **Changing this line** rebuilds 5 later steps: line 3 `RUN`, line 4 `WORKDIR`, line 5 `COPY`, line 6 `RUN` and line 7 `COPY`, in stage 0.

            **Edits that reach it**: none from the build context; only changes to this line, an earlier step, a variable it uses or the base rerun it.

            **Pitfall**: `apt-get update` installs nothing in this RUN, and its key is the command text alone: the layer stays cached indefinitely, and a later install reads that old index (stale versions, or packages no longer on the mirror). Update and install in the same RUN.
            === line 6
            #### Build cache

            **Key**: the command string with its flags, not what it downloads (that is fetched again only when the key changes); the result of line 5 `COPY`.

            **Changing this line** rebuilds 1 later step: line 7 `COPY`, in stage 0.

            **Edits that reach it**: `requirements.txt` (line 5 `COPY`).
            === line 7
            #### Build cache

            **Key**: the content and metadata of `src/` from the build context (timestamps aside); the result of line 6 `RUN`.

            **Changing this line** runs this step again and no later one.

            **Edits that reach it**: `requirements.txt` (line 5 `COPY`) and `src/` (here). `.dockerignore` leaves out `src/**/__pycache__` under `src/`: edits there never reach it.
        "#]],
    );
}

#[test]
fn copy_link_and_late_arg() {
    check(
        r#"
ARG ALPINE=3.20
FROM alpine:${ALPINE}
RUN apk add --no-cache ca-certificates
COPY --link --chmod=755 bin/tool /usr/local/bin/tool
ARG GIT_TOKEN
LABEL org.opencontainers.image.title=tool
RUN git clone https://$GIT_TOKEN@github.com/org/private.git /src
"#,
        None,
        &[1, 2, 4, 5, 6, 7],
        expect![[r#"
            lens 0: final stage · 3 steps
            === line 1
            #### Build cache

            **Key**: none of its own: a global ARG sets a value, nothing runs. It reaches the FROM lines that name `ALPINE` and the stages that declare it again with `ARG`.

            **Changing this line** rebuilds 2 later steps: line 3 `RUN` and line 7 `RUN`, in stage 0.
            === line 2
            #### Build cache

            **Key**: the base image `docker.io/library/alpine:3.20`, by tag. A tag can move to a new image: the builder keeps the one it has until it pulls again (`--pull`), then every step of the stage runs again. A digest (`@sha256:…`) pins it. The line names `ALPINE`: a new value is a new base. With the default values the line reads `FROM alpine:3.20`.

            **Changing this line** rebuilds 2 later steps: line 3 `RUN` and line 7 `RUN`, in stage 0.
            === line 4
            #### Build cache

            **Key**: the content and metadata of `bin/tool` from the build context (timestamps aside); `--chmod=755` (owner and mode of the result). With `--link` it does not depend on the layers before it: changes above keep this layer, and only its own inputs rebuild it.

            **Changing this line** rebuilds 1 later step: line 7 `RUN`, in stage 0.

            **Edits that reach it**: `bin/tool` (here).
            === line 5
            #### Build cache

            **Key**: none of its own: `ARG` only edits the image configuration, nothing runs; its value (this default, or `--build-arg`) enters the key of every later RUN of the stage, as environment, and of the instructions that name `GIT_TOKEN`; the ARG line itself invalidates nothing before them.

            **Changing this line** rebuilds 1 later step: line 7 `RUN`, in stage 0.
            === line 6
            #### Build cache

            **Key**: none of its own: `LABEL` only edits the image configuration, nothing runs; no later step reads it.

            **Changing this line** rebuilds no step.
            === line 7
            #### Build cache

            **Key**: the command string with its flags, not what it downloads (that is fetched again only when the key changes); its environment: ARG `GIT_TOKEN`; the result of line 4 `COPY`.

            **Changing this line** runs this step again and no later one.

            **Edits that reach it**: `bin/tool` (line 4 `COPY`).

            **Pitfall**: `GIT_TOKEN` (ARG, line 5 `ARG`) looks like a secret: its value is part of this step's cache key and recorded in the image history. Pass it with `RUN --mount=type=secret,id=…,env=GIT_TOKEN` instead.
        "#]],
    );
}

#[test]
fn heredoc_run_and_remote_add() {
    check(
        r#"
FROM debian:12
ADD https://example.com/tool.tgz /tmp/
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/b.tgz /tmp/
RUN <<EOF
set -e
apt-get update
EOF
COPY <<EOF /etc/motd
hello
EOF
"#,
        None,
        &[2, 3, 4, 8],
        expect![[r#"
            lens 0: final stage · 4 steps
            === line 2
            #### Build cache

            **Key**: the content of `https://example.com/tool.tgz`: the builder downloads it on every build and reuses the cache only if it is unchanged (`--checksum` would also verify it); the base image `docker.io/library/debian:12`.

            **Changing this line** rebuilds 3 later steps: line 3 `ADD`, line 4 `RUN` and line 8 `COPY`, in stage 0.

            **Edits that reach it**: none from the build context; only changes to this line, an earlier step, a variable it uses or the base rerun it.
            === line 3
            #### Build cache

            **Key**: the content of `https://example.com/b.tgz`, checked against the `--checksum` digest; the result of line 2 `ADD`.

            **Changing this line** rebuilds 2 later steps: line 4 `RUN` and line 8 `COPY`, in stage 0.

            **Edits that reach it**: none from the build context; only changes to this line, an earlier step, a variable it uses or the base rerun it.
            === line 4
            #### Build cache

            **Key**: the command string with its flags and heredoc text, not what it downloads (that is fetched again only when the key changes); the result of line 3 `ADD`.

            **Changing this line** rebuilds 1 later step: line 8 `COPY`, in stage 0.

            **Edits that reach it**: none from the build context; only changes to this line, an earlier step, a variable it uses or the base rerun it.

            **Pitfall**: `apt-get update` installs nothing in this RUN, and its key is the command text alone: the layer stays cached indefinitely, and a later install reads that old index (stale versions, or packages no longer on the mirror). Update and install in the same RUN.
            === line 8
            #### Build cache

            **Key**: the text of the heredoc `<<EOF`; the result of line 4 `RUN`.

            **Changing this line** runs this step again and no later one.

            **Edits that reach it**: none from the build context; only changes to this line, an earlier step, a variable it uses or the base rerun it.
        "#]],
    );
}

#[test]
fn windows_escape_file() {
    check(
        r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
COPY app\ C:\app\
RUN Write-Host `
    hello
"#,
        None,
        &[2, 3, 4, 5],
        expect![[r#"
            lens 0: final stage · 2 steps
            === line 2
            #### Build cache

            **Key**: the base image `mcr.microsoft.com/windows/servercore:ltsc2022`, by tag. A tag can move to a new image: the builder keeps the one it has until it pulls again (`--pull`), then every step of the stage runs again. A digest (`@sha256:…`) pins it.

            **Changing this line** rebuilds 2 later steps: line 4 `COPY` and line 5 `RUN`, in stage 0.
            === line 3
            #### Build cache

            **Key**: none of its own: `SHELL` only edits the image configuration, nothing runs; later RUN steps in shell form run with this shell, so it is part of their keys.

            **Changing this line** rebuilds 1 later step: line 5 `RUN`, in stage 0.
            === line 4
            #### Build cache

            **Key**: the content and metadata of `app\` from the build context (timestamps aside); the base image `mcr.microsoft.com/windows/servercore:ltsc2022`.

            **Changing this line** rebuilds 1 later step: line 5 `RUN`, in stage 0.

            **Edits that reach it**: `app\` (here).
            === line 5
            #### Build cache

            **Key**: the command string with its flags, not what it downloads (that is fetched again only when the key changes); the result of line 4 `COPY`.

            **Changing this line** runs this step again and no later one.

            **Edits that reach it**: `app\` (line 4 `COPY`).
        "#]],
    );
}

#[test]
fn substituted_copy_and_unknown_arg() {
    check(
        r#"
FROM alpine
ARG CFG=conf
ARG REV
COPY ${CFG}/app.yml /etc/app/
WORKDIR /srv/$REV
"#,
        None,
        &[1, 4, 5],
        expect![[r#"
            lens 0: final stage · 2 steps
            === line 1
            #### Build cache

            **Key**: the base image `docker.io/library/alpine`, by the implied `latest` tag. A tag can move to a new image: the builder keeps the one it has until it pulls again (`--pull`), then every step of the stage runs again. A digest (`@sha256:…`) pins it.

            **Changing this line** rebuilds 2 later steps: line 4 `COPY` and line 5 `WORKDIR`, in stage 0.
            === line 4
            #### Build cache

            **Key**: the content and metadata of `conf/app.yml` from the build context (timestamps aside); the values of `CFG`; the base image `docker.io/library/alpine`. With the default values the line reads `COPY conf/app.yml /etc/app/`.

            **Changing this line** rebuilds 1 later step: line 5 `WORKDIR`, in stage 0.

            **Edits that reach it**: `conf/app.yml` (here).
            === line 5
            #### Build cache

            **Key**: the path after substitution (it creates the directory); the values of `REV`; the result of line 4 `COPY`. A variable here has no default: the build supplies it (`--build-arg`), and each new value is a new key.

            **Changing this line** runs this step again and no later one.

            **Edits that reach it**: `conf/app.yml` (line 4 `COPY`).
        "#]],
    );
}

#[test]
fn long_lens_titles_are_shortened() {
    let text = "FROM alpine AS a-stage-with-a-rather-long-name\nRUN true\nFROM a-stage-with-a-rather-long-name AS second-stage-long-name\nFROM a-stage-with-a-rather-long-name AS third-stage-long-name\nFROM alpine AS user-of-the-first\nCOPY --from=a-stage-with-a-rather-long-name /x /x\nFROM alpine\n";
    let analysis = Analysis::new(text);
    let lenses: Vec<String> = (0..5)
        .map(|s| stage_lens(&analysis, s).unwrap_or_default())
        .collect();
    expect![[r#"
        [
            "base of 2 stages · copied by 1 stage · 1 step",
            "skipped unless targeted · 0 steps",
            "skipped unless targeted · 0 steps",
            "skipped unless targeted · 1 step",
            "final stage · 0 steps",
        ]
    "#]]
    .assert_debug_eq(&lenses);
}

#[test]
fn every_corpus_like_edge_has_no_panic() {
    for text in [
        "",
        "RUN x\n",
        "FROM\n",
        "FROM a AS b\nCOPY --from=b . .\n",
        "ARG A\nFROM ${A}\nCOPY --from=${A} x y\n",
        "FROM x\nBOGUS y\nONBUILD COPY . .\n",
    ] {
        let analysis = Analysis::new(text);
        for i in 0..analysis.syntax().instructions.len() {
            let _ = instruction_section(&analysis, &Config::default(), i);
        }
        for s in 0..=analysis.model().stages.len() {
            let _ = stage_lens(&analysis, s);
        }
        assert!(instruction_section(&analysis, &Config::default(), 99).is_none());
        assert!(stage_lens(&analysis, 99).is_none());
    }
}

#[test]
fn user_text_with_backticks_stays_inside_its_code_span() {
    let analysis = Analysis::new("FROM alpine:3.20\nCOPY [\"we`ird\", \"/x\"]\n");
    let section = instruction_section(&analysis, &Config::default(), 1).expect("a section");
    assert!(section.contains("`` we`ird ``"), "{section}");
}

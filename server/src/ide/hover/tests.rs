//! Hover tests: cursor-marker fixtures (`FROM al$0pine`) over realistic files, with stub
//! reference texts so the snapshots show the structure, plus full-text snapshots.

use expect_test::{expect, Expect};

use super::*;

/// Short stand-ins for the reference texts.
struct Stub;

impl Texts for Stub {
    fn instruction(&self, kind: Kind) -> Option<String> {
        (kind != Kind::Unknown).then(|| format!("<doc {}>", kind.name()))
    }
    fn cache_section(&self, _: &Analysis, _: &Config, index: usize) -> Option<String> {
        Some(format!("<cache {index}>"))
    }
    fn directive(&self, name: &str) -> Option<String> {
        Some(format!("<directive {name}>"))
    }
    fn flag(&self, kind: Kind, name: &str) -> Option<String> {
        docs::flag_doc(kind, name).map(|_| format!("<flag {} --{name}>", kind.name()))
    }
    fn mount_type(&self, typ: &str) -> Option<String> {
        docs::mount_type_doc(typ).map(|_| format!("<mount type {typ}>"))
    }
    fn mount_option(&self, typ: &str, key: &str) -> Option<String> {
        docs::mount_option_doc(typ, key).map(|_| format!("<mount {typ} {key}>"))
    }
    fn heredoc(&self) -> String {
        "<heredoc>".to_string()
    }
    fn automatic_arg(&self, name: &str) -> Option<String> {
        docs::automatic_arg(name).map(|_| format!("<auto {name}>"))
    }
}

/// Splits `$0` out of a fixture: the text and the cursor offset.
fn cursor(fixture: &str) -> (String, usize) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    (fixture.replacen("$0", "", 1), at)
}

/// The hover at `$0`, rendered as the hovered token and the Markdown.
fn render(text: &str, offset: usize, texts: &dyn Texts) -> String {
    let analysis = Analysis::new(text);
    match hover_with(&analysis, &Config::default(), offset, texts) {
        None => "(none)".to_string(),
        Some(h) => format!(
            "{:?} `{}`\n{}",
            h.range,
            text.get(h.range.range()).unwrap_or("<bad range>"),
            h.markdown
        ),
    }
}

fn check(fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    expect.assert_eq(&render(&text, offset, &Stub));
}

fn check_full(fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    expect.assert_eq(&render(&text, offset, &DocTexts));
}

/// Hovers at many positions of one file: each probe is a piece of the text with `|` at
/// the cursor (the first occurrence of the piece is used).
fn check_many(text: &str, probes: &[&str], expect: Expect) {
    let mut out = String::new();
    for probe in probes {
        let bar = probe.find('|').expect("probe has a | cursor");
        let needle = probe.replacen('|', "", 1);
        let at = text
            .find(&needle)
            .unwrap_or_else(|| panic!("{needle:?} not in the text"))
            + bar;
        out.push_str(&format!(
            "=== {}\n{}\n\n",
            probe.escape_debug(),
            render(text, at, &Stub)
        ));
    }
    expect.assert_eq(&out);
}

const MULTI: &str = r#"# syntax=docker/dockerfile:1.10
# check=skip=JSONArgsRecommended,StageNameCasing;error=true
ARG GO_VERSION=1.22
ARG BASE=alpine:3.20
ARG TARGETOS
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETARCH
ARG GO_VERSION
WORKDIR /src
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/root/.cache/go-build,sharing=locked \
    --mount=type=bind,source=go.mod,target=go.mod \
    go mod download
COPY . .
RUN GOARCH=$TARGETARCH go build -o /out/app ./cmd/app && echo "$CGO_ENABLED $HOME"
FROM build AS test
RUN go test ./...
FROM ${BASE} AS final
RUN echo $GO_VERSION ${TARGETOS:-linux} $LATER
ENV LATER=1
COPY --from=build --chown=app:app --chmod=755 /out/app /usr/local/bin/app
COPY --from=nginx:1.27 /etc/nginx/nginx.conf /etc/nginx/
HEALTHCHECK --interval=30s --timeout=3s CMD wget -qO- http://localhost/ || exit 1
ONBUILD COPY . /app/$LATER
CMD ["app"]
"#;

#[test]
fn multi_stage_keywords_directives_and_flags() {
    check_many(
        MULTI,
        &[
            "# |syntax",
            "docker/docker|file:1.10",
            "# che|ck=",
            "sk|ip=JSON",
            "JSONArgs|Recommended",
            "StageName|Casing",
            "err|or=true",
            "|FROM --platform",
            "--plat|form",
            "|--platform",
            "RUN --mo|unt=type=cache",
            "type=ca|che,target",
            "target=/root/.ca|che",
            "sharing=lo|cked",
            "type=bind,sou|rce=go.mod",
            "COPY --from=build --ch|own",
            "--chown=app:a|pp",
            "--ch|mod=755",
            "HEALTHCHECK --inter|val",
            "--timeout=|3s",
            "ONBUILD C|OPY",
            "ON|BUILD",
            "C|MD [",
        ],
        expect![[r#"
            === # |syntax
            2..8 `syntax`
            <directive syntax>

            === docker/docker|file:1.10
            9..31 `docker/dockerfile:1.10`
            **Dockerfile frontend** `docker/dockerfile:1.10`

            Image `docker.io/docker/dockerfile:1.10`: the tag can move to a newer frontend release; a digest pins it.

            ---

            <directive syntax>

            === # che|ck=
            34..39 `check`
            <directive check>

            === sk|ip=JSON
            40..44 `skip`
            <directive check>

            === JSONArgs|Recommended
            45..64 `JSONArgsRecommended`
            **Build check** `JSONArgsRecommended`

            BuildKit does not run this check on this file.

            The matching dockerfile-lsp rule `json-args-recommended` (Shell-form CMD or ENTRYPOINT) is skipped too.

            === StageName|Casing
            65..80 `StageNameCasing`
            **Build check** `StageNameCasing`

            BuildKit does not run this check on this file.

            The matching dockerfile-lsp rule `stage-name-casing` (Stage name is not lower-case) is skipped too.

            === err|or=true
            81..86 `error`
            <directive check>

            === |FROM --platform
            146..150 `FROM`
            <doc FROM>

            <cache 3>

            === --plat|form
            151..161 `--platform`
            <flag FROM --platform>

            === |--platform
            151..161 `--platform`
            <flag FROM --platform>

            === RUN --mo|unt=type=cache
            272..279 `--mount`
            **This mount**: a `cache` mount at `/root/.cache/go-build`.

            ---

            <flag RUN --mount>

            === type=ca|che,target
            280..290 `type=cache`
            <mount type cache>

            === target=/root/.ca|che
            291..319 `target=/root/.cache/go-build`
            <mount cache target>

            === sharing=lo|cked
            320..334 `sharing=locked`
            <mount cache sharing>

            === type=bind,sou|rce=go.mod
            359..372 `source=go.mod`
            <mount bind source>

            === COPY --from=build --ch|own
            637..644 `--chown`
            <flag COPY --chown>

            === --chown=app:a|pp
            637..652 `--chown=app:app`
            <flag COPY --chown>

            === --ch|mod=755
            653..660 `--chmod`
            <flag COPY --chmod>

            === HEALTHCHECK --inter|val
            762..772 `--interval`
            <flag HEALTHCHECK --interval>

            === --timeout=|3s
            777..789 `--timeout=3s`
            <flag HEALTHCHECK --timeout>

            === ONBUILD C|OPY
            840..844 `COPY`
            <doc COPY>

            <cache 19>

            === ON|BUILD
            832..839 `ONBUILD`
            <doc ONBUILD>

            <cache 19>

            === C|MD [
            859..862 `CMD`
            <doc CMD>

            <cache 20>

        "#]],
    );
}

#[test]
fn multi_stage_variables() {
    check_many(
        MULTI,
        &[
            "golang:${GO|_VERSION}",
            "$BUILD|PLATFORM",
            "FROM ${BA|SE}",
            "GOARCH=$TARGET|ARCH",
            "echo \"$CGO|_ENABLED",
            "$HO|ME",
            "echo $GO|_VERSION",
            "${TARGET|OS:-linux}",
            "$LAT|ER\nENV",
            "/app/$LA|TER",
        ],
        expect![[r#"
            === golang:${GO|_VERSION}
            184..197 `${GO_VERSION}`
            **`$GO_VERSION`** · build argument (ARG)

            Expands here to `1.22`.

            Defined by `ARG GO_VERSION=1.22` on line 3, a global ARG (before the first `FROM`). `--build-arg` can override the value.

            === $BUILD|PLATFORM
            162..176 `$BUILDPLATFORM`
            **`$BUILDPLATFORM`** · automatic build argument

            The builder supplies its value when the build runs.

            No `ARG` line declares it: the builder defines it for every build.

            ---

            <auto BUILDPLATFORM>

            === FROM ${BA|SE}
            543..550 `${BASE}`
            **`$BASE`** · build argument (ARG)

            Expands here to `alpine:3.20`.

            Defined by `ARG BASE=alpine:3.20` on line 4, a global ARG (before the first `FROM`). `--build-arg` can override the value.

            === GOARCH=$TARGET|ARCH
            429..440 `$TARGETARCH`
            **`$TARGETARCH`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            In scope: `ARG TARGETARCH` on line 7, value set at build time.

            === echo \"$CGO|_ENABLED
            481..493 `$CGO_ENABLED`
            **`$CGO_ENABLED`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            In scope: `ENV CGO_ENABLED` on line 10, value `0`.

            === $HO|ME
            494..499 `$HOME`
            **`$HOME`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            No ARG or ENV of this file sets it here: it is empty unless the base image or the command sets it.

            === echo $GO|_VERSION
            569..580 `$GO_VERSION`
            **`$GO_VERSION`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            Empty here: the global ARG of line 3 is visible to `FROM` lines only, and stage `final` does not redeclare it; add `ARG GO_VERSION` inside the stage.

            === ${TARGET|OS:-linux}
            581..599 `${TARGETOS:-linux}`
            **`$TARGETOS`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            `${TARGETOS:-linux}`: when it is unset or empty, `linux` is used.

            Empty here: automatic ARGs belong to the global scope, and stage `final` does not redeclare it; add `ARG TARGETOS` inside the stage.

            === $LAT|ER\nENV
            600..606 `$LATER`
            **`$LATER`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            Empty here: the ENV that defines it is on line 20, after this line.

            === /app/$LA|TER
            852..858 `$LATER`
            **`$LATER`** · variable in an `ONBUILD` trigger

            Expanded when the trigger runs, in the build of an image that uses this one as its base, with that build's ARG and ENV values, not with this file's.

        "#]],
    );
}

#[test]
fn multi_stage_names() {
    check_many(
        MULTI,
        &[
            "golang:${GO_VERSION} AS bu|ild",
            "gol|ang:${GO_VERSION}",
            "FROM bu|ild AS test",
            "FROM build AS te|st",
            "AS fi|nal",
            "COPY --from=bu|ild",
            "--from=ngi|nx",
            "/etc/ngi|nx/nginx.conf",
            "go mod down|load",
            "WORKDIR /s|rc",
        ],
        expect![[r#"
            === golang:${GO_VERSION} AS bu|ild
            201..206 `build`
            **Stage** `build` · stage 0 of 3 (counting from 0)

            Defined on line 6, built on `docker.io/library/golang:1.22`.
            7 instructions after its `FROM`.

            Used by:
            - line 16, stage `test`: `FROM build`
            - line 21, stage `final`: `COPY --from=build`

            === gol|ang:${GO_VERSION}
            177..197 `golang:${GO_VERSION}`
            **Image** `docker.io/library/golang:1.22`

            - Written `golang:${GO_VERSION}`, resolved through ARG defaults to `golang:1.22`.
            - Registry: `docker.io` (Docker Hub), an official image.
            - Tag `1.22`: an unpinned tag can move to a new image at any time; pin it to a digest (`@sha256:…`) for repeatable builds.

            === FROM bu|ild AS test
            506..511 `build`
            Built on an earlier stage: it starts from the result of stage `build`.

            ---

            **Stage** `build` · stage 0 of 3 (counting from 0)

            Defined on line 6, built on `docker.io/library/golang:1.22`.
            7 instructions after its `FROM`.

            Used by:
            - line 16, stage `test`: `FROM build`
            - line 21, stage `final`: `COPY --from=build`

            === FROM build AS te|st
            515..519 `test`
            **Stage** `test` · stage 1 of 3 (counting from 0)

            Defined on line 16, built on stage `build`.
            1 instruction after its `FROM`.

            No other stage uses it: it is built only with `--target test`.

            === AS fi|nal
            554..559 `final`
            **Stage** `final` · stage 2 of 3 (counting from 0)

            Defined on line 18, built on `docker.io/library/alpine:3.20`.
            7 instructions after its `FROM`.

            The final stage: what `docker build` produces without `--target`.

            === COPY --from=bu|ild
            631..636 `build`
            **Stage** `build` · stage 0 of 3 (counting from 0)

            Defined on line 6, built on `docker.io/library/golang:1.22`.
            7 instructions after its `FROM`.

            Used by:
            - line 16, stage `test`: `FROM build`
            - line 21, stage `final`: `COPY --from=build`

            === --from=ngi|nx
            705..715 `nginx:1.27`
            **Image** `docker.io/library/nginx:1.27`

            - Registry: `docker.io` (Docker Hub), an official image.
            - Tag `1.27`: an unpinned tag can move to a new image at any time; pin it to a digest (`@sha256:…`) for repeatable builds.

            === /etc/ngi|nx/nginx.conf
            716..737 `/etc/nginx/nginx.conf`
            **Source** `/etc/nginx/nginx.conf` · from the image `nginx:1.27`

            The step reruns when the image does: a tag can move, a digest cannot.

            A change there reruns this step (line 22 `COPY`) and no later one.

            === go mod down|load
            (none)

            === WORKDIR /s|rc
            (none)

        "#]],
    );
}

const HEREDOCS: &str = "FROM python:3.12-slim\nARG NAME=world\nRUN <<EOF\nset -e\necho \"$NAME\"\nEOF\nRUN python3 <<'PY'\nprint('hi')\nPY\nCOPY <<-EOT /app/hello.txt\n\thello ${NAME}\n\tEOT\nCOPY <<\"RAW\" /app/raw.txt\n$NAME stays\nRAW\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n";

#[test]
fn heredocs() {
    check_many(
        HEREDOCS,
        &[
            "RUN <<|EOF",
            "\n|EOF\nRUN python3",
            "python3 <<'|PY'",
            "\n|PY\nCOPY",
            "<<-|EOT",
            "\tE|OT",
            "COPY <<\"R|AW\"",
            "echo \"$NA|ME\"",
            "hello ${NA|ME}",
            "$NA|ME stays",
            "se|t -e",
            "RUN <<E|OF\n#!",
        ],
        expect![[r#"
            === RUN <<|EOF
            41..46 `<<EOF`
            **Here-document** `<<EOF` · delimiter `EOF`

            - Expansion: the builder passes the body on unchanged; the shell expands `$NAME` when the command runs (ENV and ARG values are in its environment).
            - Read by: the shell of this `RUN` (`/bin/sh -c` unless `SHELL` changed it), as a script
            - Body: lines 4–5, ended by line 6.

            ---

            <heredoc>

            === \n|EOF\nRUN python3
            67..70 `EOF`
            **Here-document** `<<EOF` · delimiter `EOF`

            - Expansion: the builder passes the body on unchanged; the shell expands `$NAME` when the command runs (ENV and ARG values are in its environment).
            - Read by: the shell of this `RUN` (`/bin/sh -c` unless `SHELL` changed it), as a script
            - Body: lines 4–5, ended by line 6.

            ---

            <heredoc>

            === python3 <<\'|PY\'
            83..89 `<<'PY'`
            **Here-document** `<<'PY'` · delimiter `PY`

            - Expansion **off**: the delimiter is quoted, so the shell reads the body literally.
            - Read by: the standard input of `python3`
            - Body: line 8, ended by line 9.

            ---

            <heredoc>

            === \n|PY\nCOPY
            102..104 `PY`
            **Here-document** `<<'PY'` · delimiter `PY`

            - Expansion **off**: the delimiter is quoted, so the shell reads the body literally.
            - Read by: the standard input of `python3`
            - Body: line 8, ended by line 9.

            ---

            <heredoc>

            === <<-|EOT
            110..116 `<<-EOT`
            **Here-document** `<<-EOT` · delimiter `EOT`

            - Expansion **on**: the builder expands build-time variables (`$NAME`, `${NAME}`) in the body.
            - `<<-`: leading tabs are stripped from the body lines and the terminator.
            - Read by: `COPY`: the body becomes a file named `EOT` that is copied to `/app/hello.txt`
            - Body: line 11, ended by line 12.

            ---

            <heredoc>

            === \tE|OT
            148..151 `EOT`
            **Here-document** `<<-EOT` · delimiter `EOT`

            - Expansion **on**: the builder expands build-time variables (`$NAME`, `${NAME}`) in the body.
            - `<<-`: leading tabs are stripped from the body lines and the terminator.
            - Read by: `COPY`: the body becomes a file named `EOT` that is copied to `/app/hello.txt`
            - Body: line 11, ended by line 12.

            ---

            <heredoc>

            === COPY <<\"R|AW\"
            157..164 `<<"RAW"`
            **Here-document** `<<"RAW"` · delimiter `RAW`

            - Expansion **off**: the delimiter is quoted, so the builder takes the body literally.
            - Read by: `COPY`: the body becomes a file named `RAW` that is copied to `/app/raw.txt`
            - Body: line 14, ended by line 15.

            ---

            <heredoc>

            === echo \"$NA|ME\"
            60..65 `$NAME`
            **`$NAME`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            In scope: `ARG NAME` on line 2, value `world`.

            === hello ${NA|ME}
            139..146 `${NAME}`
            **`$NAME`** · build argument (ARG)

            Expands here to `world`.

            Defined by `ARG NAME=world` on line 2, in this stage. `--build-arg` can override the value.

            === $NA|ME stays
            (none)

            === se|t -e
            (none)

            === RUN <<E|OF\n#!
            198..203 `<<EOF`
            **Here-document** `<<EOF` · delimiter `EOF`

            - Expansion: the builder passes the body on unchanged; the shell expands `$NAME` when the command runs (ENV and ARG values are in its environment).
            - Read by: the interpreter its first line names, `#!/usr/bin/env python3`
            - Body: lines 17–18, ended by line 19.

            ---

            <heredoc>

        "#]],
    );
}

const WINDOWS: &str = "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\r\nARG VERSION=1.0\r\nENV APP_HOME=C:\\app\r\nRUN mkdir $env:APP_HOME `\r\n    && echo done\r\nCOPY app.exe ${APP_HOME}\\\r\nWORKDIR $APP_HOME\r\nFROM base\r\nCMD [\"app.exe\"]\r\n";

#[test]
fn windows_file_with_backtick_escape() {
    check_many(
        WINDOWS,
        &[
            "# esc|ape",
            "escape=|`",
            "mcr.micro|soft.com",
            "AS ba|se",
            "${APP_|HOME}",
            "WORKDIR $APP|_HOME",
            "FROM ba|se\r\nCMD",
            "R|UN mkdir",
            "mkdir $en|v:APP_HOME",
            "|\r\nFROM",
        ],
        expect![[r#"
            === # esc|ape
            2..8 `escape`
            <directive escape>

            === escape=|`
            9..10 ```
            <directive escape>

            === mcr.micro|soft.com
            17..62 `mcr.microsoft.com/windows/servercore:ltsc2022`
            **Image** `mcr.microsoft.com/windows/servercore:ltsc2022`

            - Registry: `mcr.microsoft.com`.
            - Tag `ltsc2022`: an unpinned tag can move to a new image at any time; pin it to a digest (`@sha256:…`) for repeatable builds.

            === AS ba|se
            66..70 `base`
            **Stage** `base` · stage 0 of 2 (counting from 0)

            Defined on line 2, built on `mcr.microsoft.com/windows/servercore:ltsc2022`.
            5 instructions after its `FROM`.

            Used by:
            - line 9, unnamed stage 1: `FROM base`

            Its files are part of the final image (the final stage is built on it).

            === ${APP_|HOME}
            168..179 `${APP_HOME}`
            **`$APP_HOME`** · environment variable (ENV)

            Expands here to `C:\app`.

            Defined by `ENV APP_HOME=C:\app` on line 4, in this stage.

            === WORKDIR $APP|_HOME
            190..199 `$APP_HOME`
            **`$APP_HOME`** · environment variable (ENV)

            Expands here to `C:\app`.

            Defined by `ENV APP_HOME=C:\app` on line 4, in this stage.

            === FROM ba|se\r\nCMD
            206..210 `base`
            Built on an earlier stage: it starts from the result of stage `base`.

            ---

            **Stage** `base` · stage 0 of 2 (counting from 0)

            Defined on line 2, built on `mcr.microsoft.com/windows/servercore:ltsc2022`.
            5 instructions after its `FROM`.

            Used by:
            - line 9, unnamed stage 1: `FROM base`

            Its files are part of the final image (the final stage is built on it).

            === R|UN mkdir
            110..113 `RUN`
            <doc RUN>

            <cache 3>

            === mkdir $en|v:APP_HOME
            (none)

            === |\r\nFROM
            (none)

        "#]],
    );
}

#[test]
fn why_a_builder_variable_is_empty() {
    let text =
        "ARG VERSION=1.2\nARG PLAIN\nFROM alpine:${VERSION} AS base\nWORKDIR /opt/$VERSION\n\
        ENV A=${TARGETARCH} B=$LATER C=${PLAIN:-none} D=${NOWHERE}\nENV LATER=x\n\
        ARG VERSION\nLABEL v=$VERSION p=$PLAIN\nFROM base\nUSER $LATER\nFROM $NOT_GLOBAL\n";
    check_many(
        text,
        &[
            "alpine:${VER|SION}",
            "/opt/$VER|SION",
            "A=${TARGET|ARCH}",
            "B=$LA|TER",
            "C=${PLA|IN:-none}",
            "D=${NOWH|ERE}",
            "v=$VER|SION",
            "p=$PLA|IN",
            "USER $LA|TER",
            "FROM $NOT|_GLOBAL",
        ],
        expect![[r#"
            === alpine:${VER|SION}
            38..48 `${VERSION}`
            **`$VERSION`** · build argument (ARG)

            Expands here to `1.2`.

            Defined by `ARG VERSION=1.2` on line 1, a global ARG (before the first `FROM`). `--build-arg` can override the value.

            === /opt/$VER|SION
            70..78 `$VERSION`
            **`$VERSION`** · variable

            Empty here: the global ARG of line 1 is visible to `FROM` lines only, and stage `base` does not redeclare it; add `ARG VERSION` inside the stage.

            === A=${TARGET|ARCH}
            85..98 `${TARGETARCH}`
            **`$TARGETARCH`** · automatic build argument

            Empty here: automatic ARGs belong to the global scope, and stage `base` does not redeclare it; add `ARG TARGETARCH` inside the stage.

            ---

            <auto TARGETARCH>

            === B=$LA|TER
            101..107 `$LATER`
            **`$LATER`** · variable

            Empty here: the ENV that defines it is on line 6, after this line.

            === C=${PLA|IN:-none}
            110..124 `${PLAIN:-none}`
            **`$PLAIN`** · variable

            Expands here to `none`.

            `${PLAIN:-none}`: when it is unset or empty, `none` is used.

            Empty here: the global ARG of line 2 is visible to `FROM` lines only, and stage `base` does not redeclare it; add `ARG PLAIN` inside the stage.

            === D=${NOWH|ERE}
            127..137 `${NOWHERE}`
            **`$NOWHERE`** · variable

            No ARG or ENV defines it here: it expands to an empty string.

            === v=$VER|SION
            170..178 `$VERSION`
            **`$VERSION`** · build argument (ARG)

            Expands here to `1.2`.

            Defined by `ARG VERSION` on line 7, in this stage. It redeclares the global ARG of line 1, and takes its default.

            === p=$PLA|IN
            181..187 `$PLAIN`
            **`$PLAIN`** · variable

            Empty here: the global ARG of line 2 is visible to `FROM` lines only, and stage `base` does not redeclare it; add `ARG PLAIN` inside the stage.

            === USER $LA|TER
            203..209 `$LATER`
            **`$LATER`** · environment variable (ENV)

            Expands here to `x`.

            Defined by `ENV LATER=x` on line 6, in stage `base`, inherited through `FROM`.

            === FROM $NOT|_GLOBAL
            215..226 `$NOT_GLOBAL`
            **`$NOT_GLOBAL`** · variable

            No ARG or ENV defines it here: it expands to an empty string.

        "#]],
    );
}

#[test]
fn declarations_of_arg_and_env() {
    let text =
        "ARG VERSION=1.2\nARG TARGETARCH\nFROM alpine AS base\nARG VERSION\nARG TARGETARCH\n\
        ARG MODE=dev\nENV MODE=prod PATH=/opt/bin:$PATH\nFROM base\nARG OTHER\n";
    check_many(
        text,
        &[
            "ARG VER|SION=1.2",
            "ARG TARGET|ARCH\nFROM",
            "base\nARG VER|SION",
            "VERSION\nARG TARGET|ARCH",
            "ARG MO|DE=dev",
            "ENV MO|DE=prod",
            "PA|TH=/opt",
            "ARG OTH|ER",
        ],
        expect![[r#"
            === ARG VER|SION=1.2
            4..11 `VERSION`
            **`VERSION`** · global build argument (ARG) declared here

            Default `1.2`; `--build-arg VERSION=…` overrides it. `FROM` lines see it; inside a stage it is visible only after `ARG` redeclares it (redeclared by stage `base`).

            === ARG TARGET|ARCH\nFROM
            20..30 `TARGETARCH`
            **`TARGETARCH`** · global build argument (ARG) declared here

            The builder supplies its value; declaring it globally is optional. `FROM` lines see it; inside a stage it is visible only after `ARG` redeclares it (redeclared by stage `base`).

            ---

            <auto TARGETARCH>

            === base\nARG VER|SION
            55..62 `VERSION`
            **`VERSION`** · build argument (ARG) declared here

            Redeclares the global ARG of line 1, so this stage sees it, with the default `1.2`.

            === VERSION\nARG TARGET|ARCH
            67..77 `TARGETARCH`
            **`TARGETARCH`** · build argument (ARG) declared here

            Redeclares the global ARG of line 2, so this stage sees it.

            ---

            <auto TARGETARCH>

            === ARG MO|DE=dev
            82..86 `MODE`
            **`MODE`** · build argument (ARG) declared here

            Default `dev`; `--build-arg MODE=…` overrides it.

            === ENV MO|DE=prod
            95..99 `MODE`
            **`MODE`** · environment variable (ENV) declared here

            Value: `prod`. Later instructions of this stage, stages built `FROM` it and the running container see it. It overrides the ARG of line 6.

            === PA|TH=/opt
            105..109 `PATH`
            **`PATH`** · environment variable (ENV) declared here

            Its value refers to variables with no value known here (from the base image or the build). Later instructions of this stage, stages built `FROM` it and the running container see it.

            === ARG OTH|ER
            139..144 `OTHER`
            **`OTHER`** · build argument (ARG) declared here

            No default: empty unless `--build-arg` sets it.

        "#]],
    );
}

#[test]
fn stages_by_index_mount_from_scratch_and_bad_images() {
    let text = "FROM golang:1.22 AS build\nRUN go build\nFROM scratch\n\
        COPY --from=0 /out /out\nRUN --mount=type=bind,from=build,source=/out,target=/x cp /x /y\n\
        FROM Alpine:3\nFROM $UNSET\nCOPY --from=ghcr.io/o/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef /t /t\n";
    check_many(
        text,
        &[
            "FROM scr|atch",
            "--from=|0",
            "from=bu|ild,source",
            "fr|om=build,source",
            "source=/o|ut",
            "FROM Alp|ine",
            "FROM $UN|SET",
            "FROM |$UNSET",
            "ghcr.io/o/to|ol",
        ],
        expect![[r#"
            === FROM scr|atch
            44..51 `scratch`
            **`scratch`** · the empty image

            The stage starts with no files at all: no shell, no libraries, no certificates. Only `COPY`/`ADD` put files in it, and `RUN` works only once a program has been copied in.

            === --from=|0
            64..65 `0`
            **Stage** `build` · stage 0 of 4 (counting from 0)

            Defined on line 1, built on `docker.io/library/golang:1.22`.
            1 instruction after its `FROM`.

            Used by:
            - line 4, unnamed stage 1: `COPY --from=0`
            - line 5, unnamed stage 1: `RUN --mount=type=bind,from=build`

            === from=bu|ild,source
            103..108 `build`
            **Stage** `build` · stage 0 of 4 (counting from 0)

            Defined on line 1, built on `docker.io/library/golang:1.22`.
            1 instruction after its `FROM`.

            Used by:
            - line 4, unnamed stage 1: `COPY --from=0`
            - line 5, unnamed stage 1: `RUN --mount=type=bind,from=build`

            === fr|om=build,source
            98..108 `from=build`
            <mount bind from>

            === source=/o|ut
            109..120 `source=/out`
            <mount bind source>

            === FROM Alp|ine
            145..153 `Alpine:3`
            **Image** `Alpine:3`

            Not a valid image reference: invalid repository name component `Alpine` (lowercase letters, digits and separators only).

            === FROM $UN|SET
            159..165 `$UNSET`
            **`$UNSET`** · variable

            No ARG or ENV defines it here: it expands to an empty string.

            === FROM |$UNSET
            159..165 `$UNSET`
            **`$UNSET`** · variable

            No ARG or ENV defines it here: it expands to an empty string.

            === ghcr.io/o/to|ol
            178..264 `ghcr.io/o/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`
            **Image** `ghcr.io/o/tool@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`

            - Registry: `ghcr.io`.
            - Pinned by digest `sha256:0123456789abcdef…`: the image cannot change under the build cache.

        "#]],
    );
}

#[test]
fn platform_stage_patterns_and_script_assignments() {
    let text = "FROM alpine AS binaries-linux\nFROM alpine AS binaries-darwin\n\
        FROM binaries-$TARGETOS AS binaries\nRUN <<EOT\n  PKG=example.com/x\n  echo ${PKG} $OTHER\nEOT\n";
    check_many(
        text,
        &[
            "FROM binaries-$TAR|GETOS",
            "FROM binar|ies-$",
            "echo ${P|KG}",
            "$OTH|ER",
        ],
        expect![[r#"
            === FROM binaries-$TAR|GETOS
            75..84 `$TARGETOS`
            **`$TARGETOS`** · automatic build argument

            The builder supplies its value when the build runs.

            No `ARG` line declares it: the builder defines it for every build.

            ---

            <auto TARGETOS>

            === FROM binar|ies-$
            66..84 `binaries-$TARGETOS`
            **Image** `binaries-$TARGETOS`

            It uses a build argument with no value known here: the image is chosen when the build runs (by `--build-arg`, or by the builder for platform ARGs).

            It can name an earlier stage: `binaries-linux`, `binaries-darwin`.

            === echo ${P|KG}
            134..140 `${PKG}`
            **`$PKG`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            The command sets it itself (`PKG=` on line 5).

            === $OTH|ER
            141..147 `$OTHER`
            **`$OTHER`** · shell variable

            The builder leaves it alone: the shell expands it when this `RUN` runs, from the environment of the command (the ENV and ARG values in scope here) and whatever the script itself sets.

            No ARG or ENV of this file sets it here: it is empty unless the base image or the command sets it.

        "#]],
    );
}

#[test]
fn keyword_hover_is_the_doc_then_the_cache_section() {
    check(
        "FROM alpine:3.20\nR$0UN echo hi\n",
        expect![[r#"
        17..20 `RUN`
        <doc RUN>

        <cache 1>"#]],
    );
    check(
        "FROM alpine:3.20\nONBUILD R$0UN echo hi\n",
        expect![[r#"
        25..28 `RUN`
        <doc RUN>

        <cache 1>"#]],
    );
    check("FROM alpine:3.20\nFOO$0BAR x\n", expect!["(none)"]);
}

#[test]
fn nothing_over_whitespace_comments_and_plain_arguments() {
    for fixture in [
        "FROM alpine$0 \n",
        "$0# a comment\nFROM alpine\n",
        "FROM alpine\n# co$0mment\nRUN x\n",
        "FROM alpine\nRUN apt-get \\\n# in$0side\n  install\n",
        "FROM alpine\nRUN echo he$0llo\n",
        "FROM alpine\nCOPY src/ /a$0pp/\n",
        "FROM alpine\nEXPOSE 80$080\n",
        "FROM alpine\n$0\n",
    ] {
        let (text, offset) = cursor(fixture);
        assert_eq!(render(&text, offset, &Stub), "(none)", "{fixture:?}");
    }
}

#[test]
fn never_panics_on_any_offset() {
    let texts = [
        "",
        "FROM",
        "FROM alpine:3.20 AS é\nRUN echo \"ü$X\" ${Y:-ö}\n",
        "# escape=`\r\nFROM a\r\nRUN x `\r\n  y\r\n",
        "FROM a\nRUN <<EOF\nunterminated $X",
        "FROM a\nRUN --mount=\"type=cache,target=/x\" --mount=type=secret,id=é x\n",
        "FROM a\nCOPY --from=${NOPE} /x /y\nONBUILD RUN ${A\n",
        "\u{feff}FROM a\n",
        "# check=skip=;error\nFROM a\n",
        "FROM a AS b\nONBUILD COPY --from=b <<EOF /x\n$Y\nEOF\nFROM b\nRUN --mount=from=b,target=/m x\n",
        MULTI,
        HEREDOCS,
        WINDOWS,
    ];
    let config = Config::default();
    for text in texts {
        let analysis = Analysis::new(text);
        for offset in 0..=text.len() + 2 {
            if let Some(h) = hover(&analysis, &config, offset) {
                assert!(
                    h.range.contains(offset),
                    "{text:?} at {offset}: {:?}",
                    h.range
                );
                assert!(
                    text.get(h.range.range()).is_some(),
                    "{text:?}: {:?}",
                    h.range
                );
                assert!(!h.markdown.is_empty());
            }
        }
    }
}

#[test]
fn full_text_snapshots() {
    check_full(
        "FROM --platform=$BUILD$0PLATFORM alpine\n",
        expect![[r#"
            16..30 `$BUILDPLATFORM`
            **`$BUILDPLATFORM`** · automatic build argument

            The builder supplies its value when the build runs.

            No `ARG` line declares it: the builder defines it for every build.

            ---

            `BUILDPLATFORM`: the platform of the machine running the build.
            `FROM --platform=$BUILDPLATFORM` runs a stage natively, to cross-compile.

            An automatic ARG of the global scope: `FROM` lines can use it directly; inside a
            stage, declare `ARG <name>` (no value) before using it."#]],
    );
    // The here-document hover: what this one does, then the reference text itself.
    let (text, offset) = cursor("FROM alpine\nRUN <<E$0OF\nx\nEOF\n");
    let rendered = render(&text, offset, &DocTexts);
    let (own, reference) = rendered
        .split_once("\n\n---\n\n")
        .expect("a rule between the two parts");
    assert_eq!(reference, DocTexts.heredoc());
    expect![[r#"
        16..21 `<<EOF`
        **Here-document** `<<EOF` · delimiter `EOF`

        - Expansion: the builder passes the body on unchanged; the shell expands `$NAME` when the command runs (ENV and ARG values are in its environment).
        - Read by: the shell of this `RUN` (`/bin/sh -c` unless `SHELL` changed it), as a script
        - Body: line 3, ended by line 4."#]]
    .assert_eq(own);
}

/// Where a hover is reference text alone, it is exactly that text as `DocTexts` gives it
/// (the docs module's own snapshots pin the wording down) over exactly the token.
#[test]
fn reference_hovers_are_the_reference_text() {
    let cases = [
        (
            "FROM alpine\nRUN --mount=type=cache,sha$0ring=locked,target=/x x\n",
            "sharing=locked",
            DocTexts.mount_option("cache", "sharing"),
        ),
        (
            "FROM alpine\nCOPY --li$0nk a b\n",
            "--link",
            DocTexts.flag(Kind::Copy, "link"),
        ),
        (
            "# esc$0ape=`\nFROM alpine\n",
            "escape",
            DocTexts.directive("escape"),
        ),
    ];
    for (fixture, token, doc) in cases {
        let (text, offset) = cursor(fixture);
        let analysis = Analysis::new(text.as_str());
        let h = hover(&analysis, &Config::default(), offset).expect("a hover");
        assert_eq!(&text[h.range.range()], token, "{fixture:?}");
        let doc = doc.expect("documented");
        assert!(doc.len() > 200, "{doc}");
        assert_eq!(h.markdown, doc, "{fixture:?}");
    }
    // Flag texts end with their link into Docker's reference.
    let link = DocTexts.flag(Kind::Copy, "link").expect("documented");
    assert!(
        link.ends_with(
            "\n\n[Dockerfile reference](https://docs.docker.com/reference/dockerfile/#copy---link)"
        ),
        "{link}"
    );
}

#[test]
fn keyword_uses_the_instruction_docs() {
    let text = "FROM alpine\nRUN echo hi\n";
    let analysis = Analysis::new(text);
    let h = hover(&analysis, &Config::default(), 13).expect("hover on RUN");
    assert_eq!(h.range, TextRange::new(12, 15));
    let doc = docs::instruction(Kind::Run).expect("RUN doc").markdown();
    assert!(h.markdown.starts_with(&doc));
    let cache = cache_explain::instruction_section(&analysis, &Config::default(), 1)
        .expect("a RUN has a build-cache section");
    assert!(h.markdown.ends_with(cache.trim_end()));
}

#[test]
fn every_flag_of_every_instruction_has_a_hover_over_its_name() {
    let config = Config::default();
    let mut missing = Vec::new();
    for spec in crate::semantic::flags::FLAGS {
        let flag = match spec.value {
            crate::semantic::flags::ValueKind::Bool => format!("--{}", spec.name),
            _ => format!("--{}=x", spec.name),
        };
        let line = match spec.instruction {
            Kind::From => format!("FROM {flag} alpine\n"),
            Kind::Healthcheck => format!("FROM alpine\nHEALTHCHECK {flag} CMD true\n"),
            Kind::Arg => format!("FROM alpine\nARG {flag} NAME\n"),
            kind => format!("FROM alpine\n{} {flag} a b\n", kind.name()),
        };
        let start = line.find(&flag).expect("flag in line");
        let analysis = Analysis::new(line.as_str());
        let name_end = start + 2 + spec.name.len();
        match hover_with(&analysis, &config, start + 2, &Stub) {
            Some(h) if h.range == TextRange::new(start, name_end) => {}
            other => missing.push(format!("{line:?}: {other:?}")),
        }
    }
    assert!(
        missing.is_empty(),
        "flags without a hover:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_mount_option_has_a_hover() {
    let config = Config::default();
    let mut missing = Vec::new();
    for typ in docs::mount_types() {
        for opt in docs::mount_options(typ.typ) {
            for key in opt.keys.iter().filter(|k| **k != "type") {
                let text = format!("FROM alpine\nRUN --mount=type={},{key}=v true\n", typ.typ);
                let start = text.find(&format!(",{key}=")).expect("option") + 1;
                let analysis = Analysis::new(text.as_str());
                let want = TextRange::new(start, start + key.len() + 2);
                match hover_with(&analysis, &config, start, &Stub) {
                    Some(h) if h.range == want && h.markdown.starts_with("<mount") => {}
                    other => missing.push(format!("{text:?}: {other:?}")),
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "mount options without a hover:\n{}",
        missing.join("\n")
    );
}

#[test]
fn onbuild_from_is_the_flag_not_a_stage_of_this_file() {
    check(
        "FROM a AS b\nONBUILD COPY --from=$0b /x /y\n",
        expect![[r#"
            25..33 `--from=b`
            <flag COPY --from>"#]],
    );
}

#[test]
fn small_variants_get_no_slim_suggestion() {
    for (text, expect_slim) in [
        ("FROM node:2$00-alpine\n", false),
        ("FROM python:3.1$02-slim-bookworm\n", false),
        ("FROM python:3.1$02-bookworm\n", true),
        ("FROM no$0de\n", true),
    ] {
        let (text, offset) = cursor(text);
        let analysis = Analysis::new(text.as_str());
        let h = hover_with(&analysis, &Config::default(), offset, &Stub).expect("image hover");
        assert_eq!(h.markdown.contains("variant exists"), expect_slim, "{text}");
    }
}

#[test]
fn image_platforms_from_the_configuration() {
    let (text, offset) = cursor("FROM node:2$02\n");
    let analysis = Analysis::new(text.as_str());
    let mut config = Config::default();
    config.image_platforms.insert(
        "docker.io/library/node:22".to_string(),
        vec!["linux/amd64".to_string(), "linux/arm64".to_string()],
    );
    let h = hover_with(&analysis, &config, offset, &Stub).expect("hover on the image");
    expect![[r#"
        **Image** `docker.io/library/node:22`

        - Registry: `docker.io` (Docker Hub), an official image.
        - Tag `22`: an unpinned tag can move to a new image at any time; pin it to a digest (`@sha256:…`) for repeatable builds.
        - Platforms it offers: `linux/amd64`, `linux/arm64`.
        - A `slim` variant exists (about 75 MB compressed instead of 390 MB)."#]].assert_eq(&h.markdown);
}

#[test]
fn mount_from_with_a_variable_is_rejected_by_buildkit() {
    check(
        "ARG IMG=alpine\nFROM alpine\nRUN --mount=from=${IMG}x$0y,target=/m true\n",
        expect![[r#"
            44..52 `${IMG}xy`
            `${IMG}xy`

            BuildKit does not expand variables in a mount's `from=` and rejects the build: name an alias stage instead (`FROM ${IMG}xy AS deps`, then `from=deps`)."#]],
    );
}

#[test]
fn healthcheck_cmd_and_none() {
    check(
        "FROM a\nHEALTHCHECK --interval=5s C$0MD curl -f http://localhost/ || exit 1\n",
        expect![[r#"
            33..36 `CMD`
            **`HEALTHCHECK CMD`**

            What follows is the check command, run inside the container (shell form or a JSON array): exit status 0 means healthy, 1 unhealthy."#]],
    );
    check(
        "FROM a\nHEALTHCHECK NO$0NE\n",
        expect![[r#"
        19..23 `NONE`
        **`HEALTHCHECK NONE`**

        Turns off the health check this image would inherit from its base image."#]],
    );
    check("FROM a\nHEALTHCHECK CMD cu$0rl -f x\n", expect!["(none)"]);
}

#[test]
fn copy_and_add_sources() {
    let text = "\
FROM node:20 AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

FROM nginx:1.27
COPY --from=deps /app/dist /usr/share/nginx/html
COPY --from=busybox:1.36 /bin/busybox /bin/
ADD https://example.com/a.tgz /tmp/
ADD --checksum=sha256:0000000000000000000000000000000000000000000000000000000000000000 https://example.com/b.tgz /tmp/
ADD https://github.com/moby/buildkit.git#v0.14.0 /src
COPY conf/*.yml /etc/app/
";
    check_many(
        text,
        &[
            "COPY pack|age.json",
            "package-lock.j|son ./",
            "COPY |. .",
            "/app/d|ist",
            "/bin/busy|box /bin/",
            "https://example.com/a|.tgz",
            "https://example.com/b|.tgz",
            "buildkit.g|it",
            "conf/*.y|ml",
            "package-lock.json .|/",
        ],
        expect![[r#"
            === COPY pack|age.json
            39..51 `package.json`
            **Source** `package.json` · from the build context

            The content and metadata (mode, owner; not timestamps) of the files it matches are part of this step's key.

            An edit to these files reruns this step (line 3 `COPY`) and 9 later steps: line 4 `RUN`, line 5 `COPY`, line 6 `RUN`, line 9 `COPY`, line 10 `COPY` and 4 more.

            === package-lock.j|son ./
            52..69 `package-lock.json`
            **Source** `package-lock.json` · from the build context

            The content and metadata (mode, owner; not timestamps) of the files it matches are part of this step's key.

            An edit to these files reruns this step (line 3 `COPY`) and 9 later steps: line 4 `RUN`, line 5 `COPY`, line 6 `RUN`, line 9 `COPY`, line 10 `COPY` and 4 more.

            === COPY |. .
            89..90 `.`
            **Source** `.` · the whole build context

            Every file the context sends (after `.dockerignore`) is part of this step's key: any edit anywhere reruns it.

            An edit to these files reruns this step (line 5 `COPY`) and 7 later steps: line 6 `RUN`, line 9 `COPY`, line 10 `COPY`, line 11 `ADD`, line 12 `ADD` and 2 more.

            === /app/d|ist
            145..154 `/app/dist`
            **Source** `/app/dist` · from stage `deps`

            The step depends on the whole of stage `deps`: when any of its steps runs again, this copy runs again too, even if these files did not change.

            A change there reruns this step (line 9 `COPY`) and 5 later steps: line 10 `COPY`, line 11 `ADD`, line 12 `ADD`, line 13 `ADD` and line 14 `COPY`.

            === /bin/busy|box /bin/
            202..214 `/bin/busybox`
            **Source** `/bin/busybox` · from the image `busybox:1.36`

            The step reruns when the image does: a tag can move, a digest cannot.

            A change there reruns this step (line 10 `COPY`) and 4 later steps: line 11 `ADD`, line 12 `ADD`, line 13 `ADD` and line 14 `COPY`.

            === https://example.com/a|.tgz
            225..250 `https://example.com/a.tgz`
            **Source** `https://example.com/a.tgz` · downloaded by the builder

            Fetched on every build and compared by content: the step reruns only when the download changed. Add `--checksum=sha256:…` to also verify what arrives.

            A change there reruns this step (line 11 `ADD`) and 3 later steps: line 12 `ADD`, line 13 `ADD` and line 14 `COPY`.

            === https://example.com/b|.tgz
            344..369 `https://example.com/b.tgz`
            **Source** `https://example.com/b.tgz` · downloaded by the builder

            Verified against the `--checksum` digest; the cache is reused while that digest is unchanged.

            A change there reruns this step (line 12 `ADD`) and 2 later steps: line 13 `ADD` and line 14 `COPY`.

            === buildkit.g|it
            380..424 `https://github.com/moby/buildkit.git#v0.14.0`
            **Source** `https://github.com/moby/buildkit.git#v0.14.0` · a Git repository

            The builder resolves the commit `v0.14.0` points to at each build; the step reruns when that commit changes.

            A change there reruns this step (line 13 `ADD`) and 1 later step: line 14 `COPY`.

            === conf/*.y|ml
            435..445 `conf/*.yml`
            **Source** `conf/*.yml` · from the build context

            The content and metadata (mode, owner; not timestamps) of the files it matches are part of this step's key. The pattern is matched like Go's `filepath.Match` (`*` stays within one directory).

            An edit to these files reruns this step (line 14 `COPY`) and no later one.

            === package-lock.json .|/
            (none)

        "#]],
    );
}

#[test]
fn copy_sources_and_the_dockerignore() {
    use crate::config::build_context::BuildContext;
    use std::sync::Arc;
    let (text, offset) =
        cursor("FROM alpine:3.20\nCOPY sr$0c/ /app/src/\nCOPY secrets.env /app/\n");
    let analysis = Analysis::new(text.as_str());
    let config = Config {
        build_context: Some(Arc::new(BuildContext::with_dockerignore(
            ".dockerignore",
            "**/__pycache__\nsecrets.env\n",
        ))),
        ..Config::default()
    };
    let h = hover_with(&analysis, &config, offset, &Stub).expect("a source hover");
    assert!(
        h.markdown.contains("leaves out `**/__pycache__`"),
        "{}",
        h.markdown
    );
    let offset = text.find("secrets.env").unwrap() + 2;
    let h = hover_with(&analysis, &config, offset, &Stub).expect("a source hover");
    assert!(
        h.markdown
            .contains("`secrets.env` is excluded by `.dockerignore` (`secrets.env`, line 2)"),
        "{}",
        h.markdown
    );
}

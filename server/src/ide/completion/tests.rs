//! Completion tests: cursor-marker fixtures (`$0`) rendered as the replaced text and one
//! line per item (kind, label, what is inserted), or as the labels alone.

use expect_test::{expect, Expect};

use super::*;

/// Splits `$0` out of a fixture: the text and the cursor offset.
fn cursor(fixture: &str) -> (String, usize) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    (fixture.replacen("$0", "", 1), at)
}

fn items_at(fixture: &str) -> (String, Vec<Completion>) {
    let (text, offset) = cursor(fixture);
    let analysis = Analysis::new(text.as_str());
    let items = completions(&analysis, offset);
    for c in &items {
        // Every item replaces a range on the cursor's line that contains the cursor.
        assert!(c.range.contains_inclusive(offset), "{c:?}");
        assert!(!text[c.range.range()].contains(['\n', '\r']), "{c:?}");
    }
    (text, items)
}

/// The replaced text, then one line per item: kind, label, inserted text (the snippet
/// when there is one), a deprecation mark and the detail.
fn check(fixture: &str, expect: Expect) {
    let (text, items) = items_at(fixture);
    let mut out = String::new();
    if let Some(first) = items.first() {
        out.push_str(&format!("[{}]\n", &text[first.range.range()]));
    }
    for c in &items {
        out.push_str(&format!(
            "{:?} {} -> {:?}{}{}\n",
            c.kind,
            c.label,
            c.snippet.as_deref().unwrap_or(&c.insert),
            if c.deprecated { " (deprecated)" } else { "" },
            c.detail
                .as_deref()
                .map(|d| format!(" | {d}"))
                .unwrap_or_default(),
        ));
    }
    if items.is_empty() {
        out.push_str("(none)\n");
    }
    expect.assert_eq(&out);
}

/// The item `label` at `$0`: the text it replaces and the text it inserts without
/// snippets.
fn edit_of(fixture: &str, label: &str) -> (String, String) {
    let (text, items) = items_at(fixture);
    let item = items
        .iter()
        .find(|c| c.label == label)
        .unwrap_or_else(|| panic!("no {label} in {items:?}"));
    (text[item.range.range()].to_string(), item.insert.clone())
}

/// The labels only, on one line.
fn check_labels(fixture: &str, expect: Expect) {
    let (_, items) = items_at(fixture);
    let labels: Vec<&str> = items.iter().map(|c| c.label.as_str()).collect();
    expect.assert_eq(&labels.join(" "));
}

// Instructions.

#[test]
fn instructions_after_from_are_snippets_in_upper_case() {
    check(
        "FROM alpine:3.20\nRU$0\n",
        expect![[r#"
            [RU]
            Keyword FROM -> "FROM ${1:image}" | Starts a new build stage from a base image (or `scratch`, or an earlier stage).
            Keyword RUN -> "RUN ${1:command}" | Runs a command at build time and saves the files it changes as a new layer.
            Keyword COPY -> "COPY ${1:src} ${2:dest}" | Copies files from the build context, another stage or an image into the image.
            Keyword ARG -> "ARG ${1:name}" | Declares a build argument, a variable that `docker build --build-arg` can set.
            Keyword ENV -> "ENV ${1:key}=${2:value}" | Sets environment variables for the rest of the build and for the running container.
            Keyword WORKDIR -> "WORKDIR ${1:path}" | Sets (and creates) the working directory for the instructions that follow.
            Keyword CMD -> "CMD [\"${1:executable}\"]" | Sets the default command of the container, or default arguments for `ENTRYPOINT`.
            Keyword ENTRYPOINT -> "ENTRYPOINT [\"${1:executable}\"]" | Sets the program a container runs; `CMD` and `docker run` arguments go to it.
            Keyword EXPOSE -> "EXPOSE ${1:port}" | Documents the ports the application listens on; it publishes nothing by itself.
            Keyword USER -> "USER ${1:user}" | Sets the user and group that run later `RUN` commands and the container.
            Keyword LABEL -> "LABEL ${1:key}=\"${2:value}\"" | Adds key/value metadata to the image.
            Keyword ADD -> "ADD ${1:src} ${2:dest}" | Copies local files, URLs or Git repositories into the image, extracting local archives.
            Keyword HEALTHCHECK -> "HEALTHCHECK CMD ${1:command}" | Sets the command Docker runs now and then to tell whether the container works.
            Keyword HEALTHCHECK NONE -> "HEALTHCHECK NONE" | Turns off the health check inherited from the base image
            Keyword VOLUME -> "VOLUME [\"${1:path}\"]" | Declares directories that hold volumes, kept outside the container's filesystem.
            Keyword SHELL -> "SHELL [\"${1:executable}\", \"${2:parameters}\"]" | Changes the shell that runs the shell form of `RUN`, `CMD` and `ENTRYPOINT`.
            Keyword STOPSIGNAL -> "STOPSIGNAL ${1:signal}" | Sets the signal that asks the container to stop (default `SIGTERM`).
            Keyword ONBUILD -> "ONBUILD ${1:instruction}" | Stores an instruction that runs later, in builds that use this image as base.
            Keyword MAINTAINER -> "MAINTAINER ${1:name}" (deprecated) | Deprecated: sets the author field of the image; use a `LABEL` instead.
        "#]],
    );
}

#[test]
fn only_from_and_arg_before_the_first_from() {
    check_labels(
        "$0\n",
        expect!["FROM ARG # syntax=docker/dockerfile:1 # check=skip= # escape=`"],
    );
    check_labels(
        "ARG VERSION=1\n$0\nFROM alpine:${VERSION}\n",
        expect!["FROM ARG"],
    );
    check_labels("# syntax=docker/dockerfile:1\nF$0\n", expect!["FROM ARG"]);
}

#[test]
fn lowercase_files_get_lowercase_keywords() {
    check_labels(
        "from alpine:3.20\nrun echo hi\nworkdir /app\n$0\n",
        expect!["from run copy arg env workdir cmd entrypoint expose user label add healthcheck healthcheck none volume shell stopsignal onbuild maintainer"],
    );
    check(
        "from alpine:3.20\nhealthcheck --interval=5s $0\n",
        expect![[r#"
            []
            Keyword cmd -> "cmd" | The command that checks the container's health
        "#]],
    );
}

#[test]
fn onbuild_triggers_exclude_from_onbuild_and_maintainer() {
    check_labels("FROM alpine\nONBUILD $0\n", expect!["RUN COPY ARG ENV WORKDIR CMD ENTRYPOINT EXPOSE USER LABEL ADD HEALTHCHECK HEALTHCHECK NONE VOLUME SHELL STOPSIGNAL"]);
    check_labels("FROM alpine\nONBUILD CO$0\n", expect!["RUN COPY ARG ENV WORKDIR CMD ENTRYPOINT EXPOSE USER LABEL ADD HEALTHCHECK HEALTHCHECK NONE VOLUME SHELL STOPSIGNAL"]);
}

#[test]
fn a_keyword_typed_over_an_existing_one_keeps_its_arguments() {
    let fixture = "FROM alpine\nRU$0N echo hi\n";
    // The whole word is replaced, by the keyword alone: the line keeps `echo hi`.
    assert_eq!(edit_of(fixture, "RUN"), ("RUN".into(), "RUN".into()));
    let (_, items) = items_at(fixture);
    assert!(items.iter().all(|c| c.snippet.is_none()));
    // The second HEALTHCHECK form would bring its own arguments.
    assert!(!items.iter().any(|c| c.label.contains("NONE")));
}

#[test]
fn no_keywords_on_continuation_lines_heredoc_bodies_or_comments() {
    check(
        "FROM alpine\nRUN apt-get update && \\\n    ap$0\n",
        expect![[r#"
        (none)
    "#]],
    );
    check(
        "FROM alpine\nRUN <<EOF\nap$0\nEOF\n",
        expect![[r#"
        (none)
    "#]],
    );
    check(
        "FROM alpine\n# RU$0\n",
        expect![[r#"
        (none)
    "#]],
    );
    check(
        "FROM alpine\nRUN echo \\\n# co$0\n  hi\n",
        expect![[r#"
        (none)
    "#]],
    );
}

// Flags and their values.

#[test]
fn flags_of_each_instruction() {
    check(
        "FROM alpine\nCOPY --$0\n",
        expect![[r#"
        [--]
        Flag --from -> "--from=" | Copy from a build stage, a stage index, an image or a named context
        Flag --chown -> "--chown=" | Owner of the copied files: `user[:group]`, names or numeric ids
        Flag --chmod -> "--chmod=" | Permissions of the copied files (Dockerfile 1.2)
        Flag --link -> "--link" | Copy the files as an independent layer that survives base-image changes (Dockerfile 1.4)
        Flag --parents -> "--parents" | Keep the parent directories of the sources (Dockerfile 1.7-labs)
        Flag --exclude -> "--exclude=" | Leave out files matching the pattern (Dockerfile 1.7-labs)
    "#]],
    );
    check_labels(
        "FROM alpine\nADD --$0\n",
        expect!["--chown --chmod --link --keep-git-dir --checksum --unpack --exclude"],
    );
    check_labels(
        "FROM alpine\nRUN --$0\n",
        expect!["--mount --network --security --device"],
    );
    check_labels(
        "FROM alpine\nHEALTHCHECK --$0\n",
        expect!["--interval --timeout --start-period --start-interval --retries"],
    );
    check_labels("FROM --$0\n", expect!["--platform"]);
}

#[test]
fn flags_given_once_are_not_offered_again() {
    check_labels(
        "FROM alpine\nCOPY --link --chown=app:app --$0 . /app\n",
        expect!["--from --chmod --parents --exclude"],
    );
    // `--mount` may be repeated.
    check_labels(
        "FROM alpine\nRUN --mount=type=cache,target=/root/.cache --network=none --$0\n",
        expect!["--mount --security --device"],
    );
}

#[test]
fn no_flags_after_the_first_argument() {
    check(
        "FROM alpine\nCOPY . --$0\n",
        expect![[r#"
        (none)
    "#]],
    );
}

#[test]
fn flag_values() {
    check(
        "FROM alpine\nRUN --network=$0\n",
        expect![[r#"
        []
        Value default -> "default"
        Value none -> "none"
        Value host -> "host"
    "#]],
    );
    check_labels(
        "FROM alpine\nRUN --security=$0\n",
        expect!["sandbox insecure"],
    );
    check_labels("FROM alpine\nCOPY --link=$0\n", expect!["true false"]);
    check_labels(
        "FROM --platform=$0\n",
        expect!["$BUILDPLATFORM $TARGETPLATFORM linux/amd64 linux/arm64"],
    );
}

#[test]
fn flags_on_a_continuation_line() {
    let fixture =
        "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apt \\\n    --mount=type=ca$0\n";
    check_labels(fixture, expect!["bind cache tmpfs secret ssh"]);
    assert_eq!(edit_of(fixture, "cache"), ("ca".into(), "cache".into()));
}

#[test]
fn mount_types_options_and_values() {
    check(
        "FROM alpine\nRUN --mount=type=$0\n",
        expect![[r#"
        []
        Value bind -> "bind" | Files of the build context, a stage or an image (the default type)
        Value cache -> "cache" | A directory kept between builds, for package and compiler caches
        Value tmpfs -> "tmpfs" | A scratch directory in memory, emptied when the command ends
        Value secret -> "secret" | A secret passed with `docker build --secret`, as a file or variable
        Value ssh -> "ssh" | The SSH agent passed with `docker build --ssh`
    "#]],
    );
    check(
        "FROM alpine\nRUN --mount=type=cache,$0\n",
        expect![[r#"
        []
        Flag id -> "id=" | Name of the cache (default: the target path)
        Flag target -> "target=" | Where the cache appears (required)
        Flag readonly -> "readonly" | Use the cache without adding to it
        Flag rw -> "rw" | Writable (already the default for cache mounts)
        Flag sharing -> "sharing=" | Concurrent use: `shared` (default), `private` or `locked`
        Flag from -> "from=" | Stage or image that seeds a new cache (default: empty)
        Flag source -> "source=" | Directory of `from` that seeds the cache (default: its root)
        Flag mode -> "mode=" | File mode of the cache directory (default `0755`)
        Flag uid -> "uid=" | Numeric owner of the cache directory (default `0`)
        Flag gid -> "gid=" | Numeric group of the cache directory (default `0`)
        Flag dst -> "dst=" | Same as `target`
        Flag destination -> "destination=" | Same as `target`
        Flag ro -> "ro" | Same as `readonly`
        Flag readwrite -> "readwrite" | Same as `rw`
        Flag src -> "src=" | Same as `source`
    "#]],
    );
    check_labels(
        "FROM alpine\nRUN --mount=$0\n",
        expect!["type target source from rw readonly dst destination src readwrite ro"],
    );
    check_labels(
        "FROM alpine\nRUN --mount=type=tmpfs,$0\n",
        expect!["target size dst destination"],
    );
    check_labels(
        "FROM alpine\nRUN --mount=type=secret,id=npmrc,$0\n",
        expect!["target source env required mode uid gid dst destination src"],
    );
    check_labels(
        "FROM alpine\nRUN --mount=type=ssh,$0\n",
        expect!["id target required mode uid gid dst destination"],
    );
    check_labels(
        "FROM alpine\nRUN --mount=type=cache,target=/root/.npm,sharing=$0\n",
        expect!["shared private locked"],
    );
    check_labels(
        "FROM alpine\nRUN --mount=type=secret,required=$0\n",
        expect!["true false"],
    );
}

#[test]
fn mount_option_typed_in_the_middle_of_a_value() {
    let fixture = "FROM alpine\nRUN --mount=type=cache,tar$0,sharing=locked make\n";
    assert_eq!(edit_of(fixture, "target"), ("tar".into(), "target=".into()));
    // `sharing` is given after the cursor; `type` before it.
    let (_, items) = items_at(fixture);
    assert!(!items
        .iter()
        .any(|c| c.label == "sharing" || c.label == "type"));
    // Typed over a key that already has its value: the `=` is not doubled.
    let fixture = "FROM alpine\nRUN --mount=type=cache,tar$0=/x make\n";
    assert_eq!(edit_of(fixture, "target"), ("tar".into(), "target".into()));
}

// Stages.

const STAGES: &str = "\
FROM golang:1.22 AS build
FROM build AS test
FROM alpine:3.20
";

#[test]
fn stage_names_after_from_are_earlier_stages_only() {
    check(
        &format!("{STAGES}FROM $0\n"),
        expect![[r#"
        []
        Stage test -> "test" | Stage 1 (line 2) from `build`
        Stage build -> "build" | Stage 0 (line 1) from `golang:1.22`
        Value scratch -> "scratch" | An empty base image
    "#]],
    );
    // The stage being defined is not offered to itself.
    check_labels(
        "FROM golang:1.22 AS build\nFROM b$0 AS test\n",
        expect!["build scratch"],
    );
    check_labels("FROM alpine AS base\nFROM base $0\n", expect!["AS"]);
}

#[test]
fn stage_names_after_copy_from_and_mount_from() {
    check_labels(&format!("{STAGES}COPY --from=$0\n"), expect!["test build"]);
    check_labels(
        &format!("{STAGES}COPY --from=bu$0 /app /app\n"),
        expect!["test build"],
    );
    check_labels(
        &format!("{STAGES}RUN --mount=type=bind,from=$0\n"),
        expect!["test build"],
    );
    // Inside the second stage: only the first one.
    check_labels(
        "FROM golang AS build\nFROM alpine AS final\nCOPY --from=$0\nFROM scratch AS late\n",
        expect!["build"],
    );
}

#[test]
fn healthcheck_forms() {
    check_labels("FROM alpine\nHEALTHCHECK $0\n", expect!["CMD NONE"]);
    check_labels("FROM alpine\nHEALTHCHECK --retries=3 $0\n", expect!["CMD"]);
}

// Variables.

const VARS: &str = "\
ARG VERSION=1.22
ARG UNUSED_GLOBAL=x
FROM golang:${VERSION} AS build
ARG VERSION
ENV GOFLAGS=-mod=vendor CGO_ENABLED=0
";

#[test]
fn variables_in_a_stage_are_its_args_and_envs_and_proxies() {
    check(
        &format!("{VARS}RUN echo ${{$0\n"),
        expect![[r#"
        []
        Variable GOFLAGS -> "GOFLAGS}" | ENV = -mod=vendor
        Variable CGO_ENABLED -> "CGO_ENABLED}" | ENV = 0
        Variable VERSION -> "VERSION}" | ARG = 1.22
        Variable HTTP_PROXY -> "HTTP_PROXY}" | Automatic build argument
        Variable http_proxy -> "http_proxy}" | Automatic build argument
        Variable HTTPS_PROXY -> "HTTPS_PROXY}" | Automatic build argument
        Variable https_proxy -> "https_proxy}" | Automatic build argument
        Variable FTP_PROXY -> "FTP_PROXY}" | Automatic build argument
        Variable ftp_proxy -> "ftp_proxy}" | Automatic build argument
        Variable NO_PROXY -> "NO_PROXY}" | Automatic build argument
        Variable no_proxy -> "no_proxy}" | Automatic build argument
        Variable ALL_PROXY -> "ALL_PROXY}" | Automatic build argument
        Variable all_proxy -> "all_proxy}" | Automatic build argument
    "#]],
    );
}

#[test]
fn variables_in_from_are_global_args_and_platform_args() {
    check_labels("ARG VERSION=1\nARG BASE=alpine\nFROM ${$0}\n", expect!["BASE VERSION TARGETPLATFORM TARGETOS TARGETARCH TARGETVARIANT BUILDPLATFORM BUILDOS BUILDARCH BUILDVARIANT TARGETSTAGE BUILDKIT_CACHE_MOUNT_NS BUILDKIT_CONTEXT_KEEP_GIT_DIR BUILDKIT_INLINE_CACHE BUILDKIT_MULTI_PLATFORM BUILDKIT_SANDBOX_HOSTNAME BUILDKIT_SYNTAX BUILDKIT_BUILD_NAME SOURCE_DATE_EPOCH HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy NO_PROXY no_proxy ALL_PROXY all_proxy"]);
}

#[test]
fn variable_documentation_shows_the_value_here() {
    let (_, items) = items_at(&format!("{VARS}RUN echo $GO$0\n"));
    let goflags = items.iter().find(|c| c.label == "GOFLAGS").unwrap();
    expect![[r#"
        **`$GOFLAGS`** · environment variable (ENV)

        Value here: `-mod=vendor`

        Declared on line 5: `ENV GOFLAGS=-mod=vendor CGO_ENABLED=0`"#]]
    .assert_eq(goflags.documentation.as_deref().unwrap_or(""));
    let version = items.iter().find(|c| c.label == "VERSION").unwrap();
    expect![[r#"
        **`$VERSION`** · build argument (ARG)

        Value here: `1.22`

        Declared on line 4: `ARG VERSION`"#]]
    .assert_eq(version.documentation.as_deref().unwrap_or(""));
    // A redeclared ARG replaces only the name after `$`.
    expect![[r#"129..131 "VERSION""#]]
        .assert_eq(&format!("{:?} {:?}", version.range, version.insert));
}

#[test]
fn variables_in_heredoc_bodies_and_escaped_dollars() {
    check_labels(&format!("{VARS}RUN <<EOF\necho $C$0\nEOF\n"), expect!["GOFLAGS CGO_ENABLED VERSION HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy NO_PROXY no_proxy ALL_PROXY all_proxy"]);
    check(
        &format!("{VARS}RUN echo \\$$0\n"),
        expect![[r#"
        (none)
    "#]],
    );
}

#[test]
fn windows_escape_directive() {
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG DIR=C:\\app\nRUN --mount=type=cache,target=C:\\cache `\n    --network=h$0\n";
    assert_eq!(edit_of(text, "host"), ("h".into(), "host".into()));
    check_labels(
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nARG DIR=C:\\app\nRUN echo \\$$0\n",
        expect!["DIR HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy NO_PROXY no_proxy ALL_PROXY all_proxy"],
    );
}

#[test]
fn crlf_files() {
    // The `\r` is not part of the word replaced.
    let fixture = "FROM alpine\r\nRUN --network=no$0\r\nRUN echo\r\n";
    assert_eq!(edit_of(fixture, "none"), ("no".into(), "none".into()));
    assert_eq!(edit_of("FROM alpine\r\nR$0\r\n", "RUN").0, "R");
    check_labels("FROM alpine\r\nR$0\r\n", expect!["FROM RUN COPY ARG ENV WORKDIR CMD ENTRYPOINT EXPOSE USER LABEL ADD HEALTHCHECK HEALTHCHECK NONE VOLUME SHELL STOPSIGNAL ONBUILD MAINTAINER"]);
}

#[test]
fn onbuild_arguments() {
    check_labels(
        "FROM alpine\nONBUILD COPY --$0\n",
        expect!["--from --chown --chmod --link --parents --exclude"],
    );
    check_labels(
        "FROM alpine\nONBUILD RUN --mount=type=$0\n",
        expect!["bind cache tmpfs secret ssh"],
    );
}

// Directives.

#[test]
fn directive_names_at_the_top() {
    check(
        "# $0\nFROM alpine\n",
        expect![[r#"
        []
        Directive syntax -> "syntax=${1:docker/dockerfile:1}" | Choose the Dockerfile frontend
        Directive check -> "check=skip=" | Configure BuildKit's build checks
        Directive escape -> "escape=${1:`}" | Change the escape character
    "#]],
    );
    check_labels(
        "# syntax=docker/dockerfile:1\n# $0\nFROM alpine\n",
        expect!["check escape"],
    );
    // Right after `#`: a space comes first.
    check(
        "#$0\nFROM alpine\n",
        expect![[r#"
        []
        Directive syntax -> " syntax=${1:docker/dockerfile:1}" | Choose the Dockerfile frontend
        Directive check -> " check=skip=" | Configure BuildKit's build checks
        Directive escape -> " escape=${1:`}" | Change the escape character
    "#]],
    );
    // Not after an instruction: an ordinary comment.
    check_labels("FROM alpine\n# $0\n", expect![[""]]);
}

#[test]
fn directive_lines_on_an_empty_first_line() {
    check(
        "$0",
        expect![[r##"
        []
        Keyword FROM -> "FROM ${1:image}" | Starts a new build stage from a base image (or `scratch`, or an earlier stage).
        Keyword ARG -> "ARG ${1:name}" | Declares a build argument, a variable that `docker build --build-arg` can set.
        Directive # syntax=docker/dockerfile:1 -> "# syntax=${1:docker/dockerfile:1}" | Choose the Dockerfile frontend
        Directive # check=skip= -> "# check=skip=" | Configure BuildKit's build checks
        Directive # escape=` -> "# escape=${1:`}" | Change the escape character
    "##]],
    );
}

#[test]
fn check_directive_keys_and_names() {
    check_labels(
        "# check=$0\nFROM alpine\n",
        expect!["skip error experimental"],
    );
    check_labels(
        "# check=skip=JSONArgsRecommended;$0\nFROM alpine\n",
        expect!["error experimental"],
    );
    check(
        "# check=skip=JSONArgsRecommended,Undef$0\nFROM alpine\n",
        expect![[r#"
            [Undef]
            Check all -> "all" | Every check
            Check ConsistentInstructionCasing -> "ConsistentInstructionCasing" | Instruction keyword not in the file's majority case
            Check CopyIgnoredFile -> "CopyIgnoredFile" | COPY/ADD source excluded by .dockerignore
            Check DuplicateStageName -> "DuplicateStageName" | Two stages share a name
            Check ExposeInvalidFormat -> "ExposeInvalidFormat" | IP address or host-port mapping in EXPOSE
            Check ExposeProtoCasing -> "ExposeProtoCasing" | EXPOSE protocol not lowercase
            Check FromAsCasing -> "FromAsCasing" | AS keyword not in the case of FROM
            Check FromPlatformFlagConstDisallowed -> "FromPlatformFlagConstDisallowed" | FROM --platform with a constant value
            Check InvalidBaseImagePlatform -> "InvalidBaseImagePlatform" | Base image is not published for the stage's platform
            Check InvalidDefaultArgInFrom -> "InvalidDefaultArgInFrom" | FROM image is invalid with the ARG defaults
            Check InvalidDefinitionDescription -> "InvalidDefinitionDescription" | Comment above a stage or ARG is not a description
            Check LegacyKeyValueFormat -> "LegacyKeyValueFormat" | ENV or LABEL in the legacy `key value` form
            Check MaintainerDeprecated -> "MaintainerDeprecated" | MAINTAINER is deprecated
            Check MultipleInstructionsDisallowed -> "MultipleInstructionsDisallowed" | More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage
            Check NoEmptyContinuation -> "NoEmptyContinuation" | Empty line inside a continued instruction
            Check RedundantTargetPlatform -> "RedundantTargetPlatform" | FROM --platform=$TARGETPLATFORM is the default
            Check ReservedStageName -> "ReservedStageName" | Stage name is reserved (scratch, context)
            Check SecretsUsedInArgOrEnv -> "SecretsUsedInArgOrEnv" | ARG/ENV name that looks like a secret
            Check StageNameCasing -> "StageNameCasing" | Stage name is not lower-case
            Check UndefinedArgInFrom -> "UndefinedArgInFrom" | FROM uses a variable no global ARG declares
            Check UndefinedVar -> "UndefinedVar" | Variable is not defined at this point
            Check WorkdirRelativePath -> "WorkdirRelativePath" | WORKDIR path is relative
        "#]],
    );
    check_labels("# check=error=$0\nFROM alpine\n", expect!["true false"]);
    check_labels("# escape=$0\nFROM alpine\n", expect![[r#"` \"#]]);
}

// Robustness.

#[test]
fn any_offset_of_any_file_is_harmless() {
    let texts = [
        STAGES,
        VARS,
        "# escape=`\nFROM x\nRUN a `\n  b\n",
        "FROM a\r\nRUN <<EOF\r\n$x\r\nEOF\r\n",
        "\u{feff}# syntax=x\nFROM é AS ü\nCOPY --from=ü --$ ${ \\\n",
        "ONBUILD\nRUN --mount=,,=,type=\nHEALTHCHECK NONE --\n",
    ];
    for text in texts {
        let analysis = Analysis::new(text);
        for offset in 0..=text.len() + 2 {
            for c in completions(&analysis, offset) {
                assert!(
                    text.get(c.range.range()).is_some(),
                    "{text:?} {offset}: {c:?}"
                );
            }
        }
    }
}

#[test]
fn doc_keys_round_trip_and_resolve() {
    let keys = [
        DocKey::Instruction(Kind::Run),
        DocKey::Flag(Kind::Copy, "from".into()),
        DocKey::MountType("cache".into()),
        DocKey::MountOption("cache".into(), "sharing".into()),
        DocKey::Directive("check".into()),
        DocKey::Check("JSONArgsRecommended".into()),
        DocKey::AutomaticArg("TARGETPLATFORM".into()),
    ];
    for key in keys {
        assert_eq!(DocKey::decode(&key.encode()), Some(key.clone()));
        assert!(key.markdown().is_some_and(|md| !md.is_empty()), "{key:?}");
    }
    assert_eq!(DocKey::decode("flag/NOPE/x"), None);
    assert_eq!(DocKey::decode("bogus"), None);
    assert_eq!(DocKey::Check("NotACheck".into()).markdown(), None);
    expect![[r#"
        **JSONArgsRecommended** · BuildKit build check

        Shell-form CMD or ENTRYPOINT

        dockerfile-lsp reports it as `json-args-recommended`; `skip=` turns that rule off too.

        [Build checks reference](https://docs.docker.com/reference/build-checks/json-args-recommended/)"#]].assert_eq(&DocKey::Check("JSONArgsRecommended".into()).markdown().unwrap());
}

#[test]
fn continuation_at_the_end_of_the_file_and_indented_keywords() {
    // The line after a continued line belongs to the instruction: no keywords there.
    check_labels("FROM alpine\nRUN apt-get update \\\n$0", expect![[""]]);
    check_labels(
        "FROM alpine\nCOPY --from=build \\\n    --ch$0",
        expect!["--chown --chmod --link --parents --exclude"],
    );
    check_labels("FROM alpine\n  WO$0\n", expect!["FROM RUN COPY ARG ENV WORKDIR CMD ENTRYPOINT EXPOSE USER LABEL ADD HEALTHCHECK HEALTHCHECK NONE VOLUME SHELL STOPSIGNAL ONBUILD MAINTAINER"]);
    check_labels("FROM alpine\nENV A=1\n\n$0\n", expect!["FROM RUN COPY ARG ENV WORKDIR CMD ENTRYPOINT EXPOSE USER LABEL ADD HEALTHCHECK HEALTHCHECK NONE VOLUME SHELL STOPSIGNAL ONBUILD MAINTAINER"]);
}

#[test]
fn platform_args_inside_a_stage_only_when_redeclared() {
    check_labels("FROM alpine\nRUN echo $TARGET$0\n", expect!["HTTP_PROXY http_proxy HTTPS_PROXY https_proxy FTP_PROXY ftp_proxy NO_PROXY no_proxy ALL_PROXY all_proxy"]);
    let (_, items) = items_at("FROM alpine\nARG TARGETARCH\nRUN echo $TARGET$0\n");
    let arch = items.iter().find(|c| c.label == "TARGETARCH").unwrap();
    expect![[r#"
        **`$TARGETARCH`** · build argument (ARG)

        Value here: set by the builder (an automatic build argument)

        Declared on line 2: `ARG TARGETARCH`"#]]
    .assert_eq(arch.documentation.as_deref().unwrap_or(""));
    assert_eq!(arch.doc, Some(DocKey::AutomaticArg("TARGETARCH".into())));
}

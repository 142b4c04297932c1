//! Rename tests: `$0` marks the cursor; results are the edited text, or the message the
//! user sees.

use expect_test::{expect, Expect};

use super::*;
use crate::ide::navigation::tests::{cursor, span};
use crate::text::apply_edits;

/// The text after renaming at `$0`, or the error message.
fn renamed(fixture: &str, new_name: &str) -> String {
    let (text, offset) = cursor(fixture);
    let analysis = Analysis::new(text.clone());
    match rename(&analysis, offset, new_name) {
        Ok(Some(edits)) => apply_edits(&text, &edits),
        Ok(None) => "(nothing to rename)".to_string(),
        Err(message) => format!("error: {message}"),
    }
}

fn check(fixture: &str, new_name: &str, expect: Expect) {
    expect.assert_eq(&renamed(fixture, new_name));
}

fn check_prepare(fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let analysis = Analysis::new(text);
    let out = match prepare(&analysis, offset) {
        Some(p) => format!(
            "{} placeholder `{}`",
            span(&analysis, p.range),
            p.placeholder
        ),
        None => "(null)".to_string(),
    };
    expect.assert_eq(&out);
}

const STAGES: &str = "\
FROM golang:1.22 AS build
FROM build AS test
FROM alpine:3.20
COPY --from=Build /out/app /app
COPY --from=0 /etc/passwd /etc/passwd
RUN --mount=from=build,target=/x ls /x
";

#[test]
fn a_stage_is_renamed_everywhere_but_its_index_stays() {
    check(
        &STAGES.replacen("FROM build", "FROM bu$0ild", 1),
        "compile",
        expect![[r#"
            FROM golang:1.22 AS compile
            FROM compile AS test
            FROM alpine:3.20
            COPY --from=compile /out/app /app
            COPY --from=0 /etc/passwd /etc/passwd
            RUN --mount=from=compile,target=/x ls /x
        "#]],
    );
}

#[test]
fn invalid_stage_names_are_refused_with_a_reason() {
    let fixture = STAGES.replacen("AS build", "AS bu$0ild", 1);
    check(
        &fixture,
        "1st",
        expect!["error: `1st` is not a valid stage name: it must start with a letter and contain only letters, digits, `-`, `_` and `.`"],
    );
    check(
        &fixture,
        "Scratch",
        expect!["error: `Scratch` is reserved: `scratch` is the empty image and `context` the build context"],
    );
    check(
        &fixture,
        "TEST",
        expect!["error: stage 1 is already named `test`"],
    );
    check(
        "FROM alpine AS bu$0ild\nFROM ubuntu\n",
        "ubuntu",
        expect!["error: the file already uses an image named `ubuntu`: it would become this stage"],
    );
    check(
        "FROM alpine AS bu$0ild\nFROM alpine\nCOPY --from=busybox /bin/sh /bin/sh\n",
        "busybox",
        expect![
            "error: the file already uses an image named `busybox`: it would become this stage"
        ],
    );
    // A tagged image cannot be read as a stage name.
    assert!(!renamed(&fixture, "alpine").starts_with("error"));
    // Upper case is valid: BuildKit lower-cases stage names.
    check(
        "FROM alpine AS a$0\nCOPY --from=a / /\n",
        "Builder.v2",
        expect![[r#"
            FROM alpine AS Builder.v2
            COPY --from=Builder.v2 / /
        "#]],
    );
}

#[test]
fn renaming_the_global_arg_renames_its_redeclarations() {
    let text = "\
ARG VERSION=1.22
FROM golang:${VERSION} AS build
ARG VERSION
RUN echo $VERSION
FROM alpine AS other
ARG VERSION=9
RUN echo $VERSION
";
    // From the global, from a redeclaration and from a use in the stage: one edit.
    let from_global = renamed(
        &text.replacen("ARG VERSION=1.22", "ARG VERSION$0=1.22", 1),
        "GO_VERSION",
    );
    let from_redeclaration = renamed(
        &text.replacen("ARG VERSION\n", "ARG VER$0SION\n", 1),
        "GO_VERSION",
    );
    let from_use = renamed(
        &text.replacen("echo $VERSION", "echo $VERSION$0", 1),
        "GO_VERSION",
    );
    assert_eq!(from_global, from_redeclaration);
    assert_eq!(from_global, from_use);
    expect![[r#"
        ARG GO_VERSION=1.22
        FROM golang:${GO_VERSION} AS build
        ARG GO_VERSION
        RUN echo $GO_VERSION
        FROM alpine AS other
        ARG VERSION=9
        RUN echo $VERSION
    "#]]
    .assert_eq(&from_global);
    // The other stage's own ARG stays apart.
    check(
        &text
            .replacen("ARG VERSION=9", "ARG VERSION=9$0", 1)
            .replacen("=9$0", "$0=9", 1),
        "OTHER",
        expect![[r#"
            ARG VERSION=1.22
            FROM golang:${VERSION} AS build
            ARG VERSION
            RUN echo $VERSION
            FROM alpine AS other
            ARG OTHER=9
            RUN echo $OTHER
        "#]],
    );
}

#[test]
fn a_stage_env_is_renamed_in_its_stage_only() {
    check(
        "\
FROM alpine AS one
ENV DIR$0=/srv
WORKDIR $DIR
FROM alpine AS two
ENV DIR=/opt
WORKDIR ${DIR}
",
        "APP_DIR",
        expect![[r#"
            FROM alpine AS one
            ENV APP_DIR=/srv
            WORKDIR $APP_DIR
            FROM alpine AS two
            ENV DIR=/opt
            WORKDIR ${DIR}
        "#]],
    );
}

#[test]
fn invalid_or_clashing_variable_names_are_refused() {
    let fixture = "FROM alpine\nARG A$0=1\nENV B=2\nRUN echo $A $B\n";
    check(
        fixture,
        "1A",
        expect!["error: `1A` is not a valid variable name: use letters, digits and `_`, not starting with a digit"],
    );
    check(
        fixture,
        "A-B",
        expect!["error: `A-B` is not a valid variable name: use letters, digits and `_`, not starting with a digit"],
    );
    check(
        fixture,
        "B",
        expect!["error: `B` is already declared on line 3, where this variable is visible"],
    );
    check(
        fixture,
        "HTTP_PROXY",
        expect!["error: `HTTP_PROXY` is an ARG the builder sets: choose another name"],
    );
    // The same name in another stage is no clash.
    check(
        "FROM alpine\nARG A$0=1\nFROM alpine\nENV B=2\n",
        "B",
        expect![[r#"
            FROM alpine
            ARG B=1
            FROM alpine
            ENV B=2
        "#]],
    );
    // Builder ARGs and undeclared names cannot be renamed.
    check(
        "FROM alpine\nARG TARGETARCH\nRUN echo $TARGET$0ARCH\n",
        "ARCH",
        expect!["error: `TARGETARCH` is an ARG the builder sets: renaming it would lose its value"],
    );
    check(
        "FROM alpine\nRUN echo $NOPE$0\n",
        "X",
        expect!["error: no ARG or ENV of this file declares `NOPE` here: nothing to rename"],
    );
}

#[test]
fn heredoc_delimiters_are_renamed_in_marker_and_terminator() {
    let text = "FROM alpine\nRUN <<-'EOF' sh\n\techo END\n\tEOF\n";
    check(
        &text.replacen("'EOF'", "'E$0OF'", 1),
        "SCRIPT",
        expect![[r#"
            FROM alpine
            RUN <<-'SCRIPT' sh
            	echo END
            	SCRIPT
        "#]],
    );
    check(
        "FROM alpine\nRUN <<EOF$0\nEND\nEOF\n",
        "END",
        expect!["error: a line of the heredoc body is `END`: the heredoc would end there"],
    );
}

#[test]
fn prepare_rename_gives_the_name_or_null() {
    check_prepare(
        "FROM alpine AS build\nCOPY --from=bu$0ild / /\n",
        expect!["2:13-2:18 `build` placeholder `build`"],
    );
    check_prepare(
        "FROM alpine\nENV X=1\nRUN echo ${X$0:-y}\n",
        expect!["3:12-3:13 `X` placeholder `X`"],
    );
    check_prepare("FR$0OM alpine AS build\n", expect!["(null)"]);
    check_prepare("FROM alpine\nRUN echo $HTTP_PROXY$0\n", expect!["(null)"]);
    check_prepare(
        "FROM alpine\nFROM debian\nCOPY --from=0$0 / /\n",
        expect!["(null)"],
    );
    check_prepare("FROM alpi$0ne\n", expect!["(null)"]);
}

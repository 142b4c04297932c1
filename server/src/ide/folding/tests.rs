//! Folding tests: folds rendered as `start-end kind | first line`.

use expect_test::{expect, Expect};

use super::*;
use crate::syntax::tree;

fn render(text: &str) -> String {
    let analysis = Analysis::new(text);
    let tree = tree::parse(&mut tree::new_parser(), text, None);
    let folds = folds(&analysis, &tree);
    let mut out = String::new();
    let mut seen = std::collections::HashSet::new();
    for f in &folds {
        assert!(f.start_line < f.end_line, "one-line fold {f:?}");
        assert!(seen.insert((f.start_line, f.end_line)), "duplicate {f:?}");
        assert!(f.range.end() <= text.len());
        let first = analysis
            .line_index()
            .line_range(text, f.start_line as usize);
        out.push_str(&format!(
            "{}-{} {:?} | {}\n",
            f.start_line,
            f.end_line,
            f.kind,
            &text[first.range()]
        ));
    }
    out
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text));
}

#[test]
fn stages_instructions_heredocs_and_comment_blocks() {
    check(
        r#"# syntax=docker/dockerfile:1
# Build stage:
# compiles the app.
FROM golang:1.22 AS build
RUN --mount=type=cache,target=/go \
    go build \
      -o /app .
COPY <<EOF /etc/app.conf
a = 1
EOF

# one comment is not a block
FROM scratch
COPY --from=build /app /app
ENTRYPOINT ["/app"]
"#,
        expect![[r#"
            0-2 Comment | # syntax=docker/dockerfile:1
            3-9 Stage | FROM golang:1.22 AS build
            4-6 Code | RUN --mount=type=cache,target=/go \
            7-9 Code | COPY <<EOF /etc/app.conf
            12-14 Stage | FROM scratch
        "#]],
    );
}

#[test]
fn a_fold_never_hides_the_next_line() {
    // The comment block's last node ends with its line break; the RUN's here-document
    // ends at the terminator; a one-instruction stage has nothing to fold.
    check(
        "FROM alpine\n# a\n# b\nRUN <<EOF\necho hi\nEOF\nFROM scratch\n",
        expect![[r#"
            0-5 Stage | FROM alpine
            1-2 Comment | # a
            3-5 Code | RUN <<EOF
        "#]],
    );
}

#[test]
fn crlf_and_a_stage_ending_in_a_continuation() {
    check(
        "FROM alpine\r\nRUN apk add \\\r\n  curl\r\n",
        expect![[r#"
            0-2 Stage | FROM alpine
            1-2 Code | RUN apk add \
        "#]],
    );
}

#[test]
fn empty_and_one_line_files_have_no_folds() {
    check("", expect![[r#""#]]);
    check("FROM alpine", expect![[r#""#]]);
    check("# just a comment\n", expect![[r#""#]]);
}

#[test]
fn backtick_escape_and_broken_trees() {
    check(
        "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    Write-Host hi; `\n    Write-Host there\nENV A=1 B 2\nLABEL a=1 \\\n  b=2 c 3\n",
        expect![[r#"
            1-7 Stage | FROM mcr.microsoft.com/windows/servercore:ltsc2022
            2-4 Code | RUN powershell -Command `
        "#]],
    );
}

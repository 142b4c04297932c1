//! Selection tests: the chain at a `$0` cursor, innermost first, one range per line.

use expect_test::{expect, Expect};

use super::*;
use crate::syntax::tree;

fn check(fixture: &str, expect: Expect) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    let analysis = Analysis::new(text.as_str());
    let tree = tree::parse(&mut tree::new_parser(), &text, None);
    let chain = selection_chain(&analysis, &tree, at);
    for pair in chain.windows(2) {
        let (inner, outer) = (pair[0], pair[1]);
        assert!(
            outer.start() <= inner.start() && inner.end() <= outer.end() && inner != outer,
            "{outer:?} does not strictly contain {inner:?}"
        );
    }
    assert_eq!(chain.last(), Some(&TextRange::new(0, text.len())));
    let out: String = chain
        .iter()
        .map(|r| format!("{:?}\n", &text[r.range()]))
        .collect();
    expect.assert_eq(&out);
}

#[test]
fn word_flag_instruction_stage_file() {
    check(
        "FROM alpine AS base\nCOPY --from=bu$0ild /app /app\nRUN true\n\nFROM scratch\n",
        expect![[r#"
            "build"
            "--from=build"
            "--from=build /app /app"
            "COPY --from=build /app /app"
            "FROM alpine AS base\nCOPY --from=build /app /app\nRUN true"
            "FROM alpine AS base\nCOPY --from=build /app /app\nRUN true\n\nFROM scratch"
            "FROM alpine AS base\nCOPY --from=build /app /app\nRUN true\n\nFROM scratch\n"
        "#]],
    );
}

#[test]
fn a_word_in_a_continued_shell_command() {
    check(
        "FROM alpine\nRUN apt-get update \\\n  && apt-get inst$0all -y curl\n",
        expect![[r#"
            "install"
            "apt-get update \\\n  && apt-get install -y curl"
            "RUN apt-get update \\\n  && apt-get install -y curl"
            "FROM alpine\nRUN apt-get update \\\n  && apt-get install -y curl"
            "FROM alpine\nRUN apt-get update \\\n  && apt-get install -y curl\n"
        "#]],
    );
}

#[test]
fn key_value_pairs_and_the_end_of_a_word() {
    check(
        "FROM alpine\nENV A=1 PATH=/bin$0\n",
        expect![[r#"
        "/bin"
        "PATH=/bin"
        "A=1 PATH=/bin"
        "ENV A=1 PATH=/bin"
        "FROM alpine\nENV A=1 PATH=/bin"
        "FROM alpine\nENV A=1 PATH=/bin\n"
    "#]],
    );
}

#[test]
fn whitespace_comments_and_empty_files() {
    check(
        "FROM alpine\n# a $0comment\n",
        expect![[r##"
        "comment"
        "# a comment"
        "FROM alpine\n# a comment"
        "FROM alpine\n# a comment\n"
    "##]],
    );
    check(
        "FROM alpine\n\n$0\nRUN x\n",
        expect![[r#"
        "FROM alpine\n\n\nRUN x"
        "FROM alpine\n\n\nRUN x\n"
    "#]],
    );
    let analysis = Analysis::new("");
    let tree = tree::parse(&mut tree::new_parser(), "", None);
    assert!(selection_chain(&analysis, &tree, 5).is_empty());
}

#[test]
fn onbuild_triggers_and_heredocs() {
    check(
        "FROM alpine\nONBUILD RUN --network=no$0ne make\nRUN <<EOF\necho hi\nEOF\n",
        expect![[r#"
            "none"
            "--network=none"
            "--network=none make"
            "RUN --network=none make"
            "ONBUILD RUN --network=none make"
            "FROM alpine\nONBUILD RUN --network=none make\nRUN <<EOF\necho hi\nEOF"
            "FROM alpine\nONBUILD RUN --network=none make\nRUN <<EOF\necho hi\nEOF\n"
        "#]],
    );
    check(
        "FROM alpine\nRUN <<EOF\necho h$0i\nEOF\n",
        expect![[r#"
        "hi"
        "echo hi"
        "echo hi\nEOF"
        "<<EOF\necho hi\nEOF"
        "RUN <<EOF\necho hi\nEOF"
        "FROM alpine\nRUN <<EOF\necho hi\nEOF"
        "FROM alpine\nRUN <<EOF\necho hi\nEOF\n"
    "#]],
    );
}

//! Formatter tests: before → after snapshots for each normalisation, with tabs shown as
//! `⇥`, carriage returns as `␍` and trailing spaces as `·`. Every document snapshot also
//! checks that the edits are sorted and disjoint, that a second run changes nothing, and
//! that BuildKit's view of the instructions (our scanner agrees with it on the corpus)
//! stays the same apart from whitespace runs.

use expect_test::{expect, Expect};

use super::*;
use crate::text::apply_edits;

/// Shows what whitespace a snapshot would hide.
fn visible(text: &str) -> String {
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let (body, cr) = match body.strip_suffix('\r') {
            Some(b) => (b, "␍"),
            None => (body, ""),
        };
        let trimmed = body.trim_end_matches(' ');
        out.push_str(&trimmed.replace('\t', "⇥"));
        out.push_str(&"·".repeat(body.len() - trimmed.len()));
        out.push_str(cr);
        out.push_str(nl);
    }
    out
}

/// Collapses whitespace runs: how shell-form values are compared across formatting.
fn collapsed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The instruction facts formatting must keep: keyword (case-insensitive), flags, form,
/// values (whitespace runs collapsed), heredocs.
fn shape(text: &str) -> Vec<String> {
    syntax::parse(text)
        .instructions
        .iter()
        .map(|i| {
            let e = i.effective();
            let json = e
                .args
                .json
                .as_ref()
                .map(|j| j.iter().map(|w| w.text.clone()).collect::<Vec<_>>());
            let heredocs: Vec<_> = e.heredocs.iter().map(|h| (&h.name, &h.content)).collect();
            format!(
                "{} {:?} {:?} {:?} {:?} {:?}",
                i.keyword.to_ascii_uppercase(),
                e.keyword.to_ascii_uppercase(),
                e.flags.iter().map(|f| &f.raw).collect::<Vec<_>>(),
                json,
                if json.is_some() {
                    String::new()
                } else {
                    collapsed(&e.args.text)
                },
                heredocs
            )
        })
        .collect()
}

fn format_with(text: &str, options: FormatOptions) -> String {
    let analysis = Analysis::new(text);
    let edits = format_document(&analysis, options);
    for pair in edits.windows(2) {
        assert!(
            pair[0].range.end() <= pair[1].range.start(),
            "edits overlap or are unsorted: {pair:?}"
        );
    }
    let out = apply_edits(text, &edits);
    let again = format_document(&Analysis::new(out.as_str()), options);
    assert!(
        again.is_empty(),
        "not idempotent: second run edits {again:?} on\n{out}"
    );
    assert_eq!(shape(text), shape(&out), "the instructions changed");
    assert_eq!(
        syntax::parse(text).errors.len(),
        syntax::parse(&out).errors.len(),
        "syntax errors changed"
    );
    out
}

fn check(before: &str, expect: Expect) {
    expect.assert_eq(&visible(&format_with(before, FormatOptions::default())));
}

fn check_with(before: &str, options: FormatOptions, expect: Expect) {
    expect.assert_eq(&visible(&format_with(before, options)));
}

#[test]
fn keyword_lines_are_upper_case_unindented_with_one_space_after_the_keyword() {
    check(
        "  from alpine AS base\n\tRun echo hi\nonbuild run make\n  # a comment  \n   \nfoo bar\nRUN  \t echo wide\nRUN   \\\n  echo next\nWORKDIR   \n",
        expect![[r#"
            FROM alpine AS base
            RUN echo hi
            ONBUILD RUN make
            # a comment

            foo bar
            RUN echo wide
            RUN   \
                echo next
            WORKDIR
        "#]],
    );
}

#[test]
fn continuation_lines_get_the_configured_indent() {
    check(
        "RUN apt-get update && \\\n  apt-get install -y curl && \\\n  rm -rf /var/lib/apt/lists/*\n",
        expect![[r#"
            RUN apt-get update && \
                apt-get install -y curl && \
                rm -rf /var/lib/apt/lists/*
        "#]],
    );
    check(
        "RUN a \\\nb\n",
        expect![[r#"
            RUN a \
                b
        "#]],
    );
}

#[test]
fn nested_continuations_keep_their_relative_depth() {
    check(
        "RUN set -e; \\\n  for f in a b; do \\\n      echo $f; \\\n        echo deeper; \\\n  done\n",
        expect![[r#"
            RUN set -e; \
                for f in a b; do \
                    echo $f; \
                      echo deeper; \
                done
        "#]],
    );
}

#[test]
fn tabs_when_configured() {
    let tabs = FormatOptions {
        indent: Indent::Tab,
        tab_width: 4,
    };
    check_with(
        "RUN a \\\n    b \\\n        c \\\n          d\n",
        tabs,
        expect![[r#"
            RUN a \
            ⇥b \
            ⇥⇥c \
            ⇥⇥  d
        "#]],
    );
    check_with(
        "RUN a \\\n\tb \\\n\t\tc\n",
        FormatOptions {
            indent: Indent::Spaces(2),
            tab_width: 8,
        },
        expect![[r#"
            RUN a \
              b \
                      c
        "#]],
    );
}

#[test]
fn comments_and_empty_lines_inside_continuations() {
    check(
        "RUN a \\\n# top comment   \n      && b \\\n\t  \n        # deeper comment\n      && c\n",
        expect![[r#"
            RUN a \
                # top comment
                && b \

                  # deeper comment
                && c
        "#]],
    );
}

#[test]
fn heredoc_bodies_and_terminators_are_untouched() {
    check(
        "run <<EOF   \n  set -e  \n\techo hi\n  EOF\nEOF\ncopy <<-END /etc/x\n\t  keep  \n\tEND\n  run echo after\n",
        expect![[r#"
            RUN <<EOF
              set -e··
            ⇥echo hi
              EOF
            EOF
            COPY <<-END /etc/x
            ⇥  keep··
            ⇥END
            RUN echo after
        "#]],
    );
}

#[test]
fn crlf_files_stay_crlf() {
    check(
        "from alpine  \r\nrun a \\\r\n  b\r\n",
        expect![[r#"
            FROM alpine␍
            RUN a \␍
                b␍
        "#]],
    );
}

#[test]
fn the_windows_escape_character_is_respected() {
    check(
        "# escape=`\nfrom mcr.microsoft.com/windows/servercore\nrun dir C:\\ `\n  && echo done\nrun echo a \\\nworkdir C:\\app\n",
        expect![[r#"
            # escape=`
            FROM mcr.microsoft.com/windows/servercore
            RUN dir C:\ `
                && echo done
            RUN echo a \
            WORKDIR C:\app
        "#]],
    );
}

#[test]
fn onbuild_triggers_are_upper_cased() {
    check(
        "FROM alpine\n  onbuild  copy . /src\nONBUILD run [\"make\",\"all\"]\n",
        expect![[r#"
            FROM alpine
            ONBUILD COPY . /src
            ONBUILD RUN ["make", "all"]
        "#]],
    );
}

#[test]
fn json_arrays_get_one_space_after_commas() {
    check(
        "CMD [ \"a\",\"b\" ,  \"c d\"]\nENTRYPOINT [\"x\\u0041\",\"\\\"q\\\"\"]\nHEALTHCHECK --interval=5s CMD [\"curl\",\"-f\"]\nSHELL []\nRUN [\"not\" \"json\"]\nCMD [ \"trailing\",\"text\" ] ignored\"\nCMD [\"a\", \\\n     \"b\"]\n",
        expect![[r#"
            CMD ["a", "b", "c d"]
            ENTRYPOINT ["x\u0041", "\"q\""]
            HEALTHCHECK --interval=5s CMD ["curl", "-f"]
            SHELL []
            RUN ["not" "json"]
            CMD [ "trailing","text" ] ignored"
            CMD ["a", \
                "b"]
        "#]],
    );
}

#[test]
fn lines_starting_inside_a_quoted_string_keep_their_whitespace() {
    check(
        "RUN echo \"first \\\n      second\" \\\n  && echo 'one \\\n  two' \\\n  && echo done\nENV MSG=\"a \\\n   b\"\nCMD [\"a \\\n   b\"]\nRUN powershell -Command \" \\\n        $a = 1; \\\n        # a comment beside quoted lines stays\n        $b = 2\"\n",
        expect![[r#"
            RUN echo "first \
                  second" \
                && echo 'one \
              two' \
                && echo done
            ENV MSG="a \
               b"
            CMD ["a \
               b"]
            RUN powershell -Command " \
                    $a = 1; \
                    # a comment beside quoted lines stays
                    $b = 2"
        "#]],
    );
}

#[test]
fn quotes_count_from_the_end_of_the_keyword() {
    // BuildKit splits the keyword off at whitespace, so the `"` in `a="$(b` opens no
    // string, while the one after `)` does (an unknown instruction from a template).
    check(
        "a=\"$(b --c)\"; \\\n\tcase \\\n\t\tx\" ;; \\\n\tesac\n",
        expect![[r#"
            a="$(b --c)"; \
            ⇥case \
            ⇥⇥x" ;; \
                esac
        "#]],
    );
}

#[test]
fn a_line_continuing_a_word_is_left_alone() {
    check(
        "RUN echo hel\\\nlo \\\n  && echo world\n",
        expect![[r#"
            RUN echo hel\
            lo \
                && echo world
        "#]],
    );
}

#[test]
fn formatted_text_has_no_edits() {
    let text = "FROM alpine AS base\nRUN a \\\n    b\nCMD [\"a\", \"b\"]\n";
    assert!(format_document(&Analysis::new(text), FormatOptions::default()).is_empty());
}

#[test]
fn edits_are_minimal() {
    let text = "from alpine\nRUN a \\\n  b\n";
    let edits = format_document(&Analysis::new(text), FormatOptions::default());
    assert_eq!(
        edits,
        vec![
            TextEdit::replace(TextRange::new(0, 4), "FROM"),
            TextEdit::insert(22, "  "),
        ]
    );
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "\n",
        "\u{feff}  from alpine\n",
        "RUN \\",
        "RUN a \\\n",
        "RUN <<EOF",
        "RUN <<EOF\n",
        "\r\r\n\r",
        "RUN [\"é\",\"ü\"]\n",
        "FR\\\nOM alpine\n",
        "RUN a \\\n\u{a0} b\n",
        "# escape=`\nRUN a `\n`\n",
        // Found by the property test below: a quote left open by the last line makes its
        // trailing whitespace part of a heredoc delimiter; text after a JSON array.
        "RUN <<-EOF\" é EOF  \nx\n",
        "onbuild run [\"a\",\"b\"]\" ",
    ] {
        format_with(text, FormatOptions::default());
        let analysis = Analysis::new(text);
        for offset in 0..=text.len() + 2 {
            for ch in ["\n", "\\", "`", "x"] {
                let _ = on_type(&analysis, offset, ch, FormatOptions::default());
            }
        }
    }
}

/// The range formatting of `fixture`, whose selection is written `$0…$0`.
fn check_range(fixture: &str, expect: Expect) {
    let start = fixture.find("$0").expect("a $0 start");
    let rest = fixture.replacen("$0", "", 1);
    let end = rest.find("$0").expect("a $0 end");
    let text = rest.replacen("$0", "", 1);
    let analysis = Analysis::new(text.as_str());
    let edits = format_range(
        &analysis,
        TextRange::new(start, end),
        FormatOptions::default(),
    );
    expect.assert_eq(&visible(&apply_edits(&text, &edits)));
}

#[test]
fn range_formatting_touches_only_the_selected_instructions() {
    check_range(
        "from a\nrun x \\\n  y$0\n  run b\n   $0# note  \nrun c\n",
        expect![[r#"
            from a
            RUN x \
                y
            RUN b
            # note
            run c
        "#]],
    );
    // Whole lines selected: the range ends at the start of the next line, which stays.
    check_range(
        "from a\n$0run b\n$0run c\n",
        expect![[r#"
        from a
        RUN b
        run c
    "#]],
    );
    // An empty selection formats what it sits in.
    check_range(
        "from a\nrun $0$0b\nrun c\n",
        expect![[r#"
            from a
            RUN b
            run c
        "#]],
    );
}

/// On-type formatting after typing `ch`; the cursor `$0` is where the editor put it.
fn check_on_type(fixture: &str, ch: &str, expect: Expect) {
    let at = fixture.find("$0").expect("a $0 cursor");
    let text = fixture.replacen("$0", "", 1);
    let analysis = Analysis::new(text.as_str());
    let edits = on_type(&analysis, at, ch, FormatOptions::default());
    expect.assert_eq(&visible(&apply_edits(&text, &edits)));
}

#[test]
fn on_type_newline_indents_continuations() {
    // After the keyword line: the configured indent.
    check_on_type(
        "RUN apt-get update && \\\n$0\n",
        "\n",
        expect![[r#"
            RUN apt-get update && \
            ····
        "#]],
    );
    // After a nested continuation line: its indentation.
    check_on_type(
        "RUN for a in b; do \\\n        echo $a; \\\n  $0\n",
        "\n",
        expect![[r#"
            RUN for a in b; do \
                    echo $a; \
            ········
        "#]],
    );
    // After an instruction that ends: a top-level line without the copied indent.
    check_on_type(
        "RUN a \\\n    && b\n    $0\n",
        "\n",
        expect![[r#"
            RUN a \
                && b

        "#]],
    );
    // Inside a heredoc body: untouched.
    check_on_type(
        "RUN <<EOF\n  echo hi\n  $0\nEOF\n",
        "\n",
        expect![[r#"
            RUN <<EOF
              echo hi
            ··
            EOF
        "#]],
    );
    // Inside a quoted string: untouched.
    check_on_type(
        "RUN echo \"a \\\n$0b\"\n",
        "\n",
        expect![[r#"
            RUN echo "a \
            b"
        "#]],
    );
    // The Windows escape character.
    check_on_type(
        "# escape=`\nRUN dir `\n$0\n",
        "\n",
        expect![[r#"
            # escape=`
            RUN dir `
            ····
        "#]],
    );
}

#[test]
fn on_type_escape_indents_the_line_it_joins() {
    check_on_type(
        "RUN make \\$0\ninstall\n",
        "\\",
        expect![[r#"
            RUN make \
                install
        "#]],
    );
    // Not the file's escape character: nothing.
    check_on_type(
        "RUN make \\$0\ninstall\n",
        "`",
        expect![[r#"
            RUN make \
            install
        "#]],
    );
}

/// Pieces random Dockerfiles are made of: keywords in both cases, continuations with
/// both escape characters, quotes, comments, heredocs, JSON, CRLF and tabs.
const FRAGMENTS: &[&str] = &[
    "RUN",
    "run",
    "FROM a",
    "onbuild run",
    "CMD",
    "ENV A",
    "=b",
    " ",
    "  ",
    "\t",
    "\\",
    "`",
    "\n",
    "\r\n",
    "\"",
    "'",
    "$'",
    "#",
    "# escape=`\n",
    "<<EOF",
    "<<-EOF",
    "EOF",
    "\tEOF",
    "[\"a\",\"b\"]",
    "[ \"c\" ]",
    "x",
    "&&",
    "é",
    "--mount=type=cache,target=/x",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any mix of the fragments: sorted disjoint edits, idempotent, the same instructions
    /// (values compared with whitespace runs collapsed) and the same parser errors, and
    /// on-type at every offset never panics.
    #[test]
    fn random_dockerfiles_format_safely(
        parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..40)
    ) {
        let text = parts.concat();
        format_with(&text, FormatOptions::default());
        format_with(&text, FormatOptions { indent: Indent::Tab, tab_width: 4 });
        format_with(&text, FormatOptions { indent: Indent::Spaces(0), tab_width: 0 });
        let analysis = Analysis::new(text.as_str());
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            for e in on_type(&analysis, offset, "\n", FormatOptions::default()) {
                proptest::prop_assert!(e.range.end() <= text.len());
            }
        }
    }
}

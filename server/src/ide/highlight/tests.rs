//! Highlight tests: every token of a fixture rendered as `line: text kind [modifiers]`,
//! and the invariants every token list keeps (sorted, single-line, non-overlapping).

use expect_test::{expect, Expect};

use super::*;
use crate::syntax::tree;

/// Parses `text` with the grammar the server uses.
fn parsed(text: &str) -> (Analysis, Tree) {
    let analysis = Analysis::new(text);
    let tree = tree::parse(&mut tree::new_parser(), text, None);
    (analysis, tree)
}

/// Panics unless the tokens are non-empty, single-line, sorted and disjoint.
fn assert_sane(analysis: &Analysis, tokens: &[HighlightToken]) {
    let text = analysis.text();
    let index = analysis.line_index();
    let mut prev_end = 0;
    for t in tokens {
        let r = t.range;
        assert!(r.start() < r.end(), "empty token {t:?}");
        assert!(r.start() >= prev_end, "overlap or disorder at {t:?}");
        assert!(r.end() <= text.len(), "past the end: {t:?}");
        assert_eq!(
            index.line_of(r.start()),
            index.line_of(r.end() - 1),
            "multi-line token {t:?}"
        );
        let piece = &text[r.range()];
        assert!(!piece.contains(['\n', '\r']), "line break in {piece:?}");
        prev_end = r.end();
    }
}

fn render_tokens(analysis: &Analysis, tokens: &[HighlightToken]) -> String {
    let text = analysis.text();
    let mut out = String::new();
    for t in tokens {
        let m = t.modifiers;
        let mut mods = Vec::new();
        for (on, name) in [
            (m.declaration, "declaration"),
            (m.readonly, "readonly"),
            (m.deprecated, "deprecated"),
            (m.default_library, "defaultLibrary"),
        ] {
            if on {
                mods.push(name);
            }
        }
        let mods = if mods.is_empty() {
            String::new()
        } else {
            format!(" [{}]", mods.join(","))
        };
        out.push_str(&format!(
            "{}: {} {:?}{mods}\n",
            analysis.line_index().line_of(t.range.start()),
            &text[t.range.range()],
            t.kind
        ));
    }
    out
}

fn check(text: &str, expect: Expect) {
    let (analysis, tree) = parsed(text);
    let tokens = highlight(&analysis, &tree, None);
    assert_sane(&analysis, &tokens);
    expect.assert_eq(&render_tokens(&analysis, &tokens));
}

#[test]
fn stages_images_flags_and_variables() {
    check(
        r#"# syntax=docker/dockerfile:1
ARG GO=1.22
FROM --platform=$BUILDPLATFORM golang:${GO}@sha256:abc AS build
RUN --mount=type=cache,target=/root/.cache go build .
FROM build
COPY --from=build /app /app
"#,
        expect![[r#"
            0: # syntax=docker/dockerfile:1 Directive
            1: ARG Keyword
            1: GO Variable [declaration]
            1: = Operator
            1: 1.22 String
            2: FROM Keyword
            2: --platform Parameter
            2: =$ Operator
            2: BUILDPLATFORM Variable [readonly,defaultLibrary]
            2: golang Namespace
            2: ${ Operator
            2: GO Variable
            2: } Operator
            2: sha256:abc String
            2: AS Keyword
            2: build Stage [declaration]
            3: RUN Keyword
            3: --mount Parameter
            3: = Operator
            3: type Property
            3: = Operator
            3: cache Property
            3: , Operator
            3: target Property
            3: = Operator
            3: /root/.cache Property
            4: FROM Keyword
            4: build Stage
            5: COPY Keyword
            5: --from Parameter
            5: = Operator
            5: build Stage
            5: /app String
            5: /app String
        "#]],
    );
}

#[test]
fn heredocs_comments_and_continuations() {
    check(
        "# a comment\nRUN <<EOF\napt-get update\nEOF\nCOPY <<EOT /etc/conf\nkey = \"v\"\nEOT\nRUN echo a \\\n  # inside\n  && echo \"b $HOME\"\nMAINTAINER me\nHEALTHCHECK NONE\nEXPOSE 80/tcp 443\n",
        expect![[r#"
            0: # a comment Comment
            1: RUN Keyword
            1: <<EOF Keyword
            3: EOF Keyword
            4: COPY Keyword
            4: <<EOT Keyword
            4: /etc/conf String
            5: key = "v" String
            6: EOT Keyword
            7: RUN Keyword
            7: \ Operator
            8: # inside Comment
            10: MAINTAINER Keyword [deprecated]
            11: HEALTHCHECK Keyword
            11: NONE Constant [readonly,defaultLibrary]
            12: EXPOSE Keyword
            12: 80/tcp Number
            12: 443 Number
        "#]],
    );
}

#[test]
fn exec_form_labels_env_and_user() {
    check(
        r#"FROM alpine:3.20
LABEL org.opencontainers.image.title="x" version=1
ENV PATH="/opt/bin:$PATH" LANG C.UTF-8
USER app:app
CMD ["sh", "-c", "echo \"hi\""]
ONBUILD COPY --chown=app . /src
STOPSIGNAL SIGTERM
"#,
        expect![[r#"
            0: FROM Keyword
            0: alpine Namespace
            0: 3.20 String
            1: LABEL Keyword
            1: org.opencontainers.image.title Property
            1: = Operator
            1: "x" String
            1: version Property
            1: = Operator
            1: 1 String
            2: ENV Keyword
            2: PATH Variable [declaration]
            2: = Operator
            2: "/opt/bin: String
            2: $ Operator
            2: PATH Variable
            2: " String
            3: USER Keyword
            3: app String
            3: app String
            4: CMD Keyword
            4: "sh" String
            4: "-c" String
            4: "echo String
            4: \" Escape
            4: hi String
            4: \" Escape
            4: " String
            5: ONBUILD Keyword
            5: COPY Keyword
            5: --chown Parameter
            5: = Operator
            5: app String
            5: . String
            5: /src String
            6: STOPSIGNAL Keyword
        "#]],
    );
}

#[test]
fn directives_count_only_at_the_top_and_stage_names_only_when_defined() {
    check(
        "# escape=`\n# check=skip=all\nFROM build\n# syntax=docker/dockerfile:1\nFROM alpine AS build\nFROM build\n",
        expect![[r#"
            0: # escape=` Directive
            1: # check=skip=all Directive
            2: FROM Keyword
            2: build Namespace
            3: # syntax=docker/dockerfile:1 Comment
            4: FROM Keyword
            4: alpine Namespace
            4: AS Keyword
            4: build Stage [declaration]
            5: FROM Keyword
            5: build Stage
        "#]],
    );
}

#[test]
fn non_ascii_and_crlf_keep_byte_ranges_on_their_lines() {
    check(
        "FROM alpine\r\nLABEL description=\"Grüße 🐳\" \\\r\n  maintainer=\"Zoë\"\r\nRUN echo ünïcode\r\n",
        expect![[r#"
            0: FROM Keyword
            0: alpine Namespace
            1: LABEL Keyword
            1: description Property
            1: = Operator
            1: "Grüße 🐳" String
            1: \ Operator
            2: maintainer Property
            2: = Operator
            2: "Zoë" String
            3: RUN Keyword
        "#]],
    );
}

#[test]
fn broken_files_still_give_sane_tokens() {
    // `ENV A=1 B 2` mixes the two ENV forms: the grammar leaves an ERROR node.
    let text = "FROM alpine\nENV A=1 B 2\nRUN [\"unterminated\nCOPY --from= a b\nARG\n\"\nFROM\n";
    let (analysis, tree) = parsed(text);
    assert!(tree.root_node().has_error());
    let tokens = highlight(&analysis, &tree, None);
    assert_sane(&analysis, &tokens);
    expect![[r#"
        0: FROM Keyword
        0: alpine Namespace
        1: ENV Keyword
        1: A Variable [declaration]
        1: = Operator
        1: 1 String
        2: RUN Keyword
        3: COPY Keyword
    "#]]
    .assert_eq(&render_tokens(&analysis, &tokens));
}

#[test]
fn a_range_gives_the_tokens_that_intersect_it() {
    let text = "FROM alpine AS a\nRUN echo $X\nCOPY --from=a /a /b\n";
    let (analysis, tree) = parsed(text);
    let line = analysis.line_index().line_range(text, 1);
    let tokens = highlight(&analysis, &tree, Some(line));
    assert_sane(&analysis, &tokens);
    expect![[r#"
        1: RUN Keyword
    "#]]
    .assert_eq(&render_tokens(&analysis, &tokens));
    // Part of a token brings the whole token.
    let keyword = TextRange::new(line.start() + 1, line.start() + 2);
    let tokens = highlight(&analysis, &tree, Some(keyword));
    assert_eq!(render_tokens(&analysis, &tokens), "1: RUN Keyword\n");
}

#[test]
fn one_walk_and_a_query_per_node_find_the_same_captures() {
    let text = "# syntax=docker/dockerfile:1\nARG A=1\nFROM alpine AS a\nMAINTAINER me\n# note\nRUN <<EOF\necho $A\nEOF\nENV B=${A:-x} \\\n  C=2\nCOPY --from=a <<EOT /x\ny\nEOT\nENV D=1 E 2\n";
    let (_, tree) = parsed(text);
    let root = tree.root_node();
    let mut walk = root.walk();
    let nodes: Vec<Node<'_>> = root.children(&mut walk).collect();
    let mut cursor = QueryCursor::new();
    let bulk = collect_bulk(
        &mut cursor,
        text,
        root,
        &nodes,
        TextRange::new(0, text.len()),
    );
    let render = |c: &NodeCaptures| format!("{} {:?}", c.kind, c.captures);
    for (node, bulk) in nodes.iter().zip(&bulk) {
        let single = collect(&mut cursor, text, *node);
        assert!(node.is_error() || !single.captures.is_empty(), "{node:?}");
        assert_eq!(render(bulk), render(&single), "{node:?}");
    }
}

#[test]
fn the_two_thread_walk_finds_what_one_walk_finds() {
    // Enough top-level nodes for two threads; a here-document and a continued RUN sit
    // where the halves meet, so neither half may drop or borrow the other's captures.
    let mut text = String::from("# syntax=docker/dockerfile:1\nARG A=1\n");
    for i in 0..700 {
        text.push_str(&format!(
            "FROM alpine AS s{i}\nRUN <<EOF\necho $A\nEOF\nRUN a \\\n  b\n# c{i}\nCOPY --from=s{i} /a /b\n"
        ));
    }
    let (_, tree) = parsed(&text);
    let root = tree.root_node();
    let mut walk = root.walk();
    let nodes: Vec<Node<'_>> = root.children(&mut walk).collect();
    assert!(nodes.len() > 2_000, "{}", nodes.len());
    let whole = TextRange::new(0, text.len());
    let render = |all: &[NodeCaptures]| {
        all.iter()
            .map(|c| format!("{} {:?}\n", c.kind, c.captures))
            .collect::<String>()
    };
    let one = collect_bulk(&mut QueryCursor::new(), &text, root, &nodes, whole);
    let two = collect_bulk_parallel(&text, root, &nodes, whole);
    assert_eq!(two.len(), nodes.len());
    assert_eq!(render(&two), render(&one));
    // A range inside the second half gives the same captures there as one walk.
    let range = TextRange::new(text.len() * 3 / 4, text.len() * 3 / 4 + 500);
    let one = collect_bulk(&mut QueryCursor::new(), &text, root, &nodes, range);
    let two = collect_bulk_parallel(&text, root, &nodes, range);
    assert_eq!(render(&two), render(&one));
}

#[test]
fn memoised_captures_give_the_tokens_of_a_fresh_run() {
    // The second file shares most instructions with the first (memo hits) and edits one.
    let first = "FROM alpine AS base\nARG V=1\nRUN echo $V\nFROM base\nCOPY --from=base /a /b\n";
    let second = "FROM alpine AS base\nARG V=1\nRUN echo $V\nFROM base\nCOPY --from=bas /a /b\n";
    let (a, tree_a) = parsed(first);
    let (b, tree_b) = parsed(second);
    let warm_a = render_tokens(&a, &highlight(&a, &tree_a, None));
    let warm_b = render_tokens(&b, &highlight(&b, &tree_b, None));
    clear_memo();
    assert_eq!(render_tokens(&b, &highlight(&b, &tree_b, None)), warm_b);
    assert_eq!(render_tokens(&a, &highlight(&a, &tree_a, None)), warm_a);
    // `--from=bas` names no stage: a string, where `--from=base` is a stage.
    assert!(warm_a.contains("4: base Stage\n"), "{warm_a}");
    assert!(warm_b.contains("4: bas String\n"), "{warm_b}");
}

#[test]
fn the_same_broken_instruction_in_two_contexts_keeps_its_own_tokens() {
    // A fuzz finding (incremental_edits): the two ADD instructions have the same text, but
    // error recovery splits them differently (the ERROR node ends in another place), so
    // memoising captures by text gave the first one the second one's tokens on the next
    // request.
    let add = "ADD podman_hello_w\u{fffd}\u{fffd}rs\"\nLABELmakecacheM\u{e1}ir\u{ed}n \
               N\u{ed}=\u{1e0a}u\u{1e03}\u{1e6b}ai\u{121}, Twitter:@mairin\"";
    let text = format!("\n{add}\n8\n{add}\nRUN");
    let (analysis, tree) = parsed(&text);
    clear_memo();
    let cold = render_tokens(&analysis, &highlight(&analysis, &tree, None));
    let warm = render_tokens(&analysis, &highlight(&analysis, &tree, None));
    assert_eq!(warm, cold);
}

#[test]
fn a_tree_of_a_longer_text_gives_no_tokens() {
    let (_, tree) = parsed("FROM alpine\nRUN echo a long line of text\n");
    let analysis = Analysis::new("FROM alpine\n");
    assert!(highlight(&analysis, &tree, None).is_empty());
    assert!(crate::ide::folding::folds(&analysis, &tree).is_empty());
}

#[test]
fn every_capture_of_the_query_means_something_to_the_server() {
    let hl = highlighter();
    for (name, paint) in hl.query.capture_names().iter().zip(&hl.paints) {
        let expected_ignored = *name == "spell";
        assert_eq!(
            *paint == Paint::Ignore,
            expected_ignored,
            "@{name}: {paint:?}"
        );
    }
    // Neovim's fallback: an unknown sub-name reads as its parent.
    assert_eq!(paint_of("keyword.function"), paint_of("keyword"));
    assert_eq!(paint_of("string.special.url"), paint_of("string"));
    assert_eq!(paint_of("punctuation.bracket"), Paint::Plain);
    assert_eq!(paint_of("unknown"), Paint::Ignore);
}

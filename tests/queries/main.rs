//! The query files in `queries/dockerfile/`: each compiles against the exact grammar the
//! server uses, uses only Neovim's standard capture names and known predicates, and
//! matches real files (highlights capture keywords in every real Dockerfile; every
//! capture of every file occurs in the corpus or in a fixture with the rarer
//! constructs). The server's semantic tokens and folds, which are derived from these
//! files, are checked for their invariants on every corpus file.

#[path = "../corpus/common.rs"]
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use dockerfile_lsp::ide::folding::folds;
use dockerfile_lsp::ide::highlight::highlight;
use dockerfile_lsp::ide::selection::selection_chain;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::syntax::tree;
use tree_sitter::{Query, QueryCursor, StreamingIterator};

const FILES: [&str; 5] = ["highlights", "injections", "folds", "locals", "textobjects"];

/// Neovim's standard highlight captures (`:h treesitter-highlight-groups`).
const HIGHLIGHT_CAPTURES: &[&str] = &[
    "variable",
    "variable.builtin",
    "variable.parameter",
    "variable.parameter.builtin",
    "variable.member",
    "constant",
    "constant.builtin",
    "constant.macro",
    "module",
    "module.builtin",
    "label",
    "string",
    "string.documentation",
    "string.regexp",
    "string.escape",
    "string.special",
    "string.special.symbol",
    "string.special.path",
    "string.special.url",
    "character",
    "character.special",
    "boolean",
    "number",
    "number.float",
    "type",
    "type.builtin",
    "type.definition",
    "attribute",
    "attribute.builtin",
    "property",
    "function",
    "function.builtin",
    "function.call",
    "function.macro",
    "function.method",
    "function.method.call",
    "constructor",
    "operator",
    "keyword",
    "keyword.coroutine",
    "keyword.function",
    "keyword.operator",
    "keyword.import",
    "keyword.type",
    "keyword.modifier",
    "keyword.repeat",
    "keyword.return",
    "keyword.debug",
    "keyword.exception",
    "keyword.conditional",
    "keyword.conditional.ternary",
    "keyword.directive",
    "keyword.directive.define",
    "punctuation.delimiter",
    "punctuation.bracket",
    "punctuation.special",
    "comment",
    "comment.documentation",
    "comment.error",
    "comment.warning",
    "comment.todo",
    "comment.note",
    "none",
    "conceal",
    "spell",
    "nospell",
];

/// nvim-treesitter-textobjects' objects, each with `.inner` and `.outer`.
const TEXTOBJECTS: &[&str] = &[
    "assignment",
    "attribute",
    "block",
    "call",
    "class",
    "comment",
    "conditional",
    "frame",
    "function",
    "loop",
    "number",
    "parameter",
    "regex",
    "return",
    "scopename",
    "statement",
];

/// nvim-treesitter's `locals` kinds (`@local.definition.<kind>`).
const LOCAL_KINDS: &[&str] = &[
    "constant",
    "function",
    "method",
    "var",
    "parameter",
    "macro",
    "type",
    "field",
    "enum",
    "namespace",
    "import",
    "associated",
];

/// Whether `name` is a capture `file` may use. Names starting with `_` are private
/// (used by predicates only) everywhere.
fn allowed(file: &str, name: &str) -> bool {
    if name.starts_with('_') {
        return true;
    }
    match file {
        "highlights" => HIGHLIGHT_CAPTURES.contains(&name),
        "injections" => matches!(
            name,
            "injection.content" | "injection.language" | "injection.filename"
        ),
        "folds" => name == "fold",
        "locals" => {
            name == "local.scope"
                || name == "local.reference"
                || name == "local.definition"
                || name
                    .strip_prefix("local.definition.")
                    .is_some_and(|kind| LOCAL_KINDS.contains(&kind))
        }
        "textobjects" => name.split_once('.').is_some_and(|(object, part)| {
            TEXTOBJECTS.contains(&object)
                && (matches!(part, "inner" | "outer")
                    || (object == "assignment" && matches!(part, "lhs" | "rhs")))
        }),
        _ => false,
    }
}

/// Predicates and directives understood alike by Neovim, Helix and tree-sitter's Rust
/// binding.
const PREDICATES: &[&str] = &[
    "eq?",
    "not-eq?",
    "match?",
    "not-match?",
    "any-of?",
    "not-any-of?",
    "set!",
];

/// The `(#set! key value)` keys a query may set.
const SET_KEYS: &[&str] = &["injection.language", "injection.combined"];

fn queries_dir() -> PathBuf {
    common::workspace_root().join("queries/dockerfile")
}

fn source(file: &str) -> String {
    let path = queries_dir().join(format!("{file}.scm"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn compile(file: &str) -> Query {
    Query::new(&tree::language(), &source(file))
        .unwrap_or_else(|e| panic!("queries/dockerfile/{file}.scm does not compile: {e}"))
}

/// The names after `(#` in a query's source: every predicate and directive it uses.
fn predicate_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in text.lines() {
        let code = line.split(';').next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("(#") {
            let name: String = rest[at + 2..]
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != ')')
                .collect();
            names.insert(name);
            rest = &rest[at + 2..];
        }
    }
    names
}

#[test]
fn every_query_compiles_with_allowed_captures_and_predicates() {
    let mut problems = Vec::new();
    for file in FILES {
        let query = compile(file);
        for name in query.capture_names() {
            if !allowed(file, name) {
                problems.push(format!(
                    "{file}.scm: capture @{name} is not on the allowlist"
                ));
            }
        }
        for name in predicate_names(&source(file)) {
            if !PREDICATES.contains(&name.as_str()) {
                problems.push(format!(
                    "{file}.scm: predicate #{name} is not on the allowlist"
                ));
            }
        }
        for pattern in 0..query.pattern_count() {
            for setting in query.property_settings(pattern) {
                if !SET_KEYS.contains(&&*setting.key) {
                    problems.push(format!("{file}.scm: #set! {} is not allowed", setting.key));
                }
            }
            for predicate in query.general_predicates(pattern) {
                problems.push(format!(
                    "{file}.scm: predicate #{} is not evaluated by tree-sitter",
                    predicate.operator
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_allowlist_rejects_what_it_should() {
    // The allowlist is what makes the test above meaningful.
    assert!(!allowed("highlights", "keyword.instruction"));
    assert!(!allowed("highlights", "fold"));
    assert!(!allowed("folds", "comment"));
    assert!(!allowed("textobjects", "function.inside"));
    assert!(!allowed("locals", "local.definition.stage"));
    assert!(allowed("locals", "local.definition.var"));
    assert!(allowed("textobjects", "assignment.lhs"));
    assert_eq!(
        predicate_names("((a) @x (#lua-match? @x \"^a\") (#set! k v))"),
        BTreeSet::from(["lua-match?".to_string(), "set!".to_string()])
    );
}

#[test]
fn injections_name_bash_and_comment_only() {
    let query = compile("injections");
    let mut languages = BTreeSet::new();
    for pattern in 0..query.pattern_count() {
        for setting in query.property_settings(pattern) {
            if &*setting.key == "injection.language" {
                languages.insert(setting.value.as_deref().unwrap_or("").to_string());
            }
        }
    }
    assert_eq!(
        languages,
        BTreeSet::from(["bash".to_string(), "comment".to_string()])
    );
}

/// A file with the constructs the corpus may lack, so every capture can be shown to match.
const FIXTURE: &str = r#"# syntax=docker/dockerfile:1
# check=skip=all
ARG BASE=alpine:3.20
FROM --platform=$BUILDPLATFORM ${BASE}@sha256:0123abcd AS build
ARG TARGETARCH
ENV PATH="/opt/bin:${PATH:-/bin}" \
    LANG=C.UTF-8
LABEL org.opencontainers.image.title="demo" version=1
RUN --mount=type=cache,target=/root/.cache --network=none \
    echo "$TARGETARCH" && make
RUN <<EOF
apk add curl
EOF
RUN bash <<EOF
echo bash
EOF
COPY --chmod=755 <<EOF /usr/local/bin/hello
#!/bin/sh
echo hello
EOF
COPY -- -src /dst
WORKDIR /app
VOLUME /data
USER app:app
EXPOSE 8080/tcp
STOPSIGNAL "SIGTERM"
HEALTHCHECK NONE
ONBUILD RUN make
MAINTAINER someone
SHELL ["/bin/sh", "-c"]
CMD ["echo", "a\"b"]
ENTRYPOINT ["/app"]
FROM build
"#;

/// How often each capture of `query` matches in `text`.
fn count_captures(query: &Query, text: &str, counts: &mut BTreeMap<String, usize>) {
    let mut parser = tree::new_parser();
    let tree = tree::parse(&mut parser, text, None);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next() {
        for c in m.captures() {
            *counts
                .entry(query.capture_names()[c.index as usize].to_string())
                .or_default() += 1;
        }
    }
}

fn corpus_texts() -> Option<Vec<(String, String)>> {
    Some(
        common::files_or_skip(common::REQUIRE_CORPUS)?
            .into_iter()
            .map(|f| {
                let text = common::read_lossy(&f.path);
                (format!("{}:{}", f.folder(), f.name), text)
            })
            .collect(),
    )
}

#[test]
fn every_capture_matches_the_corpus_or_the_fixture() {
    let Some(texts) = corpus_texts() else { return };
    for file in FILES {
        let query = compile(file);
        let mut in_corpus = BTreeMap::new();
        for (_, text) in &texts {
            count_captures(&query, text, &mut in_corpus);
        }
        let mut in_fixture = BTreeMap::new();
        count_captures(&query, FIXTURE, &mut in_fixture);
        let never: Vec<&str> = query
            .capture_names()
            .iter()
            .copied()
            .filter(|n| !n.starts_with('_'))
            .filter(|n| !in_corpus.contains_key(*n) && !in_fixture.contains_key(*n))
            .collect();
        assert!(
            never.is_empty(),
            "{file}.scm: captures that never match: {never:?}"
        );
        assert!(
            !in_corpus.is_empty(),
            "{file}.scm matches nothing in the corpus"
        );
    }
}

#[test]
fn highlights_capture_keywords_in_every_real_file() {
    let Some(texts) = corpus_texts() else { return };
    let query = compile("highlights");
    let mut without = Vec::new();
    for (name, text) in texts.iter().filter(|(n, _)| n.starts_with("real:")) {
        let mut counts = BTreeMap::new();
        count_captures(&query, text, &mut counts);
        if !counts.contains_key("keyword") {
            without.push(name.as_str());
        }
    }
    assert!(
        without.is_empty(),
        "real files without a @keyword: {without:#?}"
    );
}

#[test]
fn the_fixture_injects_bash_where_a_shell_runs() {
    let query = compile("injections");
    let mut parser = tree::new_parser();
    let tree = tree::parse(&mut parser, FIXTURE, None);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), FIXTURE.as_bytes());
    let mut bash = Vec::new();
    while let Some(m) = matches.next() {
        let language = query
            .property_settings(m.pattern_index)
            .iter()
            .find(|s| &*s.key == "injection.language")
            .and_then(|s| s.value.as_deref().map(str::to_string));
        if language.as_deref() != Some("bash") {
            continue;
        }
        for c in m.captures() {
            if query.capture_names()[c.index as usize] == "injection.content" {
                bash.push(FIXTURE[c.node.byte_range()].trim_end().to_string());
            }
        }
    }
    // The RUN bodies, both here-documents run by a shell, the shebang COPY file.
    for expected in [
        "echo \"$TARGETARCH\" && make",
        "apk add curl",
        "echo bash",
        "#!/bin/sh\necho hello",
        "make",
    ] {
        assert!(
            bash.iter().any(|b| b == expected),
            "{expected:?} not in {bash:#?}"
        );
    }
    // Not the exec-form arrays.
    assert!(!bash.iter().any(|b| b.contains("\"/bin/sh\"")), "{bash:#?}");

    // A here-document run by Python is not bash.
    let python = "FROM python\nRUN python3 <<EOF\nprint(1)\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(2)\nEOF\n";
    let tree = tree::parse(&mut parser, python, None);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&query, tree.root_node(), python.as_bytes());
    while let Some(m) = matches.next() {
        for c in m.captures() {
            let text = &python[c.node.byte_range()];
            assert!(!text.contains("print"), "{text:?} injected as bash");
        }
    }
}

/// Semantic tokens, folds and selection chains keep their invariants on every file,
/// including the quarter the grammar leaves ERROR nodes in.
#[test]
fn derived_features_stay_sane_on_the_corpus() {
    let Some(texts) = corpus_texts() else { return };
    let mut parser = tree::new_parser();
    let (mut with_errors, mut tokens_total) = (0, 0);
    for (name, text) in &texts {
        let analysis = Analysis::new(text.as_str());
        let tree = tree::parse(&mut parser, text, None);
        with_errors += usize::from(tree.root_node().has_error());
        let index = analysis.line_index();
        let tokens = highlight(&analysis, &tree, None);
        tokens_total += tokens.len();
        let mut prev_end = 0;
        for t in &tokens {
            let r = t.range;
            assert!(
                r.start() < r.end() && r.start() >= prev_end,
                "{name}: {t:?}"
            );
            assert_eq!(
                index.line_of(r.start()),
                index.line_of(r.end() - 1),
                "{name}: {t:?}"
            );
            prev_end = r.end();
        }
        let mut seen = BTreeSet::new();
        for f in folds(&analysis, &tree) {
            assert!(f.start_line < f.end_line, "{name}: {f:?}");
            assert!(
                seen.insert((f.start_line, f.end_line)),
                "{name}: duplicate {f:?}"
            );
        }
        for instruction in analysis.syntax().instructions.iter().step_by(7) {
            let chain = selection_chain(&analysis, &tree, instruction.range.start() + 1);
            for pair in chain.windows(2) {
                assert!(
                    pair[1].start() <= pair[0].start()
                        && pair[0].end() <= pair[1].end()
                        && pair[0] != pair[1],
                    "{name}: {chain:?}"
                );
            }
        }
    }
    assert!(with_errors > 0, "the corpus has files with ERROR nodes");
    assert!(tokens_total > texts.len() * 10, "{tokens_total} tokens");
}

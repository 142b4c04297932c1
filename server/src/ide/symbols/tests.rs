//! Outline and workspace symbol tests: the outline is rendered as an indented tree of
//! `name [kind] · detail @ selection`.

use expect_test::{expect, Expect};

use super::*;
use crate::ide::navigation::tests::span;

fn render(analysis: &Analysis, symbols: &[DocumentSymbol], depth: usize, out: &mut String) {
    for s in symbols {
        assert!(
            s.range.start() <= s.selection_range.start()
                && s.selection_range.end() <= s.range.end(),
            "selection outside the range: {s:?}"
        );
        let kind = match s.kind {
            SymbolKind::Directive => "directive".to_string(),
            SymbolKind::Stage => "stage".to_string(),
            SymbolKind::Instruction(k) => k.name().to_ascii_lowercase(),
        };
        out.push_str(&format!(
            "{}{} [{kind}]{}{} @ {}\n",
            "  ".repeat(depth),
            s.name,
            s.detail
                .as_ref()
                .map(|d| format!(" · {d}"))
                .unwrap_or_default(),
            if s.deprecated { " (deprecated)" } else { "" },
            span(analysis, s.selection_range),
        ));
        render(analysis, &s.children, depth + 1, out);
    }
}

fn check(text: &str, expect: Expect) {
    let analysis = Analysis::new(text);
    let mut out = String::new();
    render(&analysis, &document_symbols(&analysis), 0, &mut out);
    expect.assert_eq(&out);
}

const FILE: &str = "\
# syntax=docker/dockerfile:1
# check=skip=JSONArgsRecommended
ARG GO=1.22 DEBUG
FROM --platform=$BUILDPLATFORM golang:${GO} AS build
RUN --mount=type=cache,target=/root/.cache/go-build \\
    go build -o /out/app ./cmd/server && echo done with a rather long command line
ONBUILD RUN echo later

FROM alpine:3.20
MAINTAINER jane@example.com
COPY --from=build /out/app /app
ENV PORT=8080
CMD /app
";

#[test]
fn stages_hold_their_instructions_below_directives_and_global_args() {
    check(
        FILE,
        expect![[r#"
            syntax [directive] · docker/dockerfile:1 @ 1:3-1:9 `syntax`
            check [directive] · skip=JSONArgsRecommended @ 2:3-2:8 `check`
            ARG GO=1.22 DEBUG [arg] @ 3:1-3:4 `ARG`
            build [stage] · --platform=$BUILDPLATFORM golang:${GO} @ 4:48-4:53 `build`
              RUN go build -o /out/app ./cmd/server && echo done with a rathe… [run] · --mount=type=cache,target=/root/.cache/go-build @ 5:1-5:4 `RUN`
              ONBUILD RUN echo later [onbuild] @ 7:1-7:8 `ONBUILD`
            stage 1 [stage] · alpine:3.20 @ 9:1-9:5 `FROM`
              MAINTAINER jane@example.com [maintainer] (deprecated) @ 10:1-10:11 `MAINTAINER`
              COPY /out/app /app [copy] · --from=build @ 11:1-11:5 `COPY`
              ENV PORT=8080 [env] @ 12:1-12:4 `ENV`
              CMD /app [cmd] @ 13:1-13:4 `CMD`
        "#]],
    );
}

#[test]
fn a_stage_covers_its_instructions() {
    let analysis = Analysis::new(FILE);
    let outline = document_symbols(&analysis);
    let stage = outline
        .iter()
        .find(|s| s.name == "build")
        .expect("the build stage");
    assert_eq!(
        span(
            &analysis,
            TextRange::new(stage.range.start(), stage.range.start() + 4)
        ),
        "4:1-4:5 `FROM`"
    );
    assert_eq!(
        &FILE[stage.range.end() - "echo later".len()..stage.range.end()],
        "echo later"
    );
}

#[test]
fn broken_files_still_have_an_outline() {
    check(
        "RUN echo before any FROM\nFROM\nfrom x as Y\n",
        expect![[r#"
            RUN echo before any FROM [run] @ 1:1-1:4 `RUN`
            stage 0 [stage] @ 2:1-2:5 `FROM`
            Y [stage] · x @ 3:11-3:12 `Y`
        "#]],
    );
    check("", expect![""]);
}

#[test]
fn workspace_symbols_match_a_fuzzy_query() {
    let analysis = Analysis::new(FILE);
    let render = |query: &str| {
        workspace_symbols(&analysis, query)
            .iter()
            .map(|s| {
                format!(
                    "{} {:?} in {}",
                    s.name,
                    s.kind,
                    s.container.as_deref().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    expect![[r#"
        GO GlobalArg in -
        DEBUG GlobalArg in -
        build Stage in -
        PORT Env in stage 1"#]]
    .assert_eq(&render(""));
    expect!["build Stage in -"].assert_eq(&render("bld"));
    expect![[r#"
        PORT Env in stage 1"#]]
    .assert_eq(&render("pt"));
    expect![""].assert_eq(&render("xyz"));
}

#[test]
fn fuzzy_match_is_an_ordered_case_insensitive_subsequence() {
    assert!(fuzzy_match("bld", "Build"));
    assert!(fuzzy_match("", "anything"));
    assert!(fuzzy_match("GO V", "go_version"));
    assert!(!fuzzy_match("dlb", "build"));
    assert!(!fuzzy_match("buildx", "build"));
}

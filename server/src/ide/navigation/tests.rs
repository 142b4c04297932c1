//! Navigation tests: `$0` marks the cursor; definitions and references are rendered as
//! `line:col-line:col` (1-based, byte columns) with the text they cover and, for
//! references, whether each is a definition or a use.

use expect_test::{expect, Expect};

use super::*;

/// Splits `$0` out of a fixture: the text and the cursor offset.
pub(crate) fn cursor(fixture: &str) -> (String, usize) {
    let at = fixture.find("$0").expect("fixture has a $0 cursor");
    (fixture.replacen("$0", "", 1), at)
}

/// `line:col-line:col` of a range, 1-based.
pub(crate) fn span(analysis: &Analysis, range: TextRange) -> String {
    let index = analysis.line_index();
    let text = analysis.text();
    let lc = |o: usize| {
        let line = index.line_of(o);
        (line + 1, o - index.line_start(line) + 1)
    };
    let (sl, sc) = lc(range.start());
    let (el, ec) = lc(range.end());
    format!(
        "{sl}:{sc}-{el}:{ec} `{}`",
        text.get(range.range()).unwrap_or("<bad range>")
    )
}

fn check_definition(fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let analysis = Analysis::new(text);
    let out: Vec<String> = definition(&analysis, offset)
        .into_iter()
        .map(|r| span(&analysis, r))
        .collect();
    expect.assert_eq(&out.join("\n"));
}

fn check_references(fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let analysis = Analysis::new(text);
    let out: Vec<String> = references(&analysis, offset, true)
        .into_iter()
        .map(|t| {
            let role = match t.role {
                Role::Definition => "def",
                Role::Use => "use",
            };
            format!("{} {role}", span(&analysis, t.range))
        })
        .collect();
    expect.assert_eq(&out.join("\n"));
}

const STAGES: &str = "\
FROM golang:1.22 AS build
RUN go build -o /out/app .

FROM build AS test
RUN go test ./...

FROM alpine:3.20
COPY --from=build /out/app /app
COPY --from=0 /etc/passwd /etc/passwd
RUN --mount=type=bind,from=build,source=/out,target=/x ls /x
";

#[test]
fn stage_uses_lead_to_the_as_name() {
    for probe in [
        "FROM bu$0ild AS test",
        "--from=bui$0ld /out",
        "from=b$0uild,source",
        "--from=$00 /etc",
    ] {
        let fixture = STAGES.replacen(&probe.replace("$0", ""), probe, 1);
        assert!(fixture.contains("$0"), "{probe}");
        check_definition(&fixture, expect!["1:21-1:26 `build`"]);
    }
}

#[test]
fn stage_references_cover_from_copy_mount_and_index() {
    check_references(
        &STAGES.replacen("AS build", "AS bu$0ild", 1),
        expect![[r#"
            1:21-1:26 `build` def
            4:6-4:11 `build` use
            8:13-8:18 `build` use
            9:13-9:14 `0` use
            10:28-10:33 `build` use"#]],
    );
}

#[test]
fn stage_names_are_case_insensitive_and_resolve_to_the_newest_earlier_stage() {
    check_references(
        "\
FROM alpine AS Base
FROM base AS app
COPY --from=BASE /a /a
FROM debian AS base
COPY --from=ba$0se /b /b
",
        expect![[r#"
            4:16-4:20 `base` def
            5:13-5:17 `base` use"#]],
    );
    check_definition(
        "FROM alpine AS Base\nFROM base AS app\nCOPY --from=BA$0SE /a /a\n",
        expect!["1:16-1:20 `Base`"],
    );
}

#[test]
fn an_unnamed_stage_is_defined_by_its_from_keyword() {
    check_references(
        "FROM alpine\nRUN true\nFROM debian\nCOPY --from=$00 /a /a\n",
        expect![[r#"
            1:1-1:5 `FROM` def
            4:13-4:14 `0` use"#]],
    );
}

#[test]
fn stage_names_in_variables_and_onbuild_are_not_stage_uses() {
    // `$STAGE` is a variable use; the ONBUILD trigger names a stage of another build.
    check_references(
        "\
ARG STAGE=build
FROM alpine AS bu$0ild
FROM alpine
COPY --from=$STAGE /a /a
ONBUILD COPY --from=build /b /b
",
        expect!["2:16-2:21 `build` def"],
    );
}

#[test]
fn variables_in_from_flags_are_variable_uses() {
    check_references(
        "FROM alpine AS build\nFROM alpine\nARG SRC$0=build\nCOPY --from=$SRC /a /a\nRUN --mount=from=${SRC},target=/s ls\n",
        expect![[r#"
            3:5-3:8 `SRC` def
            4:14-4:17 `SRC` use
            5:20-5:23 `SRC` use"#]],
    );
}

#[test]
fn a_global_arg_is_seen_by_from_lines_only() {
    let text = "\
ARG VERSION=3.20
FROM alpine:${VERSION}
RUN echo $VERSION
";
    check_definition(
        &text.replacen("${VERSION}", "${VER$0SION}", 1),
        expect!["1:5-1:12 `VERSION`"],
    );
    // Inside the stage, without `ARG VERSION`, the global is not visible.
    check_definition(&text.replacen("$VERSION", "$VER$0SION", 1), expect![""]);
    check_references(
        &text.replacen("ARG VERSION", "ARG VER$0SION", 1),
        expect![[r#"
            1:5-1:12 `VERSION` def
            2:15-2:22 `VERSION` use"#]],
    );
}

const REDECLARED: &str = "\
ARG VERSION=1.22
FROM golang:$VERSION AS build
ARG VERSION
RUN echo $VERSION

FROM alpine AS other
ARG VERSION=9
RUN echo $VERSION

FROM alpine
ARG VERSION
ENV V=$VERSION
";

#[test]
fn a_redeclared_arg_leads_to_itself_and_to_the_global_default() {
    check_definition(
        &REDECLARED.replacen("echo $VERSION", "echo $VER$0SION", 1),
        expect![[r#"
            3:5-3:12 `VERSION`
            1:5-1:12 `VERSION`"#]],
    );
    // A stage ARG with its own default is the stage's variable.
    check_definition(
        &REDECLARED.replacen(
            "ARG VERSION=9\nRUN echo $VERSION",
            "ARG VERSION=9\nRUN echo $VERS$0ION",
            1,
        ),
        expect!["7:5-7:12 `VERSION`"],
    );
}

#[test]
fn the_global_arg_and_its_redeclarations_are_one_variable() {
    check_references(
        &REDECLARED.replacen("ARG VERSION=1.22", "ARG VERS$0ION=1.22", 1),
        expect![[r#"
            1:5-1:12 `VERSION` def
            2:14-2:21 `VERSION` use
            3:5-3:12 `VERSION` def
            4:11-4:18 `VERSION` use
            11:5-11:12 `VERSION` def
            12:8-12:15 `VERSION` use"#]],
    );
    check_references(
        &REDECLARED.replacen("ARG VERSION=9", "ARG VERSION$0=9", 1),
        expect![[r#"
            7:5-7:12 `VERSION` def
            8:11-8:18 `VERSION` use"#]],
    );
}

#[test]
fn stage_env_is_local_and_inherited_by_stages_built_on_it() {
    let text = "\
FROM alpine AS base
ENV APP=/srv
RUN ls $APP

FROM base AS child
RUN ls ${APP}/bin
ENV APP=/opt

FROM alpine
ENV APP=/other
RUN ls $APP
";
    check_references(
        &text.replacen("ENV APP=/srv", "ENV A$0PP=/srv", 1),
        expect![[r#"
            2:5-2:8 `APP` def
            3:9-3:12 `APP` use
            6:10-6:13 `APP` use
            7:5-7:8 `APP` def"#]],
    );
    check_definition(
        &text.replacen("${APP}", "${A$0PP}", 1),
        expect!["2:5-2:8 `APP`"],
    );
    check_references(
        &text.replacen("ENV APP=/other", "ENV APP$0=/other", 1),
        expect![[r#"
            10:5-10:8 `APP` def
            11:9-11:12 `APP` use"#]],
    );
}

#[test]
fn env_overrides_arg_and_values_see_earlier_declarations() {
    check_definition(
        "FROM alpine\nARG P=1\nENV P=${P}x\nRUN echo $P$0\n",
        expect!["3:5-3:6 `P`"],
    );
    check_definition(
        "FROM alpine\nARG P=1\nENV P=${P$0}x\n",
        expect!["2:5-2:6 `P`"],
    );
}

#[test]
fn nested_defaults_heredoc_bodies_and_runtime_commands() {
    let text = "\
FROM alpine
ENV A=1 B=2
RUN echo ${A:-${B}}
RUN <<EOF
echo $B
EOF
COPY <<'EOF' /x
$B stays literal
EOF
CMD echo $B $C
ENV C=3
";
    check_references(
        &text.replacen("B=2", "B$0=2", 1),
        expect![[r#"
            2:9-2:10 `B` def
            3:17-3:18 `B` use
            5:7-5:8 `B` use
            10:11-10:12 `B` use"#]],
    );
    // The container runs CMD with the stage's final ENV, declared after it.
    check_definition(&text.replacen("$C", "$C$0", 1), expect!["11:5-11:6 `C`"]);
}

#[test]
fn heredoc_markers_and_terminators() {
    let text = "\
FROM alpine
RUN <<-\"SCRIPT\" bash
\techo hi
\tSCRIPT
COPY <<EOF /etc/motd
hello
EOF
";
    check_references(
        &text.replacen("\tSCRIPT", "\tSCR$0IPT", 1),
        expect![[r#"
            2:9-2:15 `SCRIPT` def
            4:2-4:8 `SCRIPT` use"#]],
    );
    check_definition(
        &text.replacen("\nEOF", "\nEOF$0", 1),
        expect!["5:8-5:11 `EOF`"],
    );
}

#[test]
fn continuations_comments_escape_and_crlf() {
    // A comment line inside a continuation is dropped by the builder.
    check_references(
        "FROM alpine\nENV X$0=1\nRUN echo \\\n# $X not here\n  $X\n",
        expect![[r#"
            2:5-2:6 `X` def
            5:4-5:5 `X` use"#]],
    );
    check_references(
        "# escape=`\r\nFROM alpine\r\nENV X$0=1\r\nWORKDIR C:\\$X `\r\n  \\y\r\n",
        expect![[r#"
            3:5-3:6 `X` def
            4:13-4:14 `X` use"#]],
    );
}

#[test]
fn builtin_and_undeclared_variables_have_no_definition() {
    check_definition("FROM --platform=$BUILD$0PLATFORM alpine\n", expect![""]);
    check_references(
        "FROM --platform=$BUILDPLATFORM alpine\nFROM --platform=$BUILD$0PLATFORM debian\n",
        expect![[r#"
            1:18-1:31 `BUILDPLATFORM` use
            2:18-2:31 `BUILDPLATFORM` use"#]],
    );
    check_references(
        "FROM alpine\nRUN for f in *; do echo $f$0; done\n",
        expect!["2:26-2:27 `f` use"],
    );
}

#[test]
fn keywords_comments_and_plain_text_have_nothing() {
    for fixture in [
        "FR$0OM alpine AS build\n",
        "# a comm$0ent\nFROM alpine\n",
        "FROM alpine\nRUN echo hel$0lo\n",
        "FROM alpine\nRUN ['echo', '$0']\n",
    ] {
        check_definition(fixture, expect![""]);
        check_references(fixture, expect![""]);
    }
}

#[test]
fn any_offset_of_any_text_is_harmless() {
    let texts = [
        STAGES,
        REDECLARED,
        "FROM a AS b\nRUN <<EOF\n${\nEOF\nCOPY --from=",
        "ARG ${A:-${B:-${C}}}\nFROM $A\n\u{1F600}RUN $\u{e9}",
        "\r\r\n\\\nFROM\tx AS",
    ];
    for text in texts {
        let analysis = Analysis::new(text);
        let index = Index::build(&analysis);
        for o in &index.occurrences {
            assert!(text.get(o.range.range()).is_some(), "{o:?}");
            for t in &o.targets {
                assert!(text.get(t.range()).is_some(), "{o:?}");
            }
        }
        for offset in 0..text.len() + 3 {
            let _ = definition(&analysis, offset);
            let _ = references(&analysis, offset, false);
            let _ = crate::ide::rename::prepare(&analysis, offset);
            let _ = crate::ide::rename::rename(&analysis, offset, "x");
        }
    }
}

//! Tests of the pinning logic: sites, skips, edits and hover text.

use std::time::{Duration, UNIX_EPOCH};

use expect_test::{expect, Expect};

use super::*;
use crate::text::apply_edits;

const D1: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const D2: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

/// One line per site: kind, written text, what it resolves to (or why not), and what
/// pinning it would do.
fn sites(text: &str, expect: Expect) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let analysis = Analysis::new(text);
    let mut out = String::new();
    for s in pin_sites(&analysis) {
        let target = match &s.target {
            Ok(r) => r.full_name(),
            Err(skip) => format!("skip: {}", skip.reason()),
        };
        let action = match s.can_pin() {
            Ok(_) => s.action_title(),
            Err(skip) => format!("no action: {}", skip.reason()),
        };
        out.push_str(&format!(
            "{} `{}` (instruction {}) -> {target}\n    {action}\n",
            s.kind.label(),
            &text[s.range.range()],
            s.instruction,
        ));
    }
    expect.assert_eq(&out);
}

/// Pins every pinnable site to `D2` and returns the text.
fn pinned(text: &str) -> String {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let analysis = Analysis::new(text);
    let edits: Vec<_> = pin_sites(&analysis)
        .iter()
        .filter_map(|s| pin_edit(s, D2).ok())
        .collect();
    apply_edits(text, &edits)
}

#[test]
fn every_site_kind_with_stages_scratch_and_context_left_out() {
    sites(
        r#"
FROM golang:1.23 AS build
FROM scratch AS empty
FROM build AS again
COPY --from=build /a /b
COPY --from=0 /a /b
COPY --from=nginx:1.27 /etc/nginx /etc/nginx
ADD --from=ghcr.io/o/tool:2 /t /t
RUN --mount=type=bind,from=alpine:3.20,target=/x --mount=from=context,target=/c true
RUN --mount=type=cache,target=/root/.cache,from=build true
ONBUILD COPY --from=busybox:1 /bin/sh /sh
FROM node
"#,
        expect![[r#"
            FROM `golang:1.23` (instruction 0) -> docker.io/library/golang:1.23
                Pin `golang:1.23` to its digest
            COPY --from `nginx:1.27` (instruction 5) -> docker.io/library/nginx:1.27
                Pin `nginx:1.27` to its digest
            COPY --from `ghcr.io/o/tool:2` (instruction 6) -> ghcr.io/o/tool:2
                Pin `ghcr.io/o/tool:2` to its digest
            RUN --mount=from `alpine:3.20` (instruction 7) -> docker.io/library/alpine:3.20
                Pin `alpine:3.20` to its digest
            FROM `node` (instruction 10) -> docker.io/library/node
                Pin `node` to its digest
        "#]],
    );
}

#[test]
fn variables_resolve_through_arg_defaults_or_say_why_not() {
    sites(
        r#"
ARG V=22
ARG IMG=python:3.12-slim
ARG PINNED=alpine:3.20@sha256:1111111111111111111111111111111111111111111111111111111111111111
ARG DIGEST=sha256:1111111111111111111111111111111111111111111111111111111111111111
FROM node:${V}-slim AS a
FROM $IMG AS b
FROM ${PINNED} AS c
FROM alpine:3.20@${DIGEST} AS d
FROM node:$UNSET AS e
FROM golang:1.23-${TARGETOS} AS g
FROM node:${V}! AS f
COPY --from=repo/img:${NOPE} /a /b
COPY --from=${STAGE} /a /b
"#,
        expect![[r#"
            FROM `node:${V}-slim` (instruction 4) -> docker.io/library/node:22-slim
                Pin `node:22-slim` to its digest
            FROM `$IMG` (instruction 5) -> docker.io/library/python:3.12-slim
                Pin `python:3.12-slim` to its digest
            FROM `${PINNED}` (instruction 6) -> docker.io/library/alpine:3.20@sha256:1111111111111111111111111111111111111111111111111111111111111111
                no action: the digest comes from the value of `PINNED`; pin it where `PINNED` is set, not in this reference
            FROM `alpine:3.20@${DIGEST}` (instruction 7) -> docker.io/library/alpine:3.20@sha256:1111111111111111111111111111111111111111111111111111111111111111
                no action: the digest comes from the value of `DIGEST`; pin it where `DIGEST` is set, not in this reference
            FROM `node:$UNSET` (instruction 8) -> skip: `UNSET` has no default value here (no `ARG UNSET=…` before this line), so the image is only known at build time; give the ARG a default to pin it
                no action: `UNSET` has no default value here (no `ARG UNSET=…` before this line), so the image is only known at build time; give the ARG a default to pin it
            FROM `golang:1.23-${TARGETOS}` (instruction 9) -> skip: `TARGETOS` is set by BuildKit at build time, not by an ARG default, so the image is only known then
                no action: `TARGETOS` is set by BuildKit at build time, not by an ARG default, so the image is only known then
            FROM `node:${V}!` (instruction 10) -> skip: not a valid image reference: invalid tag `22!`
                no action: not a valid image reference: invalid tag `22!`
            COPY --from `repo/img:${NOPE}` (instruction 11) -> skip: `NOPE` has no default value here (no `ARG NOPE=…` before this line), so the image is only known at build time; give the ARG a default to pin it
                no action: `NOPE` has no default value here (no `ARG NOPE=…` before this line), so the image is only known at build time; give the ARG a default to pin it
        "#]],
    );
}

#[test]
fn quoted_split_and_digest_only_references_are_explained() {
    let d = D1;
    sites(
        &format!(
            "FROM \"node:22\"\nFROM node:\\\n22\nFROM alpine@{d}\nRUN --mount=from=alpine:3.20,\\\ntarget=/x true\nFROM Node:22\n"
        ),
        expect![[r#"
            FROM `"node:22"` (instruction 0) -> docker.io/library/node:22
                no action: the reference is written in quotes; write it without quotes to pin it here
            FROM `node:\
            22` (instruction 1) -> docker.io/library/node:22
                no action: a line continuation splits the reference; join it on one line to pin it here
            FROM `alpine@sha256:1111111111111111111111111111111111111111111111111111111111111111` (instruction 2) -> docker.io/library/alpine@sha256:1111111111111111111111111111111111111111111111111111111111111111
                no action: the reference has a digest and no tag: it is already pinned, and there is no tag to ask the registry about
            RUN --mount=from `from=alpine:3.20,\
            target=/x` (instruction 3) -> docker.io/library/alpine:3.20
                no action: a line continuation splits the reference; join it on one line to pin it here
            FROM `Node:22` (instruction 4) -> skip: not a valid image reference: invalid repository name component `Node` (lowercase letters, digits and separators only)
                no action: not a valid image reference: invalid repository name component `Node` (lowercase letters, digits and separators only)
        "#]],
    );
}

#[test]
fn edits_append_or_replace_and_keep_variables() {
    let text = format!(
        r#"
ARG V=22
FROM node:${{V}}-slim AS a
FROM python:3.12@{D1} AS b
FROM node
FROM ${{V:+node}}:${{V}}
COPY --from=ghcr.io/o/tool:2@{D1} /t /t
RUN --mount=type=bind,from=alpine:3.20,target=/x true
"#
    );
    expect![[r#"
        ARG V=22
        FROM node:${V}-slim@sha256:2222222222222222222222222222222222222222222222222222222222222222 AS a
        FROM python:3.12@sha256:2222222222222222222222222222222222222222222222222222222222222222 AS b
        FROM node:latest@sha256:2222222222222222222222222222222222222222222222222222222222222222
        FROM ${V:+node}:${V}@sha256:2222222222222222222222222222222222222222222222222222222222222222
        COPY --from=ghcr.io/o/tool:2@sha256:2222222222222222222222222222222222222222222222222222222222222222 /t /t
        RUN --mount=type=bind,from=alpine:3.20@sha256:2222222222222222222222222222222222222222222222222222222222222222,target=/x true
    "#]]
    .assert_eq(&pinned(&text));
    // The pinned text resolves to the digest, with the tag kept, and nothing is left to
    // pin differently.
    let again = pinned(&text);
    let analysis = Analysis::new(again.as_str());
    for s in pin_sites(&analysis) {
        let r = s.can_pin().expect("still pinnable");
        assert_eq!(r.digest.as_deref(), Some(D2), "{}", s.written);
        assert!(r.tag.is_some(), "{}", s.written);
    }
    assert_eq!(pinned(&again), again);
}

#[test]
fn edits_refuse_bad_digests_and_unpinnable_sites() {
    let analysis = Analysis::new(format!("FROM node:22\nFROM alpine@{D1}\n"));
    let sites = pin_sites(&analysis);
    let bad: Vec<String> = [
        "",
        "sha256:abc",
        "md5:1234",
        "sha256:ZZ",
        &D1.to_uppercase(),
    ]
    .iter()
    .map(|d| match pin_edit(&sites[0], d) {
        Ok(e) => panic!("accepted {d:?}: {e:?}"),
        Err(skip) => skip.reason(),
    })
    .collect();
    assert_eq!(
        bad[0],
        "`` is not a digest (`sha256:` and 64 lowercase hex digits)"
    );
    assert_eq!(bad.len(), 5);
    assert_eq!(pin_edit(&sites[1], D2), Err(Skip::NoTag));
}

#[test]
fn site_at_finds_the_reference_under_the_cursor() {
    let text = "FROM golang:1.23 AS build\nCOPY --from=nginx:1 /a /b\n";
    let analysis = Analysis::new(text);
    let at = |needle: &str| site_at(&analysis, text.find(needle).unwrap()).map(|s| s.written);
    assert_eq!(at("golang").as_deref(), Some("golang:1.23"));
    assert_eq!(at(":1.23").as_deref(), Some("golang:1.23"));
    assert_eq!(at("nginx").as_deref(), Some("nginx:1"));
    assert_eq!(
        at(" AS"),
        Some("golang:1.23".to_string()),
        "the end is included"
    );
    assert_eq!(at("AS build"), None);
    assert_eq!(at("/a"), None);
}

#[test]
fn variable_note_names_the_default_and_the_variables() {
    let analysis = Analysis::new("ARG V=22\nARG D=-slim\nFROM node:${V}${D}\nFROM node:20\n");
    let sites = pin_sites(&analysis);
    assert!(sites[0].uses_variables() && !sites[1].uses_variables());
    expect![[r#"the digest is that of `node:22-slim`, from the ARG defaults; a `--build-arg` that changes `V`, `D` still gets this digest (a digest overrides the tag), so update the digest when you change them"#]]
        .assert_eq(&sites[0].variable_note().unwrap());
    assert_eq!(sites[1].variable_note(), None);
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn utc_times_and_ages() {
    // 2026-12-07 05:12:30 UTC; 2000-02-29 (a leap day); the epoch.
    assert_eq!(format_utc(at(1_796_620_350)), "2026-12-07 05:12 UTC");
    assert_eq!(format_utc(at(951_782_400 + 3_599)), "2000-02-29 00:59 UTC");
    assert_eq!(format_utc(at(0)), "1970-01-01 00:00 UTC");
    assert_eq!(format_utc(at(1_709_251_199)), "2024-02-29 23:59 UTC");
    let now = at(1_000_000);
    assert_eq!(time_ago(at(1_000_000 - 59), now), "just now");
    assert_eq!(time_ago(at(1_000_000 - 60), now), "1 minute ago");
    assert_eq!(time_ago(at(1_000_000 - 180), now), "3 minutes ago");
    assert_eq!(time_ago(at(1_000_000 - 7_300), now), "2 hours ago");
    assert_eq!(time_ago(at(1_000_000 - 86_400 * 5), now), "5 days ago");
    assert_eq!(time_ago(at(1_000_100), now), "just now", "clock skew");
}

fn facts(digest: &str, media_type: &str, platforms: &[&str]) -> ImageFacts {
    ImageFacts {
        digest: digest.to_string(),
        media_type: media_type.to_string(),
        platforms: platforms.iter().map(|p| p.to_string()).collect(),
        fetched_at: at(1_796_620_350),
    }
}

fn hover(text: &str, f: &ImageFacts) -> String {
    let analysis = Analysis::new(text);
    let site = &pin_sites(&analysis)[0];
    facts_markdown(site, f, at(1_796_620_350 + 200))
}

#[test]
fn facts_markdown_for_an_index_a_pinned_site_and_a_variable() {
    let index = facts(
        D2,
        "application/vnd.oci.image.index.v1+json",
        &["linux/amd64", "linux/arm64/v8"],
    );
    expect![[r#"
        **`node:22`** according to its registry:

        - digest: `sha256:2222222222222222222222222222222222222222222222222222222222222222`
        - media type: OCI image index (`application/vnd.oci.image.index.v1+json`)
        - platforms (2): linux/amd64, linux/arm64/v8
        - fetched 3 minutes ago, 2026-12-07 05:12 UTC
    "#]]
    .assert_eq(&hover("FROM node:22\n", &index));
    expect![[r#"
        **`node:22`** according to its registry:

        - digest: `sha256:2222222222222222222222222222222222222222222222222222222222222222`
        - media type: OCI image index (`application/vnd.oci.image.index.v1+json`)
        - platforms (2): linux/amd64, linux/arm64/v8
        - fetched 3 minutes ago, 2026-12-07 05:12 UTC

        This file pins `sha256:111111111111…`, which is no longer what `node:22` points to.
    "#]]
    .assert_eq(&hover(&format!("FROM node:22@{D1}\n"), &index));
    let single = facts(
        D1,
        "application/vnd.docker.distribution.manifest.v2+json",
        &[],
    );
    expect![[r#"
        **`node:22`** according to its registry:

        - digest: `sha256:1111111111111111111111111111111111111111111111111111111111111111`
        - media type: Docker image manifest (schema 2) (`application/vnd.docker.distribution.manifest.v2+json`)
        - fetched 3 minutes ago, 2026-12-07 05:12 UTC

        The pinned digest is the tag's current one.

        Note: the digest is that of `node:22`, from the ARG default; a `--build-arg` that changes `V` still gets this digest (a digest overrides the tag), so update the digest when you change it.
    "#]]
    .assert_eq(&hover(&format!("ARG V=22\nFROM node:${{V}}@{D1}\n"), &single));
    let mut table = FactsTable::new();
    table.insert("docker.io/library/node:22".into(), index.clone());
    let text = "FROM node:22 AS a\nFROM node:20\n";
    let analysis = Analysis::new(text);
    let (site, markdown) = facts_hover(&analysis, 7, &table, at(1_796_620_550)).unwrap();
    assert_eq!(
        (site.written.as_str(), markdown),
        ("node:22", hover(text, &index))
    );
    assert_eq!(
        facts_hover(&analysis, text.find("20").unwrap(), &table, at(0)),
        None
    );
    assert_eq!(
        facts_hover(&analysis, text.find("AS").unwrap() + 1, &table, at(0)),
        None
    );
    let odd = facts(D1, "application/x-unknown", &[]);
    assert!(hover("FROM node:22\n", &odd).contains("- media type: `application/x-unknown`\n"));
    assert_eq!(
        media_type_name("application/vnd.docker.distribution.manifest.list.v2+json"),
        Some("Docker manifest list")
    );
}

#[test]
fn plan_site_decides_per_site() {
    let text = format!(
        "FROM node:22\nFROM alpine:3.20@{D1}\nFROM python:3.12@{D1}\nFROM ghcr.io/o/x:1\nFROM node:$NOPE\n"
    );
    let analysis = Analysis::new(text.as_str());
    let mut table = FactsTable::new();
    for (key, d) in [
        ("docker.io/library/node:22", D2),
        ("docker.io/library/alpine:3.20", D1),
        ("docker.io/library/python:3.12", D2),
    ] {
        table.insert(key.to_string(), facts(d, "", &[]));
    }
    let plans: Vec<(String, Plan<'_>)> = pin_sites(&analysis)
        .iter()
        .map(|s| (s.written.clone(), plan_site(s, &table)))
        .collect();
    let edits: Vec<_> = plans
        .iter()
        .filter_map(|(_, p)| match p {
            Plan::Pin { edit, facts } => {
                assert!(edit.new_text.ends_with(&facts.digest), "{edit:?}");
                Some(edit.clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(edits.len(), 2);
    expect![[r#"
        FROM node:22@sha256:2222222222222222222222222222222222222222222222222222222222222222
        FROM alpine:3.20@sha256:1111111111111111111111111111111111111111111111111111111111111111
        FROM python:3.12@sha256:2222222222222222222222222222222222222222222222222222222222222222
        FROM ghcr.io/o/x:1
        FROM node:$NOPE
    "#]]
    .assert_eq(&apply_edits(&text, &edits));
    let rest: Vec<(&str, &Plan<'_>)> = plans
        .iter()
        .filter(|(_, p)| !matches!(p, Plan::Pin { .. }))
        .map(|(w, p)| (w.as_str(), p))
        .collect();
    assert_eq!(
        rest,
        [
            (format!("alpine:3.20@{D1}").as_str(), &Plan::Current),
            ("ghcr.io/o/x:1", &Plan::Unknown),
            (
                "node:$NOPE",
                &Plan::Skipped(Skip::Unresolved {
                    variable: "NOPE".into()
                })
            ),
        ]
    );
}

/// Instruction heads, reference pieces and tails that make lines with image references
/// in every form the sites handle, and some that break them.
const HEADS: &[&str] = &[
    "FROM ",
    "FROM ",
    "FROM --platform=linux/amd64 ",
    "COPY --from=",
    "ADD --from=",
    "RUN --mount=type=bind,from=",
    "ONBUILD COPY --from=",
    "ARG V=",
    "ARG IMG=",
    "",
];
const PIECES: &[&str] = &[
    "node",
    "node:22",
    ":${V}",
    "${IMG}",
    "$IMG",
    "@${D}",
    "ghcr.io/o/x",
    "localhost:5000/a/b",
    "@sha256:1111111111111111111111111111111111111111111111111111111111111111",
    "22",
    "build",
    "scratch",
    "context",
    "0",
    "\"",
    "'",
    "\\\n",
    "Node",
    "@",
    ":",
    "${",
    "}",
    "-slim",
    "${UNSET}",
    "`\n",
];
const TAILS: &[&str] = &[" AS build", " /a /b", ",target=/x true", "", "\r", " AS b2"];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Any mix of the pieces: sites stay inside the text, every edit applies, adds no
    /// parser error, and leaves a site that names the new digest with the tag it had.
    #[test]
    fn random_files_pin_safely(
        escape in proptest::bool::ANY,
        lines in proptest::collection::vec(
            (
                proptest::sample::select(HEADS),
                proptest::collection::vec(proptest::sample::select(PIECES), 1..4),
                proptest::sample::select(TAILS),
            ),
            1..8,
        )
    ) {
        let mut text = String::from(if escape { "# escape=`\n" } else { "" });
        text.push_str("ARG V=22\nARG IMG=node\nARG D=sha256:1111111111111111111111111111111111111111111111111111111111111111\n");
        for (head, pieces, tail) in &lines {
            text.push_str(head);
            text.push_str(&pieces.concat());
            text.push_str(tail);
            text.push('\n');
        }
        let analysis = Analysis::new(text.as_str());
        for s in &pin_sites(&analysis) {
            proptest::prop_assert!(text.get(s.range.range()).is_some());
            let Ok(edit) = pin_edit(s, D2) else { continue };
            let r = s.can_pin().unwrap().clone();
            let fixed = apply_edits(&text, &[edit]);
            let after = Analysis::new(fixed.as_str());
            proptest::prop_assert!(after.syntax().errors.len() <= analysis.syntax().errors.len());
            let Some(again) = site_at(&after, s.range.start()) else {
                return Err(proptest::test_runner::TestCaseError::fail(format!(
                    "no site after pinning {:?} in {text:?}",
                    s.written
                )));
            };
            let pinned = again.target.clone().unwrap();
            proptest::prop_assert_eq!(pinned.digest.as_deref(), Some(D2), "{:?} in {:?}", s.written, text);
            proptest::prop_assert_eq!(&pinned.registry, &r.registry);
            proptest::prop_assert_eq!(&pinned.repository, &r.repository);
            if r.tag.is_some() || !s.uses_variables() {
                proptest::prop_assert_eq!(pinned.tag_or_latest(), r.tag_or_latest());
            }
        }
    }
}

//! `textDocument/hover` over the wire: the diagnostic lines come first, each with its
//! rule's documentation link, then `---` and the core hover of the token; plain text for
//! clients without Markdown; unknown documents and positions past the end are harmless;
//! columns count in the negotiated encoding.

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";

const MULTI: &str = "\
# syntax=docker/dockerfile:1
ARG VERSION=1.22
FROM --platform=$BUILDPLATFORM golang:${VERSION} AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.cache/go-build go build -o /app .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /app /app
ENV X
";

async fn hover_at(client: &mut TestClient, line: u32, character: u32) -> Value {
    let params = json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } });
    let response = client.request("textDocument/hover", params).await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

fn value(hover: &Value) -> &str {
    hover["contents"]["value"].as_str().unwrap_or_default()
}

fn range(hover: &Value) -> ((u64, u64), (u64, u64)) {
    let pos = |p: &Value| {
        (
            p["line"].as_u64().unwrap_or(u64::MAX),
            p["character"].as_u64().unwrap_or(u64::MAX),
        )
    };
    (pos(&hover["range"]["start"]), pos(&hover["range"]["end"]))
}

async fn opened(caps: Value, text: &str) -> TestClient {
    let (mut client, _) = TestClient::initialized(caps, None).await;
    client.did_open(URI, text, 1).await;
    client
}

#[tokio::test]
async fn the_rule_line_comes_first_with_its_link() {
    let mut client = opened(capabilities(false, false, false), MULTI).await;
    // `ENV X` (line 9): X has no value.
    let hover = hover_at(&mut client, 9, 4).await;
    let text = value(&hover);
    assert_eq!(hover["contents"]["kind"], "markdown", "{hover}");
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("**invalid-arguments**: "), "{text}");
    assert!(
        first.ends_with("([documentation](https://github.com/dockerfile-lsp/dockerfile-lsp/blob/main/docs/rules.md#invalid-arguments))"),
        "{text}"
    );
    // Only one line per rule: the full rule documentation stays in the docs.
    assert!(!text.contains("## What it does"), "{text}");
    assert_eq!(range(&hover), ((9, 4), (9, 5)));
    // A comment has no diagnostic and nothing to explain.
    assert_eq!(hover_at(&mut client, 0, 0).await, json!(null));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn plaintext_clients_get_plain_text() {
    let mut caps = capabilities(false, false, false);
    caps["textDocument"]["hover"] = json!({ "contentFormat": ["plaintext"] });
    let mut client = opened(caps, "FROM alpine:3.20\nENV X\n").await;
    let hover = hover_at(&mut client, 1, 4).await;
    assert_eq!(hover["contents"]["kind"], "plaintext", "{hover}");
    let text = value(&hover);
    assert!(text.starts_with("invalid-arguments: "), "{text}");
    assert!(text.contains("(documentation (https://"), "{text}");
    assert!(!text.contains("**"), "{text}");
    assert!(!text.contains("]("), "{text}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unknown_documents_and_positions_past_the_end_are_harmless() {
    let mut client = opened(
        capabilities(false, false, false),
        "FROM alpine:3.20\nENV X\n",
    )
    .await;
    let response = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "file:///nowhere/Dockerfile" }, "position": { "line": 0, "character": 0 } }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    assert_eq!(response["result"], json!(null));
    // A column past the end of `ENV X` clamps to the end of the line: the diagnostic on X.
    let hover = hover_at(&mut client, 1, 400).await;
    assert!(
        value(&hover).starts_with("**invalid-arguments**"),
        "{hover}"
    );
    // A line past the end clamps to the end of the text; any answer is fine, an error not.
    let _ = hover_at(&mut client, 4000, 12).await;
    let _ = hover_at(&mut client, u32::MAX, u32::MAX).await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn columns_count_in_the_negotiated_encoding() {
    // `B` has no value. Before it: `é` (2 bytes, 1 UTF-16 unit) and `😀` (4 bytes, 2 units).
    let text = "FROM alpine:3.20\nENV A=\"é😀\" B\n";
    // UTF-16: B is at column 12.
    let mut client = opened(capabilities(false, false, false), text).await;
    let hover = hover_at(&mut client, 1, 12).await;
    assert!(
        value(&hover).starts_with("**invalid-arguments**"),
        "{hover}"
    );
    assert_eq!(range(&hover), ((1, 12), (1, 13)));
    client.shutdown_and_exit().await;
    // UTF-8: B is at column 15.
    let mut client = opened(capabilities(true, false, false), text).await;
    let hover = hover_at(&mut client, 1, 15).await;
    assert!(
        value(&hover).starts_with("**invalid-arguments**"),
        "{hover}"
    );
    assert_eq!(range(&hover), ((1, 15), (1, 16)));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn hovers_follow_edits() {
    let mut client = opened(
        capabilities(false, false, false),
        "FROM alpine:3.20\nENV X\n",
    )
    .await;
    assert!(value(&hover_at(&mut client, 1, 4).await).contains("invalid-arguments"));
    client.did_change(URI, 2, &[((1, 5), (1, 5), "=1")]).await;
    let after = hover_at(&mut client, 1, 4).await;
    assert!(!value(&after).contains("invalid-arguments"), "{after}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn keyword_hover_covers_the_keyword() {
    let mut client = opened(capabilities(false, false, false), MULTI).await;
    let hover = hover_at(&mut client, 2, 1).await;
    assert!(value(&hover).contains("FROM"), "{hover}");
    assert_eq!(range(&hover), ((2, 0), (2, 4)));
    let copy = hover_at(&mut client, 4, 2).await;
    assert!(value(&copy).contains("COPY"), "{copy}");
    assert!(value(&copy).contains("#### Build cache"), "{copy}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn flag_variable_and_stage_name_hovers() {
    let mut client = opened(capabilities(false, false, false), MULTI).await;
    // `--platform` on line 2.
    let flag = hover_at(&mut client, 2, 8).await;
    assert!(value(&flag).starts_with("`--platform"), "{flag}");
    assert_eq!(range(&flag), ((2, 5), (2, 15)));
    // `${VERSION}` on line 2: its value at this line.
    let col = MULTI.lines().nth(2).unwrap().find("${VERSION}").unwrap() as u64;
    let var = hover_at(&mut client, 2, col as u32 + 3).await;
    assert!(value(&var).contains("`1.22`"), "{var}");
    assert_eq!(range(&var), ((2, col), (2, col + 10)));
    // The mount type `cache` on line 5.
    let col = MULTI.lines().nth(5).unwrap().find("type=cache").unwrap() as u64;
    let mount = hover_at(&mut client, 5, col as u32 + 6).await;
    assert!(value(&mount).contains("type=cache"), "{mount}");
    assert_eq!(range(&mount), ((5, col), (5, col + 10)));
    // The stage name in `COPY --from=build` on line 8.
    let col = MULTI.lines().nth(8).unwrap().find("build").unwrap() as u32;
    let stage = hover_at(&mut client, 8, col + 1).await;
    assert!(value(&stage).contains("**Stage** `build`"), "{stage}");
    assert_eq!(range(&stage), ((8, col as u64), (8, col as u64 + 5)));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn a_diagnostic_and_the_token_hover_are_separated_by_a_rule() {
    // `ubuntu` is untagged (a diagnostic) and an image reference (a core hover).
    let mut client = opened(capabilities(false, false, false), "FROM ubuntu\n").await;
    let hover = hover_at(&mut client, 0, 6).await;
    let text = value(&hover);
    assert!(text.starts_with("**image-untagged**"), "{text}");
    let (rules, core) = text
        .split_once("\n\n---\n\n")
        .expect("a rule between the two");
    assert_eq!(rules.lines().count(), 1, "{text}");
    assert!(core.contains("ubuntu"), "{text}");
    assert_eq!(range(&hover), ((0, 5), (0, 11)));
    client.shutdown_and_exit().await;
}

//! Code lenses and inlay hints over the wire: advertised, answered for the current
//! version, empty for unknown documents, turned off by `codeLens.enable` /
//! `inlayHints.enable`, and refreshed in the client when those settings change.

use std::time::Duration;

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient, WAIT};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";

const MULTI: &str = "\
ARG REGISTRY=docker.io
ARG GO=1.22
FROM ${REGISTRY}/library/golang:${GO} AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM build AS test
RUN go test ./...

FROM gcr.io/distroless/static:nonroot AS final
COPY --from=build /app /app
";

/// The lines of `MULTI` that hold a FROM.
const FROM_LINES: [u64; 3] = [2, 7, 10];

fn with_refresh(mut caps: Value) -> Value {
    caps["workspace"]["codeLens"] = json!({ "refreshSupport": true });
    caps["workspace"]["inlayHint"] = json!({ "refreshSupport": true });
    caps
}

async fn code_lenses(client: &mut TestClient, uri: &str) -> Value {
    let response = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

async fn inlay_hints(
    client: &mut TestClient,
    uri: &str,
    from: (u32, u32),
    to: (u32, u32),
) -> Value {
    let response = client
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri }, "range": {
                "start": { "line": from.0, "character": from.1 },
                "end": { "line": to.0, "character": to.1 } } }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

fn labels(hints: &Value) -> Vec<(u64, u64, String)> {
    hints
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|h| {
                    (
                        h["position"]["line"].as_u64().unwrap(),
                        h["position"]["character"].as_u64().unwrap(),
                        h["label"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn capabilities_are_advertised() {
    let (client, result) = TestClient::initialized(capabilities(false, false, false), None).await;
    let caps = &result["capabilities"];
    assert_eq!(caps["hoverProvider"], json!(true), "{caps}");
    assert!(caps["codeLensProvider"].is_object(), "{caps}");
    assert_eq!(caps["inlayHintProvider"], json!(true), "{caps}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn code_lenses_sit_on_from_keywords() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, MULTI, 1).await;
    let lenses = code_lenses(&mut client, URI).await;
    let items = lenses.as_array().expect("an array for an open document");
    // One per stage, in order.
    let lines: Vec<u64> = items
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap_or(u64::MAX))
        .collect();
    assert_eq!(lines, FROM_LINES, "{lenses}");
    for lens in items {
        assert_eq!(lens["range"]["start"]["character"], 0, "{lens}");
        assert_eq!(lens["range"]["end"]["character"], 4, "{lens}");
        assert!(
            !lens["command"]["title"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{lens}"
        );
    }
    // Unknown documents: no lenses, no error.
    assert_eq!(
        code_lenses(&mut client, "file:///nowhere/Dockerfile").await,
        json!(null)
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn the_build_stage_lens_names_its_dependents() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, MULTI, 1).await;
    let lenses = code_lenses(&mut client, URI).await;
    let build = lenses
        .as_array()
        .and_then(|items| items.iter().find(|l| l["range"]["start"]["line"] == 2))
        .unwrap_or_else(|| panic!("a lens on the `build` stage: {lenses}"));
    let title = build["command"]["title"].as_str().unwrap_or_default();
    assert!(title.contains("final") && title.contains("test"), "{title}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn turning_code_lenses_off_and_on_refreshes_the_client() {
    let (mut client, _) = TestClient::initialized(
        with_refresh(capabilities(false, false, false)),
        Some(json!({ "codeLens": { "enable": false } })),
    )
    .await;
    client.did_open(URI, MULTI, 1).await;
    assert_eq!(code_lenses(&mut client, URI).await, json!([]));
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "dockerfileLsp": { "codeLens": { "enable": true } } } }),
        )
        .await;
    assert!(
        client
            .server_request("workspace/codeLens/refresh", WAIT)
            .await
            .is_some(),
        "the client is asked to re-request its lenses"
    );
    // The inlay hint setting did not change: no refresh for it.
    assert!(client
        .server_request("workspace/inlayHint/refresh", Duration::from_millis(300))
        .await
        .is_none());
    let lenses = code_lenses(&mut client, URI).await;
    assert_eq!(
        lenses.as_array().map(Vec::len),
        Some(FROM_LINES.len()),
        "{lenses}"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn inlay_hints_show_from_variables_in_the_range() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, MULTI, 1).await;
    let all = inlay_hints(&mut client, URI, (0, 0), (20, 0)).await;
    // After `${REGISTRY}` (column 16) and `${GO}` (column 37) on line 2.
    assert_eq!(
        labels(&all),
        vec![
            (2, 16, "= docker.io".to_owned()),
            (2, 37, "= 1.22".to_owned())
        ],
        "{all}"
    );
    let tooltip = &all[0]["tooltip"];
    assert_eq!(tooltip["kind"], "markdown", "{all}");
    assert!(
        tooltip["value"]
            .as_str()
            .unwrap_or_default()
            .contains("line 1"),
        "{all}"
    );
    // Only the lines asked for.
    assert_eq!(
        inlay_hints(&mut client, URI, (3, 0), (20, 0)).await,
        json!([])
    );
    assert_eq!(
        labels(&inlay_hints(&mut client, URI, (2, 30), (2, 40)).await).len(),
        1
    );
    // Unknown documents: nothing, no error.
    assert_eq!(
        inlay_hints(&mut client, "file:///nowhere/Dockerfile", (0, 0), (1, 0)).await,
        json!(null)
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn inlay_hint_positions_count_utf16_units() {
    let text = "ARG T=1\nFROM --platform=linux/amd64 img/é😀:$T\n";
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, text, 1).await;
    let hints = inlay_hints(&mut client, URI, (0, 0), (2, 0)).await;
    // `FROM --platform=linux/amd64 img/` is 32 units, `é` 1, `😀` 2, `:$T` 3.
    assert_eq!(labels(&hints), vec![(1, 38, "= 1".to_owned())], "{hints}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn turning_inlay_hints_off_empties_them_and_refreshes() {
    let (mut client, _) =
        TestClient::initialized(with_refresh(capabilities(false, false, false)), None).await;
    client.did_open(URI, MULTI, 1).await;
    assert_eq!(
        labels(&inlay_hints(&mut client, URI, (0, 0), (20, 0)).await).len(),
        2
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "inlayHints": { "enable": false } } }),
        )
        .await;
    assert!(
        client
            .server_request("workspace/inlayHint/refresh", WAIT)
            .await
            .is_some(),
        "the client is asked to re-request its hints"
    );
    assert_eq!(
        inlay_hints(&mut client, URI, (0, 0), (20, 0)).await,
        json!([])
    );
    client.shutdown_and_exit().await;
}

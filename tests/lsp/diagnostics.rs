//! Diagnostics over the protocol: pushed per version after edits, cleared on close,
//! pulled on request, empty for unknown documents; hover explains a diagnostic.

use std::time::Duration;

use dockerfile_lsp_tests::lsp_client::{capabilities, range_of, with_code, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";

#[tokio::test]
async fn open_publishes_diagnostics_with_range_code_and_version() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, "FROM alpine:3.20\nENV X\n", 1).await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 1);
    let errors = with_code(&published["diagnostics"], "invalid-arguments");
    assert_eq!(errors.len(), 1, "{published}");
    let d = errors[0];
    assert_eq!(range_of(d), ((1, 4), (1, 5)));
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "dockerfile-lsp");
    assert_eq!(d["message"], "`ENV X` has no value: write `ENV X=<value>`");
    assert!(d["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/docs/rules.md#invalid-arguments"));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn edits_publish_diagnostics_for_the_latest_version_only() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, "FROM alpine:3.20\nENV X\n", 1).await;
    let first = client.diagnostics(URI).await;
    assert_eq!(
        with_code(&first["diagnostics"], "invalid-arguments").len(),
        1
    );

    // Fix it: `ENV X` becomes `ENV X=1`.
    client.did_change(URI, 2, &[((1, 5), (1, 5), "=1")]).await;
    let second = client.diagnostics(URI).await;
    assert_eq!(second["version"], 2);
    assert!(
        with_code(&second["diagnostics"], "invalid-arguments").is_empty(),
        "{second}"
    );

    // Two quick edits: break line 1, then add a second broken line. Only version 4 is
    // published, and it reflects both edits.
    client.did_change(URI, 3, &[((1, 5), (1, 7), "")]).await;
    client
        .did_change(URI, 4, &[((2, 0), (2, 0), "ENV LONGER\n")])
        .await;
    let published = client
        .drain_diagnostics(URI, Duration::from_millis(800))
        .await;
    assert_eq!(published.len(), 1, "{published:?}");
    assert_eq!(published[0]["version"], 4);
    let ranges: Vec<_> = with_code(&published[0]["diagnostics"], "invalid-arguments")
        .into_iter()
        .map(range_of)
        .collect();
    assert_eq!(ranges, vec![((1, 4), (1, 5)), ((2, 4), (2, 10))]);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn several_changes_in_one_notification_apply_in_order() {
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "diagnostics": { "delayMs": 0 } })),
    )
    .await;
    client.did_open(URI, "FROM alpine:3.20\n", 1).await;
    client.diagnostics(URI).await;
    // The second change's position is only valid after the first one.
    client
        .did_change(
            URI,
            2,
            &[((1, 0), (1, 0), "ENV A=1\n"), ((1, 5), (1, 7), "\nENV B")],
        )
        .await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 2);
    let ranges: Vec<_> = with_code(&published["diagnostics"], "invalid-arguments")
        .into_iter()
        .map(range_of)
        .collect();
    // Text is now `FROM alpine:3.20\nENV A\nENV B\n`.
    assert_eq!(ranges, vec![((1, 4), (1, 5)), ((2, 4), (2, 5))]);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn close_publishes_an_empty_list() {
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "diagnostics": { "delayMs": 0 } })),
    )
    .await;
    client.did_open(URI, "FROM alpine:3.20\nENV X\n", 1).await;
    assert!(!client.diagnostics(URI).await["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await;
    let cleared = client.diagnostics(URI).await;
    assert_eq!(cleared["diagnostics"], json!([]));
    // The document is gone: a pull now reports nothing.
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await;
    assert_eq!(report["result"]["items"], json!([]), "{report}");
    client.shutdown_and_exit().await;
}

async fn pull(client: &mut TestClient, previous: Option<String>) -> Value {
    let params = json!({ "textDocument": { "uri": URI }, "previousResultId": previous });
    client.request("textDocument/diagnostic", params).await["result"].clone()
}

async fn hover_at(client: &mut TestClient, line: u32, character: u32) -> Value {
    let params = json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } });
    client.request("textDocument/hover", params).await["result"].clone()
}

#[tokio::test]
async fn pull_clients_get_reports_and_no_pushes() {
    let (mut client, _) = TestClient::initialized(capabilities(true, true, false), None).await;
    client.did_open(URI, "FROM alpine:3.20\nENV X\n", 1).await;
    let report = pull(&mut client, None).await;
    assert_eq!(report["kind"], "full");
    let errors = with_code(&report["items"], "invalid-arguments");
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(range_of(errors[0]), ((1, 4), (1, 5)));
    let result_id = report["resultId"].as_str().unwrap().to_owned();

    let again = pull(&mut client, Some(result_id.clone())).await;
    assert_eq!(again["kind"], "unchanged", "{again}");
    assert_eq!(again["resultId"], result_id.as_str());

    client.did_change(URI, 2, &[((1, 5), (1, 5), "=1")]).await;
    let after = pull(&mut client, Some(result_id)).await;
    assert_eq!(after["kind"], "full");
    assert!(
        with_code(&after["items"], "invalid-arguments").is_empty(),
        "{after}"
    );

    let pushed = client
        .drain_diagnostics(URI, Duration::from_millis(400))
        .await;
    assert!(
        pushed.is_empty(),
        "a pull client gets no pushes: {pushed:?}"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unknown_documents_get_empty_answers() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    let unknown = "file:///nowhere/Dockerfile";
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": unknown }, "position": { "line": 0, "character": 0 } }),
        )
        .await;
    assert_eq!(hover.get("result"), Some(&json!(null)), "{hover}");
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": unknown } }),
        )
        .await;
    assert_eq!(report["result"]["kind"], "full", "{report}");
    assert_eq!(report["result"]["items"], json!([]));
    // Changing or closing a document that was never opened is ignored.
    client
        .did_change(unknown, 2, &[((0, 0), (0, 0), "FROM x\n")])
        .await;
    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": unknown } }),
        )
        .await;
    let report = client
        .request(
            "textDocument/diagnostic",
            json!({ "textDocument": { "uri": unknown } }),
        )
        .await;
    assert_eq!(report["result"]["items"], json!([]));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn hover_on_a_diagnostic_shows_its_rule() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client
        .did_open(URI, "# the app\nFROM alpine:3.20\nENV X\nUSER app\n", 1)
        .await;
    let hover = hover_at(&mut client, 2, 4).await;
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    // One line for the rule, linking to its documentation (tests/lsp/hover.rs has more).
    assert!(text.starts_with("**invalid-arguments**: "), "{hover}");
    assert!(text.contains("([documentation]("), "{hover}");
    assert_eq!(
        hover["range"]["start"],
        json!({ "line": 2, "character": 4 })
    );
    // A comment has no diagnostic, so no hover.
    assert_eq!(hover_at(&mut client, 0, 3).await, json!(null));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn containerfiles_in_plain_text_are_analysed() {
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "diagnostics": { "delayMs": 0 } })),
    )
    .await;
    let uri = "file:///project/app.containerfile";
    client
        .notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "plaintext", "version": 7, "text": "FROM alpine:3.20\nENV X\n" } }),
        )
        .await;
    let published = client.diagnostics(uri).await;
    assert_eq!(published["version"], 7);
    assert_eq!(
        with_code(&published["diagnostics"], "invalid-arguments").len(),
        1
    );
    client.shutdown_and_exit().await;
}

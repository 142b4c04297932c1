//! `$/cancelRequest` on a genuinely slow request: pinning an image against a loopback
//! registry that takes seconds to answer. The request is answered with RequestCancelled
//! at once, the server keeps answering, and the cancelled work has no side effect (no
//! `workspace/applyEdit` once the registry finally answers). Several slow requests at
//! once hold back neither edits, other requests nor their own cancellation.

use std::time::{Duration, Instant};

use dockerfile_lsp_tests::fake_registry::{sha256, FakeRegistry, Response};
use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient, WAIT};
use serde_json::json;

use crate::{at, framed};

const URI: &str = "file:///abuse/cancel/Dockerfile";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// How long the registry takes to answer each request.
const SLOW: Duration = Duration::from_secs(3);

/// A slow registry serving `tools:2`, and a server with a document pinning from it open;
/// returns the pin command's `executeCommand` params (keep the registry and folder alive).
async fn slow_pin_setup() -> (
    FakeRegistry,
    tempfile::TempDir,
    TestClient,
    serde_json::Value,
) {
    let body = json!({ "schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256(b"c"), "size": 1 }, "layers": [] })
        .to_string();
    let registry = FakeRegistry::start(move |req| {
        if req.path == "/v2/tools/manifests/2" {
            Response::manifest(OCI_MANIFEST, body.clone()).delay(SLOW)
        } else {
            Response::new(404).delay(SLOW)
        }
    });
    let host = registry.host();
    let text = format!("FROM {host}/tools:2\nRUN echo hi\n");
    let dir = tempfile::tempdir().unwrap();
    let mut caps = capabilities(false, false, false);
    caps["workspace"]["applyEdit"] = json!(true);
    caps["textDocument"]["codeAction"] = json!({
        "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } },
    });
    let options = json!({ "registry": { "dockerConfig": dir.path(), "timeoutMs": 30000 } });
    let (mut client, _) = TestClient::initialized(caps, Some(options)).await;
    client.did_open(URI, &text, 1).await;
    let position = json!({ "line": 0, "character": 8 });
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": URI }, "range": { "start": position, "end": position }, "context": { "diagnostics": [] } }),
        )
        .await;
    let pin = actions["result"]
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with("Pin ")))
        })
        .cloned()
        .unwrap_or_else(|| panic!("no pin action: {actions}"));
    let command = &pin["command"];
    let params = json!({ "command": command["command"], "arguments": command["arguments"] });
    (registry, dir, client, params)
}

/// Sends the pin command as request `id` without waiting for its answer.
async fn send_pin(client: &mut TestClient, id: i64, params: &serde_json::Value) {
    let message = json!({ "jsonrpc": "2.0", "id": id, "method": "workspace/executeCommand", "params": params });
    client
        .send_raw(&framed(message.to_string().as_bytes()))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_pin_answers_request_cancelled_and_edits_nothing() {
    let (registry, _dir, mut client, params) = slow_pin_setup().await;
    // The command's request, sent by hand so that it can be cancelled while it waits.
    let id = 9001;
    send_pin(&mut client, id, &params).await;
    let started = Instant::now();
    while registry.requests().is_empty() {
        assert!(started.elapsed() < WAIT, "the pin never asked the registry");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    client.notify("$/cancelRequest", json!({ "id": id })).await;
    let cancelled = client
        .wait_message(WAIT, |m| m["id"] == id && m.get("method").is_none())
        .await
        .expect("the cancelled request is answered");
    assert_eq!(
        cancelled["error"]["code"], -32800,
        "RequestCancelled: {cancelled}"
    );
    assert!(
        started.elapsed() < SLOW,
        "answered as cancelled before the registry answered ({:?})",
        started.elapsed()
    );
    // The server answers other requests meanwhile.
    let hover = client.request("textDocument/hover", at(URI, 1, 1)).await;
    assert!(hover["result"]["contents"].is_object(), "{hover}");
    // Once the registry has answered, nothing of the cancelled pin reaches the editor.
    let edit = client.server_request("workspace/applyEdit", SLOW * 2).await;
    assert!(
        edit.is_none(),
        "a cancelled pin asked to apply an edit: {edit:?}"
    );
    let shown = client
        .wait_for("window/showMessage", Duration::from_millis(100), |_| true)
        .await;
    assert!(
        shown.is_none(),
        "a cancelled pin showed a message: {shown:?}"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_hold_back_neither_edits_nor_other_requests() {
    let (registry, _dir, mut client, params) = slow_pin_setup().await;
    // More slow requests than tower-lsp-server's default concurrency (4).
    let ids: Vec<i64> = (9100..9106).collect();
    for &id in &ids {
        send_pin(&mut client, id, &params).await;
    }
    let started = Instant::now();
    while registry.requests().is_empty() {
        assert!(
            started.elapsed() < WAIT,
            "the pins never asked the registry"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // An edit and a hover are served while the lookups wait.
    client.did_change(URI, 2, &[((1, 0), (1, 3), "FOO")]).await;
    let hover = client.request("textDocument/hover", at(URI, 1, 1)).await;
    assert!(
        started.elapsed() < SLOW,
        "the hover waited for the registry ({:?})",
        started.elapsed()
    );
    let text = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(
        text.contains("unknown-instruction"),
        "the hover sees the edit (RUN became FOO): {hover}"
    );
    // Every slow request can still be cancelled at once.
    for &id in &ids {
        client.notify("$/cancelRequest", json!({ "id": id })).await;
    }
    for &id in &ids {
        let answer = client
            .wait_message(WAIT, |m| m["id"] == id && m.get("method").is_none())
            .await
            .unwrap_or_else(|| panic!("no answer to {id}"));
        assert_eq!(answer["error"]["code"], -32800, "{answer}");
    }
    assert!(
        started.elapsed() < SLOW,
        "the cancellations waited for the registry ({:?})",
        started.elapsed()
    );
    client.shutdown_and_exit().await;
}

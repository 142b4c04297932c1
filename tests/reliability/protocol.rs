//! Protocol abuse: requests and notifications before `initialize`, malformed JSON-RPC and
//! bad `Content-Length` framing (on the release binary over stdio: the process must
//! survive), unknown methods and `$/` messages.

use std::time::Duration;

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient, WAIT};
use serde_json::{json, Value};

use crate::{at, binary_server, framed};

const URI: &str = "file:///abuse/Dockerfile";
const TEXT: &str = "FROM alpine:3.20\nRUN echo hi\n";

/// Checks that no error answer arrives within 300 ms (`what` says why there should be none).
async fn assert_no_error(client: &mut TestClient, what: &str) {
    let error = client
        .wait_message(Duration::from_millis(300), |m| m.get("error").is_some())
        .await;
    assert!(error.is_none(), "{what}: {error:?}");
}

/// The error code of a response (panics with the response when it is not an error).
fn error_code(response: &Value) -> i64 {
    response["error"]["code"]
        .as_i64()
        .unwrap_or_else(|| panic!("not an error response: {response}"))
}

#[tokio::test]
async fn requests_before_initialize_are_refused_and_initialize_still_works() {
    let mut client = TestClient::start();
    let hover = client.request("textDocument/hover", at(URI, 0, 1)).await;
    assert_eq!(error_code(&hover), -32002, "ServerNotInitialized: {hover}");
    // A notification before initialize is dropped: the document is not open afterwards.
    client.did_open(URI, TEXT, 1).await;
    let shutdown = client.request("shutdown", Value::Null).await;
    assert_eq!(error_code(&shutdown), -32002, "{shutdown}");
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await;
    assert_eq!(error_code(&symbols), -32002, "{symbols}");

    client
        .initialize(capabilities(false, false, false), None)
        .await;
    let hover = client.request("textDocument/hover", at(URI, 0, 1)).await;
    assert_eq!(
        hover["result"],
        Value::Null,
        "the early didOpen was dropped: {hover}"
    );
    assert!(
        client
            .wait_for(
                "textDocument/publishDiagnostics",
                Duration::from_millis(500),
                |_| true
            )
            .await
            .is_none(),
        "nothing was published for a document opened before initialize"
    );
    // A second initialize is an invalid request; the session goes on.
    let again = client
        .request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": {} }),
        )
        .await;
    assert_eq!(error_code(&again), -32600, "{again}");
    client.did_open(URI, TEXT, 1).await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 1, "{published}");
    let hover = client.request("textDocument/hover", at(URI, 0, 1)).await;
    assert!(hover["result"]["contents"].is_object(), "{hover}");
    client.shutdown_and_exit().await;
}

/// A request body (`id`, `method`, `params`) as bytes.
fn request_body(id: i64, method: &str, params: Value) -> Vec<u8> {
    json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })
        .to_string()
        .into_bytes()
}

/// One malformed input: what is sent, the error code and id expected first.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    code: i64,
    id: Value,
}

fn cases() -> Vec<Case> {
    let hover = |id| request_body(id, "textDocument/hover", at(URI, 0, 1));
    let with_header = |header: &str, body: &[u8]| {
        let mut out = header.as_bytes().to_vec();
        out.extend_from_slice(body);
        out
    };
    let too_long = {
        let body = hover(31);
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len() + 40).into_bytes();
        out.extend_from_slice(&body);
        // The next message, whose header shows where the first one really ended.
        out.extend(framed(&hover(32)));
        out
    };
    vec![
        Case {
            name: "a body that is not JSON",
            bytes: framed(b"hello"),
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "a body that is not UTF-8",
            bytes: framed(b"{\"a\":\"\xff\xfe\"}"),
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "JSON that is not an object",
            bytes: framed(b"[1,2,3]"),
            code: -32600,
            id: Value::Null,
        },
        Case {
            name: "a JSON string",
            bytes: framed(b"\"initialize\""),
            code: -32600,
            id: Value::Null,
        },
        Case {
            name: "a request without a method",
            bytes: framed(br#"{"jsonrpc":"2.0","id":21,"params":{}}"#),
            code: -32600,
            id: json!(21),
        },
        Case {
            name: "a method that is not a string",
            bytes: framed(br#"{"jsonrpc":"2.0","id":22,"method":7}"#),
            code: -32600,
            id: json!(22),
        },
        Case {
            name: "a position that is a string",
            bytes: framed(&request_body(
                23,
                "textDocument/hover",
                json!({ "textDocument": { "uri": URI }, "position": "here" }),
            )),
            code: -32602,
            id: json!(23),
        },
        Case {
            name: "params that are an array",
            bytes: framed(&request_body(24, "textDocument/completion", json!([1, 2]))),
            code: -32602,
            id: json!(24),
        },
        Case {
            name: "a Content-Length that is not a number",
            bytes: with_header("Content-Length: twelve\r\n\r\n", &hover(25)),
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "a Content-Length shorter than the body",
            bytes: with_header("Content-Length: 10\r\n\r\n", &hover(26)),
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "a Content-Length longer than the body, then the next message",
            bytes: too_long,
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "a body without any header",
            bytes: hover(27),
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "headers without Content-Length",
            bytes: with_header(
                "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n",
                &hover(28),
            ),
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "a huge Content-Length",
            bytes: with_header("Content-Length: 99999999999999999\r\n\r\n", b"{}"),
            code: -32700,
            id: Value::Null,
        },
        Case {
            name: "a Content-Length past usize",
            bytes: with_header("Content-Length: 999999999999999999999999999\r\n\r\n", b"{}"),
            code: -32700,
            id: Value::Null,
        },
    ]
}

#[tokio::test]
async fn malformed_messages_are_answered_and_the_server_keeps_serving() {
    let mut client = binary_server(json!({})).await;
    client.did_open(URI, TEXT, 1).await;
    for case in cases() {
        client.send_raw(&case.bytes).await;
        let error = client
            .wait_message(WAIT, |m| m.get("error").is_some() && m["id"] == case.id)
            .await
            .unwrap_or_else(|| {
                panic!(
                    "{}: no error answer with id {} within {WAIT:?}",
                    case.name, case.id
                )
            });
        assert_eq!(error_code(&error), case.code, "{}: {error}", case.name);
        assert!(
            error["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{}: the error says what was wrong: {error}",
            case.name
        );
        if case.name.contains("then the next message") {
            let next = client
                .wait_message(WAIT, |m| m["id"] == 32)
                .await
                .expect("the message after the bad length is answered");
            assert!(next["result"]["contents"].is_object(), "{next}");
        }
        // The server is still there and answers the next request.
        let hover = client.request("textDocument/hover", at(URI, 0, 1)).await;
        assert!(
            hover["result"]["contents"].is_object(),
            "{}: {hover}",
            case.name
        );
        assert!(
            client.exited().is_none(),
            "{}: the server exited",
            case.name
        );
        client.forget_received();
    }
    // The message whose length runs past its body is dropped (the next one is answered);
    // the cut and header-less messages are not answered either.
    assert!(
        client
            .wait_message(Duration::from_millis(300), |m| [25, 26, 27, 28, 31]
                .iter()
                .any(|id| m["id"] == *id))
            .await
            .is_none(),
        "a message with broken framing was executed"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn a_malformed_notification_is_dropped_without_an_answer() {
    let mut client = binary_server(json!({})).await;
    // didOpen with a text document that is a number: no answer (it is a notification),
    // no document, no exit.
    client
        .notify("textDocument/didOpen", json!({ "textDocument": 42 }))
        .await;
    let hover = client.request("textDocument/hover", at(URI, 0, 1)).await;
    assert_eq!(hover["result"], Value::Null, "{hover}");
    assert_no_error(&mut client, "a notification is never answered").await;
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unknown_methods_are_method_not_found_and_notifications_are_ignored() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, TEXT, 1).await;
    let unknown = client
        .request("dockerfile/noSuchThing", json!({ "x": 1 }))
        .await;
    assert_eq!(error_code(&unknown), -32601, "{unknown}");
    // A `$/` request must be answered too (MethodNotFound), or the client waits forever.
    let dollar = client.request("$/noSuchRequest", json!({})).await;
    assert_eq!(error_code(&dollar), -32601, "{dollar}");
    client
        .notify("custom/somethingHappened", json!({ "a": [1] }))
        .await;
    client
        .notify("$/setTrace", json!({ "value": "verbose" }))
        .await;
    client.notify("$/unknownNotification", json!(null)).await;
    let hover = client.request("textDocument/hover", at(URI, 0, 1)).await;
    assert!(hover["result"]["contents"].is_object(), "{hover}");
    assert_no_error(&mut client, "notifications are never answered").await;
    client.shutdown_and_exit().await;
}

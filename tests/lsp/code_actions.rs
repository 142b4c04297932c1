//! Code actions over the protocol: quick fixes straight from the published diagnostics,
//! versioned edits, suppressions, fix-all on request and through `codeAction/resolve`,
//! and nothing for unknown documents or stale diagnostics.

use dockerfile_lsp_tests::lsp_client::{capabilities, with_code, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";
const TEXT: &str = "FROM alpine:3.20\nRUN apk add curl=8.5.0-r0\n";

/// Capabilities of a modern editor: versioned edits and late edit resolution.
fn editor_capabilities() -> Value {
    let mut caps = capabilities(false, false, false);
    caps["workspace"]["workspaceEdit"] = json!({ "documentChanges": true });
    caps["textDocument"]["codeAction"] = json!({
        "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } },
        "resolveSupport": { "properties": ["edit"] },
        "disabledSupport": true,
        "isPreferredSupport": true,
    });
    caps
}

async fn code_actions(
    client: &mut TestClient,
    range: Value,
    diagnostics: Value,
    only: Option<Value>,
) -> Vec<Value> {
    let mut context = json!({ "diagnostics": diagnostics });
    if let Some(only) = only {
        context["only"] = only;
    }
    let response = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": URI }, "range": range, "context": context }),
        )
        .await;
    response["result"].as_array().cloned().unwrap_or_default()
}

/// Applies a `documentChanges` edit to `text` (single-line ranges suffice here).
fn apply(text: &str, edit: &Value, expected_version: i64) -> String {
    let doc = &edit["documentChanges"][0];
    assert_eq!(doc["textDocument"]["version"], expected_version, "{edit}");
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let mut edits: Vec<&Value> = doc["edits"].as_array().unwrap().iter().collect();
    edits.sort_by_key(|e| {
        let s = &e["range"]["start"];
        std::cmp::Reverse((
            s["line"].as_u64().unwrap(),
            s["character"].as_u64().unwrap(),
        ))
    });
    for e in edits {
        let (s, t) = (&e["range"]["start"], &e["range"]["end"]);
        let (sl, sc) = (
            s["line"].as_u64().unwrap() as usize,
            s["character"].as_u64().unwrap() as usize,
        );
        let (el, ec) = (
            t["line"].as_u64().unwrap() as usize,
            t["character"].as_u64().unwrap() as usize,
        );
        while lines.len() <= el {
            lines.push(String::new());
        }
        let head = lines[sl][..sc].to_owned();
        let tail = lines[el][ec..].to_owned();
        let new = format!("{head}{}{tail}", e["newText"].as_str().unwrap());
        lines.splice(sl..=el, [new]);
    }
    lines.concat()
}

#[tokio::test]
async fn quick_fixes_come_from_published_diagnostics_with_versioned_edits() {
    let (mut client, _) = TestClient::initialized(editor_capabilities(), None).await;
    client.did_open(URI, TEXT, 4).await;
    let published = client.diagnostics(URI).await;
    let apk = with_code(&published["diagnostics"], "apk-no-cache")[0].clone();
    assert_eq!(apk["data"]["version"], 4, "{apk}");
    let actions = code_actions(&mut client, apk["range"].clone(), json!([apk]), None).await;
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true, "{titles:?}");
    assert_eq!(
        apply(TEXT, &fix["edit"], 4),
        "FROM alpine:3.20\nRUN apk add --no-cache curl=8.5.0-r0\n"
    );
    assert!(
        titles.contains(&"Ignore `apk-no-cache` for this instruction"),
        "{titles:?}"
    );
    let ignore = actions
        .iter()
        .find(|a| a["title"] == "Ignore `apk-no-cache` in this file")
        .unwrap();
    assert_eq!(
        apply(TEXT, &ignore["edit"], 4),
        format!("# dockerfile-lsp global ignore=apk-no-cache\n{TEXT}")
    );

    // After an edit, the old diagnostic's fixes are stale and are not offered.
    client
        .did_change(URI, 5, &[((0, 0), (0, 0), "# hi\n")])
        .await;
    let actions = code_actions(&mut client, apk["range"].clone(), json!([apk]), None).await;
    assert!(
        !actions
            .iter()
            .any(|a| a["title"].as_str().unwrap().contains("--no-cache")),
        "{actions:?}"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn fix_all_is_resolved_late_and_applies_every_safe_fix() {
    let (mut client, _) = TestClient::initialized(editor_capabilities(), None).await;
    let text = "FROM alpine:3.20\nRUN apk add curl=8.5.0-r0\nRUN apk add git=2.43.0-r0\n";
    client.did_open(URI, text, 1).await;
    client.diagnostics(URI).await;
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 3, "character": 0 } });
    let actions = code_actions(
        &mut client,
        whole,
        json!([]),
        Some(json!(["source.fixAll"])),
    )
    .await;
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.dockerfile-lsp");
    assert!(
        actions[0].get("edit").is_none(),
        "resolved late: {}",
        actions[0]
    );
    let resolved = client
        .request("codeAction/resolve", actions[0].clone())
        .await["result"]
        .clone();
    let fixed = apply(text, &resolved["edit"], 1);
    assert_eq!(
        fixed,
        // Every safe fix, the merge of the two short RUNs (run-consecutive) included.
        "FROM alpine:3.20\nRUN apk add --no-cache curl=8.5.0-r0 && \\\n    apk add --no-cache git=2.43.0-r0\n"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn plain_clients_get_changes_and_eager_fix_all() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, TEXT, 1).await;
    client.diagnostics(URI).await;
    let whole =
        json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 2, "character": 0 } });
    let actions = code_actions(
        &mut client,
        whole,
        json!([]),
        Some(json!(["source.fixAll.dockerfile-lsp"])),
    )
    .await;
    let edits = &actions[0]["edit"]["changes"][URI];
    assert!(
        edits.as_array().is_some_and(|e| !e.is_empty()),
        "{actions:?}"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unknown_documents_get_no_actions() {
    let (mut client, _) = TestClient::initialized(editor_capabilities(), None).await;
    let response = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": "file:///nowhere/Dockerfile" },
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
                "context": { "diagnostics": [] }
            }),
        )
        .await;
    assert_eq!(response["result"], Value::Null, "{response}");
    // A resolve for an action we never made comes back unchanged.
    let foreign =
        json!({ "title": "x", "data": { "fixAll": "file:///nowhere/Dockerfile", "version": 1 } });
    let resolved = client.request("codeAction/resolve", foreign.clone()).await;
    assert_eq!(resolved["result"], foreign);
    client.shutdown_and_exit().await;
}

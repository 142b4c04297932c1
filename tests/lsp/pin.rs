//! Pinning images over the protocol, against a loopback registry the test controls:
//! actions listed without touching the network, resolved through `codeAction/resolve`
//! (with `$/progress`) or run through `workspace/executeCommand` + `workspace/applyEdit`,
//! version checks, failures shown with the host and the reason, and what the fetched
//! facts feed afterwards (the hover, the `image-digest-outdated` hint).

use std::time::Duration;

use dockerfile_lsp_tests::fake_registry::{sha256, FakeRegistry, Response};
use dockerfile_lsp_tests::lsp_client::{capabilities, with_code, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";
const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

/// An OCI image manifest (what the registry serves; its sha256 is the digest).
fn manifest(seed: &str) -> Vec<u8> {
    json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256(seed.as_bytes()), "size": seed.len() },
        "layers": []
    })
    .to_string()
    .into_bytes()
}

/// A two-platform OCI index.
fn index() -> Vec<u8> {
    json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            { "mediaType": OCI_MANIFEST, "digest": sha256(b"amd64"), "size": 10, "platform": { "os": "linux", "architecture": "amd64" } },
            { "mediaType": OCI_MANIFEST, "digest": sha256(b"arm64"), "size": 10, "platform": { "os": "linux", "architecture": "arm64", "variant": "v8" } }
        ]
    })
    .to_string()
    .into_bytes()
}

/// A modern editor: versioned edits, lazy resolution, disabled actions, progress and
/// applyEdit.
fn editor_capabilities(resolve: bool) -> Value {
    let mut caps = capabilities(false, false, false);
    caps["workspace"]["workspaceEdit"] = json!({ "documentChanges": true });
    caps["workspace"]["applyEdit"] = json!(true);
    caps["window"] = json!({ "workDoneProgress": true });
    caps["textDocument"]["codeAction"] = json!({
        "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["quickfix", "refactor", "source"] } },
        "disabledSupport": true,
    });
    if resolve {
        caps["textDocument"]["codeAction"]["resolveSupport"] = json!({ "properties": ["edit"] });
    }
    caps
}

/// A server with `text` open (version 1) whose Docker configuration folder is empty
/// (the machine's own `~/.docker/config.json` must not matter); keep the folder alive.
async fn open(resolve: bool, text: &str) -> (TestClient, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let options = json!({ "registry": { "dockerConfig": dir.path(), "timeoutMs": 5000 } });
    let (mut client, _) =
        TestClient::initialized(editor_capabilities(resolve), Some(options)).await;
    client.did_open(URI, text, 1).await;
    (client, dir)
}

/// The pin action offered at a position; panics listing the titles when there is none.
async fn pin_action(client: &mut TestClient, line: u32, character: u32) -> Value {
    let actions = actions_at(client, line, character, None).await;
    titled(&actions, "Pin ")
        .cloned()
        .unwrap_or_else(|| panic!("no pin action among {:?}", titles(&actions)))
}

async fn actions_at(
    client: &mut TestClient,
    line: u32,
    character: u32,
    only: Option<Value>,
) -> Vec<Value> {
    let mut context = json!({ "diagnostics": [] });
    if let Some(only) = only {
        context["only"] = only;
    }
    let position = json!({ "line": line, "character": character });
    let response = client
        .request(
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": URI }, "range": { "start": position, "end": position }, "context": context }),
        )
        .await;
    response["result"].as_array().cloned().unwrap_or_default()
}

/// Resolves a pin action that must bring no edit; returns the message the user got.
async fn resolve_to_message(client: &mut TestClient, action: Value) -> Value {
    let resolved = client.request("codeAction/resolve", action).await;
    assert!(resolved["result"].get("edit").is_none(), "{resolved}");
    client
        .wait_for("window/showMessage", Duration::from_secs(5), |_| true)
        .await
        .expect("a message for the user")
}

fn titled<'a>(actions: &'a [Value], prefix: &str) -> Option<&'a Value> {
    actions
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
}

fn titles(actions: &[Value]) -> Vec<&str> {
    actions.iter().filter_map(|a| a["title"].as_str()).collect()
}

/// Applies the single-document, single-line edits of a workspace edit to `text`,
/// checking the version they were computed for.
fn apply(text: &str, edit: &Value, version: i64) -> String {
    let doc = &edit["documentChanges"][0];
    assert_eq!(doc["textDocument"]["uri"], URI, "{edit}");
    assert_eq!(doc["textDocument"]["version"], version, "{edit}");
    let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
    let mut edits: Vec<&Value> = doc["edits"].as_array().expect("edits").iter().collect();
    edits.sort_by_key(|e| {
        let s = &e["range"]["start"];
        std::cmp::Reverse((s["line"].as_u64(), s["character"].as_u64()))
    });
    for e in edits {
        let (s, t) = (&e["range"]["start"], &e["range"]["end"]);
        assert_eq!(s["line"], t["line"], "single-line edits only: {e}");
        let line = &mut lines[s["line"].as_u64().unwrap() as usize];
        let (a, b) = (
            s["character"].as_u64().unwrap() as usize,
            t["character"].as_u64().unwrap() as usize,
        );
        line.replace_range(a..b, e["newText"].as_str().unwrap());
    }
    lines.concat()
}

#[tokio::test]
async fn listing_pin_actions_never_asks_the_registry() {
    let registry = FakeRegistry::serving("app", "1", OCI_MANIFEST, manifest("app"));
    let host = registry.host();
    let text = format!(
        "ARG V=1\nFROM {host}/app:${{V}} AS build\nFROM build\nCOPY --from={host}/tools:2 /t /t\nFROM $UNSET\nFROM scratch\n"
    );
    let (mut client, _dir) = open(true, &text).await;

    let at_from = actions_at(&mut client, 1, 8, None).await;
    let pin = titled(&at_from, "Pin ").unwrap_or_else(|| panic!("{:?}", titles(&at_from)));
    assert_eq!(pin["title"], format!("Pin `{host}/app:1` to its digest"));
    assert_eq!(pin["kind"], "refactor.rewrite");
    // Resolved lazily: the lookup waits for the user's pick.
    assert!(pin.get("edit").is_none(), "{pin}");
    assert_eq!(pin["data"]["pin"]["version"], 1);

    // A stage reference, `scratch`: nothing to pin.
    let at_stage = actions_at(&mut client, 2, 6, None).await;
    assert!(
        titled(&at_stage, "Pin ").is_none(),
        "{:?}",
        titles(&at_stage)
    );
    let at_scratch = actions_at(&mut client, 5, 6, None).await;
    assert!(
        titled(&at_scratch, "Pin ").is_none(),
        "{:?}",
        titles(&at_scratch)
    );
    // A variable without a value: shown disabled with the reason.
    let at_unset = actions_at(&mut client, 4, 7, None).await;
    let disabled = titled(&at_unset, "Pin ").unwrap_or_else(|| panic!("{:?}", titles(&at_unset)));
    assert!(
        disabled["disabled"]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("UNSET")),
        "{disabled}"
    );

    // The source action only when asked for, counting the two images.
    assert!(
        titled(&at_from, "Pin all").is_none(),
        "{:?}",
        titles(&at_from)
    );
    let source = actions_at(&mut client, 0, 0, Some(json!(["source"]))).await;
    let all = titled(&source, "Pin all").unwrap_or_else(|| panic!("{:?}", titles(&source)));
    assert_eq!(
        all["title"],
        "Pin all images in this file to their digests (2 references)"
    );
    assert_eq!(all["kind"], "source.pinImages.dockerfile-lsp");
    assert_eq!(
        registry.connections(),
        0,
        "listing must not touch the network"
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn resolving_pins_to_the_digest_of_the_bytes_served_with_progress_and_hover() {
    let body = index();
    let expected = sha256(&body);
    let registry = FakeRegistry::serving("team/app", "1.0", OCI_INDEX, body);
    let host = registry.host();
    let text = format!("ARG V=1.0\nFROM {host}/team/app:${{V}}\nRUN true\n");
    let (mut client, _dir) = open(true, &text).await;
    let pin = pin_action(&mut client, 1, 10).await;

    let resolved = client.request("codeAction/resolve", pin.clone()).await;
    let edit = &resolved["result"]["edit"];
    assert!(edit.is_object(), "{resolved}");
    // The variable stays; the digest is the sha256 of the bytes the registry served.
    assert_eq!(
        apply(&text, edit, 1),
        format!("ARG V=1.0\nFROM {host}/team/app:${{V}}@{expected}\nRUN true\n")
    );
    // HEAD for the digest, GET for the platforms of the index.
    let methods: Vec<String> = registry
        .requests()
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(methods, ["HEAD", "GET"], "{:?}", registry.requests());

    // Progress: created by the server, begun and ended.
    assert!(
        client
            .server_request("window/workDoneProgress/create", Duration::from_secs(5))
            .await
            .is_some(),
        "no progress token was created"
    );
    let begin = client
        .wait_for("$/progress", Duration::from_secs(5), |p| {
            p["value"]["kind"] == "begin"
        })
        .await
        .expect("progress begin");
    assert_eq!(begin["value"]["title"], "Pinning images");
    let end = client
        .wait_for("$/progress", Duration::from_secs(5), |p| {
            p["value"]["kind"] == "end"
        })
        .await
        .expect("progress end");
    assert_eq!(end["value"]["message"], "1 found, 0 failed");

    // The hover on the reference now shows what the registry said.
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 10 } }),
        )
        .await;
    let value = hover["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for needle in [expected.as_str(), "linux/amd64", "linux/arm64/v8"] {
        assert!(value.contains(needle), "hover lacks {needle}:\n{value}");
    }
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn a_failed_lookup_is_shown_with_the_host_and_the_reason() {
    let registry = FakeRegistry::start(|_| Response::new(404));
    let host = registry.host();
    let text = format!("FROM {host}/app:9\n");
    let (mut client, _dir) = open(true, &text).await;
    let pin = pin_action(&mut client, 0, 7).await;
    let message = resolve_to_message(&mut client, pin).await;
    assert_eq!(message["type"], 1, "an error: {message}");
    let text = message["message"].as_str().unwrap();
    assert!(
        text.contains(&host) && text.contains("not found"),
        "the message names the host and the reason: {text}"
    );
    client.shutdown_and_exit().await;
}

/// Updating a digest that is already the tag's current one is no failure: the user is
/// told so as information, nothing is edited, and "Pin all" is no longer offered.
#[tokio::test]
async fn updating_a_current_digest_says_so_as_information() {
    let body = manifest("app");
    let current = sha256(&body);
    let registry = FakeRegistry::serving("app", "1", OCI_MANIFEST, body);
    let host = registry.host();
    let text = format!("FROM {host}/app:1@{current}\n");
    let (mut client, _dir) = open(true, &text).await;
    let pin_all = |actions: &[Value]| titled(actions, "Pin all images").cloned();
    let source = Some(json!(["source.pinImages.dockerfile-lsp"]));
    // Nothing was looked up yet: the digest may be outdated, so "Pin all" is offered.
    let listed = actions_at(&mut client, 0, 0, source.clone()).await;
    assert!(pin_all(&listed).is_some(), "{:?}", titles(&listed));
    let actions = actions_at(&mut client, 0, 7, None).await;
    let update = titled(&actions, "Update digest")
        .cloned()
        .unwrap_or_else(|| panic!("no update action among {:?}", titles(&actions)));
    let message = resolve_to_message(&mut client, update).await;
    assert_eq!(message["type"], 3, "information: {message}");
    assert!(
        message["message"]
            .as_str()
            .unwrap()
            .ends_with("already pinned to the current digest"),
        "{message}"
    );
    // Now the server knows the digest is current: "Pin all" has nothing to offer.
    let listed = actions_at(&mut client, 0, 0, source).await;
    assert!(pin_all(&listed).is_none(), "{:?}", titles(&listed));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn an_action_for_an_older_version_asks_nobody_and_edits_nothing() {
    let registry = FakeRegistry::serving("app", "1", OCI_MANIFEST, manifest("app"));
    let host = registry.host();
    let text = format!("FROM {host}/app:1\n");
    let (mut client, _dir) = open(true, &text).await;
    let pin = pin_action(&mut client, 0, 7).await;
    client
        .did_change(URI, 2, &[((1, 0), (1, 0), "RUN true\n")])
        .await;
    let message = resolve_to_message(&mut client, pin).await;
    assert!(
        message["message"].as_str().unwrap().contains("changed"),
        "{message}"
    );
    assert_eq!(registry.connections(), 0);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn clients_without_resolve_run_the_command_and_receive_apply_edit() {
    let body = manifest("tools");
    let expected = sha256(&body);
    let registry = FakeRegistry::serving("tools", "2", OCI_MANIFEST, body);
    let host = registry.host();
    let text = format!("FROM alpine:3.20\nCOPY --from={host}/tools:2 /t /t\n");
    let (mut client, _dir) = open(false, &text).await;
    let pin = pin_action(&mut client, 1, 16).await;
    let command = &pin["command"];
    assert_eq!(command["command"], "dockerfile-lsp.pinImages", "{pin}");
    let response = client
        .request(
            "workspace/executeCommand",
            json!({ "command": command["command"], "arguments": command["arguments"] }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    let apply_edit = client
        .server_request("workspace/applyEdit", Duration::from_secs(5))
        .await
        .expect("the server asks the client to apply the edit");
    assert_eq!(
        apply(&text, &apply_edit["params"]["edit"], 1),
        format!("FROM alpine:3.20\nCOPY --from={host}/tools:2@{expected} /t /t\n")
    );
    // An unknown command is an error, not a silent success.
    let unknown = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "nope", "arguments": [] }),
        )
        .await;
    assert!(unknown.get("error").is_some(), "{unknown}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn a_lookup_makes_the_outdated_hint_appear_on_an_old_pin_of_the_same_tag() {
    let body = manifest("new");
    let current = sha256(&body);
    let old = sha256(b"old");
    let registry = FakeRegistry::serving("app", "1", OCI_MANIFEST, body);
    let host = registry.host();
    let text = format!("FROM {host}/app:1 AS a\nFROM {host}/app:1@{old}\n");
    let (mut client, _dir) = open(true, &text).await;
    let first = client.diagnostics(URI).await;
    assert!(
        with_code(&first["diagnostics"], "image-digest-outdated").is_empty(),
        "nothing is known before a lookup: {first}"
    );
    let pin = pin_action(&mut client, 0, 7).await;
    let resolved = client.request("codeAction/resolve", pin.clone()).await;
    assert!(resolved["result"]["edit"].is_object(), "{resolved}");
    let outdated = client
        .wait_for(
            "textDocument/publishDiagnostics",
            Duration::from_secs(5),
            |p| !with_code(&p["diagnostics"], "image-digest-outdated").is_empty(),
        )
        .await
        .expect("the hint is published after the lookup");
    let hints = with_code(&outdated["diagnostics"], "image-digest-outdated");
    assert_eq!(hints.len(), 1, "{outdated}");
    assert_eq!(hints[0]["severity"], 4, "a hint: {}", hints[0]);
    assert_eq!(hints[0]["range"]["start"]["line"], 1);
    // Digests are shortened in the message (`sha256:` and 12 hex digits).
    let message = hints[0]["message"].as_str().unwrap();
    assert!(
        message.contains(&current[..19]) && message.contains(&old[..19]),
        "{message}"
    );
    client.shutdown_and_exit().await;
}

//! Completion, `completionItem/resolve` and signature help over the wire: the advertised
//! trigger characters, snippets only for clients that take them, `textEdit` ranges in the
//! negotiated encoding (UTF-16 columns after non-ASCII text), documentation added on
//! resolve in Markdown or plain text, signature parameters as UTF-16 label offsets, and
//! `null` for unknown documents.

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";

/// Client capabilities with (or without) snippets and Markdown documentation.
fn caps(utf8: bool, snippets: bool, markdown: bool) -> Value {
    let mut caps = capabilities(utf8, false, false);
    let format = if markdown {
        json!(["markdown", "plaintext"])
    } else {
        json!(["plaintext"])
    };
    caps["textDocument"]["completion"] = json!({ "completionItem": {
        "snippetSupport": snippets,
        "documentationFormat": format,
        "tagSupport": { "valueSet": [1] },
    } });
    caps["textDocument"]["signatureHelp"] = json!({ "signatureInformation": {
        "documentationFormat": format,
        "parameterInformation": { "labelOffsetSupport": true },
    } });
    caps
}

async fn opened(caps: Value, text: &str) -> (TestClient, Value) {
    let (mut client, init) = TestClient::initialized(caps, None).await;
    client.did_open(URI, text, 1).await;
    (client, init)
}

async fn complete(client: &mut TestClient, uri: &str, line: u32, character: u32) -> Value {
    let params = json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
    let response = client.request("textDocument/completion", params).await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

fn item<'a>(list: &'a Value, label: &str) -> &'a Value {
    list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["label"] == label))
        .unwrap_or_else(|| panic!("no item {label} in {list}"))
}

fn labels(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["label"].as_str())
        .collect()
}

#[tokio::test]
async fn capabilities_advertise_triggers_and_resolve() {
    let (client, init) = opened(caps(false, true, true), "FROM alpine\n").await;
    let completion = &init["capabilities"]["completionProvider"];
    assert_eq!(completion["resolveProvider"], true, "{init}");
    let triggers = completion["triggerCharacters"].to_string();
    for c in ["$", "{", "-", "=", ",", " ", "#"] {
        assert!(
            triggers.contains(&format!("\"{c}\"")),
            "{c} not in {triggers}"
        );
    }
    let signature = &init["capabilities"]["signatureHelpProvider"]["triggerCharacters"];
    assert!(signature.to_string().contains("\" \""), "{init}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn snippets_only_for_clients_that_take_them() {
    let text = "FROM alpine\nRU\n";
    let (mut client, _) = opened(caps(false, true, true), text).await;
    let list = complete(&mut client, URI, 1, 2).await;
    assert_eq!(list["isIncomplete"], false);
    let run = item(&list, "RUN");
    assert_eq!(run["insertTextFormat"], 2, "{run}");
    assert_eq!(run["textEdit"]["newText"], "RUN ${1:command}");
    assert_eq!(
        run["textEdit"]["range"],
        json!({ "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 2 } })
    );
    // The order of the core is kept through sortText.
    let sorted: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sortText"].as_str().unwrap())
        .collect();
    let mut again = sorted.clone();
    again.sort();
    assert_eq!(sorted, again);
    // Only what fits the `RU` typed: RUN, not COPY.
    assert_eq!(labels(&list), ["RUN"], "{list}");
    // MAINTAINER is tagged deprecated (on a line where nothing is typed yet: every
    // keyword is offered).
    client.did_change(URI, 2, &[((1, 0), (1, 2), "")]).await;
    let list = complete(&mut client, URI, 1, 0).await;
    assert!(labels(&list).contains(&"COPY"), "{list}");
    assert_eq!(item(&list, "MAINTAINER")["tags"], json!([1]));
    client.shutdown_and_exit().await;

    let (mut client, _) = opened(caps(false, false, true), text).await;
    let list = complete(&mut client, URI, 1, 2).await;
    let run = item(&list, "RUN");
    assert_eq!(run["insertTextFormat"], 1, "{run}");
    assert_eq!(run["textEdit"]["newText"], "RUN ");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn ranges_count_utf16_columns_after_non_ascii_text() {
    // `é` is one UTF-16 unit and two UTF-8 bytes; `🐳` two units and four bytes.
    let text = "FROM alpine AS bé\nARG CGO_FLAGS=-s\nRUN echo 🐳 $CG\nENV CGO_ENABLED=0\n";
    let (mut client, _) = opened(caps(false, false, true), text).await;
    let list = complete(&mut client, URI, 2, 15).await;
    // ENV is declared after the RUN: not in scope there. Only what fits `CG` is offered.
    assert_eq!(labels(&list), ["CGO_FLAGS"], "{list}");
    let flags = item(&list, "CGO_FLAGS");
    assert_eq!(
        flags["textEdit"]["range"],
        json!({ "start": { "line": 2, "character": 13 }, "end": { "line": 2, "character": 15 } })
    );
    client.shutdown_and_exit().await;

    let (mut client, _) = opened(caps(true, false, true), text).await;
    let list = complete(&mut client, URI, 2, 17).await;
    let flags = item(&list, "CGO_FLAGS");
    assert_eq!(
        flags["textEdit"]["range"],
        json!({ "start": { "line": 2, "character": 15 }, "end": { "line": 2, "character": 17 } })
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn resolve_adds_documentation_in_the_clients_format() {
    let text = "FROM alpine\nRUN --mount=type=cache,sharing=locked,\n";
    let (mut client, _) = opened(caps(false, true, true), text).await;
    let list = complete(&mut client, URI, 1, 38).await;
    let target = item(&list, "target").clone();
    assert!(
        target.get("documentation").is_none(),
        "items are light: {target}"
    );
    assert_eq!(
        target["data"],
        json!({ "doc": "mount-option/cache/target" })
    );
    let resolved = client.request("completionItem/resolve", target).await;
    let doc = &resolved["result"]["documentation"];
    assert_eq!(doc["kind"], "markdown", "{resolved}");
    assert!(
        doc["value"].as_str().unwrap().contains("`target=<path>`"),
        "{doc}"
    );
    client.shutdown_and_exit().await;

    let (mut client, _) = opened(caps(false, true, false), text).await;
    let list = complete(&mut client, URI, 1, 38).await;
    let resolved = client
        .request("completionItem/resolve", item(&list, "target").clone())
        .await;
    let doc = &resolved["result"]["documentation"];
    assert_eq!(doc["kind"], "plaintext", "{resolved}");
    assert!(
        doc["value"].as_str().unwrap().starts_with("target=<path>"),
        "{doc}"
    );
    // An item without a key comes back unchanged.
    let plain = json!({ "label": "x" });
    let resolved = client
        .request("completionItem/resolve", plain.clone())
        .await;
    assert_eq!(resolved["result"], plain);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn variable_items_carry_their_value_at_once() {
    let text = "FROM alpine\nARG VERSION=1.2\nRUN echo ${VER\n";
    let (mut client, _) = opened(caps(false, true, true), text).await;
    let list = complete(&mut client, URI, 2, 14).await;
    let version = item(&list, "VERSION");
    assert_eq!(version["textEdit"]["newText"], "VERSION}");
    let doc = version["documentation"]["value"]
        .as_str()
        .unwrap_or_default();
    assert!(doc.contains("Value here: `1.2`"), "{version}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn signature_help_over_the_wire() {
    // The label holds `…`: offsets are UTF-16 units of the label.
    let text = "FROM alpine\nCOPY --from=build /app \n";
    let (mut client, _) = opened(caps(false, true, true), text).await;
    let params =
        json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 23 } });
    let response = client.request("textDocument/signatureHelp", params).await;
    let help = &response["result"];
    let active = help["activeSignature"].as_u64().unwrap() as usize;
    let signature = &help["signatures"][active];
    let label: Vec<u16> = signature["label"]
        .as_str()
        .unwrap()
        .encode_utf16()
        .collect();
    let param = &signature["parameters"][help["activeParameter"].as_u64().unwrap() as usize];
    let [start, end] = [
        param["label"][0].as_u64().unwrap(),
        param["label"][1].as_u64().unwrap(),
    ];
    assert_eq!(
        String::from_utf16_lossy(&label[start as usize..end as usize]),
        "<dest>",
        "{help}"
    );
    assert_eq!(signature["documentation"]["kind"], "markdown");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unknown_documents_and_far_positions_are_harmless() {
    let (mut client, _) = opened(caps(false, true, true), "FROM alpine\n").await;
    let list = complete(&mut client, "file:///nowhere/Dockerfile", 0, 0).await;
    assert_eq!(list, Value::Null);
    let params = json!({ "textDocument": { "uri": "file:///nowhere/Dockerfile" }, "position": { "line": 0, "character": 0 } });
    let help = client.request("textDocument/signatureHelp", params).await;
    assert_eq!(help["result"], Value::Null, "{help}");
    // A space typed as indentation brings no keyword list; asked for, it does.
    client.did_change(URI, 2, &[((1, 0), (1, 0), "  ")]).await;
    let params = |trigger: Value| json!({ "textDocument": { "uri": URI }, "position": { "line": 1, "character": 2 }, "context": trigger });
    let typed = client
        .request(
            "textDocument/completion",
            params(json!({ "triggerKind": 2, "triggerCharacter": " " })),
        )
        .await;
    assert_eq!(typed["result"]["items"], json!([]), "{typed}");
    let invoked = client
        .request(
            "textDocument/completion",
            params(json!({ "triggerKind": 1 })),
        )
        .await;
    assert!(labels(&invoked["result"]).contains(&"RUN"), "{invoked}");
    // Past the end: clamped, and answered.
    let list = complete(&mut client, URI, 99, 99).await;
    assert_eq!(list["isIncomplete"], false, "{list}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn resolve_appends_reference_text_after_a_variables_value() {
    let text = "FROM alpine\nARG TARGETARCH\nRUN echo $TARGETA\n";
    let (mut client, _) = opened(caps(false, true, true), text).await;
    let list = complete(&mut client, URI, 2, 17).await;
    let arch = item(&list, "TARGETARCH").clone();
    let own = arch["documentation"]["value"].as_str().unwrap().to_string();
    let resolved = client.request("completionItem/resolve", arch).await;
    let value = resolved["result"]["documentation"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        value.starts_with(&own) && value.len() > own.len(),
        "{value}"
    );
    // Resolving the resolved item changes nothing.
    let again = client
        .request("completionItem/resolve", resolved["result"].clone())
        .await;
    assert_eq!(again["result"], resolved["result"]);
    client.shutdown_and_exit().await;
}

/// The server offers what fits the part of the word already typed (ignoring case, as a
/// subsequence that starts with the same character) and everything when nothing is typed:
/// some clients (Neovim 0.11) do not filter items that carry a `textEdit` themselves.
#[tokio::test]
async fn items_fit_what_was_typed() {
    let text = "FROM alpine\nARG VERSION=1\nrn\nRUN echo ${V}\nRUN --mount=type=CA echo\n";
    let (mut client, _) = opened(caps(false, false, true), text).await;
    // `rn` fits RUN (and `run` is what a lower-case file would get).
    let list = complete(&mut client, URI, 2, 2).await;
    assert_eq!(labels(&list), ["RUN"], "{list}");
    // `${V` fits the variable through the text it inserts.
    let list = complete(&mut client, URI, 3, 12).await;
    assert!(labels(&list).contains(&"VERSION"), "{list}");
    assert!(!labels(&list).contains(&"HTTP_PROXY"), "{list}");
    // Case does not matter: `CA` fits `cache`.
    let list = complete(&mut client, URI, 4, 19).await;
    assert_eq!(labels(&list), ["cache"], "{list}");
    client.shutdown_and_exit().await;
}

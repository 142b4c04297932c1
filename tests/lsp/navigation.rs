//! Navigation over the wire: definition, references (with and without the declaration),
//! highlight kinds, prepareRename and rename (edit and refused name), hierarchical and
//! flat document symbols, workspace symbols across open documents, document links;
//! columns in UTF-16 around non-ASCII text; unknown documents answer nothing.

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";
const OTHER: &str = "file:///project/other/Dockerfile";

/// `é` before the names on lines 1 and 4 makes UTF-8 and UTF-16 columns differ.
const TEXT: &str = "\
ARG VERSION=3.20
FROM alpine:${VERSION} AS base
LABEL note=\"é\" other=1
ARG VERSION
RUN echo \"é\" $VERSION
FROM base AS app
COPY --from=base /etc/os-release /tmp/
MAINTAINER jane@example.com
";

fn pos(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": pos(line, character) })
}

/// `(line, start character, end character)` of a single-line LSP range.
fn span(range: &Value) -> (u64, u64, u64) {
    let n = |v: &Value| v.as_u64().unwrap_or(u64::MAX);
    assert_eq!(range["start"]["line"], range["end"]["line"], "{range}");
    (
        n(&range["start"]["line"]),
        n(&range["start"]["character"]),
        n(&range["end"]["character"]),
    )
}

async fn result(client: &mut TestClient, method: &str, params: Value) -> Value {
    let response = client.request(method, params).await;
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

async fn opened(caps: Value) -> TestClient {
    let (mut client, _) = TestClient::initialized(caps, None).await;
    client.did_open(URI, TEXT, 1).await;
    client
}

fn spans(locations: &Value) -> Vec<(u64, u64, u64)> {
    locations
        .as_array()
        .into_iter()
        .flatten()
        .map(|l| span(&l["range"]))
        .collect()
}

#[tokio::test]
async fn definition_and_references_in_utf16_columns() {
    let mut client = opened(capabilities(false, false, false)).await;
    // `$VERSION` on line 4 (UTF-16 column 14: `é` is one unit) resolves to the stage
    // ARG and the global ARG it takes its default from.
    let def = result(&mut client, "textDocument/definition", at(URI, 4, 15)).await;
    assert_eq!(spans(&def), [(3, 4, 11), (0, 4, 11)], "{def}");
    for l in def.as_array().unwrap() {
        assert_eq!(l["uri"], URI);
    }
    // `--from=base` leads to `AS base`.
    let def = result(&mut client, "textDocument/definition", at(URI, 6, 13)).await;
    assert_eq!(spans(&def), [(1, 26, 30)], "{def}");

    let mut params = at(URI, 1, 27);
    params["context"] = json!({ "includeDeclaration": true });
    let refs = result(&mut client, "textDocument/references", params.clone()).await;
    assert_eq!(
        spans(&refs),
        [(1, 26, 30), (5, 5, 9), (6, 12, 16)],
        "{refs}"
    );
    params["context"] = json!({ "includeDeclaration": false });
    let refs = result(&mut client, "textDocument/references", params).await;
    assert_eq!(spans(&refs), [(5, 5, 9), (6, 12, 16)], "{refs}");

    // Nothing on a keyword, past the end, or in an unknown document.
    let none = result(&mut client, "textDocument/definition", at(URI, 2, 1)).await;
    assert_eq!(none, Value::Null);
    let none = result(&mut client, "textDocument/definition", at(URI, 99, 99)).await;
    assert_eq!(none, Value::Null);
    let none = result(
        &mut client,
        "textDocument/definition",
        at("file:///nope", 0, 5),
    )
    .await;
    assert_eq!(none, Value::Null);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn utf8_clients_get_byte_columns() {
    let mut client = opened(capabilities(true, false, false)).await;
    // In UTF-8, `é` takes two columns: `$VERSION` starts at byte column 15.
    let def = result(&mut client, "textDocument/definition", at(URI, 4, 16)).await;
    assert_eq!(spans(&def), [(3, 4, 11), (0, 4, 11)], "{def}");
    let mut params = at(URI, 3, 5);
    params["context"] = json!({ "includeDeclaration": false });
    let refs = result(&mut client, "textDocument/references", params).await;
    assert_eq!(spans(&refs), [(1, 14, 21), (4, 15, 22)], "{refs}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn highlights_write_definitions_and_read_uses() {
    let mut client = opened(capabilities(false, false, false)).await;
    let hl = result(&mut client, "textDocument/documentHighlight", at(URI, 0, 6)).await;
    let kinds: Vec<(u64, u64, u64, u64)> = hl
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let (l, s, e) = span(&h["range"]);
            (l, s, e, h["kind"].as_u64().unwrap_or(0))
        })
        .collect();
    // 3 = Write, 2 = Read.
    assert_eq!(
        kinds,
        [(0, 4, 11, 3), (1, 14, 21, 2), (3, 4, 11, 3), (4, 14, 21, 2)],
        "{hl}"
    );
    let none = result(&mut client, "textDocument/documentHighlight", at(URI, 7, 3)).await;
    assert_eq!(none, Value::Null);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn prepare_rename_and_rename() {
    let mut client = opened(capabilities(false, false, false)).await;
    let prepared = result(&mut client, "textDocument/prepareRename", at(URI, 5, 7)).await;
    assert_eq!(span(&prepared["range"]), (5, 5, 9), "{prepared}");
    assert_eq!(prepared["placeholder"], "base");
    // On a keyword: null.
    let none = result(&mut client, "textDocument/prepareRename", at(URI, 5, 1)).await;
    assert_eq!(none, Value::Null);

    let mut params = at(URI, 6, 14);
    params["newName"] = json!("os");
    let edit = result(&mut client, "textDocument/rename", params).await;
    let edits = edit["changes"][URI].as_array().cloned().unwrap_or_default();
    let renamed: Vec<((u64, u64, u64), &str)> = edits
        .iter()
        .map(|e| (span(&e["range"]), e["newText"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        renamed,
        [((1, 26, 30), "os"), ((5, 5, 9), "os"), ((6, 12, 16), "os")],
        "{edit}"
    );

    // The global ARG and its redeclaration, in UTF-16 columns.
    let mut params = at(URI, 4, 16);
    params["newName"] = json!("ALPINE_VERSION");
    let edit = result(&mut client, "textDocument/rename", params).await;
    let edits = edit["changes"][URI].as_array().cloned().unwrap_or_default();
    let spans: Vec<(u64, u64, u64)> = edits.iter().map(|e| span(&e["range"])).collect();
    assert_eq!(
        spans,
        [(0, 4, 11), (1, 14, 21), (3, 4, 11), (4, 14, 21)],
        "{edit}"
    );

    // An invalid name is an error with a message for the user.
    let mut params = at(URI, 1, 27);
    params["newName"] = json!("9lives");
    let response = client.request("textDocument/rename", params).await;
    let message = response["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("not a valid stage name"), "{response}");
    client.shutdown_and_exit().await;
}

fn names(symbols: &Value) -> Vec<String> {
    symbols
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| s["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn hierarchical_symbols_for_clients_that_take_them() {
    let mut caps = capabilities(false, false, false);
    caps["textDocument"]["documentSymbol"] = json!({ "hierarchicalDocumentSymbolSupport": true });
    let mut client = opened(caps).await;
    let params = json!({ "textDocument": { "uri": URI } });
    let symbols = result(&mut client, "textDocument/documentSymbol", params).await;
    assert_eq!(
        names(&symbols),
        ["ARG VERSION=3.20", "base", "app"],
        "{symbols}"
    );
    let base = &symbols[1];
    assert_eq!(base["kind"], 5, "a stage is a Class: {base}");
    assert_eq!(base["detail"], "alpine:${VERSION}");
    assert_eq!(span(&base["selectionRange"]), (1, 26, 30));
    assert_eq!(base["range"]["start"], pos(1, 0));
    assert_eq!(base["range"]["end"], pos(4, 21));
    assert_eq!(
        names(&base["children"]),
        [
            "LABEL note=\"é\" other=1",
            "ARG VERSION",
            "RUN echo \"é\" $VERSION"
        ]
    );
    let app = &symbols[2];
    let maintainer = &app["children"][1];
    assert_eq!(maintainer["name"], "MAINTAINER jane@example.com");
    assert_eq!(maintainer["tags"], json!([1]), "deprecated: {maintainer}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn flat_symbols_name_their_container() {
    let mut client = opened(capabilities(false, false, false)).await;
    let params = json!({ "textDocument": { "uri": URI } });
    let symbols = result(&mut client, "textDocument/documentSymbol", params).await;
    let flat: Vec<(String, String)> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["location"]["uri"], URI, "{s}");
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                s["containerName"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("ARG VERSION=3.20", "-"),
        ("base", "-"),
        ("LABEL note=\"é\" other=1", "base"),
        ("ARG VERSION", "base"),
        ("RUN echo \"é\" $VERSION", "base"),
        ("app", "-"),
        ("COPY /etc/os-release /tmp/", "app"),
        ("MAINTAINER jane@example.com", "app"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(flat, expected, "{symbols}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn workspace_symbols_search_every_open_document() {
    let mut client = opened(capabilities(false, false, false)).await;
    client
        .did_open(
            OTHER,
            "FROM golang:1.22 AS builder\nENV GOFLAGS=-mod=vendor\n",
            1,
        )
        .await;
    let found = result(&mut client, "workspace/symbol", json!({ "query": "bas" })).await;
    let hits: Vec<(String, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                s["location"]["uri"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(hits, [("base".to_string(), URI.to_string())], "{found}");
    let found = result(&mut client, "workspace/symbol", json!({ "query": "B" })).await;
    let mut names = names(&found);
    names.sort();
    assert_eq!(names, ["base", "builder"], "{found}");
    let found = result(
        &mut client,
        "workspace/symbol",
        json!({ "query": "goflags" }),
    )
    .await;
    assert_eq!(found[0]["location"]["uri"], OTHER, "{found}");
    assert_eq!(span(&found[0]["location"]["range"]), (1, 4, 11));
    assert_eq!(found[0]["containerName"], "ENV in builder");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn document_links_point_at_registry_pages() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    let text = "FROM ghcr.io/o/app:1 AS base\nFROM base\nCOPY --from=quay.io/ns/tool:2 /t /t\n";
    client.did_open(URI, text, 1).await;
    let links = result(
        &mut client,
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": URI } }),
    )
    .await;
    let got: Vec<((u64, u64, u64), String)> = links
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                span(&l["range"]),
                l["target"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ((0, 5, 18), "https://ghcr.io/o/app".to_string()),
            (
                (2, 12, 27),
                "https://quay.io/repository/ns/tool".to_string()
            ),
        ],
        "{links}"
    );
    let none = result(
        &mut client,
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": "file:///nope" } }),
    )
    .await;
    assert_eq!(none, Value::Null);
    client.shutdown_and_exit().await;
}

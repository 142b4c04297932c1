//! Semantic tokens (full, range, delta), folding ranges and selection ranges over the
//! wire: the legend, relative encoding, columns in the negotiated encoding (UTF-16 for
//! non-ASCII text), CRLF line ends, delta edits that rebuild the new data, the client's
//! folding limits, and unknown documents.

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";

const TEXT: &str = "\
# syntax=docker/dockerfile:1
ARG VERSION=1.22
FROM golang:${VERSION} AS build
RUN --mount=type=cache,target=/go \\
    go build -o /app .

FROM scratch
COPY --from=build /app /app
MAINTAINER someone
";

async fn opened(caps: Value, text: &str) -> (TestClient, Value) {
    let (mut client, init) = TestClient::initialized(caps, None).await;
    client.did_open(URI, text, 1).await;
    (client, init)
}

async fn call(client: &mut TestClient, method: &str, params: Value) -> Value {
    let response = client.request(method, params).await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

fn doc() -> Value {
    json!({ "uri": URI })
}

async fn full(client: &mut TestClient) -> Value {
    let params = json!({ "textDocument": doc() });
    call(client, "textDocument/semanticTokens/full", params).await
}

async fn full_delta(client: &mut TestClient, previous: &str) -> Value {
    let params = json!({ "textDocument": doc(), "previousResultId": previous });
    call(client, "textDocument/semanticTokens/full/delta", params).await
}

/// `semanticTokens/range` from `(line, character)` to `(line, character)`.
async fn range(client: &mut TestClient, start: (u32, u32), end: (u32, u32)) -> Value {
    let range = json!({ "start": { "line": start.0, "character": start.1 }, "end": { "line": end.0, "character": end.1 } });
    let params = json!({ "textDocument": doc(), "range": range });
    call(client, "textDocument/semanticTokens/range", params).await
}

/// One decoded token: line, start column, length, type name, modifier names.
#[derive(Debug, PartialEq)]
struct Token {
    line: u64,
    start: u64,
    len: u64,
    kind: String,
    modifiers: Vec<String>,
}

/// Decodes relative data with the legend from `initialize`.
fn decode(init: &Value, data: &Value) -> Vec<Token> {
    let legend = &init["capabilities"]["semanticTokensProvider"]["legend"];
    let types: Vec<&str> = legend["tokenTypes"]
        .as_array()
        .expect("legend token types")
        .iter()
        .map(|t| t.as_str().unwrap_or_default())
        .collect();
    let modifiers: Vec<&str> = legend["tokenModifiers"]
        .as_array()
        .expect("legend modifiers")
        .iter()
        .map(|t| t.as_str().unwrap_or_default())
        .collect();
    let data: Vec<u64> = data
        .as_array()
        .expect("data is an array")
        .iter()
        .map(|v| v.as_u64().expect("every number is a u32"))
        .collect();
    assert_eq!(data.len() % 5, 0, "{data:?}");
    let (mut line, mut start) = (0, 0);
    let mut out: Vec<Token> = Vec::new();
    for chunk in data.chunks(5) {
        if chunk[0] > 0 {
            line += chunk[0];
            start = chunk[1];
        } else {
            start += chunk[1];
        }
        if let Some(prev) = out.last() {
            assert!(
                prev.line < line || prev.start + prev.len <= start,
                "overlap: {prev:?} then {line}:{start}"
            );
        }
        assert!(chunk[2] > 0, "empty token at {line}:{start}");
        out.push(Token {
            line,
            start,
            len: chunk[2],
            kind: types[chunk[3] as usize].to_string(),
            modifiers: modifiers
                .iter()
                .enumerate()
                .filter(|(i, _)| chunk[4] & (1 << i) != 0)
                .map(|(_, m)| m.to_string())
                .collect(),
        });
    }
    out
}

/// The text a token covers (columns counted in `unit` code units).
fn token_text(text: &str, token: &Token, utf16: bool) -> String {
    let line = text.lines().nth(token.line as usize).unwrap_or_default();
    if utf16 {
        let units: Vec<u16> = line.encode_utf16().collect();
        let (s, e) = (token.start as usize, (token.start + token.len) as usize);
        String::from_utf16_lossy(&units[s.min(units.len())..e.min(units.len())])
    } else {
        line.get(token.start as usize..(token.start + token.len) as usize)
            .unwrap_or("<not a char boundary>")
            .to_string()
    }
}

#[tokio::test]
async fn full_tokens_follow_the_legend_and_the_highlight_query() {
    let (mut client, init) = opened(capabilities(false, false, false), TEXT).await;
    let provider = &init["capabilities"]["semanticTokensProvider"];
    assert_eq!(provider["full"]["delta"], true, "{provider}");
    assert_eq!(provider["range"], true, "{provider}");
    let result = full(&mut client).await;
    assert!(result["resultId"].is_string(), "{result}");
    let tokens = decode(&init, &result["data"]);
    let shown: Vec<String> = tokens
        .iter()
        .map(|t| {
            format!(
                "{}:{} {} {}{}",
                t.line,
                t.start,
                token_text(TEXT, t, true),
                t.kind,
                if t.modifiers.is_empty() {
                    String::new()
                } else {
                    format!(" {:?}", t.modifiers)
                }
            )
        })
        .collect();
    for expected in [
        "0:0 # syntax=docker/dockerfile:1 macro",
        "1:4 VERSION variable [\"declaration\"]",
        "2:5 golang namespace",
        "2:14 VERSION variable",
        "2:26 build class [\"declaration\"]",
        "3:4 --mount parameter",
        "3:12 type property",
        "7:12 build class",
        "8:0 MAINTAINER keyword [\"deprecated\"]",
    ] {
        assert!(
            shown.iter().any(|s| s == expected),
            "{expected:?} not in {shown:#?}"
        );
    }
    // The continued RUN line's shell command is left to the client's shell grammar.
    assert!(!tokens.iter().any(|t| t.line == 4), "{shown:#?}");
}

#[tokio::test]
async fn columns_count_utf16_code_units_and_crlf_ends_lines() {
    let text = "FROM alpine\r\nLABEL a=\"é🐳\" b=1\r\nENV X=1\r\n";
    for utf8 in [false, true] {
        let (mut client, init) = opened(capabilities(utf8, false, false), text).await;
        let result = full(&mut client).await;
        let tokens = decode(&init, &result["data"]);
        let b = tokens
            .iter()
            .find(|t| t.line == 1 && t.kind == "property" && token_text(text, t, !utf8) == "b")
            .unwrap_or_else(|| panic!("no `b` property: {tokens:#?}"));
        // `LABEL a="é🐳" ` is 14 UTF-16 code units and 17 UTF-8 bytes.
        assert_eq!(b.start, if utf8 { 17 } else { 14 });
        let string = tokens
            .iter()
            .find(|t| t.line == 1 && t.kind == "string")
            .expect("a string");
        assert_eq!(string.len, if utf8 { 8 } else { 5 }, "\"é🐳\"");
        let env = tokens
            .iter()
            .find(|t| t.line == 2)
            .expect("a token on line 2");
        assert_eq!((env.start, env.kind.as_str()), (0, "keyword"));
    }
}

#[tokio::test]
async fn a_range_request_gives_only_the_tokens_in_the_range() {
    let (mut client, init) = opened(capabilities(false, false, false), TEXT).await;
    let result = range(&mut client, (2, 0), (3, 0)).await;
    let tokens = decode(&init, &result["data"]);
    assert!(!tokens.is_empty());
    assert!(tokens.iter().all(|t| t.line == 2), "{tokens:#?}");
    // Out-of-range positions are clamped, not an error.
    let result = range(&mut client, (90, 0), (99, 9)).await;
    assert_eq!(result["data"], json!([]), "{result}");
}

/// Applies `edits` (in u32 units) to `data`.
fn apply(data: &[u64], edits: &Value) -> Vec<u64> {
    let mut data = data.to_vec();
    let mut edits: Vec<&Value> = edits.as_array().expect("edits").iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e["start"].as_u64()));
    for edit in edits {
        let start = edit["start"].as_u64().unwrap_or(0) as usize;
        let delete = edit["deleteCount"].as_u64().unwrap_or(0) as usize;
        let insert: Vec<u64> = edit["data"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        data.splice(start..start + delete, insert);
    }
    data
}

fn numbers(data: &Value) -> Vec<u64> {
    data.as_array()
        .expect("data")
        .iter()
        .filter_map(Value::as_u64)
        .collect()
}

#[tokio::test]
async fn deltas_rebuild_the_new_tokens_and_unknown_ids_get_full_tokens() {
    let (mut client, _) = opened(capabilities(false, false, false), TEXT).await;
    let first = full(&mut client).await;
    let first_id = first["resultId"].as_str().expect("a result id").to_string();

    // Line 2: `FROM golang:${VERSION} AS build` -> `FROM golang:${VERSION} AS builder`.
    client.did_change(URI, 2, &[((2, 31), (2, 31), "er")]).await;
    let delta = full_delta(&mut client, &first_id).await;
    let delta_id = delta["resultId"]
        .as_str()
        .expect("a new result id")
        .to_string();
    assert_ne!(delta_id, first_id);
    let edits = &delta["edits"];
    assert_eq!(edits.as_array().map(Vec::len), Some(1), "{delta}");
    assert!(
        edits[0]["start"].as_u64().unwrap_or(0) > 0,
        "a common prefix is kept: {delta}"
    );
    let rebuilt = apply(&numbers(&first["data"]), edits);

    let fresh = full(&mut client).await;
    assert_eq!(rebuilt, numbers(&fresh["data"]));

    // The delta's id is stale now (the full request replaced it): full tokens come back.
    let stale = full_delta(&mut client, &delta_id).await;
    assert!(stale.get("edits").is_none(), "{stale}");
    assert_eq!(numbers(&stale["data"]), numbers(&fresh["data"]));

    // No change since the last result: an empty edit list.
    let id = stale["resultId"].as_str().expect("an id").to_string();
    let same = full_delta(&mut client, &id).await;
    assert_eq!(same["edits"], json!([]), "{same}");
}

/// The folding ranges of `text` for a client with `folding` capabilities.
async fn folds_with(folding: Value, text: &str) -> Value {
    let mut caps = capabilities(false, false, false);
    caps["textDocument"]["foldingRange"] = folding;
    let (mut client, _) = opened(caps, text).await;
    let params = json!({ "textDocument": doc() });
    call(&mut client, "textDocument/foldingRange", params).await
}

#[tokio::test]
async fn folding_ranges_honour_line_folding_only_and_the_range_limit() {
    let text = "# a\n# b\nFROM alpine AS x\nRUN a \\\r\n  b\nCOPY <<EOF /é\n1\nEOF\n";
    let folds = folds_with(json!({ "lineFoldingOnly": true }), text).await;
    let lines: Vec<(u64, u64, Value)> = folds
        .as_array()
        .expect("folds")
        .iter()
        .map(|f| {
            assert!(
                f.get("startCharacter").is_none() && f.get("endCharacter").is_none(),
                "{f}"
            );
            (
                f["startLine"].as_u64().unwrap_or(0),
                f["endLine"].as_u64().unwrap_or(0),
                f.get("kind").cloned().unwrap_or(Value::Null),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            (0, 1, json!("comment")),
            (2, 7, json!("region")),
            (3, 4, Value::Null),
            (5, 7, Value::Null),
        ]
    );

    let folds = folds_with(json!({ "rangeLimit": 2 }), text).await;
    let folds = folds.as_array().expect("folds");
    assert_eq!(folds.len(), 2, "{folds:?}");
    // Without lineFoldingOnly the first line stays visible: the fold starts at its end.
    assert_eq!(folds[1]["startLine"], 2);
    assert_eq!(folds[1]["startCharacter"], 16);
    assert_eq!(folds[1]["endLine"], 7);
    assert_eq!(folds[1]["endCharacter"], 3);
}

#[tokio::test]
async fn selection_ranges_expand_outwards_in_utf16() {
    let text = "FROM alpine\nLABEL a=\"é🐳\" key=value\n";
    let (mut client, _) = opened(capabilities(false, false, false), text).await;
    // UTF-16 column 20 is inside `value` (`LABEL a="é🐳" key=` is 18 code units; in
    // UTF-8 bytes it would be inside `key`).
    let result = call(
        &mut client,
        "textDocument/selectionRange",
        json!({ "textDocument": doc(), "positions": [{ "line": 1, "character": 20 }] }),
    )
    .await;
    let mut ranges = Vec::new();
    let mut node = &result[0];
    while node.is_object() {
        let r = &node["range"];
        ranges.push((
            r["start"]["line"].as_u64().unwrap_or(99),
            r["start"]["character"].as_u64().unwrap_or(99),
            r["end"]["line"].as_u64().unwrap_or(99),
            r["end"]["character"].as_u64().unwrap_or(99),
        ));
        node = &node["parent"];
    }
    assert_eq!(
        ranges,
        vec![
            (1, 18, 1, 23), // value
            (1, 14, 1, 23), // key=value
            (1, 6, 1, 23),  // a="é🐳" key=value
            (1, 0, 1, 23),  // the LABEL instruction
            (0, 0, 1, 23),  // the stage
            (0, 0, 2, 0),   // the file
        ]
    );
}

#[tokio::test]
async fn unknown_documents_get_no_answer() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    let other = json!({ "uri": "file:///nowhere/Dockerfile" });
    for (method, params) in [
        (
            "textDocument/semanticTokens/full",
            json!({ "textDocument": other }),
        ),
        (
            "textDocument/semanticTokens/full/delta",
            json!({ "textDocument": other, "previousResultId": "1" }),
        ),
        (
            "textDocument/semanticTokens/range",
            json!({ "textDocument": other, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 1, "character": 0 } } }),
        ),
        (
            "textDocument/foldingRange",
            json!({ "textDocument": other }),
        ),
        (
            "textDocument/selectionRange",
            json!({ "textDocument": other, "positions": [{ "line": 0, "character": 0 }] }),
        ),
    ] {
        let result = call(&mut client, method, params).await;
        assert_eq!(result, Value::Null, "{method}");
    }
}

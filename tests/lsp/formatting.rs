//! Formatting over the wire: document, range and on-type requests return minimal edits
//! in the negotiated encoding, honour `tabSize`/`insertSpaces` and the configured
//! `format.continuationIndent`, advertise their trigger characters, and answer unknown
//! documents with nothing.

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";

async fn opened(caps: Value, options: Option<Value>, text: &str) -> TestClient {
    let (mut client, _) = TestClient::initialized(caps, options).await;
    client.did_open(URI, text, 1).await;
    client
}

fn options(tab_size: u32, insert_spaces: bool) -> Value {
    json!({ "tabSize": tab_size, "insertSpaces": insert_spaces })
}

async fn format(client: &mut TestClient, uri: &str, opts: Value) -> Value {
    let response = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": opts }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

/// `textDocument/rangeFormatting` of `((line, character), (line, character))`.
async fn range_format(client: &mut TestClient, range: ((u32, u32), (u32, u32))) -> Value {
    let ((sl, sc), (el, ec)) = range;
    let response = client
        .request(
            "textDocument/rangeFormatting",
            json!({
                "textDocument": { "uri": URI },
                "range": { "start": { "line": sl, "character": sc }, "end": { "line": el, "character": ec } },
                "options": options(4, true),
            }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

/// `textDocument/onTypeFormatting` after typing `ch` with the cursor at `(line, character)`.
async fn on_type(client: &mut TestClient, line: u32, character: u32, ch: &str) -> Value {
    let response = client
        .request(
            "textDocument/onTypeFormatting",
            json!({
                "textDocument": { "uri": URI },
                "position": { "line": line, "character": character },
                "ch": ch,
                "options": options(4, true),
            }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

/// `(start line, start character, end line, end character, new text)` of each edit.
fn edits(result: &Value) -> Vec<(u64, u64, u64, u64, String)> {
    result
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let r = &e["range"];
            (
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["character"].as_u64().unwrap(),
                r["end"]["line"].as_u64().unwrap(),
                r["end"]["character"].as_u64().unwrap(),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_capabilities_name_the_trigger_characters() {
    let (client, result) = TestClient::initialized(capabilities(false, false, false), None).await;
    let caps = &result["capabilities"];
    assert_eq!(caps["documentFormattingProvider"], json!(true));
    assert_eq!(caps["documentRangeFormattingProvider"], json!(true));
    assert_eq!(
        caps["documentOnTypeFormattingProvider"],
        json!({ "firstTriggerCharacter": "\n", "moreTriggerCharacter": ["\\", "`"] })
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn document_edits_are_minimal_and_in_utf16() {
    // `é` and the emoji: UTF-16 columns differ from byte columns after them.
    let text = "from alpine\nLABEL a=\"é😀\" b=1   \nRUN [\"é\",\"b\"] \\\n  && x\n";
    let mut client = opened(capabilities(false, false, false), None, text).await;
    let result = format(&mut client, URI, options(4, true)).await;
    assert_eq!(
        edits(&result),
        vec![
            (0, 0, 0, 4, "FROM".to_string()),
            // After `"é😀" b=1`: 1 + 2 UTF-16 units, not 2 + 4 bytes.
            (1, 17, 1, 20, String::new()),
            (3, 2, 3, 2, "  ".to_string()),
        ]
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn utf8_clients_get_byte_columns() {
    let text = "LABEL a=\"é😀\" b=1   \n";
    let mut client = opened(capabilities(true, false, false), None, text).await;
    let result = format(&mut client, URI, options(4, true)).await;
    assert_eq!(edits(&result), vec![(0, 20, 0, 23, String::new())]);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn tab_size_and_insert_spaces_are_honoured_unless_configured() {
    let text = "RUN a \\\n b \\\n   c\n";
    let mut client = opened(capabilities(false, false, false), None, text).await;
    // Two-space indent; the deeper line keeps its extra two columns.
    assert_eq!(
        edits(&format(&mut client, URI, options(2, true)).await),
        vec![(1, 1, 1, 1, " ".to_string()), (2, 3, 2, 3, " ".to_string())]
    );
    // Tabs.
    assert_eq!(
        edits(&format(&mut client, URI, options(4, false)).await),
        vec![
            (1, 0, 1, 1, "\t".to_string()),
            (2, 0, 2, 1, "\t".to_string())
        ]
    );
    client.shutdown_and_exit().await;

    // A configured indent wins over the editor's options.
    let settings = json!({ "dockerfileLsp": { "format": { "continuationIndent": 3 } } });
    let mut client = opened(capabilities(false, false, false), Some(settings), text).await;
    assert_eq!(
        edits(&format(&mut client, URI, options(8, false)).await),
        vec![
            (1, 1, 1, 1, "  ".to_string()),
            (2, 3, 2, 3, "  ".to_string())
        ]
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn range_formatting_edits_only_the_touched_instructions() {
    let text = "from a\nrun b \\\n  c\nrun d\n";
    let mut client = opened(capabilities(false, false, false), None, text).await;
    assert_eq!(
        edits(&range_format(&mut client, ((2, 1), (2, 2))).await),
        vec![
            (1, 0, 1, 3, "RUN".to_string()),
            (2, 2, 2, 2, "  ".to_string())
        ]
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn on_type_newline_indents_the_continuation() {
    // The editor inserted the line break after `\` (version 2) and asks for on-type
    // formatting at the start of the new line.
    let mut client = opened(capabilities(false, false, false), None, "RUN é && \\\n").await;
    client.did_change(URI, 2, &[((1, 0), (1, 0), "\n")]).await;
    assert_eq!(
        edits(&on_type(&mut client, 1, 0, "\n").await),
        vec![(1, 0, 1, 0, "    ".to_string())]
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn on_type_escape_indents_the_joined_line() {
    // `\` typed at the end of the first line: the second line now continues the RUN.
    let mut client = opened(
        capabilities(false, false, false),
        None,
        "RUN make \\\ninstall\n",
    )
    .await;
    assert_eq!(
        edits(&on_type(&mut client, 0, 10, "\\").await),
        vec![(1, 0, 1, 0, "    ".to_string())]
    );
    // The other escape character does nothing in this file.
    assert_eq!(edits(&on_type(&mut client, 0, 10, "`").await), vec![]);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn unknown_documents_and_odd_positions_get_nothing() {
    let mut client = opened(capabilities(false, false, false), None, "from a\n").await;
    let result = format(
        &mut client,
        "file:///elsewhere/Dockerfile",
        options(4, true),
    )
    .await;
    assert!(result.is_null() || result == json!([]), "{result}");
    assert_eq!(edits(&on_type(&mut client, 99, 99, "\n").await), vec![]);
    // A reversed range past the end: answered, nothing to do.
    assert_eq!(
        edits(&range_format(&mut client, ((50, 0), (3, 0))).await),
        vec![]
    );
    client.shutdown_and_exit().await;
}

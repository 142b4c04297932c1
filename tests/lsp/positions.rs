//! Positions in both encodings with multi-byte text, line breaks of every kind and
//! out-of-range positions, checked through the diagnostics the server publishes.

use dockerfile_lsp_tests::lsp_client::{capabilities, range_of, with_code, TestClient};
use serde_json::json;

const URI: &str = "file:///project/Dockerfile";

fn fast() -> Option<serde_json::Value> {
    Some(json!({ "diagnostics": { "delayMs": 0 } }))
}

/// `ENV A😀` on line 2 after a comment with an emoji and an accent. The edit that breaks
/// the line and the diagnostic it produces are both expressed in the negotiated unit.
async fn emoji_line(utf8: bool) -> ((u64, u64), (u64, u64)) {
    let (mut client, result) =
        TestClient::initialized(capabilities(utf8, false, false), fast()).await;
    let expected = if utf8 { "utf-8" } else { "utf-16" };
    assert_eq!(result["capabilities"]["positionEncoding"], expected);
    client
        .did_open(URI, "# 😀 é\nFROM alpine:3.20\nENV A😀=1😀\n", 1)
        .await;
    let first = client.diagnostics(URI).await;
    assert!(
        with_code(&first["diagnostics"], "invalid-arguments").is_empty(),
        "{first}"
    );
    // Delete `=1😀`, which starts after `ENV A😀`: column 7 in UTF-16, 9 in UTF-8.
    let (start, end) = if utf8 { (9, 15) } else { (7, 11) };
    client
        .did_change(URI, 2, &[((2, start), (2, end), "")])
        .await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 2);
    let errors = with_code(&published["diagnostics"], "invalid-arguments");
    assert_eq!(errors.len(), 1, "{published}");
    let range = range_of(errors[0]);
    client.shutdown_and_exit().await;
    range
}

#[tokio::test]
async fn utf16_columns() {
    // `A😀` is 1 + 2 UTF-16 code units.
    assert_eq!(emoji_line(false).await, ((2, 4), (2, 7)));
}

#[tokio::test]
async fn utf8_columns() {
    // `A😀` is 1 + 4 bytes.
    assert_eq!(emoji_line(true).await, ((2, 4), (2, 9)));
}

#[tokio::test]
async fn crlf_and_lone_cr_are_line_breaks() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), fast()).await;
    // For LSP a lone CR ends a line; for BuildKit it does not, so it sits in a comment
    // here, where both readings agree on the instructions.
    client
        .did_open(URI, "FROM alpine:3.20\r\n# a\rb\nENV é=1\r\n", 1)
        .await;
    let first = client.diagnostics(URI).await;
    assert!(
        with_code(&first["diagnostics"], "invalid-arguments").is_empty(),
        "{first}"
    );
    // Line 3 is `ENV é=1`: delete `=1`.
    client.did_change(URI, 2, &[((3, 5), (3, 7), "")]).await;
    let published = client.diagnostics(URI).await;
    let ranges: Vec<_> = with_code(&published["diagnostics"], "invalid-arguments")
        .into_iter()
        .map(range_of)
        .collect();
    assert_eq!(ranges, vec![((3, 4), (3, 5))], "{published}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn out_of_range_positions_are_clamped() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), fast()).await;
    client.did_open(URI, "FROM alpine:3.20\nENV A=1", 1).await;
    client.diagnostics(URI).await;
    client
        .did_change(
            URI,
            2,
            &[
                // A column past the end of line 1 is its end: `ENV A=1` becomes `ENV A=1 B`.
                ((1, 99), (1, 120), " B"),
                // A line past the end is the end of the text.
                ((40, 3), (50, 0), "\nENV Z"),
                // A reversed range is read forwards: replaces `=1` on line 1 with `=2`.
                ((1, 7), (1, 5), "=2"),
            ],
        )
        .await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 2);
    let ranges: Vec<_> = with_code(&published["diagnostics"], "invalid-arguments")
        .into_iter()
        .map(range_of)
        .collect();
    // `ENV A=2 B` is an error too (B has no value), and so is `ENV Z` on line 2.
    assert_eq!(ranges.last(), Some(&((2, 4), (2, 5))), "{published}");
    // The hover on line 2 proves the server holds exactly that text.
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": { "line": 2, "character": 4 } }),
        )
        .await;
    assert_eq!(
        hover["result"]["range"],
        json!({ "start": { "line": 2, "character": 4 }, "end": { "line": 2, "character": 5 } })
    );
    client.shutdown_and_exit().await;
}

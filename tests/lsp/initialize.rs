//! `initialize` negotiates the position encoding and capabilities; `shutdown` and `exit`
//! stop the server cleanly.

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient};
use serde_json::json;

#[tokio::test]
async fn utf8_is_chosen_when_offered() {
    let (client, result) = TestClient::initialized(capabilities(true, false, false), None).await;
    let caps = &result["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert!(caps["diagnosticProvider"].is_object());
    assert_eq!(result["serverInfo"]["name"], "dockerfile-lsp");
    client.shutdown_and_exit().await;
}

/// Every editing feature is advertised, so clients ask for it.
#[tokio::test]
async fn editing_features_are_advertised() {
    let (client, result) = TestClient::initialized(capabilities(false, false, false), None).await;
    let caps = &result["capabilities"];
    for provider in [
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "workspaceSymbolProvider",
        "documentFormattingProvider",
        "documentRangeFormattingProvider",
        "foldingRangeProvider",
        "selectionRangeProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(caps["completionProvider"]["resolveProvider"], true);
    assert!(caps["signatureHelpProvider"]["triggerCharacters"].is_array());
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert!(caps["documentSymbolProvider"].is_object());
    assert!(caps["documentLinkProvider"].is_object());
    assert_eq!(
        caps["documentOnTypeFormattingProvider"]["firstTriggerCharacter"],
        "\n"
    );
    let tokens = &caps["semanticTokensProvider"];
    assert_eq!(tokens["range"], true);
    assert_eq!(tokens["full"]["delta"], true);
    assert!(tokens["legend"]["tokenTypes"]
        .as_array()
        .is_some_and(|t| !t.is_empty()));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn utf16_is_the_fallback() {
    let (client, result) = TestClient::initialized(capabilities(false, false, false), None).await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    client.shutdown_and_exit().await;

    // A client that says nothing about encodings gets UTF-16 too; so does one that only
    // offers UTF-32.
    for caps in [
        json!({}),
        json!({ "general": { "positionEncodings": ["utf-32"] } }),
    ] {
        let (client, result) = TestClient::initialized(caps, None).await;
        assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
        client.shutdown_and_exit().await;
    }
}

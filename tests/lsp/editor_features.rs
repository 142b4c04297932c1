//! Code lenses and inlay hints over the wire: advertised, answered for the current
//! version, empty for unknown documents, turned off by `codeLens.enable` /
//! `inlayHints.enable`, and refreshed in the client when those settings change.

use std::time::Duration;

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient, WAIT};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";

const MULTI: &str = "\
ARG REGISTRY=docker.io
ARG GO=1.22
FROM ${REGISTRY}/library/golang:${GO} AS build
WORKDIR /src
COPY . .
RUN go build -o /app .

FROM build AS test
RUN go test ./...

FROM gcr.io/distroless/static:nonroot AS final
COPY --from=build /app /app
";

/// The lines of `MULTI` that hold a FROM.
const FROM_LINES: [u64; 3] = [2, 7, 10];

fn with_refresh(mut caps: Value) -> Value {
    caps["workspace"]["codeLens"] = json!({ "refreshSupport": true });
    caps["workspace"]["inlayHint"] = json!({ "refreshSupport": true });
    caps
}

async fn code_lenses(client: &mut TestClient, uri: &str) -> Value {
    let response = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

async fn inlay_hints(
    client: &mut TestClient,
    uri: &str,
    from: (u32, u32),
    to: (u32, u32),
) -> Value {
    let response = client
        .request(
            "textDocument/inlayHint",
            json!({ "textDocument": { "uri": uri }, "range": {
                "start": { "line": from.0, "character": from.1 },
                "end": { "line": to.0, "character": to.1 } } }),
        )
        .await;
    assert!(response.get("error").is_none(), "{response}");
    response["result"].clone()
}

fn labels(hints: &Value) -> Vec<(u64, u64, String)> {
    hints
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|h| {
                    (
                        h["position"]["line"].as_u64().unwrap(),
                        h["position"]["character"].as_u64().unwrap(),
                        h["label"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn capabilities_are_advertised() {
    let (client, result) = TestClient::initialized(capabilities(false, false, false), None).await;
    let caps = &result["capabilities"];
    assert_eq!(caps["hoverProvider"], json!(true), "{caps}");
    assert!(caps["codeLensProvider"].is_object(), "{caps}");
    assert_eq!(caps["inlayHintProvider"], json!(true), "{caps}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn code_lenses_sit_on_from_keywords() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, MULTI, 1).await;
    let lenses = code_lenses(&mut client, URI).await;
    let items = lenses.as_array().expect("an array for an open document");
    assert!(items.len() <= FROM_LINES.len(), "{lenses}");
    for lens in items {
        let start = &lens["range"]["start"];
        assert!(
            FROM_LINES.contains(&start["line"].as_u64().unwrap()),
            "{lens}"
        );
        assert_eq!(start["character"], 0, "{lens}");
        assert_eq!(lens["range"]["end"]["character"], 4, "{lens}");
        assert!(
            !lens["command"]["title"]
                .as_str()
                .unwrap_or_default()
                .is_empty(),
            "{lens}"
        );
    }
    // Unknown documents: no lenses, no error.
    assert_eq!(
        code_lenses(&mut client, "file:///nowhere/Dockerfile").await,
        json!(null)
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn the_build_stage_lens_names_its_dependents() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, MULTI, 1).await;
    let lenses = code_lenses(&mut client, URI).await;
    let build = lenses
        .as_array()
        .and_then(|items| items.iter().find(|l| l["range"]["start"]["line"] == 2))
        .unwrap_or_else(|| panic!("a lens on the `build` stage: {lenses}"));
    let title = build["command"]["title"].as_str().unwrap_or_default();
    assert!(title.contains("final") && title.contains("test"), "{title}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn turning_code_lenses_off_and_on_refreshes_the_client() {
    let (mut client, _) = TestClient::initialized(
        with_refresh(capabilities(false, false, false)),
        Some(json!({ "codeLens": { "enable": false } })),
    )
    .await;
    client.did_open(URI, MULTI, 1).await;
    assert_eq!(code_lenses(&mut client, URI).await, json!([]));
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "dockerfileLsp": { "codeLens": { "enable": true } } } }),
        )
        .await;
    assert!(
        client
            .server_request("workspace/codeLens/refresh", WAIT)
            .await
            .is_some(),
        "the client is asked to re-request its lenses"
    );
    // The inlay hint setting did not change: no refresh for it.
    assert!(client
        .server_request("workspace/inlayHint/refresh", Duration::from_millis(300))
        .await
        .is_none());
    let lenses = code_lenses(&mut client, URI).await;
    assert!(lenses.is_array(), "{lenses}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn inlay_hints_show_from_variables_in_the_range() {
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, MULTI, 1).await;
    let all = inlay_hints(&mut client, URI, (0, 0), (20, 0)).await;
    // After `${REGISTRY}` (column 16) and `${GO}` (column 37) on line 2.
    assert_eq!(
        labels(&all),
        vec![
            (2, 16, "= docker.io".to_owned()),
            (2, 37, "= 1.22".to_owned())
        ],
        "{all}"
    );
    let tooltip = &all[0]["tooltip"];
    assert_eq!(tooltip["kind"], "markdown", "{all}");
    assert!(
        tooltip["value"]
            .as_str()
            .unwrap_or_default()
            .contains("line 1"),
        "{all}"
    );
    // Only the lines asked for.
    assert_eq!(
        inlay_hints(&mut client, URI, (3, 0), (20, 0)).await,
        json!([])
    );
    assert_eq!(
        labels(&inlay_hints(&mut client, URI, (2, 30), (2, 40)).await).len(),
        1
    );
    // Unknown documents: nothing, no error.
    assert_eq!(
        inlay_hints(&mut client, "file:///nowhere/Dockerfile", (0, 0), (1, 0)).await,
        json!(null)
    );
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn inlay_hint_positions_count_utf16_units() {
    let text = "ARG T=1\nFROM --platform=linux/amd64 img/é😀:$T\n";
    let (mut client, _) = TestClient::initialized(capabilities(false, false, false), None).await;
    client.did_open(URI, text, 1).await;
    let hints = inlay_hints(&mut client, URI, (0, 0), (2, 0)).await;
    // `FROM --platform=linux/amd64 img/` is 32 units, `é` 1, `😀` 2, `:$T` 3.
    assert_eq!(labels(&hints), vec![(1, 38, "= 1".to_owned())], "{hints}");
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn turning_inlay_hints_off_empties_them_and_refreshes() {
    let (mut client, _) =
        TestClient::initialized(with_refresh(capabilities(false, false, false)), None).await;
    client.did_open(URI, MULTI, 1).await;
    assert_eq!(
        labels(&inlay_hints(&mut client, URI, (0, 0), (20, 0)).await).len(),
        2
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "inlayHints": { "enable": false } } }),
        )
        .await;
    assert!(
        client
            .server_request("workspace/inlayHint/refresh", WAIT)
            .await
            .is_some(),
        "the client is asked to re-request its hints"
    );
    assert_eq!(
        inlay_hints(&mut client, URI, (0, 0), (20, 0)).await,
        json!([])
    );
    client.shutdown_and_exit().await;
}

/// The corpus (`$DOCKERFILE_LSP_CORPUS` or `../shared/corpus`), when it is there.
fn corpus_real() -> Option<std::path::PathBuf> {
    let dir = match std::env::var_os("DOCKERFILE_LSP_CORPUS") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    let real = dir.join("real");
    real.is_dir().then_some(real)
}

/// Lenses, hints over the whole file and the server's hover (with the diagnostic lines) at
/// every instruction keyword, flag and FROM word of every real-world file: no panic.
#[test]
fn every_corpus_file_gets_lenses_hints_and_hovers() {
    use dockerfile_lsp::config::Config;
    use dockerfile_lsp::ide::{code_lens, inlay_hints, Analysis};
    use dockerfile_lsp::lsp::{hover, position::PositionEncoding};
    use dockerfile_lsp::text::TextRange;

    let Some(real) = corpus_real() else {
        eprintln!("SKIPPED: corpus not found (set DOCKERFILE_LSP_CORPUS)");
        return;
    };
    let mut files = Vec::new();
    let mut stack = vec![real];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() > 100,
        "the corpus has its files: {}",
        files.len()
    );
    let config = Config::default();
    let (mut failed, mut hovers, mut lenses, mut hints) = (Vec::new(), 0usize, 0usize, 0usize);
    for path in &files {
        let bytes = std::fs::read(path).expect("corpus files are readable");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let outcome = std::panic::catch_unwind(|| {
            let analysis = Analysis::new(text.as_str());
            let diagnostics = analysis.diagnostics(&config);
            let mut offsets = Vec::new();
            for inst in &analysis.syntax().instructions {
                offsets.push(inst.keyword_range.start());
                offsets.extend(inst.flags.iter().map(|f| f.range.start() + 2));
            }
            for stage in &analysis.model().stages {
                offsets.extend(stage.base_word.iter().map(|w| w.range.start()));
                offsets.extend(stage.name_word.iter().map(|w| w.range.end()));
            }
            offsets.push(text.len());
            let mut answered = 0;
            for offset in offsets {
                for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
                    answered += usize::from(
                        hover::hover(&analysis, &diagnostics, &config, offset, encoding, false)
                            .is_some(),
                    );
                }
            }
            let lens_count = code_lens::code_lenses(&analysis).len();
            assert!(lens_count <= analysis.model().stages.len());
            let hint_list = inlay_hints::inlay_hints(&analysis, TextRange::new(0, text.len()));
            assert!(hint_list.iter().all(|h| h.offset <= text.len()));
            (answered, lens_count, hint_list.len())
        });
        match outcome {
            Ok((h, l, i)) => {
                hovers += h;
                lenses += l;
                hints += i;
            }
            Err(_) => failed.push(path.display().to_string()),
        }
    }
    assert!(failed.is_empty(), "panicked on: {failed:#?}");
    // Many FROM lines use build arguments; every one gets its hint.
    assert!(hints > 0, "no inlay hints in {} files", files.len());
    eprintln!(
        "{} files: {hovers} hovers answered, {lenses} lenses, {hints} inlay hints",
        files.len()
    );
}

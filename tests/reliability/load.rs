//! Size abuse on the release binary: a 5 MB single-line document (a long `RUN` and a
//! line of junk) is analysed and every editor feature answers at the line's end within a
//! bound; 2,000 open documents are forgotten after `didClose`, and the process's memory
//! (VmRSS) comes back close to where it was before they were opened (mostly: see the
//! tolerance in the test); editing a large RUN does not keep every version's parse.

use std::time::{Duration, Instant};

use dockerfile_lsp_tests::lsp_client::{TestClient, WAIT};
use serde_json::{json, Value};

use crate::{at, binary_server, common, published_findings, status_kib};

/// The bound for anything on a 5 MB document (hang detection, not a performance target).
const BIG_WAIT: Duration = Duration::from_secs(30);

/// Sends a request and waits up to [`BIG_WAIT`] for its answer; returns it with the time
/// it took.
async fn timed(client: &mut TestClient, method: &str, params: Value) -> (Value, Duration) {
    let started = Instant::now();
    let request = client.request_id(method, params).await;
    let response = client
        .wait_message(BIG_WAIT, |m| {
            m["id"] == request && m.get("method").is_none()
        })
        .await
        .unwrap_or_else(|| panic!("no answer to {method} within {BIG_WAIT:?}"));
    assert!(response.get("error").is_none(), "{method}: {response}");
    (response, started.elapsed())
}

/// The byte offset of UTF-16 column `column` of a one-line `text`.
fn byte_at_utf16(text: &str, column: u32) -> usize {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        if units >= column as usize {
            return at;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Opens `text` (one line) and runs every feature at the line's end, then edits the
/// middle; prints the times.
async fn one_long_line(name: &str, text: &str) {
    let uri = format!("file:///abuse/load/{name}/Dockerfile");
    let uri = uri.as_str();
    let mut client = binary_server(json!({ "diagnostics": { "delayMs": 0 } })).await;
    let started = Instant::now();
    client.did_open(uri, text, 1).await;
    let published = client
        .wait_for("textDocument/publishDiagnostics", BIG_WAIT, |p| {
            p["uri"] == uri
        })
        .await
        .unwrap_or_else(|| panic!("{name}: no diagnostics within {BIG_WAIT:?}"));
    let first = started.elapsed();
    assert_eq!(published["version"], 1);
    // (The findings are compared after the edits below.)
    assert!(published["diagnostics"].is_array(), "{name}");
    // Past the end: clamped to the end of the line.
    let end = at(uri, 0, 10_000_000);
    let document = json!({ "textDocument": { "uri": uri } });
    let range = json!({ "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 10_000_000 } });
    let mut times = vec![("first diagnostics", first)];
    for (method, params) in [
        ("textDocument/hover", end.clone()),
        ("textDocument/completion", end.clone()),
        ("textDocument/signatureHelp", end.clone()),
        ("textDocument/semanticTokens/full", document.clone()),
        ("textDocument/documentSymbol", document.clone()),
        ("textDocument/foldingRange", document.clone()),
        (
            "textDocument/codeAction",
            json!({ "textDocument": { "uri": uri }, "range": range, "context": { "diagnostics": [] } }),
        ),
        (
            "textDocument/formatting",
            json!({ "textDocument": { "uri": uri }, "options": { "tabSize": 4, "insertSpaces": true } }),
        ),
    ] {
        let (_, took) = timed(&mut client, method, params).await;
        eprintln!("{name} (5 MB line): {method}: {took:?}");
        times.push((method, took));
    }
    // A few edits in the middle of the line (columns count UTF-16 code units).
    let middle = (text.encode_utf16().count() / 2) as u32;
    let mut edited = text.to_owned();
    for version in 2..5 {
        let column = middle + version as u32;
        edited.insert(byte_at_utf16(&edited, column), 'x');
        client
            .did_change(uri, version, &[((0, column), (0, column), "x")])
            .await;
    }
    let started = Instant::now();
    let published = client
        .wait_for("textDocument/publishDiagnostics", BIG_WAIT, |p| {
            p["uri"] == uri && p["version"] == 4
        })
        .await
        .unwrap_or_else(|| panic!("{name}: no diagnostics for the edits within {BIG_WAIT:?}"));
    times.push(("diagnostics after 3 edits", started.elapsed()));
    // The edited document's findings equal a fresh open of its text in a second server
    // (the core's analysis of 5 MB is too slow in this debug-built test).
    let mut fresh = binary_server(json!({ "diagnostics": { "delayMs": 0 } })).await;
    fresh.did_open(uri, &edited, 1).await;
    let reference = fresh
        .wait_for("textDocument/publishDiagnostics", BIG_WAIT, |p| {
            p["uri"] == uri
        })
        .await
        .unwrap_or_else(|| panic!("{name}: no diagnostics from a fresh open"));
    assert_eq!(
        published_findings(&published),
        published_findings(&reference),
        "{name}"
    );
    fresh.shutdown_and_exit().await;
    let (symbols, took) = timed(&mut client, "textDocument/documentSymbol", document).await;
    assert!(symbols["result"].is_array(), "{symbols}");
    times.push(("document symbols after the edits", took));
    for (what, took) in times {
        eprintln!("{name} (5 MB line): {what}: {took:?}");
    }
    client.shutdown_and_exit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mb_run_line_is_served_at_its_end() {
    let text = format!("RUN echo {}", "a".repeat(5 << 20));
    one_long_line("run", &text).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mb_line_of_junk_is_served_at_its_end() {
    // Printable junk with the characters that mean something to the scanners: quotes,
    // backslashes, `$`, braces, heredoc markers, comment signs, and non-ASCII.
    let alphabet: Vec<char> = "ab $x{}()[]\"'\\<<-#=:;&|`é𝄞\t,.".chars().collect();
    let mut state = 0x2545_f491_u64;
    let mut text = String::with_capacity(5 << 20);
    while text.len() < 5 << 20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.push(alphabet[(state % alphabet.len() as u64) as usize]);
    }
    one_long_line("junk", &text).await;
    // The same junk as a shell command: the shell parser gets it all.
    one_long_line("run-junk", &format!("RUN {text}")).await;
}

/// A few corpus texts of a few kilobytes each (the 2,000 documents cycle through them).
fn corpus_texts() -> Option<Vec<String>> {
    let corpus = common::corpus_dir()?;
    let mut texts = Vec::new();
    for name in [
        "real/moby__moby/Dockerfile.simple",
        "real/Kong__docker-kong/Dockerfile.deb",
        "real/astral-sh__uv/Dockerfile",
        "real/moby__moby/contrib__busybox__Dockerfile",
    ] {
        if let Ok(text) = std::fs::read_to_string(corpus.join(name)) {
            texts.push(text);
        }
    }
    (!texts.is_empty()).then_some(texts)
}

/// Opens `uris` with `texts` (cycled) and waits for each one's first publish.
async fn open_all(client: &mut TestClient, uris: &[String], texts: &[String]) {
    for (uri, text) in uris.iter().zip(texts.iter().cycle()) {
        client.did_open(uri, text, 1).await;
    }
    for uri in uris {
        client
            .wait_for("textDocument/publishDiagnostics", WAIT * 3, |p| {
                p["uri"] == uri.as_str()
            })
            .await
            .unwrap_or_else(|| panic!("no diagnostics for {uri}"));
    }
}

/// Closes `uris` and waits for each one's empty publish.
async fn close_all(client: &mut TestClient, uris: &[String]) {
    for uri in uris {
        client
            .notify(
                "textDocument/didClose",
                json!({ "textDocument": { "uri": uri } }),
            )
            .await;
    }
    for uri in uris {
        let cleared = client
            .wait_for("textDocument/publishDiagnostics", WAIT * 3, |p| {
                p["uri"] == uri.as_str() && p["diagnostics"].as_array().is_some_and(Vec::is_empty)
            })
            .await;
        assert!(cleared.is_some(), "no empty publish after closing {uri}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_documents_are_forgotten_and_their_memory_returns() {
    let Some(texts) = corpus_texts() else {
        return dockerfile_lsp_tests::skip(common::REQUIRE_CORPUS, "the shared corpus is missing");
    };
    let mut client = binary_server(json!({ "diagnostics": { "delayMs": 0 } })).await;
    let pid = client.pid();
    // Warm up (lazily built tables, the allocator's first segments) with the same texts.
    let warm: Vec<String> = (0..texts.len() * 4)
        .map(|i| format!("file:///abuse/warm/{i}/Dockerfile"))
        .collect();
    open_all(&mut client, &warm, &texts).await;
    close_all(&mut client, &warm).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let baseline = status_kib(pid, "VmRSS");

    let uris: Vec<String> = (0..2000)
        .map(|i| format!("file:///abuse/many/{i}/Dockerfile"))
        .collect();
    open_all(&mut client, &uris, &texts).await;
    // Requests that fill per-document caches (semantic tokens) on some of them.
    for uri in uris.iter().step_by(10) {
        semantic_tokens(&mut client, uri).await;
    }
    let open = status_kib(pid, "VmRSS");
    close_all(&mut client, &uris).await;
    // The server forgets closed documents.
    for uri in [&uris[0], &uris[999], &uris[1999]] {
        let hover = client.request("textDocument/hover", at(uri, 0, 1)).await;
        assert_eq!(
            hover["result"],
            Value::Null,
            "{uri} is still known: {hover}"
        );
        let symbols = client
            .request(
                "textDocument/documentSymbol",
                json!({ "textDocument": { "uri": uri } }),
            )
            .await;
        assert_eq!(
            symbols["result"],
            Value::Null,
            "{uri} is still known: {symbols}"
        );
    }
    let workspace = client
        .request("workspace/symbol", json!({ "query": "" }))
        .await;
    assert_eq!(
        workspace["result"],
        json!([]),
        "closed documents have no symbols"
    );
    // The server gives memory back a second after the last close.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let closed = status_kib(pid, "VmRSS");
    let peak = status_kib(pid, "VmHWM");
    eprintln!(
        "2,000 documents: VmRSS baseline {baseline} KiB, all open {open} KiB, after close {closed} KiB (VmHWM {peak} KiB)"
    );
    assert!(
        open > baseline + 10 * 1024,
        "2,000 open documents should cost memory: {baseline} → {open} KiB"
    );
    // What the documents took is given back but for 40% of it. Measured on a 2-core
    // machine: 20-25% stays (pages of the blocking pool's threads, which only they can
    // free); before the server limited its blocking threads and released memory after
    // closes, 100% stayed (860 MB with 500 threads, or what the last burst took).
    let tolerance = (open - baseline) * 2 / 5;
    assert!(
        closed <= baseline + tolerance,
        "memory did not come back after didClose: baseline {baseline} KiB, open {open} KiB, closed {closed} KiB"
    );
    client.shutdown_and_exit().await;
}

/// Waits for the diagnostics of `version` and asks for the semantic tokens (which fill
/// the highlight memo).
async fn settle(client: &mut TestClient, uri: &str, version: i32) {
    client
        .wait_for("textDocument/publishDiagnostics", BIG_WAIT, |p| {
            p["uri"] == uri && p["version"] == version
        })
        .await
        .unwrap_or_else(|| panic!("no diagnostics for version {version}"));
    semantic_tokens(client, uri).await;
}

/// Asks for the semantic tokens of `uri` (which fills per-document caches and the
/// highlight memo) and checks that they come.
async fn semantic_tokens(client: &mut TestClient, uri: &str) {
    let tokens = client
        .request(
            "textDocument/semanticTokens/full",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await;
    assert!(tokens["result"]["data"].is_array(), "{tokens}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_a_large_run_does_not_grow_memory() {
    // One RUN of 512 Ki words (1 MiB): its shell parse is large, and every edit is a new
    // text.
    let text = format!("RUN echo {} && ls", "a ".repeat(1 << 19));
    let uri = "file:///abuse/memo/Dockerfile";
    let options = json!({ "diagnostics": { "delayMs": 0 }, "shellcheck": { "path": "/nonexistent/shellcheck" } });
    let mut client = binary_server(options).await;
    let pid = client.pid();
    client.did_open(uri, &text, 1).await;
    settle(&mut client, uri, 1).await;
    let opened = status_kib(pid, "VmRSS");
    // The working set of a few analyses of this RUN (about three times what the open
    // document takes) is reached within some edits, then memory stays there: measured
    // 520-630 MB from 190-200 MB. Before the memo tables were bounded in bytes, every
    // version's parse stayed: +50 MB per edit (813 MB after 10 edits, 1,359 MB after 25).
    for version in 2..20 {
        let column = 20 + version as u32;
        client
            .did_change(uri, version, &[((0, column), (0, column), "b")])
            .await;
        settle(&mut client, uri, version).await;
    }
    let edited = status_kib(pid, "VmRSS");
    eprintln!("1 MiB RUN: VmRSS after open {opened} KiB, after 18 edits {edited} KiB");
    assert!(
        edited <= opened + 600 * 1024,
        "memory grew with every edit: {opened} KiB, then {edited} KiB"
    );
    client.shutdown_and_exit().await;
}

//! Odd `didChange` notifications and a flood of them.
//!
//! The client's text is the truth: a change is applied whatever its version (lower than
//! the current one, or skipping ahead), positions past the end of a line or of the
//! document are clamped to that end, a reversed range is put in order, and a full-text
//! change followed by range changes in one notification applies them in order; the
//! diagnostics are published for the version the client sent. A change to a document
//! that is not open is ignored (logged). Each step checks the published findings against
//! the core's analysis of the text the client holds.
//!
//! The flood (1,000 single-character edits written at once, on the release binary): with
//! the default 150 ms debounce only the last version is published; with `delayMs` 0 the
//! last publish is the last version; either way the findings are those of the final
//! text and the process's CPU time stops growing shortly after. Many documents opened at
//! once queue their ShellCheck runs instead of starting one process each.

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use dockerfile_lsp_tests::lsp_client::{capabilities, TestClient, WAIT};
use serde_json::{json, Value};

use crate::{at, binary_server, cpu_time, expected_findings, framed, published_findings};

const URI: &str = "file:///abuse/edits/Dockerfile";

/// A content change over `((line, character), (line, character))`.
fn range_change(start: (u32, u32), end: (u32, u32), text: &str) -> Value {
    json!({
        "range": { "start": { "line": start.0, "character": start.1 }, "end": { "line": end.0, "character": end.1 } },
        "text": text,
    })
}

/// Sends one `didChange` (raw content changes) and checks that diagnostics are published
/// for `version` with the findings of `expected_text`.
async fn change_and_check(
    client: &mut TestClient,
    version: i32,
    changes: Vec<Value>,
    expected_text: &str,
    what: &str,
) {
    client.forget_received();
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": changes }),
        )
        .await;
    let published = client
        .wait_for("textDocument/publishDiagnostics", WAIT, |p| {
            p["uri"] == URI && p["version"] == version
        })
        .await
        .unwrap_or_else(|| panic!("{what}: no diagnostics for version {version}"));
    assert_eq!(
        published_findings(&published),
        expected_findings(expected_text),
        "{what}: the server's text is not {expected_text:?}"
    );
}

#[tokio::test]
async fn odd_changes_apply_to_the_clients_text_and_publish_its_version() {
    let options = json!({ "diagnostics": { "delayMs": 0 } });
    let (mut client, _) =
        TestClient::initialized(capabilities(false, false, false), Some(options)).await;
    let mut text = "FROM alpine:3.20\nRUN echo hi\n".to_owned();
    client.did_open(URI, &text, 10).await;
    client.diagnostics(URI).await;

    // Past the end of a line: at the end of that line.
    text = "FROM alpine:3.20\nMAINTAINER me\nRUN echo hi\n".to_owned();
    let change = range_change((0, 400), (0, 900), "\nMAINTAINER me");
    change_and_check(
        &mut client,
        11,
        vec![change],
        &text,
        "past the end of a line",
    )
    .await;

    // Past the end of the document: at its end.
    text.push_str("FROM ubuntu:latest\n");
    let change = range_change((70, 3), (99, 0), "FROM ubuntu:latest\n");
    change_and_check(&mut client, 12, vec![change], &text, "past the end").await;

    // A reversed range is the same range in order.
    text = text.replacen("RUN echo hi", "FOO echo hi", 1);
    let change = range_change((2, 3), (2, 0), "FOO");
    change_and_check(&mut client, 13, vec![change], &text, "a reversed range").await;

    // A full text, then range changes against it, in one notification.
    text = "FROM alpine\nRUN echo hi\nMAINTAINER x\n".to_owned();
    let changes = vec![
        json!({ "text": "FROM alpine:3.20\nRUN echo hi\n" }),
        range_change((2, 0), (2, 0), "MAINTAINER x\n"),
        range_change((0, 5), (0, 16), "alpine"),
    ];
    change_and_check(&mut client, 14, changes, &text, "full text then ranges").await;

    // A version lower than the current one: applied, published with that version.
    text.insert_str(0, "# stale\n");
    let change = range_change((0, 0), (0, 0), "# stale\n");
    change_and_check(&mut client, 8, vec![change], &text, "a stale version").await;

    // A version far ahead: applied too.
    text = text.replacen("RUN echo hi\n", "RUN echo hi\nFROM scratch:latest\n", 1);
    let change = range_change((3, 0), (3, 0), "FROM scratch:latest\n");
    change_and_check(&mut client, 20, vec![change], &text, "a skipped version").await;

    // A change to a document that is not open: nothing is created or published.
    let other = "file:///abuse/edits/not-open/Dockerfile";
    client
        .notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": other, "version": 2 },
                    "contentChanges": [range_change((0, 0), (0, 0), "FROM x\n")] }),
        )
        .await;
    let hover = client.request("textDocument/hover", at(other, 0, 1)).await;
    assert_eq!(hover["result"], Value::Null, "{hover}");
    assert!(
        client
            .wait_for(
                "textDocument/publishDiagnostics",
                Duration::from_millis(300),
                |p| { p["uri"] == other }
            )
            .await
            .is_none(),
        "nothing is published for a document that is not open"
    );
    // The open document still holds the client's text.
    change_and_check(&mut client, 21, vec![], &text, "after the stray change").await;
    client.shutdown_and_exit().await;
}

/// The document the flood types into, and what is typed: 1,000 characters.
fn flood_texts() -> (String, String) {
    let mut base = "FROM alpine:3.20 AS build\n".to_owned();
    for i in 0..58 {
        base.push_str(&format!("RUN echo line {i}\n"));
    }
    base.push_str("FROM build\n");
    let typed: String = "RUN apt-get install curl && echo $HOME\n"
        .chars()
        .cycle()
        .take(1000)
        .collect();
    (base, typed)
}

/// Opens the flood document on the release binary, types 1,000 characters in one write
/// (versions 2..=1001) and returns the publishes that followed (in order) once the
/// server has been quiet for a while, with the final text.
async fn flood(delay_ms: Option<u64>) -> (TestClient, Vec<Value>, String) {
    let options = match delay_ms {
        Some(ms) => json!({ "diagnostics": { "delayMs": ms } }),
        None => json!({}),
    };
    let mut client = binary_server(options).await;
    let (base, typed) = flood_texts();
    client.did_open(URI, &base, 1).await;
    let first = client.diagnostics(URI).await;
    assert_eq!(first["version"], 1);
    let (mut line, mut character) = (base.lines().count() as u32, 0u32);
    let mut bytes = Vec::new();
    for (c, version) in typed.chars().zip(2..) {
        let change = range_change((line, character), (line, character), &c.to_string());
        let message = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange",
            "params": { "textDocument": { "uri": URI, "version": version }, "contentChanges": [change] } });
        bytes.extend(framed(message.to_string().as_bytes()));
        if c == '\n' {
            (line, character) = (line + 1, 0);
        } else {
            character += 1;
        }
    }
    client.send_raw(&bytes).await;
    let mut publishes = Vec::new();
    let deadline = Instant::now() + WAIT * 3;
    // Until the last version is published and nothing more comes for a second.
    loop {
        let quiet = if publishes
            .last()
            .is_some_and(|p: &Value| p["version"] == 1001)
        {
            Duration::from_secs(1)
        } else {
            deadline.saturating_duration_since(Instant::now())
        };
        match client
            .wait_for("textDocument/publishDiagnostics", quiet, |p| {
                p["uri"] == URI
            })
            .await
        {
            Some(p) => publishes.push(p),
            None => break,
        }
    }
    (client, publishes, format!("{base}{typed}"))
}

/// Checks that the server uses (almost) no CPU over two seconds once it should be idle.
async fn assert_idle(client: &TestClient, what: &str) {
    let pid = client.pid();
    let before = cpu_time(pid);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle = cpu_time(pid) - before;
    eprintln!("{what}: CPU over 2 s once idle: {idle:?}");
    assert!(
        idle <= Duration::from_millis(100),
        "{what}: still busy: {idle:?} of CPU in 2 s"
    );
}

fn versions(publishes: &[Value]) -> Vec<i64> {
    publishes
        .iter()
        .map(|p| p["version"].as_i64().unwrap_or(-1))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_edits_publishes_only_the_last_version_and_goes_idle() {
    let (client, publishes, text) = flood(None).await;
    let seen = versions(&publishes);
    // ShellCheck (when installed) may publish the same version again with its findings.
    assert!(
        !seen.is_empty() && seen.iter().all(|&v| v == 1001),
        "with the debounce only the last version is published: {seen:?}"
    );
    let last = publishes.last().unwrap();
    assert_eq!(published_findings(last), expected_findings(&text));
    assert_idle(&client, "flood, default delay").await;
    client.shutdown_and_exit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_without_debounce_ends_with_the_last_version_and_goes_idle() {
    let (client, publishes, text) = flood(Some(0)).await;
    let seen = versions(&publishes);
    eprintln!("flood, delayMs 0: {} publishes after the flood", seen.len());
    assert_eq!(seen.last(), Some(&1001), "{seen:?}");
    assert_eq!(
        published_findings(publishes.last().unwrap()),
        expected_findings(&text)
    );
    assert_idle(&client, "flood, delayMs 0").await;
    client.shutdown_and_exit().await;
}

/// Many documents opened at once: their ShellCheck runs queue (one per core, at most 4)
/// instead of all starting together. A fake `shellcheck` records how many copies of it
/// run at the same time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shellcheck_runs_queue_when_many_documents_open_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("shellcheck");
    let runs = dir.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    let script = format!(
        "#!/bin/sh\n\
         if [ \"$1\" = --version ]; then echo 'version: 0.9.0'; exit 0; fi\n\
         touch '{runs}/running.'$$\n\
         ls '{runs}' | grep -c '^running' >> '{runs}/counts'\n\
         sleep 0.3\n\
         rm '{runs}/running.'$$\n\
         echo '[]'\n",
        runs = runs.display()
    );
    std::fs::write(&program, script).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let options = json!({ "diagnostics": { "delayMs": 0 }, "shellcheck": { "path": program } });
    let (mut client, _) =
        TestClient::initialized(capabilities(false, false, false), Some(options)).await;
    let documents = 16;
    for i in 0..documents {
        let uri = format!("file:///abuse/sc/{i}/Dockerfile");
        // A different script each, so that no run is answered from the cache.
        client
            .did_open(&uri, &format!("FROM alpine:3.20\nRUN echo {i} $HOME\n"), 1)
            .await;
    }
    let counts = runs.join("counts");
    let started = Instant::now();
    let seen = loop {
        let seen: Vec<usize> = std::fs::read_to_string(&counts)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().parse().ok())
            .collect();
        if seen.len() >= documents {
            break seen;
        }
        assert!(
            started.elapsed() < WAIT * 3,
            "only {} of {documents} ShellCheck runs started: {seen:?}",
            seen.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let slots = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let most = seen.iter().copied().max().unwrap_or_default();
    assert!(
        most <= slots,
        "{most} ShellCheck processes ran at once (at most {slots} should): {seen:?}"
    );
    client.shutdown_and_exit().await;
}

//! ShellCheck in the language server: the normal findings are published first, the
//! ShellCheck findings follow from the background run with exact ranges and the wiki
//! link; a hanging or broken `shellcheck` never holds diagnostics back.
//!
//! Needs Debian's `shellcheck` for the first test: it skips with a note when missing,
//! and fails when `DOCKERFILE_LSP_REQUIRE_SHELLCHECK=1` (set by `.ci/run`).

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use dockerfile_lsp_tests::lsp_client::{capabilities, range_of, with_code, TestClient};
use serde_json::json;

const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_SHELLCHECK";

fn shellcheck_available() -> bool {
    let found = dockerfile_lsp::shellcheck::locate(None).is_ok();
    if !found {
        if std::env::var(REQUIRE).is_ok_and(|v| v == "1") {
            panic!("shellcheck is not on PATH (required because {REQUIRE}=1)");
        }
        eprintln!("SKIPPED: shellcheck is not on PATH (set {REQUIRE}=1 to make this a failure)");
    }
    found
}

/// An executable shell script in a fresh temporary directory.
fn fake_shellcheck(name: &str, body: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "dockerfile-lsp-fake-sc-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shellcheck");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[tokio::test]
async fn shellcheck_findings_follow_the_first_publish_with_exact_ranges() {
    if !shellcheck_available() {
        return;
    }
    let uri = "file:///project/sc-push/Dockerfile";
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "diagnostics": { "delayMs": 0 } })),
    )
    .await;
    // A tab and a multi-byte character before the findings; a continuation line.
    let text = "FROM alpine\nRUN\techo \"é\" $1 | \\\n    grep x # lsp-sc-push\n";
    client.did_open(uri, text, 1).await;
    let first = client.diagnostics(uri).await;
    assert_eq!(first["version"], 1);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut published = first;
    while with_code(&published["diagnostics"], "shellcheck").is_empty() {
        assert!(
            Instant::now() < deadline,
            "no ShellCheck findings: {published}"
        );
        published = client.diagnostics(uri).await;
    }
    assert_eq!(published["version"], 1);
    let sc = with_code(&published["diagnostics"], "shellcheck");
    assert_eq!(sc.len(), 1, "{published}");
    // `$1` on line 1 (0-based), UTF-16 columns: `RUN\techo "é" ` is 13 units.
    assert_eq!(range_of(sc[0]), ((1, 13), (1, 15)));
    assert_eq!(sc[0]["severity"], 3);
    assert!(sc[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("SC2086: Double quote to prevent globbing"));
    assert_eq!(
        sc[0]["codeDescription"]["href"],
        "https://www.shellcheck.net/wiki/SC2086"
    );
    // The other rules' findings are still there.
    assert!(!with_code(&published["diagnostics"], "image-untagged").is_empty());

    // An edit elsewhere keeps the cached ShellCheck findings in the first publish.
    client
        .did_change(uri, 2, &[((0, 0), (0, 0), "# c\n")])
        .await;
    let next = client.diagnostics(uri).await;
    assert_eq!(next["version"], 2);
    let sc = with_code(&next["diagnostics"], "shellcheck");
    assert_eq!(sc.len(), 1, "{next}");
    assert_eq!(range_of(sc[0]), ((2, 13), (2, 15)));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn pull_clients_are_asked_to_refresh_when_shellcheck_is_done() {
    if !shellcheck_available() {
        return;
    }
    let uri = "file:///project/sc-pull/Dockerfile";
    let mut caps = capabilities(false, true, false);
    caps["workspace"]["diagnostics"] = json!({ "refreshSupport": true });
    let (mut client, _) = TestClient::initialized(caps, None).await;
    client
        .did_open(uri, "FROM alpine:3.20\nRUN echo $1 # lsp-sc-pull\n", 1)
        .await;
    let params = json!({ "textDocument": { "uri": uri } });
    let mut report = client
        .request("textDocument/diagnostic", params.clone())
        .await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while with_code(&report["result"]["items"], "shellcheck").is_empty() {
        assert!(
            Instant::now() < deadline,
            "no ShellCheck findings: {report}"
        );
        client
            .server_request("workspace/diagnostic/refresh", Duration::from_secs(10))
            .await;
        report = client
            .request("textDocument/diagnostic", params.clone())
            .await;
    }
    let sc = with_code(&report["result"]["items"], "shellcheck");
    assert_eq!(range_of(sc[0]), ((1, 9), (1, 11)));
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn a_hanging_shellcheck_is_stopped_and_holds_nothing_back() {
    let fake = fake_shellcheck("sleep", "exec sleep 30");
    let uri = "file:///project/sc-hang/Dockerfile";
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "diagnostics": { "delayMs": 0 }, "shellcheck": { "path": fake } })),
    )
    .await;
    let started = Instant::now();
    client
        .did_open(
            uri,
            "FROM alpine:3.20\nENV X\nRUN echo $1 # lsp-sc-hang\n",
            1,
        )
        .await;
    let first = client.diagnostics(uri).await;
    assert_eq!(
        with_code(&first["diagnostics"], "invalid-arguments").len(),
        1
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    // Edits keep being published while the hanging run is in flight.
    client.did_change(uri, 2, &[((1, 5), (1, 5), "=1")]).await;
    let second = client
        .wait_for(
            "textDocument/publishDiagnostics",
            Duration::from_secs(3),
            |p| p["version"] == 2,
        )
        .await
        .expect("version 2 is published while ShellCheck hangs");
    assert!(with_code(&second["diagnostics"], "invalid-arguments").is_empty());
    assert!(with_code(&second["diagnostics"], "shellcheck").is_empty());
    // After the 5 s timeout nothing arrives from ShellCheck, and the server still stops.
    for p in client.drain_diagnostics(uri, Duration::from_secs(7)).await {
        assert!(with_code(&p["diagnostics"], "shellcheck").is_empty(), "{p}");
    }
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn garbage_or_failing_shellcheck_output_gives_no_findings() {
    for (name, body) in [
        ("garbage", "echo '{\"comments\": [{\"line\": \"x\"'; echo garbage"),
        ("crash", "echo oops >&2; exit 3"),
        ("badjson", "echo '{\"comments\":[{\"file\":\"99.sh\",\"line\":1,\"endLine\":1,\"column\":1,\"endColumn\":2,\"level\":\"error\",\"code\":1,\"message\":\"m\",\"fix\":null}]}'"),
    ] {
        let fake = fake_shellcheck(name, body);
        let uri = format!("file:///project/sc-{name}/Dockerfile");
        let (mut client, _) = TestClient::initialized(
            capabilities(false, false, false),
            Some(json!({ "diagnostics": { "delayMs": 0 }, "shellcheck": { "path": fake } })),
        )
        .await;
        let text = format!("FROM alpine:3.20\nENV X\nRUN echo $1 # lsp-sc-{name}\n");
        client.did_open(&uri, &text, 1).await;
        let first = client.diagnostics(&uri).await;
        assert_eq!(with_code(&first["diagnostics"], "invalid-arguments").len(), 1);
        for p in client.drain_diagnostics(&uri, Duration::from_millis(1500)).await {
            assert!(with_code(&p["diagnostics"], "shellcheck").is_empty(), "{name}: {p}");
        }
        // A run that failed reaches the user once, with the file and the reason; the
        // file mapping a finding to no script is not a failure.
        let shown = client
            .wait_for("window/showMessage", Duration::from_millis(500), |_| true)
            .await;
        if name == "badjson" {
            assert!(shown.is_none(), "{name}: {shown:?}");
        } else {
            let shown = shown.unwrap_or_else(|| panic!("{name}: the failure was not shown"));
            assert_eq!(shown["type"], 2, "{shown}");
            let message = shown["message"].as_str().unwrap();
            assert!(
                message.contains("ShellCheck failed on Dockerfile") && message.contains(fake.to_str().unwrap()),
                "{name}: {message}"
            );
            // Once per session: the next failing run is only logged.
            client.did_change(&uri, 2, &[((2, 0), (2, 0), "# x\n")]).await;
            client.drain_diagnostics(&uri, Duration::from_millis(1500)).await;
            let again = client
                .wait_for("window/showMessage", Duration::from_millis(300), |_| true)
                .await;
            assert!(again.is_none(), "{name}: shown twice: {again:?}");
        }
        client.shutdown_and_exit().await;
    }
}

//! The reliability campaign's protocol-abuse tests (issue 9): what the language server
//! does with requests before `initialize`, malformed JSON-RPC and bad framing, unknown
//! methods, cancelled slow requests, odd `didChange` notifications, a 5 MB line, 2,000
//! open documents and a flood of edits. Each test asserts the behaviour (the answer, the
//! text, the published diagnostics, the process's memory and CPU time) and fails when
//! it breaks; every wait is bounded, so a hung server fails a test instead of hanging it.
//!
//! Where the transport does not matter the server runs in process ([`TestClient::start`]);
//! framing, process survival, memory and CPU are measured on the release binary over
//! stdio ([`TestClient::spawn`] of [`release_binary`]).

mod cancel;
mod edits;
mod load;
mod protocol;

#[path = "../corpus/common.rs"]
mod common;

use std::time::Duration;

use dockerfile_lsp::config::Config;
use dockerfile_lsp::text::ColumnUnit;
use dockerfile_lsp_tests::lsp_client::{capabilities, range_of, TestClient};
use dockerfile_lsp_tests::release_binary;
use serde_json::{json, Value};

/// A finding as `(rule id, ((line, column), (line, column)))` in UTF-16 columns.
type Finding = (String, ((u64, u64), (u64, u64)));

/// The core analysis's findings for `text` under the default configuration (what the
/// server must publish for a document holding exactly `text`).
fn expected_findings(text: &str) -> Vec<Finding> {
    dockerfile_lsp_tests::core_findings(text, ColumnUnit::Utf16, &Config::default())
        .into_iter()
        .map(|(rule, line, col, end_line, end_col)| (rule, ((line, col), (end_line, end_col))))
        .collect()
}

/// The findings of a `publishDiagnostics`, without ShellCheck's (they come from the
/// ShellCheck program installed on the machine, not from the core).
fn published_findings(params: &Value) -> Vec<Finding> {
    let mut out: Vec<Finding> = params["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .filter(|d| d["code"] != "shellcheck")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_owned(),
                range_of(d),
            )
        })
        .collect();
    out.sort();
    out
}

/// The release server binary, started and initialized with `options`.
async fn binary_server(options: Value) -> TestClient {
    let mut client = TestClient::spawn(&release_binary(), &[]);
    client
        .initialize(capabilities(false, false, false), Some(options))
        .await;
    client
}

/// Reads `/proc/<pid>/status` field `name` (a `kB` value such as `VmRSS`), in KiB.
fn status_kib(pid: u32, name: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("a Linux /proc");
    status
        .lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /proc/{pid}/status"))
}

/// The CPU time (user + system) the process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("a Linux /proc");
    // The command name may hold spaces: fields count from after its closing parenthesis.
    let fields: Vec<&str> = stat[stat.rfind(')').expect("stat format") + 2..]
        .split(' ')
        .collect();
    // utime and stime are fields 14 and 15 of the whole line (12 and 13 here).
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // The clock tick rate (`getconf CLK_TCK`) is 100 on every Linux configuration in use.
    Duration::from_millis(ticks * 10)
}

/// A `textDocument/hover` params object.
fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

/// `body` framed with its `Content-Length` header.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

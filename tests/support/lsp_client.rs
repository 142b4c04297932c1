//! A small LSP client for in-process tests: it runs the real server over a
//! `tokio::io::duplex` pipe (or drives a server binary over its stdin/stdout,
//! [`TestClient::spawn`]), speaks raw JSON-RPC with `Content-Length` framing, answers
//! the server's own requests (`workspace/configuration` from settings the test controls,
//! `workspace/applyEdit` as applied)
//! and waits for notifications with timeouts.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How long a test waits for something that should happen.
pub const WAIT: Duration = Duration::from_secs(10);

type Writer = Arc<tokio::sync::Mutex<Box<dyn AsyncWrite + Send + Unpin>>>;

/// A client connected to an in-process `dockerfile-lsp` server.
pub struct TestClient {
    writer: Writer,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Messages read while waiting for something else.
    buffered: VecDeque<Value>,
    next_id: i64,
    /// What the client answers to `workspace/configuration` for `dockerfileLsp`.
    settings: Arc<Mutex<Value>>,
    server: Option<JoinHandle<()>>,
    /// The server process, for clients of a binary ([`TestClient::spawn`]).
    child: Option<tokio::process::Child>,
}

/// A range change as `((line, character), (line, character), new_text)`.
pub type Change<'a> = ((u32, u32), (u32, u32), &'a str);

/// Client capabilities for the common cases.
pub fn capabilities(utf8: bool, pull_diagnostics: bool, configuration: bool) -> Value {
    let mut caps = json!({
        "general": { "positionEncodings": if utf8 { json!(["utf-8", "utf-16"]) } else { json!(["utf-16"]) } },
        "textDocument": { "publishDiagnostics": { "versionSupport": true } },
        "workspace": { "configuration": configuration, "diagnostics": { "refreshSupport": true } },
    });
    if pull_diagnostics {
        caps["textDocument"]["diagnostic"] = json!({ "dynamicRegistration": false });
    }
    caps
}

async fn write_message(writer: &Writer, message: &Value) {
    let body = serde_json::to_string(message).expect("JSON values serialise");
    let mut w = writer.lock().await;
    w.write_all(format!("Content-Length: {}\r\n\r\n{}", body.len(), body).as_bytes())
        .await
        .expect("the server pipe is open");
    w.flush().await.expect("the server pipe is open");
}

async fn read_message<R: tokio::io::AsyncBufRead + Unpin>(reader: &mut R) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).await.ok()?;
    Some(serde_json::from_slice(&body).expect("the server sends JSON"))
}

impl TestClient {
    /// Starts a server on a duplex pipe.
    pub fn start() -> TestClient {
        let (client_io, server_io) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_io);
        let server = tokio::spawn(dockerfile_lsp::lsp::serve(server_read, server_write));
        let (client_read, client_write) = tokio::io::split(client_io);
        let mut client = TestClient::connect(client_read, Box::new(client_write));
        client.server = Some(server);
        client
    }

    /// Starts the server binary `bin` (`serve` on stdio, logs to stderr, which the test
    /// inherits) with the extra environment `env`.
    pub fn spawn(bin: &std::path::Path, env: &[(&str, &str)]) -> TestClient {
        let mut child = tokio::process::Command::new(bin)
            .arg("serve")
            .envs(env.iter().copied())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut client = TestClient::connect(stdout, Box::new(stdin));
        client.child = Some(child);
        client
    }

    /// The process id of a server started with [`TestClient::spawn`].
    pub fn pid(&self) -> u32 {
        self.child
            .as_ref()
            .and_then(tokio::process::Child::id)
            .expect("a running server process")
    }

    /// Whether the server process has exited (with its status then).
    pub fn exited(&mut self) -> Option<std::process::ExitStatus> {
        let child = self.child.as_mut().expect("a server process");
        child.try_wait().expect("waiting for the server process")
    }

    /// Writes `bytes` to the server as they are (no framing added): malformed messages.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        let mut w = self.writer.lock().await;
        w.write_all(bytes).await.expect("the server pipe is open");
        w.flush().await.expect("the server pipe is open");
    }

    /// The next message from the server that satisfies `pred` (a response, a request or a
    /// notification), or `None` after `timeout`. Other messages are kept for later waits.
    pub async fn wait_message(
        &mut self,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        if let Some(i) = self.buffered.iter().position(&mut pred) {
            return self.buffered.remove(i);
        }
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let message = match tokio::time::timeout_at(deadline, self.incoming.recv()).await {
                Ok(Some(m)) => m,
                Ok(None) | Err(_) => return None,
            };
            if pred(&message) {
                return Some(message);
            }
            self.buffered.push_back(message);
        }
    }

    /// A client over `read`/`write`: a reader task answers the server's requests and
    /// queues everything it reads.
    fn connect(
        client_read: impl AsyncRead + Send + Unpin + 'static,
        client_write: Box<dyn AsyncWrite + Send + Unpin>,
    ) -> TestClient {
        let writer: Writer = Arc::new(tokio::sync::Mutex::new(client_write));
        let settings = Arc::new(Mutex::new(Value::Null));
        let (tx, incoming) = mpsc::unbounded_channel();
        let (reader_writer, reader_settings) = (writer.clone(), settings.clone());
        tokio::spawn(async move {
            let mut reader = BufReader::new(client_read);
            while let Some(message) = read_message(&mut reader).await {
                if let (Some(id), Some(method)) = (message.get("id"), message.get("method")) {
                    // A request from the server: answer it like an editor would.
                    let result = match method.as_str() {
                        Some("workspace/configuration") => {
                            let items = message["params"]["items"].as_array().map_or(0, Vec::len);
                            let value = reader_settings.lock().unwrap().clone();
                            Value::Array(vec![value; items])
                        }
                        // The test reads the edit from the request itself
                        // (`server_request`); an editor would apply it.
                        Some("workspace/applyEdit") => json!({ "applied": true }),
                        _ => Value::Null,
                    };
                    write_message(
                        &reader_writer,
                        &json!({ "jsonrpc": "2.0", "id": id, "result": result }),
                    )
                    .await;
                }
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        TestClient {
            writer,
            incoming,
            buffered: VecDeque::new(),
            next_id: 1,
            settings,
            server: None,
            child: None,
        }
    }

    /// Starts a server and completes `initialize` + `initialized`; returns the
    /// `initialize` result.
    pub async fn initialized(capabilities: Value, options: Option<Value>) -> (TestClient, Value) {
        let mut client = TestClient::start();
        let result = client.initialize(capabilities, options).await;
        (client, result)
    }

    /// `initialize` (panicking unless it succeeds) then `initialized`, on a client
    /// started with [`TestClient::start`] (after [`TestClient::set_settings`], say);
    /// returns the initialize result.
    pub async fn initialize(&mut self, capabilities: Value, options: Option<Value>) -> Value {
        let result = self
            .request(
                "initialize",
                json!({ "processId": null, "rootUri": null, "capabilities": capabilities, "initializationOptions": options }),
            )
            .await;
        let result = result.get("result").cloned().expect("initialize succeeds");
        self.notify("initialized", json!({})).await;
        result
    }

    /// Sets what the client answers to `workspace/configuration`.
    pub fn set_settings(&self, settings: Value) {
        *self.settings.lock().unwrap() = settings;
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        write_message(
            &self.writer,
            &json!({ "jsonrpc": "2.0", "method": method, "params": params }),
        )
        .await;
    }

    /// Sends a request without waiting for its response; returns its id.
    pub async fn request_id(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        write_message(
            &self.writer,
            &json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }),
        )
        .await;
        id
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_id(method, params).await;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let message = tokio::time::timeout_at(deadline, self.incoming.recv())
                .await
                .unwrap_or_else(|_| panic!("no response to {method} within {WAIT:?}"))
                .expect("the server is running");
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.buffered.push_back(message);
        }
    }

    /// The next notification `method` whose params satisfy `pred`, or `None` after
    /// `timeout`. Messages that do not match are kept for later waits.
    pub async fn wait_for(
        &mut self,
        method: &str,
        timeout: Duration,
        mut pred: impl FnMut(&Value) -> bool,
    ) -> Option<Value> {
        self.wait_message(timeout, |m| {
            m.get("method").and_then(Value::as_str) == Some(method)
                && m.get("id").is_none()
                && pred(&m["params"])
        })
        .await
        .map(|m| m["params"].clone())
    }

    /// The next request the server sent to the client with `method` (already answered by
    /// the client), or `None` after `timeout`.
    pub async fn server_request(&mut self, method: &str, timeout: Duration) -> Option<Value> {
        self.wait_message(timeout, |m| {
            m.get("method").and_then(Value::as_str) == Some(method) && m.get("id").is_some()
        })
        .await
    }

    /// The next `publishDiagnostics` for `uri` (any version), panicking after [`WAIT`].
    pub async fn diagnostics(&mut self, uri: &str) -> Value {
        self.wait_for("textDocument/publishDiagnostics", WAIT, |p| p["uri"] == uri)
            .await
            .unwrap_or_else(|| panic!("no diagnostics for {uri} within {WAIT:?}"))
    }

    /// Removes and returns every buffered or already received `publishDiagnostics` for
    /// `uri`, waiting `quiet` for more.
    pub async fn drain_diagnostics(&mut self, uri: &str, quiet: Duration) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(p) = self
            .wait_for("textDocument/publishDiagnostics", quiet, |p| {
                p["uri"] == uri
            })
            .await
        {
            out.push(p);
        }
        out
    }

    pub async fn did_open(&mut self, uri: &str, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "dockerfile", "version": version, "text": text } }),
        )
        .await;
    }

    /// Sends one `didChange` with `changes`, each `(start, end, text)` as
    /// `((line, character), (line, character), text)`.
    pub async fn did_change(&mut self, uri: &str, version: i32, changes: &[Change<'_>]) {
        let changes: Vec<Value> = changes
            .iter()
            .map(|((sl, sc), (el, ec), text)| {
                json!({
                    "range": { "start": { "line": sl, "character": sc }, "end": { "line": el, "character": ec } },
                    "text": text,
                })
            })
            .collect();
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        )
        .await;
    }

    /// Drops every message received so far and not yet waited for (what came before a
    /// point the test cares about).
    pub fn forget_received(&mut self) {
        self.buffered.clear();
        while self.incoming.try_recv().is_ok() {}
    }

    /// `shutdown` then `exit`; panics unless the server stops (a process: with status 0).
    pub async fn shutdown_and_exit(mut self) {
        let response = self.request("shutdown", Value::Null).await;
        assert_eq!(response.get("result"), Some(&Value::Null), "{response}");
        self.notify("exit", Value::Null).await;
        if let Some(mut child) = self.child.take() {
            let status = tokio::time::timeout(WAIT, child.wait())
                .await
                .expect("the server process stops after exit")
                .expect("waiting for the server process");
            assert!(status.success(), "the server exited with {status}");
            return;
        }
        let server = self.server.take().expect("the server runs until exit");
        tokio::time::timeout(WAIT, server)
            .await
            .expect("the server stops after exit")
            .expect("the server task does not panic");
    }
}

/// The diagnostics of a `publishDiagnostics` (or a pull report) with rule id `code`.
pub fn with_code<'a>(diagnostics: &'a Value, code: &str) -> Vec<&'a Value> {
    diagnostics
        .as_array()
        .map(|items| items.iter().filter(|d| d["code"] == code).collect())
        .unwrap_or_default()
}

/// An LSP range as `((line, character), (line, character))`.
pub fn range_of(diagnostic: &Value) -> ((u64, u64), (u64, u64)) {
    let r = &diagnostic["range"];
    let pos = |p: &Value| {
        (
            p["line"].as_u64().unwrap(),
            p["character"].as_u64().unwrap(),
        )
    };
    (pos(&r["start"]), pos(&r["end"]))
}

//! A scripted HTTP/1.1 server on 127.0.0.1 that plays a registry (or a token server)
//! for tests: a handler function answers every request, every request is recorded with
//! its headers (so tests can assert what was *not* sent), answers can be delayed.
//!
//! It runs on its own threads, so it serves plain `#[test]`s and `#[tokio::test]`s
//! alike, and stops when dropped. Each answer closes its connection.
//!
//! ```no_run
//! use dockerfile_lsp_tests::fake_registry::{FakeRegistry, Response};
//! let manifest = br#"{"schemaVersion":2}"#.to_vec();
//! let server = FakeRegistry::start(move |req| match req.path.as_str() {
//!     "/v2/app/manifests/1" => Response::manifest(
//!         "application/vnd.oci.image.manifest.v1+json",
//!         manifest.clone(),
//!     ),
//!     _ => Response::new(404),
//! });
//! // Reference `<server.host()>/app:1`; then inspect `server.requests()`.
//! ```

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A request as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `HEAD`, …
    pub method: String,
    /// The path without the query (`/v2/app/manifests/1`).
    pub path: String,
    /// The raw query, without `?` (empty when none).
    pub query: String,
    /// Every header in order, names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// This server's own `127.0.0.1:<port>` (for answers that name the server).
    pub server: String,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter, percent-decoded (`+` is a space).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key) == name).then(|| percent_decode(value))
        })
    }
}

/// An answer. The server adds `Content-Length` (the body's length, also for `HEAD`,
/// whose body it does not send) and `Connection: close`.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// How long to wait before answering.
    pub delay: Duration,
}

impl Response {
    /// An empty answer with `status`.
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// A manifest: `200`, `Content-Type: media_type`, `Docker-Content-Digest` the sha256
    /// of `body` (computed here, with ring).
    pub fn manifest(media_type: &str, body: impl Into<Vec<u8>>) -> Response {
        let body = body.into();
        let digest = sha256(&body);
        Response::new(200)
            .header("Content-Type", media_type)
            .header("Docker-Content-Digest", &digest)
            .body(body)
    }

    /// A JSON body with its content type.
    pub fn json(self, value: &serde_json::Value) -> Response {
        self.header("Content-Type", "application/json")
            .body(value.to_string())
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Removes every header named `name`.
    pub fn without_header(mut self, name: &str) -> Response {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    /// Answers only after `delay`.
    pub fn delay(mut self, delay: Duration) -> Response {
        self.delay = delay;
        self
    }
}

/// `sha256:<hex>` of `bytes`: the digest a test expects, computed independently of the
/// code under test.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// The server. Dropping it stops accepting connections.
pub struct FakeRegistry {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl FakeRegistry {
    /// Starts a server on `127.0.0.1:<free port>` that answers with `handler`.
    pub fn start(handler: impl Fn(&Request) -> Response + Send + Sync + 'static) -> FakeRegistry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let accept = {
            let (requests, connections, stop) =
                (requests.clone(), connections.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    connections.fetch_add(1, Ordering::SeqCst);
                    let (handler, requests, stop) =
                        (handler.clone(), requests.clone(), stop.clone());
                    std::thread::spawn(move || serve(stream, addr, &*handler, &requests, &stop));
                }
            })
        };
        FakeRegistry {
            addr,
            requests,
            connections,
            stop,
            accept: Some(accept),
        }
    }

    /// A registry without auth that serves one manifest at
    /// `/v2/<repository>/manifests/<tag>` (HEAD and GET, with its digest and media type)
    /// and answers 404 to everything else.
    pub fn serving(
        repository: &str,
        tag: &str,
        media_type: &str,
        body: impl Into<Vec<u8>>,
    ) -> FakeRegistry {
        let path = format!("/v2/{repository}/manifests/{tag}");
        let response = Response::manifest(media_type, body);
        FakeRegistry::start(move |req| {
            if req.path == path {
                response.clone()
            } else {
                Response::new(404)
            }
        })
    }

    /// `127.0.0.1:<port>`: the registry part of an image reference.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for FakeRegistry {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}

/// Reads one request, records it, answers it and closes.
fn serve(
    stream: TcpStream,
    addr: SocketAddr,
    handler: &Handler,
    requests: &Mutex<Vec<Request>>,
    stop: &AtomicBool,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let Some(request) = read_request(&mut BufReader::new(read_half), addr) else {
        return;
    };
    requests.lock().unwrap().push(request.clone());
    let response = handler(&request);
    // Sleep in steps so that a dropped server does not keep threads for long.
    let mut left = response.delay;
    while !left.is_zero() && !stop.load(Ordering::SeqCst) {
        let step = left.min(Duration::from_millis(20));
        std::thread::sleep(step);
        left -= step;
    }
    let _ = write_response(stream, &request, &response);
}

fn read_request(reader: &mut impl BufRead, addr: SocketAddr) -> Option<Request> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Request {
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body,
        server: addr.to_string(),
    })
}

fn write_response(
    mut stream: TcpStream,
    request: &Request,
    response: &Response,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        response.status,
        reason(response.status)
    );
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !response
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-length"))
    {
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    if request.method != "HEAD" {
        stream.write_all(&response.body)?;
    }
    stream.flush()?;
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Status",
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high * 16 + low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

//! The JSON-RPC transport: `Content-Length` framing over any byte streams, in place of
//! tower-lsp-server's `Server`.
//!
//! tower-lsp-server's `Server` stops reading at the first message it cannot decode (its
//! `FramedRead` ends the stream after a decoder error), so one body that is not JSON made
//! the server exit silently; it also panics the whole process when a handler panics. This
//! transport keeps serving:
//!
//! - a body that is not JSON → `ParseError` (-32700, id `null`);
//! - JSON that is not a request, a notification or a response (not an object, no
//!   `method`, a `method` that is not a string, …) → `InvalidRequest` (-32600, with the
//!   message's id when it has a usable one, `null` otherwise);
//! - a header block without a usable `Content-Length` (missing, not a number, above
//!   [`MAX_BODY`]), or bytes where a header should start → `ParseError`, and the reader
//!   skips to the next `Content-Length` header;
//! - a `Content-Length` that does not match the body: when the declared length cuts a
//!   JSON body short, or runs past a complete JSON body into the next message's
//!   `Content-Length` header, that message gets `ParseError` and the next one is served
//!   (a length longer than everything the client ever sends cannot be told apart from a
//!   slow client: the reader waits for the bytes, as any LSP server must);
//! - a request is always answered: tower-lsp-server drops the `MethodNotFound` of
//!   unknown `$/` methods, meant for notifications; a `$/` request gets it;
//! - a handler that panics (or whose work on the blocking pool panics, see
//!   [`in_request`]) answers `InternalError` (-32603) and the user is told once per
//!   session with `window/showMessage` (the method and the document); the server keeps
//!   serving.
//!
//! Requests are handled as `Server` handles them: started in arrival order (so document
//! notifications mutate the store in order), at most [`MAX_CONCURRENCY`] at a time (more
//! than `Server`'s 4, which slow requests could fill);
//! `$/cancelRequest` and the initialize/shutdown/exit states are tower-lsp-server's.

use std::borrow::Cow;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use futures::channel::mpsc;
use futures::future::{self, BoxFuture, FutureExt};
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::{ClientSocket, LanguageServer, LspService};

tokio::task_local! {
    /// Set while a request (not a notification) is handled.
    static IN_REQUEST: ();
}

/// Whether the current task handles a request: a panic contained on the blocking pool
/// is then raised again here, so that the request answers `InternalError` and the user
/// is told, instead of getting an empty answer.
pub(crate) fn in_request() -> bool {
    IN_REQUEST.try_with(|()| ()).is_ok()
}

/// How many messages are handled at once. tower-lsp-server's default of 4 let four slow
/// requests (pins waiting for a registry) hold back every later message, edits and
/// `$/cancelRequest` included, until one finished. The CPU-bound work is bounded by the
/// blocking pool anyway; this only bounds the futures in flight.
pub const MAX_CONCURRENCY: usize = 256;

/// The largest body accepted (a longer `Content-Length` is answered with `ParseError`).
pub const MAX_BODY: usize = 256 << 20;

/// The longest header block accepted before its blank line.
const MAX_HEADER: usize = 64 << 10;

const CONTENT_LENGTH: &[u8] = b"Content-Length";

/// What the reader found next on the input.
#[derive(Debug, PartialEq)]
pub(crate) enum Frame {
    /// A body as framed by its `Content-Length`.
    Body(Vec<u8>),
    /// Bytes that could not be framed: why (for the `ParseError` message).
    Bad(String),
}

/// Splits a byte stream into `Content-Length` framed bodies, resynchronising on the next
/// `Content-Length` header after garbage.
pub(crate) struct FrameReader<R> {
    input: R,
    buf: Vec<u8>,
    /// Skip to the next `Content-Length` before reading a header.
    resync: bool,
    eof: bool,
}

impl<R: AsyncRead + Unpin> FrameReader<R> {
    pub(crate) fn new(input: R) -> FrameReader<R> {
        FrameReader {
            input,
            buf: Vec::with_capacity(8 << 10),
            resync: false,
            eof: false,
        }
    }

    /// Reads more input; `false` at the end of it.
    async fn fill(&mut self) -> bool {
        if self.eof {
            return false;
        }
        let mut chunk = [0u8; 64 << 10];
        match self.input.read(&mut chunk).await {
            Ok(0) | Err(_) => {
                self.eof = true;
                false
            }
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    /// The next frame; `None` when the input ended.
    pub(crate) async fn next(&mut self) -> Option<Frame> {
        if self.resync {
            self.skip_to_header().await?;
            self.resync = false;
        }
        // Blank lines between messages are harmless.
        loop {
            let blank = self
                .buf
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            self.buf.drain(..blank);
            if !self.buf.is_empty() {
                break;
            }
            if !self.fill().await {
                return None;
            }
        }
        // Something other than a header where a message should start: skip to the next
        // `Content-Length` header.
        loop {
            let n = self.buf.len().min(CONTENT_LENGTH.len());
            if n < CONTENT_LENGTH.len()
                && !self.eof
                && self.buf[..n].eq_ignore_ascii_case(&CONTENT_LENGTH[..n])
            {
                if !self.fill().await {
                    return None;
                }
                continue;
            }
            let header = b"Content-";
            if !(self.buf.len() >= header.len()
                && self.buf[..header.len()].eq_ignore_ascii_case(header))
            {
                // Reported at once; the bytes up to the next header are skipped on the
                // next call.
                self.resync = true;
                return Some(Frame::Bad(
                    "bytes outside a message (no Content-Length header before them) were skipped"
                        .to_owned(),
                ));
            }
            break;
        }
        // The header block.
        let header_len = loop {
            if let Some(at) = memchr::memmem::find(&self.buf, b"\r\n\r\n") {
                break at + 4;
            }
            if self.buf.len() > MAX_HEADER {
                self.buf.drain(..CONTENT_LENGTH.len().min(self.buf.len()));
                self.resync = true;
                return Some(Frame::Bad(format!(
                    "a header block longer than {MAX_HEADER} bytes"
                )));
            }
            if !self.fill().await {
                return None;
            }
        };
        let length = match content_length(&self.buf[..header_len]) {
            Ok(length) => length,
            Err(why) => {
                self.buf.drain(..header_len);
                self.resync = true;
                return Some(Frame::Bad(why));
            }
        };
        self.buf.drain(..header_len);
        // The body; a JSON value followed by the next message's header inside the
        // declared length means the length was wrong.
        let mut scanned = 0;
        loop {
            let available = self.buf.len().min(length);
            if let Some(end) = body_end_before_header(&self.buf[..available], scanned) {
                self.buf.drain(..end);
                return Some(Frame::Bad(format!(
                    "Content-Length {length} is longer than the message body ({end} bytes) that a new message follows"
                )));
            }
            if available == length {
                let body: Vec<u8> = self.buf.drain(..length).collect();
                return Some(Frame::Body(body));
            }
            scanned = available.saturating_sub(CONTENT_LENGTH.len());
            if !self.fill().await {
                return None;
            }
        }
    }

    /// Drops input up to the next `Content-Length` header; `None` when the input ended.
    async fn skip_to_header(&mut self) -> Option<()> {
        loop {
            // The header itself starts a line; a body may mention the name anywhere.
            if let Some(at) = memchr::memmem::find(&self.buf, CONTENT_LENGTH) {
                self.buf.drain(..at);
                return Some(());
            }
            let keep = CONTENT_LENGTH.len() - 1;
            let drop = self.buf.len().saturating_sub(keep);
            self.buf.drain(..drop);
            if !self.fill().await {
                self.buf.clear();
                return None;
            }
        }
    }
}

/// The `Content-Length` of a header block (which ends with its blank line), or why there
/// is none that can be used.
fn content_length(block: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(block).map_err(|_| "a header that is not UTF-8".to_owned())?;
    let mut length = None;
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("a header line without a colon: {:?}", clip(line)));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let parsed = match value.parse::<usize>() {
                Ok(parsed) => parsed,
                Err(_) if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                    usize::MAX
                }
                Err(_) => return Err(format!("Content-Length {:?} is not a number", clip(value))),
            };
            if parsed > MAX_BODY {
                return Err(format!(
                    "Content-Length {parsed} is above the limit of {MAX_BODY} bytes"
                ));
            }
            length = Some(parsed);
        }
    }
    length.ok_or_else(|| "a message without a Content-Length header".to_owned())
}

/// `s` cut to a length fit for an error message.
fn clip(s: &str) -> &str {
    let mut end = s.len().min(40);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Where a complete JSON value ends when the next message's `Content-Length` header
/// follows it within `body` (searching from `from`): the body's real length.
fn body_end_before_header(body: &[u8], from: usize) -> Option<usize> {
    let mut start = from;
    while let Some(at) = memchr::memmem::find(&body[start..], CONTENT_LENGTH) {
        let at = start + at;
        let candidate = &body[..at];
        // A message is an object: only a `}` before the header can end one (this keeps a
        // body that merely mentions the header from being parsed again and again).
        let ends_object = candidate.trim_ascii_end().last() == Some(&b'}');
        if ends_object && serde_json::from_slice::<serde::de::IgnoredAny>(candidate).is_ok() {
            return Some(at);
        }
        start = at + 1;
    }
    None
}

/// What a framed body holds.
#[derive(Debug)]
pub(crate) enum Incoming {
    Request(Request),
    Response(Response),
    /// The answer to a body that is not a JSON-RPC message.
    Invalid(Response),
}

fn error(code: ErrorCode, message: String) -> Error {
    Error {
        code,
        message: Cow::Owned(message),
        data: None,
    }
}

/// Classifies a body; malformed ones get the JSON-RPC error they deserve.
pub(crate) fn classify(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Incoming::Invalid(Response::from_error(
                Id::Null,
                error(
                    ErrorCode::ParseError,
                    format!("the message is not JSON: {e}"),
                ),
            ))
        }
    };
    let invalid = |id: Id, why: String| {
        Incoming::Invalid(Response::from_error(
            id,
            error(ErrorCode::InvalidRequest, why),
        ))
    };
    let Some(object) = value.as_object() else {
        return invalid(Id::Null, "a JSON-RPC message must be an object".to_owned());
    };
    let id = object
        .get("id")
        .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
        .unwrap_or(Id::Null);
    if object.contains_key("method") {
        return match serde_json::from_value::<Request>(value.clone()) {
            Ok(request) if !request.method().is_empty() => Incoming::Request(request),
            Ok(_) => invalid(id, "the method is empty".to_owned()),
            Err(e) => invalid(id, format!("not a JSON-RPC request: {e}")),
        };
    }
    if object.contains_key("id") && (object.contains_key("result") || object.contains_key("error"))
    {
        if let Ok(response) = serde_json::from_value::<Response>(value.clone()) {
            return Incoming::Response(response);
        }
    }
    invalid(id, "a request without a method".to_owned())
}

/// The text of a panic payload.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The document a request is about, for messages.
fn subject(params: Option<&Value>) -> Option<String> {
    let params = params?;
    let uri = params
        .pointer("/textDocument/uri")
        .or_else(|| params.pointer("/data/uri"))
        .or_else(|| params.pointer("/arguments/0/uri"))?;
    uri.as_str().map(str::to_owned)
}

fn serialize(message: &impl serde::Serialize) -> String {
    serde_json::to_string(message).unwrap_or_else(|e| {
        tracing::error!("cannot serialise an outgoing message: {e}");
        String::new()
    })
}

/// Notifications the server serialises itself, straight from its structs to the bytes
/// on the wire. tower-lsp-server's `Client` turns params into a `serde_json::Value` first
/// and the transport then serialises that: for a `publishDiagnostics` of a large file
/// (hundreds of KB of JSON on every keystroke) the second pass and the `Value`'s
/// allocations were a measurable part of the keystroke. Connected by [`serve_with`]
/// until the input ends (`exit`); otherwise [`RawNotifications::send`] returns `false`
/// and the caller uses the `Client`.
#[derive(Clone, Debug, Default)]
pub struct RawNotifications(Arc<std::sync::Mutex<Option<mpsc::UnboundedSender<String>>>>);

impl RawNotifications {
    /// Sends notification `method` with `params`; `false` when not connected (or the
    /// output is gone, or the params do not serialise).
    pub fn send<P: serde::Serialize>(&self, method: &str, params: &P) -> bool {
        #[derive(serde::Serialize)]
        struct Notification<'a, P> {
            jsonrpc: &'static str,
            method: &'a str,
            params: &'a P,
        }
        let Some(tx) = self.sender() else {
            return false;
        };
        match serde_json::to_string(&Notification {
            jsonrpc: "2.0",
            method,
            params,
        }) {
            Ok(body) => tx.unbounded_send(body).is_ok(),
            Err(e) => {
                tracing::error!("cannot serialise {method}: {e}");
                false
            }
        }
    }
}

impl RawNotifications {
    fn sender(&self) -> Option<mpsc::UnboundedSender<String>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn connect(&self, tx: Option<mpsc::UnboundedSender<String>>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = tx;
    }
}

/// Serves `service` over `input`/`output` until `exit` or the end of the input.
pub async fn serve<S, I, O>(service: LspService<S>, socket: ClientSocket, input: I, output: O)
where
    S: LanguageServer,
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    serve_with(service, socket, input, output, None).await;
}

/// [`serve`], connecting `raw` to the output so the server can send notifications it
/// serialised itself.
pub async fn serve_with<S, I, O>(
    mut service: LspService<S>,
    socket: ClientSocket,
    input: I,
    output: O,
    raw: Option<&RawNotifications>,
) where
    S: LanguageServer,
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
{
    let (client_requests, mut client_responses) = socket.split();
    let (client_requests, client_abort) = futures::stream::abortable(client_requests);
    let (out_tx, out_rx) = mpsc::unbounded::<String>();
    if let Some(raw) = raw {
        raw.connect(Some(out_tx.clone()));
    }
    let (mut tasks_tx, tasks_rx) = mpsc::channel::<BoxFuture<'static, Option<Response>>>(100);
    let panicked = Arc::new(AtomicBool::new(false));

    let process = {
        let out_tx = out_tx.clone();
        tasks_rx
            .buffer_unordered(MAX_CONCURRENCY)
            .for_each(move |response| {
                if let Some(response) = response {
                    let _ = out_tx.unbounded_send(serialize(&response));
                }
                future::ready(())
            })
    };

    let write = async move {
        let mut output = output;
        let mut outgoing =
            futures::stream::select(out_rx, client_requests.map(|request| serialize(&request)));
        while let Some(body) = outgoing.next().await {
            if body.is_empty() {
                continue;
            }
            let header = format!("Content-Length: {}\r\n\r\n", body.len());
            let written = async {
                output.write_all(header.as_bytes()).await?;
                output.write_all(body.as_bytes()).await?;
                output.flush().await
            };
            if let Err(e) = written.await {
                tracing::error!("cannot write to the client: {e}");
                break;
            }
        }
    };

    let read = async move {
        let mut frames = FrameReader::new(input);
        while let Some(frame) = frames.next().await {
            let body = match frame {
                Frame::Body(body) => body,
                Frame::Bad(why) => {
                    tracing::error!("malformed message: {why}");
                    let response = Response::from_error(
                        Id::Null,
                        error(ErrorCode::ParseError, format!("malformed message: {why}")),
                    );
                    let _ = out_tx.unbounded_send(serialize(&response));
                    continue;
                }
            };
            let request = match classify(&body) {
                Incoming::Request(request) => request,
                Incoming::Response(response) => {
                    if let Err(e) = client_responses.send(response).await {
                        tracing::error!("cannot route a response to the server: {e}");
                        break;
                    }
                    continue;
                }
                Incoming::Invalid(response) => {
                    tracing::error!(
                        "invalid message: {}",
                        response.error().map_or("", |e| &e.message)
                    );
                    let _ = out_tx.unbounded_send(serialize(&response));
                    continue;
                }
            };
            if let Err(e) = future::poll_fn(|cx| service.poll_ready(cx)).await {
                tracing::error!("the server cannot take requests: {e}");
                break;
            }
            let will_exit = request.method() == "exit";
            let method = request.method().to_owned();
            let id = request.id().cloned();
            let about = subject(request.params());
            let call = std::panic::catch_unwind(AssertUnwindSafe(|| service.call(request)));
            let (out_tx, panicked) = (out_tx.clone(), panicked.clone());
            let task = async move {
                let outcome = match call {
                    Ok(fut) if id.is_some() => {
                        AssertUnwindSafe(IN_REQUEST.scope((), fut))
                            .catch_unwind()
                            .await
                    }
                    Ok(fut) => AssertUnwindSafe(fut).catch_unwind().await,
                    Err(payload) => Err(payload),
                };
                match outcome {
                    // tower-lsp-server leaves `$/` requests it does not know unanswered;
                    // a request always gets an answer, or the client waits forever.
                    Ok(Ok(None)) => id.map(|id| {
                        Response::from_error(
                            id,
                            error(
                                ErrorCode::MethodNotFound,
                                format!("unknown method {method}"),
                            ),
                        )
                    }),
                    Ok(Ok(response)) => response,
                    Ok(Err(e)) => {
                        tracing::error!("{method}: {e}");
                        None
                    }
                    Err(payload) => {
                        let why = panic_message(payload.as_ref());
                        let on = about.map(|uri| format!(" on {uri}")).unwrap_or_default();
                        tracing::error!("{method}{on} panicked: {why}");
                        if !panicked.swap(true, Ordering::SeqCst) {
                            let message = format!(
                                "dockerfile-lsp: internal error in {method}{on}: {why}. The server keeps running; please report this with the file."
                            );
                            let notification = json!({
                                "jsonrpc": "2.0",
                                "method": "window/showMessage",
                                "params": { "type": 1, "message": message },
                            });
                            let _ = out_tx.unbounded_send(notification.to_string());
                        }
                        id.map(|id| {
                            Response::from_error(
                                id,
                                error(
                                    ErrorCode::InternalError,
                                    format!("internal error in {method}{on}: {why}"),
                                ),
                            )
                        })
                    }
                }
            };
            if tasks_tx.send(task.boxed()).await.is_err() {
                break;
            }
            if will_exit {
                break;
            }
        }
        tasks_tx.disconnect();
        drop(out_tx);
        // The output ends once every sender is gone.
        if let Some(raw) = raw {
            raw.connect(None);
        }
        client_abort.abort();
    };

    futures::join!(process, write, read);
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `fut` run as the transport runs a request's handler.
    pub(crate) fn as_request<F: std::future::Future>(
        fut: F,
    ) -> impl std::future::Future<Output = F::Output> {
        IN_REQUEST.scope((), fut)
    }
    use tower_lsp_server::jsonrpc::Result as RpcResult;
    use tower_lsp_server::ls_types::*;

    async fn frames(input: &[u8]) -> Vec<Frame> {
        let mut reader = FrameReader::new(input);
        let mut out = Vec::new();
        while let Some(frame) = reader.next().await {
            out.push(frame);
        }
        out
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn bad(frame: &Frame) -> bool {
        matches!(frame, Frame::Bad(_))
    }

    #[tokio::test]
    async fn well_formed_messages_are_framed() {
        let input = format!("{}{}", framed("{\"a\":1}"), framed("[2]"));
        assert_eq!(
            frames(input.as_bytes()).await,
            vec![
                Frame::Body(b"{\"a\":1}".to_vec()),
                Frame::Body(b"[2]".to_vec())
            ]
        );
    }

    #[tokio::test]
    async fn bad_headers_are_reported_and_the_next_message_is_read() {
        let next = framed("{\"b\":2}");
        for garbage in [
            "Content-Length: abc\r\n\r\n{\"a\":1}".to_owned(),
            "Content-Type: x; charset=utf-8\r\n\r\n{\"a\":1}".to_owned(),
            "{\"a\":1}".to_owned(),
            format!("Content-Length: {}\r\n\r\n{{}}", u64::MAX),
            "Content-Length: 99999999999999999999999\r\n\r\n".to_owned(),
        ] {
            let input = format!("{garbage}{next}");
            let got = frames(input.as_bytes()).await;
            assert_eq!(got.len(), 2, "{garbage:?}: {got:?}");
            assert!(bad(&got[0]), "{garbage:?}: {got:?}");
            assert_eq!(got[1], Frame::Body(b"{\"b\":2}".to_vec()), "{garbage:?}");
        }
    }

    #[tokio::test]
    async fn a_body_that_mentions_the_header_is_one_message() {
        let body = format!(
            "{{\"text\":\"{}\"}}",
            "Content-Length: 3\\r\\n\\r\\n{}".repeat(1000)
        );
        let input = format!("{}{}", framed(&body), framed("{\"b\":2}"));
        let got = frames(input.as_bytes()).await;
        assert_eq!(
            got,
            vec![
                Frame::Body(body.into_bytes()),
                Frame::Body(b"{\"b\":2}".to_vec())
            ]
        );
    }

    #[tokio::test]
    async fn lengths_that_do_not_match_the_body_cost_only_their_message() {
        let next = framed("{\"b\":2}");
        // Past the body: stops at the next header.
        let got = frames(format!("Content-Length: 500\r\n\r\n{{\"a\":1}}{next}").as_bytes()).await;
        assert!(bad(&got[0]), "{got:?}");
        assert_eq!(got[1..], [Frame::Body(b"{\"b\":2}".to_vec())]);
        // Short of the body: the cut body is framed (and answered as not JSON); the rest
        // of it is skipped as bytes outside a message.
        let got = frames(format!("Content-Length: 4\r\n\r\n{{\"a\":1}}{next}").as_bytes()).await;
        assert_eq!(got[0], Frame::Body(b"{\"a\"".to_vec()));
        assert!(bad(&got[1]), "{got:?}");
        assert_eq!(got[2..], [Frame::Body(b"{\"b\":2}".to_vec())], "{got:?}");
    }

    fn code(incoming: Incoming) -> (i64, Id) {
        match incoming {
            Incoming::Invalid(response) => (
                response.error().expect("an error").code.code(),
                response.id().clone(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bodies_are_classified_with_json_rpc_errors() {
        assert_eq!(code(classify(b"hello")), (-32700, Id::Null));
        assert_eq!(code(classify(b"[1]")), (-32600, Id::Null));
        assert_eq!(
            code(classify(br#"{"jsonrpc":"2.0","id":3}"#)),
            (-32600, Id::Number(3))
        );
        assert_eq!(
            code(classify(br#"{"jsonrpc":"2.0","id":4,"method":7}"#)),
            (-32600, Id::Number(4))
        );
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","id":5,"method":"x"}"#),
            Incoming::Request(_)
        ));
        assert!(matches!(
            classify(br#"{"jsonrpc":"2.0","id":5,"result":null}"#),
            Incoming::Response(_)
        ));
    }

    /// A server whose hover panics, to see what the transport makes of a panic.
    struct Panicky;

    impl LanguageServer for Panicky {
        async fn initialize(&self, _: InitializeParams) -> RpcResult<InitializeResult> {
            Ok(InitializeResult::default())
        }
        async fn shutdown(&self) -> RpcResult<()> {
            Ok(())
        }
        async fn hover(&self, _: HoverParams) -> RpcResult<Option<Hover>> {
            panic!("boom in hover")
        }
    }

    #[tokio::test]
    async fn a_panicking_handler_answers_internal_error_and_tells_the_user_once() {
        let (service, socket) = LspService::new(|_| Panicky);
        let (client, server) = tokio::io::duplex(1 << 16);
        let (server_read, server_write) = tokio::io::split(server);
        let serving = tokio::spawn(serve(service, socket, server_read, server_write));
        let (mut client_read, mut client_write) = tokio::io::split(client);
        let hover = |id: i64| {
            json!({"jsonrpc":"2.0","id":id,"method":"textDocument/hover","params":{
                "textDocument":{"uri":"file:///w/Dockerfile"},"position":{"line":0,"character":0}}})
        };
        let mut replies = FrameReader::new(&mut client_read);
        let send = |message: Value| framed(&message.to_string());
        // The client waits for the initialize result before it sends anything else.
        let first = send(
            json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}),
        );
        client_write.write_all(first.as_bytes()).await.unwrap();
        assert!(matches!(replies.next().await, Some(Frame::Body(_))));
        let mut input = String::new();
        for message in [
            json!({"jsonrpc":"2.0","method":"initialized","params":{}}),
            hover(2),
            hover(3),
            json!({"jsonrpc":"2.0","id":4,"method":"shutdown"}),
        ] {
            input.push_str(&send(message));
        }
        client_write.write_all(input.as_bytes()).await.unwrap();
        // `exit` cancels what is pending: it goes after the answer to `shutdown`.
        let mut messages = Vec::new();
        let wait = std::time::Duration::from_secs(10);
        while !messages.iter().any(|m: &Value| m["id"] == 4) {
            match tokio::time::timeout(wait, replies.next()).await {
                Ok(Some(Frame::Body(body))) => {
                    messages.push(serde_json::from_slice(&body).unwrap())
                }
                other => panic!("{other:?} after {messages:?}"),
            }
        }
        let exit = send(json!({"jsonrpc":"2.0","method":"exit"}));
        client_write.write_all(exit.as_bytes()).await.unwrap();
        tokio::time::timeout(wait, serving)
            .await
            .expect("the server stops after exit")
            .expect("the transport does not panic");
        let by_id = |id: i64| messages.iter().find(|m| m["id"] == id).cloned();
        for id in [2, 3] {
            let answer = by_id(id).unwrap_or_else(|| panic!("no answer to {id}: {messages:?}"));
            assert_eq!(answer["error"]["code"], -32603, "{answer}");
            let text = answer["error"]["message"].as_str().unwrap();
            assert!(text.contains("boom in hover"), "{text}");
        }
        assert_eq!(by_id(4).unwrap()["result"], Value::Null);
        let shown: Vec<&Value> = messages
            .iter()
            .filter(|m| m["method"] == "window/showMessage")
            .collect();
        assert_eq!(shown.len(), 1, "{messages:?}");
        let text = shown[0]["params"]["message"].as_str().unwrap();
        assert!(
            text.contains("textDocument/hover") && text.contains("file:///w/Dockerfile"),
            "{text}"
        );
    }
}

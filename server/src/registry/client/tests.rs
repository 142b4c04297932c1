//! Unit tests of the client's pure helpers: URL schemes, digests, platforms, messages.

use super::*;

fn key(registry: &str, repository: &str, tag: &str) -> Key {
    Key {
        registry: registry.into(),
        repository: repository.into(),
        tag: tag.into(),
    }
}

fn url_of(registry: &str, insecure: &[&str]) -> Option<String> {
    let insecure: Vec<String> = insecure.iter().map(|s| s.to_string()).collect();
    manifest_url(&key(registry, "a/b", "1"), &insecure).map(String::from)
}

#[test]
fn http_only_for_loopback_and_insecure_hosts() {
    for loopback in [
        "localhost",
        "localhost:5000",
        "127.0.0.1:5000",
        "127.8.9.10",
        "[::1]:5000",
        "[::1]",
        "LOCALHOST:1",
    ] {
        let url = url_of(loopback, &[]).unwrap();
        assert!(url.starts_with("http://"), "{url}");
    }
    assert_eq!(
        url_of("docker.io", &[]).as_deref(),
        Some("https://registry-1.docker.io/v2/a/b/manifests/1")
    );
    for remote in [
        "ghcr.io",
        "10.0.0.1:5000",
        "localhost.example",
        "128.0.0.1",
        "[::2]",
    ] {
        let url = url_of(remote, &[]).unwrap();
        assert!(url.starts_with("https://"), "{url}");
    }
    assert!(url_of("reg.lan:5000", &["reg.lan"])
        .unwrap()
        .starts_with("http://"));
    assert!(url_of("reg.lan:5000", &["reg.lan:5000"])
        .unwrap()
        .starts_with("http://"));
    assert!(url_of("reg.lan:5000", &["reg.lan:5001"])
        .unwrap()
        .starts_with("https://"));
    assert!(url_of("reg.lan", &["REG.LAN"])
        .unwrap()
        .starts_with("http://"));
}

#[test]
fn keys_that_could_smuggle_another_url_are_refused() {
    assert_eq!(url_of("user@evil.example", &[]), None);
    assert_eq!(url_of("a/b", &[]), None);
    assert_eq!(manifest_url(&key("ghcr.io", "a/../b?x", "1"), &[]), None);
    assert_eq!(manifest_url(&key("ghcr.io", "a/../b", "1"), &[]), None);
    assert_eq!(manifest_url(&key("ghcr.io", "a//b", "1"), &[]), None);
    assert_eq!(manifest_url(&key("ghcr.io", "a", "1#x"), &[]), None);
    assert_eq!(manifest_url(&key("ghcr.io", "a", ""), &[]), None);
}

#[test]
fn digests() {
    assert_eq!(
        sha256_digest(b""),
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert!(is_valid_digest(&sha256_digest(b"x")));
    assert!(!is_valid_digest(
        "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
    ));
    assert!(!is_valid_digest("sha256:abc"));
    assert!(!is_valid_digest(
        "sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    ));
}

#[test]
fn platforms_skip_attestations_and_repeat_once() {
    let index = serde_json::json!({
        "manifests": [
            {"platform": {"os": "linux", "architecture": "amd64"}},
            {"platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
            {"platform": {"os": "unknown", "architecture": "unknown"}},
            {"platform": {"os": "linux", "architecture": "amd64"}},
            {"platform": {"os": "windows"}},
            {"digest": "sha256:x"},
            "garbage"
        ]
    });
    assert_eq!(platforms_of(&index), ["linux/amd64", "linux/arm/v7"]);
    assert!(platforms_of(&serde_json::json!({"manifests": 3})).is_empty());
}

#[test]
fn rate_limit_messages() {
    let mut headers = HeaderMap::new();
    let e = status_error("h", StatusCode::TOO_MANY_REQUESTS, &headers, "the registry");
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::RateLimited, "rate limited; try again later")
    );
    headers.insert(RETRY_AFTER, HeaderValue::from_static("30"));
    let e = status_error("h", StatusCode::TOO_MANY_REQUESTS, &headers, "the registry");
    assert_eq!(e.message, "rate limited; try again in 30 s");
    headers.insert(
        RETRY_AFTER,
        HeaderValue::from_static("Wed, 21 Oct 2026 07:28:00 GMT"),
    );
    let e = status_error("h", StatusCode::TOO_MANY_REQUESTS, &headers, "the registry");
    assert_eq!(
        e.message,
        "rate limited; try again after Wed, 21 Oct 2026 07:28:00 GMT"
    );
    let e = status_error("h", StatusCode::BAD_GATEWAY, &headers, "the registry");
    assert_eq!(
        (e.kind, e.message.as_str()),
        (ErrorKind::Protocol, "the registry failed with HTTP 502")
    );
}

#[test]
fn media_types_lose_their_parameters() {
    let mut headers = HeaderMap::new();
    assert_eq!(media_type_of(&headers), None);
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.oci.image.index.v1+json; charset=utf-8"),
    );
    assert_eq!(media_type_of(&headers).as_deref(), Some(OCI_INDEX));
}

#[tokio::test]
async fn a_tls_handshake_with_a_plain_http_server_is_a_tls_error() {
    // A server that answers anything with plain HTTP: the client's ClientHello gets a
    // response that is no TLS record.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            use std::io::{Read, Write};
            let mut buf = [0; 512];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let registry = HttpRegistry::new(ClientOptions::default()).unwrap();
    let url = Url::parse(&format!("https://127.0.0.1:{port}/v2/")).unwrap();
    let err = request(&registry.client, Method::GET, url, None, false)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Tls, "{err}");
    assert_eq!(err.host, format!("127.0.0.1:{port}"));
    assert!(err.message.starts_with("TLS failed: "), "{err}");
}

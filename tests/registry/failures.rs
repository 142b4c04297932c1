//! The registry client against a loopback server the tests script
//! ([`FakeRegistry`]): every failure path with its exact error kind and a message that
//! names the host, what is (not) sent where, and the happy paths of the basic and bearer
//! flows, the GET fallback and index platforms. Expected digests are computed by the
//! tests from the bytes they serve.

use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;
use dockerfile_lsp::registry::client::{ClientOptions, HttpRegistry};
use dockerfile_lsp::registry::credentials::Store;
use dockerfile_lsp::registry::{ErrorKind, Key, LookupError};
use dockerfile_lsp::semantic::ImageFacts;
use dockerfile_lsp_tests::fake_registry::{sha256, FakeRegistry, Request, Response};
use serde_json::json;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const MANIFEST_PATH: &str = "/v2/team/app/manifests/1.0";

const USER: &str = "tester";
const SECRET: &str = "s3cr3t-Pa55word-never-shown";

fn manifest_bytes() -> Vec<u8> {
    json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256(b"{}"), "size": 2},
        "layers": []
    })
    .to_string()
    .into_bytes()
}

/// A temp Docker config folder (with a `bin/` for helpers) and the client options using it.
struct Setup {
    dir: tempfile::TempDir,
    options: ClientOptions,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bin")).unwrap();
        let options = ClientOptions {
            timeout: Duration::from_secs(5),
            insecure_hosts: Vec::new(),
            credentials: Store {
                dir: Some(dir.path().to_owned()),
                helper_path: Some(dir.path().join("bin").into_os_string()),
            },
        };
        Setup { dir, options }
    }

    /// `config.json` with `auths.<host>` = `USER:SECRET`.
    fn with_auths(self, host: &str) -> Setup {
        let auth = b64(&format!("{USER}:{SECRET}"));
        self.config(&json!({ "auths": { host: { "auth": auth } } }))
    }

    fn config(self, config: &serde_json::Value) -> Setup {
        std::fs::write(self.dir.path().join("config.json"), config.to_string()).unwrap();
        self
    }

    fn config_path(&self) -> String {
        self.dir.path().join("config.json").display().to_string()
    }

    async fn fetch(&self, server: &FakeRegistry) -> Result<ImageFacts, LookupError> {
        let key = Key {
            registry: server.host(),
            repository: "team/app".into(),
            tag: "1.0".into(),
        };
        HttpRegistry::new(self.options.clone())
            .unwrap()
            .fetch(&key)
            .await
    }
}

fn b64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn basic_value() -> String {
    format!("Basic {}", b64(&format!("{USER}:{SECRET}")))
}

/// The error's kind, host and text; and no secret in it.
#[track_caller]
fn assert_error(err: &LookupError, kind: ErrorKind, host: &str) {
    assert_eq!(err.kind, kind, "{err}");
    assert_eq!(err.host, host, "{err}");
    assert!(err.to_string().contains(host), "{err}");
    assert_no_secret(err);
}

#[track_caller]
fn assert_no_secret(err: &LookupError) {
    let encoded = b64(&format!("{USER}:{SECRET}"));
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(SECRET) && !text.contains(&encoded), "{text}");
    }
}

fn no_authorization(requests: &[Request]) -> bool {
    requests.iter().all(|r| r.header("authorization").is_none())
}

fn basic_challenge() -> Response {
    Response::new(401).header("WWW-Authenticate", r#"Basic realm="fake""#)
}

/// The error message of a lookup against a server that always answers `response`,
/// after checking its kind and host.
async fn message_for(response: Response, kind: ErrorKind) -> String {
    let server = FakeRegistry::start(move |_| response.clone());
    let err = Setup::new().fetch(&server).await.unwrap_err();
    assert_error(&err, kind, &server.host());
    err.message
}

#[tokio::test]
async fn a_slow_registry_times_out_within_the_lookup_timeout() {
    let server = FakeRegistry::start(|_| {
        Response::manifest(OCI_MANIFEST, manifest_bytes()).delay(Duration::from_secs(5))
    });
    let mut setup = Setup::new();
    setup.options.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let err = setup.fetch(&server).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_error(&err, ErrorKind::Timeout, &server.host());
    assert_eq!(err.message, "no answer within 300 ms");
}

#[tokio::test]
async fn unauthorized_without_credentials_says_where_it_looked() {
    let server = FakeRegistry::start(|_| basic_challenge());
    let setup = Setup::new();
    let err = setup.fetch(&server).await.unwrap_err();
    assert_error(&err, ErrorKind::Unauthorized, &server.host());
    assert_eq!(
        err.message,
        format!(
            "authentication required, and no credentials for `{}` were found in {}",
            server.host(),
            setup.config_path()
        )
    );
    assert!(no_authorization(&server.requests()));
}

#[tokio::test]
async fn refused_credentials_say_where_they_came_from_never_what_they_are() {
    let server = FakeRegistry::start(|_| basic_challenge());
    let setup = Setup::new().with_auths(&server.host());
    let err = setup.fetch(&server).await.unwrap_err();
    assert_error(&err, ErrorKind::Unauthorized, &server.host());
    assert_eq!(
        err.message,
        format!(
            "the registry refused the credentials for `{}` from `auths` in {}",
            server.host(),
            setup.config_path()
        )
    );
    // Asked once anonymously, once with the credentials; then it gave up.
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].header("authorization"),
        Some(basic_value().as_str())
    );
}

#[tokio::test]
async fn not_found_names_tag_and_repository() {
    assert_eq!(
        message_for(Response::new(404), ErrorKind::NotFound).await,
        "tag `1.0` of `team/app` not found"
    );
}

#[tokio::test]
async fn rate_limited_passes_retry_after_on() {
    assert_eq!(
        message_for(
            Response::new(429).header("Retry-After", "120"),
            ErrorKind::RateLimited
        )
        .await,
        "rate limited; try again in 120 s"
    );
}

#[tokio::test]
async fn rate_limited_without_retry_after() {
    assert_eq!(
        message_for(Response::new(429), ErrorKind::RateLimited).await,
        "rate limited; try again later"
    );
}

#[tokio::test]
async fn a_header_digest_that_disagrees_with_the_body_is_refused() {
    let served = manifest_bytes();
    let claimed = sha256(b"something else");
    let server = FakeRegistry::start(move |req| match req.method.as_str() {
        // No digest on HEAD: the client must GET and verify.
        "HEAD" => {
            Response::manifest(OCI_MANIFEST, served.clone()).without_header("Docker-Content-Digest")
        }
        _ => Response::manifest(OCI_MANIFEST, served.clone())
            .without_header("Docker-Content-Digest")
            .header("Docker-Content-Digest", &claimed),
    });
    let err = Setup::new().fetch(&server).await.unwrap_err();
    assert_error(&err, ErrorKind::DigestMismatch, &server.host());
    assert!(err.message.contains(&sha256(b"something else")), "{err}");
    assert!(err.message.contains(&sha256(&manifest_bytes())), "{err}");
}

#[tokio::test]
async fn an_index_whose_body_does_not_match_its_head_digest_is_refused() {
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": []}).to_string();
    let server = FakeRegistry::start(move |req| match req.method.as_str() {
        "HEAD" => Response::manifest(OCI_INDEX, index.clone())
            .without_header("Docker-Content-Digest")
            .header("Docker-Content-Digest", &sha256(b"old index")),
        _ => Response::new(200)
            .header("Content-Type", OCI_INDEX)
            .body(index.clone()),
    });
    let err = Setup::new().fetch(&server).await.unwrap_err();
    assert_error(&err, ErrorKind::DigestMismatch, &server.host());
}

#[tokio::test]
async fn a_server_error_is_a_protocol_error() {
    assert_eq!(
        message_for(Response::new(500), ErrorKind::Protocol).await,
        "the registry failed with HTTP 500"
    );
}

#[tokio::test]
async fn forbidden() {
    assert_eq!(
        message_for(Response::new(403), ErrorKind::Forbidden).await,
        "access to `team/app` is forbidden"
    );
}

#[tokio::test]
async fn malformed_answers_are_protocol_errors() {
    for response in [
        // A digest header that is no digest.
        Response::manifest(OCI_MANIFEST, manifest_bytes())
            .without_header("Docker-Content-Digest")
            .header("Docker-Content-Digest", "sha256:XYZ"),
        // No digest and a body that is not JSON.
        Response::new(200)
            .header("Content-Type", OCI_MANIFEST)
            .body("<html>oops</html>"),
        // A body over the size cap.
        Response::new(200)
            .header("Content-Type", OCI_MANIFEST)
            .body(vec![b' '; 5 * 1024 * 1024]),
        // Unexpected status.
        Response::new(302),
    ] {
        let server = FakeRegistry::start(move |_| response.clone());
        let err = Setup::new().fetch(&server).await.unwrap_err();
        assert_error(&err, ErrorKind::Protocol, &server.host());
    }
}

#[tokio::test]
async fn unusable_challenges_and_token_answers() {
    let challenge = |value: &'static str| {
        move |_: &Request| Response::new(401).header("WWW-Authenticate", value)
    };
    for (server, kind) in [
        (
            FakeRegistry::start(challenge("Negotiate")),
            ErrorKind::Unauthorized,
        ),
        (
            FakeRegistry::start(|_| Response::new(401)),
            ErrorKind::Unauthorized,
        ),
        (
            FakeRegistry::start(challenge(r#"Bearer realm="/token""#)),
            ErrorKind::Protocol,
        ),
        (
            FakeRegistry::start(challenge(r#"Bearer realm="ftp://127.0.0.1/token""#)),
            ErrorKind::Protocol,
        ),
    ] {
        let err = Setup::new().fetch(&server).await.unwrap_err();
        assert_error(&err, kind, &server.host());
    }
    // A token endpoint that answers without a token, or fails.
    for token_answer in [
        Response::new(200).json(&json!({"expires_in": 300})),
        Response::new(200).body("not json"),
        Response::new(500),
    ] {
        let server = FakeRegistry::start(move |req| {
            if req.path == "/token" {
                return token_answer.clone();
            }
            let challenge = format!(r#"Bearer realm="http://{}/token""#, req.server);
            Response::new(401).header("WWW-Authenticate", &challenge)
        });
        let err = Setup::new().fetch(&server).await.unwrap_err();
        assert_error(&err, ErrorKind::Protocol, &server.host());
    }
}

#[tokio::test]
async fn nothing_listening_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let key = Key {
        registry: format!("127.0.0.1:{port}"),
        repository: "a".into(),
        tag: "1".into(),
    };
    let err = HttpRegistry::new(Setup::new().options.clone())
        .unwrap()
        .fetch(&key)
        .await
        .unwrap_err();
    assert_error(&err, ErrorKind::Connect, &format!("127.0.0.1:{port}"));
}

/// A registry whose manifests need `Bearer good-token`, with a token realm at `realm`
/// (a function of the registry's own `host:port`).
fn bearer_registry(realm: impl Fn(&str) -> String + Send + Sync + 'static) -> FakeRegistry {
    let manifest = manifest_bytes();
    FakeRegistry::start(move |req| {
        if req.path == "/token" {
            return Response::new(200).json(&json!({"token": "good-token"}));
        }
        if req.header("authorization") == Some("Bearer good-token") {
            return Response::manifest(OCI_MANIFEST, manifest.clone());
        }
        let challenge = format!(
            r#"Bearer realm="{}",service="fake-registry",scope="repository:team/app:pull""#,
            realm(&req.server)
        );
        Response::new(401).header("WWW-Authenticate", &challenge)
    })
}

#[tokio::test]
async fn credentials_are_not_sent_to_a_token_realm_on_another_port() {
    let token_server =
        FakeRegistry::start(|_| Response::new(200).json(&json!({"access_token": "good-token"})));
    let realm = token_server.url("/token");
    let registry = bearer_registry(move |_| realm.clone());
    let setup = Setup::new().with_auths(&registry.host());
    let facts = setup.fetch(&registry).await.unwrap();
    assert_eq!(facts.digest, sha256(&manifest_bytes()));
    // The token server was asked, anonymously.
    let token_requests = token_server.requests();
    assert_eq!(token_requests.len(), 1);
    assert!(no_authorization(&token_requests), "{token_requests:?}");
    assert_eq!(
        token_requests[0].query_param("scope").as_deref(),
        Some("repository:team/app:pull")
    );
    // The registry only ever saw the token.
    assert!(registry.requests().iter().all(|r| r
        .header("authorization")
        .is_none_or(|a| a == "Bearer good-token")));
}

#[tokio::test]
async fn a_realm_named_localhost_is_another_host_than_127_0_0_1() {
    // The same server, but named `localhost` in the realm: another authority.
    let registry = FakeRegistry::start(|req| {
        let challenge = format!(
            r#"Bearer realm="http://localhost:{}/token",service="fake""#,
            req.server.rsplit(':').next().unwrap()
        );
        if req.path == "/token" {
            // An anonymous token that gives no access.
            return Response::new(200).json(&json!({"token": "anonymous"}));
        }
        Response::new(401).header("WWW-Authenticate", &challenge)
    });
    let setup = Setup::new().with_auths(&registry.host());
    let err = setup.fetch(&registry).await.unwrap_err();
    assert_error(&err, ErrorKind::Unauthorized, &registry.host());
    let realm_host = format!("localhost:{}", registry.port());
    assert!(
        err.message
            .contains(&format!("were not sent to {realm_host}")),
        "{err}"
    );
    let requests = registry.requests();
    let token_request = requests.iter().find(|r| r.path == "/token").unwrap();
    assert_eq!(token_request.header("authorization"), None);
    assert!(requests.iter().all(|r| r
        .header("authorization")
        .is_none_or(|a| a == "Bearer anonymous")));
}

#[tokio::test]
async fn a_token_realm_over_plain_http_on_a_remote_host_is_refused_without_connecting() {
    // `0.0.0.0` reaches this machine's loopback listeners but is not a loopback address:
    // the realm is reachable, so only the policy can keep the client away.
    let token_server =
        FakeRegistry::start(|_| Response::new(200).json(&json!({"token": "good-token"})));
    let realm = format!("http://0.0.0.0:{}/token", token_server.port());
    let registry = bearer_registry(move |_| realm.clone());
    let mut setup = Setup::new().with_auths(&registry.host());
    let err = setup.fetch(&registry).await.unwrap_err();
    assert_error(&err, ErrorKind::Refused, &registry.host());
    assert!(
        err.message
            .contains(&format!("0.0.0.0:{}", token_server.port())),
        "{err}"
    );
    assert_eq!(token_server.connections(), 0);

    // Listed as insecure, the same realm is used (anonymously: it is another host).
    setup.options.insecure_hosts = vec!["0.0.0.0".into()];
    let facts = setup.fetch(&registry).await.unwrap();
    assert_eq!(facts.digest, sha256(&manifest_bytes()));
    assert_eq!(token_server.requests().len(), 1);
    assert!(no_authorization(&token_server.requests()));
}

#[tokio::test]
async fn a_failing_credential_helper_is_a_credentials_error() {
    let server = FakeRegistry::start(|_| basic_challenge());
    let setup = Setup::new().config(&json!({"credHelpers": {server.host(): "broken"}}));
    write_helper(
        setup.dir.path(),
        "broken",
        &format!("echo '{{\"Username\":\"{USER}\",\"Secret\":\"{SECRET}\"}}'\necho 'vault is sealed' >&2\nexit 1"),
    );
    let err = setup.fetch(&server).await.unwrap_err();
    assert_error(&err, ErrorKind::Credentials, &server.host());
    assert_eq!(
        err.message,
        "`docker-credential-broken` failed (exit status: 1): vault is sealed"
    );
    assert!(no_authorization(&server.requests()));
}

#[tokio::test]
async fn a_credential_helper_answers_for_basic_auth() {
    let server = FakeRegistry::start(|req| {
        if req.header("authorization") == Some(basic_value().as_str()) {
            Response::manifest(OCI_MANIFEST, manifest_bytes())
        } else {
            basic_challenge()
        }
    });
    let setup = Setup::new().config(&json!({"credHelpers": {server.host(): "good"}}));
    write_helper(
        setup.dir.path(),
        "good",
        &format!("read -r server\n[ \"$1 $server\" = 'get {}' ] || exit 2\necho '{{\"Username\":\"{USER}\",\"Secret\":\"{SECRET}\"}}'", server.host()),
    );
    let facts = setup.fetch(&server).await.unwrap();
    assert_eq!(facts.digest, sha256(&manifest_bytes()));
}

/// A `docker-credential-<name>` shell script in the setup's `bin/`.
fn write_helper(dir: &Path, name: &str, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("bin").join(format!("docker-credential-{name}"));
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[tokio::test]
async fn basic_auth_with_auths_credentials() {
    let manifest = manifest_bytes();
    let server = FakeRegistry::start(move |req| {
        if req.header("authorization") == Some(basic_value().as_str()) {
            Response::manifest(OCI_MANIFEST, manifest.clone())
        } else {
            basic_challenge()
        }
    });
    let setup = Setup::new().with_auths(&format!("http://{}/v2/", server.host()));
    let facts = setup.fetch(&server).await.unwrap();
    assert_eq!(facts.digest, sha256(&manifest_bytes()));
    assert_eq!(facts.media_type, OCI_MANIFEST);
    assert!(facts.platforms.is_empty());
    let requests = server.requests();
    let methods: Vec<_> = requests.iter().map(|r| r.method.as_str()).collect();
    // HEAD, 401, HEAD with credentials: no GET needed.
    assert_eq!(methods, ["HEAD", "HEAD"]);
    assert_eq!(requests[0].header("authorization"), None);
    let accept = requests[0].header("accept").unwrap();
    for media_type in [
        OCI_INDEX,
        "application/vnd.docker.distribution.manifest.list.v2+json",
        OCI_MANIFEST,
        "application/vnd.docker.distribution.manifest.v2+json",
    ] {
        assert!(accept.contains(media_type), "{accept}");
    }
}

#[tokio::test]
async fn bearer_flow_with_a_token_endpoint_on_the_same_host() {
    let manifest = manifest_bytes();
    let server = FakeRegistry::start(move |req| {
        if req.path == "/token" {
            return if req.header("authorization") == Some(basic_value().as_str()) {
                Response::new(200).json(&json!({"token": "user-token", "expires_in": 300}))
            } else {
                Response::new(401)
            };
        }
        if req.header("authorization") == Some("Bearer user-token") {
            return Response::manifest(OCI_MANIFEST, manifest.clone());
        }
        let challenge = format!(
            r#"Bearer realm="http://{}/token",service="fake registry",scope="repository:team/app:pull""#,
            req.server
        );
        Response::new(401).header("WWW-Authenticate", &challenge)
    });
    let setup = Setup::new().with_auths(&server.host());
    let facts = setup.fetch(&server).await.unwrap();
    assert_eq!(facts.digest, sha256(&manifest_bytes()));
    let requests = server.requests();
    let token = requests.iter().find(|r| r.path == "/token").unwrap();
    assert_eq!(
        token.query_param("service").as_deref(),
        Some("fake registry")
    );
    assert_eq!(
        token.query_param("scope").as_deref(),
        Some("repository:team/app:pull")
    );
    assert_eq!(token.header("authorization"), Some(basic_value().as_str()));
}

#[tokio::test]
async fn head_without_a_digest_falls_back_to_get() {
    let served = manifest_bytes();
    let server = FakeRegistry::start(move |_| {
        Response::new(200)
            .header("Content-Type", OCI_MANIFEST)
            .body(served.clone())
    });
    let facts = Setup::new().fetch(&server).await.unwrap();
    assert_eq!(facts.digest, sha256(&manifest_bytes()));
    assert_eq!(facts.media_type, OCI_MANIFEST);
    let methods: Vec<_> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
    assert!(server.requests().iter().all(|r| r.path == MANIFEST_PATH));
}

#[tokio::test]
async fn an_index_gives_its_platforms() {
    let index = json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [
            {"mediaType": OCI_MANIFEST, "digest": sha256(b"amd64"), "size": 1, "platform": {"os": "linux", "architecture": "amd64"}},
            {"mediaType": OCI_MANIFEST, "digest": sha256(b"arm"), "size": 1, "platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
            {"mediaType": OCI_MANIFEST, "digest": sha256(b"att"), "size": 1, "platform": {"os": "unknown", "architecture": "unknown"}}
        ]
    })
    .to_string();
    let expected = sha256(index.as_bytes());
    let server = FakeRegistry::serving("team/app", "1.0", OCI_INDEX, index);
    let facts = Setup::new().fetch(&server).await.unwrap();
    assert_eq!(facts.digest, expected);
    assert_eq!(facts.media_type, OCI_INDEX);
    assert_eq!(facts.platforms, ["linux/amd64", "linux/arm/v7"]);
    let methods: Vec<_> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
}

#[tokio::test]
async fn redirects_to_another_host_lose_the_credentials() {
    let served = manifest_bytes();
    let blob_server = FakeRegistry::start(move |_| {
        Response::new(200)
            .header("Content-Type", OCI_MANIFEST)
            .body(served.clone())
    });
    let target = blob_server.url("/manifest");
    let registry = FakeRegistry::start(move |req| {
        if req.header("authorization") != Some(basic_value().as_str()) {
            return basic_challenge();
        }
        match req.method.as_str() {
            "HEAD" => Response::new(200).header("Content-Type", OCI_MANIFEST),
            _ => Response::new(307).header("Location", &target),
        }
    });
    let setup = Setup::new().with_auths(&registry.host());
    let facts = setup.fetch(&registry).await.unwrap();
    assert_eq!(facts.digest, sha256(&manifest_bytes()));
    assert_eq!(blob_server.requests().len(), 1);
    assert!(no_authorization(&blob_server.requests()));
}

#[tokio::test]
async fn a_redirect_to_plain_http_on_a_remote_host_is_refused() {
    let blob_server = FakeRegistry::start(|_| Response::manifest(OCI_MANIFEST, manifest_bytes()));
    let target = format!("http://0.0.0.0:{}/manifest", blob_server.port());
    let registry = FakeRegistry::start(move |_| Response::new(307).header("Location", &target));
    let err = Setup::new().fetch(&registry).await.unwrap_err();
    assert_error(&err, ErrorKind::Refused, &registry.host());
    assert_eq!(blob_server.connections(), 0);
}

#[test]
fn usable_without_an_async_test() {
    let server = FakeRegistry::start(|_| Response::new(404));
    let setup = Setup::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = runtime.block_on(setup.fetch(&server)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(server.requests()[0].path, MANIFEST_PATH);
}

#[test]
fn debug_output_never_shows_a_secret() {
    let setup = Setup::new();
    let credentials = dockerfile_lsp::registry::credentials::Credentials {
        username: USER.into(),
        secret: SECRET.into(),
    };
    for text in [format!("{credentials:?}"), format!("{:?}", setup.options)] {
        assert!(!text.contains(SECRET), "{text}");
    }
}

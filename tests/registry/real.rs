//! Lookups against a real `docker-registry` on loopback (`support::registry`): with no
//! auth, htpasswd basic auth and token auth. The expected digests are the sha256 of the
//! manifest bytes the harness uploaded, computed by the harness.
//!
//! The `harness_*` tests check the harness itself with its own raw HTTP requests; the
//! others go through [`HttpRegistry`] and [`Resolver`].

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use dockerfile_lsp::registry::client::ClientOptions;
use dockerfile_lsp::registry::credentials::Store;
use dockerfile_lsp::registry::{
    CacheOptions, ErrorKind, HttpRegistry, Key, LookupError, Registry, Resolver,
};
use dockerfile_lsp::semantic::{ImageFacts, ImageRef};
use dockerfile_lsp_tests::registry::{
    missing, sha256, skip, start_or_skip, Auth, Format, Pushed, Realm, TestRegistry, DOCKER_LIST,
    DOCKER_MANIFEST, OCI_INDEX, OCI_MANIFEST, TOKEN_SERVICE,
};

const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

/// Every password the tests use: never part of an error message.
const SECRETS: [&str; 3] = ["basic-secret", "token-secret", "wrong-password"];

/// The lookup key of `repo:tag` on `registry`, parsed from the reference a Dockerfile
/// would hold (`127.0.0.1:<port>/<repo>:<tag>`).
fn key(registry: &TestRegistry, repo: &str, tag: &str) -> Key {
    let reference = registry.reference(repo, tag);
    let parsed = ImageRef::parse(&reference).expect("a valid reference");
    let key = Key::of(&parsed).expect("a tag");
    assert_eq!(
        (
            key.registry.as_str(),
            key.repository.as_str(),
            key.tag.as_str()
        ),
        (registry.host().as_str(), repo, tag)
    );
    key
}

/// A client reading credentials from the Docker configuration folder `config`.
fn client(config: &Path) -> HttpRegistry {
    HttpRegistry::new(ClientOptions {
        timeout: Duration::from_secs(10),
        insecure_hosts: Vec::new(),
        credentials: Store {
            dir: Some(config.to_path_buf()),
            helper_path: None,
        },
    })
    .expect("client")
}

async fn fetch(
    registry: &TestRegistry,
    config: &Path,
    repo: &str,
    tag: &str,
) -> Result<ImageFacts, LookupError> {
    client(config).fetch(&key(registry, repo, tag)).await
}

fn assert_failure(
    result: Result<ImageFacts, LookupError>,
    kind: ErrorKind,
    host: &str,
) -> LookupError {
    let error = result.expect_err("the lookup must fail");
    for secret in SECRETS {
        assert!(!error.message.contains(secret), "a secret in {error}");
    }
    assert_eq!((error.kind, error.host.as_str()), (kind, host), "{error}");
    error
}

/// The registry's own answer to HEAD and GET of what the harness pushed: the digest
/// header, the content type and the exact bytes.
fn assert_served(registry: &TestRegistry, repo: &str, tag: &str, pushed: &Pushed) {
    assert_eq!(pushed.digest, sha256(&pushed.bytes));
    let head = registry.raw_manifest("HEAD", repo, tag, ACCEPT);
    assert_eq!(head.status, 200, "HEAD {repo}:{tag}");
    assert_eq!(
        head.header("docker-content-digest"),
        Some(pushed.digest.as_str())
    );
    assert_eq!(
        head.header("content-type"),
        Some(pushed.media_type.as_str())
    );
    let get = registry.raw_manifest("GET", repo, tag, ACCEPT);
    assert_eq!(get.status, 200, "GET {repo}:{tag}");
    assert_eq!(get.body, pushed.bytes);
    for manifest in &pushed.manifests {
        let child = registry.raw_manifest("GET", repo, &manifest.digest, ACCEPT);
        assert_eq!((child.status, &child.body), (200, &manifest.bytes));
    }
}

#[test]
fn harness_uploads_are_served_as_pushed_with_every_auth() {
    for auth in [
        Auth::None,
        Auth::basic("alice", "basic-secret"),
        Auth::token("bob", "token-secret"),
    ] {
        let Some(registry) = start_or_skip(auth.clone()) else {
            return;
        };
        let image = registry.push_image("team/app", "1");
        assert_eq!(image.media_type, OCI_MANIFEST);
        assert_served(&registry, "team/app", "1", &image);
        let docker = registry.push_image_as("team/app", "docker", Format::Docker);
        assert_eq!(docker.media_type, DOCKER_MANIFEST);
        assert_served(&registry, "team/app", "docker", &docker);
        let index = registry.push_index("team/app", "multi", &["linux/amd64", "linux/arm64"]);
        assert_eq!(index.media_type, OCI_INDEX);
        assert_eq!(index.manifests.len(), 2);
        assert_served(&registry, "team/app", "multi", &index);
        let list = registry.push_index_as(
            "team/app",
            "list",
            &["linux/amd64", "linux/arm/v7"],
            Format::Docker,
        );
        assert_eq!(list.media_type, DOCKER_LIST);
        assert!(String::from_utf8_lossy(&list.bytes).contains(r#""variant":"v7""#));
        assert_served(&registry, "team/app", "list", &list);
        // Pushing a tag again moves it to new content.
        let again = registry.push_image("team/app", "1");
        assert_ne!(again.digest, image.digest);
        assert_served(&registry, "team/app", "1", &again);

        let config = std::fs::read_to_string(registry.docker_config().join("config.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&config).unwrap();
        match &auth {
            Auth::None => assert_eq!(json, serde_json::json!({ "auths": {} })),
            Auth::Basic { user, password } | Auth::Token { user, password } => {
                use base64::Engine as _;
                let encoded = json["auths"][registry.host()]["auth"].as_str().unwrap();
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded)
                    .unwrap();
                assert_eq!(decoded, format!("{user}:{password}").into_bytes());
            }
        }
    }
}

#[test]
fn harness_registries_demand_the_configured_auth() {
    let Some(basic) = start_or_skip(Auth::basic("alice", "basic-secret")) else {
        return;
    };
    let anonymous = basic.raw_manifest_as(None, "GET", "team/app", "1", ACCEPT);
    assert_eq!(anonymous.status, 401);
    assert!(
        anonymous
            .header("www-authenticate")
            .is_some_and(|c| c.starts_with("Basic realm=")),
        "{:?}",
        anonymous.headers
    );

    let Some(token) = start_or_skip(Auth::token("bob", "token-secret")) else {
        return;
    };
    token.push_image("team/app", "1");
    let anonymous = token.raw_manifest_as(None, "GET", "team/app", "1", ACCEPT);
    assert_eq!(anonymous.status, 401);
    let challenge = anonymous.header("www-authenticate").unwrap_or_default();
    assert!(
        challenge.starts_with(&format!(
            r#"Bearer realm="http://127.0.0.1:{}/token",service="{TOKEN_SERVICE}""#,
            token.token_port().unwrap()
        )),
        "{challenge}"
    );
    assert!(
        challenge.contains(r#"scope="repository:team/app:pull""#),
        "{challenge}"
    );
    // A token for another repository does not open this one.
    let status_with = |scope: &str| {
        let bearer = format!("Bearer {}", token.sign_token("bob", &[scope]));
        token
            .raw_manifest_as(Some(&bearer), "GET", "team/app", "1", ACCEPT)
            .status
    };
    assert_eq!(status_with("repository:team/other:pull"), 401);
    assert_eq!(status_with("repository:team/app:pull"), 200);
}

/// Looks `repo:tag` up with the registry's own `config.json` and checks the answer
/// against what the harness pushed: the digest, the media type and the platforms
/// (`linux/arm/v7`; none for a single manifest).
async fn assert_resolves(
    registry: &TestRegistry,
    (repo, tag): (&str, &str),
    pushed: &Pushed,
    platforms: &[&str],
) {
    let facts = fetch(registry, &registry.docker_config(), repo, tag)
        .await
        .unwrap_or_else(|e| panic!("lookup of {repo}:{tag}: {e}"));
    assert_eq!(
        (&facts.digest, &facts.media_type, &facts.platforms),
        (
            &pushed.digest,
            &pushed.media_type,
            &platforms.iter().map(|p| p.to_string()).collect()
        ),
        "{repo}:{tag}"
    );
}

#[tokio::test]
async fn single_platform_images_resolve_to_the_uploaded_digest() {
    let Some(registry) = start_or_skip(Auth::None) else {
        return;
    };
    let oci = registry.push_image("team/app", "1");
    assert_eq!(oci.media_type, OCI_MANIFEST);
    assert_resolves(&registry, ("team/app", "1"), &oci, &[]).await;
    let docker = registry.push_image_as("library/base", "bookworm", Format::Docker);
    assert_eq!(docker.media_type, DOCKER_MANIFEST);
    assert_resolves(&registry, ("library/base", "bookworm"), &docker, &[]).await;
}

#[tokio::test]
async fn a_two_platform_index_resolves_to_the_index_digest_and_its_platforms() {
    let Some(registry) = start_or_skip(Auth::None) else {
        return;
    };
    let platforms = ["linux/amd64", "linux/arm64"];
    let index = registry.push_index("team/app", "2", &platforms);
    assert_eq!(index.media_type, OCI_INDEX);
    assert_resolves(&registry, ("team/app", "2"), &index, &platforms).await;

    let platforms = ["linux/amd64", "linux/arm/v7"];
    let list = registry.push_index_as("team/app", "3", &platforms, Format::Docker);
    assert_eq!(list.media_type, DOCKER_LIST);
    assert_resolves(&registry, ("team/app", "3"), &list, &platforms).await;
}

#[tokio::test]
async fn an_unknown_tag_or_repository_is_not_found() {
    let Some(registry) = start_or_skip(Auth::None) else {
        return;
    };
    registry.push_image("team/app", "1");
    let host = registry.host();
    let config = registry.docker_config();
    assert_failure(
        fetch(&registry, &config, "team/app", "2").await,
        ErrorKind::NotFound,
        &host,
    );
    assert_failure(
        fetch(&registry, &config, "team/nothing", "1").await,
        ErrorKind::NotFound,
        &host,
    );
}

#[tokio::test]
async fn basic_auth_needs_the_right_credentials() {
    let Some(registry) = start_or_skip(Auth::basic("alice", "basic-secret")) else {
        return;
    };
    let pushed = registry.push_image("private/app", "1");
    let host = registry.host();
    assert_resolves(&registry, ("private/app", "1"), &pushed, &[]).await;

    let none = registry.empty_docker_config();
    assert_failure(
        fetch(&registry, &none, "private/app", "1").await,
        ErrorKind::Unauthorized,
        &host,
    );
    let wrong = registry.docker_config_with("alice", "wrong-password");
    assert_failure(
        fetch(&registry, &wrong, "private/app", "1").await,
        ErrorKind::Unauthorized,
        &host,
    );
}

#[tokio::test]
async fn token_auth_needs_the_right_credentials() {
    let Some(registry) = start_or_skip(Auth::token("bob", "token-secret")) else {
        return;
    };
    let platforms = ["linux/amd64", "linux/arm64"];
    let pushed = registry.push_index("private/app", "1", &platforms);
    let host = registry.host();
    assert_resolves(&registry, ("private/app", "1"), &pushed, &platforms).await;
    let asked = registry.token_requests();
    assert!(
        asked.iter().any(|r| r.granted
            && r.user.as_deref() == Some("bob")
            && r.service.as_deref() == Some(TOKEN_SERVICE)
            && r.scopes.iter().any(|s| s == "repository:private/app:pull")),
        "{asked:#?}"
    );

    // Without credentials the client asks anonymously, the token server answers with
    // a token that grants nothing (as Docker Hub does for a private repository) and the
    // registry answers the retry with 401 insufficient_scope.
    let before = registry.token_requests().len();
    let none = registry.empty_docker_config();
    assert_failure(
        fetch(&registry, &none, "private/app", "1").await,
        ErrorKind::Unauthorized,
        &host,
    );
    let asked = registry.token_requests();
    assert!(
        asked[before..]
            .iter()
            .all(|r| r.user.is_none() && !r.granted),
        "{asked:#?}"
    );
    assert!(
        asked.len() > before,
        "the client never asked the token server"
    );

    // A wrong password: the token server answers 401.
    let before = asked.len();
    let wrong = registry.docker_config_with("bob", "wrong-password");
    assert_failure(
        fetch(&registry, &wrong, "private/app", "1").await,
        ErrorKind::Unauthorized,
        &host,
    );
    let asked = registry.token_requests();
    assert!(
        asked.len() > before
            && asked[before..]
                .iter()
                .all(|r| r.user.as_deref() == Some("bob") && !r.granted),
        "{asked:#?}"
    );
}

#[tokio::test]
async fn credentials_never_go_to_a_token_server_on_another_port() {
    let auth = Auth::token("bob", "token-secret");
    if let Some(why) = missing(&auth) {
        return skip(&why);
    }
    let registry = TestRegistry::start_with(auth, Realm::OtherPort)
        .expect("token registry with its realm on another port");
    assert_ne!(registry.token_port(), Some(registry.port()));
    registry.push_image("private/app", "1");
    // The realm is another authority (127.0.0.1 on another port): the client asks it
    // for a token without the credentials, gets one that grants nothing, and the
    // registry refuses.
    assert_failure(
        fetch(&registry, &registry.docker_config(), "private/app", "1").await,
        ErrorKind::Unauthorized,
        &registry.host(),
    );
    let asked = registry.token_requests();
    assert!(!asked.is_empty(), "the client never asked the token server");
    assert!(asked.iter().all(|r| r.user.is_none()), "{asked:#?}");
}

#[tokio::test]
async fn the_resolver_answers_from_its_cache_once_the_registry_is_gone() {
    let Some(mut registry) = start_or_skip(Auth::None) else {
        return;
    };
    let pushed = registry.push_index("team/app", "1", &["linux/amd64", "linux/arm64"]);
    registry.push_image("team/app", "2");
    let http: Arc<dyn Registry> = Arc::new(client(&registry.docker_config()));
    let resolver = Resolver::new(
        http,
        CacheOptions {
            ttl: Duration::from_secs(3600),
            negative_ttl: Duration::from_secs(30),
            offline: false,
        },
    );
    let (one, two) = (
        key(&registry, "team/app", "1"),
        key(&registry, "team/app", "2"),
    );
    let first = resolver.resolve(&one).await.expect("lookup");
    assert_eq!(first.digest, pushed.digest);

    registry.stop();
    assert_eq!(resolver.resolve(&one).await, Ok(first.clone()));
    assert_eq!(resolver.cached(&one), Some(first.clone()));
    assert_eq!(resolver.table().get(&one.table_key()), Some(&first));
    // What was never asked really needs the registry, which is gone now. (A connection
    // the client kept alive may fail as "closed before message completed", which the
    // client reports as a protocol error rather than a refused connection.)
    let gone = resolver
        .resolve(&two)
        .await
        .expect_err("the registry is gone");
    assert!(
        matches!(gone.kind, ErrorKind::Connect | ErrorKind::Protocol)
            && gone.host == registry.host(),
        "{gone:?}"
    );
}

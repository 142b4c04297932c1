//! [`HttpRegistry`]: the OCI distribution API over reqwest with rustls (ring).
//!
//! A lookup is `HEAD /v2/<repo>/manifests/<tag>` with the index and manifest media types
//! in `Accept`; the digest is `Docker-Content-Digest`. Without that header, or to read
//! the platforms of an index, the manifest is fetched with GET and its sha256 computed
//! from the exact bytes (and compared with the header when there is one). A `401` leads
//! to the bearer-token flow (`Bearer realm=…`) or to basic credentials (`Basic`).
//!
//! Transport policy: plain http only for loopback hosts (`localhost`, 127.0.0.0/8,
//! `::1`) and the configured insecure hosts, for the registry, its token realm and any
//! redirect. Credentials go to the registry itself and to a token realm with the same
//! authority (or Docker Hub's `auth.docker.io`); any other realm is asked anonymously.
//! Redirects to another host lose `Authorization` (reqwest strips it).

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine;
use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE,
};
use reqwest::{Method, Response, StatusCode, Url};

use super::auth::{parse_challenges, token_from_response, Challenge};
use super::credentials::{Credentials, Found, Store};
use super::{BoxFuture, ErrorKind, Key, LookupError, Registry};
use crate::semantic::image_ref::is_valid_digest;
use crate::semantic::ImageFacts;

/// OCI image index.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker manifest list.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// OCI image manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker image manifest, schema 2.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// The largest manifest or token answer read (bytes).
pub const MAX_BODY: usize = 4 * 1024 * 1024;

/// How many redirects one request follows.
const MAX_REDIRECTS: usize = 5;

/// Docker Hub's API host and token realm host.
const DOCKER_HUB_API: &str = "registry-1.docker.io";
const DOCKER_HUB_AUTH: &str = "auth.docker.io";

/// How the client talks to registries.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// The time one lookup may take, all requests included.
    pub timeout: Duration,
    /// Hosts (`host` or `host:port`) spoken to over plain http besides loopback.
    pub insecure_hosts: Vec<String>,
    /// Where credentials come from.
    pub credentials: Store,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: crate::config::registry::RegistryConfig::DEFAULT_TIMEOUT,
            insecure_hosts: Vec::new(),
            credentials: Store::default(),
        }
    }
}

impl ClientOptions {
    /// The options a configuration names.
    pub fn from_config(config: &crate::config::registry::RegistryConfig) -> ClientOptions {
        ClientOptions {
            timeout: config.timeout(),
            insecure_hosts: config.insecure_hosts.clone(),
            credentials: Store {
                dir: config.docker_config.as_deref().map(expand_home),
                helper_path: None,
            },
        }
    }
}

/// A configured folder with a leading `~` (`~/.docker`) taken as `$HOME`.
fn expand_home(dir: &str) -> std::path::PathBuf {
    let home = std::env::var_os("HOME");
    match (dir.strip_prefix('~'), home) {
        (Some(rest), Some(home)) if rest.is_empty() || rest.starts_with('/') => {
            std::path::PathBuf::from(home).join(rest.trim_start_matches('/'))
        }
        _ => dir.into(),
    }
}

/// The registry client. Cheap to clone (the connection pool is shared).
#[derive(Clone, Debug)]
pub struct HttpRegistry {
    options: ClientOptions,
    client: reqwest::Client,
}

/// A redirect the policy refused (plain http to a host that may not have it).
#[derive(Debug)]
struct RedirectRefused(String);

impl fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectRefused {}

/// Installs rustls's ring provider as the process default, once.
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Deprecated only because ring lacks post-quantum key exchange; the issue asks
        // for ring. An error means another provider is installed already: fine.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl HttpRegistry {
    /// A client with `options`; an error when the TLS setup fails.
    pub fn new(options: ClientOptions) -> Result<HttpRegistry, String> {
        install_crypto_provider();
        let insecure = options.insecure_hosts.clone();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            if !transport_allowed(attempt.url(), &insecure) {
                let message = format!(
                    "refused to follow a redirect to plain http on {}",
                    authority(attempt.url())
                );
                return attempt.error(RedirectRefused(message));
            }
            attempt.follow()
        });
        let client = reqwest::Client::builder()
            .redirect(policy)
            .user_agent(concat!("dockerfile-lsp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {e}"))?;
        Ok(HttpRegistry { options, client })
    }

    /// The options the client was made with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Looks the tag up (see the module documentation).
    pub async fn fetch(&self, key: &Key) -> Result<ImageFacts, LookupError> {
        let started = Instant::now();
        let timeout = self.options.timeout;
        let result = match tokio::time::timeout(timeout, self.fetch_untimed(key)).await {
            Ok(result) => result,
            Err(_) => Err(LookupError::new(
                key.api_host(),
                ErrorKind::Timeout,
                format!("no answer within {} ms", timeout.as_millis()),
            )),
        };
        tracing::debug!(
            host = key.api_host(),
            reference = %key,
            ok = result.is_ok(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "registry lookup"
        );
        result
    }

    async fn fetch_untimed(&self, key: &Key) -> Result<ImageFacts, LookupError> {
        let mut lookup = Lookup::new(self, key)?;
        let head = lookup.send(Method::HEAD).await?;
        let (mut digest, mut media_type) = (None, None);
        if head.status().is_success() {
            digest = lookup.header_digest(head.headers())?;
            media_type = media_type_of(head.headers());
        } else if !matches!(
            head.status(),
            StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED
        ) {
            return Err(lookup.status_error(&head));
        }
        if let (Some(digest), Some(media_type)) = (&digest, &media_type) {
            if !is_index(media_type) {
                return Ok(ImageFacts {
                    digest: digest.clone(),
                    media_type: media_type.clone(),
                    platforms: Vec::new(),
                    fetched_at: SystemTime::now(),
                });
            }
        }
        let get = lookup.send(Method::GET).await?;
        if !get.status().is_success() {
            return Err(lookup.status_error(&get));
        }
        let get_digest = lookup.header_digest(get.headers())?;
        if let Some(get_media) = media_type_of(get.headers()) {
            media_type = Some(get_media);
        }
        let body = read_body(get, &lookup.host, "manifest").await?;
        let computed = sha256_digest(&body);
        for claimed in [get_digest, digest].into_iter().flatten() {
            if claimed != computed {
                return Err(lookup.error(
                    ErrorKind::DigestMismatch,
                    format!(
                        "the registry says the manifest of `{key}` is {claimed}, but the bytes it sent hash to {computed}"
                    ),
                ));
            }
        }
        let manifest: serde_json::Value = serde_json::from_slice(&body).map_err(|_| {
            lookup.error(
                ErrorKind::Protocol,
                format!("the manifest of `{key}` is not JSON"),
            )
        })?;
        let media_type = media_type
            .or_else(|| {
                manifest
                    .get("mediaType")
                    .and_then(|m| m.as_str())
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let platforms = if is_index(&media_type) || manifest.get("manifests").is_some() {
            platforms_of(&manifest)
        } else {
            Vec::new()
        };
        Ok(ImageFacts {
            digest: computed,
            media_type,
            platforms,
            fetched_at: SystemTime::now(),
        })
    }
}

impl Registry for HttpRegistry {
    fn lookup<'a>(&'a self, key: &'a Key) -> BoxFuture<'a, Result<ImageFacts, LookupError>> {
        Box::pin(self.fetch(key))
    }
}

/// One lookup in progress: the manifest URL, the authorization found so far, and what
/// is known about credentials (for messages).
struct Lookup<'a> {
    registry: &'a HttpRegistry,
    key: &'a Key,
    /// The API host, as errors name it.
    host: String,
    url: Url,
    authorization: Option<HeaderValue>,
    /// A 401 was answered already; a second one is final.
    authenticated: bool,
    /// `None`: not looked up; `Some(None)`: none configured.
    credentials: Option<Option<Found>>,
    /// Credentials were used for the last authorization.
    sent_credentials: bool,
    /// The token realm host the credentials were withheld from.
    withheld_from: Option<String>,
}

impl<'a> Lookup<'a> {
    fn new(registry: &'a HttpRegistry, key: &'a Key) -> Result<Lookup<'a>, LookupError> {
        let host = key.api_host().to_owned();
        let url = manifest_url(key, &registry.options.insecure_hosts).ok_or_else(|| {
            LookupError::new(
                &host,
                ErrorKind::Protocol,
                format!("`{key}` cannot be asked for: it is not a valid reference"),
            )
        })?;
        Ok(Lookup {
            registry,
            key,
            host,
            url,
            authorization: None,
            authenticated: false,
            credentials: None,
            sent_credentials: false,
            withheld_from: None,
        })
    }

    fn error(&self, kind: ErrorKind, message: impl Into<String>) -> LookupError {
        LookupError::new(&self.host, kind, message)
    }

    /// The manifest request, authenticating once on a `401`.
    async fn send(&mut self, method: Method) -> Result<Response, LookupError> {
        let client = &self.registry.client;
        let first = request(
            client,
            method.clone(),
            self.url.clone(),
            self.authorization.as_ref(),
            true,
        )
        .await?;
        if first.status() != StatusCode::UNAUTHORIZED || self.authenticated {
            return Ok(first);
        }
        self.authenticated = true;
        let challenges: Vec<Challenge> = first
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(parse_challenges)
            .collect();
        self.authorization = Some(self.authenticate(&challenges).await?);
        request(
            client,
            method,
            self.url.clone(),
            self.authorization.as_ref(),
            true,
        )
        .await
    }

    /// The `Authorization` value that answers `challenges`.
    async fn authenticate(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, LookupError> {
        for challenge in challenges {
            if let Challenge::Bearer { realm, service, .. } = challenge {
                return self.bearer(realm, service.as_deref()).await;
            }
        }
        if challenges
            .iter()
            .any(|c| matches!(c, Challenge::Basic { .. }))
        {
            return match self.credentials().await? {
                Some(found) => {
                    self.sent_credentials = true;
                    basic_authorization(&found.credentials, &self.host)
                }
                None => Err(self.error(ErrorKind::Unauthorized, self.unauthorized_message())),
            };
        }
        Err(self.error(
            ErrorKind::Unauthorized,
            "authentication required, but the registry offers no Basic or Bearer challenge",
        ))
    }

    /// The bearer flow: a token from `realm`, with credentials when the realm may have them.
    async fn bearer(
        &mut self,
        realm: &str,
        service: Option<&str>,
    ) -> Result<HeaderValue, LookupError> {
        let realm_url = Url::parse(realm)
            .ok()
            .filter(|u| {
                matches!(u.scheme(), "http" | "https")
                    && u.host_str().is_some()
                    && u.username().is_empty()
                    && u.password().is_none()
            })
            .ok_or_else(|| {
                self.error(
                    ErrorKind::Protocol,
                    format!(
                        "the registry names an invalid token realm `{}`",
                        printable(realm)
                    ),
                )
            })?;
        let realm_host = authority(&realm_url);
        if !transport_allowed(&realm_url, &self.registry.options.insecure_hosts) {
            return Err(self.error(
                ErrorKind::Refused,
                format!(
                    "refused to ask {realm_host} for a token over plain http (only loopback and insecure hosts may use http)"
                ),
            ));
        }
        let same_host = realm_url.scheme() == self.url.scheme()
            && realm_url.host_str() == self.url.host_str()
            && realm_url.port_or_known_default() == self.url.port_or_known_default();
        let docker_hub = self.host == DOCKER_HUB_API
            && realm_url.scheme() == "https"
            && realm_url.host_str() == Some(DOCKER_HUB_AUTH);
        let found = if same_host || docker_hub {
            self.credentials().await?
        } else {
            self.withheld_from = Some(realm_host.clone());
            None
        };
        let mut token_url = realm_url;
        {
            let mut query = token_url.query_pairs_mut();
            if let Some(service) = service {
                query.append_pair("service", service);
            }
            query.append_pair("scope", &format!("repository:{}:pull", self.key.repository));
        }
        let basic = match &found {
            Some(found) => Some(basic_authorization(&found.credentials, &self.host)?),
            None => None,
        };
        self.sent_credentials = basic.is_some();
        let answer = request(
            &self.registry.client,
            Method::GET,
            token_url,
            basic.as_ref(),
            false,
        )
        .await?;
        let status = answer.status();
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            let message = match &found {
                Some(found) => format!(
                    "the token server {realm_host} refused the credentials for `{}` from {}",
                    self.key.registry, found.source
                ),
                None => format!(
                    "the token server {realm_host} refused an anonymous token ({})",
                    self.unauthorized_message()
                ),
            };
            return Err(self.error(ErrorKind::Unauthorized, message));
        }
        if !status.is_success() {
            let who = format!("the token server {realm_host}");
            return Err(status_error(&self.host, status, answer.headers(), &who));
        }
        let body = read_body(answer, &realm_host, "token answer").await?;
        let token = token_from_response(&body).ok_or_else(|| {
            self.error(
                ErrorKind::Protocol,
                format!("the token server {realm_host} answered without a token"),
            )
        })?;
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
            self.error(
                ErrorKind::Protocol,
                format!("the token server {realm_host} answered with a malformed token"),
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// The credentials for the registry, looked up once.
    async fn credentials(&mut self) -> Result<Option<Found>, LookupError> {
        if self.credentials.is_none() {
            let store = &self.registry.options.credentials;
            let mut found = store.find(&self.key.registry).await;
            if let Err(error) = &mut found {
                error.host.clone_from(&self.host);
            }
            self.credentials = Some(found?);
        }
        Ok(self.credentials.clone().flatten())
    }

    /// Why a `401` stands: credentials refused, withheld, or none found.
    fn unauthorized_message(&self) -> String {
        let registry = &self.key.registry;
        if let Some(realm_host) = &self.withheld_from {
            return format!(
                "access denied; the credentials for `{registry}` were not sent to {realm_host}, the token server the registry named, because it is another host"
            );
        }
        match &self.credentials {
            Some(Some(found)) if self.sent_credentials => format!(
                "the registry refused the credentials for `{registry}` from {}",
                found.source
            ),
            Some(None) => {
                let file = self.registry.options.credentials.config_file();
                let place = file.map_or_else(
                    || "the Docker configuration".to_owned(),
                    |f| f.display().to_string(),
                );
                format!("authentication required, and no credentials for `{registry}` were found in {place}")
            }
            _ => "authentication required".to_owned(),
        }
    }

    /// The error for a final non-success answer to a manifest request.
    fn status_error(&self, response: &Response) -> LookupError {
        match response.status() {
            StatusCode::NOT_FOUND => self.error(
                ErrorKind::NotFound,
                format!(
                    "tag `{}` of `{}` not found",
                    self.key.tag, self.key.repository
                ),
            ),
            StatusCode::UNAUTHORIZED => {
                self.error(ErrorKind::Unauthorized, self.unauthorized_message())
            }
            StatusCode::FORBIDDEN => {
                let mut message = format!("access to `{}` is forbidden", self.key.repository);
                if self.sent_credentials {
                    message.push_str(" for the credentials sent");
                }
                self.error(ErrorKind::Forbidden, message)
            }
            status => status_error(&self.host, status, response.headers(), "the registry"),
        }
    }

    /// `Docker-Content-Digest`, validated: `None` when absent or of another algorithm
    /// than sha256 (the body's sha256 is computed then).
    fn header_digest(&self, headers: &HeaderMap) -> Result<Option<String>, LookupError> {
        let Some(value) = headers.get("docker-content-digest") else {
            return Ok(None);
        };
        let malformed = || {
            self.error(
                ErrorKind::Protocol,
                "malformed Docker-Content-Digest header".to_owned(),
            )
        };
        let value = value.to_str().map_err(|_| malformed())?.trim();
        match value.split_once(':') {
            Some(("sha256", _)) if is_valid_digest(value) => Ok(Some(value.to_owned())),
            Some((algorithm, hex))
                if algorithm != "sha256"
                    && !algorithm.is_empty()
                    && !hex.is_empty()
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+._-:=".contains(&b)) =>
            {
                Ok(None)
            }
            _ => Err(malformed()),
        }
    }
}

/// Sends one request and logs it (never a header value).
async fn request(
    client: &reqwest::Client,
    method: Method,
    url: Url,
    authorization: Option<&HeaderValue>,
    manifest: bool,
) -> Result<Response, LookupError> {
    let host = authority(&url);
    let started = Instant::now();
    let mut builder = client.request(method.clone(), url.clone());
    if manifest {
        builder = builder.header(
            ACCEPT,
            [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST].join(", "),
        );
    }
    if let Some(authorization) = authorization {
        builder = builder.header(AUTHORIZATION, authorization.clone());
    }
    let response = builder
        .send()
        .await
        .map_err(|e| transport_error(&host, &e))?;
    tracing::debug!(
        %host,
        %method,
        path = url.path(),
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "registry request"
    );
    Ok(response)
}

/// The error for a status other than 401/403/404 (and those, when a token server gives
/// them in a context without more to say).
fn status_error(host: &str, status: StatusCode, headers: &HeaderMap, who: &str) -> LookupError {
    let code = status.as_u16();
    match status {
        StatusCode::TOO_MANY_REQUESTS => {
            let retry = headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty());
            let message = match retry {
                Some(secs) if secs.bytes().all(|b| b.is_ascii_digit()) && secs.len() < 10 => {
                    format!("rate limited; try again in {secs} s")
                }
                Some(date) => format!("rate limited; try again after {}", printable(date)),
                None => "rate limited; try again later".to_owned(),
            };
            LookupError::new(host, ErrorKind::RateLimited, message)
        }
        StatusCode::UNAUTHORIZED => {
            LookupError::new(host, ErrorKind::Unauthorized, format!("{who} answered 401"))
        }
        StatusCode::FORBIDDEN => {
            LookupError::new(host, ErrorKind::Forbidden, format!("{who} answered 403"))
        }
        StatusCode::NOT_FOUND => {
            LookupError::new(host, ErrorKind::NotFound, format!("{who} answered 404"))
        }
        s if s.is_server_error() => LookupError::new(
            host,
            ErrorKind::Protocol,
            format!("{who} failed with HTTP {code}"),
        ),
        _ => LookupError::new(
            host,
            ErrorKind::Protocol,
            format!("{who} answered with unexpected HTTP {code}"),
        ),
    }
}

/// A transport failure as a [`LookupError`]: refused redirect, timeout, TLS, connect.
fn transport_error(host: &str, error: &reqwest::Error) -> LookupError {
    let mut root = error.to_string();
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    let mut tls = None;
    while let Some(e) = cause {
        if let Some(refused) = e.downcast_ref::<RedirectRefused>() {
            return LookupError::new(host, ErrorKind::Refused, refused.0.clone());
        }
        if let Some(rustls) = e.downcast_ref::<rustls::Error>() {
            tls = Some(rustls.to_string());
        }
        root = e.to_string();
        // `io::Error::source` skips the error it wraps (rustls's among them).
        cause = match e.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
    }
    if error.is_timeout() {
        return LookupError::new(host, ErrorKind::Timeout, format!("timed out: {root}"));
    }
    if let Some(tls) = tls {
        return LookupError::new(host, ErrorKind::Tls, format!("TLS failed: {tls}"));
    }
    if error.is_connect() {
        return LookupError::new(host, ErrorKind::Connect, format!("cannot connect: {root}"));
    }
    LookupError::new(
        host,
        ErrorKind::Protocol,
        format!("the connection failed: {root}"),
    )
}

/// Reads a body of at most [`MAX_BODY`] bytes.
async fn read_body(mut response: Response, host: &str, what: &str) -> Result<Vec<u8>, LookupError> {
    let too_large = || {
        LookupError::new(
            host,
            ErrorKind::Protocol,
            format!("the {what} is larger than {} MiB", MAX_BODY / (1024 * 1024)),
        )
    };
    if response
        .content_length()
        .is_some_and(|n| n > MAX_BODY as u64)
    {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(host, &e))?
    {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Authorization: Basic …`, marked sensitive.
fn basic_authorization(credentials: &Credentials, host: &str) -> Result<HeaderValue, LookupError> {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", credentials.username, credentials.secret));
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
        LookupError::new(
            host,
            ErrorKind::Credentials,
            "the credentials cannot be sent",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The manifest URL of `key`: http for loopback and insecure hosts, else https. `None`
/// when a part of the key has characters no reference has.
fn manifest_url(key: &Key, insecure_hosts: &[String]) -> Option<Url> {
    let host_ok = !key.api_host().is_empty()
        && key
            .api_host()
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b));
    let repo_ok = key
        .repository
        .split('/')
        .all(|segment| !matches!(segment, "" | "." | ".."))
        && key
            .repository
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b));
    let tag_ok = !key.tag.is_empty()
        && key
            .tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !(host_ok && repo_ok && tag_ok) {
        return None;
    }
    let path = format!(
        "{}/v2/{}/manifests/{}",
        key.api_host(),
        key.repository,
        key.tag
    );
    let plain = Url::parse(&format!("http://{path}")).ok()?;
    if transport_allowed(&plain, insecure_hosts) {
        return Some(plain);
    }
    Url::parse(&format!("https://{path}")).ok()
}

/// Whether `url` may be requested: https always; http for loopback and insecure hosts.
fn transport_allowed(url: &Url, insecure_hosts: &[String]) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => {
            is_loopback(url) || {
                let host = url.host_str().unwrap_or_default();
                let authority = authority(url);
                insecure_hosts.iter().any(|entry| {
                    let entry = entry.trim().to_ascii_lowercase();
                    entry == host || entry == authority
                })
            }
        }
        _ => false,
    }
}

/// `localhost`, 127.0.0.0/8 or `::1`.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// `host` or `host:port` as written in the URL (the port only when explicit).
fn authority(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The `Content-Type` without parameters.
fn media_type_of(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()?;
    let media_type = value.split(';').next()?.trim();
    (!media_type.is_empty()).then(|| media_type.to_ascii_lowercase())
}

fn is_index(media_type: &str) -> bool {
    media_type == OCI_INDEX || media_type == DOCKER_LIST
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = String::from("sha256:");
    for byte in digest.as_ref() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// The platforms of an index: `os/arch[/variant]`, attestation entries
/// (`unknown/unknown`) skipped, duplicates once.
fn platforms_of(index: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let manifests = index.get("manifests").and_then(|m| m.as_array());
    for platform in manifests
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("platform"))
    {
        let field = |name: &str| {
            platform
                .get(name)
                .and_then(|v| v.as_str())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let (Some(os), Some(arch)) = (field("os"), field("architecture")) else {
            continue;
        };
        if os == "unknown" && arch == "unknown" {
            continue;
        }
        let name = match field("variant") {
            Some(variant) => format!("{os}/{arch}/{variant}"),
            None => format!("{os}/{arch}"),
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Text from a server, safe to show: printable ASCII, at most 100 characters.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_graphic() || *c == ' ')
        .take(100)
        .collect()
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod home_tests {
    #[test]
    fn a_leading_tilde_is_home() {
        let home = std::path::PathBuf::from(std::env::var_os("HOME").unwrap());
        assert_eq!(super::expand_home("~/.docker"), home.join(".docker"));
        assert_eq!(super::expand_home("~"), home);
        assert_eq!(
            super::expand_home("/etc/docker"),
            std::path::PathBuf::from("/etc/docker")
        );
        assert_eq!(
            super::expand_home("~bob/x"),
            std::path::PathBuf::from("~bob/x")
        );
    }
}

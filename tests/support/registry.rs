//! A real `docker-registry` on loopback: start, configure auth, upload images.
//!
//! [`TestRegistry::start`] runs Debian's `docker-registry` (the CNCF distribution
//! registry 2.8) on `127.0.0.1:<free port>` with its storage in a temporary folder, with
//! no auth, htpasswd basic auth (bcrypt from `htpasswd -Bbn`) or token auth. For token
//! auth the harness also runs a token server on its own loopback listener that issues
//! ES256 JWTs signed with `ring`, with a self-signed certificate (made by the `openssl`
//! CLI) in the JWT header's `x5c` and in the registry's `rootcertbundle`. By default
//! ([`Realm::SameHost`]) that listener is the registry's public `host:port`: it answers
//! `/token` and forwards every other request to the registry on a private port, so the
//! realm is on the registry's own authority (as with Harbor), which is where a client
//! that never sends credentials to another host will send them. [`Realm::OtherPort`]
//! puts the realm on another port (another authority, as Docker Hub's `auth.docker.io`).
//!
//! The token server answers a request with valid basic credentials with a token that
//! grants the requested scopes (`pull`, `push`); an anonymous request with a token that
//! grants nothing (as Docker Hub does for a private repository: the registry then answers
//! the retried request with `401 insufficient_scope`); wrong credentials with `401`.
//!
//! Images are uploaded without a Docker engine, over the HTTP API (blobs, then the
//! manifest), by a small HTTP/1.1 client over `std::net` that authenticates like a
//! client would (basic, or a push token the harness signs itself). The digest of a
//! pushed manifest is the sha256 of the exact bytes uploaded, computed here with `ring`,
//! never by the code under test.
//!
//! The API is synchronous (no runtime needed, usable from async tests too). Tests call
//! [`start_or_skip`]: when a program is missing they print `SKIPPED` and return `None`,
//! unless `DOCKERFILE_LSP_REQUIRE_REGISTRY=1` (set by `.ci/run`) makes that a failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use ring::rand::SystemRandom;
use ring::signature::{EcdsaKeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};

/// The environment variable that turns a missing registry into a test failure.
pub const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_REGISTRY";
/// Where Debian installs the registry program (see [`registry_bin`]).
pub const REGISTRY_BIN: &str = "/usr/bin/docker-registry";
/// The `service` of the token-auth registry (the JWT audience).
pub const TOKEN_SERVICE: &str = "dockerfile-lsp-test-registry";
/// The issuer of the test token server's JWTs.
pub const TOKEN_ISSUER: &str = "dockerfile-lsp-test-token-server";

/// The OCI media types.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// The Docker (schema 2) media types.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";

/// How long the harness waits for the registry to answer `/v2/` after starting it, and
/// for any one HTTP exchange.
const STARTUP: Duration = Duration::from_secs(20);
const IO_TIMEOUT: Duration = Duration::from_secs(20);

/// How clients must authenticate to the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// Anyone may pull and push.
    None,
    /// htpasswd (bcrypt) basic auth with one user.
    Basic { user: String, password: String },
    /// Bearer tokens from the harness's token server, which knows one user.
    Token { user: String, password: String },
}

impl Auth {
    /// [`Auth::Basic`] from string slices.
    pub fn basic(user: &str, password: &str) -> Auth {
        Auth::Basic {
            user: user.into(),
            password: password.into(),
        }
    }

    /// [`Auth::Token`] from string slices.
    pub fn token(user: &str, password: &str) -> Auth {
        Auth::Token {
            user: user.into(),
            password: password.into(),
        }
    }

    fn credentials(&self) -> Option<(&str, &str)> {
        match self {
            Auth::None => None,
            Auth::Basic { user, password } | Auth::Token { user, password } => {
                Some((user, password))
            }
        }
    }
}

/// The manifest flavour [`TestRegistry::push_image_as`] and
/// [`TestRegistry::push_index_as`] upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// OCI image manifest / OCI image index.
    Oci,
    /// Docker schema 2 manifest / Docker manifest list.
    Docker,
}

/// Where the token server of [`Auth::Token`] lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Realm {
    /// On the registry's own `host:port` (like Harbor or Quay): the token server is the
    /// registry's front, answering `/token` and forwarding everything else to the
    /// registry on a private loopback port. A client that sends credentials only to the
    /// registry's own authority can log in.
    SameHost,
    /// On its own loopback port (like Docker Hub: `auth.docker.io` beside
    /// `registry-1.docker.io`), the registry answering directly on [`TestRegistry::host`].
    OtherPort,
}

/// A manifest the harness uploaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pushed {
    /// `sha256:<hex>` of [`Pushed::bytes`], computed by the harness.
    pub digest: String,
    /// The exact manifest bytes uploaded.
    pub bytes: Vec<u8>,
    /// The manifest's media type (its `Content-Type` on upload).
    pub media_type: String,
    /// For an index: the per-platform manifests it lists, in order; else empty.
    pub manifests: Vec<Pushed>,
}

/// One request the token server answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRequest {
    /// The basic-auth user sent, if any.
    pub user: Option<String>,
    /// Whether the credentials were right (a token granting the scopes was issued).
    pub granted: bool,
    /// The `scope` parameters asked for (`repository:<name>:pull`).
    pub scopes: Vec<String>,
    /// The `service` parameter.
    pub service: Option<String>,
}

/// Whether `program` can be run (an absolute path that exists, or a name on `PATH`).
fn have(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The registry program to run: `$DOCKERFILE_LSP_REGISTRY_BIN`, else
/// `/usr/bin/docker-registry`, else `docker-registry` on `PATH`.
pub fn registry_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("DOCKERFILE_LSP_REGISTRY_BIN") {
        return PathBuf::from(bin);
    }
    if Path::new(REGISTRY_BIN).is_file() {
        PathBuf::from(REGISTRY_BIN)
    } else {
        PathBuf::from("docker-registry")
    }
}

/// What is missing to run a registry with `auth`, or `None` when everything is there.
pub fn missing(auth: &Auth) -> Option<String> {
    let bin = registry_bin();
    if !have(&bin.to_string_lossy()) {
        return Some(format!(
            "{} not found (apt-get install docker-registry)",
            bin.display()
        ));
    }
    match auth {
        Auth::Basic { .. } if !have("htpasswd") => {
            Some("htpasswd not found (apt-get install apache2-utils)".into())
        }
        Auth::Token { .. } if !have("openssl") => {
            Some("openssl not found (apt-get install openssl)".into())
        }
        _ => None,
    }
}

/// Whether a registry with `auth` can be started here.
pub fn available(auth: &Auth) -> bool {
    missing(auth).is_none()
}

/// Prints why a test does not run; panics instead when `DOCKERFILE_LSP_REQUIRE_REGISTRY=1`.
pub fn skip(why: &str) {
    crate::skip(REQUIRE, why);
}

/// A started registry with `auth`, or `None` after [`skip`] when a program is missing.
/// A registry that is installed but fails to start fails the test.
pub fn start_or_skip(auth: Auth) -> Option<TestRegistry> {
    if let Some(why) = missing(&auth) {
        skip(&why);
        return None;
    }
    match TestRegistry::start(auth) {
        Ok(registry) => Some(registry),
        Err(e) => panic!("could not start the test registry: {e}"),
    }
}

/// A running `docker-registry` on loopback; killed (with its token server stopped and
/// its folder removed) on drop.
pub struct TestRegistry {
    child: Option<Child>,
    /// The port clients use (the front's with [`Realm::SameHost`]).
    port: u16,
    auth: Auth,
    dir: tempfile::TempDir,
    token: Option<TokenServer>,
    /// The token server's signer and log, kept after [`TestRegistry::stop`].
    signer: Option<Arc<Signer>>,
    token_log: Arc<Mutex<Vec<TokenRequest>>>,
    configs: AtomicU64,
}

impl TestRegistry {
    /// Writes a configuration into a temporary folder and starts the registry on a free
    /// loopback port; returns once `/v2/` answers. An error says what failed (with the
    /// registry's log when it exited). Token auth has its realm on the registry's own
    /// host and port ([`Realm::SameHost`]).
    pub fn start(auth: Auth) -> Result<TestRegistry, String> {
        TestRegistry::start_with(auth, Realm::SameHost)
    }

    /// [`TestRegistry::start`] with the token server placed as `realm` says (ignored
    /// without token auth).
    pub fn start_with(auth: Auth, realm: Realm) -> Result<TestRegistry, String> {
        if let Some(why) = missing(&auth) {
            return Err(why);
        }
        let dir = tempfile::Builder::new()
            .prefix("dockerfile-lsp-registry-")
            .tempdir()
            .map_err(|e| format!("temporary folder: {e}"))?;
        let token = match &auth {
            Auth::Token { user, password } => Some(TokenServer::start(
                dir.path(),
                user.clone(),
                password.clone(),
            )?),
            _ => None,
        };
        let auth_yaml = match &auth {
            Auth::None => String::new(),
            Auth::Basic { user, password } => {
                let line =
                    crate::run_checked(Command::new("htpasswd").args(["-Bbn", user, password]))?;
                let path = dir.path().join("htpasswd");
                std::fs::write(&path, line).map_err(|e| format!("htpasswd file: {e}"))?;
                format!(
                    "auth:\n  htpasswd:\n    realm: dockerfile-lsp-test\n    path: {}\n",
                    path.display()
                )
            }
            Auth::Token { .. } => {
                let server = token.as_ref().expect("token server started above");
                format!(
                    "auth:\n  token:\n    realm: http://127.0.0.1:{}/token\n    service: {TOKEN_SERVICE}\n    issuer: {TOKEN_ISSUER}\n    rootcertbundle: {}\n",
                    server.port,
                    server.cert_path.display()
                )
            }
        };
        let mut last_error = String::new();
        // The free port is found by binding and releasing it; another process may take
        // it in between, so a failed start is retried on a new port.
        for attempt in 0..3 {
            let port = free_port()?;
            let front = token
                .as_ref()
                .filter(|_| realm == Realm::SameHost)
                .map(|t| t.port);
            let config = dir.path().join(format!("config-{attempt}.yml"));
            let yaml = format!(
                "version: 0.1\nlog:\n  level: info\nstorage:\n  filesystem:\n    rootdirectory: {}\n  maintenance:\n    uploadpurging:\n      enabled: false\nhttp:\n  addr: 127.0.0.1:{port}\n  secret: dockerfile-lsp-test-secret\n{auth_yaml}",
                dir.path().join("storage").display()
            );
            std::fs::write(&config, yaml).map_err(|e| format!("config: {e}"))?;
            let log_path = dir.path().join(format!("registry-{attempt}.log"));
            let log = std::fs::File::create(&log_path).map_err(|e| format!("log: {e}"))?;
            let err = log.try_clone().map_err(|e| format!("log: {e}"))?;
            let mut child = Command::new(registry_bin())
                .arg("serve")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(err)
                .spawn()
                .map_err(|e| format!("{}: {e}", registry_bin().display()))?;
            if let Err(e) = wait_ready(&mut child, port) {
                let _ = child.kill();
                let _ = child.wait();
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                last_error = format!("{e}; registry log:\n{}", tail(&log, 20));
                continue;
            }
            if let (Some(server), Some(_)) = (&token, front) {
                server.backend.store(port, Ordering::SeqCst);
            }
            let registry = TestRegistry {
                child: Some(child),
                port: front.unwrap_or(port),
                auth: auth.clone(),
                dir,
                signer: token.as_ref().map(|t| Arc::clone(&t.signer)),
                token_log: token
                    .as_ref()
                    .map(|t| Arc::clone(&t.log))
                    .unwrap_or_default(),
                token,
                configs: AtomicU64::new(0),
            };
            registry.write_docker_config(&registry.docker_config(), auth.credentials())?;
            return Ok(registry);
        }
        Err(last_error)
    }

    /// `127.0.0.1:<port>`: the registry part of image references to it.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The port of [`TestRegistry::host`].
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `127.0.0.1:<port>/<repo>:<tag>`, an image reference as written in a Dockerfile.
    pub fn reference(&self, repo: &str, tag: &str) -> String {
        format!("{}/{repo}:{tag}", self.host())
    }

    /// The auth the registry was started with.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// A Docker configuration folder whose `config.json` holds the right credentials
    /// for [`TestRegistry::host`] in `auths` (base64 `user:password`); with
    /// [`Auth::None`], an empty `auths`. For `credentials::Store { dir: Some(..) }` or
    /// `$DOCKER_CONFIG`.
    pub fn docker_config(&self) -> PathBuf {
        self.dir.path().join("docker-config")
    }

    /// A new Docker configuration folder whose `config.json` has no credentials
    /// (`{"auths":{}}`), so that lookups never read the user's own configuration.
    pub fn empty_docker_config(&self) -> PathBuf {
        let n = self.configs.fetch_add(1, Ordering::Relaxed);
        let dir = self.dir.path().join(format!("docker-config-{n}"));
        self.write_docker_config(&dir, None)
            .expect("write config.json");
        dir
    }

    /// A new Docker configuration folder with `user:password` for
    /// [`TestRegistry::host`] (wrong-credential tests).
    pub fn docker_config_with(&self, user: &str, password: &str) -> PathBuf {
        let n = self.configs.fetch_add(1, Ordering::Relaxed);
        let dir = self.dir.path().join(format!("docker-config-{n}"));
        self.write_docker_config(&dir, Some((user, password)))
            .expect("write config.json");
        dir
    }

    fn write_docker_config(
        &self,
        dir: &Path,
        credentials: Option<(&str, &str)>,
    ) -> Result<(), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let auths = match credentials {
            Some((user, password)) => serde_json::json!({
                self.host(): { "auth": STANDARD.encode(format!("{user}:{password}")) }
            }),
            None => serde_json::json!({}),
        };
        let json = serde_json::json!({ "auths": auths });
        std::fs::write(dir.join("config.json"), json.to_string())
            .map_err(|e| format!("{}: {e}", dir.display()))
    }

    /// The requests the token server answered so far (empty without token auth).
    pub fn token_requests(&self) -> Vec<TokenRequest> {
        self.token_log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Kills the registry and stops its token server now: later requests to
    /// [`TestRegistry::host`] are refused.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.token = None;
    }

    /// Uploads a single-platform (`linux/amd64`) OCI image manifest as `repo:tag`. Each
    /// push makes new content, so pushing a tag again moves it to a new digest.
    pub fn push_image(&self, repo: &str, tag: &str) -> Pushed {
        self.push_image_as(repo, tag, Format::Oci)
    }

    /// [`TestRegistry::push_image`] with the manifest flavour chosen.
    pub fn push_image_as(&self, repo: &str, tag: &str, format: Format) -> Pushed {
        let pushed = self.upload_manifest_for(repo, "linux/amd64", format);
        self.put_manifest(repo, tag, &pushed);
        pushed
    }

    /// Uploads one manifest per platform (`linux/amd64`, `linux/arm/v7`), then an OCI
    /// image index listing them, as `repo:tag`.
    pub fn push_index(&self, repo: &str, tag: &str, platforms: &[&str]) -> Pushed {
        self.push_index_as(repo, tag, platforms, Format::Oci)
    }

    /// [`TestRegistry::push_index`] with the flavour chosen (Docker: a manifest list).
    pub fn push_index_as(
        &self,
        repo: &str,
        tag: &str,
        platforms: &[&str],
        format: Format,
    ) -> Pushed {
        let manifests: Vec<Pushed> = platforms
            .iter()
            .map(|platform| {
                let pushed = self.upload_manifest_for(repo, platform, format);
                self.put_manifest(repo, &pushed.digest, &pushed);
                pushed
            })
            .collect();
        let media_type = match format {
            Format::Oci => OCI_INDEX,
            Format::Docker => DOCKER_LIST,
        };
        let entries: Vec<String> = manifests
            .iter()
            .zip(platforms)
            .map(|(m, platform)| {
                format!(
                    r#"{{"mediaType":"{}","digest":"{}","size":{},"platform":{{{}}}}}"#,
                    m.media_type,
                    m.digest,
                    m.bytes.len(),
                    platform_fields(platform)
                )
            })
            .collect();
        let bytes = format!(
            "{{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"{media_type}\",\n  \"manifests\": [\n    {}\n  ]\n}}\n",
            entries.join(",\n    ")
        )
        .into_bytes();
        let index = Pushed {
            digest: sha256(&bytes),
            bytes,
            media_type: media_type.into(),
            manifests,
        };
        self.put_manifest(repo, tag, &index);
        index
    }

    /// `GET` (or `HEAD`) `/v2/<repo>/manifests/<reference>` with `accept`, authenticated
    /// as the harness's own uploads are: the registry's raw answer, to check the harness
    /// independently of the client under test.
    pub fn raw_manifest(
        &self,
        method: &str,
        repo: &str,
        reference: &str,
        accept: &str,
    ) -> RawResponse {
        let authorization = self.authorization(repo);
        self.raw_manifest_as(authorization.as_deref(), method, repo, reference, accept)
    }

    /// [`TestRegistry::raw_manifest`] with the `Authorization` header given (or none).
    pub fn raw_manifest_as(
        &self,
        authorization: Option<&str>,
        method: &str,
        repo: &str,
        reference: &str,
        accept: &str,
    ) -> RawResponse {
        let mut headers = vec![("Accept", accept.to_owned())];
        headers.extend(authorization.map(|a| ("Authorization", a.to_owned())));
        http(
            self.port,
            method,
            &format!("/v2/{repo}/manifests/{reference}"),
            &headers,
            b"",
        )
        .unwrap_or_else(|e| panic!("{method} manifest {repo}:{reference}: {e}"))
    }

    /// The token server's port (token auth only).
    /// With [`Realm::SameHost`] that is [`TestRegistry::host`]'s port.
    pub fn token_port(&self) -> Option<u16> {
        self.token.as_ref().map(|t| t.port)
    }

    /// A JWT the registry accepts, for `subject` with `scopes`
    /// (`repository:<name>:pull,push`), signed by the token server's key (token auth
    /// only; panics otherwise).
    pub fn sign_token(&self, subject: &str, scopes: &[&str]) -> String {
        let signer = self.signer.as_ref().expect("sign_token needs Auth::Token");
        let scopes: Vec<String> = scopes.iter().map(|s| (*s).to_owned()).collect();
        signer.token(subject, &scopes)
    }

    /// A config blob and a layer blob for `platform` (new content on every call), then
    /// the manifest bytes that list them (not yet put).
    fn upload_manifest_for(&self, repo: &str, platform: &str, format: Format) -> Pushed {
        static SERIAL: AtomicU64 = AtomicU64::new(0);
        let serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let layer =
            format!("layer of {repo} for {platform}, push {serial} at {nanos}\n").into_bytes();
        let layer_digest = self.upload_blob(repo, &layer);
        let config = format!(
            r#"{{{},"config":{{}},"rootfs":{{"type":"layers","diff_ids":["{layer_digest}"]}}}}"#,
            platform_fields(platform)
        )
        .into_bytes();
        let config_digest = self.upload_blob(repo, &config);
        let (media_type, config_type, layer_type) = match format {
            Format::Oci => (
                OCI_MANIFEST,
                "application/vnd.oci.image.config.v1+json",
                "application/vnd.oci.image.layer.v1.tar+gzip",
            ),
            Format::Docker => (
                DOCKER_MANIFEST,
                "application/vnd.docker.container.image.v1+json",
                "application/vnd.docker.image.rootfs.diff.tar.gzip",
            ),
        };
        let bytes = format!(
            "{{\n  \"schemaVersion\": 2,\n  \"mediaType\": \"{media_type}\",\n  \"config\": {{\"mediaType\": \"{config_type}\", \"digest\": \"{config_digest}\", \"size\": {}}},\n  \"layers\": [{{\"mediaType\": \"{layer_type}\", \"digest\": \"{layer_digest}\", \"size\": {}}}]\n}}\n",
            config.len(),
            layer.len()
        )
        .into_bytes();
        Pushed {
            digest: sha256(&bytes),
            bytes,
            media_type: media_type.into(),
            manifests: Vec::new(),
        }
    }

    /// `POST /v2/<repo>/blobs/uploads/`, then `PUT <location>&digest=…` with the bytes.
    fn upload_blob(&self, repo: &str, bytes: &[u8]) -> String {
        let digest = sha256(bytes);
        let auth: Vec<(&str, String)> = self
            .authorization(repo)
            .map(|a| ("Authorization", a))
            .into_iter()
            .collect();
        let started = self.expect(
            "POST",
            &format!("/v2/{repo}/blobs/uploads/"),
            &auth,
            b"",
            202,
        );
        let location = started
            .header("location")
            .unwrap_or_else(|| panic!("blob upload to {repo}: no Location header"));
        let path = match location.find("/v2/") {
            Some(at) => &location[at..],
            None => panic!("blob upload to {repo}: unexpected Location {location}"),
        };
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut headers = auth.clone();
        headers.push(("Content-Type", "application/octet-stream".into()));
        self.expect(
            "PUT",
            &format!("{path}{separator}digest={digest}"),
            &headers,
            bytes,
            201,
        );
        digest
    }

    /// `PUT /v2/<repo>/manifests/<reference>`; checks the registry's digest is ours.
    fn put_manifest(&self, repo: &str, reference: &str, manifest: &Pushed) {
        let mut headers = vec![("Content-Type", manifest.media_type.clone())];
        headers.extend(self.authorization(repo).map(|a| ("Authorization", a)));
        let answer = self.expect(
            "PUT",
            &format!("/v2/{repo}/manifests/{reference}"),
            &headers,
            &manifest.bytes,
            201,
        );
        assert_eq!(
            answer.header("docker-content-digest"),
            Some(manifest.digest.as_str()),
            "the registry's digest of the manifest put as {repo}:{reference}"
        );
    }

    /// The `Authorization` value for pushing to and pulling from `repo`.
    fn authorization(&self, repo: &str) -> Option<String> {
        match &self.auth {
            Auth::None => None,
            Auth::Basic { user, password } => Some(format!(
                "Basic {}",
                STANDARD.encode(format!("{user}:{password}"))
            )),
            Auth::Token { user, .. } => {
                let signer = self.signer.as_ref().expect("token auth has a signer");
                let scope = format!("repository:{repo}:pull,push");
                Some(format!("Bearer {}", signer.token(user, &[scope])))
            }
        }
    }

    fn expect(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &[u8],
        status: u16,
    ) -> RawResponse {
        let answer = http(self.port, method, path, headers, body)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_eq!(
            answer.status,
            status,
            "{method} {path}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        answer
    }
}

impl Drop for TestRegistry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The JSON fields of a platform (`linux/arm/v7`) as an image config and an index
/// entry's `platform` hold them: `"architecture":"arm","os":"linux","variant":"v7"`.
fn platform_fields(platform: &str) -> String {
    let mut parts = platform.split('/');
    let os = parts.next().unwrap_or_default();
    let arch = parts.next().unwrap_or_default();
    let variant = parts
        .next()
        .map(|v| format!(r#","variant":"{v}""#))
        .unwrap_or_default();
    format!(r#""architecture":"{arch}","os":"{os}"{variant}"#)
}

/// Waits until the registry `child` answers `/v2/` on `port` (any HTTP answer, 401
/// included, means it is serving); an error when it exits or takes too long.
fn wait_ready(child: &mut Child, port: u16) -> Result<(), String> {
    let start = Instant::now();
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("docker-registry exited with {status}"));
        }
        if http(port, "GET", "/v2/", &[], b"").is_ok() {
            return Ok(());
        }
        if start.elapsed() > STARTUP {
            return Err(format!("/v2/ did not answer within {STARTUP:?}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The last `lines` lines of `text`.
fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("free port: {e}"))
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// An HTTP answer as the harness's own client read it.
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 exchange with `127.0.0.1:<port>` (`Connection: close`, the answer read
/// to the end; chunked bodies are decoded).
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Result<RawResponse, String> {
    let mut stream =
        TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream
        .set_read_timeout(Some(IO_TIMEOUT))
        .and_then(|()| stream.set_write_timeout(Some(IO_TIMEOUT)))
        .map_err(|e| format!("socket: {e}"))?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.write_all(body))
        .map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .map_err(|e| format!("receive: {e}"))?;
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| "no end of the response head".to_owned())?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| format!("bad status line in {head:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked && method != "HEAD" {
        body = dechunk(&body)?;
    }
    Ok(RawResponse {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunk size line")?;
        let size_text = String::from_utf8_lossy(&data[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|e| format!("chunk size: {e}"))?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if data.len() < size + 2 {
            return Err("truncated chunk".into());
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Signs registry tokens: an ES256 key and its self-signed certificate (`x5c`).
struct Signer {
    key: EcdsaKeyPair,
    cert_der: Vec<u8>,
}

impl Signer {
    /// Makes a P-256 key and a self-signed certificate with the `openssl` CLI in `dir`.
    fn create(dir: &Path) -> Result<(Signer, PathBuf), String> {
        let key_path = dir.join("token.key");
        let cert_path = dir.join("token.crt");
        crate::run_checked(
            Command::new("openssl")
                .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
                .arg("ec_paramgen_curve:prime256v1")
                .args([
                    "-nodes",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=dockerfile-lsp test token issuer",
                ])
                .arg("-keyout")
                .arg(&key_path)
                .arg("-out")
                .arg(&cert_path),
        )?;
        let pkcs8 = pem_body(&key_path, "PRIVATE KEY")?;
        let cert_der = pem_body(&cert_path, "CERTIFICATE")?;
        let key = EcdsaKeyPair::from_pkcs8(
            &ECDSA_P256_SHA256_FIXED_SIGNING,
            &pkcs8,
            &SystemRandom::new(),
        )
        .map_err(|e| format!("the token key: {e}"))?;
        Ok((Signer { key, cert_der }, cert_path))
    }

    /// A JWT for `subject` granting `scopes` (`repository:<name>:<actions>`; the
    /// actions granted are the requested ones among `pull` and `push`).
    fn token(&self, subject: &str, scopes: &[String]) -> String {
        let access: Vec<serde_json::Value> = scopes
            .iter()
            .filter_map(|scope| {
                let mut parts = scope.splitn(3, ':');
                let (kind, name, actions) = (parts.next()?, parts.next()?, parts.next()?);
                let actions: Vec<&str> = actions
                    .split(',')
                    .filter(|a| matches!(*a, "pull" | "push"))
                    .collect();
                Some(serde_json::json!({ "type": kind, "name": name, "actions": actions }))
            })
            .collect();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        static JTI: AtomicU64 = AtomicU64::new(0);
        let header = serde_json::json!({
            "typ": "JWT",
            "alg": "ES256",
            "x5c": [STANDARD.encode(&self.cert_der)],
        });
        let claims = serde_json::json!({
            "iss": TOKEN_ISSUER,
            "sub": subject,
            "aud": TOKEN_SERVICE,
            "exp": now + 600,
            "nbf": now.saturating_sub(60),
            "iat": now,
            "jti": format!("test-{}", JTI.fetch_add(1, Ordering::Relaxed)),
            "access": access,
        });
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .key
            .sign(&SystemRandom::new(), signing_input.as_bytes())
            .expect("ES256 signature");
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        )
    }
}

/// The DER inside the first `-----BEGIN <label>-----` block of the file at `path`.
fn pem_body(path: &Path, label: &str) -> Result<Vec<u8>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text
        .find(&begin)
        .ok_or_else(|| format!("{}: no {begin}", path.display()))?
        + begin.len();
    let stop = text[start..]
        .find(&end)
        .ok_or_else(|| format!("{}: no {end}", path.display()))?
        + start;
    let b64: String = text[start..stop].split_whitespace().collect();
    STANDARD
        .decode(b64)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The token server: `GET /token?service=…&scope=…` on its own loopback port, a thread
/// per connection. With a backend port set ([`Realm::SameHost`]) it forwards every
/// other request to the registry there.
struct TokenServer {
    port: u16,
    cert_path: PathBuf,
    signer: Arc<Signer>,
    log: Arc<Mutex<Vec<TokenRequest>>>,
    /// The registry's private port; 0: none (other requests get 404).
    backend: Arc<AtomicU16>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// What a connection to the token server needs.
struct Front {
    signer: Arc<Signer>,
    log: Arc<Mutex<Vec<TokenRequest>>>,
    backend: Arc<AtomicU16>,
    user: String,
    password: String,
}

impl TokenServer {
    fn start(dir: &Path, user: String, password: String) -> Result<TokenServer, String> {
        let (signer, cert_path) = Signer::create(dir)?;
        let signer = Arc::new(signer);
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| format!("token server: {e}"))?;
        let port = listener
            .local_addr()
            .map_err(|e| format!("token server: {e}"))?
            .port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let backend = Arc::new(AtomicU16::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let front = Arc::new(Front {
            signer: Arc::clone(&signer),
            log: Arc::clone(&log),
            backend: Arc::clone(&backend),
            user,
            password,
        });
        let thread = {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        let front = Arc::clone(&front);
                        // A broken client connection only ends that exchange.
                        std::thread::spawn(move || {
                            let _ = serve_front(stream, &front);
                        });
                    }
                }
            })
        };
        Ok(TokenServer {
            port,
            cert_path,
            signer,
            log,
            backend,
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One connection to the token server: `/token` is answered here, anything else is
/// forwarded to the registry behind (or 404 without one).
fn serve_front(stream: TcpStream, front: &Front) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut header_lines = Vec::new();
    let mut authorization = None;
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim();
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_owned());
            } else if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        header_lines.push(line.trim_end().to_owned());
    }
    let target = request_line
        .split(' ')
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let backend = front.backend.load(Ordering::SeqCst);
    if path != "/token" && backend != 0 {
        let mut body = vec![0; content_length];
        reader.read_exact(&mut body)?;
        return forward(stream, &request_line, &header_lines, &body, backend);
    }
    let (signer, log) = (&front.signer, &front.log);
    let (user, password) = (front.user.as_str(), front.password.as_str());
    let params: Vec<(String, String)> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (percent_decode(k), percent_decode(v)))
        .collect();
    let scopes: Vec<String> = params
        .iter()
        .filter(|(k, _)| k == "scope")
        .flat_map(|(_, v)| v.split(' ').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    let service = params
        .iter()
        .find(|(k, _)| k == "service")
        .map(|(_, v)| v.clone());
    let sent = authorization
        .as_deref()
        .and_then(|a| a.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.split_once(':').map(|(u, p)| (u.to_owned(), p.to_owned())));
    let granted = sent
        .as_ref()
        .is_some_and(|(u, p)| u == user && p == password);
    log.lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(TokenRequest {
            user: sent.as_ref().map(|(u, _)| u.clone()),
            granted,
            scopes: scopes.clone(),
            service: service.clone(),
        });
    let (status, body) = if path != "/token" {
        (
            "404 Not Found",
            r#"{"errors":[{"code":"NOT_FOUND"}]}"#.to_owned(),
        )
    } else if service.as_deref() != Some(TOKEN_SERVICE) {
        (
            "400 Bad Request",
            r#"{"errors":[{"code":"UNSUPPORTED","message":"unknown service"}]}"#.to_owned(),
        )
    } else if sent.is_some() && !granted {
        (
            "401 Unauthorized",
            r#"{"errors":[{"code":"UNAUTHORIZED","message":"wrong user name or password"}]}"#
                .to_owned(),
        )
    } else {
        // Anonymous: a valid token that grants nothing.
        let granted_scopes = if granted { scopes } else { Vec::new() };
        let subject = sent.as_ref().map_or("", |(u, _)| u.as_str());
        let token = signer.token(subject, &granted_scopes);
        (
            "200 OK",
            serde_json::json!({
                "token": token,
                "access_token": token,
                "expires_in": 600,
            })
            .to_string(),
        )
    };
    let mut stream = reader.into_inner();
    let unauthorized = if status.starts_with("401") {
        "WWW-Authenticate: Basic realm=\"dockerfile-lsp test token server\"\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{unauthorized}Connection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()?;
    let _ = stream.shutdown(Shutdown::Both);
    Ok(())
}

/// Sends the request to the registry on `backend` (with `Connection: close`) and copies
/// its answer back unchanged; `Host` stays, so the registry's `Location` headers name
/// the front.
fn forward(
    mut client: TcpStream,
    request_line: &str,
    header_lines: &[String],
    body: &[u8],
    backend: u16,
) -> std::io::Result<()> {
    let mut upstream = match TcpStream::connect(("127.0.0.1", backend)) {
        Ok(upstream) => upstream,
        Err(_) => {
            client.write_all(
                b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            )?;
            return Ok(());
        }
    };
    upstream.set_read_timeout(Some(IO_TIMEOUT))?;
    let mut head = request_line.trim_end().to_owned();
    head.push_str("\r\n");
    for line in header_lines {
        let name = line.split(':').next().unwrap_or_default().trim();
        if !["connection", "keep-alive", "proxy-connection"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n))
        {
            head.push_str(line);
            head.push_str("\r\n");
        }
    }
    head.push_str("Connection: close\r\n\r\n");
    upstream.write_all(head.as_bytes())?;
    upstream.write_all(body)?;
    std::io::copy(&mut upstream, &mut client)?;
    client.flush()?;
    let _ = client.shutdown(Shutdown::Both);
    Ok(())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
                continue;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

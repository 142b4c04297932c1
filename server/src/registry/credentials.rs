//! The user's registry credentials, read the way the Docker CLI reads them: the
//! folder `$DOCKER_CONFIG` (else `~/.docker`), its `config.json` with `auths.<host>.auth`
//! (base64 `user:password`), `credHelpers.<host>` and `credsStore`, which name a
//! `docker-credential-<name>` program that answers `get` (the server URL on stdin, JSON
//! `{"Username","Secret"}` on stdout).
//!
//! Docker Hub's credentials are stored under `https://index.docker.io/v1/` (and are
//! looked up for `docker.io`, `index.docker.io` and `registry-1.docker.io`).
//!
//! Order: a `credHelpers` entry for the host decides alone; else `credsStore` is asked,
//! and when it knows nothing the `auths` entry is used. Identity tokens (`identitytoken`
//! entries, a helper answering the user name `<token>`) are OAuth refresh tokens that
//! this client does not exchange; they count as no credentials.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine;
use tokio::io::AsyncWriteExt;

use super::{ErrorKind, LookupError};

/// The key Docker Hub's credentials are stored under.
pub const DOCKER_HUB_SERVER: &str = "https://index.docker.io/v1/";

/// How long a credential helper may take.
pub const HELPER_TIMEOUT: Duration = Duration::from_secs(5);

/// What a helper prints when it has nothing for the server.
const HELPER_NOT_FOUND: &str = "credentials not found in native keychain";

/// A user name and a password or token. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub username: String,
    pub secret: String,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Credentials and where they came from (for messages: "from `auths` in
/// /home/u/.docker/config.json", "from docker-credential-pass").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub credentials: Credentials,
    /// Where they were found, in words; never the secret.
    pub source: String,
}

/// Where credentials are read from.
#[derive(Clone, Debug, Default)]
pub struct Store {
    /// The Docker configuration folder; `None`: `$DOCKER_CONFIG`, else `~/.docker`.
    pub dir: Option<PathBuf>,
    /// The `PATH` that `docker-credential-*` programs are looked up in; `None`: the
    /// process's own `PATH`. (Tests point it at their own helpers.)
    pub helper_path: Option<OsString>,
}

impl Store {
    /// The credentials for `host` (as written in references: `docker.io`,
    /// `ghcr.io`, `127.0.0.1:5000`), `Ok(None)` when none are configured. An unreadable
    /// `config.json` or a failing helper is an error of kind
    /// [`super::ErrorKind::Credentials`] that names the file or program, never the
    /// secret. Helpers run with a timeout.
    pub async fn get(&self, host: &str) -> Result<Option<Credentials>, LookupError> {
        Ok(self.find(host).await?.map(|found| found.credentials))
    }

    /// [`Store::get`] with where the credentials came from.
    pub async fn find(&self, host: &str) -> Result<Option<Found>, LookupError> {
        let Some(path) = self.config_file() else {
            return Ok(None);
        };
        let Some(config) = read_config(&path, host).await? else {
            return Ok(None);
        };
        let server = server_address(host);
        let names = host_names(host);
        if let Some(helper) = lookup(config.get("credHelpers"), &names).and_then(|v| v.as_str()) {
            return self.ask_helper(helper, &server, host).await;
        }
        if let Some(store) = config
            .get("credsStore")
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
        {
            if let Some(found) = self.ask_helper(store, &server, host).await? {
                return Ok(Some(found));
            }
        }
        let Some(entry) = lookup(config.get("auths"), &names) else {
            return Ok(None);
        };
        let credentials = auths_entry(entry).ok_or_else(|| {
            LookupError::new(
                host,
                ErrorKind::Credentials,
                format!(
                    "the `auths` entry for `{host}` in {} is not base64 `user:password`",
                    path.display()
                ),
            )
        })?;
        Ok(credentials.map(|credentials| Found {
            credentials,
            source: format!("`auths` in {}", path.display()),
        }))
    }

    /// The configuration folder: [`Store::dir`], else `$DOCKER_CONFIG`, else
    /// `$HOME/.docker`; `None` when none of them is known.
    pub fn config_dir(&self) -> Option<PathBuf> {
        if let Some(dir) = &self.dir {
            return Some(dir.clone());
        }
        let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        non_empty("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| non_empty("HOME").map(|home| Path::new(&home).join(".docker")))
    }

    /// The `config.json` credentials are read from.
    pub fn config_file(&self) -> Option<PathBuf> {
        self.config_dir().map(|dir| dir.join("config.json"))
    }

    /// Runs `docker-credential-<name> get` for `server`.
    async fn ask_helper(
        &self,
        name: &str,
        server: &str,
        host: &str,
    ) -> Result<Option<Found>, LookupError> {
        let program = format!("docker-credential-{name}");
        let fail = |why: String| LookupError::new(host, ErrorKind::Credentials, why);
        if name.is_empty() || name.contains(['/', '\\']) {
            return Err(fail(format!("`{program}` is not a credential helper name")));
        }
        let search = self
            .helper_path
            .clone()
            .or_else(|| std::env::var_os("PATH"))
            .unwrap_or_default();
        let path = std::env::split_paths(&search)
            .map(|dir| dir.join(&program))
            .find(|candidate| candidate.is_file())
            .ok_or_else(|| fail(format!("the credential helper `{program}` is not on PATH")))?;
        let mut child = spawn(&path).map_err(|e| fail(format!("cannot run `{program}`: {e}")))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading is judged by its exit status below.
            let _ = stdin.write_all(server.as_bytes()).await;
        }
        let output = tokio::time::timeout(HELPER_TIMEOUT, child.wait_with_output())
            .await
            .map_err(|_| {
                fail(format!(
                    "`{program}` did not answer within {} s",
                    HELPER_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|e| fail(format!("cannot run `{program}`: {e}")))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            if stdout.contains(HELPER_NOT_FOUND) || stderr.contains(HELPER_NOT_FOUND) {
                return Ok(None);
            }
            return Err(fail(helper_failure(
                &program,
                output.status,
                &stderr,
                &stdout,
            )));
        }
        let answer: serde_json::Value = serde_json::from_str(&stdout)
            .map_err(|_| fail(format!("`{program}` did not answer with JSON")))?;
        let field = |name: &str| {
            answer
                .get(name)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned()
        };
        let (username, secret) = (field("Username"), field("Secret"));
        if secret.is_empty() || username == "<token>" {
            tracing::debug!(
                program,
                host,
                "credential helper gave no usable credentials"
            );
            return Ok(None);
        }
        Ok(Some(Found {
            credentials: Credentials { username, secret },
            source: format!("`{program}`"),
        }))
    }
}

/// Spawns a helper, retrying briefly when the file is busy (a script just written by
/// another thread of this process while it forked).
fn spawn(path: &Path) -> std::io::Result<tokio::process::Child> {
    const ETXTBSY: i32 = 26;
    let mut attempts = 0;
    loop {
        let result = tokio::process::Command::new(path)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn();
        match result {
            Err(e) if e.raw_os_error() == Some(ETXTBSY) && attempts < 5 => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// "`docker-credential-x` failed (exit status: 1): first line of stderr".
fn helper_failure(
    program: &str,
    status: std::process::ExitStatus,
    stderr: &str,
    stdout: &str,
) -> String {
    let first_line = |text: &str| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| l.chars().take(200).collect::<String>())
    };
    // stdout is where a helper's answer (the secret) would be: only a non-JSON line.
    let reason = first_line(stderr).or_else(|| first_line(stdout).filter(|l| !l.starts_with('{')));
    match reason {
        Some(reason) => format!("`{program}` failed ({status}): {reason}"),
        None => format!("`{program}` failed ({status})"),
    }
}

/// `config.json`, parsed; `None` when it does not exist.
async fn read_config(path: &Path, host: &str) -> Result<Option<serde_json::Value>, LookupError> {
    let fail = |why: String| LookupError::new(host, ErrorKind::Credentials, why);
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(fail(format!("cannot read {}: {e}", path.display()))),
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| fail(format!("{} is not valid JSON: {e}", path.display())))?;
    if !value.is_object() {
        return Err(fail(format!("{} is not a JSON object", path.display())));
    }
    Ok(Some(value))
}

/// The server address helpers are asked for: Docker Hub's historical URL, else the host.
fn server_address(host: &str) -> String {
    if is_docker_hub(host) {
        DOCKER_HUB_SERVER.to_owned()
    } else {
        host.to_owned()
    }
}

fn is_docker_hub(host: &str) -> bool {
    matches!(
        host,
        "docker.io" | "index.docker.io" | "registry-1.docker.io"
    )
}

/// The host names an entry may be stored under, as [`hostname_of`] gives them.
fn host_names(host: &str) -> Vec<String> {
    if is_docker_hub(host) {
        ["index.docker.io", "docker.io", "registry-1.docker.io"]
            .map(String::from)
            .to_vec()
    } else {
        vec![host.to_owned()]
    }
}

/// The host of a stored key, as the Docker CLI compares them: without `http://` or
/// `https://` and without any path (`https://index.docker.io/v1/` → `index.docker.io`).
fn hostname_of(key: &str) -> &str {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    rest.split('/').next().unwrap_or(rest)
}

/// The entry of `map` for one of `names`: an exact key first, then a key whose host is
/// one of them.
fn lookup<'a>(
    map: Option<&'a serde_json::Value>,
    names: &[String],
) -> Option<&'a serde_json::Value> {
    let map = map?.as_object()?;
    names.iter().find_map(|name| map.get(name)).or_else(|| {
        map.iter()
            .find(|(key, _)| names.iter().any(|n| n.as_str() == hostname_of(key)))
            .map(|(_, v)| v)
    })
}

/// An `auths` entry: `auth` (base64 `user:password`), else `username` + `password`.
/// `Ok(None)`-like `Some(None)` when it holds nothing usable (only an identity token);
/// `None` when `auth` is malformed.
fn auths_entry(entry: &serde_json::Value) -> Option<Option<Credentials>> {
    let text = |name: &str| entry.get(name).and_then(|v| v.as_str()).unwrap_or_default();
    let auth = text("auth");
    if !auth.is_empty() {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()?;
        let decoded = String::from_utf8(decoded).ok()?;
        let (username, secret) = decoded.split_once(':')?;
        return Some(Some(Credentials {
            username: username.to_owned(),
            secret: secret.to_owned(),
        }));
    }
    let (username, secret) = (text("username"), text("password"));
    Some((!secret.is_empty()).then(|| Credentials {
        username: username.to_owned(),
        secret: secret.to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn store(dir: &Path) -> Store {
        Store {
            dir: Some(dir.to_owned()),
            helper_path: Some(dir.join("bin").into_os_string()),
        }
    }

    fn write_config(dir: &Path, json: &str) {
        std::fs::write(dir.join("config.json"), json).unwrap();
    }

    /// A `docker-credential-<name>` script in `dir/bin` with `body` as its shell code;
    /// it also records its arguments and stdin in `dir/<name>.log`.
    fn helper(dir: &Path, name: &str, body: &str) {
        let bin = dir.join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let path = bin.join(format!("docker-credential-{name}"));
        let log = dir.join(format!("{name}.log"));
        let script = format!(
            "#!/bin/sh\nread -r server\necho \"$1 $server\" >> '{}'\n{body}\n",
            log.display()
        );
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn b64(s: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    fn creds(username: &str, secret: &str) -> Option<Credentials> {
        Some(Credentials {
            username: username.into(),
            secret: secret.into(),
        })
    }

    #[test]
    fn missing_config_is_no_credentials() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(run(store(dir.path()).get("ghcr.io")), Ok(None));
    }

    #[test]
    fn auths_match_with_and_without_scheme_and_path() {
        let dir = tempfile::tempdir().unwrap();
        write_config(
            dir.path(),
            &format!(
                r#"{{"auths": {{
                    "https://index.docker.io/v1/": {{"auth": "{}"}},
                    "http://127.0.0.1:5000/v2/": {{"auth": "{}"}},
                    "ghcr.io": {{"auth": "{}"}},
                    "old.example": {{"username": "old", "password": "pw"}},
                    "idtoken.example": {{"identitytoken": "refresh"}}
                }}}}"#,
                b64("hubuser:hubpass"),
                b64("local:se:cret"),
                b64("gh:ghpass")
            ),
        );
        let s = store(dir.path());
        for hub in ["docker.io", "index.docker.io", "registry-1.docker.io"] {
            assert_eq!(run(s.get(hub)), Ok(creds("hubuser", "hubpass")), "{hub}");
        }
        assert_eq!(run(s.get("127.0.0.1:5000")), Ok(creds("local", "se:cret")));
        assert_eq!(run(s.get("ghcr.io")), Ok(creds("gh", "ghpass")));
        assert_eq!(run(s.get("old.example")), Ok(creds("old", "pw")));
        assert_eq!(run(s.get("idtoken.example")), Ok(None));
        assert_eq!(run(s.get("127.0.0.1")), Ok(None));
        assert_eq!(run(s.get("quay.io")), Ok(None));
        let found = run(s.find("ghcr.io")).unwrap().unwrap();
        assert_eq!(
            found.source,
            format!("`auths` in {}", dir.path().join("config.json").display())
        );
    }

    #[test]
    fn malformed_config_and_entries_are_errors_that_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let s = store(dir.path());
        write_config(dir.path(), "{ not json");
        let err = run(s.get("ghcr.io")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Credentials);
        assert!(
            err.message.contains("config.json is not valid JSON"),
            "{err}"
        );
        write_config(dir.path(), r#"{"auths": {"ghcr.io": {"auth": "!!!"}}}"#);
        let err = run(s.get("ghcr.io")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Credentials);
        assert!(err.message.contains("not base64 `user:password`"), "{err}");
        write_config(
            dir.path(),
            &format!(
                r#"{{"auths": {{"ghcr.io": {{"auth": "{}"}}}}}}"#,
                b64("nocolon")
            ),
        );
        assert_eq!(
            run(s.get("ghcr.io")).unwrap_err().kind,
            ErrorKind::Credentials
        );
    }

    #[test]
    fn cred_helpers_win_and_get_the_server_url_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        write_config(
            dir.path(),
            &format!(
                r#"{{"credHelpers": {{"ghcr.io": "gh", "https://index.docker.io/v1/": "hub"}},
                    "credsStore": "store",
                    "auths": {{"ghcr.io": {{"auth": "{}"}}}}}}"#,
                b64("file:filepass")
            ),
        );
        helper(
            dir.path(),
            "gh",
            r#"echo '{"ServerURL":"ghcr.io","Username":"helper","Secret":"s3cret"}'"#,
        );
        helper(
            dir.path(),
            "hub",
            r#"echo '{"Username":"hubber","Secret":"hubsecret"}'"#,
        );
        helper(dir.path(), "store", "exit 3");
        let s = store(dir.path());
        let found = run(s.find("ghcr.io")).unwrap().unwrap();
        assert_eq!(Some(found.credentials), creds("helper", "s3cret"));
        assert_eq!(found.source, "`docker-credential-gh`");
        assert_eq!(run(s.get("docker.io")), Ok(creds("hubber", "hubsecret")));
        let log =
            |name: &str| std::fs::read_to_string(dir.path().join(format!("{name}.log"))).unwrap();
        assert_eq!(log("gh"), "get ghcr.io\n");
        assert_eq!(log("hub"), "get https://index.docker.io/v1/\n");
    }

    #[test]
    fn creds_store_then_auths() {
        let dir = tempfile::tempdir().unwrap();
        write_config(
            dir.path(),
            &format!(
                r#"{{"credsStore": "store", "auths": {{"quay.io": {{"auth": "{}"}}}}}}"#,
                b64("file:filepass")
            ),
        );
        helper(
            dir.path(),
            "store",
            r#"if [ "$server" = ghcr.io ]; then echo '{"Username":"st","Secret":"stpass"}'; else echo "credentials not found in native keychain"; exit 1; fi"#,
        );
        let s = store(dir.path());
        assert_eq!(run(s.get("ghcr.io")), Ok(creds("st", "stpass")));
        assert_eq!(run(s.get("quay.io")), Ok(creds("file", "filepass")));
        assert_eq!(run(s.get("example.com")), Ok(None));
    }

    #[test]
    fn identity_tokens_from_helpers_are_no_credentials() {
        let dir = tempfile::tempdir().unwrap();
        write_config(dir.path(), r#"{"credsStore": "store"}"#);
        helper(
            dir.path(),
            "store",
            r#"echo '{"Username":"<token>","Secret":"refresh"}'"#,
        );
        assert_eq!(run(store(dir.path()).get("ghcr.io")), Ok(None));
    }

    #[test]
    fn failing_helpers_are_errors_naming_the_program_never_the_secret() {
        let dir = tempfile::tempdir().unwrap();
        write_config(
            dir.path(),
            r#"{"credHelpers": {"a.io": "fails", "b.io": "garbage", "c.io": "missing", "d.io": "slow", "e.io": "../x"}}"#,
        );
        helper(
            dir.path(),
            "fails",
            "echo '{\"Secret\":\"leaked\"}'\necho 'keyring locked' >&2\necho more >&2\nexit 7",
        );
        helper(dir.path(), "garbage", "echo 'Secret: hunter2'");
        helper(dir.path(), "slow", "sleep 30");
        let s = store(dir.path());
        let err = run(s.get("a.io")).unwrap_err();
        assert_eq!(
            (err.kind, err.host.as_str(), err.message.as_str()),
            (
                ErrorKind::Credentials,
                "a.io",
                "`docker-credential-fails` failed (exit status: 7): keyring locked"
            )
        );
        let err = run(s.get("b.io")).unwrap_err();
        assert_eq!(
            err.message,
            "`docker-credential-garbage` did not answer with JSON"
        );
        assert!(!format!("{err:?}").contains("hunter2"));
        let err = run(s.get("c.io")).unwrap_err();
        assert_eq!(
            err.message,
            "the credential helper `docker-credential-missing` is not on PATH"
        );
        let err = run(s.get("e.io")).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Credentials);
        let started = std::time::Instant::now();
        let err = run(s.get("d.io")).unwrap_err();
        assert_eq!(
            err.message,
            "`docker-credential-slow` did not answer within 5 s"
        );
        assert!(started.elapsed() < Duration::from_secs(8));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let found = Found {
            credentials: Credentials {
                username: "u".into(),
                secret: "topsecret".into(),
            },
            source: "x".into(),
        };
        assert!(!format!("{found:?}").contains("topsecret"));
    }
}

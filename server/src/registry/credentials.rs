//! The user's registry credentials, read the way the Docker CLI reads them: the
//! folder `$DOCKER_CONFIG` (else `~/.docker`), its `config.json` with `auths.<host>.auth`
//! (base64 `user:password`), `credHelpers.<host>` and `credsStore`, which name a
//! `docker-credential-<name>` program that answers `get` (the server URL on stdin, JSON
//! `{"Username","Secret"}` on stdout).
//!
//! Docker Hub's credentials are stored under `https://index.docker.io/v1/` (and are
//! looked up for `docker.io`, `index.docker.io` and `registry-1.docker.io`).

use std::ffi::OsString;
use std::fmt;
use std::path::PathBuf;

use super::LookupError;

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
        let _ = host;
        todo!("H1a")
    }
}

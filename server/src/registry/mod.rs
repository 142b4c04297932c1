//! Registry lookups: the digest a tag points to, asked of whatever OCI registry the
//! image lives on (the distribution `/v2/` API), with the user's Docker credentials.
//!
//! Outside the pure core, like `lsp` and `cli`: this module does network and process
//! I/O. The analysis never calls it; it reads the facts already fetched
//! ([`crate::config::Config::image_facts`]).
//!
//! - [`client`]: [`HttpRegistry`], the `/v2/` protocol over reqwest + rustls (ring):
//!   HEAD, then GET when needed, digest verification, the basic and bearer-token flows,
//!   http only for loopback and configured insecure hosts.
//! - [`auth`]: `WWW-Authenticate` challenges.
//! - [`credentials`]: Docker's `config.json` (`auths`, `credHelpers`, `credsStore`) and
//!   the `docker-credential-*` programs.
//! - [`cache`]: [`Resolver`], the cache in front of any [`Registry`]: TTL, negative
//!   caching, one lookup per reference at a time, offline mode.
//! - [`plan`]: the tags of a file's image references and their lookups all at once
//!   (shared by the LSP actions and `dockerfile-lsp pin`).
//!
//! Invariant: a credential or token is never logged, never part of an error message,
//! and never sent to a host other than the one it is for.

pub mod auth;
pub mod cache;
pub mod client;
pub mod credentials;
pub mod plan;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

pub use cache::{CacheOptions, Resolver};
pub use client::HttpRegistry;

use crate::semantic::{ImageFacts, ImageRef};

/// What one lookup asks: a tag of a repository on a registry, normalised as Docker
/// does (`node` → `docker.io`, `library/node`, `latest`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// The registry as written in references (`docker.io`, `ghcr.io`, `127.0.0.1:5000`).
    pub registry: String,
    /// The repository path (`library/node`).
    pub repository: String,
    pub tag: String,
}

impl Key {
    /// The tag `r` follows (`latest` when none is written); `None` for a digest-only
    /// reference, which follows no tag.
    pub fn of(r: &ImageRef) -> Option<Key> {
        Some(Key {
            registry: r.registry.clone(),
            repository: r.repository.clone(),
            tag: r.tag_or_latest()?.to_owned(),
        })
    }

    /// The host the API is served from: Docker Hub's `docker.io` and
    /// `index.docker.io` are `registry-1.docker.io`.
    pub fn api_host(&self) -> &str {
        match self.registry.as_str() {
            "docker.io" | "index.docker.io" => "registry-1.docker.io",
            other => other,
        }
    }

    /// The key of [`crate::semantic::FactsTable`]: `docker.io/library/node:22`, the same
    /// string as [`ImageRef::tag_key`].
    pub fn table_key(&self) -> String {
        format!("{}/{}:{}", self.registry, self.repository, self.tag)
    }
}

impl fmt::Display for Key {
    /// As a user writes it: `node:22`, `user/app:1`, `ghcr.io/o/app:1`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.registry == "docker.io" {
            let repo = self
                .repository
                .strip_prefix("library/")
                .unwrap_or(&self.repository);
            write!(f, "{repo}:{}", self.tag)
        } else {
            write!(f, "{}/{}:{}", self.registry, self.repository, self.tag)
        }
    }
}

/// Why a lookup failed, in categories a caller may act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Offline mode and nothing cached.
    Offline,
    /// The registry did not answer in time.
    Timeout,
    /// No connection (refused, DNS, reset).
    Connect,
    /// The TLS handshake or certificate failed.
    Tls,
    /// 401: no credentials, or the registry refused them.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404: no such repository or tag.
    NotFound,
    /// 429: rate limited.
    RateLimited,
    /// The `Docker-Content-Digest` header disagrees with the sha256 of the body.
    DigestMismatch,
    /// Refused by policy: plain http to a non-loopback host that is not listed as
    /// insecure, or credentials that would go to another host.
    Refused,
    /// The credential helper failed or `config.json` could not be read.
    Credentials,
    /// Any other answer we cannot use (5xx, malformed headers or body).
    Protocol,
}

/// A failed lookup: the host asked and a sentence for the user. Never contains a
/// credential or a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookupError {
    pub host: String,
    pub kind: ErrorKind,
    /// What went wrong, for the user ("tag `22` of `library/node` not found").
    pub message: String,
}

impl LookupError {
    pub fn new(host: impl Into<String>, kind: ErrorKind, message: impl Into<String>) -> Self {
        LookupError {
            host: host.into(),
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.host, self.message)
    }
}

impl std::error::Error for LookupError {}

/// A boxed, sendable future (the [`Registry`] trait is object safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Anything that can answer "which digest does this tag point to": the real
/// [`HttpRegistry`], or a table in tests.
pub trait Registry: Send + Sync + 'static {
    fn lookup<'a>(&'a self, key: &'a Key) -> BoxFuture<'a, Result<ImageFacts, LookupError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::of(&ImageRef::parse(s).unwrap()).unwrap()
    }

    #[test]
    fn keys_follow_docker_normalisation() {
        let k = key("node");
        assert_eq!(
            (k.registry.as_str(), k.repository.as_str(), k.tag.as_str()),
            ("docker.io", "library/node", "latest")
        );
        assert_eq!(k.api_host(), "registry-1.docker.io");
        assert_eq!(k.to_string(), "node:latest");
        let k = key("user/app:1");
        assert_eq!(
            (k.table_key(), k.to_string()),
            ("docker.io/user/app:1".into(), "user/app:1".into())
        );
        let k = key("host:5000/a/b:tag@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assert_eq!(
            (k.api_host(), k.repository.as_str(), k.tag.as_str()),
            ("host:5000", "a/b", "tag")
        );
        assert_eq!(key("localhost/x").api_host(), "localhost");
        assert_eq!(
            key("index.docker.io/library/node:22").api_host(),
            "registry-1.docker.io"
        );
        let digest_only = ImageRef::parse(
            "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        )
        .unwrap();
        assert_eq!(Key::of(&digest_only), None);
        assert_eq!(
            ImageRef::parse("node:22").unwrap().tag_key().as_deref(),
            Some(key("node:22").table_key().as_str())
        );
    }
}

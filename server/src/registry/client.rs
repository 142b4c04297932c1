//! [`HttpRegistry`]: the OCI distribution API over reqwest with rustls (ring).
//!
//! A lookup is `HEAD /v2/<repo>/manifests/<tag>` with the index and manifest media types
//! in `Accept`; the digest is `Docker-Content-Digest`. Without that header, or to read
//! the platforms of an index, the manifest is fetched with GET and its sha256 computed
//! from the exact bytes (and compared with the header when there is one). A `401` leads
//! to the bearer-token flow (`Bearer realm=…`) or to basic credentials (`Basic`).

use std::time::Duration;

use super::credentials::Store;
use super::{BoxFuture, Key, LookupError, Registry};
use crate::semantic::ImageFacts;

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
                dir: config.docker_config.as_ref().map(Into::into),
                helper_path: None,
            },
        }
    }
}

/// The registry client. Cheap to clone (the connection pool is shared).
#[derive(Clone, Debug)]
pub struct HttpRegistry {
    options: ClientOptions,
}

impl HttpRegistry {
    /// A client with `options`; an error when the TLS setup fails.
    pub fn new(options: ClientOptions) -> Result<HttpRegistry, String> {
        Ok(HttpRegistry { options })
    }

    /// Looks the tag up (see the module documentation).
    pub async fn fetch(&self, key: &Key) -> Result<ImageFacts, LookupError> {
        let _ = (key, &self.options);
        todo!("H1b")
    }
}

impl Registry for HttpRegistry {
    fn lookup<'a>(&'a self, key: &'a Key) -> BoxFuture<'a, Result<ImageFacts, LookupError>> {
        Box::pin(self.fetch(key))
    }
}

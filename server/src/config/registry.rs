//! How the registry client is asked: offline mode, timeout, cache lifetimes, hosts that
//! may be spoken to over plain http, and where Docker's `config.json` lives. Pure data;
//! read from `[registry]` in `dockerfile-lsp.toml` (`config/load.rs`) and from the editor
//! settings `dockerfileLsp.registry.*` (`lsp/config.rs`).

use std::time::Duration;

/// The `[registry]` table / `registry` settings object. `None` fields are unset, so
/// that a later source only overrides what it names ([`RegistryConfig::merge`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RegistryConfig {
    /// Never contact a registry; answer from the cache only.
    pub offline: Option<bool>,
    /// The time one lookup may take, all requests included (token, HEAD, GET).
    pub timeout_ms: Option<u64>,
    /// How long a fetched digest is trusted before it is asked for again.
    pub cache_ttl_secs: Option<u64>,
    /// Hosts (`host` or `host:port`) spoken to over plain http. Loopback hosts always
    /// are; every other host is https only.
    pub insecure_hosts: Vec<String>,
    /// Docker's configuration folder (what `$DOCKER_CONFIG` names); default:
    /// `$DOCKER_CONFIG`, else `~/.docker`.
    pub docker_config: Option<String>,
}

impl RegistryConfig {
    /// The lookup timeout when none is configured.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The cache lifetime of a fetched digest when none is configured.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(15 * 60);
    /// How long a failed lookup is remembered (negative cache), so a failing registry is
    /// not asked again on every request.
    pub const NEGATIVE_TTL: Duration = Duration::from_secs(30);

    pub fn offline(&self) -> bool {
        self.offline.unwrap_or(false)
    }

    pub fn timeout(&self) -> Duration {
        self.timeout_ms
            .map(Duration::from_millis)
            .unwrap_or(Self::DEFAULT_TIMEOUT)
    }

    pub fn ttl(&self) -> Duration {
        self.cache_ttl_secs
            .map(Duration::from_secs)
            .unwrap_or(Self::DEFAULT_TTL)
    }

    /// Values set in `other` win; insecure hosts add up.
    pub fn merge(&mut self, other: &RegistryConfig) {
        if other.offline.is_some() {
            self.offline = other.offline;
        }
        if other.timeout_ms.is_some() {
            self.timeout_ms = other.timeout_ms;
        }
        if other.cache_ttl_secs.is_some() {
            self.cache_ttl_secs = other.cache_ttl_secs;
        }
        for host in &other.insecure_hosts {
            if !self.insecure_hosts.contains(host) {
                self.insecure_hosts.push(host.clone());
            }
        }
        if other.docker_config.is_some() {
            self.docker_config = other.docker_config.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_merge() {
        let mut a = RegistryConfig::default();
        assert!(!a.offline());
        assert_eq!(a.timeout(), RegistryConfig::DEFAULT_TIMEOUT);
        assert_eq!(a.ttl(), RegistryConfig::DEFAULT_TTL);
        a.merge(&RegistryConfig {
            offline: Some(true),
            timeout_ms: Some(500),
            insecure_hosts: vec!["reg.lan:5000".into()],
            ..RegistryConfig::default()
        });
        a.merge(&RegistryConfig {
            insecure_hosts: vec!["reg.lan:5000".into(), "other".into()],
            ..RegistryConfig::default()
        });
        assert!(a.offline());
        assert_eq!(a.timeout(), Duration::from_millis(500));
        assert_eq!(a.insecure_hosts, ["reg.lan:5000", "other"]);
    }
}

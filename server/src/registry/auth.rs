//! `WWW-Authenticate` challenges (RFC 7235 syntax): `Basic realm="…"` and
//! `Bearer realm="…",service="…",scope="…"`, and the token request they lead to.

/// One challenge of a `WWW-Authenticate` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    Basic {
        realm: Option<String>,
    },
    Bearer {
        /// The token endpoint (an absolute URL).
        realm: String,
        service: Option<String>,
        scope: Option<String>,
    },
}

/// Every challenge in a header value (several may share one header, comma-separated;
/// quoted strings may contain commas). Unknown schemes are skipped; a malformed value
/// gives no challenges.
pub fn parse_challenges(header: &str) -> Vec<Challenge> {
    let _ = header;
    todo!("H1a")
}

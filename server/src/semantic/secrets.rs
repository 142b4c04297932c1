//! Names and values that look like secrets, with BuildKit's `SecretsUsedInArgOrEnv`
//! token rule plus our allow-list (see the `secret-in-arg-env` rule for the reasons).
//! Shared by that rule and the build-cache model (a secret ARG used in a RUN is part
//! of its cache key and of the image history).

const SECRET_TOKENS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];

/// BuildKit's allow-list (`public`, `file`, `version`) plus ours.
const ALLOW_TOKENS: &[&str] = &[
    "public",
    "file",
    "version",
    "gpg",
    "pgp",
    "gnupg",
    "fingerprint",
    "keyring",
    "id",
    "ids",
    "path",
    "dir",
    "url",
    "uri",
    "name",
    "type",
    "length",
    "size",
    "server",
    "host",
    "header",
    "enabled",
    "required",
    "method",
    "mode",
];

/// True when `name` looks like it holds a secret.
pub fn looks_secret(name: &str) -> bool {
    let tokens: Vec<String> = name.split('_').map(|t| t.to_ascii_lowercase()).collect();
    tokens.iter().any(|t| SECRET_TOKENS.contains(&t.as_str()))
        && !tokens.iter().any(|t| ALLOW_TOKENS.contains(&t.as_str()))
}

/// OpenPGP fingerprints (40 hex digits) and long key ids (16), alone or as a
/// space-separated list, optionally `0x`-prefixed: public key identifiers.
pub fn is_key_fingerprint(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']).trim();
    !v.is_empty()
        && v.split_whitespace().all(|k| {
            let k = k.strip_prefix("0x").unwrap_or(k);
            matches!(k.len(), 16 | 40) && k.bytes().all(|c| c.is_ascii_hexdigit())
        })
}

#[cfg(test)]
mod tests {
    use super::{is_key_fingerprint, looks_secret};

    #[test]
    fn token_matching() {
        for name in [
            "DB_PASSWORD",
            "GITHUB_TOKEN",
            "api_key",
            "AUTH",
            "secret_MESSAGE",
        ] {
            assert!(looks_secret(name), "{name}");
        }
        for name in [
            "PUBLIC_KEY",
            "PASSWORD_FILE",
            "MONKEY",
            "GPG_KEY",
            "TOKEN_VERSION",
            "KEYS",
            "SSH_KEY_PATH",
        ] {
            assert!(!looks_secret(name), "{name}");
        }
    }

    #[test]
    fn key_fingerprints() {
        assert!(is_key_fingerprint("0x8D81803C0EBFCD88"));
        assert!(is_key_fingerprint(
            "\"B42F6819007F00F88E364FD4036A9C25BF357DD4 8D81803C0EBFCD88\""
        ));
        assert!(!is_key_fingerprint("hunter2"));
        assert!(!is_key_fingerprint(""));
    }
}

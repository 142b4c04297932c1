//! `WWW-Authenticate` challenges (RFC 7235 syntax): `Basic realm="…"` and
//! `Bearer realm="…",service="…",scope="…"`, and the token request they lead to.

/// One challenge of a `WWW-Authenticate` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Challenge {
    /// Send basic credentials to the registry itself.
    Basic {
        /// The protection space, when named (informational only).
        realm: Option<String>,
    },
    /// Fetch a token from `realm`, then send it as `Authorization: Bearer`.
    Bearer {
        /// The token endpoint (an absolute URL).
        realm: String,
        /// The `service` parameter of the token request.
        service: Option<String>,
        /// The scope the registry asked for (`repository:library/node:pull`).
        scope: Option<String>,
    },
}

/// Every challenge in a header value (several may share one header, comma-separated;
/// quoted strings may contain commas). Unknown schemes are skipped; a malformed value
/// gives no challenges.
pub fn parse_challenges(header: &str) -> Vec<Challenge> {
    match raw_challenges(header) {
        Some(raw) => raw
            .into_iter()
            .filter_map(RawChallenge::into_challenge)
            .collect(),
        None => Vec::new(),
    }
}

/// The token of a token endpoint's JSON answer: `token`, else `access_token`; `None`
/// when the body is not JSON or names no non-empty token.
pub fn token_from_response(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    ["token", "access_token"].iter().find_map(|field| {
        value
            .get(field)
            .and_then(|v| v.as_str())
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    })
}

/// A challenge as written: its scheme (lowercased) and parameters (names lowercased,
/// first occurrence wins).
struct RawChallenge {
    scheme: String,
    params: Vec<(String, String)>,
}

impl RawChallenge {
    fn param(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    fn into_challenge(self) -> Option<Challenge> {
        match self.scheme.as_str() {
            "basic" => Some(Challenge::Basic {
                realm: self.param("realm"),
            }),
            "bearer" => Some(Challenge::Bearer {
                realm: self.param("realm").filter(|r| !r.is_empty())?,
                service: self.param("service"),
                scope: self.param("scope"),
            }),
            _ => None,
        }
    }
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn is_token68_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~+/".contains(c)
}

/// A cursor over a header value.
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
    }

    fn skip_ws_and_commas(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | ',')) {
            self.pos += 1;
        }
    }

    fn take_while(&mut self, f: impl Fn(char) -> bool) -> &str {
        let start = self.pos;
        while let Some(c) = self.peek().filter(|&c| f(c)) {
            self.pos += c.len_utf8();
        }
        &self.s[start..self.pos]
    }

    /// A quoted string (the cursor at its opening quote), unescaped; `None` when
    /// unterminated.
    fn quoted(&mut self) -> Option<String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let c = self.peek()?;
            self.pos += c.len_utf8();
            match c {
                '"' => return Some(out),
                '\\' => {
                    let escaped = self.peek()?;
                    self.pos += escaped.len_utf8();
                    out.push(escaped);
                }
                c => out.push(c),
            }
        }
    }

    /// `name = value` at the cursor, or `None` (the cursor unchanged) when what follows
    /// is not an auth-param. `Err` when it is one but malformed.
    fn param(&mut self) -> Result<Option<(String, String)>, ()> {
        let start = self.pos;
        let name = self.take_while(is_tchar).to_ascii_lowercase();
        self.skip_ws();
        if name.is_empty() || self.peek() != Some('=') {
            self.pos = start;
            return Ok(None);
        }
        self.pos += 1;
        self.skip_ws();
        let value = match self.peek() {
            Some('"') => self.quoted().ok_or(())?,
            Some(c) if is_tchar(c) => self.take_while(is_tchar).to_owned(),
            // `name=` followed by nothing usable: a token68 ending in `=`, not a param.
            _ => {
                self.pos = start;
                return Ok(None);
            }
        };
        Ok(Some((name, value)))
    }
}

/// Splits a header value into challenges; `None` when malformed.
fn raw_challenges(header: &str) -> Option<Vec<RawChallenge>> {
    let mut c = Cursor { s: header, pos: 0 };
    let mut out: Vec<RawChallenge> = Vec::new();
    loop {
        c.skip_ws_and_commas();
        if c.peek().is_none() {
            return Some(out);
        }
        // A parameter of the current challenge, or the scheme of a new one.
        if let Some(current) = out.last_mut().filter(|_| c.pos > 0) {
            if let Some((name, value)) = c.param().ok()? {
                if !current.params.iter().any(|(n, _)| *n == name) {
                    current.params.push((name, value));
                }
                expect_separator(&mut c)?;
                continue;
            }
        }
        let scheme = c.take_while(is_tchar).to_ascii_lowercase();
        if scheme.is_empty() {
            return None;
        }
        let mut challenge = RawChallenge {
            scheme,
            params: Vec::new(),
        };
        let before_space = c.pos;
        c.skip_ws();
        if c.pos > before_space {
            match c.param().ok()? {
                Some(p) => challenge.params.push(p),
                None => {
                    // token68 (`Basic dXNlcg==`) or the next challenge's scheme.
                    let start = c.pos;
                    let token = c.take_while(is_token68_char).len();
                    let padding = c.take_while(|ch| ch == '=').len();
                    if token == 0 || (padding == 0 && !at_separator(&c)) {
                        c.pos = start;
                    }
                }
            }
        }
        out.push(challenge);
        expect_separator(&mut c)?;
    }
}

fn at_separator(c: &Cursor<'_>) -> bool {
    matches!(c.peek(), None | Some(',' | ' ' | '\t'))
}

/// After an item: whitespace, then a comma or the end, or (after a scheme alone) the
/// next item.
fn expect_separator(c: &mut Cursor<'_>) -> Option<()> {
    c.skip_ws();
    match c.peek() {
        None | Some(',') => Some(()),
        Some(ch) if is_tchar(ch) => Some(()),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(realm: &str, service: Option<&str>, scope: Option<&str>) -> Challenge {
        Challenge::Bearer {
            realm: realm.into(),
            service: service.map(Into::into),
            scope: scope.map(Into::into),
        }
    }

    #[test]
    fn docker_hub_bearer_challenge() {
        assert_eq!(
            parse_challenges(
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/node:pull""#
            ),
            [bearer(
                "https://auth.docker.io/token",
                Some("registry.docker.io"),
                Some("repository:library/node:pull")
            )]
        );
    }

    #[test]
    fn scheme_and_names_are_case_insensitive_and_spacing_is_free() {
        assert_eq!(
            parse_challenges(r#"bEaReR  REALM = "https://a/t" , Service=reg"#),
            [bearer("https://a/t", Some("reg"), None)]
        );
        assert_eq!(
            parse_challenges("BASIC realm=x"),
            [Challenge::Basic {
                realm: Some("x".into())
            }]
        );
    }

    #[test]
    fn quoted_strings_keep_commas_and_escapes() {
        assert_eq!(
            parse_challenges(
                r#"Bearer realm="https://a/t?x=1,2",scope="repository:a/b:pull,push",service="say \"hi\"\\""#
            ),
            [bearer(
                "https://a/t?x=1,2",
                Some(r#"say "hi"\"#),
                Some("repository:a/b:pull,push")
            )]
        );
    }

    #[test]
    fn several_challenges_in_one_value_and_unknown_schemes_skipped() {
        assert_eq!(
            parse_challenges(
                r#"Negotiate, NTLM abc123==, Basic realm="Registry Realm", Bearer realm="https://t/", Digest realm="x", nonce="y""#
            ),
            [
                Challenge::Basic {
                    realm: Some("Registry Realm".into())
                },
                bearer("https://t/", None, None),
            ]
        );
        assert_eq!(
            parse_challenges("Basic"),
            [Challenge::Basic { realm: None }]
        );
    }

    #[test]
    fn malformed_values_give_nothing() {
        for bad in [
            r#"Bearer realm="https://unterminated"#,
            r#"Bearer realm="a" "b""#,
            "Bearer realm=\"a\" ;",
            "=",
            ",,=x",
            "Bearer realm=\"x\\",
        ] {
            assert_eq!(parse_challenges(bad), [], "{bad}");
        }
        assert_eq!(parse_challenges(""), []);
        // A bearer challenge without a realm is of no use.
        assert_eq!(parse_challenges("Bearer service=\"x\""), []);
        assert_eq!(parse_challenges("Bearer realm=\"\""), []);
    }

    #[test]
    fn first_occurrence_of_a_parameter_wins() {
        assert_eq!(
            parse_challenges(r#"Bearer realm="https://first/",realm="https://second/""#),
            [bearer("https://first/", None, None)]
        );
    }

    #[test]
    fn token_answers() {
        assert_eq!(
            token_from_response(br#"{"token":"abc","expires_in":300}"#).as_deref(),
            Some("abc")
        );
        assert_eq!(
            token_from_response(br#"{"access_token":"xyz"}"#).as_deref(),
            Some("xyz")
        );
        assert_eq!(
            token_from_response(br#"{"token":"","access_token":"xyz"}"#).as_deref(),
            Some("xyz")
        );
        assert_eq!(token_from_response(br#"{"token":5}"#), None);
        assert_eq!(token_from_response(b"<html>"), None);
    }

    #[test]
    fn arbitrary_text_never_panics() {
        for s in [
            "\"",
            "\\",
            "é=ü",
            "Bearer é",
            "a=\"\\",
            ", , ,",
            "Basic ====",
        ] {
            let _ = parse_challenges(s);
        }
    }
}

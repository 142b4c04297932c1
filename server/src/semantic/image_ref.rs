//! Image references (`[registry/]repository[:tag][@digest]`) with Docker Hub
//! normalisation (`ubuntu` → `docker.io/library/ubuntu`). Pure string work.

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host (with port), `docker.io` when none is written.
    pub registry: String,
    /// The repository path, `library/` added for Docker Hub official images.
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
    /// The reference as written (after variable expansion).
    pub written: String,
}

/// Why a reference is not valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRef(pub String);

impl ImageRef {
    /// Parses a reference the way Docker's reference grammar does.
    pub fn parse(s: &str) -> Result<ImageRef, InvalidRef> {
        if s.is_empty() {
            return Err(InvalidRef("the image reference is empty".into()));
        }
        let (name_tag, digest) = match s.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (s, None),
        };
        if let Some(d) = digest {
            if !is_valid_digest(d) {
                return Err(InvalidRef(format!("invalid digest `{d}`")));
            }
        }
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag[last_slash..].rfind(':') {
            Some(i) => (
                &name_tag[..last_slash + i],
                Some(&name_tag[last_slash + i + 1..]),
            ),
            None => (name_tag, None),
        };
        if let Some(t) = tag {
            let ok = !t.is_empty()
                && t.len() <= 128
                && t.bytes()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                && t.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(&c));
            if !ok {
                return Err(InvalidRef(format!("invalid tag `{t}`")));
            }
        }
        let (registry, path) = match name.split_once('/') {
            Some((first, rest))
                if first.contains('.')
                    || first.contains(':')
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (first.to_string(), rest)
            }
            _ => ("docker.io".to_string(), name),
        };
        if name.contains('/') && !valid_host(&registry) {
            return Err(InvalidRef(format!("invalid registry host `{registry}`")));
        }
        if name.len() > 255 {
            return Err(InvalidRef(
                "the repository name is longer than 255 characters".into(),
            ));
        }
        // Docker's legacy name for Hub (`index.docker.io/library/node`) is Hub.
        let registry = if registry == "index.docker.io" {
            "docker.io".to_string()
        } else {
            registry
        };
        if path.is_empty() {
            return Err(InvalidRef("the repository name is empty".into()));
        }
        for component in path.split('/') {
            if !valid_component(component) {
                return Err(InvalidRef(format!(
                    "invalid repository name component `{component}` (lowercase letters, digits and separators only)"
                )));
            }
        }
        let repository = if registry == "docker.io" && !path.contains('/') {
            format!("library/{path}")
        } else {
            path.to_string()
        };
        Ok(ImageRef {
            registry,
            repository,
            tag: tag.map(str::to_string),
            digest: digest.map(str::to_string),
            written: s.to_string(),
        })
    }

    /// `docker.io/library/ubuntu:22.04@sha256:…`
    pub fn full_name(&self) -> String {
        let mut s = format!("{}/{}", self.registry, self.repository);
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(d);
        }
        s
    }

    pub fn is_docker_hub(&self) -> bool {
        self.registry == "docker.io"
    }

    /// The tag this reference follows, `latest` when none is written; `None` for a
    /// digest-only reference (it follows no tag).
    pub fn tag_or_latest(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, Some(_)) => None,
            (None, None) => Some("latest"),
        }
    }

    /// The key of registry facts about the tag this reference follows:
    /// `docker.io/library/node:22` (`latest` when no tag is written). `None` for a
    /// digest-only reference.
    pub fn tag_key(&self) -> Option<String> {
        let tag = self.tag_or_latest()?;
        Some(format!("{}/{}:{tag}", self.registry, self.repository))
    }
}

/// `algorithm:hex` as Docker checks it (`digest.Parse`): one of the algorithms it
/// supports (`sha256`, `sha384`, `sha512`, lowercase) with exactly its length of lowercase
/// hex; any other algorithm is "unsupported". Shared by the reference parser, the pin edit
/// and the registry client, so they agree on what a digest is.
pub fn is_valid_digest(d: &str) -> bool {
    let Some((algo, hex)) = d.split_once(':') else {
        return false;
    };
    let len = match algo {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return false,
    };
    hex.len() == len
        && hex
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// A registry host as Docker's reference grammar has it: dot-separated labels of
/// letters, digits and inner hyphens, or a bracketed IPv6 address, and an optional
/// `:port`.
fn valid_host(host: &str) -> bool {
    let port_ok =
        |p: Option<&str>| p.is_none_or(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit()));
    if let Some(rest) = host.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        let port = match after {
            "" => None,
            a => match a.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        return !v6.is_empty()
            && v6.bytes().all(|c| c.is_ascii_hexdigit() || c == b':')
            && port_ok(port);
    }
    let (name, port) = match host.split_once(':') {
        Some((n, p)) => (n, Some(p)),
        None => (host, None),
    };
    port_ok(port)
        && !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-')
        })
}

fn valid_component(c: &str) -> bool {
    // [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*
    let b = c.as_bytes();
    if b.is_empty() || !is_alnum(b[0]) || !is_alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if is_alnum(b[i]) {
            i += 1;
            continue;
        }
        let sep_start = i;
        while i < b.len() && !is_alnum(b[i]) {
            i += 1;
        }
        let sep = &c[sep_start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

#[cfg(test)]
mod tests {
    use expect_test::{expect, Expect};

    use super::*;

    const D: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// One line per reference: registry, repository, tag, digest, the facts key and
    /// the tag followed, or the error.
    fn parsed(refs: &[&str], expect: Expect) {
        let mut out = String::new();
        for s in refs {
            let line = match ImageRef::parse(s) {
                Ok(r) => format!(
                    "{} | {} | {} | {} | key {} | follows {}",
                    r.registry,
                    r.repository,
                    r.tag.as_deref().unwrap_or("-"),
                    r.digest
                        .as_deref()
                        .map_or("-".into(), |d| format!("{}…", &d[..13])),
                    r.tag_key().as_deref().unwrap_or("-"),
                    r.tag_or_latest().unwrap_or("-"),
                ),
                Err(e) => format!("error: {}", e.0),
            };
            let shown = s.replace(&D[7..], "…");
            let cut = |t: &str| match t.char_indices().nth(120) {
                Some((i, _)) => format!("{}…", &t[..i]),
                None => t.to_string(),
            };
            out.push_str(&format!("{:<40} {}\n", cut(&shown), cut(&line)));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn normalises_the_forms_docker_accepts() {
        let with_digest = |r: &str| format!("{r}@{D}");
        parsed(
            &[
                "node",
                "user/name:tag",
                &with_digest("host:5000/a/b:tag"),
                "localhost/x",
                "localhost:5000/x:1",
                "localhost",
                &with_digest("node:22"),
                &with_digest("node"),
                "index.docker.io/node:22",
                "index.docker.io/user/app",
                "docker.io/library/node",
                "docker.io/node",
                "ghcr.io/o/r/deep/path:1.2.3",
                "Host/app",
                "[::1]:5000/app:1",
                "a-b.example.com/x__y/z-1:_v",
                "node:latest",
            ],
            expect![[r#"
                node                                     docker.io | library/node | - | - | key docker.io/library/node:latest | follows latest
                user/name:tag                            docker.io | user/name | tag | - | key docker.io/user/name:tag | follows tag
                host:5000/a/b:tag@sha256:…               host:5000 | a/b | tag | sha256:012345… | key host:5000/a/b:tag | follows tag
                localhost/x                              localhost | x | - | - | key localhost/x:latest | follows latest
                localhost:5000/x:1                       localhost:5000 | x | 1 | - | key localhost:5000/x:1 | follows 1
                localhost                                docker.io | library/localhost | - | - | key docker.io/library/localhost:latest | follows latest
                node:22@sha256:…                         docker.io | library/node | 22 | sha256:012345… | key docker.io/library/node:22 | follows 22
                node@sha256:…                            docker.io | library/node | - | sha256:012345… | key - | follows -
                index.docker.io/node:22                  docker.io | library/node | 22 | - | key docker.io/library/node:22 | follows 22
                index.docker.io/user/app                 docker.io | user/app | - | - | key docker.io/user/app:latest | follows latest
                docker.io/library/node                   docker.io | library/node | - | - | key docker.io/library/node:latest | follows latest
                docker.io/node                           docker.io | library/node | - | - | key docker.io/library/node:latest | follows latest
                ghcr.io/o/r/deep/path:1.2.3              ghcr.io | o/r/deep/path | 1.2.3 | - | key ghcr.io/o/r/deep/path:1.2.3 | follows 1.2.3
                Host/app                                 Host | app | - | - | key Host/app:latest | follows latest
                [::1]:5000/app:1                         [::1]:5000 | app | 1 | - | key [::1]:5000/app:1 | follows 1
                a-b.example.com/x__y/z-1:_v              a-b.example.com | x__y/z-1 | _v | - | key a-b.example.com/x__y/z-1:_v | follows _v
                node:latest                              docker.io | library/node | latest | - | key docker.io/library/node:latest | follows latest
            "#]],
        );
        let r = ImageRef::parse(&format!("ghcr.io/o/r:1.2@{D}")).unwrap();
        assert_eq!(r.full_name(), format!("ghcr.io/o/r:1.2@{D}"));
        assert_eq!(r.written, format!("ghcr.io/o/r:1.2@{D}"));
        assert!(!r.is_docker_hub());
        assert!(ImageRef::parse("index.docker.io/node")
            .unwrap()
            .is_docker_hub());
    }

    #[test]
    fn rejects_malformed_references() {
        let long = format!("a/{}", "b".repeat(254));
        parsed(
            &[
                "",
                "Ubuntu",
                "ubuntu:",
                ":22",
                "ubuntu@sha256:xyz",
                "a//b",
                "ghcr.io/Org/app",
                "node:-x",
                &format!("node:{}", "t".repeat(129)),
                "node@sha256:0123456789abcdef0123456789abcdef0123456789",
                &D.to_uppercase().replace("SHA256", "node@sha256"),
                "node@md5",
                "node@SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "node@md5:0123456789abcdef0123456789abcdef",
                "my_host:5000/app",
                "host:port/app",
                "-bad.io/app",
                "[::1/app",
                "a__-b",
                "x/",
                &long,
            ],
            expect![[r#"
                                                         error: the image reference is empty
                Ubuntu                                   error: invalid repository name component `Ubuntu` (lowercase letters, digits and separators only)
                ubuntu:                                  error: invalid tag ``
                :22                                      error: the repository name is empty
                ubuntu@sha256:xyz                        error: invalid digest `sha256:xyz`
                a//b                                     error: invalid repository name component `` (lowercase letters, digits and separators only)
                ghcr.io/Org/app                          error: invalid repository name component `Org` (lowercase letters, digits and separators only)
                node:-x                                  error: invalid tag `-x`
                node:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt… error: invalid tag `tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt…
                node@sha256:0123456789abcdef0123456789abcdef0123456789 error: invalid digest `sha256:0123456789abcdef0123456789abcdef0123456789`
                node@sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF error: invalid digest `sha256:0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF`
                node@md5                                 error: invalid digest `md5`
                node@SHA256:…                            error: invalid digest `SHA256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef`
                node@md5:0123456789abcdef0123456789abcdef error: invalid digest `md5:0123456789abcdef0123456789abcdef`
                my_host:5000/app                         error: invalid registry host `my_host:5000`
                host:port/app                            error: invalid registry host `host:port`
                -bad.io/app                              error: invalid registry host `-bad.io`
                [::1/app                                 error: invalid registry host `[::1`
                a__-b                                    error: invalid repository name component `a__-b` (lowercase letters, digits and separators only)
                x/                                       error: invalid repository name component `` (lowercase letters, digits and separators only)
                a/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb… error: the repository name is longer than 255 characters
            "#]],
        );
    }
}

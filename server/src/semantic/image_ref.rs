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
            let valid = d.split_once(':').is_some_and(|(algo, hex)| {
                !algo.is_empty()
                    && algo.bytes().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || b"+._-".contains(&c)
                    })
                    && hex.len() >= 32
                    && hex.bytes().all(|c| c.is_ascii_hexdigit())
            });
            if !valid {
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
    use super::*;

    fn full(s: &str) -> String {
        ImageRef::parse(s)
            .map(|r| r.full_name())
            .unwrap_or_else(|e| format!("error: {}", e.0))
    }

    #[test]
    fn normalises_docker_hub_names() {
        assert_eq!(full("ubuntu"), "docker.io/library/ubuntu");
        assert_eq!(full("user/name:tag"), "docker.io/user/name:tag");
        assert_eq!(full("localhost/x"), "localhost/x");
        assert_eq!(full("host:5000/a/b:tag"), "host:5000/a/b:tag");
        let d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_eq!(
            full(&format!("ghcr.io/o/r:1.2@{d}")),
            format!("ghcr.io/o/r:1.2@{d}")
        );
        let r = ImageRef::parse(&format!("alpine@{d}")).unwrap();
        assert_eq!((r.tag, r.digest.as_deref()), (None, Some(d)));
    }

    #[test]
    fn rejects_malformed_references() {
        assert!(ImageRef::parse("Ubuntu").is_err());
        assert!(ImageRef::parse("ubuntu:").is_err());
        assert!(ImageRef::parse("ubuntu@sha256:xyz").is_err());
        assert!(ImageRef::parse("a//b").is_err());
    }
}

//! `.dockerignore` parsing and matching, as BuildKit does it (moby `patternmatcher` and
//! `patternmatcher/ignorefile`): comment lines start with `#`, lines are trimmed, a
//! leading `!` makes an exception, patterns are cleaned like Go's `filepath.Clean` and a
//! leading `/` is dropped. Matching is Go `filepath.Match` (`*`, `?`, `[…]`, `\`
//! escapes, never crossing `/`) plus `**` (any number of directories); a path is
//! excluded when it or one of its parent directories matches, the last matching
//! pattern deciding (exceptions re-include).
//!
//! Pure: the file is read by `config::build_context`.

/// One pattern line of a `.dockerignore`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnorePattern {
    /// The cleaned pattern, without the `!`.
    pub pattern: String,
    /// `!pattern`: re-includes what earlier patterns excluded.
    pub exception: bool,
    /// 1-based line in the ignore file.
    pub line: usize,
}

/// The parsed patterns of one ignore file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    /// The file the patterns come from, as shown to users (`.dockerignore`,
    /// `app.Dockerfile.dockerignore`).
    pub file_name: String,
    pub patterns: Vec<IgnorePattern>,
}

impl DockerIgnore {
    /// Parses the text of an ignore file (as `ignorefile.ReadAll` does).
    pub fn parse(file_name: &str, text: &str) -> DockerIgnore {
        let mut patterns = Vec::new();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            let mut p = line.trim();
            if p.is_empty() {
                continue;
            }
            let exception = p.starts_with('!');
            if exception {
                p = p[1..].trim();
            }
            let mut cleaned = String::new();
            if !p.is_empty() {
                cleaned = clean(p);
                if cleaned.len() > 1 && cleaned.starts_with('/') {
                    cleaned.remove(0);
                }
            }
            // `patternmatcher.New` refuses a lone `!` and cleans again; an empty
            // pattern after cleaning cannot match anything useful, skip it.
            if cleaned.is_empty() {
                continue;
            }
            patterns.push(IgnorePattern {
                pattern: cleaned,
                exception,
                line: n + 1,
            });
        }
        DockerIgnore {
            file_name: file_name.to_string(),
            patterns,
        }
    }

    /// True when the file has at least one `!` exception.
    pub fn has_exceptions(&self) -> bool {
        self.patterns.iter().any(|p| p.exception)
    }

    /// The pattern that excludes `path` (relative to the context root, `/` separated),
    /// as `MatchesOrParentMatches` decides: `None` when the path is sent to the builder.
    pub fn excluding_pattern(&self, path: &str) -> Option<&IgnorePattern> {
        let path = normalize_path(path);
        let parents: Vec<&str> = {
            let mut v = Vec::new();
            let mut at = 0;
            while let Some(i) = path[at..].find('/') {
                v.push(&path[..at + i]);
                at += i + 1;
            }
            v
        };
        let mut matched: Option<&IgnorePattern> = None;
        for p in &self.patterns {
            // An inclusion that already matched, or an exception with nothing to undo,
            // cannot change the result.
            if p.exception != matched.is_some() {
                continue;
            }
            let hit =
                glob_match(&p.pattern, &path) || parents.iter().any(|d| glob_match(&p.pattern, d));
            if hit {
                matched = if p.exception { None } else { Some(p) };
            }
        }
        matched
    }

    /// True when some exception listed after `excluded` may re-include `path` itself or
    /// a file below it (so a directory source is not *entirely* excluded).
    pub fn may_reinclude_below(&self, path: &str) -> bool {
        let path = normalize_path(path);
        let comps: Vec<&str> = if path.is_empty() {
            Vec::new()
        } else {
            path.split('/').collect()
        };
        self.patterns
            .iter()
            .filter(|p| p.exception)
            .any(|p| may_match_at_or_below(&p.pattern, &comps))
    }
}

/// A source path as BuildKit normalises it before matching: cleaned, leading `/` and
/// `./` removed.
pub fn normalize_path(path: &str) -> String {
    let c = clean(path);
    let c = c.trim_start_matches('/');
    if c == "." {
        String::new()
    } else {
        c.to_string()
    }
}

/// Go's `path.Clean`: collapses `//`, `.` and `..` elements, drops a trailing `/`.
pub fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Whether `pattern` matches the whole of `path` (moby's pattern → regexp translation).
pub fn glob_match(pattern: &str, path: &str) -> bool {
    // moby's `suffixMatch`: a leading `**` followed by literal text is a plain suffix
    // test (so `**foo` also matches `xfoo`), and `**/foo` matches `foo`.
    if let Some(suffix) = pattern.strip_prefix("**") {
        if !suffix.contains(['*', '?', '[', ']', '\\']) {
            return path.ends_with(suffix) || suffix.strip_prefix('/').is_some_and(|s| path == s);
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = path.chars().collect();
    match_from(&p, &s)
}

fn match_from(p: &[char], s: &[char]) -> bool {
    let Some(&c) = p.first() else {
        return s.is_empty();
    };
    match c {
        '*' if p.get(1) == Some(&'*') => {
            let mut rest = &p[2..];
            if rest.first() == Some(&'/') {
                rest = &rest[1..];
            }
            if rest.is_empty() {
                // `**` at the end accepts everything.
                return true;
            }
            // `(.*/)?`: nothing, or anything that ends with `/`.
            if match_from(rest, s) {
                return true;
            }
            (0..s.len()).any(|i| s[i] == '/' && match_from(rest, &s[i + 1..]))
        }
        '*' => {
            let rest = &p[1..];
            let mut i = 0;
            loop {
                if match_from(rest, &s[i..]) {
                    return true;
                }
                if i >= s.len() || s[i] == '/' {
                    return false;
                }
                i += 1;
            }
        }
        '?' => !s.is_empty() && s[0] != '/' && match_from(&p[1..], &s[1..]),
        '[' => match class(&p[1..], s.first().copied()) {
            Some((true, used)) => match_from(&p[1 + used..], &s[1..]),
            _ => false,
        },
        '\\' if p.len() > 1 => s.first() == Some(&p[1]) && match_from(&p[2..], &s[1..]),
        c => s.first() == Some(&c) && match_from(&p[1..], &s[1..]),
    }
}

/// Matches `ch` against the class starting after `[`; returns (matched, pattern chars
/// consumed including the closing `]`). `None` for a malformed class or no char.
fn class(p: &[char], ch: Option<char>) -> Option<(bool, usize)> {
    let ch = ch?;
    let mut i = 0;
    let negated = p.first() == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let c = *p.get(i)?;
        if c == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *p.get(i)?
        } else {
            c
        };
        i += 1;
        let mut hi = lo;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|&n| n != ']') {
            i += 1;
            hi = if p[i] == '\\' {
                i += 1;
                *p.get(i)?
            } else {
                p[i]
            };
            i += 1;
        }
        if lo <= ch && ch <= hi {
            matched = true;
        }
    }
    Some((matched != negated, i))
}

/// True when `pattern` could match the path made of `comps` or something below it.
fn may_match_at_or_below(pattern: &str, comps: &[&str]) -> bool {
    let pcomps: Vec<&str> = pattern.split('/').collect();
    for (i, comp) in comps.iter().enumerate() {
        let Some(pc) = pcomps.get(i) else {
            // The pattern is shorter: it names a parent of the path; as an exception it
            // re-includes the path only if it matches a parent, which `excluding_pattern`
            // already considered. Stay cautious.
            return glob_match(pattern, &comps[..i].join("/"));
        };
        if pc.contains("**") {
            return true;
        }
        if !glob_match(pc, comp) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> DockerIgnore {
        DockerIgnore::parse(".dockerignore", text)
    }

    fn excluded(text: &str, path: &str) -> bool {
        ignore(text).excluding_pattern(path).is_some()
    }

    #[test]
    fn parses_like_ignorefile() {
        let d = ignore("\u{feff}# comment\n  \n node_modules \n!  keep.txt\n/abs/./x/../y/\n  # not a comment\n./rel\n!\n");
        let got: Vec<_> = d
            .patterns
            .iter()
            .map(|p| (p.exception, p.pattern.as_str(), p.line))
            .collect();
        assert_eq!(
            got,
            [
                (false, "node_modules", 3),
                (true, "keep.txt", 4),
                (false, "abs/y", 5),
                (false, "# not a comment", 6),
                (false, "rel", 7),
            ]
        );
    }

    #[test]
    fn cleans_like_go() {
        assert_eq!(clean("a//b/./c/.."), "a/b");
        assert_eq!(clean("/../a"), "/a");
        assert_eq!(clean("../a"), "../a");
        assert_eq!(clean("./"), ".");
        assert_eq!(clean("/"), "/");
        assert_eq!(normalize_path("./src/"), "src");
        assert_eq!(normalize_path("/"), "");
        assert_eq!(normalize_path("."), "");
    }

    #[test]
    fn globs_follow_filepath_match() {
        assert!(glob_match("*.md", "README.md"));
        assert!(!glob_match("*.md", "docs/README.md"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "a/c"));
        assert!(glob_match("[a-c]x", "bx"));
        assert!(!glob_match("[^a-c]x", "bx"));
        assert!(glob_match("[^a-c]x", "dx"));
        assert!(glob_match("\\*x", "*x"));
        assert!(!glob_match("\\*x", "ax"));
        assert!(!glob_match("[a-c", "a"));
        assert!(glob_match("*", ""));
        assert!(glob_match("a*", "a"));
    }

    #[test]
    fn double_star() {
        assert!(glob_match("**", "a/b/c"));
        assert!(glob_match("**/*.go", "x.go"));
        assert!(glob_match("**/*.go", "a/b/x.go"));
        assert!(!glob_match("**/*.go", "a/b/x.rs"));
        assert!(glob_match("a/**/b", "a/b"));
        assert!(glob_match("a/**/b", "a/x/y/b"));
        assert!(!glob_match("a/**/b", "ab"));
        assert!(glob_match("a/**", "a/x"));
        assert!(glob_match("**foo", "x/foo"));
        assert!(glob_match("**foo", "foo"));
        // moby's suffix match, not a directory boundary.
        assert!(glob_match("**foo", "xfoo"));
        assert!(glob_match("**/foo", "foo"));
        assert!(glob_match("**", ""));
    }

    #[test]
    fn parents_and_exceptions() {
        assert!(excluded("node_modules", "node_modules/x/y.js"));
        assert!(excluded("node_modules", "./node_modules"));
        assert!(!excluded("node_modules", "src/node_modules"));
        assert!(excluded("**/node_modules", "src/node_modules/a"));
        assert!(excluded("*.md\n!README.md", "CHANGES.md"));
        assert!(!excluded("*.md\n!README.md", "README.md"));
        assert!(excluded("*.md\n!README.md\nREADME.md", "README.md"));
        assert!(!excluded("*\n!src", "src/main.rs"));
        assert!(excluded("*\n!src", "Cargo.toml"));
        assert!(!excluded("docs", "docs2"));
        assert!(!excluded("docs", ""));
        assert!(excluded("/secret.txt", "/secret.txt"));
        assert_eq!(
            ignore("a\nb\n").excluding_pattern("b/c").map(|p| p.line),
            Some(2)
        );
    }

    #[test]
    fn reinclusion_below_a_directory() {
        let d = ignore("config\n!config/app.yml\n");
        assert!(d.excluding_pattern("config").is_some());
        assert!(d.may_reinclude_below("config"));
        assert!(!d.may_reinclude_below("other"));
        let d = ignore("*\n!**/*.go\n");
        assert!(d.may_reinclude_below("vendor"));
        let d = ignore("docs\n!src/x\n");
        assert!(!d.may_reinclude_below("docs"));
    }
}

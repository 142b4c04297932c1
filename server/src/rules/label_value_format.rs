//! `label-value-format`: a schema label whose value does not have the schema's format.

use crate::config::LabelType;
use crate::rules::label_key_invalid::label_pairs;
use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// With a label schema configured, reports a `LABEL` (in any stage, and in
    /// `ONBUILD LABEL`) whose value does not match the format the schema gives its key:
    ///
    /// | type | accepted values |
    /// | --- | --- |
    /// | `url` | an absolute URI (RFC 3986): `https://github.com/example/app` |
    /// | `rfc3339` | a date-time with offset: `2024-05-01T12:00:00Z`, `2024-05-01T12:00:00.5+02:00` |
    /// | `spdx` | an SPDX license expression: `MIT`, `Apache-2.0 OR MIT`, `GPL-2.0-only WITH Classpath-exception-2.0`, `LicenseRef-acme` |
    /// | `hash` | a git commit hash: 7 to 40 hex digits (64 for SHA-256 repositories) |
    /// | `semver` | a semantic version: `1.2.3`, `1.2.3-rc.1+build.5` (no `v` prefix) |
    /// | `email` | addresses: `team@example.com`, `Team <team@example.com>`, comma-separated |
    /// | `text` | anything |
    ///
    /// Empty values are `label-empty`'s; values with variables of unknown value are
    /// skipped (they are filled in at build time), values whose variables have a known
    /// default are checked after expansion. SPDX identifiers are checked against a
    /// table of the commonly used licenses and exceptions (deprecated ids such as
    /// `GPL-2.0` included); a rarely used but valid id may need `LicenseRef-`.
    ///
    /// Silent unless a schema is configured (see `label-required-missing`).
    ///
    /// ## Why is this bad?
    /// Tools parse these labels: registries turn `source` into a link, scanners match
    /// `licenses` against policy, deployment tooling looks up `revision` in git. A
    /// value in the wrong format is as good as missing, and usually means a build
    /// argument was passed the wrong thing.
    ///
    /// ## Example
    /// With `schema = { "org.opencontainers.image.created" = "rfc3339", "org.opencontainers.image.version" = "semver" }`:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="01/05/2024" org.opencontainers.image.version="v1.2"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// LABEL org.opencontainers.image.created="2024-05-01T00:00:00Z" org.opencontainers.image.version="1.2.0"
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the right value is unknown.
    ///
    /// ## References
    /// - hadolint DL3052 (url), DL3053 (rfc3339), DL3054 (spdx), DL3055 (hash),
    ///   DL3056 (semver), DL3058 (email)
    /// - RFC 3986, RFC 3339, SPDX specification annex D ("SPDX license expressions"),
    ///   semver.org 2.0.0
    pub(crate) RULE {
        id: "label-value-format",
        summary: "Schema label value has the wrong format",
        level: Warning,
        fix: None,
        hadolint: ["DL3052", "DL3053", "DL3054", "DL3055", "DL3056", "DL3058"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let schema = &ctx.config.labels;
    if schema.required.is_empty() {
        return;
    }
    for pair in label_pairs(ctx) {
        let (Some(key), Some(value)) = (&pair.key, &pair.value) else {
            continue;
        };
        let Some(&ty) = schema.required.get(key) else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() || valid(ty, value) {
            continue;
        }
        let expected = match ty {
            LabelType::Text => continue,
            LabelType::Url => "an absolute URL such as `https://example.com/app`",
            LabelType::Rfc3339 => "an RFC 3339 date-time such as `2024-05-01T12:00:00Z`",
            LabelType::Spdx => "an SPDX license expression such as `Apache-2.0 OR MIT`",
            LabelType::Hash => "a git commit hash (7 to 40 hex digits)",
            LabelType::Semver => "a semantic version such as `1.2.3`",
            LabelType::Email => "an e-mail address such as `team@example.com`",
        };
        acc.report(
            &RULE,
            pair.value_range,
            format!("Label `{key}` should be {expected}; `{value}` is not."),
        );
    }
}

/// Whether `value` has the format `ty`.
pub(crate) fn valid(ty: LabelType, value: &str) -> bool {
    match ty {
        LabelType::Text => true,
        LabelType::Url => is_url(value),
        LabelType::Rfc3339 => is_rfc3339(value),
        LabelType::Spdx => is_spdx(value),
        LabelType::Hash => {
            ((7..=40).contains(&value.len()) || value.len() == 64)
                && value.bytes().all(|b| b.is_ascii_hexdigit())
        }
        LabelType::Semver => is_semver(value),
        LabelType::Email => is_email(value),
    }
}

/// An absolute URI: `scheme:` followed by URI characters (RFC 3986 section 3).
fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok || rest.is_empty() {
        return false;
    }
    let b = rest.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'%' {
            if i + 2 >= b.len() {
                return false;
            }
            if !(b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit()) {
                return false;
            }
            i += 3;
            continue;
        }
        let ok = c.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&c);
        if !ok {
            return false;
        }
        i += 1;
    }
    // `scheme://` needs a host (or an empty authority followed by a path, as `file:///`).
    rest != "//"
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; `t`, `z` and a space separator accepted.
fn is_rfc3339(s: &str) -> bool {
    let Some(sep) = s.find(['T', 't', ' ']) else {
        return false;
    };
    let (date, time) = (&s[..sep], &s[sep + 1..]);
    let d: Vec<&str> = date.split('-').collect();
    let [y, m, day] = d[..] else {
        return false;
    };
    let (Some(_), Some(m), Some(day)) = (digits(y, 4), digits(m, 2), digits(day, 2)) else {
        return false;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return false;
    }
    let (clock, offset) = if let Some(t) = time.strip_suffix(['Z', 'z']) {
        (t, None)
    } else {
        match time.rfind(['+', '-']) {
            Some(p) => (&time[..p], Some(&time[p + 1..])),
            None => return false,
        }
    };
    if let Some(off) = offset {
        let Some((h, mi)) = off.split_once(':') else {
            return false;
        };
        match (digits(h, 2), digits(mi, 2)) {
            (Some(h), Some(mi)) if h < 24 && mi < 60 => {}
            _ => return false,
        }
    }
    let (hms, frac) = match clock.split_once('.') {
        Some((a, f)) => (a, Some(f)),
        None => (clock, None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let t: Vec<&str> = hms.split(':').collect();
    let [h, mi, sec] = t[..] else {
        return false;
    };
    matches!(
        (digits(h, 2), digits(mi, 2), digits(sec, 2)),
        (Some(h), Some(mi), Some(sec)) if h < 24 && mi < 60 && sec <= 60
    )
}

/// semver.org 2.0.0: `MAJOR.MINOR.PATCH[-pre][+build]`, no leading zeros.
fn is_semver(s: &str) -> bool {
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let numeric = |p: &str| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p == "0" || !p.starts_with('0'))
    };
    let ident = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| numeric(p)) {
        return false;
    }
    if let Some(pre) = pre {
        let ok = pre.split('.').all(|p| {
            ident(p) && (!p.bytes().all(|b| b.is_ascii_digit()) || numeric(p))
        });
        if !ok {
            return false;
        }
    }
    build.is_none_or(|b| b.split('.').all(ident))
}

/// An RFC 5322 address list: mailboxes `addr@example.com` or
/// `Display Name <addr@example.com>`, separated by commas, `(comments)` ignored.
fn is_email(s: &str) -> bool {
    let mut text = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    depth == 0
        && text.split(',').all(|mailbox| {
            let mailbox = mailbox.trim();
            match mailbox.strip_suffix('>').and_then(|m| m.rsplit_once('<')) {
                Some((name, addr)) => !name.contains(['<', '>', '@']) && is_addr_spec(addr),
                None => is_addr_spec(mailbox),
            }
        })
}

/// An RFC 5322 addr-spec with a dot-atom local part and a domain of DNS labels.
fn is_addr_spec(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    let local_ok = !local.is_empty() && local.split('.').all(|p| !p.is_empty() && p.chars().all(atext));
    let domain_ok = !domain.is_empty()
        && domain.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        });
    local_ok && domain_ok
}

/// Commonly used SPDX license identifiers (current and deprecated), lowercased.
const SPDX_LICENSES: &[&str] = &[
    "0bsd", "afl-3.0", "agpl-1.0", "agpl-3.0", "agpl-3.0-only", "agpl-3.0-or-later",
    "apache-1.0", "apache-1.1", "apache-2.0", "apsl-2.0", "artistic-1.0", "artistic-2.0",
    "blueoak-1.0.0", "bsd-1-clause", "bsd-2-clause", "bsd-2-clause-patent", "bsd-3-clause",
    "bsd-3-clause-clear", "bsd-4-clause", "bsl-1.0", "busl-1.1", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nd-4.0", "cc0-1.0",
    "cddl-1.0", "cddl-1.1", "cecill-2.1", "cpal-1.0", "cpl-1.0", "ecl-2.0", "efl-2.0",
    "elastic-2.0", "epl-1.0", "epl-2.0", "eupl-1.1", "eupl-1.2", "fsfap", "ftl", "gfdl-1.3",
    "gfdl-1.3-only", "gfdl-1.3-or-later", "gpl-1.0", "gpl-1.0-only", "gpl-1.0-or-later",
    "gpl-2.0", "gpl-2.0-only", "gpl-2.0-or-later", "gpl-2.0+", "gpl-3.0", "gpl-3.0-only",
    "gpl-3.0-or-later", "gpl-3.0+", "hpnd", "icu", "ijg", "imagemagick", "intel", "ipa",
    "ipl-1.0", "isc", "json", "lgpl-2.0", "lgpl-2.0-only", "lgpl-2.0-or-later", "lgpl-2.1",
    "lgpl-2.1-only", "lgpl-2.1-or-later", "lgpl-2.1+", "lgpl-3.0", "lgpl-3.0-only",
    "lgpl-3.0-or-later", "lgpl-3.0+", "libpng", "libpng-2.0", "lppl-1.3c", "mit", "mit-0",
    "mit-cmu", "mpl-1.0", "mpl-1.1", "mpl-2.0", "mpl-2.0-no-copyleft-exception", "ms-pl",
    "ms-rl", "mulanpsl-2.0", "ncsa", "odbl-1.0", "ofl-1.1", "openssl", "osl-3.0", "php-3.0",
    "php-3.01", "postgresql", "psf-2.0", "python-2.0", "qpl-1.0", "ruby", "sgi-b-2.0",
    "sissl", "sleepycat", "smlnj", "sspl-1.0", "tcl", "unicode-3.0", "unicode-dfs-2016",
    "unlicense", "upl-1.0", "vim", "w3c", "wtfpl", "x11", "xfree86-1.1", "zlib",
    "zlib-acknowledgement", "zpl-2.0", "zpl-2.1",
];

/// Commonly used SPDX exception identifiers, lowercased.
const SPDX_EXCEPTIONS: &[&str] = &[
    "autoconf-exception-2.0", "autoconf-exception-3.0", "bison-exception-2.2",
    "classpath-exception-2.0", "font-exception-2.0", "gcc-exception-2.0", "gcc-exception-3.1",
    "gpl-cc-1.0", "linux-syscall-note", "llvm-exception", "ocaml-lgpl-linking-exception",
    "openjdk-assembly-exception-1.0", "qt-gpl-exception-1.0", "qt-lgpl-exception-1.1",
    "swift-exception", "universal-foss-exception-1.0", "wxwindows-exception-3.1",
];

/// An SPDX license expression: ids (optionally `+`), `LicenseRef-…`, `AND`, `OR`,
/// `WITH <exception>` and parentheses.
fn is_spdx(s: &str) -> bool {
    let spaced = s.replace('(', " ( ").replace(')', " ) ");
    let tokens: Vec<&str> = spaced.split_whitespace().collect();
    let mut pos = 0;
    spdx_expr(&tokens, &mut pos, 0) && pos == tokens.len()
}

fn spdx_expr(t: &[&str], pos: &mut usize, depth: usize) -> bool {
    if depth > 16 || !spdx_term(t, pos, depth) {
        return false;
    }
    while *pos < t.len() && (t[*pos] == "AND" || t[*pos] == "OR") {
        *pos += 1;
        if !spdx_term(t, pos, depth) {
            return false;
        }
    }
    true
}

fn spdx_term(t: &[&str], pos: &mut usize, depth: usize) -> bool {
    let Some(&tok) = t.get(*pos) else {
        return false;
    };
    *pos += 1;
    if tok == "(" {
        if !spdx_expr(t, pos, depth + 1) || t.get(*pos) != Some(&")") {
            return false;
        }
        *pos += 1;
        return true;
    }
    if !spdx_license(tok) {
        return false;
    }
    if t.get(*pos) == Some(&"WITH") {
        *pos += 1;
        let Some(exc) = t.get(*pos) else {
            return false;
        };
        *pos += 1;
        let lower = exc.to_ascii_lowercase();
        return SPDX_EXCEPTIONS.contains(&lower.as_str()) || spdx_ref(exc, "AdditionRef-");
    }
    true
}

fn spdx_ref(tok: &str, prefix: &str) -> bool {
    let tok = match tok.split_once(':') {
        Some((doc, rest)) if spdx_ref(doc, "DocumentRef-") => rest,
        Some(_) => return false,
        None => tok,
    };
    tok.strip_prefix(prefix).is_some_and(|id| {
        !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    })
}

fn spdx_license(tok: &str) -> bool {
    if spdx_ref(tok, "LicenseRef-") {
        return true;
    }
    let lower = tok.to_ascii_lowercase();
    let id = lower.strip_suffix('+').unwrap_or(&lower);
    SPDX_LICENSES.contains(&id) || SPDX_LICENSES.contains(&lower.as_str())
}

#[cfg(test)]
mod tests {
    use super::{valid, RULE};
    use crate::config::LabelType;
    use crate::rules::label_required_missing::findings_with_labels;
    use expect_test::expect;

    #[test]
    fn formats() {
        let ok = |t, v| assert!(valid(t, v), "{t:?} {v} should be valid");
        let bad = |t, v| assert!(!valid(t, v), "{t:?} {v} should be invalid");
        ok(LabelType::Url, "https://github.com/example/app");
        ok(LabelType::Url, "git+ssh://git@host/x.git#main");
        ok(LabelType::Url, "urn:isbn:0451450523");
        ok(LabelType::Url, "https://x.io/a%20b?q=1&r=[2]");
        bad(LabelType::Url, "github.com/example/app");
        bad(LabelType::Url, "https://x.io/a b");
        bad(LabelType::Url, "https://x.io/%zz");
        bad(LabelType::Url, "https://x.io/%2");
        bad(LabelType::Url, "1http://x");
        ok(LabelType::Rfc3339, "2024-05-01T12:00:00Z");
        ok(LabelType::Rfc3339, "2024-05-01t12:00:00.123+02:00");
        ok(LabelType::Rfc3339, "2024-05-01 12:00:00-05:30");
        bad(LabelType::Rfc3339, "2024-05-01");
        bad(LabelType::Rfc3339, "2024-13-01T12:00:00Z");
        bad(LabelType::Rfc3339, "2024-05-01T12:00:00");
        bad(LabelType::Rfc3339, "01/05/2024");
        ok(LabelType::Hash, "0123abc");
        ok(LabelType::Hash, "0123456789abcdef0123456789abcdef01234567");
        bad(LabelType::Hash, "0123ab");
        bad(LabelType::Hash, "main");
        ok(LabelType::Semver, "1.2.3");
        ok(LabelType::Semver, "1.0.0-rc.1+build.5");
        ok(LabelType::Semver, "0.0.0-0A-b");
        bad(LabelType::Semver, "v1.2.3");
        bad(LabelType::Semver, "1.2");
        bad(LabelType::Semver, "01.2.3");
        bad(LabelType::Semver, "1.2.3-01");
        ok(LabelType::Email, "team@example.com");
        ok(LabelType::Email, "first.last+tag@localhost");
        ok(LabelType::Email, "Team <team@example.com>");
        ok(LabelType::Email, "A <a@x.io>, b@y.io (bot)");
        bad(LabelType::Email, "Team");
        bad(LabelType::Email, "Team <team>");
        bad(LabelType::Email, "team.example.com");
        bad(LabelType::Email, ".a@example.com");
        ok(LabelType::Spdx, "MIT");
        ok(LabelType::Spdx, "Apache-2.0 OR MIT");
        ok(LabelType::Spdx, "(MIT AND BSD-3-Clause) OR GPL-2.0+");
        ok(LabelType::Spdx, "GPL-2.0-only WITH Classpath-exception-2.0");
        ok(LabelType::Spdx, "LicenseRef-acme-1");
        ok(LabelType::Spdx, "DocumentRef-x:LicenseRef-y");
        bad(LabelType::Spdx, "Apache 2.0");
        bad(LabelType::Spdx, "MIT OR");
        bad(LabelType::Spdx, "(MIT");
        bad(LabelType::Spdx, "MIT and Apache-2.0");
        bad(LabelType::Spdx, "Proprietary");
        ok(LabelType::Text, "");
    }

    #[test]
    fn catches_bad_values() {
        expect![[r#"
            4 | LABEL org.opencontainers.image.created="01/05/2024" org.opencontainers.image.version="$VERSION"
              |                                        ^^^^^^^^^^^^ label-value-format: Label `org.opencontainers.image.created` should be an RFC 3339 date-time such as `2024-05-01T12:00:00Z`; `01/05/2024` is not.
            4 | LABEL org.opencontainers.image.created="01/05/2024" org.opencontainers.image.version="$VERSION"
              |                                                                                      ^^^^^^^^^^ label-value-format: Label `org.opencontainers.image.version` should be a semantic version such as `1.2.3`; `v1.2` is not.
            6 | ONBUILD LABEL maintainer="Team <t at example.com>"
              |                          ^^^^^^^^^^^^^^^^^^^^^^^^^ label-value-format: Label `maintainer` should be an e-mail address such as `team@example.com`; `Team <t at example.com>` is not.
        "#]].assert_eq(&findings_with_labels(
            &RULE,
            r#"schema = { "org.opencontainers.image.created" = "rfc3339", "org.opencontainers.image.version" = "semver", maintainer = "email" }"#,
            r#"
FROM alpine
ARG VERSION=v1.2
ARG DATE
LABEL org.opencontainers.image.created="01/05/2024" org.opencontainers.image.version="$VERSION"
LABEL org.opencontainers.image.created="$DATE" maintainer="" other=x
ONBUILD LABEL maintainer="Team <t at example.com>"
"#,
        ));
    }
}

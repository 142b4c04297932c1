//! `curl` and `wget` invocations seen through the shell view: their URL operands, their
//! options (with the value of every option that takes one, so a value is never taken for
//! a URL), and where the download goes (stdout, a named file, the URL's basename).
//! Shared by the download rules (TLS, plain http, verification, wget progress).

use super::{ShellCommand, ShellWord};

/// The download tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    Curl,
    Wget,
}

impl Tool {
    pub fn name(self) -> &'static str {
        match self {
            Tool::Curl => "curl",
            Tool::Wget => "wget",
        }
    }
}

/// Where the downloaded body is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Standard output (curl's default, `wget -O -`).
    Stdout,
    /// A named file (`curl -o FILE`, `wget -O FILE`); the text of the file word.
    File(String),
    /// A file named after the URL (`curl -O`, wget's default).
    RemoteName,
    /// Nothing is kept (`wget --spider`, `curl -I`).
    Nothing,
}

/// One option as given: `-k` (also inside a cluster such as `-fsSLk`), `--insecure`,
/// `-o FILE`, `--progress=dot`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opt<'a> {
    /// The option's canonical spelling: `-k` for a short option (also from a
    /// cluster), `--insecure` for a long one (any `=value` removed).
    pub name: String,
    /// Its value, when it takes one (glued, after `=`, or the next word).
    pub value: Option<String>,
    /// The word the option is written in (the whole cluster for a short option).
    pub word: &'a ShellWord,
}

/// A `curl` or `wget` command.
#[derive(Clone, Debug)]
pub struct Download<'a> {
    pub tool: Tool,
    pub command: &'a ShellCommand,
    pub options: Vec<Opt<'a>>,
    /// The URL operands (and `--url` values).
    pub urls: Vec<&'a ShellWord>,
    pub output: Output,
}

/// curl's short options that take a value.
const CURL_SHORT_VALUE: &str = "AbcCdDeEFHKmoPQrtTuUwxXyYz";
/// curl's long options that take a value (curl does not accept `--opt=value`, but a
/// value is never a URL either way).
const CURL_LONG_VALUE: &[&str] = &[
    "abstract-unix-socket",
    "alt-svc",
    "aws-sigv4",
    "cacert",
    "capath",
    "cert",
    "cert-type",
    "ciphers",
    "config",
    "connect-timeout",
    "connect-to",
    "continue-at",
    "cookie",
    "cookie-jar",
    "create-file-mode",
    "crlfile",
    "curves",
    "data",
    "data-ascii",
    "data-binary",
    "data-raw",
    "data-urlencode",
    "delegation",
    "dns-interface",
    "dns-ipv4-addr",
    "dns-ipv6-addr",
    "dns-servers",
    "doh-url",
    "dump-header",
    "ech",
    "egd-file",
    "engine",
    "etag-compare",
    "etag-save",
    "expect100-timeout",
    "form",
    "form-string",
    "ftp-account",
    "ftp-alternative-to-user",
    "ftp-method",
    "ftp-port",
    "ftp-ssl-ccc-mode",
    "happy-eyeballs-timeout-ms",
    "haproxy-clientip",
    "header",
    "hostpubmd5",
    "hostpubsha256",
    "hsts",
    "interface",
    "ip-tos",
    "ipfs-gateway",
    "json",
    "keepalive-cnt",
    "keepalive-time",
    "key",
    "key-type",
    "krb",
    "libcurl",
    "limit-rate",
    "local-port",
    "login-options",
    "mail-auth",
    "mail-from",
    "mail-rcpt",
    "max-filesize",
    "max-redirs",
    "max-time",
    "netrc-file",
    "noproxy",
    "oauth2-bearer",
    "output",
    "output-dir",
    "parallel-max",
    "pass",
    "pinnedpubkey",
    "preproxy",
    "proto",
    "proto-default",
    "proto-redir",
    "proxy",
    "proxy-cacert",
    "proxy-capath",
    "proxy-cert",
    "proxy-cert-type",
    "proxy-ciphers",
    "proxy-crlfile",
    "proxy-header",
    "proxy-key",
    "proxy-key-type",
    "proxy-pass",
    "proxy-pinnedpubkey",
    "proxy-service-name",
    "proxy-tls13-ciphers",
    "proxy-tlsauthtype",
    "proxy-tlspassword",
    "proxy-tlsuser",
    "proxy-user",
    "proxy1.0",
    "pubkey",
    "quote",
    "random-file",
    "range",
    "rate",
    "referer",
    "request",
    "request-target",
    "resolve",
    "retry",
    "retry-delay",
    "retry-max-time",
    "sasl-authzid",
    "service-name",
    "socks4",
    "socks4a",
    "socks5",
    "socks5-gssapi-service",
    "socks5-hostname",
    "speed-limit",
    "speed-time",
    "stderr",
    "telnet-option",
    "tftp-blksize",
    "time-cond",
    "tls-max",
    "tls13-ciphers",
    "tlsauthtype",
    "tlspassword",
    "tlsuser",
    "trace",
    "trace-ascii",
    "trace-config",
    "unix-socket",
    "upload-file",
    "url",
    "url-query",
    "user",
    "user-agent",
    "variable",
    "vlan-priority",
    "write-out",
];
/// wget's short options that take a value (GNU wget; `-Y` is BusyBox's proxy switch;
/// `-n` takes the letters of `-nv`, `-nc`, `-nd`, `-nH`, `-np`).
const WGET_SHORT_VALUE: &str = "aABDeiIlnoOPQRtTUwXY";
/// wget's long options that take a value (`--opt=value` or `--opt value`).
const WGET_LONG_VALUE: &[&str] = &[
    "accept",
    "accept-regex",
    "append-output",
    "base",
    "bind-address",
    "body-data",
    "body-file",
    "ca-certificate",
    "ca-directory",
    "certificate",
    "certificate-type",
    "ciphers",
    "config",
    "connect-timeout",
    "crl-file",
    "cut-dirs",
    "default-page",
    "directory-prefix",
    "dns-timeout",
    "domains",
    "egd-file",
    "exclude-directories",
    "exclude-domains",
    "execute",
    "follow-tags",
    "ftp-password",
    "ftp-user",
    "header",
    "hsts-file",
    "http-password",
    "http-user",
    "ignore-tags",
    "include-directories",
    "input-file",
    "level",
    "limit-rate",
    "load-cookies",
    "local-encoding",
    "max-redirect",
    "method",
    "output-document",
    "output-file",
    "password",
    "pinnedpubkey",
    "post-data",
    "post-file",
    "prefer-family",
    "private-key",
    "private-key-type",
    "progress",
    "proxy-password",
    "proxy-user",
    "quota",
    "random-file",
    "read-timeout",
    "referer",
    "regex-type",
    "reject",
    "reject-regex",
    "rejected-log",
    "remote-encoding",
    "report-speed",
    "restrict-file-names",
    "retry-on-http-error",
    "save-cookies",
    "secure-protocol",
    "timeout",
    "tries",
    "use-askpass",
    "user",
    "user-agent",
    "wait",
    "waitretry",
    "warc-dedup",
    "warc-file",
    "warc-header",
    "warc-max-size",
    "warc-tempdir",
];

impl<'a> Download<'a> {
    /// Reads a `curl` / `wget` command; `None` for any other command.
    pub fn of(command: &'a ShellCommand) -> Option<Download<'a>> {
        let tool = match command.name.as_str() {
            "curl" => Tool::Curl,
            "wget" => Tool::Wget,
            _ => return None,
        };
        let (short_value, long_value) = match tool {
            Tool::Curl => (CURL_SHORT_VALUE, CURL_LONG_VALUE),
            Tool::Wget => (WGET_SHORT_VALUE, WGET_LONG_VALUE),
        };
        let args = &command.args;
        let mut options = Vec::new();
        let mut urls = Vec::new();
        let mut i = 0;
        let mut operands_only = false;
        while i < args.len() {
            let w = &args[i];
            let t = w.text.as_str();
            i += 1;
            if operands_only || !t.starts_with('-') || t == "-" {
                urls.push(w);
                continue;
            }
            if t == "--" {
                operands_only = true;
                continue;
            }
            if let Some(long) = t.strip_prefix("--") {
                let (name, glued) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                let value = if glued.is_some() {
                    glued
                } else if long_value.contains(&name) {
                    i += 1;
                    args.get(i - 1).map(|v| v.text.clone())
                } else {
                    None
                };
                if name == "url" {
                    if let Some(v) = args.get(i - 1).filter(|_| t == "--url") {
                        urls.push(v);
                    }
                }
                options.push(Opt {
                    name: format!("--{name}"),
                    value,
                    word: w,
                });
                continue;
            }
            // A short-option cluster: `-fsSLo FILE`, `-qO-`, `-nv`.
            let cluster = &t[1..];
            for (pos, c) in cluster.char_indices() {
                if short_value.contains(c) {
                    let rest = &cluster[pos + c.len_utf8()..];
                    let value = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).map(|v| v.text.clone())
                    } else {
                        Some(rest.to_string())
                    };
                    options.push(Opt {
                        name: format!("-{c}"),
                        value,
                        word: w,
                    });
                    break;
                }
                options.push(Opt {
                    name: format!("-{c}"),
                    value: None,
                    word: w,
                });
            }
        }
        let mut d = Download {
            tool,
            command,
            options,
            urls,
            output: Output::Stdout,
        };
        d.output = d.compute_output();
        Some(d)
    }

    /// The option named `short` (`-k`) or one of `long` (`--insecure`), if given.
    pub fn opt(&self, short: Option<&str>, long: &[&str]) -> Option<&Opt<'a>> {
        self.options
            .iter()
            .find(|o| short == Some(o.name.as_str()) || long.contains(&o.name.as_str()))
    }

    /// True when `-n<letters>` (wget) is given with `letters`, e.g. `nv`.
    pub fn has_n(&self, letters: &str) -> bool {
        self.options
            .iter()
            .any(|o| o.name == "-n" && o.value.as_deref() == Some(letters))
    }

    fn compute_output(&self) -> Output {
        match self.tool {
            Tool::Curl => {
                if let Some(o) = self.opt(Some("-o"), &["--output"]) {
                    return match o.value.as_deref() {
                        Some("-") => Output::Stdout,
                        Some(v) => Output::File(v.to_string()),
                        None => Output::Nothing,
                    };
                }
                if self
                    .opt(Some("-O"), &["--remote-name", "--remote-name-all"])
                    .is_some()
                {
                    return Output::RemoteName;
                }
                if self.opt(Some("-I"), &["--head"]).is_some() {
                    return Output::Nothing;
                }
                Output::Stdout
            }
            Tool::Wget => {
                if let Some(o) = self.opt(Some("-O"), &["--output-document"]) {
                    return match o.value.as_deref() {
                        Some("-") => Output::Stdout,
                        Some(v) => Output::File(v.to_string()),
                        None => Output::Nothing,
                    };
                }
                if self.opt(None, &["--spider"]).is_some() {
                    return Output::Nothing;
                }
                Output::RemoteName
            }
        }
    }

    /// The name of the file the body is saved to, when known: the `-o`/`-O` file, or
    /// the basename of the (single) URL.
    pub fn saved_file(&self) -> Option<String> {
        match &self.output {
            Output::File(f) => Some(f.clone()),
            Output::RemoteName => {
                let url = self
                    .urls
                    .iter()
                    .find(|u| u.text.contains("://"))
                    .or(self.urls.first())?;
                let path = url.text.split(['?', '#']).next().unwrap_or(&url.text);
                let base = path.rsplit('/').next()?;
                (!base.is_empty()).then(|| base.to_string())
            }
            _ => None,
        }
    }
}

/// The scheme, host and the host's range offset in a URL word's text, for `http://`,
/// `https://`, `ftp://` URLs (case-insensitive scheme).
pub fn url_host(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+')
    {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or(v6)
    } else {
        host_port.split(':').next().unwrap_or(host_port)
    };
    Some((scheme, host))
}

/// True for hosts that never leave the machine (or the build's own network namespace).
pub fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h == "localhost"
        || h.ends_with(".localhost")
        || h.starts_with("127.")
        || h == "::1"
        || h == "0.0.0.0"
}

/// Commands that check what was downloaded: a checksum or a signature.
pub fn is_verification(cmd: &ShellCommand) -> bool {
    let name = cmd.name.as_str();
    let has = |flags: &[&str]| cmd.args.iter().any(|a| flags.contains(&a.text.as_str()));
    match name {
        "sha1sum" | "sha224sum" | "sha256sum" | "sha384sum" | "sha512sum" | "md5sum" | "b2sum"
        | "shasum" | "cksum" | "sha3sum" | "rhash" => true,
        "gpgv" | "gpgv2" | "minisign" | "signify" | "signify-openbsd" | "slsa-verifier" => true,
        "gpg" | "gpg2" => has(&["--verify", "--verify-files"]),
        "cosign" => cmd.args.iter().any(|a| a.text.starts_with("verify")),
        "openssl" => cmd
            .args
            .first()
            .is_some_and(|a| matches!(a.text.as_str(), "dgst" | "sha256" | "sha512")),
        "rpm" | "rpmkeys" => has(&["-K", "--checksig"]),
        "gh" => cmd.args.first().is_some_and(|a| a.text == "attestation"),
        "pgp" | "keybase" => has(&["verify", "--verify"]),
        _ => false,
    }
}

/// True when a command of the RUN checks a checksum or a signature.
pub fn run_verifies(shell: &super::RunShell) -> bool {
    shell.commands().any(is_verification)
}

/// The range of the `http` scheme of the first `http://` in `range` of `text`.
pub fn http_scheme_range(
    text: &str,
    range: crate::text::TextRange,
) -> Option<crate::text::TextRange> {
    let slice = text.get(range.range())?;
    let pos = slice.to_ascii_lowercase().find("http://")?;
    Some(crate::text::TextRange::new(
        range.start() + pos,
        range.start() + pos + 4,
    ))
}

/// True when `url` is a plain `http://` URL to a fixed host off the machine.
pub fn is_insecure_http(url: &str) -> bool {
    match url_host(url) {
        Some((scheme, host)) => {
            scheme.eq_ignore_ascii_case("http")
                && !host.is_empty()
                && !host.contains('$')
                && !is_loopback(host)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::shell::parse_script;

    fn read(script: &str) -> (Vec<String>, Vec<String>, Output) {
        let s = parse_script(script, 0);
        let d = Download::of(&s.commands[0]).expect("a download");
        (
            d.options.iter().map(|o| o.name.clone()).collect(),
            d.urls.iter().map(|u| u.text.clone()).collect(),
            d.output.clone(),
        )
    }

    #[test]
    fn separates_values_from_urls() {
        let (opts, urls, out) =
            read("curl -fsSLo /tmp/x.tgz -H 'Accept: x' --retry 3 https://a/x.tgz");
        assert_eq!(opts, ["-f", "-s", "-S", "-L", "-o", "-H", "--retry"]);
        assert_eq!(urls, ["https://a/x.tgz"]);
        assert_eq!(out, Output::File("/tmp/x.tgz".into()));

        let (_, urls, out) = read("curl -sSL --url http://x/y -u me:pw http://z/w | sh");
        assert_eq!(urls, ["http://x/y", "http://z/w"]);
        assert_eq!(out, Output::Stdout);

        let (opts, urls, out) = read("wget -qO- --header 'A: b' https://a/get.sh");
        assert_eq!(opts, ["-q", "-O", "--header"]);
        assert_eq!(urls, ["https://a/get.sh"]);
        assert_eq!(out, Output::Stdout);

        let (_, urls, out) = read("wget -nv -P /tmp --progress=dot:giga https://a/b.tar.gz?x=1");
        assert_eq!(urls, ["https://a/b.tar.gz?x=1"]);
        assert_eq!(out, Output::RemoteName);
    }

    #[test]
    fn saved_file_and_hosts() {
        let s = parse_script("wget https://a/dir/b.tar.gz?x=1", 0);
        let d = Download::of(&s.commands[0]).unwrap();
        assert_eq!(d.saved_file().as_deref(), Some("b.tar.gz"));
        assert_eq!(url_host("http://u:p@[::1]:80/x"), Some(("http", "::1")));
        assert_eq!(
            url_host("HTTP://Example.com:8080"),
            Some(("HTTP", "Example.com"))
        );
        assert!(is_loopback("127.0.0.1") && !is_loopback("example.com"));
    }
}

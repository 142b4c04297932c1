//! `download-insecure-url`: downloads over plain http.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::download::{http_scheme_range, is_insecure_http, run_verifies, Download};
use crate::syntax::Kind;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a plain `http://` URL that is fetched during the build: a URL operand of
    /// `curl` or `wget` in a `RUN` (also `curl --url`), or a source of `ADD`. Loopback
    /// hosts (`localhost`, `127.x.x.x`, `[::1]`) and URLs whose host is a variable are
    /// not reported. Only what curl, wget and ADD fetch counts: an `http://` mirror
    /// written into `sources.list`, an `hkp://` keyserver or a proxy setting is not a
    /// download.
    ///
    /// Not reported either when the download is verified in the same step: the `RUN`
    /// also checks a checksum or a signature (`sha256sum -c`, `gpg --verify`, …; many
    /// official images fetch over http from mirrors and verify with gpg), or the `ADD`
    /// has `--checksum`. Transport security is then not what protects the content.
    ///
    /// ## Why is this bad?
    /// Over plain http anyone on the network path (a proxy, a hotel Wi-Fi, a
    /// compromised router, DNS) can read and replace what is downloaded, and the build
    /// runs or installs it. https costs nothing; almost every host serves it.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSLo /usr/local/bin/tool http://example.com/tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN curl -fsSLo /usr/local/bin/tool https://example.com/tool
    /// ```
    ///
    /// ## Fix safety
    /// The fix replaces `http://` by `https://`. It is unsafe: the host may not serve
    /// https (or serve it under another name).
    ///
    /// ## References
    /// - Docker docs: "Dockerfile reference", section "ADD" (`--checksum`);
    ///   "Dockerfile best practices", section "ADD or COPY"
    pub(crate) RULE {
        id: "download-insecure-url",
        summary: "Download over plain http",
        level: Warning,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind == Kind::Add && eff.flag("checksum").is_none() {
            let words: Vec<_> = match &eff.args.json {
                Some(json) => json.iter().collect(),
                None => eff.args.words.iter().collect(),
            };
            if let Some((_, sources)) = words.split_last() {
                for w in sources {
                    if is_insecure_http(w.text.trim_matches(['"', '\''])) {
                        report(ctx, acc, w.range, "ADD");
                    }
                }
            }
        }
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        if !shell.commands().any(|c| c.name == "curl" || c.name == "wget") || run_verifies(shell)
        {
            continue;
        }
        for cmd in shell.commands() {
            let Some(d) = Download::of(cmd) else { continue };
            for url in &d.urls {
                if is_insecure_http(&url.text) {
                    report(ctx, acc, url.range, d.tool.name());
                }
            }
        }
    }
}

fn report(
    ctx: &RuleContext<'_>,
    acc: &mut Diagnostics,
    word: crate::text::TextRange,
    tool: &str,
) {
    let Some(scheme) = http_scheme_range(ctx.text, word) else {
        return;
    };
    acc.report(
        &RULE,
        scheme,
        format!("`{tool}` fetches this over plain http, which anyone on the network path can tamper with; use https (or verify a checksum in the same step)."),
    )
    .with_fix(
        "Use `https://`",
        Applicability::Unsafe,
        vec![TextEdit::replace(scheme, "https")],
    );
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_plain_http_downloads() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSLo /usr/local/bin/tool http://example.com/tool && wget -q "HTTP://example.com/x.tgz"
ADD http://example.com/app.tar.gz /opt/
ONBUILD RUN curl --url http://example.com/y -o y
RUN <<EOF
wget -q http://example.com/z
EOF
"#,
            expect![[r#"
                2 | RUN curl -fsSLo /usr/local/bin/tool http://example.com/tool && wget -q "HTTP://example.com/x.tgz"
                  |                                     ^^^^ download-insecure-url: `curl` fetches this over plain http, which anyone on the network path can tamper with; use https (or verify a checksum in the same step).
                2 | RUN curl -fsSLo /usr/local/bin/tool http://example.com/tool && wget -q "HTTP://example.com/x.tgz"
                  |                                                                         ^^^^ download-insecure-url: `wget` fetches this over plain http, which anyone on the network path can tamper with; use https (or verify a checksum in the same step).
                3 | ADD http://example.com/app.tar.gz /opt/
                  |     ^^^^ download-insecure-url: `ADD` fetches this over plain http, which anyone on the network path can tamper with; use https (or verify a checksum in the same step).
                4 | ONBUILD RUN curl --url http://example.com/y -o y
                  |                        ^^^^ download-insecure-url: `curl` fetches this over plain http, which anyone on the network path can tamper with; use https (or verify a checksum in the same step).
                6 | wget -q http://example.com/z
                  |         ^^^^ download-insecure-url: `wget` fetches this over plain http, which anyone on the network path can tamper with; use https (or verify a checksum in the same step).
            "#]],
        );
    }

    #[test]
    fn accepts_https_loopback_verified_and_non_downloads() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSL https://x/a && curl http://localhost:8080/health && wget -q http://127.0.0.1/x
RUN curl -x http://proxy:3128 -fsSL https://x/b && curl -fsSL http://$MIRROR/c
RUN echo "deb http://deb.debian.org/debian bookworm main" > /etc/apt/sources.list
RUN gpg --keyserver hkp://keyserver.ubuntu.com:80 --recv-keys ABC
RUN wget -O x.tgz http://example.com/x.tgz && echo "abc  x.tgz" | sha256sum -c -
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d http://example.com/a.tgz /a
ADD https://example.com/b.tgz /b
RUN ["curl", "http://example.com/c"]
"#,
        );
    }

    #[test]
    fn fix_uses_https() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSLo /tool http://example.com/tool
ADD ["http://example.com/a.tgz", "/a"]
"#,
            expect![[r#"
                FROM debian:12
                RUN curl -fsSLo /tool https://example.com/tool
                ADD ["https://example.com/a.tgz", "/a"]
            "#]],
        );
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN sudo curl -fsSL \
        http://example.com/tool -o /tool \
    && wget "http://example.com/b"
ONBUILD RUN curl -o /c http://example.com/c
RUN <<EOF
wget http://example.com/d
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN sudo curl -fsSL \
                        https://example.com/tool -o /tool \
                    && wget "https://example.com/b"
                ONBUILD RUN curl -o /c https://example.com/c
                RUN <<EOF
                wget https://example.com/d
                EOF
            "#]],
        );
    }
}

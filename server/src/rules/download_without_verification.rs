//! `download-without-verification`: downloaded code run or unpacked without a checksum
//! or signature check.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::download::{run_verifies, Download, Output};
use crate::semantic::{RunShell, ShellCommand};
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports a `curl`/`wget` download that the same `RUN` executes or unpacks while
    /// nothing in that `RUN` verifies a checksum or signature:
    /// - piped into a shell or interpreter (`curl … | sh`, `| bash`, `| python3`) or
    ///   into `tar`/`unzip`/`bsdtar` (`curl … | tar xz`);
    /// - run through command substitution (`sh -c "$(curl …)"`, `bash <(curl …)`);
    /// - saved to a file (`-o FILE`, `-O`, wget's default name) that a later command of
    ///   the `RUN` runs (`sh FILE`, `./FILE`), extracts (`tar -xf`, `unzip`) or
    ///   installs without a signature check (`dpkg -i`, `apt-get install ./x.deb`,
    ///   `rpm -i`, `yum`/`dnf install ./x.rpm`).
    ///
    /// A `RUN` that also runs `sha256sum` (or another `sha*sum`, `md5sum`, `shasum`),
    /// `gpg --verify`, `gpgv`, `cosign verify…`, `minisign`, `openssl dgst` or
    /// `rpm -K` is taken as verified, as are downloads and uses split over several
    /// `RUN`s (the rule cannot follow them). `apk add ./x.apk` is not reported: apk
    /// checks the signature itself unless `--allow-untrusted` is given (see
    /// `package-signature-bypass`). Nor are downloads whose URL contains a full git
    /// commit id (`https://raw.githubusercontent.com/o/r/<40 hex>/script.sh`): the
    /// content is fixed by the commit, which works as a checksum. `sh -n FILE` only
    /// checks syntax and does not count as running the file.
    ///
    /// ## Why is this bad?
    /// TLS only proves which server answered, not what it serves: a compromised
    /// release page, CDN or mirror (it has happened to popular install scripts) hands
    /// the build a modified file, and the build runs it as root and ships it. Checking
    /// a checksum pinned in the Dockerfile (or a signature with a pinned key) makes the
    /// build fail instead, and makes it reproducible.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/tool-1.2.tar.gz | tar -xz -C /usr/local/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG TOOL_SHA256=3f5d…
    /// RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool-1.2.tar.gz \
    ///  && echo "$TOOL_SHA256  /tmp/tool.tgz" | sha256sum -c - \
    ///  && tar -xzf /tmp/tool.tgz -C /usr/local/bin && rm /tmp/tool.tgz
    /// ```
    /// or `ADD --checksum=sha256:… https://example.com/tool-1.2.tar.gz /tmp/`.
    ///
    /// ## Fix safety
    /// No automatic fix: the checksum has to come from a trusted place (the
    /// publisher's release notes or signed checksum file), not from the same download.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile reference", section "ADD" (`--checksum`);
    ///   "Dockerfile best practices", section "ADD or COPY"
    pub(crate) RULE {
        id: "download-without-verification",
        summary: "Downloaded file executed or extracted without verification",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        if !shell.commands().any(|c| c.name == "curl" || c.name == "wget") || run_verifies(shell)
        {
            continue;
        }
        for cmd in shell.commands() {
            let Some(d) = Download::of(cmd) else { continue };
            if d.urls.iter().any(|u| pins_commit(&u.text)) {
                continue;
            }
            if let Some(what) = use_of(shell, &d) {
                acc.report(
                    &RULE,
                    cmd.name_range,
                    format!("What `{}` downloads here is {what} without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).", d.tool.name()),
                );
            }
        }
    }
}

/// A URL with a full git commit id in its path (`…/raw/<40 hex>/hack/dind`): the
/// content is fixed by the commit.
fn pins_commit(url: &str) -> bool {
    url.split(['/', '?', '&', '=']).any(|seg| {
        (seg.len() == 40 || seg.len() == 64) && seg.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn contains(outer: TextRange, inner: TextRange) -> bool {
    outer.start() <= inner.start() && inner.end() <= outer.end()
}

const INTERPRETERS: &[&str] = &[
    "sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "perl", "ruby", "node", "php",
];

fn is_interpreter(name: &str) -> bool {
    INTERPRETERS.contains(&name)
        || name
            .strip_prefix("python")
            .is_some_and(|v| v.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
}

fn is_extract(cmd: &ShellCommand) -> bool {
    match cmd.name.as_str() {
        "tar" | "bsdtar" | "gtar" => cmd.args.iter().enumerate().any(|(n, a)| {
            let t = a.text.as_str();
            let letters = |l: &str| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphabetic());
            t == "--extract"
                || t == "--get"
                || t.strip_prefix('-')
                    .is_some_and(|l| !l.starts_with('-') && letters(l) && l.contains('x'))
                || (n == 0 && letters(t) && t.contains('x'))
        }),
        "unzip" | "7z" | "7za" | "cpio" => true,
        _ => false,
    }
}

/// How the RUN uses what `d` downloads, when it runs or unpacks it.
fn use_of(shell: &RunShell, d: &Download<'_>) -> Option<&'static str> {
    let cmd_range = d.command.range;
    let scripts = shell.script.iter().chain(shell.heredoc_scripts.iter());
    if d.output == Output::Stdout {
        for script in scripts {
            // `curl … | sh`
            for p in script.pipes.iter().filter(|p| contains(p.left, cmd_range)) {
                let Some(next) = script
                    .commands
                    .iter()
                    .find(|c| contains(p.right, c.range))
                else {
                    continue;
                };
                if next.range.start() != p.right.start() && !next.sudo {
                    continue;
                }
                if is_interpreter(&next.name) {
                    return Some("piped into a shell");
                }
                if is_extract(next) {
                    return Some("piped into an unpacker");
                }
            }
            // `sh -c "$(curl …)"`, `bash <(curl …)`
            for c in &script.commands {
                if is_interpreter(&c.name)
                    && c.args.iter().any(|a| contains(a.range, cmd_range))
                {
                    return Some("run by a shell");
                }
            }
        }
        return None;
    }
    let file = d.saved_file()?;
    let base = file.rsplit('/').next().unwrap_or(&file).to_string();
    if base.is_empty() || base.starts_with('$') && !base.contains('.') {
        return None;
    }
    let same = |t: &str| t == file || t.rsplit('/').next() == Some(base.as_str());
    for c in shell.commands() {
        if c.range.start() <= cmd_range.end() {
            continue;
        }
        // Only words that name the file count.
        if c.name == base {
            return Some("executed");
        }
        let operands: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
        let uses = operands.iter().any(|t| same(t));
        if !uses {
            continue;
        }
        match c.name.as_str() {
            // `sh -n FILE` only checks the syntax.
            n if is_interpreter(n) && !c.args.iter().any(|a| a.text == "-n") => {
                let first = c.args.iter().find(|a| !a.text.starts_with('-'));
                if first.is_some_and(|f| same(&f.text)) {
                    return Some("executed");
                }
            }
            "tar" | "bsdtar" | "gtar" | "unzip" | "7z" | "7za" if is_extract(c) => {
                return Some("unpacked");
            }
            "dpkg" if operands.iter().any(|t| *t == "-i" || *t == "--install") => {
                return Some("installed");
            }
            "rpm" if operands
                .iter()
                .any(|t| t.starts_with('-') && !t.starts_with("--") && (t.contains('i') || t.contains('U'))
                    || *t == "--install" || *t == "--upgrade") =>
            {
                return Some("installed");
            }
            "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper"
                if operands.iter().any(|t| matches!(*t, "install" | "localinstall" | "in")) =>
            {
                return Some("installed");
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unverified_use() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSL https://get.example.com | sh
RUN curl -fsSL https://x/tool.tgz | tar -xz -C /usr/local/bin && wget -qO- https://x/i.sh | sudo bash -s -- -y
RUN sh -c "$(curl -fsSL https://x/install.sh)"
RUN wget -q https://x/pkg.deb && dpkg -i pkg.deb
RUN curl -fsSLo /tmp/t.tar.gz https://x/t.tar.gz && tar xzf /tmp/t.tar.gz -C /opt
RUN curl -fsSLO https://x/setup.sh && bash setup.sh --prefix=/usr
ONBUILD RUN curl -fsSL https://x/y.zip -o y.zip && unzip y.zip
RUN <<EOF
curl -fsSL https://x/z.sh | sh
EOF
"#,
            expect![[r#"
                2 | RUN curl -fsSL https://get.example.com | sh
                  |     ^^^^ download-without-verification: What `curl` downloads here is piped into a shell without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                3 | RUN curl -fsSL https://x/tool.tgz | tar -xz -C /usr/local/bin && wget -qO- https://x/i.sh | sudo bash -s -- -y
                  |     ^^^^ download-without-verification: What `curl` downloads here is piped into an unpacker without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                3 | RUN curl -fsSL https://x/tool.tgz | tar -xz -C /usr/local/bin && wget -qO- https://x/i.sh | sudo bash -s -- -y
                  |                                                                  ^^^^ download-without-verification: What `wget` downloads here is piped into a shell without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                4 | RUN sh -c "$(curl -fsSL https://x/install.sh)"
                  |              ^^^^ download-without-verification: What `curl` downloads here is run by a shell without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                5 | RUN wget -q https://x/pkg.deb && dpkg -i pkg.deb
                  |     ^^^^ download-without-verification: What `wget` downloads here is installed without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                6 | RUN curl -fsSLo /tmp/t.tar.gz https://x/t.tar.gz && tar xzf /tmp/t.tar.gz -C /opt
                  |     ^^^^ download-without-verification: What `curl` downloads here is unpacked without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                7 | RUN curl -fsSLO https://x/setup.sh && bash setup.sh --prefix=/usr
                  |     ^^^^ download-without-verification: What `curl` downloads here is executed without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                8 | ONBUILD RUN curl -fsSL https://x/y.zip -o y.zip && unzip y.zip
                  |             ^^^^ download-without-verification: What `curl` downloads here is unpacked without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
                10 | curl -fsSL https://x/z.sh | sh
                   | ^^^^ download-without-verification: What `curl` downloads here is piped into a shell without a checksum or signature check; verify it in the same RUN (`sha256sum -c`, `gpg --verify`).
            "#]],
        );
    }

    #[test]
    fn accepts_verified_or_harmless_downloads() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSLo x.tgz https://x/x.tgz && echo "$SHA  x.tgz" | sha256sum -c - && tar xzf x.tgz
RUN wget -O n.tar.xz https://x/n.tar.xz && wget -O n.asc https://x/n.asc && gpg --batch --verify n.asc n.tar.xz && tar -xJf n.tar.xz
RUN curl -fsSL https://x/key.gpg | gpg --dearmor -o /etc/apt/keyrings/x.gpg
RUN curl -fsSLo /usr/local/bin/tool https://x/tool && chmod +x /usr/local/bin/tool
RUN curl -fsSL https://x/data.json | jq . && curl -fsSLo a.tgz https://x/a.tgz
RUN tar xzf a.tgz && wget -q https://x/apk.apk && apk add ./apk.apk
RUN curl -fsSL https://x/s.sh -o s.sh && cat s.sh && sh -n s.sh
RUN wget -O /d "https://github.com/o/r/raw/8d9e3502aba39127e4d12196dae16d306f76993d/d" && sh /d
RUN ["sh", "-c", "curl https://x | sh"]
"#,
        );
    }
}

//! `tls-verification-disabled`: options and variables that turn off TLS certificate checks.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::download::{Download, Tool};
use crate::semantic::shell::ShellWord;
use crate::semantic::ShellCommand;
use crate::syntax::Kind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports what turns off TLS certificate verification during the build or in the
    /// image:
    /// - `curl -k`/`--insecure` (also inside a cluster such as `-fsSLk`),
    ///   `--proxy-insecure`; `wget --no-check-certificate`; `apk --no-check-certificate`;
    /// - `pip … --trusted-host`, `pip config set global.trusted-host …`;
    /// - `git config … http.sslVerify false`, `git -c http.sslVerify=false …`;
    /// - `npm`/`yarn`/`pnpm config set strict-ssl false`, `npm … --strict-ssl=false`;
    /// - yum/dnf/microdnf/tdnf `--setopt=sslverify=0` (or `false`/`no`);
    /// - apt `-o Acquire::https::Verify-Peer=false` (or `Verify-Host`);
    /// - the variables `PIP_TRUSTED_HOST`, `PYTHONHTTPSVERIFY=0`,
    ///   `NODE_TLS_REJECT_UNAUTHORIZED=0`, `NPM_CONFIG_STRICT_SSL=false` and
    ///   `GIT_SSL_NO_VERIFY` (any value: git only checks that it is set), set by `ENV`
    ///   or as a command prefix (`VAR=x cmd`, `env VAR=x cmd`).
    ///
    /// Writing `sslverify=0` into a repository file (`echo … >> /etc/yum.conf`) is not
    /// detected: the shell view does not follow file contents.
    ///
    /// ## Why is this bad?
    /// Without certificate checks, anyone on the network path (a compromised proxy,
    /// Wi-Fi, DNS) can serve their own package, script or binary, and the build
    /// installs it silently. Set through `ENV`, the setting also stays in the image and
    /// weakens every connection the application makes at run time. Fix the trust
    /// store instead (install `ca-certificates`, COPY the corporate CA into it).
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// RUN curl -fsSLk https://example.com/install.sh -o /tmp/install.sh
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY corp-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates
    /// RUN curl -fsSL https://example.com/install.sh -o /tmp/install.sh
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes what turns the checks off: the option (`-k` also from a cluster
    /// such as `-fsSLk`; `--trusted-host` with its value; `-c`/`-o`/`--setopt` with
    /// their setting), the `VAR=x` prefix, or the variable from `ENV` (the whole `ENV`
    /// when it sets nothing else). `git config … false` / `npm config set strict-ssl
    /// false` commands and dynamic or quoted words get no fix. It is unsafe: the
    /// download fails until the trust store has the right certificate.
    ///
    /// ## References
    /// - Checkov CKV2_DOCKER_2, 3, 4, 5, 6, 12, 13, 14, 15, 16
    /// - curl manual: `--insecure`; wget manual: `--no-check-certificate`
    pub(crate) RULE {
        id: "tls-verification-disabled",
        summary: "TLS certificate verification disabled",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind == Kind::Env {
            for p in &eff.args.pairs {
                let value = p.value.as_ref().map_or("", |v| v.text.as_str());
                if let Some(why) = bad_env(&p.key.text, value) {
                    let d = acc.report(&RULE, p.key.range, why);
                    let pair = p.value.as_ref().map_or(p.key.range, |v| p.key.range.cover(v.range));
                    let range = if eff.args.pairs.len() == 1 {
                        crate::fix::full_lines(ctx.text, inst.range)
                    } else {
                        shell_edit::delete_word(ctx.text, pair)
                    };
                    d.with_fix(
                        format!("Remove `{}` from ENV", p.key.text),
                        Applicability::Unsafe,
                        vec![TextEdit::delete(range)],
                    );
                }
            }
        }
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        for cmd in shell.commands() {
            check_env_prefixes(ctx, cmd, acc);
            check_command(ctx.text, cmd, acc);
        }
    }
}

/// The message for a variable assignment that disables verification.
fn bad_env(name: &str, value: &str) -> Option<String> {
    let v = value.trim_matches(['"', '\'']).to_ascii_lowercase();
    let off = matches!(v.as_str(), "0" | "false" | "no" | "off");
    let msg = match name {
        "PIP_TRUSTED_HOST" if !v.is_empty() => {
            "`PIP_TRUSTED_HOST` lets pip download from these hosts without checking their certificate"
        }
        "PYTHONHTTPSVERIFY" if v == "0" => {
            "`PYTHONHTTPSVERIFY=0` turns off certificate checks for Python's HTTPS clients"
        }
        "NODE_TLS_REJECT_UNAUTHORIZED" if v == "0" => {
            "`NODE_TLS_REJECT_UNAUTHORIZED=0` makes Node.js accept any certificate"
        }
        "NPM_CONFIG_STRICT_SSL" | "npm_config_strict_ssl" if off => {
            "`strict-ssl=false` makes npm accept any certificate"
        }
        "GIT_SSL_NO_VERIFY" => {
            "`GIT_SSL_NO_VERIFY` (whatever its value) makes git accept any certificate"
        }
        _ => return None,
    };
    Some(format!(
        "{msg}; fix the trust store instead (add the CA certificate)."
    ))
}

fn check_env_prefixes(ctx: &RuleContext<'_>, cmd: &ShellCommand, acc: &mut Diagnostics) {
    for (k, v) in &cmd.env {
        let Some(msg) = bad_env(k, v) else { continue };
        let prefix = &ctx.text[cmd.range.start()..cmd.name_range.start().max(cmd.range.start())];
        let found = prefix.find(&format!("{k}=")).map(|p| cmd.range.start() + p);
        let at = found.map_or(cmd.name_range, |s| TextRange::new(s, s + k.len()));
        let d = acc.report(&RULE, at, msg);
        // Only a plain `K=v` word is removed.
        if let Some(s) = found {
            let word = TextRange::new(s, s + k.len() + 1 + v.len());
            let plain = ctx.text.get(word.range()) == Some(format!("{k}={v}").as_str())
                && ctx.text[word.end()..].starts_with([' ', '\t']);
            if plain {
                d.with_fix(
                    format!("Remove `{k}={v}`"),
                    Applicability::Unsafe,
                    vec![TextEdit::delete(shell_edit::delete_word(ctx.text, word))],
                );
            }
        }
    }
}

fn check_command(text: &str, cmd: &ShellCommand, acc: &mut Diagnostics) {
    if let Some(d) = Download::of(cmd) {
        let bad: &[&str] = match d.tool {
            Tool::Curl => &["-k", "--insecure", "--proxy-insecure", "--doh-insecure"],
            Tool::Wget => &["--no-check-certificate"],
        };
        for o in d.options.iter().filter(|o| bad.contains(&o.name.as_str())) {
            let raw = &text[o.word.range.range()];
            let cluster = o.name.len() == 2
                && raw != o.name
                && !raw.starts_with("--")
                && raw.len() > 2
                && raw[1..].bytes().all(|b| b.is_ascii_alphanumeric())
                && raw.matches(&o.name[1..]).count() == 1;
            if cluster {
                // `-fsSLk` → `-fsSL`.
                let at = o.word.range.start() + raw[1..].find(&o.name[1..]).unwrap_or(0) + 1;
                acc.report(
                    &RULE,
                    o.word.range,
                    format!("`{}` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.", o.name),
                )
                .with_fix(
                    format!("Remove `{}` from `{raw}`", &o.name[1..]),
                    Applicability::Unsafe,
                    vec![TextEdit::delete(TextRange::new(at, at + 1))],
                );
            } else {
                let words: &[&ShellWord] = if raw == o.name { &[o.word] } else { &[] };
                report_removing(acc, text, o.word.range, &format!("`{}`", o.name), words);
            }
        }
        return;
    }
    let args = &cmd.args;
    let lower = |s: &str| s.to_ascii_lowercase();
    match cmd.name.as_str() {
        "apk" => {
            for a in args.iter().filter(|a| a.text == "--no-check-certificate") {
                report_removing(acc, text, a.range, "`--no-check-certificate`", &[a]);
            }
        }
        "git" => {
            for (n, a) in args.iter().enumerate() {
                let t = lower(&a.text);
                // `git -c http.sslVerify=false …`
                if let Some((k, v)) = t.split_once('=') {
                    if is_git_sslverify(k) && is_false(v) && n > 0 && args[n - 1].text == "-c" {
                        report_removing(acc, text, a.range, "`http.sslVerify=false`", &[&args[n - 1], a]);
                    }
                } else if is_git_sslverify(&t)
                    && args.get(n + 1).is_some_and(|v| is_false(&lower(&v.text)))
                    && args.iter().any(|a| a.text == "config")
                {
                    report_removing(acc, text, a.range, "`http.sslVerify false`", &[]);
                }
            }
        }
        "npm" | "yarn" | "pnpm" => {
            for (n, a) in args.iter().enumerate() {
                let t = lower(&a.text);
                let bad = (t == "strict-ssl"
                    && args.get(n + 1).is_some_and(|v| is_false(&lower(&v.text))))
                    || t == "strict-ssl=false"
                    || t == "--strict-ssl=false"
                    || (t == "--strict-ssl"
                        && args.get(n + 1).is_some_and(|v| v.text == "false"));
                if bad {
                    let words: Vec<&ShellWord> = if t == "--strict-ssl=false" {
                        vec![a]
                    } else if t == "--strict-ssl" {
                        vec![a, &args[n + 1]]
                    } else {
                        vec![]
                    };
                    report_removing(acc, text, a.range, "`strict-ssl false`", &words);
                }
            }
        }
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" => {
            for (n, a) in args.iter().enumerate() {
                let (value, words) = if let Some(v) = a.text.strip_prefix("--setopt=") {
                    (v, vec![a])
                } else if a.text == "--setopt" {
                    match args.get(n + 1) {
                        Some(v) => (v.text.as_str(), vec![a, v]),
                        None => continue,
                    }
                } else {
                    continue;
                };
                let Some((k, v)) = value.split_once('=') else { continue };
                let k = lower(k);
                if (k == "sslverify" || k.ends_with(".sslverify")) && is_false(&lower(v)) {
                    report_removing(acc, text, a.range, "`sslverify=0`", &words);
                }
            }
        }
        "apt-get" | "apt" => {
            for (n, a) in args.iter().enumerate() {
                let t = lower(&a.text);
                if (t.contains("verify-peer") || t.contains("verify-host"))
                    && t.rsplit('=').next().is_some_and(is_false)
                {
                    let words: Vec<&ShellWord> = if t.starts_with("-o") || t.starts_with("--option=")
                    {
                        vec![a]
                    } else if n > 0 && matches!(args[n - 1].text.as_str(), "-o" | "--option") {
                        vec![&args[n - 1], a]
                    } else {
                        vec![]
                    };
                    report_removing(acc, text, a.range, "`Verify-Peer=false`", &words);
                }
            }
        }
        name if name.starts_with("pip") || name.starts_with("python") || name == "uv" => {
            for (n, a) in args.iter().enumerate() {
                let t = a.text.as_str();
                if t == "--trusted-host" || t.starts_with("--trusted-host=") {
                    let words: Vec<&ShellWord> = match args.get(n + 1) {
                        Some(v) if t == "--trusted-host" => vec![a, v],
                        _ => vec![a],
                    };
                    report_removing(acc, text, a.range, "`--trusted-host`", &words);
                } else if t.ends_with(".trusted-host")
                    && n > 0
                    && args[n - 1].text == "set"
                {
                    report_removing(acc, text, a.range, "`trusted-host`", &[]);
                }
            }
        }
        _ => {}
    }
}

fn is_git_sslverify(key: &str) -> bool {
    key.starts_with("http.") && key.ends_with(".sslverify")
}

fn is_false(v: &str) -> bool {
    matches!(v, "0" | "false" | "no" | "off")
}

/// Reports `range`; `remove` lists the words to delete (the option and its value),
/// empty when there is no fix.
fn report_removing(
    acc: &mut Diagnostics,
    text: &str,
    range: TextRange,
    what: &str,
    remove: &[&ShellWord],
) {
    let d = acc.report(
        &RULE,
        range,
        format!("{what} turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead."),
    );
    if let Some(edit) = removal(text, remove) {
        d.with_fix(
            format!("Remove `{}`", text[edit.range.range()].trim()),
            Applicability::Unsafe,
            vec![edit],
        );
    }
}

/// The deletion of `words` (adjacent words of one command, in order): none when a
/// word is dynamic or quoted, or the words are not separated by blanks only.
fn removal(text: &str, words: &[&ShellWord]) -> Option<TextEdit> {
    let (first, last) = (words.first()?, words.last()?);
    for w in words {
        if w.dynamic || text.get(w.range.range()) != Some(w.text.as_str()) {
            return None;
        }
    }
    for pair in words.windows(2) {
        if !text[pair[0].range.end()..pair[1].range.start()]
            .bytes()
            .all(|b| b == b' ' || b == b'\t')
        {
            return None;
        }
    }
    let range = first.range.cover(last.range);
    Some(TextEdit::delete(shell_edit::delete_word(text, range)))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_disabled_verification() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
ENV PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED="0" GIT_SSL_NO_VERIFY=true
RUN curl -fsSLk https://x/a -o a && wget --no-check-certificate https://x/b
RUN pip install --trusted-host pypi.org flask && pip config set global.trusted-host x
RUN git config --global http.sslVerify false && git -c http.sslverify=false clone https://x/r
RUN npm config set strict-ssl false && yarn config set strict-ssl false
RUN dnf --setopt=sslverify=0 install -y x && apk add --no-check-certificate x
RUN NPM_CONFIG_STRICT_SSL=false npm ci && apt-get -o Acquire::https::Verify-Peer=false update
ONBUILD ENV PIP_TRUSTED_HOST=pypi.org
RUN <<EOF
curl --insecure https://x/c
EOF
"#,
            expect![[r#"
                2 | ENV PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED="0" GIT_SSL_NO_VERIFY=true
                  |     ^^^^^^^^^^^^^^^^^ tls-verification-disabled: `PYTHONHTTPSVERIFY=0` turns off certificate checks for Python's HTTPS clients; fix the trust store instead (add the CA certificate).
                2 | ENV PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED="0" GIT_SSL_NO_VERIFY=true
                  |                         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `NODE_TLS_REJECT_UNAUTHORIZED=0` makes Node.js accept any certificate; fix the trust store instead (add the CA certificate).
                2 | ENV PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED="0" GIT_SSL_NO_VERIFY=true
                  |                                                          ^^^^^^^^^^^^^^^^^ tls-verification-disabled: `GIT_SSL_NO_VERIFY` (whatever its value) makes git accept any certificate; fix the trust store instead (add the CA certificate).
                3 | RUN curl -fsSLk https://x/a -o a && wget --no-check-certificate https://x/b
                  |          ^^^^^^ tls-verification-disabled: `-k` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                3 | RUN curl -fsSLk https://x/a -o a && wget --no-check-certificate https://x/b
                  |                                          ^^^^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `--no-check-certificate` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                4 | RUN pip install --trusted-host pypi.org flask && pip config set global.trusted-host x
                  |                 ^^^^^^^^^^^^^^ tls-verification-disabled: `--trusted-host` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                4 | RUN pip install --trusted-host pypi.org flask && pip config set global.trusted-host x
                  |                                                                 ^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `trusted-host` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                5 | RUN git config --global http.sslVerify false && git -c http.sslverify=false clone https://x/r
                  |                         ^^^^^^^^^^^^^^ tls-verification-disabled: `http.sslVerify false` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                5 | RUN git config --global http.sslVerify false && git -c http.sslverify=false clone https://x/r
                  |                                                        ^^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `http.sslVerify=false` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                6 | RUN npm config set strict-ssl false && yarn config set strict-ssl false
                  |                    ^^^^^^^^^^ tls-verification-disabled: `strict-ssl false` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                6 | RUN npm config set strict-ssl false && yarn config set strict-ssl false
                  |                                                        ^^^^^^^^^^ tls-verification-disabled: `strict-ssl false` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                7 | RUN dnf --setopt=sslverify=0 install -y x && apk add --no-check-certificate x
                  |         ^^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `sslverify=0` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                7 | RUN dnf --setopt=sslverify=0 install -y x && apk add --no-check-certificate x
                  |                                                      ^^^^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `--no-check-certificate` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                8 | RUN NPM_CONFIG_STRICT_SSL=false npm ci && apt-get -o Acquire::https::Verify-Peer=false update
                  |     ^^^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `strict-ssl=false` makes npm accept any certificate; fix the trust store instead (add the CA certificate).
                8 | RUN NPM_CONFIG_STRICT_SSL=false npm ci && apt-get -o Acquire::https::Verify-Peer=false update
                  |                                                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ tls-verification-disabled: `Verify-Peer=false` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
                9 | ONBUILD ENV PIP_TRUSTED_HOST=pypi.org
                  |             ^^^^^^^^^^^^^^^^ tls-verification-disabled: `PIP_TRUSTED_HOST` lets pip download from these hosts without checking their certificate; fix the trust store instead (add the CA certificate).
                11 | curl --insecure https://x/c
                   |      ^^^^^^^^^^ tls-verification-disabled: `--insecure` turns off TLS certificate checks: anyone on the network path can substitute what is downloaded; fix the trust store instead.
            "#]],
        );
    }

    #[test]
    fn accepts_verified_settings() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
ENV PYTHONHTTPSVERIFY=1 NODE_TLS_REJECT_UNAUTHORIZED=1 NPM_CONFIG_STRICT_SSL=true
RUN curl -fsSL -H "X: -k" https://x/a && curl -o -k https://x/b && wget -k https://x/c
RUN git config --global http.sslVerify true && npm config set strict-ssl true
RUN echo --insecure && pip install --index-url https://x/ flask && dnf --setopt=gpgcheck=1 install x
RUN ["curl", "-k", "https://x/d"]
"#,
        );
    }

    #[test]
    fn fix_removes_the_option_or_variable() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
ENV PYTHONHTTPSVERIFY=0 LANG=C.UTF-8
ENV NODE_TLS_REJECT_UNAUTHORIZED=0
RUN curl -fsSLk https://x/a -o a && wget --no-check-certificate https://x/b
RUN pip install --trusted-host pypi.org flask && pip install --trusted-host=x y
RUN git -c http.sslverify=false clone https://x/r
RUN dnf --setopt=sslverify=0 install -y x && yum --setopt sslverify=0 install -y z
RUN NPM_CONFIG_STRICT_SSL=false npm ci && apt-get -o Acquire::https::Verify-Peer=false update
RUN curl \
    --insecure \
    -o /x https://x/c
ONBUILD RUN apk add --no-check-certificate x
RUN <<EOF
curl -k https://x/c
EOF
"#,
            expect![[r#"
                FROM debian:12
                ENV LANG=C.UTF-8
                RUN curl -fsSL https://x/a -o a && wget https://x/b
                RUN pip install flask && pip install y
                RUN git clone https://x/r
                RUN dnf install -y x && yum install -y z
                RUN npm ci && apt-get update
                RUN curl \
                    -o /x https://x/c
                ONBUILD RUN apk add x
                RUN <<EOF
                curl https://x/c
                EOF
            "#]],
        );
    }

    #[test]
    fn no_fix_for_config_commands_and_quoted_words() {
        for text in [
            "FROM debian:12\nRUN git config --global http.sslVerify false\n",
            "FROM debian:12\nRUN npm config set strict-ssl false\n",
            "FROM debian:12\nRUN curl \"-k\" https://x/a\n",
        ] {
            let d = crate::rules::test_support::diagnostics_of(&RULE, text);
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].fixes.is_empty(), "{text}: {:?}", d[0].fixes);
        }
    }
}

//! `package-signature-bypass`: package-manager options that skip signature checks.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports package-manager options that install packages without checking their
    /// signatures:
    /// - `apk --allow-untrusted`;
    /// - `apt-get`/`apt` `--allow-unauthenticated`, `--allow-insecure-repositories`,
    ///   `--force-yes`, `-o APT::Get::AllowUnauthenticated=true`;
    /// - `yum`/`dnf`/`microdnf`/`tdnf` `--nogpgcheck` (`--no-gpgchecks`),
    ///   `--setopt=gpgcheck=0`; `zypper --no-gpg-checks`;
    /// - `rpm --nosignature`, `--nodigest`, `--nofiledigest`, `--noverify`;
    /// - `dpkg --force-bad-verify`.
    ///
    /// `apk add --allow-untrusted` of local `.apk` files in a `RUN` that downloads
    /// nothing is not reported: these are packages the Dockerfile built itself (copied
    /// from a build stage), which have no signature to check.
    ///
    /// ## Why is this bad?
    /// Signatures are what tie a package to its publisher. Without them a mirror, a
    /// proxy or anyone on the network path can hand the build a modified package, and
    /// it is installed as root. `--force-yes` is worse than its name suggests: besides
    /// answering yes, it accepts unauthenticated packages and downgrades. If a
    /// repository's key is missing, install the key (`/etc/apt/keyrings`,
    /// `rpm --import`, `/etc/apk/keys`) instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get install -y --allow-unauthenticated mytool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN curl -fsSL https://example.com/key.asc -o /etc/apt/keyrings/example.asc \
    ///  && apt-get update && apt-get install -y mytool
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the option (`--force-yes` becomes `-y` when the command has no
    /// `-y` of its own, since it also answered the prompt). Options given through a
    /// setting (`-o APT::Get::AllowUnauthenticated=true`, `--setopt=gpgcheck=0`) get no
    /// fix. It is unsafe: the install fails until the repository's signing key is
    /// installed.
    ///
    /// ## References
    /// - Checkov CKV2_DOCKER_7, 8, 9, 10, 11
    /// - apt-get manual: `--allow-unauthenticated`, `--force-yes`
    pub(crate) RULE {
        id: "package-signature-bypass",
        summary: "Package installed without signature verification",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn bypass_options(tool: &str) -> &'static [&'static str] {
    match tool {
        "apk" => &["--allow-untrusted"],
        "apt-get" | "apt" | "aptitude" => &[
            "--allow-unauthenticated",
            "--allow-insecure-repositories",
            "--force-yes",
        ],
        "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf" => &["--nogpgcheck", "--no-gpgchecks"],
        "zypper" => &["--no-gpg-checks"],
        "rpm" => &["--nosignature", "--nodigest", "--nofiledigest", "--noverify"],
        "dpkg" => &["--force-bad-verify"],
        _ => &[],
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands() {
            let options = bypass_options(&cmd.name);
            if options.is_empty() {
                continue;
            }
            for (n, a) in cmd.args.iter().enumerate() {
                let t = a.text.as_str();
                let lower = t.to_ascii_lowercase();
                let named = options.contains(&t);
                let via_setting = lower.contains("allowunauthenticated=true")
                    || lower.contains("allowinsecurerepositories=true")
                    || ((lower.starts_with("--setopt=") || (n > 0 && cmd.args[n - 1].text == "--setopt"))
                        && lower.split_once('=').is_some_and(|_| {
                            let setting = lower.trim_start_matches("--setopt=");
                            setting.split_once('=').is_some_and(|(k, v)| {
                                (k == "gpgcheck" || k.ends_with(".gpgcheck")
                                    || k == "repo_gpgcheck")
                                    && matches!(v, "0" | "false" | "no" | "off")
                            })
                        }));
                if !named && !via_setting {
                    continue;
                }
                if t == "--allow-untrusted" && local_packages_only(shell, cmd) {
                    continue;
                }
                let d = acc.report(
                    &RULE,
                    a.range,
                    format!("`{t}` installs packages without checking their signatures; install the repository's signing key instead."),
                );
                let plain = ctx.text.get(a.range.range()) == Some(t);
                if named && !a.dynamic && plain {
                    // `--force-yes` also answered the prompt: keep that with `-y`.
                    let yes = cmd.has_option('y', &["--yes", "--assume-yes"]);
                    if t == "--force-yes" && !yes {
                        d.with_fix(
                            "Replace `--force-yes` with `-y`",
                            Applicability::Unsafe,
                            vec![TextEdit::replace(a.range, "-y")],
                        );
                        continue;
                    }
                    let range = shell_edit::delete_word(ctx.text, a.range);
                    d.with_fix(
                        format!("Remove `{t}`"),
                        Applicability::Unsafe,
                        vec![TextEdit::delete(range)],
                    );
                }
            }
        }
    }
}

/// `apk add --allow-untrusted /tmp/pkgs/*.apk` in a RUN that downloads nothing:
/// packages built by the Dockerfile itself (copied from a build stage), which have no
/// signature to check.
fn local_packages_only(
    shell: &crate::semantic::RunShell,
    cmd: &crate::semantic::ShellCommand,
) -> bool {
    let downloads = shell
        .commands()
        .any(|c| matches!(c.name.as_str(), "curl" | "wget"));
    let operands: Vec<_> = cmd
        .args
        .iter()
        .skip_while(|a| a.text != "add")
        .skip(1)
        .filter(|a| !a.text.starts_with('-'))
        .collect();
    !downloads
        && !operands.is_empty()
        && operands
            .iter()
            .all(|a| a.text.ends_with(".apk") && !a.text.contains("://"))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_bypass_options() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y --allow-unauthenticated x && apt-get -o APT::Get::AllowUnauthenticated=true install y
RUN wget -q https://x/x.apk && apk add --allow-untrusted x.apk && yum install --nogpgcheck -y z
RUN dnf --setopt=gpgcheck=0 install -y a && rpm -i --nosignature b.rpm && zypper --no-gpg-checks in c
ONBUILD RUN apt-get install --force-yes d
RUN <<EOF
tdnf install --nogpgcheck -y e
EOF
"#,
            expect![[r#"
                2 | RUN apt-get install -y --allow-unauthenticated x && apt-get -o APT::Get::AllowUnauthenticated=true install y
                  |                        ^^^^^^^^^^^^^^^^^^^^^^^ package-signature-bypass: `--allow-unauthenticated` installs packages without checking their signatures; install the repository's signing key instead.
                2 | RUN apt-get install -y --allow-unauthenticated x && apt-get -o APT::Get::AllowUnauthenticated=true install y
                  |                                                                ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ package-signature-bypass: `APT::Get::AllowUnauthenticated=true` installs packages without checking their signatures; install the repository's signing key instead.
                3 | RUN wget -q https://x/x.apk && apk add --allow-untrusted x.apk && yum install --nogpgcheck -y z
                  |                                        ^^^^^^^^^^^^^^^^^ package-signature-bypass: `--allow-untrusted` installs packages without checking their signatures; install the repository's signing key instead.
                3 | RUN wget -q https://x/x.apk && apk add --allow-untrusted x.apk && yum install --nogpgcheck -y z
                  |                                                                               ^^^^^^^^^^^^ package-signature-bypass: `--nogpgcheck` installs packages without checking their signatures; install the repository's signing key instead.
                4 | RUN dnf --setopt=gpgcheck=0 install -y a && rpm -i --nosignature b.rpm && zypper --no-gpg-checks in c
                  |         ^^^^^^^^^^^^^^^^^^^ package-signature-bypass: `--setopt=gpgcheck=0` installs packages without checking their signatures; install the repository's signing key instead.
                4 | RUN dnf --setopt=gpgcheck=0 install -y a && rpm -i --nosignature b.rpm && zypper --no-gpg-checks in c
                  |                                                    ^^^^^^^^^^^^^ package-signature-bypass: `--nosignature` installs packages without checking their signatures; install the repository's signing key instead.
                4 | RUN dnf --setopt=gpgcheck=0 install -y a && rpm -i --nosignature b.rpm && zypper --no-gpg-checks in c
                  |                                                                                  ^^^^^^^^^^^^^^^ package-signature-bypass: `--no-gpg-checks` installs packages without checking their signatures; install the repository's signing key instead.
                5 | ONBUILD RUN apt-get install --force-yes d
                  |                             ^^^^^^^^^^^ package-signature-bypass: `--force-yes` installs packages without checking their signatures; install the repository's signing key instead.
                7 | tdnf install --nogpgcheck -y e
                  |              ^^^^^^^^^^^^ package-signature-bypass: `--nogpgcheck` installs packages without checking their signatures; install the repository's signing key instead.
            "#]],
        );
    }

    #[test]
    fn accepts_checked_installs() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y x && apk add --no-cache y && dnf --setopt=gpgcheck=1 install z
RUN echo --allow-untrusted && pip install --force-yes x
RUN ["apk", "add", "--allow-untrusted", "x.apk"]
RUN apk add --no-cache --allow-untrusted /tmp/packages/mod-${V}*.apk
"#,
        );
    }

    #[test]
    fn fix_removes_option() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y --allow-unauthenticated x && apk add x --allow-untrusted
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get install -y x && apk add x
            "#]],
        );
    }

    #[test]
    fn fix_handles_continuations_force_yes_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get install -y \
    --allow-unauthenticated \
    curl
RUN apt-get install --force-yes curl && apt-get -y --force-yes install git
ONBUILD RUN apk add --allow-untrusted curl
RUN <<EOF
dnf install -y --nogpgcheck x
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get install -y \
                    curl
                RUN apt-get install -y curl && apt-get -y install git
                ONBUILD RUN apk add curl
                RUN <<EOF
                dnf install -y x
                EOF
            "#]],
        );
    }
}

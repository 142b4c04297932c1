//! `chpasswd-in-run`: setting passwords with `chpasswd` during the build.

use crate::rules::{Diagnostics, RuleContext};

declare_rule! {
    /// ## What it does
    /// Reports `chpasswd` run in a `RUN` (also in heredoc scripts and `ONBUILD RUN`
    /// triggers), as in `echo 'root:secret' | chpasswd`.
    ///
    /// ## Why is this bad?
    /// The password is written in the Dockerfile (or passed as a build argument, which
    /// `docker history` shows), its hash lands in `/etc/shadow` of a layer, and every
    /// container from the image shares it. Containers do not need login passwords: run
    /// as a dedicated `USER`, and give credentials to services at run time (secrets,
    /// environment) instead of baking them in.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd -m app && echo 'app:app' | chpasswd
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN useradd -m app
    /// USER app
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: what replaces the password (no login, a run-time secret)
    /// depends on the image.
    ///
    /// ## References
    /// - Checkov CKV2_DOCKER_17
    /// - Docker docs: "Build secrets"
    pub(crate) RULE {
        id: "chpasswd-in-run",
        summary: "Password set with chpasswd in RUN",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (_, shell) in ctx.model.run_shells() {
        for cmd in shell.commands().filter(|c| c.name == "chpasswd") {
            acc.report(
                &RULE,
                cmd.name_range,
                "Do not set passwords at build time: the hash stays in the image; use a `USER` without a password and run-time secrets.",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_chpasswd() {
        check_rule(
            &RULE,
            r#"
FROM ubuntu:24.04
RUN echo 'root:secret' | chpasswd
ONBUILD RUN echo "app:$PW" | /usr/sbin/chpasswd -e
RUN <<EOF
echo 'a:b' | chpasswd
EOF
"#,
            expect![[r#"
                2 | RUN echo 'root:secret' | chpasswd
                  |                          ^^^^^^^^ chpasswd-in-run: Do not set passwords at build time: the hash stays in the image; use a `USER` without a password and run-time secrets.
                3 | ONBUILD RUN echo "app:$PW" | /usr/sbin/chpasswd -e
                  |                              ^^^^^^^^^^^^^^^^^^ chpasswd-in-run: Do not set passwords at build time: the hash stays in the image; use a `USER` without a password and run-time secrets.
                5 | echo 'a:b' | chpasswd
                  |              ^^^^^^^^ chpasswd-in-run: Do not set passwords at build time: the hash stays in the image; use a `USER` without a password and run-time secrets.
            "#]],
        );
    }

    #[test]
    fn accepts_other_uses() {
        check_rule_not(
            &RULE,
            r#"
FROM ubuntu:24.04
RUN apt-get install -y passwd && echo chpasswd && man chpasswd
RUN ["chpasswd"]
"#,
        );
    }
}

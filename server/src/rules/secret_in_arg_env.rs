//! `secret-in-arg-env`: an ARG or ENV whose name says it holds a secret.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::secrets::{is_key_fingerprint, looks_secret};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports `ARG` and `ENV` names that look like secrets, with BuildKit's rule: the
    /// name split on `_` has a token (any case) `apikey`, `auth`, `credential(s)`,
    /// `key`, `password`, `pword`, `passwd`, `secret` or `token`, and no token
    /// `public`, `file` or `version` (`DB_PASSWORD`, `GITHUB_TOKEN`, `api_key`; not
    /// `PUBLIC_KEY`, `PASSWORD_FILE`, `MONKEY`).
    ///
    /// To keep real files free of false alarms we also allow names with a token that
    /// marks them as public or as a pointer to the secret rather than the secret:
    /// `gpg`, `pgp`, `gnupg`, `fingerprint`, `keyring`, `id`, `ids`, `path`, `dir`,
    /// `url`, `uri`, `name`, `type`, `length`, `size`, `server`, `host`, `header`,
    /// `enabled`, `required`, `method`, `mode` (`GPG_KEY` in the official images is a
    /// public key fingerprint; `AUTH_URL`, `SSH_KEY_PATH`, `TOKEN_HEADER` hold no
    /// secret). BuildKit would report those. For the same reason a value that is an
    /// OpenPGP key fingerprint or long key id (40 or 16 hex digits, possibly a list, as
    /// in `ARG GHC_RELEASE_KEY=88B57FCF…` or `ENV SWIFT_SIGNING_KEY=$SWIFT_SIGNING_KEY`)
    /// is not reported: it identifies a public key.
    ///
    /// Differences from hadolint (DL3064): hadolint matches a fixed list of names and
    /// the substrings `api_key`, `client_key`, `password`, `private`, `secret`,
    /// `token` and `username`. On our 988-file corpus:
    /// - it reports `ARG USERNAME=vscode` (13 dev-container files): the name of the
    ///   Unix account to create, not a credential; a user name alone grants nothing,
    ///   so we follow BuildKit, which does not count `username`;
    /// - it misses `ARG SSH_KEY` (hashicorp/nomad), which holds a private key; the
    ///   `key` token catches it here;
    /// - its substrings would also catch names such as `PRIVATE_DNS_ZONE` or
    ///   `TOKENIZER_MODEL`, which our whole-token match (BuildKit's) leaves alone.
    ///
    /// ## Why is this bad?
    /// Values of `ARG` and `ENV` are recorded in the image: `ENV` in its
    /// configuration, `ARG` in the build history of every `RUN` that uses it
    /// (`docker history` shows them). Anyone who can pull the image can read the
    /// secret. Build secrets (`RUN --mount=type=secret`) are made for this and leave
    /// no trace.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG GITHUB_TOKEN
    /// RUN git clone https://$GITHUB_TOKEN@github.com/org/private.git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=github_token,env=GITHUB_TOKEN \
    ///     git clone https://$GITHUB_TOKEN@github.com/org/private.git
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the secret has to be passed with `--secret` at build time.
    ///
    /// ## References
    /// - BuildKit check `SecretsUsedInArgOrEnv`
    /// - hadolint DL3064, Trivy DS-0031
    /// - Docker docs: "Build secrets"
    pub(crate) RULE {
        id: "secret-in-arg-env",
        summary: "ARG/ENV name that looks like a secret",
        level: Warning,
        fix: None,
        hadolint: ["DL3064"],
        buildkit: ["SecretsUsedInArgOrEnv"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if !matches!(eff.kind, Kind::Arg | Kind::Env) {
            continue;
        }
        for pair in &eff.args.pairs {
            let public_key = pair.value.as_ref().is_some_and(|v| {
                let value = ctx
                    .model
                    .expand_at(i, &v.text)
                    .unwrap_or_else(|| v.text.clone());
                is_key_fingerprint(&value)
            });
            if looks_secret(&pair.key.text) && !public_key {
                acc.report(
                    &RULE,
                    pair.key.range,
                    format!(
                        "`{} {}` looks like a secret and would be stored in the image; pass it with `RUN --mount=type=secret` instead.",
                        eff.kind.name(),
                        pair.key.text
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_secret_names() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG GITHUB_TOKEN
ENV DB_PASSWORD=hunter2 APP_NAME=x
ONBUILD ARG api_key=abc
"#,
            expect![[r#"
                2 | ARG GITHUB_TOKEN
                  |     ^^^^^^^^^^^^ secret-in-arg-env: `ARG GITHUB_TOKEN` looks like a secret and would be stored in the image; pass it with `RUN --mount=type=secret` instead.
                3 | ENV DB_PASSWORD=hunter2 APP_NAME=x
                  |     ^^^^^^^^^^^ secret-in-arg-env: `ENV DB_PASSWORD` looks like a secret and would be stored in the image; pass it with `RUN --mount=type=secret` instead.
                4 | ONBUILD ARG api_key=abc
                  |             ^^^^^^^ secret-in-arg-env: `ARG api_key` looks like a secret and would be stored in the image; pass it with `RUN --mount=type=secret` instead.
            "#]],
        );
    }

    #[test]
    fn accepts_public_and_pointer_names() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
ARG NPM_TOKEN_FILE=/run/secrets/npm
ENV PUBLIC_KEY=ssh-ed25519 KEYS=1 MONKEY=2
ARG RELEASE_KEY='88B57FCF7DB53B4DB3BFA4B1588764FBE22D19C4'
ENV RELEASE_KEY=$RELEASE_KEY LLVM_KEY="0x15CF4D18AF4F7421 6084F3CF814B57C1CF12EFD515CF4D18AF4F7421"
"#,
        );
    }
}

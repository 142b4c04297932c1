//! `secret-file-copied`: COPY/ADD of a file that usually holds credentials.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::copy::{is_remote, unquote, CopyArgs};

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` source whose name is a well-known credentials file,
    /// in a stage that ends up in the image (the final stage and the stages it is
    /// built `FROM`) or in an `ONBUILD` trigger:
    ///
    /// - `.env` and `.env.<name>` (`.env.production`), not `.env.example`,
    ///   `.env.sample`, `.env.template`, `.env.dist`, `.env.defaults`, `.env.test`;
    /// - private keys: `id_rsa`, `id_ecdsa`, `id_ed25519`, `id_dsa` (not the `.pub`
    ///   halves); `*.key` whose name says private or TLS (`server.key`, `tls.key`,
    ///   `private.key`, `client.key`); `*.pem` whose name says key (`key.pem`,
    ///   `server-key.pem`, `privkey.pem`). Other `.key` files are often public
    ///   package signing keys (`Release.key`, `nodesource.key`) and are not
    ///   reported, nor is a `.key` copied to a keyring, `.asc`, `.gpg` or `.pub`
    ///   destination;
    /// - tool credentials: `.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`,
    ///   `.dockercfg`, a `.aws` or `.ssh` folder, `.aws/credentials`, and
    ///   `credentials` / `credentials.json` (or `.yml`, `.yaml`, `.xml`, `.ini`,
    ///   `.csv`, `.txt`).
    ///
    /// Deliberately not reported: `*.pem` certificates (`ca.pem`, `cert.pem`,
    /// `fullchain.pem` are public), `.crt`, `.gpg` / `.asc` signing keys, names with
    /// `example`, `sample` or `template`, source code such as `credentials.go`, and
    /// build stages that are only copied from (their layers are not pushed with the
    /// image). A pattern such as `*.key` is only matched by file name: whether the
    /// file really holds a secret cannot be known from the Dockerfile.
    ///
    /// ## Why is this bad?
    /// Every `COPY` becomes a layer of the image. Anyone who can pull the image can
    /// read the file with `docker save` or `docker cp`, and deleting it in a later
    /// instruction does not remove it from the earlier layer. Registry tokens in
    /// `.npmrc`, cloud keys in `.aws/credentials` or an SSH key leak this way.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY .npmrc package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    ///
    /// Use instead (the secret is mounted for one `RUN` and never stored):
    /// ```dockerfile
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the secret must be passed with `docker build --secret`, which
    /// changes how the image is built.
    ///
    /// ## References
    /// - Docker docs: "Build secrets"; "Dockerfile reference", section "RUN
    ///   --mount=type=secret"
    /// - Trivy's secret scanning finds such files in built images; there is no
    ///   hadolint, BuildKit or Checkov check on the Dockerfile
    pub(crate) RULE {
        id: "secret-file-copied",
        summary: "COPY/ADD of a likely secret file",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let shipped = ctx.model.image_stages();
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let in_image = inst.trigger.is_some()
            || ctx
                .model
                .stage_of(i)
                .is_some_and(|s| shipped.get(s.index).copied().unwrap_or(false));
        if !in_image {
            continue;
        }
        let Some(args) = CopyArgs::of(inst) else {
            continue;
        };
        for src in &args.sources {
            let text = if args.json {
                src.text.as_str()
            } else {
                unquote(&src.text)
            };
            if is_remote(text) {
                continue;
            }
            let Some(what) = secret_kind(text) else {
                continue;
            };
            if what == "a private key" && public_key_destination(&args.dest.text) {
                continue;
            }
            acc.report(
                &RULE,
                src.range,
                format!(
                    "`{text}` looks like {what}; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead."
                ),
            );
        }
    }
}

/// A destination where public signing keys go (`/usr/share/keyrings/`,
/// `…/trusted.gpg.d/x.asc`, `key.pub`): the `.key` file is a public key.
fn public_key_destination(dest: &str) -> bool {
    let d = dest.to_ascii_lowercase();
    ["gpg", ".asc", ".pub", "keyring", "/apt/", "rpm-gpg"]
        .iter()
        .any(|h| d.contains(h))
}

/// What kind of secret a source path looks like, if any.
pub(crate) fn secret_kind(path: &str) -> Option<&'static str> {
    let trimmed = path.trim_end_matches('/');
    let mut comps = trimmed.rsplit('/');
    let name = comps.next()?.to_ascii_lowercase();
    let parent = comps.next().map(str::to_ascii_lowercase);
    if name.contains('$') {
        return None;
    }
    let harmless = ["example", "sample", "template", "tmpl", "tpl", "dist", "defaults", "test"];
    if harmless.iter().any(|h| name.contains(h)) {
        return None;
    }
    if name == ".env" || name.starts_with(".env.") {
        return Some("an environment file with secrets");
    }
    if matches!(
        name.as_str(),
        ".npmrc" | ".pypirc" | ".netrc" | ".git-credentials" | ".dockercfg"
    ) {
        return Some("a credentials file");
    }
    if name == ".aws" || name == ".ssh" {
        return Some("a folder of credentials");
    }
    if parent.as_deref() == Some(".aws") && name == "credentials" {
        return Some("a credentials file");
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, e),
        _ => (name.as_str(), ""),
    };
    if ext != "pub"
        && ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519"]
            .iter()
            .any(|k| name.starts_with(k))
    {
        return Some("an SSH private key");
    }
    let private = ["priv", "server", "tls", "ssl", "client", "secret", "jwt", "domain"];
    let public = ["release", "repo", "gpg", "signing", "pub", "archive", "apt"];
    if ext == "key"
        && (stem == "key" || private.iter().any(|p| stem.contains(p)))
        && !public.iter().any(|p| stem.contains(p))
    {
        return Some("a private key");
    }
    if ext == "pem" && (stem.contains("key") || stem.contains("priv")) && !stem.contains("pub") {
        return Some("a private key");
    }
    if stem == "credentials"
        && matches!(ext, "" | "json" | "yml" | "yaml" | "xml" | "ini" | "csv" | "txt")
    {
        return Some("a credentials file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{secret_kind, RULE};
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_secret_files() {
        check_rule(
            &RULE,
            r#"
FROM node:22
COPY .npmrc package.json ./
COPY .env.production /app/.env
ADD ["certs/server.key", "/etc/ssl/private/"]
COPY ./keys/privkey.pem /etc/ssl/
COPY id_rsa /root/.ssh/
COPY .aws/ /root/.aws/
COPY config/credentials.json /app/
ONBUILD COPY .env /app/
"#,
            expect![[r#"
                2 | COPY .npmrc package.json ./
                  |      ^^^^^^ secret-file-copied: `.npmrc` looks like a credentials file; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
                3 | COPY .env.production /app/.env
                  |      ^^^^^^^^^^^^^^^ secret-file-copied: `.env.production` looks like an environment file with secrets; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
                4 | ADD ["certs/server.key", "/etc/ssl/private/"]
                  |      ^^^^^^^^^^^^^^^^^^ secret-file-copied: `certs/server.key` looks like a private key; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
                5 | COPY ./keys/privkey.pem /etc/ssl/
                  |      ^^^^^^^^^^^^^^^^^^ secret-file-copied: `./keys/privkey.pem` looks like a private key; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
                6 | COPY id_rsa /root/.ssh/
                  |      ^^^^^^ secret-file-copied: `id_rsa` looks like an SSH private key; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
                7 | COPY .aws/ /root/.aws/
                  |      ^^^^^ secret-file-copied: `.aws/` looks like a folder of credentials; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
                8 | COPY config/credentials.json /app/
                  |      ^^^^^^^^^^^^^^^^^^^^^^^ secret-file-copied: `config/credentials.json` looks like a credentials file; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
                9 | ONBUILD COPY .env /app/
                  |              ^^^^ secret-file-copied: `.env` looks like an environment file with secrets; a copied file stays readable in the image layer. Pass it at build time with `RUN --mount=type=secret` (or at run time) instead.
            "#]],
        );
    }

    #[test]
    fn accepts_public_and_example_files() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
COPY .netrc /root/.netrc
RUN go build ./...
FROM alpine
COPY .env.example .env.sample /app/
COPY ca.pem cert.pem fullchain.pem /etc/ssl/
COPY id_rsa.pub /root/.ssh/authorized_keys
COPY credentials.go internal/credentials.py /src/
COPY repo.gpg /usr/share/keyrings/
COPY Release.key nodesource.key /tmp/
COPY jenkins.io-2026.key /war/jenkins-key.pub
COPY --from=build /out/app /app
COPY .ssh/known_hosts /root/.ssh/
COPY $KEYFILE /x
COPY environment /x
"#,
        );
    }

    #[test]
    fn names() {
        assert!(secret_kind(".env").is_some());
        assert!(secret_kind("/home/u/.ssh/").is_some());
        assert!(secret_kind(".envrc").is_none());
        assert!(secret_kind("tls/server-key.pem").is_some());
        assert!(secret_kind("tls/server.pem").is_none());
        assert!(secret_kind("*.key").is_none());
        assert!(secret_kind("id_ed25519").is_some());
    }
}

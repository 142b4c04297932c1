//! `secret-credential-setup`: credentials configured into the image during the build.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::mount::mounts;
use crate::semantic::ShellCommand;
use crate::syntax::Kind;
use crate::text::TextRange;

declare_rule! {
    /// ## What it does
    /// Reports build steps that store cloud or registry credentials in the image:
    /// - in a `RUN` without a `--mount=type=secret`: `aws configure set
    ///   aws_secret_access_key|aws_session_token …`, `gcloud auth
    ///   activate-service-account`, `az login -p/--password`, `doctl auth init
    ///   -t/--access-token`, `docker login -p/--password` (not `--password-stdin`);
    /// - `ENV GOOGLE_APPLICATION_CREDENTIALS` or `AWS_SHARED_CREDENTIALS_FILE` pointing
    ///   at a file that a `COPY`/`ADD` of the stage (or a stage it is built on) puts in
    ///   the image.
    ///
    /// A `RUN` with a secret mount is not reported: the credential then comes from the
    /// mount (whether the tool still writes it to disk depends on the tool; check that
    /// the file is removed in the same `RUN`).
    ///
    /// ## Why is this bad?
    /// These commands write the credential to a file in the layer (`~/.aws/credentials`,
    /// `~/.config/gcloud`, `~/.azure`, `~/.docker/config.json`), and the value usually
    /// comes from a build argument that `docker history` shows. Anyone who can pull the
    /// image can read it, even if a later step deletes the file. A COPYed key file is
    /// the same: it stays in its layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG AWS_SECRET
    /// RUN aws configure set aws_secret_access_key "$AWS_SECRET" && aws s3 cp s3://b/x .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://b/x .
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the secret has to be passed with `docker build --secret`.
    ///
    /// ## References
    /// - Trivy DS-0031
    /// - Docker docs: "Build secrets"
    pub(crate) RULE {
        id: "secret-credential-setup",
        summary: "Credentials configured into the image",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, shell) in ctx.model.run_shells() {
        let eff = ctx.syntax.instructions[i].effective();
        if mounts(eff).iter().any(|m| m.typ == "secret") {
            continue;
        }
        for cmd in shell.commands() {
            if let Some((range, what)) = credential_command(cmd) {
                acc.report(
                    &RULE,
                    range,
                    format!("{what} stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead."),
                );
            }
        }
    }
    check_credential_env(ctx, acc);
}

fn credential_command(cmd: &ShellCommand) -> Option<(TextRange, String)> {
    let args = &cmd.args;
    let pos = |t: &str| args.iter().position(|a| a.text == t);
    let flag = |short: &str, long: &str| {
        args.iter()
            .find(|a| a.text == short || a.text == long || a.text.starts_with(&format!("{long}=")))
    };
    match cmd.name.as_str() {
        "aws" => {
            let c = pos("configure")?;
            let s = args.get(c + 1).filter(|a| a.text == "set")?;
            let _ = s;
            let key = args.get(c + 2)?;
            let k = key.text.rsplit('.').next().unwrap_or(&key.text);
            matches!(k, "aws_secret_access_key" | "aws_session_token")
                .then(|| (key.range, format!("`aws configure set {k}`")))
        }
        "gcloud" => {
            let a = pos("auth")?;
            let sub = args
                .get(a + 1)
                .filter(|s| s.text == "activate-service-account")?;
            Some((sub.range, "`gcloud auth activate-service-account`".into()))
        }
        "az" => {
            pos("login")?;
            let f = flag("-p", "--password")?;
            Some((f.range, "`az login --password`".into()))
        }
        "doctl" => {
            let a = pos("auth")?;
            args.get(a + 1).filter(|s| s.text == "init")?;
            let f = flag("-t", "--access-token")?;
            Some((f.range, "`doctl auth init --access-token`".into()))
        }
        "docker" | "podman" | "buildah" => {
            pos("login")?;
            let f = flag("-p", "--password")?;
            Some((f.range, format!("`{} login --password`", cmd.name)))
        }
        _ => None,
    }
}

/// `ENV GOOGLE_APPLICATION_CREDENTIALS=/path` where `/path` is a COPYed file.
fn check_credential_env(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        if inst.kind != Kind::Env {
            continue;
        }
        for p in &inst.args.pairs {
            if !matches!(
                p.key.text.as_str(),
                "GOOGLE_APPLICATION_CREDENTIALS" | "AWS_SHARED_CREDENTIALS_FILE"
            ) {
                continue;
            }
            let Some(value) = p.value.as_ref() else { continue };
            let path = value.text.trim_matches(['"', '\'']);
            if path.is_empty() || path.contains('$') {
                continue;
            }
            let base = path.rsplit('/').next().unwrap_or(path);
            let copied = ctx.model.instructions_before(i).any(|j| {
                let c = &ctx.syntax.instructions[j];
                if !matches!(c.kind, Kind::Copy | Kind::Add) {
                    return false;
                }
                let words: Vec<&str> = match &c.args.json {
                    Some(json) => json.iter().map(|w| w.text.as_str()).collect(),
                    None => c.args.words.iter().map(|w| w.text.as_str()).collect(),
                };
                let Some((dest, sources)) = words.split_last() else {
                    return false;
                };
                let dest = dest.trim_matches(['"', '\'']);
                dest == path
                    || (dest.ends_with('/')
                        && sources.iter().any(|s| {
                            s.trim_matches(['"', '\''])
                                .rsplit('/')
                                .next()
                                .is_some_and(|b| b == base)
                        })
                        && path == format!("{dest}{base}"))
            });
            if copied {
                acc.report(
                    &RULE,
                    p.key.range,
                    format!("`{}` points at a key file copied into the image; mount it at run time or with `RUN --mount=type=secret` instead.", p.key.text),
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
    fn catches_credential_setup() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
ARG KEY
RUN aws configure set aws_secret_access_key "$KEY" && aws configure set default.aws_session_token x
RUN gcloud auth activate-service-account --key-file=/k.json && az login --service-principal -u a -p b
RUN doctl auth init -t x && docker login -u me -p "$PW" registry.example.com
COPY sa.json /secrets/
ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json
ONBUILD RUN docker login --password=x r
"#,
            expect![[r#"
                3 | RUN aws configure set aws_secret_access_key "$KEY" && aws configure set default.aws_session_token x
                  |                       ^^^^^^^^^^^^^^^^^^^^^ secret-credential-setup: `aws configure set aws_secret_access_key` stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead.
                3 | RUN aws configure set aws_secret_access_key "$KEY" && aws configure set default.aws_session_token x
                  |                                                                         ^^^^^^^^^^^^^^^^^^^^^^^^^ secret-credential-setup: `aws configure set aws_session_token` stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead.
                4 | RUN gcloud auth activate-service-account --key-file=/k.json && az login --service-principal -u a -p b
                  |                 ^^^^^^^^^^^^^^^^^^^^^^^^ secret-credential-setup: `gcloud auth activate-service-account` stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead.
                4 | RUN gcloud auth activate-service-account --key-file=/k.json && az login --service-principal -u a -p b
                  |                                                                                                  ^^ secret-credential-setup: `az login --password` stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead.
                5 | RUN doctl auth init -t x && docker login -u me -p "$PW" registry.example.com
                  |                     ^^ secret-credential-setup: `doctl auth init --access-token` stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead.
                5 | RUN doctl auth init -t x && docker login -u me -p "$PW" registry.example.com
                  |                                                ^^ secret-credential-setup: `docker login --password` stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead.
                7 | ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json
                  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ secret-credential-setup: `GOOGLE_APPLICATION_CREDENTIALS` points at a key file copied into the image; mount it at run time or with `RUN --mount=type=secret` instead.
                8 | ONBUILD RUN docker login --password=x r
                  |                          ^^^^^^^^^^^^ secret-credential-setup: `docker login --password` stores a credential in the image layer; pass it with `RUN --mount=type=secret` instead.
            "#]],
        );
    }

    #[test]
    fn accepts_secret_mounts_and_others() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN --mount=type=secret,id=aws aws configure set aws_secret_access_key "$(cat /run/secrets/aws)"
RUN aws configure set region eu-west-1 && docker login --password-stdin -u me r < /dev/null
RUN gcloud auth list && az login --identity && echo docker login -p x
ENV GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/sa.json
COPY other.json /secrets/
ENV AWS_SHARED_CREDENTIALS_FILE=/secrets/credentials
RUN ["docker", "login", "-p", "x"]
"#,
        );
    }
}

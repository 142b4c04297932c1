//! `add-remote-no-checksum`: ADD of a URL or Git repository without `--checksum`.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::copy::{is_remote, unquote, CopyArgs};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports an `ADD` (also as an `ONBUILD` trigger, and in JSON form) whose source is
    /// an `http://` / `https://` URL or a Git repository (`git@…`, `git://…`,
    /// `ssh://…`) when the instruction has no `--checksum`.
    ///
    /// A Git source pinned to a full 40-character commit
    /// (`https://github.com/org/repo.git#<commit>`, `?ref=<commit>`, after variable
    /// expansion) or using the `?commit=` query is content-addressed already and not
    /// reported. A source that is only a variable (`ADD $URL /x`) is unknown and
    /// not reported.
    ///
    /// ## Why is this bad?
    /// Without a checksum the build trusts whatever the server returns on the day of
    /// the build: a moved release, a compromised mirror or a man in the middle changes
    /// the image silently, and two builds of the same Dockerfile can differ.
    /// `--checksum=sha256:…` makes the build fail instead. (`--checksum` needs
    /// Dockerfile syntax 1.6 or later for URLs, 1.10 or later for Git.)
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the checksum has to be computed from the downloaded file,
    /// which needs the network.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile reference", section "ADD --checksum"; "Dockerfile
    ///   best practices", section "ADD or COPY"
    /// - No hadolint, BuildKit, Trivy or Checkov equivalent (hadolint DL3020 and
    ///   Checkov CKV_DOCKER_4 are about ADD versus COPY)
    pub(crate) RULE {
        id: "add-remote-no-checksum",
        summary: "ADD of a remote source without --checksum",
        level: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Add || eff.flag("checksum").is_some() {
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
            if !is_remote(text) {
                continue;
            }
            let expanded = ctx.model.expand_at(i, text);
            if pinned_git(expanded.as_deref().unwrap_or(text)) {
                continue;
            }
            acc.report(
                &RULE,
                src.range,
                "This remote source is not verified; add `--checksum=sha256:<digest>` (for Git, the commit) so that a changed download fails the build.",
            );
        }
    }
}

/// A Git URL pinned to a commit: its `#ref` or `?ref=` is a full commit hash, or it
/// uses `?commit=` (BuildKit 1.15 query form, which only accepts a commit).
fn pinned_git(url: &str) -> bool {
    let is_sha = |r: &str| r.len() == 40 && r.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some((_, fragment)) = url.split_once('#') {
        return is_sha(fragment.split(':').next().unwrap_or(""));
    }
    let Some((_, query)) = url.split_once('?') else {
        return false;
    };
    query.split('&').any(|kv| match kv.split_once('=') {
        Some(("commit", _)) => true,
        Some(("ref", r)) => is_sha(r),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_unverified_remote_sources() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ADD https://example.com/tool-${VERSION}.tgz /opt/
ADD --chown=1000 "http://example.com/a" local.txt /srv/
ADD ["https://example.com/b", "/b"]
ADD git@github.com:moby/buildkit.git#v0.13.0 /src
ONBUILD ADD https://example.com/c /c
"#,
            expect![[r#"
                2 | ADD https://example.com/tool-${VERSION}.tgz /opt/
                  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ add-remote-no-checksum: This remote source is not verified; add `--checksum=sha256:<digest>` (for Git, the commit) so that a changed download fails the build.
                3 | ADD --chown=1000 "http://example.com/a" local.txt /srv/
                  |                  ^^^^^^^^^^^^^^^^^^^^^^ add-remote-no-checksum: This remote source is not verified; add `--checksum=sha256:<digest>` (for Git, the commit) so that a changed download fails the build.
                4 | ADD ["https://example.com/b", "/b"]
                  |      ^^^^^^^^^^^^^^^^^^^^^^^ add-remote-no-checksum: This remote source is not verified; add `--checksum=sha256:<digest>` (for Git, the commit) so that a changed download fails the build.
                5 | ADD git@github.com:moby/buildkit.git#v0.13.0 /src
                  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ add-remote-no-checksum: This remote source is not verified; add `--checksum=sha256:<digest>` (for Git, the commit) so that a changed download fails the build.
                6 | ONBUILD ADD https://example.com/c /c
                  |             ^^^^^^^^^^^^^^^^^^^^^ add-remote-no-checksum: This remote source is not verified; add `--checksum=sha256:<digest>` (for Git, the commit) so that a changed download fails the build.
            "#]],
        );
    }

    #[test]
    fn accepts_checksums_local_and_pinned() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/a /a
ADD app.tar.gz /opt/
ADD $URL /x
ADD https://github.com/moby/buildkit.git#2fd6bd4d46c4b5b6b2c2b3d6e7c1b2a3f4e5d6c7 /src
ARG SHA=2fd6bd4d46c4b5b6b2c2b3d6e7c1b2a3f4e5d6c7
ADD https://github.com/moby/buildkit.git?ref=${SHA}&keep-git-dir=1 /src
ADD https://github.com/moby/buildkit.git?commit=${UNKNOWN} /src
COPY https://example.com/not-fetched /x
"#,
        );
    }
}

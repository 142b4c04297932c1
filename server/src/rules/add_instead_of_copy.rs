//! `add-instead-of-copy`: ADD used for plain local files, where COPY is enough.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `ADD` when every source is a local file or directory (or a heredoc):
    /// no URL (`http://`, `https://`, `git@…`, `git://`, `ssh://`), no local archive
    /// that `ADD` would extract (`.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`, `.tar.xz`/
    /// `.txz`, `.gz`, `.bz2`, `.xz`, `.lz`, `.lzma`, `.Z` … as in hadolint), and no
    /// source whose value is unknown (`$VAR` without a known value).
    ///
    /// Differences from hadolint (DL3020): hadolint does not expand variables and
    /// takes any source that is not literally a URL or archive for a local file. We
    /// expand ARG and ENV values first, so `ARG PS_PACKAGE_URL=https://…` … `ADD
    /// ${PS_PACKAGE_URL} /tmp/` (a download), `ENV JAVA_PKG=server-jre.tar.gz` … `ADD
    /// $JAVA_PKG /` (an extraction) and `ADD ${REPO}#${VERSION} /` with a Git URL are
    /// not reported; and a source with a variable of unknown value (`ADD
    /// ${BUILDDIR}/etcd /usr/local/bin/`, `BUILDDIR` passed at build time) could be a
    /// URL, so it is not reported either. Those are the 7 disagreements on our 988-file
    /// corpus.
    ///
    /// ## Why is this bad?
    /// `ADD` has extra behaviour (downloading URLs, cloning Git repositories,
    /// extracting archives) that `COPY` does not. For plain files the result is the
    /// same, but `ADD` makes readers wonder which behaviour is intended and
    /// silently unpacks a file that happens to be an archive. Docker's best practices
    /// recommend `COPY` unless the `ADD`-only features are needed.
    ///
    /// Trivy and Checkov flag any `ADD` (Checkov even for URLs); hadolint exempts
    /// archives and URLs. We follow hadolint: extracting a local archive is the
    /// documented use of `ADD`.
    ///
    /// ## Example
    /// ```dockerfile
    /// ADD app.py requirements.txt /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// COPY app.py requirements.txt /app/
    /// ```
    ///
    /// ## Fix safety
    /// Replacing the keyword with `COPY` is safe: for local files and heredocs both
    /// instructions do the same. No fix is offered when `ADD`-only flags are present
    /// (`--checksum`, `--keep-git-dir`, `--unpack`). With a wildcard source the fix is
    /// unsafe: the wildcard may match a local archive, which `ADD` extracts and `COPY`
    /// copies as it is. (`ADD` recognises archives by their content; a source whose name
    /// does not look like an archive is taken to be none, as hadolint does.)
    ///
    /// ## References
    /// - hadolint DL3020
    /// - Trivy DS-0005, Checkov CKV_DOCKER_4
    /// - Docker docs: "Dockerfile best practices", section "ADD or COPY"
    pub(crate) RULE {
        id: "add-instead-of-copy",
        summary: "ADD used for local files instead of COPY",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3020"],
        buildkit: [],
        check: check,
    }
}

/// File name endings ADD extracts (hadolint's list of archive extensions).
const ARCHIVES: &[&str] = &[
    ".tar", ".z", ".bz2", ".gz", ".lz", ".lzma", ".tz", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz", ".zst", ".tzst",
];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Add {
            continue;
        }
        let words: Vec<&str> = match &eff.args.json {
            Some(json) => json.iter().map(|w| w.text.as_str()).collect(),
            None => eff.args.words.iter().map(|w| w.text.as_str()).collect(),
        };
        let Some((_dest, sources)) = words.split_last() else {
            continue;
        };
        if sources.is_empty() {
            continue;
        }
        let all_local = sources.iter().all(|s| {
            if s.starts_with("<<") {
                return true;
            }
            let value = if s.contains('$') {
                match ctx.model.expand_at(i, s) {
                    Some(v) => v,
                    None => return false,
                }
            } else {
                s.to_string()
            };
            is_local_plain(&value)
        });
        if !all_local {
            continue;
        }
        let d = acc.report(
            &RULE,
            eff.keyword_range,
            "Use COPY instead of ADD for local files and directories.",
        );
        let add_only = ["checksum", "keep-git-dir", "unpack"]
            .iter()
            .any(|f| eff.flag(f).is_some());
        // A wildcard can match an archive, which ADD extracts and COPY does not.
        let wildcard = sources
            .iter()
            .any(|s| !s.starts_with("<<") && s.contains(['*', '?', '[']));
        if !add_only {
            let keyword = if eff.keyword.chars().all(|c| c.is_ascii_lowercase()) {
                "copy"
            } else {
                "COPY"
            };
            let (title, app) = if wildcard {
                (
                    "Replace `ADD` with `COPY` (a wildcard matching an archive would no longer be extracted)",
                    Applicability::Unsafe,
                )
            } else {
                ("Replace `ADD` with `COPY`", Applicability::Safe)
            };
            d.with_fix(
                title,
                app,
                vec![TextEdit::replace(eff.keyword_range, keyword)],
            );
        }
    }
}

fn is_local_plain(source: &str) -> bool {
    let s = source.trim_matches(['"', '\'']);
    let lower = s.to_ascii_lowercase();
    let remote = ["http://", "https://", "git@", "git://", "ssh://", "ftp://"]
        .iter()
        .any(|p| lower.starts_with(p))
        || lower.ends_with(".git")
        || lower.contains(".git#");
    let archive = ARCHIVES.iter().any(|ext| lower.ends_with(ext));
    !remote && !archive
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{
        check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of,
    };
    use expect_test::expect;

    #[test]
    fn catches_add_of_local_files() {
        check_rule(
            &RULE,
            r#"
FROM alpine
ARG SRC=app
ADD app.py requirements.txt /app/
add --chown=1000 ${SRC} /srv
ADD ["a b.txt", "/x/"]
ONBUILD ADD . /src
ADD --checksum=sha256:abc conf /etc/conf
ADD <<EOF /etc/motd
hello
EOF
"#,
            expect![[r#"
                3 | ADD app.py requirements.txt /app/
                  | ^^^ add-instead-of-copy: Use COPY instead of ADD for local files and directories.
                4 | add --chown=1000 ${SRC} /srv
                  | ^^^ add-instead-of-copy: Use COPY instead of ADD for local files and directories.
                5 | ADD ["a b.txt", "/x/"]
                  | ^^^ add-instead-of-copy: Use COPY instead of ADD for local files and directories.
                6 | ONBUILD ADD . /src
                  |         ^^^ add-instead-of-copy: Use COPY instead of ADD for local files and directories.
                7 | ADD --checksum=sha256:abc conf /etc/conf
                  | ^^^ add-instead-of-copy: Use COPY instead of ADD for local files and directories.
                8 | ADD <<EOF /etc/motd
                  | ^^^ add-instead-of-copy: Use COPY instead of ADD for local files and directories.
            "#]],
        );
    }

    #[test]
    fn accepts_urls_archives_git_and_unknowns() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
ADD https://example.com/x.tar.gz /tmp/
ADD rootfs.tar.xz /
ADD git@github.com:moby/buildkit.git /src
ADD https://github.com/moby/buildkit.git#v0.10.1 /src
ADD $URL /tmp/
ADD app.tgz local.txt /opt/
COPY app.py /app/
"#,
        );
    }

    #[test]
    fn fix_replaces_keyword() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
ADD app.py /app/
add conf /etc/
"#,
            expect![[r#"
                FROM alpine
                COPY app.py /app/
                copy conf /etc/
            "#]],
        );
    }

    #[test]
    fn fix_keeps_flags_heredocs_and_onbuild() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
ADD --chown=1000:1000 --chmod=644 \
    app.py /app/
ONBUILD ADD . /src
Add <<EOF /etc/motd
hello
EOF
"#,
            expect![[r#"
                FROM alpine
                COPY --chown=1000:1000 --chmod=644 \
                    app.py /app/
                ONBUILD COPY . /src
                COPY <<EOF /etc/motd
                hello
                EOF
            "#]],
        );
    }

    #[test]
    fn wildcard_fix_is_unsafe() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine
ADD dist/* /srv/
"#,
            expect![[r#"
                --- Replace `ADD` with `COPY` (a wildcard matching an archive would no longer be extracted) (unsafe)
                FROM alpine
                COPY dist/* /srv/
            "#]],
        );
    }

    #[test]
    fn fix_with_escape_backtick_and_crlf() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM alpine\r\nADD a.txt `\r\n  C:\\app\\\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nCOPY a.txt `\r\n  C:\\app\\\r\n"
        );
    }

    #[test]
    fn no_fix_with_add_only_flags() {
        let d = diagnostics_of(&RULE, "FROM alpine\nADD --checksum=sha256:abc conf /etc/conf\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }
}

//! `wget-no-progress`: wget's default progress bar floods build logs.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::distro::{family_at, Family};
use crate::semantic::download::{Download, Tool};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::semantic::shell::ShellWord;
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports `wget` in a `RUN` without an option that quiets its progress output:
    /// `--progress=…`, `-q`/`--quiet`, `-nv`/`--no-verbose`, `-o`/`--output-file`,
    /// `-a`/`--append-output` (also inside a cluster such as `-qO-`). A `wget` with an
    /// unquoted argument that is only a variable which may hold options is not
    /// reported: `wget $WGET_OPTS …` or `${CURL_ARGS}` (unknown value, name about
    /// options), or a variable whose known value starts with `-`. A quoted `"$url"` or
    /// `${BINARY_URL}` is a URL and does not excuse the `wget`.
    ///
    /// Stages built on `alpine` are not checked unless the file installs GNU wget
    /// (`apk add wget`): BusyBox wget redraws a single progress line instead of
    /// printing dots.
    ///
    /// Differences from hadolint (DL3047): hadolint also reports `wget` in Alpine
    /// stages (BusyBox wget: all 87 of its corpus findings we lack, in 66 Alpine-based
    /// files); we do not, since BusyBox prints one progress line that it redraws,
    /// which does not flood the log. hadolint treats `wget $OPTS …` like any other
    /// `wget`; we give the variable the benefit of the doubt.
    ///
    /// ## Why is this bad?
    /// Without a terminal, GNU wget prints its progress as a long run of dots, one line
    /// per 50 KB: a 100 MB download adds about 2,000 lines to the build log, burying
    /// the lines that matter and slowing down CI log viewers.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN wget https://example.com/tool.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN wget --progress=dot:giga https://example.com/tool.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `--progress=dot:giga` after `wget`. BusyBox wget (Alpine and
    /// other BusyBox images) does not know that option and would fail, so the fix is
    /// safe only when the stage is built on an official Debian/Ubuntu/Fedora-family
    /// image; otherwise it is offered as unsafe (use `-q` there).
    ///
    /// ## References
    /// - hadolint DL3047
    pub(crate) RULE {
        id: "wget-no-progress",
        summary: "wget without a progress setting",
        level: Info,
        fix: Always,
        hadolint: ["DL3047"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let gnu_wget_on_alpine = installs_gnu_wget(ctx);
    for (i, shell) in ctx.model.run_shells() {
        // BusyBox wget (Alpine) redraws one progress line instead of printing dots.
        if family_at(ctx.model, i) == Family::Alpine && !gnu_wget_on_alpine {
            continue;
        }
        for cmd in shell.commands() {
            let Some(d) = Download::of(cmd) else {
                continue;
            };
            if d.tool != Tool::Wget {
                continue;
            }
            let quiet = d
                .opt(
                    Some("-q"),
                    &[
                        "--quiet",
                        "--progress",
                        "--no-verbose",
                        "--output-file",
                        "--append-output",
                    ],
                )
                .is_some()
                || d.opt(Some("-o"), &[]).is_some()
                || d.opt(Some("-a"), &[]).is_some()
                || d.has_n("v")
                // `wget $WGET_OPTS …`: a variable may hold the options.
                || d.command.args.iter().any(|a| may_hold_options(ctx, i, a));
            if quiet {
                continue;
            }
            let applicability = if family_at(ctx.model, i) == Family::Gnu {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            acc.report(
                &RULE,
                cmd.name_range,
                "Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.",
            )
            .with_fix(
                "Insert `--progress=dot:giga`",
                applicability,
                vec![TextEdit::insert(cmd.name_range.end(), " --progress=dot:giga")],
            );
        }
    }
}

/// An unquoted word that is only a variable (`$WGET_OPTS`, `${ARGS}`) that may expand
/// to options: its value is known and starts with `-`, or (unknown) its name speaks
/// of options. `"$url"` (quoted: one word) and `${BINARY_URL}` are URLs, not options.
fn may_hold_options(ctx: &RuleContext<'_>, at: usize, word: &ShellWord) -> bool {
    if !word.dynamic {
        return false;
    }
    let raw = &ctx.text[word.range.range()];
    let Some(name) = raw
        .strip_prefix("${")
        .and_then(|r| r.strip_suffix('}'))
        .or_else(|| raw.strip_prefix('$'))
    else {
        return false;
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return false;
    }
    if let Some(value) = ctx.model.value_at(at, name) {
        return value.trim_start().starts_with('-');
    }
    let lower = name.to_ascii_lowercase();
    ["opt", "arg", "flag", "param"]
        .iter()
        .any(|k| lower.contains(k))
}

/// Some RUN installs GNU wget with `apk add wget`.
fn installs_gnu_wget(ctx: &RuleContext<'_>) -> bool {
    ctx.model.run_shells().any(|(_, shell)| {
        shell.commands().any(|c| {
            PkgCommand::of(c).is_some_and(|p| {
                p.manager == Manager::Apk
                    && p.is(&["add"])
                    && p.operands().iter().any(|o| o.text == "wget")
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_noisy_wget() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN wget https://example.com/a.tgz && wget -O /tmp/b https://example.com/b
ONBUILD RUN wget -c https://example.com/c
RUN <<EOF
wget --header 'X-Quiet: -q' https://example.com/d
EOF
# a variable holding the URL is not an option (hadolint DL3047 agrees)
RUN wget -O /tmp/ps.tar.gz "$url" && wget ${BINARY_URL} && wget $src
"#,
            expect![[r#"
                2 | RUN wget https://example.com/a.tgz && wget -O /tmp/b https://example.com/b
                  |     ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
                2 | RUN wget https://example.com/a.tgz && wget -O /tmp/b https://example.com/b
                  |                                       ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
                3 | ONBUILD RUN wget -c https://example.com/c
                  |             ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
                5 | wget --header 'X-Quiet: -q' https://example.com/d
                  | ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
                8 | RUN wget -O /tmp/ps.tar.gz "$url" && wget ${BINARY_URL} && wget $src
                  |     ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
                8 | RUN wget -O /tmp/ps.tar.gz "$url" && wget ${BINARY_URL} && wget $src
                  |                                      ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
                8 | RUN wget -O /tmp/ps.tar.gz "$url" && wget ${BINARY_URL} && wget $src
                  |                                                            ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
            "#]],
        );
    }

    #[test]
    fn accepts_quiet_wget() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN wget -q https://x/a && wget -qO- https://x/b | tar xz && wget -nv https://x/c
RUN wget --progress=dot:giga https://x/d && wget --no-verbose https://x/e
RUN wget -o /tmp/log https://x/f && wget -a /tmp/log https://x/g && wget --quiet https://x/h
RUN wget $WGET_OPTS https://x/i && apt-get install -y wget && echo wget
ARG DL_QUIET=-nv
RUN wget ${WGET_ARGS} https://x/i2 && wget $DL_QUIET https://x/i3
RUN ["wget", "https://x/j"]
FROM alpine:3.20
RUN wget https://x/k
"#,
        );
    }

    #[test]
    fn catches_gnu_wget_on_alpine() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
RUN apk add --no-cache wget && wget https://x/a
"#,
            expect![[r#"
                2 | RUN apk add --no-cache wget && wget https://x/a
                  |                                ^^^^ wget-no-progress: Add `--progress=dot:giga` (or `-q`/`-nv`) so that wget does not flood the build log with progress dots.
            "#]],
        );
    }

    #[test]
    fn fix_inserts_progress() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN wget https://example.com/a.tgz
"#,
            expect![[r#"
                FROM debian:12
                RUN wget --progress=dot:giga https://example.com/a.tgz
            "#]],
        );
    }

    #[test]
    fn fix_with_prefixes_continuations_onbuild_and_heredocs() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN sudo wget https://example.com/a.tgz \
    && env A=1 wget -O /b https://example.com/b
ONBUILD RUN wget https://example.com/c
RUN <<EOF
wget https://example.com/d
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN sudo wget --progress=dot:giga https://example.com/a.tgz \
                    && env A=1 wget --progress=dot:giga -O /b https://example.com/b
                ONBUILD RUN wget --progress=dot:giga https://example.com/c
                RUN <<EOF
                wget --progress=dot:giga https://example.com/d
                EOF
            "#]],
        );
    }
}

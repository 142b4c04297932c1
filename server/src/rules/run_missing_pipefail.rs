//! `run-missing-pipefail`: a pipe in RUN whose first commands may fail unnoticed.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::distro::{family_at, Family};
use crate::semantic::{Script, ShellCommand};
use crate::syntax::Kind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` (shell form, POSIX shell) that contains a pipe `a | b` when
    /// `pipefail` is not in force: no `SHELL [..., "-o", "pipefail", ...]` earlier in
    /// the stage (or the stages it is built `FROM`), and no `set -o pipefail` (also
    /// `set -eo pipefail`, `set -euxo pipefail`) before the pipe in the same script.
    /// The first such `|` of the `RUN` is reported. Heredoc scripts are checked the
    /// same way; exec-form `RUN` and PowerShell/cmd `SHELL`s are not checked.
    ///
    /// Differences from hadolint (DL4006), all deliberate except the last:
    /// - a pipe whose left side is a plain `echo`/`printf` (no command substitution),
    ///   a `{ …; }` group or `case` of them, or `yes` is not reported (about 250 of
    ///   hadolint's corpus findings: `echo "$SHA  x.tgz" | sha256sum -c -`,
    ///   `echo "root:pw" | chpasswd`, `x=$(echo "$V" | cut -d. -f1)`, `yes | pecl
    ///   install`). `echo` cannot fail in a way pipefail would catch, and `yes` is
    ///   killed by SIGPIPE, so pipefail would turn a working `RUN` into a failure;
    /// - `set -o pipefail` (also `set -eo pipefail`, `set -euxo pipefail`) before the
    ///   pipe in the same script counts; hadolint only accepts a `SHELL` of bash, zsh
    ///   or ash with `-o pipefail`;
    /// - a `RUN` in a Windows image (base `mcr.microsoft.com/windows/…`, also through
    ///   an ARG default) is run by `cmd`, not a POSIX shell, and is not checked;
    /// - a script the shell parser cannot read is skipped: a backtick "comment" such as
    ///   `` `# note` `` inside a line continuation makes the whole `RUN` unreadable, so
    ///   a pipe after it is not seen (one corpus file).
    ///
    /// ## Why is this bad?
    /// Without pipefail, a pipeline's exit status is that of its last command:
    /// `curl -fsSL https://example.com/x.tgz | tar xz` succeeds when the download fails
    /// half-way (tar extracts what it got, or nothing), and the build goes on to ship a
    /// broken image instead of stopping at the step that failed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /opt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/x.tgz | tar -xz -C /opt
    /// ```
    ///
    /// ## Fix safety
    /// Both fixes are unsafe: a pipe that used to fail silently now fails the build,
    /// and `yes | …`-style pipes may start failing.
    /// - When the stage is built on an official Debian/Ubuntu/Fedora-family image
    ///   (which has bash), the fix inserts `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`
    ///   before the `RUN` (above the comment lines right before it). This also
    ///   switches later `RUN`s of the stage from `sh` (dash) to bash. It is offered on
    ///   the first such `RUN` of the stage only.
    /// - When it is built on `alpine`, whose BusyBox `sh` supports pipefail, the fix
    ///   prefixes the `RUN` with `set -o pipefail && `.
    /// - Otherwise no fix is offered: `/bin/sh` may be dash, and dash before 0.5.13
    ///   (Debian 12 ships 0.5.12) rejects `set -o pipefail`.
    /// - `ONBUILD RUN` triggers get no fix (they run in an image whose shell is
    ///   unknown), nor do pipes inside heredoc bodies on Alpine.
    ///
    /// ## References
    /// - hadolint DL4006
    /// - Docker docs: "Dockerfile best practices", section "Using pipes"
    pub(crate) RULE {
        id: "run-missing-pipefail",
        summary: "RUN with a pipe without pipefail",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL4006"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    // Stages that already got the SHELL fix: one SHELL covers every later RUN.
    let mut shell_fixed = std::collections::HashSet::new();
    for (i, shell) in ctx.model.run_shells() {
        if shell_has_pipefail(ctx, i) {
            continue;
        }
        let scripts = shell.script.iter().chain(shell.heredoc_scripts.iter());
        let Some((op, in_heredoc)) = scripts
            .enumerate()
            .find_map(|(n, s)| unprotected_pipe(s).map(|op| (op, n > 0)))
        else {
            continue;
        };
        let d = acc.report(
            &RULE,
            op,
            "Without pipefail this pipe hides failures of its first commands; add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN or `set -o pipefail &&` at its start.",
        );
        let inst = &ctx.syntax.instructions[i];
        if inst.kind == Kind::Onbuild {
            continue;
        }
        match family_at(ctx.model, i) {
            Family::Gnu => {
                let stage = ctx.model.stage_of(i).map(|s| s.index);
                if !shell_fixed.insert(stage) {
                    continue;
                }
                let start = inst.range.start();
                let line_start = ctx.text[..start].rfind('\n').map_or(0, |p| p + 1);
                let indent = &ctx.text[line_start..start];
                if !indent.trim().is_empty() {
                    continue;
                }
                // Above the comment lines right before the RUN, which describe it.
                let start = comments_above(ctx.text, line_start) + indent.len();
                let nl = crate::text::line_break_at(ctx.text, start);
                d.with_fix(
                    "Insert `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN",
                    Applicability::Unsafe,
                    vec![TextEdit::insert(
                        start,
                        format!("SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]{nl}{indent}"),
                    )],
                );
            }
            Family::Alpine if !in_heredoc && inst.heredocs.is_empty() => {
                d.with_fix(
                    "Prefix the RUN with `set -o pipefail &&`",
                    Applicability::Unsafe,
                    vec![TextEdit::insert(
                        inst.args.range.start(),
                        "set -o pipefail && ",
                    )],
                );
            }
            _ => {}
        }
    }
}

/// The start of the block of comment lines that ends right before `line_start`.
fn comments_above(text: &str, mut line_start: usize) -> usize {
    while line_start > 0 {
        let prev_end = line_start - 1;
        let prev_start = text[..prev_end].rfind('\n').map_or(0, |p| p + 1);
        let line = text[prev_start..prev_end].trim();
        if !line.starts_with('#') || prev_start == 0 {
            break;
        }
        line_start = prev_start;
    }
    line_start
}

/// The SHELL in force at `at` turns pipefail on.
fn shell_has_pipefail(ctx: &RuleContext<'_>, at: usize) -> bool {
    let Some(shell) = ctx.model.instructions_before(at).find_map(|j| {
        let inst = &ctx.syntax.instructions[j];
        (inst.kind == Kind::Shell).then_some(inst.args.json.as_ref()?)
    }) else {
        return false;
    };
    sets_pipefail(shell.iter().skip(1).map(|w| w.text.as_str()))
}

/// `-o pipefail` (or `-eo pipefail`, `-opipefail`) among `args`.
fn sets_pipefail<'a>(args: impl Iterator<Item = &'a str>) -> bool {
    let mut prev_o = false;
    for a in args {
        if (prev_o && a == "pipefail") || a == "-opipefail" {
            return true;
        }
        prev_o = a.starts_with('-') && !a.starts_with("--") && a.ends_with('o');
    }
    false
}

/// The first `|` of `script` not preceded by `set -o pipefail` and whose left side can
/// fail.
fn unprotected_pipe(script: &Script) -> Option<TextRange> {
    let pipefail_at = script
        .commands
        .iter()
        .filter(|c| c.name == "set" && sets_pipefail(c.args.iter().map(|a| a.text.as_str())))
        .map(|c| c.range.start())
        .min();
    script
        .pipes
        .iter()
        .filter(|p| pipefail_at.is_none_or(|s| p.op.start() < s))
        .find(|p| {
            // The left side's commands (a single command or a `{ …; }` group).
            let mut left = script
                .commands
                .iter()
                .filter(|c| p.left.start() <= c.range.start() && c.range.end() <= p.left.end())
                .peekable();
            left.peek().is_none() || !left.all(cannot_fail)
        })
        .map(|p| p.op)
}

fn cannot_fail(cmd: &ShellCommand) -> bool {
    match cmd.name.as_str() {
        "echo" | "printf" => !cmd
            .args
            .iter()
            .any(|a| a.text.contains("$(") || a.text.contains('`')),
        "yes" => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_pipes_without_pipefail() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSL https://x/a.tgz | tar xz && wget -qO- https://x/b | sh
RUN echo x | sha256sum -c && cat /x | grep y
ONBUILD RUN curl -fsSL https://x/c | bash
RUN <<EOF
apt-get update
curl https://x/d | sh
EOF
RUN a | b && set -o pipefail
SHELL ["/bin/sh", "-c"]
RUN a | b
"#,
            expect![[r#"
                2 | RUN curl -fsSL https://x/a.tgz | tar xz && wget -qO- https://x/b | sh
                  |                                ^ run-missing-pipefail: Without pipefail this pipe hides failures of its first commands; add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN or `set -o pipefail &&` at its start.
                3 | RUN echo x | sha256sum -c && cat /x | grep y
                  |                                     ^ run-missing-pipefail: Without pipefail this pipe hides failures of its first commands; add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN or `set -o pipefail &&` at its start.
                4 | ONBUILD RUN curl -fsSL https://x/c | bash
                  |                                    ^ run-missing-pipefail: Without pipefail this pipe hides failures of its first commands; add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN or `set -o pipefail &&` at its start.
                7 | curl https://x/d | sh
                  |                  ^ run-missing-pipefail: Without pipefail this pipe hides failures of its first commands; add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN or `set -o pipefail &&` at its start.
                9 | RUN a | b && set -o pipefail
                  |       ^ run-missing-pipefail: Without pipefail this pipe hides failures of its first commands; add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN or `set -o pipefail &&` at its start.
                11 | RUN a | b
                   |       ^ run-missing-pipefail: Without pipefail this pipe hides failures of its first commands; add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN or `set -o pipefail &&` at its start.
            "#]],
        );
    }

    #[test]
    fn accepts_pipefail_and_harmless_pipes() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12 AS base
SHELL ["/bin/bash", "-eo", "pipefail", "-c"]
FROM base
RUN curl -fsSL https://x/a.tgz | tar xz
FROM alpine:3.20
RUN set -eux -o pipefail; curl -fsSL https://x/a.tgz | tar xz
RUN set -euxo pipefail && a | b
RUN echo "abc  /x" | sha256sum -c - && yes | apt-get install x && a || b
RUN { echo a; printf 'b'; } | tee /etc/x.repo
RUN <<EOF
set -o pipefail
curl https://x/d | sh
EOF
RUN ["sh", "-c", "a | b"]
RUN python3 <<EOF
print("a | b")
EOF
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN Get-Content x | Out-File y
"#,
        );
    }

    #[test]
    fn fix_inserts_shell_or_set() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN curl -fsSL https://x/a.tgz | tar xz
RUN a | b
FROM alpine:3.20
  RUN wget -qO- https://x/b | tar xz
FROM example.com/base:1
RUN a | b
"#,
            expect![[r#"
                FROM debian:12
                SHELL ["/bin/bash", "-o", "pipefail", "-c"]
                RUN curl -fsSL https://x/a.tgz | tar xz
                RUN a | b
                FROM alpine:3.20
                  RUN set -o pipefail && wget -qO- https://x/b | tar xz
                FROM example.com/base:1
                RUN a | b
            "#]],
        );
    }

    #[test]
    fn fixes_keep_indentation_and_line_endings() {
        {
            let before = "FROM debian:12\r\n  RUN curl -fsSL https://x | tar -xz\r\nRUN wget -O- https://y | sh\r\n";
            let d = crate::rules::test_support::diagnostics_of(&RULE, before);
            let fixed = crate::text::apply_edits(before, &d[0].fixes[0].edits);
            assert_eq!(fixed, "FROM debian:12\r\n  SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\r\n  RUN curl -fsSL https://x | tar -xz\r\nRUN wget -O- https://y | sh\r\n");
        }
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine:3.20
RUN --mount=type=cache,target=/root/.cache \
    curl -fsSL https://x | tar -xz
ONBUILD RUN curl https://x | sh
RUN <<EOF
curl https://x | sh
EOF
"#,
            expect![[r#"
                --- Prefix the RUN with `set -o pipefail &&` (unsafe)
                FROM alpine:3.20
                RUN --mount=type=cache,target=/root/.cache \
                    set -o pipefail && curl -fsSL https://x | tar -xz
                ONBUILD RUN curl https://x | sh
                RUN <<EOF
                curl https://x | sh
                EOF
            "#]],
        );
    }

    #[test]
    fn no_fix_where_sh_may_be_dash() {
        let text = "FROM example.com/base:1\nRUN curl -fsSL https://x | tar -xz\n";
        let d = crate::rules::test_support::diagnostics_of(&RULE, text);
        assert_eq!(d.len(), 1);
        assert!(d[0].fixes.is_empty());
    }

    #[test]
    fn shell_goes_above_the_comments_of_the_run() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
ENV A=1
# fetch the tool
# (pinned)
RUN curl -fsSL https://x | tar -xz
"#,
            expect![[r#"
                FROM debian:12
                ENV A=1
                SHELL ["/bin/bash", "-o", "pipefail", "-c"]
                # fetch the tool
                # (pinned)
                RUN curl -fsSL https://x | tar -xz
            "#]],
        );
    }
}

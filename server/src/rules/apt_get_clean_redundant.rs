//! `apt-get-clean-redundant`: `apt-get clean` on official Debian/Ubuntu images, which
//! clean the package cache by themselves.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::semantic::{Base, Model, ShellCommand};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get clean` (`apt clean`) in a stage built, directly or through
    /// earlier stages, on the official `debian` or `ubuntu` image.
    ///
    /// Off by default: the rule cannot see inside other base images (`python`,
    /// `node`… are Debian-based and also carry the configuration, but a custom base
    /// may not), and the command is harmless.
    ///
    /// ## Why is this bad?
    /// The official Debian and Ubuntu images ship `/etc/apt/apt.conf.d/docker-clean`,
    /// which makes apt delete downloaded `.deb` files after every install, so
    /// `/var/cache/apt/archives` is already empty: `apt-get clean` does nothing but add
    /// noise to the `RUN`. What does take space is `/var/lib/apt/lists`, which
    /// `apt-get clean` does not remove (see `apt-lists-not-cleaned`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && apt-get clean \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix removes the command together with one `&&` or `;` next to it, keeping
    /// the rest of the list and its continuation layout (`a && apt-get clean && b`
    /// becomes `a && b`; a heredoc line goes with its line break). A `RUN` that only
    /// runs `apt-get clean` is deleted. No fix when the command is joined by `||`, a
    /// pipe, `&` or sits inside `if`/a subshell. Safe on these bases: the cache is
    /// empty anyway.
    ///
    /// ## References
    /// - No hadolint, BuildKit, Trivy or Checkov check.
    /// - debuerreotype / docker-library `debian` image: `docker-clean` apt
    ///   configuration; Docker docs: "Dockerfile best practices", section "apt-get"
    pub(crate) RULE {
        id: "apt-get-clean-redundant",
        summary: "apt-get clean on an image that cleans apt's cache itself",
        level: Off,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, shell) in ctx.model.run_shells() {
        let Some(stage) = ctx.model.stage_of(i) else {
            continue;
        };
        let Some(base) = official_base(ctx.model, stage.index) else {
            continue;
        };
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if !matches!(pkg.manager, Manager::AptGet | Manager::Apt) || !pkg.is(&["clean"]) {
                continue;
            }
            let Some(sub) = pkg.sub_word() else {
                continue;
            };
            let d = acc.report(
                &RULE,
                sub.range,
                format!(
                    "The `{base}` image already deletes downloaded packages; `{} clean` does nothing here.",
                    cmd.name
                ),
            );
            if let Some(range) = removal(ctx, i, cmd) {
                d.with_fix(
                    format!("Remove `{} clean`", cmd.name),
                    Applicability::Safe,
                    vec![TextEdit::delete(range)],
                );
            }
        }
    }
}

/// `debian` or `ubuntu` when the stage is built on the official image.
fn official_base(model: &Model, stage: usize) -> Option<&'static str> {
    match &model.root_stage(stage)?.base {
        Base::Image(r) if r.is_docker_hub() => match r.repository.as_str() {
            "library/debian" => Some("debian"),
            "library/ubuntu" => Some("ubuntu"),
            _ => None,
        },
        _ => None,
    }
}

/// What to delete to remove the command: its whole `&& cmd \` line, or the command
/// and the `&&` after it on the same line.
fn removal(ctx: &RuleContext<'_>, i: usize, cmd: &ShellCommand) -> Option<TextRange> {
    let inst = ctx.syntax.instructions.get(i)?;
    let run = inst.effective();
    let bounds = shell_edit::script_bounds(run, cmd.range)?;
    if let Some(range) = shell_edit::remove_command(ctx.text, bounds, cmd) {
        return Some(range);
    }
    // The command is the whole RUN: delete the instruction (its whole lines).
    let whole = run.heredocs.is_empty()
        && bounds == run.args.range
        && ctx.text[bounds.range()].trim() == ctx.text[cmd.range.range()].trim();
    whole.then(|| crate::fix::full_lines(ctx.text, inst.range))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_clean_on_official_bases() {
        check_rule(
            &RULE,
            r#"
FROM debian:12 AS base
RUN apt-get update && apt-get install -y curl && apt-get clean
FROM base
RUN apt clean
FROM ubuntu:24.04
ONBUILD RUN apt-get clean
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get install -y curl && apt-get clean
                  |                                                          ^^^^^ apt-get-clean-redundant: The `debian` image already deletes downloaded packages; `apt-get clean` does nothing here.
                4 | RUN apt clean
                  |         ^^^^^ apt-get-clean-redundant: The `debian` image already deletes downloaded packages; `apt clean` does nothing here.
                6 | ONBUILD RUN apt-get clean
                  |                     ^^^^^ apt-get-clean-redundant: The `ubuntu` image already deletes downloaded packages; `apt-get clean` does nothing here.
            "#]],
        );
    }

    #[test]
    fn accepts_other_bases() {
        check_rule_not(
            &RULE,
            r#"
FROM python:3.12
RUN apt-get clean
FROM myregistry.example/debian:12
RUN apt-get clean
FROM debian:12
RUN apt-get autoclean && apt-get install -y x
RUN ["apt-get", "clean"]
"#,
        );
    }

    #[test]
    fn fix_removes_the_command() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y curl \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
RUN apt-get update && \
    apt-get clean && \
    rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get clean && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get clean
RUN apt-get clean; rm -rf /var/lib/apt/lists/*
RUN apt-get update; apt-get clean && rm -rf /var/lib/apt/lists/*
RUN sudo DEBIAN_FRONTEND=noninteractive apt-get clean \
    && echo done
ONBUILD RUN apt-get install -y x && apt-get clean
RUN apt-get clean
RUN <<EOF
apt-get update
  apt-get clean
apt-get install -y x
EOF
RUN apt-get install -y \
        tini \
        wget && \
    apt-get clean && rm -rf /var/lib/apt/lists/* && \
    echo done
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get update && apt-get install -y curl \
                    && rm -rf /var/lib/apt/lists/*
                RUN apt-get update && \
                    rm -rf /var/lib/apt/lists/*
                RUN apt-get update && rm -rf /var/lib/apt/lists/*
                RUN apt-get update
                RUN rm -rf /var/lib/apt/lists/*
                RUN apt-get update; rm -rf /var/lib/apt/lists/*
                RUN echo done
                ONBUILD RUN apt-get install -y x
                RUN <<EOF
                apt-get update
                apt-get install -y x
                EOF
                RUN apt-get install -y \
                        tini \
                        wget && \
                    rm -rf /var/lib/apt/lists/* && \
                    echo done
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf() {
        let before = "FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get clean \\\r\n && rm -rf /var/lib/apt/lists/*\r\n";
        let d = crate::rules::test_support::diagnostics_of(&RULE, before);
        let fixed = crate::text::apply_edits(before, &d[0].fixes[0].edits);
        assert_eq!(
            fixed,
            "FROM debian:12\r\nRUN apt-get update \\\r\n && rm -rf /var/lib/apt/lists/*\r\n"
        );
    }

    #[test]
    fn no_fix_where_removing_changes_the_logic() {
        for text in [
            "FROM debian:12\nRUN apt-get update || apt-get clean\n",
            "FROM debian:12\nRUN apt-get clean | cat && echo x\n",
            "FROM debian:12\nRUN if true; then apt-get clean; fi\n",
            "FROM debian:12\nRUN (apt-get clean) && echo x\n",
            "FROM debian:12\nRUN apt-get update && apt-get clean # tidy\n",
        ] {
            let d = crate::rules::test_support::diagnostics_of(&RULE, text);
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].fixes.is_empty(), "{text}: {:?}", d[0].fixes);
        }
    }
}

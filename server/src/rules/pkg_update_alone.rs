//! `pkg-update-alone`: a package index update with no install in the same RUN.

use crate::fix::merge_run::{merge_runs_with, retitle};
use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::cache::{may_install, Pitfall};
use crate::semantic::pkg::{Manager, PkgCommand};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that refreshes a package index but installs nothing after it:
    /// `apt-get update` / `apt update`, `apk update`, `yum makecache` / `dnf makecache`
    /// and `zypper refresh` (`ref`).
    ///
    /// Counted as an install after the update: `install`, `upgrade`, `dist-upgrade`,
    /// `full-upgrade`, `build-dep`, `reinstall` (apt), `add` / `upgrade` (apk),
    /// `install` / `update` / `upgrade` (yum, dnf), `install` / `update` / `patch` /
    /// `dist-upgrade` (zypper), as Trivy DS-0017 and Checkov CKV_DOCKER_5 count an
    /// upgrade. Any command after the update that we cannot see into (a script, `curl
    /// … | sh`, a shell function, a dynamic word) is assumed to install, so it is not
    /// reported. `yum update`, `dnf update` and `zypper update` upgrade packages; they are
    /// not index-only refreshes and are never reported. A `RUN` that keeps the index in a
    /// cache mount (`--mount=type=cache,target=/var/lib/apt`) or deletes it again
    /// (`rm -rf /var/lib/apt/lists/*`, `apt-get dist-clean`: a check that the
    /// repositories work) is not reported either.
    ///
    /// ## Why is this bad?
    /// The layer of a `RUN apt-get update` is cached on its text alone. When a later
    /// `RUN apt-get install` changes, it reuses the old cached index: the build
    /// installs stale versions, or fails because the listed versions are gone from the
    /// mirror. The update also adds the index to the image for nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// When the next instruction is a `RUN` that installs with the same package manager,
    /// the fix merges the two `RUN`s into one (`apt-get update && \` then the install),
    /// as `run-consecutive` merges RUNs: comment lines between them are kept inside the
    /// continuation, a later RUN that is more than `&&`-joined commands is wrapped in
    /// `{ …; }`. It is **safe**: the same commands run in the same order and the build
    /// stops at the same failures; only the layer split and its caching change, which is
    /// the point. It is unsafe (the title says why) when the update RUN also runs a
    /// command whose effect would carry over to the install (`cd`, `export`, `set`…).
    /// No fix is offered when the install is not in the very next instruction, the two
    /// RUNs have different flags, or either is exec form or has a heredoc.
    ///
    /// ## References
    /// - Trivy DS-0017, Checkov CKV_DOCKER_5
    /// - Docker docs: "Dockerfile best practices", section "apt-get"
    pub(crate) RULE {
        id: "pkg-update-alone",
        summary: "Package index update without an install in the same RUN",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, pitfall) in ctx.cache().all_pitfalls() {
        let Pitfall::UpdateWithoutInstall {
            manager,
            command,
            sub,
            range,
        } = pitfall
        else {
            continue;
        };
        let d = acc.report(
            &RULE,
            *range,
            format!(
                "`{command} {sub}` installs nothing in this RUN; run it in the same RUN as the install so that a cached index is never reused."
            ),
        );
        if let Some((install, fix)) = merge_with_install(ctx, i, *manager) {
            let line = ctx
                .line_index
                .line_of(ctx.syntax.instructions[i + 1].range.start())
                + 1;
            d.push_fix(retitle(
                fix,
                &format!("Merge with the `{install}` RUN on line {line}"),
            ));
        }
    }
}

/// The merge of RUN `i` with the next instruction, when that is a RUN installing with
/// the same family of package manager as `manager`; with the install command's name.
fn merge_with_install(
    ctx: &RuleContext<'_>,
    i: usize,
    manager: Manager,
) -> Option<(String, crate::rules::Fix)> {
    let next = ctx.syntax.instructions.get(i + 1)?;
    if next.effective().kind != Kind::Run {
        return None;
    }
    let family = |m: Manager| match m {
        Manager::AptGet | Manager::Apt => 0,
        Manager::Apk => 1,
        Manager::Yum | Manager::Dnf | Manager::Microdnf => 2,
        Manager::Zypper => 3,
        _ => 4,
    };
    let install = ctx.model.run_shell(i + 1)?.commands().find_map(|c| {
        let p = PkgCommand::of(c)?;
        (family(p.manager) == family(manager) && may_install(c))
            .then(|| format!("{} {}", c.name, p.subcommand().unwrap_or_default()))
    })?;
    let fix = merge_runs_with(ctx.text, ctx.syntax, ctx.model, ctx.line_index, i, i + 1).ok()?;
    Some((install, fix))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{
        check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of,
    };
    use expect_test::expect;

    #[test]
    fn fix_merges_the_update_into_the_next_install_run() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update
# the tools
RUN apt-get install -y --no-install-recommends \
        curl \
        git \
    && rm -rf /var/lib/apt/lists/*
FROM alpine
RUN apk update
RUN apk add --no-cache curl || true
FROM fedora
ONBUILD RUN dnf makecache
ONBUILD RUN dnf install -y make
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get update \
                    # the tools
                    && apt-get install -y --no-install-recommends \
                        curl \
                        git \
                    && rm -rf /var/lib/apt/lists/*
                FROM alpine
                RUN apk update \
                    && { apk add --no-cache curl || true; }
                FROM fedora
                ONBUILD RUN dnf makecache \
                    && dnf install -y make
            "#]],
        );
    }

    #[test]
    fn fix_titles() {
        check_rule_fixes(
            &RULE,
            "FROM debian:12\nRUN sudo apt update && echo ok\nRUN apt-get -q install -y curl\nRUN cd /x && apt-get update\nRUN apt-get install -y y\n",
            expect![[r#"
                --- Merge with the `apt-get install` RUN on line 3 (safe)
                FROM debian:12
                RUN sudo apt update && echo ok && \
                    apt-get -q install -y curl
                RUN cd /x && apt-get update
                RUN apt-get install -y y
                --- Merge with the `apt-get install` RUN on line 5 (unsafe: `cd /x` on line 4 would then also apply to the commands after it) (unsafe)
                FROM debian:12
                RUN sudo apt update && echo ok
                RUN apt-get -q install -y curl
                RUN cd /x && apt-get update && \
                    apt-get install -y y
            "#]],
        );
    }

    #[test]
    fn no_fix_without_an_install_right_after() {
        for text in [
            // Something between the update and the install.
            "FROM debian:12\nRUN apt-get update\nRUN echo hi\nRUN apt-get install -y curl\n",
            // Another package manager.
            "FROM debian:12\nRUN apt-get update\nRUN pip install x\n",
            // Different flags, heredoc, exec form.
            "FROM debian:12\nRUN apt-get update\nRUN --network=host apt-get install -y curl\n",
            "FROM debian:12\nRUN apt-get update\nRUN <<EOF\napt-get install -y curl\nEOF\n",
            "FROM debian:12\nRUN apt-get update\nRUN [\"apt-get\", \"install\", \"curl\"]\n",
            // The last instruction.
            "FROM debian:12\nRUN apt-get update\n",
        ] {
            let diags = diagnostics_of(&RULE, text);
            assert_eq!(diags.len(), 1, "{text}");
            assert!(diags[0].fixes.is_empty(), "{text}: {:?}", diags[0].fixes);
        }
    }

    #[test]
    fn catches_lone_updates() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update
RUN apt-get install -y curl
RUN apk update && echo done
RUN dnf makecache && zypper refresh
ONBUILD RUN sudo apt update
RUN <<EOF
apt-get -q update
EOF
"#,
            expect![[r#"
                2 | RUN apt-get update
                  |             ^^^^^^ pkg-update-alone: `apt-get update` installs nothing in this RUN; run it in the same RUN as the install so that a cached index is never reused.
                4 | RUN apk update && echo done
                  |         ^^^^^^ pkg-update-alone: `apk update` installs nothing in this RUN; run it in the same RUN as the install so that a cached index is never reused.
                5 | RUN dnf makecache && zypper refresh
                  |         ^^^^^^^^^ pkg-update-alone: `dnf makecache` installs nothing in this RUN; run it in the same RUN as the install so that a cached index is never reused.
                5 | RUN dnf makecache && zypper refresh
                  |                             ^^^^^^^ pkg-update-alone: `zypper refresh` installs nothing in this RUN; run it in the same RUN as the install so that a cached index is never reused.
                6 | ONBUILD RUN sudo apt update
                  |                      ^^^^^^ pkg-update-alone: `apt update` installs nothing in this RUN; run it in the same RUN as the install so that a cached index is never reused.
                8 | apt-get -q update
                  |            ^^^^^^ pkg-update-alone: `apt-get update` installs nothing in this RUN; run it in the same RUN as the install so that a cached index is never reused.
            "#]],
        );
    }

    #[test]
    fn accepts_update_then_install_or_unknown() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y curl
RUN apt-get update && apt-get upgrade -y
RUN apk update && apk add curl
RUN yum update -y && dnf update && zypper update
RUN apt-get update && ./install-deps.sh
RUN apt-get update; $INSTALL curl
RUN --mount=type=cache,target=/var/lib/apt apt-get update
RUN apt-get update; apt-get dist-clean
RUN ["apt-get", "update"]
"#,
        );
    }
}

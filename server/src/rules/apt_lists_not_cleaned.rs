//! `apt-lists-not-cleaned`: `apt-get update` whose package lists stay in the image.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::mount::mount_covers;
use crate::semantic::pkg::{shipped_runs, Manager, PkgCommand};


declare_rule! {
    /// ## What it does
    /// Reports `apt-get update` / `apt update` in a `RUN` that does not delete
    /// `/var/lib/apt/lists` (`rm -rf /var/lib/apt/lists/*`, or `apt-get dist-clean`
    /// with apt 2.7 and later) before it ends, in a stage
    /// that ends up in the image: the final stage and the stages it is built `FROM`.
    /// Build stages that are only copied from are not reported (hadolint reports stages
    /// used by a later `FROM` as well as the last one; we follow the same idea through
    /// the chain of `FROM`s of the final stage).
    ///
    /// Not reported when a cache or tmpfs mount covers the lists
    /// (`RUN --mount=type=cache,target=/var/lib/apt …`).
    ///
    /// Differences from hadolint (DL3009): hadolint only accepts an `rm` of
    /// `/var/lib/apt/lists`, so it reports every `RUN` that ends with
    /// `apt-get dist-clean` (apt 2.7+, used by the Debian trixie and Ubuntu 24.04+
    /// official images), which removes the lists too; we accept it. hadolint reports
    /// stages used by a later `FROM` of any stage; we only follow the `FROM` chain of
    /// the final stage, so a `FROM ubuntu AS build-base` whose files are only copied
    /// out is not reported.
    ///
    /// ## Why is this bad?
    /// The downloaded package lists take tens of MB. Removing them in a later `RUN` does
    /// not help: they are already stored in the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends `rm -rf /var/lib/apt/lists/*` at the end of the `RUN`, joined
    /// with `&&` in the `RUN`'s own layout (same line, or a new continuation line
    /// with `&&` leading or trailing as the other lines have it); when `apt-get
    /// update` runs in a heredoc body, it becomes the body's last line. No fix for
    /// `RUN`s with comments or ending in `;`, `&` or `|`.
    ///
    /// It is safe when no later `RUN` of the file (`ONBUILD` triggers included) runs
    /// an apt command, or a script (`./install.sh`, `/usr/local/bin/setup`,
    /// `bash x`), without its own `apt-get update` first: such a `RUN` could find no
    /// package lists and fail, so there the fix is unsafe.
    ///
    /// ## References
    /// - hadolint DL3009
    /// - Docker docs: "Dockerfile best practices", section "apt-get"
    pub(crate) RULE {
        id: "apt-lists-not-cleaned",
        summary: "apt lists not removed after apt-get update",
        level: Info,
        fix: Sometimes,
        hadolint: ["DL3009"],
        buildkit: [],
        check: check,
    }
}

const LISTS: &str = "/var/lib/apt/lists";

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, eff) in shipped_runs(ctx.syntax, ctx.model) {
        if mount_covers(eff, LISTS) {
            continue;
        }
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        let cleaned = shell.commands().any(|c| {
            PkgCommand::of(c).is_some_and(|p| {
                matches!(p.manager, Manager::AptGet | Manager::Apt) && p.is(&["dist-clean"])
            }) || matches!(c.name.as_str(), "rm" | "find")
                && c.args.iter().any(|a| {
                    a.text.starts_with(LISTS)
                        || a.text.trim_end_matches(['/', '*']) == "/var/lib/apt"
                })
        });
        if cleaned {
            continue;
        }
        let update = shell.commands().find_map(|c| {
            let p = PkgCommand::of(c)?;
            (matches!(p.manager, Manager::AptGet | Manager::Apt) && p.is(&["update"]))
                .then(|| p.sub_word())
                .flatten()
        });
        let Some(update) = update else {
            continue;
        };
        let d = acc.report(
            &RULE,
            update.range,
            "Remove the package lists in the same RUN (`rm -rf /var/lib/apt/lists/*`) to keep them out of the image.",
        );
        let in_heredoc = !shell
            .script
            .iter()
            .flat_map(|s| s.commands.iter())
            .any(|c| c.range.contains(update.range.start()));
        let edit = if in_heredoc {
            // The heredoc whose body holds the update, if it is the RUN's only one.
            match eff.heredocs.as_slice() {
                [h] if h.body_range.contains(update.range.start()) => {
                    shell_edit::append_heredoc_line(ctx.text, h, RM)
                }
                _ => None,
            }
        } else if eff.heredocs.is_empty() {
            shell_edit::append_command(ctx.text, eff, RM)
        } else {
            None
        };
        if let Some(edit) = edit {
            let applicability = if later_apt_without_update(ctx, i) {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            d.with_fix(
                "Append `rm -rf /var/lib/apt/lists/*` to the RUN",
                applicability,
                vec![edit],
            );
        }
    }
}

const RM: &str = "rm -rf /var/lib/apt/lists/*";

/// A RUN after instruction `at` runs apt (other than `update` or a cleanup), or a
/// script that might, without running `apt-get update` first.
fn later_apt_without_update(ctx: &RuleContext<'_>, at: usize) -> bool {
    ctx.model.run_shells().filter(|(j, _)| *j > at).any(|(_, shell)| {
        for c in shell.commands() {
            // A script of the build context may run apt: we cannot tell.
            let script = c.name.ends_with(".sh")
                || {
                    let raw = &ctx.text[c.name_range.range()];
                    raw.contains('/')
                        && !["/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/"]
                            .iter()
                            .any(|d| raw.starts_with(d))
                }
                || (matches!(c.name.as_str(), "sh" | "bash")
                    && c.args.iter().any(|a| !a.text.starts_with('-')));
            if script {
                return true;
            }
            let Some(p) = PkgCommand::of(c) else { continue };
            if !matches!(p.manager, Manager::AptGet | Manager::Apt) {
                continue;
            }
            if p.is(&["update"]) {
                return false;
            }
            if !p.is(&["clean", "autoclean", "dist-clean"]) {
                return true;
            }
        }
        false
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_fixes, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_lists_left_behind() {
        check_rule(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && apt-get install -y curl
RUN rm -rf /var/lib/apt/lists/*
ONBUILD RUN apt-get -q update && apt-get install -y git
RUN <<EOF
apt-get update
apt-get install -y vim
EOF
"#,
            expect![[r#"
                2 | RUN apt-get update && apt-get install -y curl
                  |             ^^^^^^ apt-lists-not-cleaned: Remove the package lists in the same RUN (`rm -rf /var/lib/apt/lists/*`) to keep them out of the image.
                4 | ONBUILD RUN apt-get -q update && apt-get install -y git
                  |                        ^^^^^^ apt-lists-not-cleaned: Remove the package lists in the same RUN (`rm -rf /var/lib/apt/lists/*`) to keep them out of the image.
                6 | apt-get update
                  |         ^^^^^^ apt-lists-not-cleaned: Remove the package lists in the same RUN (`rm -rf /var/lib/apt/lists/*`) to keep them out of the image.
            "#]],
        );
    }

    #[test]
    fn accepts_cleanup_mounts_and_build_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM debian:12 AS build
RUN apt-get update && apt-get install -y gcc
FROM debian:12 AS base
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
FROM base
RUN apt-get update \
    && apt-get install -y git \
    && rm -rf /var/lib/apt/lists
RUN --mount=type=cache,target=/var/lib/apt,sharing=locked apt-get update && apt-get install -y x
RUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y x
RUN apt-get update; apt-get install -y x; apt-get dist-clean
RUN ["apt-get", "update"]
"#,
        );
    }

    #[test]
    fn fix_appends_rm() {
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update && \
    apt-get install -y curl
RUN apt-get update \
    && apt-get install -y \
        curl \
        git
RUN apt-get update && sudo apt-get install -y vim
ONBUILD RUN apt-get update && apt-get install -y less
RUN <<EOF
set -e
apt-get update
apt-get install -y jq
EOF
"#,
            expect![[r#"
                FROM debian:12
                RUN apt-get update && \
                    apt-get install -y curl && \
                    rm -rf /var/lib/apt/lists/*
                RUN apt-get update \
                    && apt-get install -y \
                        curl \
                        git \
                    && rm -rf /var/lib/apt/lists/*
                RUN apt-get update && sudo apt-get install -y vim && rm -rf /var/lib/apt/lists/*
                ONBUILD RUN apt-get update && apt-get install -y less && rm -rf /var/lib/apt/lists/*
                RUN <<EOF
                set -e
                apt-get update
                apt-get install -y jq
                rm -rf /var/lib/apt/lists/*
                EOF
            "#]],
        );
    }

    #[test]
    fn fix_is_unsafe_before_a_later_install_without_update() {
        check_rule_fixes(
            &RULE,
            r#"
FROM debian:12
RUN apt-get update
RUN apt-get install -y curl
RUN apt-get update && apt-get install -y git
"#,
            expect![[r#"
                --- Append `rm -rf /var/lib/apt/lists/*` to the RUN (unsafe)
                FROM debian:12
                RUN apt-get update && rm -rf /var/lib/apt/lists/*
                RUN apt-get install -y curl
                RUN apt-get update && apt-get install -y git
                --- Append `rm -rf /var/lib/apt/lists/*` to the RUN (safe)
                FROM debian:12
                RUN apt-get update
                RUN apt-get install -y curl
                RUN apt-get update && apt-get install -y git && rm -rf /var/lib/apt/lists/*
            "#]],
        );
        check_rule_fixes(
            &RULE,
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN ./install-more.sh\n",
            expect![[r#"
                --- Append `rm -rf /var/lib/apt/lists/*` to the RUN (unsafe)
                FROM debian:12
                RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
                RUN ./install-more.sh
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf() {
        let before = "FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install -y curl\r\n";
        let d = crate::rules::test_support::diagnostics_of(&RULE, before);
        let fixed = crate::text::apply_edits(before, &d[0].fixes[0].edits);
        assert_eq!(
            fixed,
            "FROM debian:12\r\nRUN apt-get update \\\r\n && apt-get install -y curl \\\r\n && rm -rf /var/lib/apt/lists/*\r\n"
        );
    }

    #[test]
    fn no_fix_after_a_trailing_operator_or_comment() {
        for text in [
            "FROM debian:12\nRUN apt-get update && apt-get install -y x &\n",
            "FROM debian:12\nRUN apt-get update; apt-get install -y x;\n",
            "FROM debian:12\nRUN apt-get update \\\n# note\n && apt-get install -y x\n",
            "FROM debian:12\nRUN cat <<EOF > /x && apt-get update\nhello\nEOF\n",
        ] {
            let d = crate::rules::test_support::diagnostics_of(&RULE, text);
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].fixes.is_empty(), "{text}: {:?}", d[0].fixes);
        }
    }
}

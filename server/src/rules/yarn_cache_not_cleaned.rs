//! `yarn-cache-not-cleaned`: `yarn install` whose package cache stays in the image.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::mount::mounts;
use crate::semantic::pkg::{shipped_runs, Manager, PkgCommand};
use crate::semantic::ShellCommand;

declare_rule! {
    /// ## What it does
    /// Reports `yarn install`, a bare `yarn` (which installs), `yarn add` and
    /// `yarn global add` in a `RUN` without `yarn cache clean` (or an `rm -rf` of the
    /// yarn cache directory) in the same `RUN`, in a stage that ends up in the image
    /// (the final stage and the stages it is built `FROM`; ONBUILD triggers too).
    ///
    /// Not reported when the `RUN` mounts a cache or tmpfs on the yarn cache
    /// (`--mount=type=cache,target=/usr/local/share/.cache/yarn`, or any target
    /// containing `yarn` or `.cache`).
    ///
    /// Differences from hadolint (DL3060): hadolint checks `yarn install` only; a bare
    /// `yarn`, `yarn add` and `yarn global add phantomjs-prebuilt` fill the same cache,
    /// so we report them too.
    ///
    /// ## Why is this bad?
    /// Yarn keeps a copy of every downloaded package in its cache
    /// (`/usr/local/share/.cache/yarn` for root in the official node images). In an
    /// image that copy is never used again: it doubles the size of `node_modules`,
    /// often by hundreds of MB. Cleaning in a later `RUN` does not help: the bytes are
    /// already in the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN yarn install --frozen-lockfile && yarn cache clean
    /// ```
    ///
    /// ## Fix safety
    /// The fix appends ` && yarn cache clean`. Safe: only the cache is removed. No fix
    /// is offered for `RUN`s with heredocs, comments or a trailing `;`/`&`.
    /// It follows the `RUN`'s layout: on the same line for a one-line `RUN`, else on a
    /// new continuation line with `&&` leading or trailing as the other lines have it.
    ///
    /// ## References
    /// - hadolint DL3060
    /// - Yarn docs: "yarn cache"
    pub(crate) RULE {
        id: "yarn-cache-not-cleaned",
        summary: "yarn install without yarn cache clean",
        level: Info,
        fix: Sometimes,
        hadolint: ["DL3060"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, eff) in shipped_runs(ctx.syntax, ctx.model) {
        let mounted = mounts(eff).iter().any(|m| {
            m.keeps_out_of_layer()
                && m.target()
                    .is_some_and(|t| t.contains("yarn") || t.contains(".cache"))
        });
        if mounted {
            continue;
        }
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        if shell.commands().any(cleans) {
            continue;
        }
        let install = shell.commands().find_map(|c| {
            let p = PkgCommand::of(c)?;
            if p.manager != Manager::Yarn {
                return None;
            }
            if p.is(&["install", "add"]) {
                return p.sub_word().map(|w| w.range);
            }
            if p.is(&["global"]) && p.operands().first().is_some_and(|w| w.text == "add") {
                return p.sub_word().map(|w| w.range);
            }
            // A bare `yarn` (options only) installs the project.
            bare_install(&p).then_some(c.name_range)
        });
        let Some(range) = install else {
            continue;
        };
        let d = acc.report(
            &RULE,
            range,
            "Run `yarn cache clean` in the same RUN so that the package cache is not kept in the image.",
        );
        if let Some(edit) = shell_edit::append_command(ctx.text, eff, "yarn cache clean") {
            d.with_fix("Append `&& yarn cache clean`", Applicability::Safe, vec![edit]);
        }
    }
}

/// A bare `yarn` with options only installs the project (not `yarn --version`).
pub(crate) fn bare_install(p: &PkgCommand<'_>) -> bool {
    p.sub.is_none()
        && p.args.iter().all(|a| {
            !a.dynamic && !matches!(a.text.as_str(), "--version" | "-v" | "--help" | "-h")
        })
}

fn cleans(c: &ShellCommand) -> bool {
    if c.name == "rm" {
        return c.args.iter().any(|a| a.text.contains(".cache/yarn"));
    }
    PkgCommand::of(c).is_some_and(|p| {
        p.manager == Manager::Yarn
            && p.is(&["cache"])
            && p.operands().first().is_some_and(|w| w.text == "clean")
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_cache_left_behind() {
        check_rule(
            &RULE,
            r#"
FROM node:20
RUN yarn install --frozen-lockfile
RUN yarn --production && yarn build
RUN yarn global add pm2
ONBUILD RUN yarn add express
RUN <<EOF
yarn install
EOF
"#,
            expect![[r#"
                2 | RUN yarn install --frozen-lockfile
                  |          ^^^^^^^ yarn-cache-not-cleaned: Run `yarn cache clean` in the same RUN so that the package cache is not kept in the image.
                3 | RUN yarn --production && yarn build
                  |     ^^^^ yarn-cache-not-cleaned: Run `yarn cache clean` in the same RUN so that the package cache is not kept in the image.
                4 | RUN yarn global add pm2
                  |          ^^^^^^ yarn-cache-not-cleaned: Run `yarn cache clean` in the same RUN so that the package cache is not kept in the image.
                5 | ONBUILD RUN yarn add express
                  |                  ^^^ yarn-cache-not-cleaned: Run `yarn cache clean` in the same RUN so that the package cache is not kept in the image.
                7 | yarn install
                  |      ^^^^^^^ yarn-cache-not-cleaned: Run `yarn cache clean` in the same RUN so that the package cache is not kept in the image.
            "#]],
        );
    }

    #[test]
    fn accepts_cleanup_mounts_and_build_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM node:20 AS build
RUN yarn install
FROM node:20
RUN yarn install --frozen-lockfile && yarn cache clean
RUN yarn && yarn cache clean --all
RUN yarn install && rm -rf /usr/local/share/.cache/yarn
RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install
RUN yarn build && yarn run test && yarn $CMD && yarn --version && yarn -v
RUN ["yarn", "install"]
"#,
        );
    }

    #[test]
    fn fix_appends_cache_clean() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:20
RUN yarn install --frozen-lockfile
"#,
            expect![[r#"
                FROM node:20
                RUN yarn install --frozen-lockfile && yarn cache clean
            "#]],
        );
    }

    #[test]
    fn fix_follows_the_continuation_layout() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:20
RUN apt-get update \
    && yarn install
RUN echo start && \
    yarn global add pm2
ONBUILD RUN yarn
"#,
            expect![[r#"
                FROM node:20
                RUN apt-get update \
                    && yarn install \
                    && yarn cache clean
                RUN echo start && \
                    yarn global add pm2 && \
                    yarn cache clean
                ONBUILD RUN yarn && yarn cache clean
            "#]],
        );
    }

    #[test]
    fn no_fix_for_heredocs_or_trailing_operators() {
        for text in [
            "FROM node:20\nRUN <<EOF\nyarn install\nEOF\n",
            "FROM node:20\nRUN yarn install;\n",
        ] {
            let d = crate::rules::test_support::diagnostics_of(&RULE, text);
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].fixes.is_empty(), "{text}");
        }
    }
}

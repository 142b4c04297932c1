//! `npm-cache-not-cleaned`: `npm install` / `npm ci` whose cache stays in the image.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::mount::mounts;
use crate::semantic::pkg::{shipped_runs, Manager, PkgCommand};
use crate::semantic::ShellCommand;

declare_rule! {
    /// ## What it does
    /// Reports `npm install` (`npm i`, `npm add`, also with `-g`) and `npm ci` in a
    /// `RUN` without `npm cache clean --force` (or an `rm -rf` of `~/.npm`) in the same
    /// `RUN`, in a stage that ends up in the image (the final stage and the stages it
    /// is built `FROM`; ONBUILD triggers too).
    ///
    /// Not reported when the `RUN` mounts a cache or tmpfs on the npm cache
    /// (`--mount=type=cache,target=/root/.npm`, any target containing `.npm`, or
    /// `/root`).
    ///
    /// ## Why is this bad?
    /// npm keeps a compressed copy of every downloaded package in `~/.npm/_cacache`.
    /// The installed `node_modules` never reads it again, so in an image it is dead
    /// weight, commonly tens to hundreds of MB. Cleaning in a later `RUN` does not
    /// help: the bytes are already in the earlier layer.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN npm ci --omit=dev && npm cache clean --force
    /// ```
    /// or, with BuildKit, `RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev`.
    ///
    /// ## Fix safety
    /// The fix appends ` && npm cache clean --force`. Safe: only the cache is removed.
    /// No fix is offered for `RUN`s with heredocs, comments or a trailing `;`/`&`.
    /// It follows the `RUN`'s layout: on the same line for a one-line `RUN`, else on a
    /// new continuation line with `&&` leading or trailing as the other lines have it.
    ///
    /// ## References
    /// - No hadolint or BuildKit check.
    /// - npm docs: "npm cache"; Docker docs: "Optimize cache usage in builds"
    pub(crate) RULE {
        id: "npm-cache-not-cleaned",
        summary: "npm install without npm cache clean",
        level: Info,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, eff) in shipped_runs(ctx.syntax, ctx.model) {
        let mounted = mounts(eff).iter().any(|m| {
            m.keeps_out_of_layer()
                && m.target().is_some_and(|t| {
                    t.contains(".npm") || t.trim_end_matches('/') == "/root"
                })
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
            (p.manager == Manager::Npm && (p.is_install() || p.is(&["ci", "clean-install"])))
                .then(|| p.sub_word())
                .flatten()
        });
        let Some(install) = install else {
            continue;
        };
        let d = acc.report(
            &RULE,
            install.range,
            "Run `npm cache clean --force` in the same RUN so that the npm cache is not kept in the image.",
        );
        if let Some(edit) = shell_edit::append_command(ctx.text, eff, "npm cache clean --force") {
            d.with_fix("Append `&& npm cache clean --force`", Applicability::Safe, vec![edit]);
        }
    }
}

fn cleans(c: &ShellCommand) -> bool {
    if c.name == "rm" {
        return c.args.iter().any(|a| {
            let t = a.text.trim_end_matches(['/', '*']);
            t.ends_with("/.npm") || t.contains("/.npm/") || t == "~/.npm"
        });
    }
    PkgCommand::of(c).is_some_and(|p| {
        p.manager == Manager::Npm
            && p.is(&["cache"])
            && p
                .operands()
                .first()
                .is_some_and(|w| matches!(w.text.as_str(), "clean" | "clear" | "rm"))
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
RUN npm ci --omit=dev
RUN npm install -g pm2@5.3.1 && npm run build
ONBUILD RUN npm i
RUN <<EOF
npm install
EOF
"#,
            expect![[r#"
                2 | RUN npm ci --omit=dev
                  |         ^^ npm-cache-not-cleaned: Run `npm cache clean --force` in the same RUN so that the npm cache is not kept in the image.
                3 | RUN npm install -g pm2@5.3.1 && npm run build
                  |         ^^^^^^^ npm-cache-not-cleaned: Run `npm cache clean --force` in the same RUN so that the npm cache is not kept in the image.
                4 | ONBUILD RUN npm i
                  |                 ^ npm-cache-not-cleaned: Run `npm cache clean --force` in the same RUN so that the npm cache is not kept in the image.
                6 | npm install
                  |     ^^^^^^^ npm-cache-not-cleaned: Run `npm cache clean --force` in the same RUN so that the npm cache is not kept in the image.
            "#]],
        );
    }

    #[test]
    fn accepts_cleanup_mounts_and_build_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM node:20 AS build
RUN npm ci && npm run build
FROM node:20
RUN npm ci --omit=dev && npm cache clean --force
RUN npm install -g pm2@5 && rm -rf /root/.npm
RUN npm install && rm -rf ~/.npm/_cacache
RUN --mount=type=cache,target=/root/.npm npm ci
RUN npm run start && npm test && npm $CMD
RUN ["npm", "ci"]
"#,
        );
    }

    #[test]
    fn windows_shell_is_not_checked() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN npm install -g pm2; dnf install -y x
"#,
        );
    }

    #[test]
    fn fix_appends_cache_clean() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:20
RUN npm ci --omit=dev
"#,
            expect![[r#"
                FROM node:20
                RUN npm ci --omit=dev && npm cache clean --force
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
    && npm ci
RUN echo start && \
    npm install -g pnpm
ONBUILD RUN npm install
"#,
            expect![[r#"
                FROM node:20
                RUN apt-get update \
                    && npm ci \
                    && npm cache clean --force
                RUN echo start && \
                    npm install -g pnpm && \
                    npm cache clean --force
                ONBUILD RUN npm install && npm cache clean --force
            "#]],
        );
    }

    #[test]
    fn no_fix_for_heredocs_or_trailing_operators() {
        for text in [
            "FROM node:20\nRUN <<EOF\nnpm ci\nEOF\n",
            "FROM node:20\nRUN npm ci;\n",
        ] {
            let d = crate::rules::test_support::diagnostics_of(&RULE, text);
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].fixes.is_empty(), "{text}");
        }
    }
}

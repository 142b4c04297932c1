//! `apk-no-cache`: `apk add` that leaves the package index cache in the image.

use crate::fix::shell_edit;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::mount::mount_covers;
use crate::semantic::pkg::{shipped_runs, Manager, PkgCommand};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `apk add` without `--no-cache` in a stage that ends up in the image
    /// (the final stage and the stages it is built `FROM`).
    ///
    /// Not reported with `--no-network` (nothing is downloaded, nothing is cached), nor
    /// when the same `RUN` removes the cache (`rm -rf /var/cache/apk/*`)
    /// or mounts a cache/tmpfs over `/var/cache/apk` or `/etc/apk/cache`
    /// (`RUN --mount=type=cache,target=/var/cache/apk`): nothing is left in the layer.
    /// Build stages that are only copied from are not reported: their cache never
    /// reaches the image.
    ///
    /// Differences from hadolint (DL3019): hadolint accepts only `--no-cache`, so it
    /// reports `apk add --no-network --virtual .rundeps $runDeps` (the idiom of the
    /// Docker official images, which only records packages that are already
    /// installed and downloads nothing) and `apk add x && rm -rf /var/cache/apk/*`; we accept both,
    /// since the layer ends up the same. hadolint also reports `apk add` in build
    /// stages whose files never ship (`FROM golang:alpine AS builder` copied from by a
    /// `FROM scratch` final stage); we do not.
    ///
    /// ## Why is this bad?
    /// Without `--no-cache`, the downloaded package index (`APKINDEX.tar.gz`, a few MB
    /// per repository) stays in `/var/cache/apk` and in the image layer, for nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --update curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix safety
    /// One fix per `RUN`: it inserts `--no-cache` after every `add` that lacks it,
    /// drops `--update` / `-U` / `--update-cache` from those commands (`--no-cache`
    /// fetches a fresh index anyway), and removes a separate `apk update` of the same
    /// `RUN` when the only other apk commands there are `add`s (its index would be
    /// left in the layer and no longer used). Safe: the same packages are installed
    /// from an index at least as fresh.
    ///
    /// ## References
    /// - hadolint DL3019
    /// - Trivy DS-0025
    pub(crate) RULE {
        id: "apk-no-cache",
        summary: "apk add without --no-cache",
        level: Info,
        fix: Always,
        hadolint: ["DL3019"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, eff) in shipped_runs(ctx.syntax, ctx.model) {
        if mount_covers(eff, "/var/cache/apk") || mount_covers(eff, "/etc/apk/cache") {
            continue;
        }
        let Some(shell) = ctx.model.run_shell(i) else {
            continue;
        };
        let cleaned = shell.commands().any(|c| {
            c.name == "rm"
                && c.args.iter().any(|a| {
                    a.text.starts_with("/var/cache/apk") || a.text.starts_with("/etc/apk/cache")
                })
        });
        if cleaned {
            continue;
        }
        let mut found: Vec<TextRange> = Vec::new();
        let mut edits: Vec<TextEdit> = Vec::new();
        let mut updates = Vec::new();
        let mut only_adds = true;
        for cmd in shell.commands() {
            let Some(pkg) = PkgCommand::of(cmd) else {
                continue;
            };
            if pkg.manager != Manager::Apk {
                continue;
            }
            if pkg.is(&["update"]) && cmd.args.len() == 1 {
                updates.push(cmd);
                continue;
            }
            if !pkg.is(&["add"]) {
                only_adds = false;
                continue;
            }
            if pkg.has(&[], &["--no-cache", "--no-network"]) {
                continue;
            }
            let Some(sub) = pkg.sub_word() else {
                continue;
            };
            found.push(sub.range);
            edits.push(TextEdit::insert(sub.range.end(), " --no-cache"));
            for a in &cmd.args {
                if !a.dynamic && matches!(a.text.as_str(), "--update" | "-U" | "--update-cache") {
                    edits.push(TextEdit::delete(shell_edit::delete_word(ctx.text, a.range)));
                }
            }
        }
        if found.is_empty() {
            continue;
        }
        let mut title = "Add `--no-cache`".to_string();
        if only_adds {
            let removals: Option<Vec<TextEdit>> = updates
                .iter()
                .map(|u| {
                    let bounds = shell_edit::script_bounds(eff, u.range)?;
                    let r = shell_edit::remove_command(ctx.text, bounds, u)?;
                    // The add it precedes must stay on its own.
                    (!found.iter().any(|f| r.intersects(*f))).then(|| TextEdit::delete(r))
                })
                .collect();
            if let Some(removals) = removals.filter(|r| !r.is_empty()) {
                edits.extend(removals);
                title = "Add `--no-cache` and remove `apk update`".to_string();
            }
        }
        for r in &found {
            acc.report(
                &RULE,
                *r,
                "Use `apk add --no-cache` so that the package index is not kept in the image.",
            )
            .with_fix(title.clone(), Applicability::Safe, edits.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_apk_add_without_no_cache() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
RUN apk update && apk add curl && sudo apk --update add -t .deps git
ONBUILD RUN apk add bash
RUN <<EOF
apk add jq
EOF
"#,
            expect![[r#"
                2 | RUN apk update && apk add curl && sudo apk --update add -t .deps git
                  |                       ^^^ apk-no-cache: Use `apk add --no-cache` so that the package index is not kept in the image.
                2 | RUN apk update && apk add curl && sudo apk --update add -t .deps git
                  |                                                     ^^^ apk-no-cache: Use `apk add --no-cache` so that the package index is not kept in the image.
                3 | ONBUILD RUN apk add bash
                  |                 ^^^ apk-no-cache: Use `apk add --no-cache` so that the package index is not kept in the image.
                5 | apk add jq
                  |     ^^^ apk-no-cache: Use `apk add --no-cache` so that the package index is not kept in the image.
            "#]],
        );
    }

    #[test]
    fn accepts_no_cache_cleanup_mounts_and_build_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine:3.20 AS build
RUN apk add gcc musl-dev
FROM alpine:3.20
RUN apk add --no-cache curl && apk --no-cache add git
RUN apk add --update curl && rm -rf /var/cache/apk/*
RUN --mount=type=cache,target=/var/cache/apk apk add curl
RUN --mount=type=cache,dst=/etc/apk/cache apk add curl
RUN apk $CMD curl
RUN apk add --no-network --virtual .rundeps $runDeps
"#,
        );
    }

    #[test]
    fn fix_inserts_no_cache() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine:3.20
RUN apk add --virtual .deps curl
RUN apk update && apk add curl && sudo apk --update add -t .deps git
RUN apk update \
    && apk add --update \
        bash \
        curl \
    && apk add -U jq
RUN apk update && apk upgrade && apk add curl
ONBUILD RUN apk add bash
RUN <<EOF
apk update
apk add jq
EOF
"#,
            expect![[r#"
                FROM alpine:3.20
                RUN apk add --no-cache --virtual .deps curl
                RUN apk add --no-cache curl && sudo apk add --no-cache -t .deps git
                RUN apk add --no-cache \
                        bash \
                        curl \
                    && apk add --no-cache jq
                RUN apk update && apk upgrade && apk add --no-cache curl
                ONBUILD RUN apk add --no-cache bash
                RUN <<EOF
                apk add --no-cache jq
                EOF
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf_and_continuations() {
        let before = "FROM alpine:3.20\r\nRUN apk update && \\\r\n    apk add \\\r\n    --update \\\r\n    curl\r\n";
        let d = crate::rules::test_support::diagnostics_of(&RULE, before);
        let fixed = crate::text::apply_edits(before, &d[0].fixes[0].edits);
        assert_eq!(
            fixed,
            "FROM alpine:3.20\r\nRUN apk add --no-cache \\\r\n    curl\r\n"
        );
    }
}

//! `workdir-relative`: a relative WORKDIR with no absolute WORKDIR before it.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::Model;
use crate::syntax::{Dockerfile, Kind};
use crate::text::TextEdit;

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` with a relative path when no absolute `WORKDIR` was set
    /// before it in the stage (or in the stages it is built on). Absolute forms are
    /// `/path`, Windows `C:\path` / `c:/path` and `\path`; a path whose variable has no
    /// known value is not reported. `ONBUILD WORKDIR` triggers are checked as well.
    ///
    /// Differences from hadolint (DL3000): we follow BuildKit. hadolint reports every
    /// relative `WORKDIR`, but after `WORKDIR /app` a `WORKDIR src` is well defined
    /// (`/app/src`), so only a relative path that depends on the base image's working
    /// directory is reported. On our 988-file corpus all 7 `WORKDIR`s that hadolint
    /// alone reports follow an absolute one (`WORKDIR /src` … `WORKDIR tools/gopls`,
    /// `WORKDIR /libacars` … `WORKDIR build`).
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against the working directory of the base image,
    /// which the Dockerfile does not show and which can change when the base image is
    /// updated. Files then land somewhere unexpected and later `COPY`/`RUN` steps break.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// ```
    ///
    /// ## Fix safety
    /// The fix prefixes the path with `/`. It is unsafe: when the base image's working
    /// directory is not `/`, the resulting directory changes.
    ///
    /// ## References
    /// - hadolint `DL3000` ("Use absolute WORKDIR")
    /// - BuildKit check `WorkdirRelativePath`
    /// - Trivy `DS-0009`, Checkov `CKV_DOCKER_10`
    /// - Dockerfile reference, "WORKDIR"
    pub(crate) RULE {
        id: "workdir-relative",
        summary: "WORKDIR path is relative",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3000"],
        buildkit: ["WorkdirRelativePath"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let syntax = ctx.syntax;
    for (i, inst) in syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Workdir {
            continue;
        }
        let Some(word) = eff.args.words.first() else {
            continue;
        };
        let Some(path) = resolved_path(ctx.model, i, &word.text) else {
            continue;
        };
        if is_absolute(&path) {
            continue;
        }
        // A trigger runs in the downstream build, whose WORKDIR we cannot see.
        if inst.kind != Kind::Onbuild && absolute_workdir_before(syntax, ctx.model, i) {
            continue;
        }
        let d = acc.report(
            &RULE,
            word.range,
            format!(
                "WORKDIR `{}` is relative to the base image's working directory; use an absolute path such as `/{}`",
                word.text,
                path.trim_start_matches("./")
            ),
        );
        if word.text == path && word.range.len() == word.text.len() && !path.starts_with('.') {
            d.with_fix(
                "Make the path absolute",
                Applicability::Unsafe,
                vec![TextEdit::insert(word.range.start(), "/")],
            );
        }
    }
}

/// The WORKDIR value after variable expansion and quote removal; `None` when it uses a
/// variable without a known value.
fn resolved_path(model: &Model, at: usize, text: &str) -> Option<String> {
    let expanded = if text.contains('$') {
        model.expand_at(at, text)?
    } else {
        text.to_string()
    };
    Some(
        expanded
            .trim_start_matches(['"', '\''])
            .trim_end_matches(['"', '\''])
            .to_string(),
    )
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with(['/', '\\']) || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// An absolute WORKDIR comes before instruction `at` in its stage or the stages it is
/// built on.
fn absolute_workdir_before(syntax: &Dockerfile, model: &Model, at: usize) -> bool {
    model.instructions_before(at).any(|j| {
        let inst = &syntax.instructions[j];
        inst.kind == Kind::Workdir
            && inst
                .args
                .words
                .first()
                .and_then(|w| resolved_path(model, j, &w.text))
                .is_none_or(|p| is_absolute(&p))
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_relative_workdirs() {
        check_rule(
            &RULE,
            r#"
ARG DIR=src
FROM node:22 AS base
WORKDIR app
FROM node:22
ARG DIR
WORKDIR $DIR
ONBUILD WORKDIR build
"#,
            expect![[r#"
                3 | WORKDIR app
                  |         ^^^ workdir-relative: WORKDIR `app` is relative to the base image's working directory; use an absolute path such as `/app`
                6 | WORKDIR $DIR
                  |         ^^^^ workdir-relative: WORKDIR `$DIR` is relative to the base image's working directory; use an absolute path such as `/src`
                7 | ONBUILD WORKDIR build
                  |                 ^^^^^ workdir-relative: WORKDIR `build` is relative to the base image's working directory; use an absolute path such as `/build`
            "#]],
        );
    }

    #[test]
    fn accepts_absolute_and_nested_paths() {
        check_rule_not(
            &RULE,
            r#"
ARG ROOT
FROM node:22 AS base
WORKDIR /app
WORKDIR src
FROM base
WORKDIR test
FROM node:22
WORKDIR "/quoted"
WORKDIR $ROOT
WORKDIR ${HOME}
FROM mcr.microsoft.com/windows/servercore:ltsc2022
WORKDIR C:\\app
WORKDIR c:/app
"#,
        );
    }

    #[test]
    fn prefixes_a_slash() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:22
WORKDIR app
"#,
            expect![[r#"
                FROM node:22
                WORKDIR /app
            "#]],
        );
    }
}

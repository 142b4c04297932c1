//! `workdir-relative`: a relative WORKDIR with no absolute WORKDIR before it.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::{Base, Model};
use crate::syntax::{Dockerfile, Kind, Word};
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
    /// The fix writes the absolute path BuildKit resolves the relative one to when the
    /// base image works in `/`: a `/` in front, or, after earlier relative `WORKDIR`s
    /// in the stage (which BuildKit joins), the joined path (`WORKDIR app` then
    /// `WORKDIR src` gives `/app/src`; `..` and `.` are resolved). For the official
    /// images known to set a `WORKDIR` (`golang`: `/go`, `tomcat`, `httpd`) the path
    /// is resolved against it. It is unsafe: when the base image's working directory
    /// is not the one assumed, the directory changes. It is safe
    /// when the stage is built on `scratch`, whose working directory is `/`. For an
    /// `ONBUILD WORKDIR` only the `/` is offered (the downstream directory is
    /// unknown). No fix when the path or an earlier one contains quotes, escapes or
    /// (earlier) variables.
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
        if let Some((title, edit, safe)) = fix(ctx, i, word) {
            let app = if safe {
                Applicability::Safe
            } else {
                Applicability::Unsafe
            };
            d.with_fix(title, app, vec![edit]);
        }
    }
}

/// The fix for the relative WORKDIR `word` of instruction `at`: the absolute path that
/// BuildKit resolves it to when the base image works in `/`, written in place of the
/// relative one (`(title, edit, safe)`).
///
/// BuildKit joins a relative WORKDIR to the current one, so earlier relative WORKDIRs
/// of the stage chain (all relative, or the rule would not fire) are part of the path:
/// `WORKDIR app` then `WORKDIR src` is `/app/src` on a base working in `/`. The fix is
/// safe only when the chain starts from `scratch`, whose working directory is `/`.
fn fix(ctx: &RuleContext<'_>, at: usize, word: &Word) -> Option<(String, TextEdit, bool)> {
    let syntax = ctx.syntax;
    let inst = &syntax.instructions[at];
    let written = &ctx.text[word.range.range()];
    if written != word.text {
        return None;
    }
    let (quote, inner) = match written.as_bytes().first() {
        Some(q @ (b'"' | b'\'')) if written.len() >= 2 && written.ends_with(*q as char) => {
            (*q as char, &written[1..written.len() - 1])
        }
        _ => ('\0', written),
    };
    if inner.contains(['"', '\'', '\\', '`', syntax.escape]) {
        return None;
    }
    // Earlier relative WORKDIRs of the stage chain, oldest first (not for a trigger,
    // which runs in a downstream build).
    let mut parts: Vec<String> = Vec::new();
    if inst.kind != Kind::Onbuild {
        for j in ctx.model.instructions_before(at) {
            let prev = &syntax.instructions[j];
            if prev.kind != Kind::Workdir {
                continue;
            }
            let text = &prev.args.words.first()?.text;
            let text = text.trim_matches(['"', '\'']);
            if text.contains(['$', '\\', '`', '"', '\'']) {
                return None;
            }
            parts.push(text.to_string());
        }
    }
    parts.reverse();
    parts.push(inner.to_string());
    let onbuild = inst.kind == Kind::Onbuild;
    let root = ctx
        .model
        .stage_of(at)
        .and_then(|s| ctx.model.root_stage(s.index))
        .map(|s| &s.base);
    let scratch = !onbuild && root == Some(&Base::Scratch);
    let known = match root {
        Some(Base::Image(r)) if !onbuild && r.is_docker_hub() => IMAGE_WORKDIRS
            .iter()
            .find(|(name, _)| r.repository.strip_prefix("library/") == Some(*name))
            .copied(),
        _ => None,
    };
    let mut segments: Vec<&str> = known
        .map(|(_, dir)| dir.split('/').filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    for part in &parts {
        for seg in part.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    if segments.last().is_some_and(|s| s.contains('$')) {
                        return None;
                    }
                    segments.pop();
                }
                s => segments.push(s),
            }
        }
    }
    let absolute = format!("/{}", segments.join("/"));
    let new_text = if quote == '\0' {
        absolute.clone()
    } else {
        format!("{quote}{absolute}{quote}")
    };
    let edit = if parts.len() == 1 && !inner.starts_with('.') && known.is_none() {
        // Only a `/` is missing: insert just that.
        let at = word.range.start() + usize::from(quote != '\0');
        TextEdit::insert(at, "/")
    } else {
        TextEdit::replace(word.range, new_text)
    };
    let title = match known {
        _ if scratch => format!("Write the absolute path `{absolute}`"),
        Some((name, dir)) => {
            format!("Write the absolute path `{absolute}` (the `{name}` image works in `{dir}`)")
        }
        None => {
            format!("Write the absolute path `{absolute}` (assumes the base image works in `/`)")
        }
    };
    Some((title, edit, scratch))
}

/// Official images whose Dockerfile sets a `WORKDIR`, and that directory.
const IMAGE_WORKDIRS: &[(&str, &str)] = &[
    ("golang", "/go"),
    ("tomcat", "/usr/local/tomcat"),
    ("httpd", "/usr/local/apache2"),
];

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
    use crate::rules::test_support::{
        check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of,
    };
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

    #[test]
    fn resolves_against_earlier_relative_workdirs() {
        check_rule_fixes(
            &RULE,
            r#"
FROM node:22 AS base
WORKDIR app
WORKDIR ./src/../lib
FROM base
ARG DIR=srv
WORKDIR "$DIR"
ONBUILD WORKDIR build
FROM scratch
WORKDIR out
FROM golang:1.23
RUN git clone https://github.com/sharat87/httpbun.git
WORKDIR httpbun
"#,
            expect![[r#"
                --- Write the absolute path `/app` (assumes the base image works in `/`) (unsafe)
                FROM node:22 AS base
                WORKDIR /app
                WORKDIR ./src/../lib
                FROM base
                ARG DIR=srv
                WORKDIR "$DIR"
                ONBUILD WORKDIR build
                FROM scratch
                WORKDIR out
                FROM golang:1.23
                RUN git clone https://github.com/sharat87/httpbun.git
                WORKDIR httpbun
                --- Write the absolute path `/app/lib` (assumes the base image works in `/`) (unsafe)
                FROM node:22 AS base
                WORKDIR app
                WORKDIR /app/lib
                FROM base
                ARG DIR=srv
                WORKDIR "$DIR"
                ONBUILD WORKDIR build
                FROM scratch
                WORKDIR out
                FROM golang:1.23
                RUN git clone https://github.com/sharat87/httpbun.git
                WORKDIR httpbun
                --- Write the absolute path `/app/lib/$DIR` (assumes the base image works in `/`) (unsafe)
                FROM node:22 AS base
                WORKDIR app
                WORKDIR ./src/../lib
                FROM base
                ARG DIR=srv
                WORKDIR "/app/lib/$DIR"
                ONBUILD WORKDIR build
                FROM scratch
                WORKDIR out
                FROM golang:1.23
                RUN git clone https://github.com/sharat87/httpbun.git
                WORKDIR httpbun
                --- Write the absolute path `/build` (assumes the base image works in `/`) (unsafe)
                FROM node:22 AS base
                WORKDIR app
                WORKDIR ./src/../lib
                FROM base
                ARG DIR=srv
                WORKDIR "$DIR"
                ONBUILD WORKDIR /build
                FROM scratch
                WORKDIR out
                FROM golang:1.23
                RUN git clone https://github.com/sharat87/httpbun.git
                WORKDIR httpbun
                --- Write the absolute path `/out` (safe)
                FROM node:22 AS base
                WORKDIR app
                WORKDIR ./src/../lib
                FROM base
                ARG DIR=srv
                WORKDIR "$DIR"
                ONBUILD WORKDIR build
                FROM scratch
                WORKDIR /out
                FROM golang:1.23
                RUN git clone https://github.com/sharat87/httpbun.git
                WORKDIR httpbun
                --- Write the absolute path `/go/httpbun` (the `golang` image works in `/go`) (unsafe)
                FROM node:22 AS base
                WORKDIR app
                WORKDIR ./src/../lib
                FROM base
                ARG DIR=srv
                WORKDIR "$DIR"
                ONBUILD WORKDIR build
                FROM scratch
                WORKDIR out
                FROM golang:1.23
                RUN git clone https://github.com/sharat87/httpbun.git
                WORKDIR /go/httpbun
            "#]],
        );
    }

    #[test]
    fn fix_all_converges_on_a_chain() {
        check_rule_fix(
            &RULE,
            r#"
FROM node:22
WORKDIR app
  WORKDIR 'src'
"#,
            expect![[r#"
                FROM node:22
                WORKDIR /app
                  WORKDIR '/app/src'
            "#]],
        );
    }

    #[test]
    fn fix_with_escape_backtick_and_crlf() {
        assert_eq!(
            crate::rules::test_support::fixed_with(
                &RULE,
                "",
                "# escape=`\r\nFROM alpine\r\nWORKDIR `\r\n  app\r\nRUN x\r\n",
            ),
            "# escape=`\r\nFROM alpine\r\nWORKDIR `\r\n  /app\r\nRUN x\r\n"
        );
    }

    #[test]
    fn no_fix_after_a_variable_workdir() {
        let d = diagnostics_of(
            &RULE,
            "FROM alpine\nARG D=x\nWORKDIR $D\nWORKDIR y\nWORKDIR a\\b\n",
        );
        assert_eq!(d.len(), 3);
        assert!(!d[0].fixes.is_empty());
        assert!(d[1].fixes.is_empty());
        assert!(d[2].fixes.is_empty());
    }
}

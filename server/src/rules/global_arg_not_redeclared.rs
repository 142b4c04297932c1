//! `global-arg-not-redeclared`: a global or automatic ARG used in a RUN of a stage
//! that did not redeclare it.

use std::collections::HashSet;

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::semantic::expand::scan;
use crate::semantic::{builder_var_refs, Base, Modifier, Stage};
use crate::syntax::Kind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports `$NAME` in the shell text of a `RUN` (heredoc bodies run by a shell
    /// included) when `NAME` is a global `ARG` (declared before the first `FROM`) or an
    /// automatic platform argument (`TARGETARCH`, `TARGETOS`, `TARGETPLATFORM`,
    /// `TARGETVARIANT`, `BUILDPLATFORM`, `BUILDOS`, `BUILDARCH`, `BUILDVARIANT`) and
    /// neither the stage nor a stage it is built on says `ARG NAME`.
    ///
    /// Builder-expanded instructions (`COPY`, `ENV`, `WORKDIR`, `RUN --mount` …) are
    /// `undefined-var`'s business; this rule covers the shell, which BuildKit's
    /// `UndefinedVar` check cannot see, so one mistake is reported once.
    ///
    /// Not reported: references with a default (`${TARGETARCH:-amd64}`), names the
    /// script assigns itself (`TARGETARCH=$(dpkg --print-architecture)`, `export`,
    /// `read`, `for`), single-quoted text, `ONBUILD` triggers, and a global ARG that
    /// also names the stage's base image (`FROM python:${PYTHON_VERSION}`): such images
    /// set the same variable in their environment.
    ///
    /// ## Why is this bad?
    /// A global ARG exists only for the `FROM` lines. Inside a stage the variable is
    /// unset unless redeclared, so `curl -LO …/tool-$TARGETARCH.tar.gz` downloads
    /// `tool-.tar.gz` (a 404, or worse, a different file), and `pip install
    /// app==$VERSION` installs whatever is latest. The shell expands the empty value
    /// without any error.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM debian:12-slim
    /// RUN curl -fsSLO https://example.com/tool-$VERSION-$TARGETARCH.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=1.4.2
    /// FROM debian:12-slim
    /// ARG VERSION
    /// ARG TARGETARCH
    /// RUN curl -fsSLO https://example.com/tool-$VERSION-$TARGETARCH.tar.gz
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `ARG NAME` right after the stage's `FROM`. It is unsafe: the
    /// `RUN` then sees a value where it saw none, which is what was meant but changes
    /// the build (and the layer cache key).
    ///
    /// ## References
    /// - BuildKit check `UndefinedVar` covers non-shell instructions only
    /// - hadolint resets its exported variables at each `FROM`; only ShellCheck may
    ///   notice the empty value
    /// - Dockerfile reference, "ARG" ("Scope", "Automatic platform ARGs in the global
    ///   scope", "Understand how ARG and FROM interact")
    pub(crate) RULE {
        id: "global-arg-not-redeclared",
        summary: "Global ARG used in a stage without redeclaring it",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

const PLATFORM_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// True when the script assigns `name` itself.
fn assigned_in(script: &str, name: &str) -> bool {
    let b = script.as_bytes();
    let mut from = 0;
    while let Some(pos) = script[from..].find(name) {
        let at = from + pos;
        let end = at + name.len();
        let before_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_' || b[at - 1] == b'$' || b[at - 1] == b'{');
        if before_ok {
            let after = &script[end..];
            if after.starts_with('=') || after.starts_with("+=") {
                return true;
            }
            let head = script[..at].trim_end();
            if head.ends_with("for") || head.ends_with("read") || head.ends_with("export") || head.ends_with("local") {
                return true;
            }
        }
        from = end;
    }
    false
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    let mut fixed: HashSet<(usize, String)> = HashSet::new();
    for (i, shell) in model.run_shells() {
        let inst = &ctx.syntax.instructions[i];
        if inst.kind == Kind::Onbuild {
            continue;
        }
        let Some(stage) = model.stage_of(i) else {
            continue;
        };
        let eff = inst.effective();
        let mut ranges = vec![eff.args.range];
        if !shell.heredoc_scripts.is_empty() {
            ranges.extend(eff.heredocs.iter().filter(|h| h.fd == 0).map(|h| h.body_range));
        }
        for range in ranges {
            let text = &ctx.text[range.range()];
            // Most RUNs name no global or automatic ARG at all: skip the full scan.
            if !text.contains('$')
                || !model
                    .global_args
                    .iter()
                    .map(|d| d.name.as_str())
                    .chain(PLATFORM_ARGS.iter().copied())
                    .any(|name| text.contains(name))
            {
                continue;
            }
            let (refs, _) = scan(text, '\\');
            for r in refs {
                let name = r.name.as_str();
                let covered = matches!(
                    r.modifier,
                    Some(Modifier::Default { .. })
                        | Some(Modifier::Alternate { .. })
                        | Some(Modifier::Required { .. })
                );
                if covered {
                    continue;
                }
                // Cheap tests first: most references name neither a global nor an
                // automatic ARG, and `lookup` walks the stage's declarations.
                let global = model.global_args.iter().find(|d| d.name == name);
                let automatic = PLATFORM_ARGS.contains(&name);
                if (global.is_none() && !automatic) || model.lookup(i, name).is_some() {
                    continue;
                }
                if assigned_in(text, name) || !may_report(ctx, stage, name) {
                    continue;
                }
                let message = match global {
                    Some(g) => format!(
                        "`{name}` is a global ARG (line {}), which is empty inside a stage; add `ARG {name}` after this stage's FROM",
                        ctx.line_index.line_of(ctx.syntax.instructions[g.instruction].range.start()) + 1
                    ),
                    None => format!(
                        "`{name}` is an automatic build argument that is empty here; add `ARG {name}` after this stage's FROM"
                    ),
                };
                let at = TextRange::new(range.start() + r.range.start(), range.start() + r.range.end());
                let d = acc.report(&RULE, at, message);
                if fixed.insert((stage.index, name.to_string())) {
                    d.with_fix(
                        format!("Add `ARG {name}` after the stage's FROM"),
                        Applicability::Unsafe,
                        vec![arg_after_from(ctx, stage, name)],
                    );
                }
            }
        }
    }
}

/// False when the base image or an unknown base may define `name`.
fn may_report(ctx: &RuleContext<'_>, stage: &Stage, name: &str) -> bool {
    let model = ctx.model;
    let root = model.root_stage(stage.index).unwrap_or(stage);
    match root.base {
        Base::Unresolved => !model.stages[..stage.index]
            .iter()
            .any(|s| s.decls.iter().any(|d| d.name == name)),
        Base::Image(_) => {
            let from = &ctx.syntax.instructions[root.from];
            !builder_var_refs(ctx.text, from, ctx.syntax.escape)
                .iter()
                .any(|r| r.name == name)
        }
        _ => true,
    }
}

/// Inserts the line `ARG <name>` right after the `FROM` of `stage`, with the file's
/// line break.
pub(crate) fn arg_after_from(ctx: &RuleContext<'_>, stage: &Stage, name: &str) -> TextEdit {
    let from = &ctx.syntax.instructions[stage.from];
    let at = from.range.end();
    TextEdit::insert(at, format!("{}ARG {name}", crate::text::line_break_at(ctx.text, at)))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not, check_rule_fix_raw};
    use expect_test::expect;

    #[test]
    fn catches_unredeclared_args_in_run() {
        check_rule(
            &RULE,
            r#"
ARG VERSION=1.4.2
FROM debian:12-slim AS base
RUN curl -fsSLO https://example.com/tool-$VERSION-${TARGETARCH}.tar.gz
RUN <<EOF
echo "$BUILDPLATFORM"
EOF
FROM base
RUN echo $VERSION
"#,
            expect![[r#"
                3 | RUN curl -fsSLO https://example.com/tool-$VERSION-${TARGETARCH}.tar.gz
                  |                                          ^^^^^^^^ global-arg-not-redeclared: `VERSION` is a global ARG (line 1), which is empty inside a stage; add `ARG VERSION` after this stage's FROM
                3 | RUN curl -fsSLO https://example.com/tool-$VERSION-${TARGETARCH}.tar.gz
                  |                                                   ^^^^^^^^^^^^^ global-arg-not-redeclared: `TARGETARCH` is an automatic build argument that is empty here; add `ARG TARGETARCH` after this stage's FROM
                5 | echo "$BUILDPLATFORM"
                  |       ^^^^^^^^^^^^^^ global-arg-not-redeclared: `BUILDPLATFORM` is an automatic build argument that is empty here; add `ARG BUILDPLATFORM` after this stage's FROM
                8 | RUN echo $VERSION
                  |          ^^^^^^^^ global-arg-not-redeclared: `VERSION` is a global ARG (line 1), which is empty inside a stage; add `ARG VERSION` after this stage's FROM
            "#]],
        );
    }

    #[test]
    fn accepts_redeclared_assigned_and_defaulted() {
        check_rule_not(
            &RULE,
            r#"
ARG VERSION=1.4.2
ARG PYTHON_VERSION=3.12
FROM debian:12-slim AS base
ARG VERSION
ARG TARGETARCH
RUN echo $VERSION $TARGETARCH
FROM base
RUN echo $VERSION $TARGETARCH
FROM alpine:3.20
RUN echo ${TARGETOS:-linux} '$VERSION' \$VERSION
RUN TARGETARCH=$(uname -m) && echo $TARGETARCH
RUN for BUILDARCH in a b; do echo $BUILDARCH; done
RUN echo $UNRELATED
ONBUILD RUN echo $VERSION
FROM python:${PYTHON_VERSION}-slim
RUN echo $PYTHON_VERSION
RUN ["echo", "$VERSION"]
"#,
        );
    }

    #[test]
    fn fix_redeclares_in_the_stage() {
        check_rule_fix(
            &RULE,
            r#"
ARG VERSION=1.4.2
FROM debian:12-slim
RUN echo $VERSION $TARGETARCH $VERSION
"#,
            expect![[r#"
                ARG VERSION=1.4.2
                FROM debian:12-slim
                ARG VERSION
                ARG TARGETARCH
                RUN echo $VERSION $TARGETARCH $VERSION
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf_and_escape() {
        check_rule_fix_raw(
            &RULE,
            "ARG V=1\r\nFROM debian:12-slim \\\r\n  AS build\r\nRUN echo $V\r\n",
            expect![[r#"
                ARG V=1␍
                FROM debian:12-slim \␍
                  AS build␍
                ARG V␍
                RUN echo $V␍
            "#]],
        );
        check_rule_fix(&RULE, "ARG V=1\nFROM debian:12-slim\nRUN echo $V", expect![[r#"
            ARG V=1
            FROM debian:12-slim
            ARG V
            RUN echo $V"#]]);
    }

    #[test]
    fn silent_for_powershell_and_exec_form() {
        check_rule_not(
            &RULE,
            r#"# escape=`
ARG VERSION=1.4.2
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
RUN Write-Host $VERSION $env:TARGETARCH
"#,
        );
    }
}

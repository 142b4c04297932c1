//! `copy-relative-dest-no-workdir`: COPY/ADD to a relative path before any WORKDIR.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::copy::{unquote, CopyArgs};
use crate::semantic::Base;
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` whose destination is a relative path (`app/`, `.`,
    /// `config.yml`) when no `WORKDIR` is set earlier in the stage or in the stages it
    /// is built on (`FROM <earlier stage>`).
    ///
    /// Not reported: stages built on `scratch` (the working directory is certainly
    /// `/`, and `COPY --from=build /out .` is the usual way to export files) or on a
    /// base named with an unknown variable (`FROM base-${TARGETARCH}`, which may be a
    /// stage that sets `WORKDIR`); absolute destinations (`/app`), Windows absolute paths (`C:\app`,
    /// `c:/app`), destinations starting with a variable whose value is unknown (it may
    /// be absolute). For an `ONBUILD COPY` the trigger runs in the child build after
    /// this whole image is built, so a `WORKDIR` anywhere in the stage counts.
    ///
    /// Like hadolint the rule cannot see the base image's configuration: an
    /// image such as `golang` or `php:apache` that sets its own `WORKDIR` makes the
    /// relative path well defined, yet is reported. Set `WORKDIR` explicitly anyway:
    /// it documents where files go and survives a change of base image.
    ///
    /// Differences from hadolint (DL3045), all deliberate: hadolint checks `COPY`
    /// only, we check `ADD` too (it resolves paths the same way: `ADD main.py main.py`
    /// with no `WORKDIR`); hadolint reports stages built on `scratch` (`FROM scratch`
    /// + `COPY --from=build /out/app app`, where the directory is certainly `/`) and
    /// stages built on a base named with an unknown variable (`FROM $BASE`,
    /// `FROM base-${TARGETARCH}` → a stage that may set `WORKDIR`), which we skip.
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory inherited
    /// from the base image, `/` for most images. Files then land in the root of the
    /// filesystem, mixed with system directories, or somewhere that changes when the
    /// base image changes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// COPY package.json .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// COPY package.json .
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the right directory is the author's choice, and adding
    /// `WORKDIR` also changes where later `RUN`s and the container start.
    ///
    /// ## References
    /// - hadolint DL3045
    /// - Docker docs: "Dockerfile reference", sections "COPY" and "WORKDIR"
    pub(crate) RULE {
        id: "copy-relative-dest-no-workdir",
        summary: "COPY to a relative destination with no WORKDIR set",
        level: Warning,
        fix: None,
        hadolint: ["DL3045"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let instructions = &ctx.syntax.instructions;
    // Stages with a WORKDIR anywhere (for ONBUILD triggers), computed lazily.
    let mut stage_has_workdir: Option<Vec<bool>> = None;
    for (i, inst) in instructions.iter().enumerate() {
        let Some(args) = CopyArgs::of(inst) else {
            continue;
        };
        let written = if args.json {
            args.dest.text.as_str()
        } else {
            unquote(&args.dest.text)
        };
        let value = if written.starts_with('$') {
            match ctx.model.expand_at(i, written) {
                Some(v) => v,
                None => continue,
            }
        } else {
            written.to_string()
        };
        if is_absolute(&value) {
            continue;
        }
        let has_workdir = if inst.trigger.is_some() {
            let Some(stage) = ctx.model.stage_of(i) else {
                continue;
            };
            let flags = stage_has_workdir.get_or_insert_with(|| {
                ctx.model
                    .stages
                    .iter()
                    .map(|s| {
                        s.instructions
                            .clone()
                            .any(|j| instructions[j].kind == Kind::Workdir)
                    })
                    .collect()
            });
            flags[stage.index]
                || ctx
                    .model
                    .instructions_before(stage.from)
                    .any(|j| instructions[j].kind == Kind::Workdir)
        } else {
            ctx.model
                .instructions_before(i)
                .any(|j| instructions[j].kind == Kind::Workdir)
        };
        if has_workdir || !root_base_known_image(ctx, i) {
            continue;
        }
        let shown = if value == written {
            format!("`{written}`")
        } else {
            format!("`{written}` (`{value}`)")
        };
        acc.report(
            &RULE,
            args.dest.range,
            format!(
                "{shown} is relative but no WORKDIR is set in this stage, so it resolves against the base image's working directory (usually `/`); set `WORKDIR` first or use an absolute path."
            ),
        );
    }
}

/// The stage chain of instruction `at` starts from an image (not `scratch`, where the
/// working directory is certainly `/`, and not a base whose name has an unknown
/// variable, which may be a stage that sets `WORKDIR`).
fn root_base_known_image(ctx: &RuleContext<'_>, at: usize) -> bool {
    ctx.model
        .stage_of(at)
        .and_then(|s| ctx.model.root_stage(s.index))
        .is_some_and(|root| matches!(root.base, Base::Image(_)))
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/')
        || path.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_relative_destinations() {
        check_rule(
            &RULE,
            r#"
FROM node:22 AS base
ARG REL=app
COPY package.json .
ADD src/ src/
COPY ["a", "b", "lib/"]
COPY x $REL
ONBUILD COPY . .
FROM base
WORKDIR /app
"#,
            expect![[r#"
                3 | COPY package.json .
                  |                   ^ copy-relative-dest-no-workdir: `.` is relative but no WORKDIR is set in this stage, so it resolves against the base image's working directory (usually `/`); set `WORKDIR` first or use an absolute path.
                4 | ADD src/ src/
                  |          ^^^^ copy-relative-dest-no-workdir: `src/` is relative but no WORKDIR is set in this stage, so it resolves against the base image's working directory (usually `/`); set `WORKDIR` first or use an absolute path.
                5 | COPY ["a", "b", "lib/"]
                  |                 ^^^^^^ copy-relative-dest-no-workdir: `lib/` is relative but no WORKDIR is set in this stage, so it resolves against the base image's working directory (usually `/`); set `WORKDIR` first or use an absolute path.
                6 | COPY x $REL
                  |        ^^^^ copy-relative-dest-no-workdir: `$REL` (`app`) is relative but no WORKDIR is set in this stage, so it resolves against the base image's working directory (usually `/`); set `WORKDIR` first or use an absolute path.
                7 | ONBUILD COPY . .
                  |                ^ copy-relative-dest-no-workdir: `.` is relative but no WORKDIR is set in this stage, so it resolves against the base image's working directory (usually `/`); set `WORKDIR` first or use an absolute path.
            "#]],
        );
    }

    #[test]
    fn accepts_absolute_or_workdir() {
        check_rule_not(
            &RULE,
            r#"
FROM node:22 AS base
WORKDIR /srv
COPY a .
FROM base AS child
COPY b ./b
FROM alpine
COPY a /abs
COPY b $TARGET_DIR
COPY c ${HOME}/c
ONBUILD COPY . .
WORKDIR /app
COPY d d
FROM scratch AS export
COPY --from=base /out .
FROM base-${TARGETARCH} AS any
COPY e e
"#,
        );
    }

    #[test]
    fn windows_paths() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command"]
COPY a.ps1 C:\scripts\
COPY b.ps1 c:/scripts/
COPY c.ps1 \scripts\
"#,
        );
    }
}

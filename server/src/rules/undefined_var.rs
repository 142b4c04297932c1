//! `undefined-var`: a `$VAR` in a builder-expanded instruction that is not defined
//! at that point, reported only when we can be sure.

use crate::rules::from_arg_undefined::suggest_name;
use crate::rules::global_arg_not_redeclared::arg_after_from;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::text::TextEdit;
use crate::semantic::{builder_var_refs, Base, Modifier, Stage, VarKind, AUTOMATIC_ARGS};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `$VAR` that BuildKit expands itself (in `ENV`, `LABEL`, `ARG` defaults,
    /// `COPY`, `ADD`, `WORKDIR`, `USER`, `EXPOSE`, `VOLUME`, `STOPSIGNAL` and flag values
    /// such as `RUN --mount=…`) when nothing defines it at that point. References with a
    /// default, alternative or error modifier (`${X:-d}`, `${X:+d}`, `${X:?msg}`) are
    /// not reported, nor are variables of `RUN`/`CMD` text (the shell expands those).
    /// `FROM` lines are `from-arg-undefined`'s business.
    ///
    /// The base image can define environment variables we cannot see (`PATH`,
    /// `JAVA_HOME`, `NODE_VERSION`, …), so to avoid false positives a variable is only
    /// reported when one of these holds:
    /// - it is a global ARG that the stage did not redeclare (`ARG NAME`): stages do not
    ///   see global ARGs, which is by far the most common mistake;
    /// - it is an automatic platform argument (`TARGETARCH`, …) that the stage did not
    ///   redeclare;
    /// - it is declared by an `ARG` later in the same stage (used before its
    ///   declaration);
    /// - the stage is built (directly or through other stages) on `scratch`, so every
    ///   variable is known: then a later `ENV`, or a declaration only in another stage,
    ///   is reported too;
    /// - it is in a global `ARG` default, where only earlier global ARGs exist.
    ///
    /// Not reported, because the base image may set the variable: a later `ENV` in an
    /// image-based stage (`ENV GOPATH=/go` restates the `golang` image), a declaration
    /// in another stage, a global ARG that also names the base image (`FROM
    /// python:${PYTHON_VERSION}`: such images set `PYTHON_VERSION`), and anything in a
    /// stage whose base is unresolved (`FROM base-$TARGETARCH`) when some earlier stage
    /// declares it.
    ///
    /// A variable declared in the same instruction is never reported (`ENV
    /// PATH=$PATH:/opt/bin` refers to the value from before the instruction).
    ///
    /// ## Why is this bad?
    /// An undefined variable expands to an empty string without any error: `COPY
    /// app-$VERSION.jar /app.jar` copies `app-.jar`, `WORKDIR /src/$NAME` lands in
    /// `/src/`. The build may even succeed and ship a broken image.
    ///
    /// ## Example
    /// ```dockerfile
    /// ARG VERSION=1.2.3
    /// FROM eclipse-temurin:21-jre
    /// COPY target/app-${VERSION}.jar /app.jar
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG VERSION=1.2.3
    /// FROM eclipse-temurin:21-jre
    /// ARG VERSION
    /// COPY target/app-${VERSION}.jar /app.jar
    /// ```
    ///
    /// ## Fix safety
    /// When a variable visible at that point is close to the name (at most two edits,
    /// the only one that close), a fix replaces the name with it: safe when only the
    /// letter case differs, unsafe otherwise (a guess). For a global or automatic ARG
    /// the stage did not redeclare, a fix inserts `ARG NAME` right after the stage's
    /// `FROM`; it is unsafe: the instruction then sees a value where it saw an empty
    /// string, which is what was meant but changes the build.
    ///
    /// ## References
    /// - BuildKit check `UndefinedVar` (BuildKit knows the base image's environment and
    ///   therefore reports more; we only report what the Dockerfile alone proves)
    /// - Dockerfile reference, "Environment replacement", "ARG" ("Scope",
    ///   "Understand how ARG and FROM interact")
    pub(crate) RULE {
        id: "undefined-var",
        summary: "Variable is not defined at this point",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: ["UndefinedVar"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let model = ctx.model;
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        // FROM belongs to `from-arg-undefined`; ONBUILD triggers expand downstream.
        if matches!(inst.kind, Kind::From | Kind::Onbuild) {
            continue;
        }
        let stage = model.stage_of(i);
        if stage.is_none() && inst.kind != Kind::Arg {
            continue;
        }
        let declared_here: Vec<&str> = inst
            .args
            .pairs
            .iter()
            .map(|p| p.key.text.as_str())
            .collect();
        for r in builder_var_refs(ctx.text, inst, ctx.syntax.escape) {
            let covered = matches!(
                r.modifier,
                Some(Modifier::Default { .. })
                    | Some(Modifier::Alternate { .. })
                    | Some(Modifier::Required { .. })
            );
            if covered
                || declared_here.contains(&r.name.as_str())
                || model.lookup(i, &r.name).is_some()
            {
                continue;
            }
            let found = match stage {
                None => Some((
                    format!(
                        "`{}` is not declared by an earlier global ARG, so it expands to an empty string",
                        r.name
                    ),
                    false,
                )),
                Some(stage) => explain(ctx, stage, i, &r.name),
            };
            let Some((message, redeclare)) = found else {
                continue;
            };
            let d = acc.report(&RULE, r.range, message);
            let visible = visible_names(ctx, i);
            if let Some((s, certain)) = suggest_name(&r.name, visible.iter().copied()) {
                if ctx.text.get(r.name_range.range()) == Some(r.name.as_str()) {
                    d.with_fix(
                        format!("Replace `{}` with `{s}`", r.name),
                        if certain { Applicability::Safe } else { Applicability::Unsafe },
                        vec![TextEdit::replace(r.name_range, s)],
                    );
                }
            }
            if let (true, Some(stage)) = (redeclare, stage) {
                d.with_fix(
                    format!("Add `ARG {}` after the stage's FROM", r.name),
                    Applicability::Unsafe,
                    vec![arg_after_from(ctx, stage, &r.name)],
                );
            }
        }
    }
}

/// Why `name` is surely undefined at instruction `at` of `stage`, or `None` when the
/// base image might define it.
fn explain(ctx: &RuleContext<'_>, stage: &Stage, at: usize, name: &str) -> Option<(String, bool)> {
    let model = ctx.model;
    let line = |i: usize| {
        ctx.line_index
            .line_of(ctx.syntax.instructions[i].range.start())
            + 1
    };
    let ancestors: Vec<usize> = model.stage_chain(stage.index).map(|s| s.index).collect();
    let root = &model.stages[*ancestors.last()?];
    let declared_in = |s: &Stage| s.decls.iter().any(|d| d.name == name);
    // `FROM base-$TARGETARCH`: the stage may be built on any earlier stage.
    if matches!(root.base, Base::Unresolved) && model.stages[..stage.index].iter().any(declared_in)
    {
        return None;
    }
    let from_scratch = matches!(root.base, Base::Scratch);
    if model.global_args.iter().any(|d| d.name == name) {
        // `FROM python:${PYTHON_VERSION}`: such images usually set the same variable
        // in their environment.
        let root_from = &ctx.syntax.instructions[root.from];
        let names_image = matches!(root.base, Base::Image(_))
            && builder_var_refs(ctx.text, root_from, ctx.syntax.escape)
                .iter()
                .any(|r| r.name == name);
        if names_image {
            return None;
        }
        return Some((
            format!(
                "`{name}` is a global ARG, which stages do not see; add `ARG {name}` in this stage before using it"
            ),
            true,
        ));
    }
    if AUTOMATIC_ARGS.contains(&name) {
        return Some((
            format!(
                "`{name}` is an automatic build argument that stages only see after `ARG {name}`; add it in this stage before using it"
            ),
            true,
        ));
    }
    // A later ENV often restates what the base image already sets (`ENV GOPATH=/go`),
    // so only a later ARG proves the earlier use is empty, unless we know everything.
    if let Some(later) = stage
        .decls
        .iter()
        .find(|d| d.name == name && d.instruction > at)
        .filter(|d| d.kind == VarKind::Arg || from_scratch)
    {
        return Some((
            format!(
                "`{name}` is used before its declaration on line {}, so it expands to an empty string here; move the declaration up",
                line(later.instruction)
            ),
            false,
        ));
    }
    if !from_scratch {
        return None;
    }
    if let Some(other) = model
        .stages
        .iter()
        .filter(|s| !ancestors.contains(&s.index))
        .find_map(|s| s.decls.iter().find(|d| d.name == name))
    {
        return Some((
            format!(
                "`{name}` is only declared in another stage (line {}), which this stage is not built on; declare it in this stage",
                line(other.instruction)
            ),
            false,
        ));
    }
    Some((
        format!(
            "`{name}` is not defined: no ARG or ENV declares it and the stage is built from scratch"
        ),
        false,
    ))
}

/// The variable names instruction `at` sees: declarations before it in its stage and
/// the stages it is built on (global ARGs before the first FROM).
fn visible_names<'m>(ctx: &RuleContext<'m>, at: usize) -> Vec<&'m str> {
    let model = ctx.model;
    let Some(stage) = model.stage_of(at) else {
        return model
            .global_args
            .iter()
            .filter(|d| d.instruction < at)
            .map(|d| d.name.as_str())
            .collect();
    };
    model
        .stage_chain(stage.index)
        .flat_map(|s| s.decls.iter())
        .filter(|d| d.instruction < at)
        .map(|d| d.name.as_str())
        .filter(|n| model.lookup(at, n).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix_raw, check_rule_fixes, check_rule_not, diagnostics_of};
    use expect_test::expect;

    #[test]
    fn catches_surely_undefined_variables() {
        check_rule(
            &RULE,
            r#"
ARG VERSION=1.2.3
ARG FULL=v$VERSION-$SUFFIX
FROM eclipse-temurin:21-jre AS app
COPY target/app-${VERSION}.jar /app.jar
WORKDIR /srv/$APP_DIR
ARG APP_DIR=app
FROM scratch AS min
COPY --chown=$UID /x /x
LABEL from-build=$BUILD_ID
FROM alpine:3.20 AS other
ARG BUILD_ID
RUN --mount=type=cache,target=/cache/$VERSION true
COPY bin-$TARGETARCH /bin/tool
"#,
            expect![[r#"
                2 | ARG FULL=v$VERSION-$SUFFIX
                  |                    ^^^^^^^ undefined-var: `SUFFIX` is not declared by an earlier global ARG, so it expands to an empty string
                4 | COPY target/app-${VERSION}.jar /app.jar
                  |                 ^^^^^^^^^^ undefined-var: `VERSION` is a global ARG, which stages do not see; add `ARG VERSION` in this stage before using it
                5 | WORKDIR /srv/$APP_DIR
                  |              ^^^^^^^^ undefined-var: `APP_DIR` is used before its declaration on line 6, so it expands to an empty string here; move the declaration up
                8 | COPY --chown=$UID /x /x
                  |              ^^^^ undefined-var: `UID` is not defined: no ARG or ENV declares it and the stage is built from scratch
                9 | LABEL from-build=$BUILD_ID
                  |                  ^^^^^^^^^ undefined-var: `BUILD_ID` is only declared in another stage (line 11), which this stage is not built on; declare it in this stage
                12 | RUN --mount=type=cache,target=/cache/$VERSION true
                   |                                      ^^^^^^^^ undefined-var: `VERSION` is a global ARG, which stages do not see; add `ARG VERSION` in this stage before using it
                13 | COPY bin-$TARGETARCH /bin/tool
                   |          ^^^^^^^^^^^ undefined-var: `TARGETARCH` is an automatic build argument that stages only see after `ARG TARGETARCH`; add it in this stage before using it
            "#]],
        );
    }

    #[test]
    fn accepts_declared_base_and_defaulted_variables() {
        check_rule_not(
            &RULE,
            r#"
ARG VERSION=1.2.3
ARG FULL=v$VERSION
ARG PYTHON_VERSION=3.12
FROM eclipse-temurin:21-jre AS app
ARG VERSION
COPY target/app-${VERSION}.jar /app.jar
ENV PATH=$JAVA_HOME/bin:$PATH
ENV A=1 B=$A
WORKDIR $HOME/${SUB:-app}
USER ${UID:+1000}
RUN echo $UNDEFINED_IN_SHELL
CMD echo $ALSO_SHELL
ONBUILD COPY $DOWNSTREAM /x
EXPOSE $HTTP_PROXY
ARG BUILD_ONLY_IN_APP
FROM app
COPY app-$VERSION /x
FROM scratch
ENV X=1
COPY $X /x
FROM golang:1.23 AS gopath
WORKDIR $GOPATH/src
ENV GOPATH=/go
FROM python:${PYTHON_VERSION}-slim
ENV V=$PYTHON_VERSION
FROM app-$TARGETARCH
COPY $VERSION /x
COPY $BUILD_ONLY_IN_APP /x
FROM alpine:3.20
COPY $GOPATH /x
"#,
        );
    }

    #[test]
    fn fixes_redeclare_or_rename() {
        check_rule_fixes(
            &RULE,
            r#"
ARG VERSION=1.2.3
FROM eclipse-temurin:21-jre AS app
ARG APP_NAME=app
COPY target/${APP_NAME}-${VERSION}.jar /$app_name.jar
COPY --from=x bin-$TARGETARCH /bin/tool
FROM scratch
ENV DIR=/srv
WORKDIR $DIRS
"#,
            expect![[r#"
                --- Add `ARG VERSION` after the stage's FROM (unsafe)
                ARG VERSION=1.2.3
                FROM eclipse-temurin:21-jre AS app
                ARG VERSION
                ARG APP_NAME=app
                COPY target/${APP_NAME}-${VERSION}.jar /$app_name.jar
                COPY --from=x bin-$TARGETARCH /bin/tool
                FROM scratch
                ENV DIR=/srv
                WORKDIR $DIRS
                --- Add `ARG TARGETARCH` after the stage's FROM (unsafe)
                ARG VERSION=1.2.3
                FROM eclipse-temurin:21-jre AS app
                ARG TARGETARCH
                ARG APP_NAME=app
                COPY target/${APP_NAME}-${VERSION}.jar /$app_name.jar
                COPY --from=x bin-$TARGETARCH /bin/tool
                FROM scratch
                ENV DIR=/srv
                WORKDIR $DIRS
                --- Replace `DIRS` with `DIR` (unsafe)
                ARG VERSION=1.2.3
                FROM eclipse-temurin:21-jre AS app
                ARG APP_NAME=app
                COPY target/${APP_NAME}-${VERSION}.jar /$app_name.jar
                COPY --from=x bin-$TARGETARCH /bin/tool
                FROM scratch
                ENV DIR=/srv
                WORKDIR $DIR
            "#]],
        );
    }

    #[test]
    fn fix_in_crlf_file() {
        check_rule_fix_raw(
            &RULE,
            "ARG V=1\r\nFROM alpine:3.20\r\nCOPY a-$V /a\r\n",
            expect![[r#"
                ARG V=1␍
                FROM alpine:3.20␍
                ARG V␍
                COPY a-$V /a␍
            "#]],
        );
    }

    #[test]
    fn no_fix_for_use_before_declaration() {
        let diags = diagnostics_of(&RULE, "FROM alpine\nWORKDIR /srv/$APP_DIR\nARG APP_DIR=app\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].fixes.is_empty());
    }
}

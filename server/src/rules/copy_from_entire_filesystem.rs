//! `copy-from-entire-filesystem`: `COPY --from=<stage> / …`.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::{Base, Model, Stage};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage> / <dest>` (also `/.` and `/*`): a copy of the whole
    /// root filesystem of a stage that is a build environment, that is a stage built on
    /// an image that runs commands (`RUN`) itself or in a stage it is built on.
    ///
    /// Not reported, because the source only holds what was put there on purpose:
    /// stages built `FROM scratch` (the usual "export stage" pattern, `COPY --from=binaries
    /// / /usr/bin/`), stages that only name an image without running anything (`FROM
    /// tonistiigi/xx AS xx`, an image published to be copied from), images given
    /// directly in `--from`, stages with a base we cannot resolve, and `ONBUILD`
    /// triggers (their stages belong to another Dockerfile). `FROM scratch` followed by
    /// `COPY --from=<stage> / /` is not reported either: it squashes a finished image
    /// into one layer on purpose (kind, minikube and Kubernetes images do this).
    ///
    /// Differences from hadolint (DL3067): hadolint reports every `COPY --from=… /`. On
    /// the 988 real files of our corpus that is 32 `COPY`s, and none of them copies a
    /// build environment into a runtime image:
    /// - 19 copy `tonistiigi/xx` (`FROM tonistiigi/xx AS xx`, then `COPY --from=xx / /`),
    ///   an image made of a few helper scripts and published to be copied this way;
    /// - 7 squash a finished stage into `FROM scratch` with `COPY --from=build / /`
    ///   (cross-rs, kind, minikube, Kubernetes' distroless images): the result is the
    ///   same filesystem in one layer, which is the point;
    /// - 3 name an image directly (`COPY --from=gloursdocker/docker / /`), whose
    ///   content we cannot see;
    /// - 3 copy a stage whose base is a build argument (`FROM ${BASE_IMAGE} AS
    ///   alpine-s6`, `FROM exit-loong64-${BUILD_LOONG64}`), again content we cannot see.
    ///
    /// So we only report the case we can show is a build environment.
    ///
    /// ## Why is this bad?
    /// Multi-stage builds exist to leave the build environment behind. Copying `/`
    /// brings all of it along: the base OS, compilers, package caches, source code and
    /// any secret written during the build, typically hundreds of MB, and it
    /// overwrites the target stage's own files (`/etc/passwd`, `/etc/os-release`,
    /// shared libraries) with the other stage's versions.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/app ./cmd/app
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/app /app
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which paths are needed is for the author to say.
    ///
    /// ## References
    /// - hadolint `DL3067`
    /// - Docker docs, "Multi-stage builds"
    pub(crate) RULE {
        id: "copy-from-entire-filesystem",
        summary: "COPY --from copies the whole filesystem",
        level: Warning,
        fix: None,
        hadolint: ["DL3067"],
        buildkit: [],
        check: check,
    }
}

/// True when `value` names a stage that is a build environment: it (or a stage it is
/// built on) runs commands, and it is not built on scratch or on an unknown base.
fn is_build_environment(ctx: &RuleContext<'_>, value: &str) -> bool {
    let model = ctx.model;
    let Some(s) = model.stage_by_ref(value) else {
        return false;
    };
    let chain: Vec<&Stage> = model.stage_chain(s.index).collect();
    let root_is_image = chain
        .last()
        .is_some_and(|root| matches!(root.base, Base::Image(_)));
    root_is_image
        && chain.iter().any(|s| {
            s.instructions
                .clone()
                .any(|i| ctx.syntax.instructions[i].kind == Kind::Run)
        })
}

fn root_is_scratch(model: &Model, s: &Stage) -> bool {
    model
        .root_stage(s.index)
        .is_some_and(|root| matches!(root.base, Base::Scratch))
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Copy {
            continue;
        }
        let Some(from) = eff.flag("from").and_then(|f| f.value.as_deref()) else {
            continue;
        };
        let words = match &eff.args.json {
            Some(json) => json.as_slice(),
            None => eff.args.words.as_slice(),
        };
        let [sources @ .., dest] = words else {
            continue;
        };
        let whole = |w: &&crate::syntax::Word| {
            matches!(w.text.trim_matches('"'), "/" | "/." | "/*" | "/./")
        };
        let Some(root) = sources.iter().find(whole) else {
            continue;
        };
        if inst.kind == Kind::Onbuild || !is_build_environment(ctx, from) {
            continue;
        }
        // `FROM scratch` + `COPY --from=build / /` squashes a finished image into one
        // layer on purpose.
        let into_scratch = ctx.model.stage_of(i).is_some_and(|s| root_is_scratch(ctx.model, s));
        if into_scratch && dest.text.trim_matches('"') == "/" {
            continue;
        }
        acc.report(
            &RULE,
            root.range,
            format!(
                "This copies the entire filesystem of `{from}` (OS, build tools, caches) into the image; copy only the paths you need"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_root_copies_of_build_stages() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app
FROM build AS test
FROM gcr.io/distroless/static-debian12
COPY --from=build / /
COPY --from=test --chown=1000 /. /rootfs/
COPY --from=0 ["/", "/x/"]
"#,
            expect![[r#"
                5 | COPY --from=build / /
                  |                   ^ copy-from-entire-filesystem: This copies the entire filesystem of `build` (OS, build tools, caches) into the image; copy only the paths you need
                6 | COPY --from=test --chown=1000 /. /rootfs/
                  |                               ^^ copy-from-entire-filesystem: This copies the entire filesystem of `test` (OS, build tools, caches) into the image; copy only the paths you need
                7 | COPY --from=0 ["/", "/x/"]
                  |                ^^^ copy-from-entire-filesystem: This copies the entire filesystem of `0` (OS, build tools, caches) into the image; copy only the paths you need
            "#]],
        );
    }

    #[test]
    fn accepts_paths_exports_and_artefact_images() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
RUN go build -o /out/app ./cmd/app
FROM scratch AS export
COPY --from=build /out/app /app
FROM export AS export2
FROM tonistiigi/xx AS xx
FROM base-$TARGETARCH AS unknown
RUN true
FROM alpine:3.20
COPY --from=build /out/app /app
COPY --from=export / /
COPY --from=export2 / /usr/bin/
COPY --from=xx / /
COPY --from=unknown / /
COPY --from=nginx:1.27 / /
COPY / /src/
ONBUILD COPY --from=build / /
FROM scratch AS squashed
COPY --from=build / /
"#,
        );
    }
}

//! `copy-from-entire-filesystem`: `COPY --from=<stage> / …`.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::{Base, Model};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage or image> / <dest>`: a copy of the other stage's
    /// whole root filesystem (also `/.` and `/*`). `ONBUILD` triggers are checked too.
    ///
    /// Not reported when the source is a stage built `FROM scratch` (directly or
    /// through other stages): such a stage only holds what was put in it on purpose,
    /// which is the usual "export stage" pattern.
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

/// True when the stage named by `value` is built on scratch (through its ancestors).
fn from_scratch(model: &Model, value: &str) -> bool {
    let Some(mut s) = model.stage_by_ref(value) else {
        return false;
    };
    for _ in 0..32 {
        match s.base {
            Base::Scratch => return true,
            Base::Stage(p) => s = &model.stages[p],
            _ => return false,
        }
    }
    false
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
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
        let [sources @ .., _dest] = words else {
            continue;
        };
        let whole = |w: &&crate::syntax::Word| {
            matches!(w.text.trim_matches('"'), "/" | "/." | "/*" | "/./")
        };
        let Some(root) = sources.iter().find(whole) else {
            continue;
        };
        if inst.kind != Kind::Onbuild && from_scratch(ctx.model, from) {
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
    fn catches_root_copies() {
        check_rule(
            &RULE,
            r#"
FROM golang:1.23 AS build
FROM gcr.io/distroless/static-debian12
COPY --from=build / /
COPY --from=build --chown=1000 /. /rootfs/
COPY --from=nginx:1.27 ["/", "/x/"]
ONBUILD COPY --from=build / /
"#,
            expect![[r#"
                3 | COPY --from=build / /
                  |                   ^ copy-from-entire-filesystem: This copies the entire filesystem of `build` (OS, build tools, caches) into the image; copy only the paths you need
                4 | COPY --from=build --chown=1000 /. /rootfs/
                  |                                ^^ copy-from-entire-filesystem: This copies the entire filesystem of `build` (OS, build tools, caches) into the image; copy only the paths you need
                5 | COPY --from=nginx:1.27 ["/", "/x/"]
                  |                         ^^^ copy-from-entire-filesystem: This copies the entire filesystem of `nginx:1.27` (OS, build tools, caches) into the image; copy only the paths you need
                6 | ONBUILD COPY --from=build / /
                  |                           ^ copy-from-entire-filesystem: This copies the entire filesystem of `build` (OS, build tools, caches) into the image; copy only the paths you need
            "#]],
        );
    }

    #[test]
    fn accepts_paths_and_scratch_exports() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
FROM scratch AS export
COPY --from=build /out/app /app
FROM export AS export2
FROM alpine:3.20
COPY --from=build /out/app /app
COPY --from=export / /
COPY --from=export2 / /
COPY / /src/
ADD --from=build / /
"#,
        );
    }
}

//! `cmd-entrypoint-missing`: the image sets neither CMD nor ENTRYPOINT.

use crate::rules::healthcheck_missing::is_export_stage;
use crate::rules::edits::insert_in_final_stage;
use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports, on the final `FROM`, an image whose final stage (and the stages it is
    /// built `FROM`) has neither `CMD` nor `ENTRYPOINT`. `ONBUILD CMD` does not count:
    /// it applies to images built on this one.
    ///
    /// Not reported for an export stage: a final stage built on `scratch` that only
    /// copies files (no `RUN`), the usual `docker build --output` target.
    ///
    /// Off by default: most base images define a `CMD` (`python`, `node`, `nginx`, …)
    /// that the image inherits, which the Dockerfile does not show; for images meant
    /// as bases for others, no command is intended.
    ///
    /// ## Why is this bad?
    /// The image then starts whatever the base image starts: usually a shell or an
    /// interpreter prompt, not the application that was just installed. `docker run
    /// image` exits at once (or, built on `scratch`, fails with "no command
    /// specified"), and every user must know the command line to pass.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app.py /app/
    /// CMD ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix safety
    /// The command to run is the author's choice, so the fix is offered only when a
    /// guess is well founded: the final stage's last instruction that copies files is
    /// a `COPY`/`ADD` of one file to an absolute path without extension, either in a
    /// `bin` directory or, copied out of another stage under its own name, at the root
    /// (`COPY --from=build /out/server /server`, the usual compiled binary), from the
    /// build context or a stage that runs a build (not a tool image's file); it inserts
    /// `CMD ["/server"]` at the end of the final stage. Not offered for Windows images. It is unsafe: the guess may be wrong and the program may
    /// need arguments. Otherwise no fix.
    ///
    /// ## References
    /// - Docker docs: "Dockerfile reference", sections "CMD" and "ENTRYPOINT"
    ///   ("Understand how CMD and ENTRYPOINT interact")
    pub(crate) RULE {
        id: "cmd-entrypoint-missing",
        summary: "Final stage has neither CMD nor ENTRYPOINT",
        level: Off,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(last) = ctx.model.final_stage() else {
        return;
    };
    let chain = ctx.model.image_chain();
    if is_export_stage(ctx.syntax, ctx.model, &chain) {
        return;
    }
    let has = chain.iter().any(|&s| {
        ctx.model.stages[s].instructions.clone().any(|i| {
            matches!(
                ctx.syntax.instructions[i].kind,
                Kind::Cmd | Kind::Entrypoint
            )
        })
    });
    if has {
        return;
    }
    let d = acc.report(
        &RULE,
        ctx.syntax.instructions[last.from].keyword_range,
        "The image sets neither CMD nor ENTRYPOINT and runs whatever its base image runs; add `CMD [\"…\"]` with the application's command.",
    );
    if !ctx.model.shell_at(last.from).is_posix() {
        return;
    }
    if let Some((i, program)) = copied_program(ctx, last.instructions.clone()) {
        let inst = &ctx.syntax.instructions[i];
        let line = format!("CMD [\"{program}\"]");
        if let Some((edit, place)) = insert_in_final_stage(ctx, &line) {
            d.with_fix(
                format!(
                    "Insert `{line}` {place} (guessed from the {} on line {}; review)",
                    inst.kind.name(),
                    ctx.line_index.line_of(inst.range.start()) + 1
                ),
                Applicability::Unsafe,
                vec![edit],
            );
        }
    }
}

const DIR_NAMES: &[&str] = &[
    "app", "src", "dist", "build", "data", "static", "public", "www", "html", "config", "lib",
    "opt", "srv", "etc", "home", "var", "usr", "out", "target", "site", "assets", "node_modules", "go", "git", "root", "tmp", "workspace",
];

/// The last COPY/ADD of `stage` when it copies one file to an absolute, extension-less
/// path: `(instruction, destination)`.
fn copied_program(ctx: &RuleContext<'_>, stage: std::ops::Range<usize>) -> Option<(usize, String)> {
    let i = stage
        .rev()
        .find(|&i| matches!(ctx.syntax.instructions[i].kind, Kind::Copy | Kind::Add))?;
    let inst = &ctx.syntax.instructions[i];
    if !inst.heredocs.is_empty() {
        return None;
    }
    let words: Vec<&str> = match &inst.args.json {
        Some(json) => json.iter().map(|w| w.text.as_str()).collect(),
        None => inst.args.words.iter().map(|w| w.text.as_str()).collect(),
    };
    let [source, dest] = words[..] else {
        return None;
    };
    let name = dest.rsplit('/').next()?;
    let plain = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-+@".contains(&b))
    };
    let (dir, _) = dest.rsplit_once('/')?;
    let source_name = source.rsplit('/').next().unwrap_or(source);
    // A binary: installed into a `bin` directory, or copied out of a build stage to
    // the root under its own name (not a name directories usually have).
    let binary = dir.ends_with("bin")
        || (dir.is_empty()
            && inst.flag("from").is_some()
            && source_name == name
            && !DIR_NAMES.contains(&name));
    // Copied from the context, or from a stage of this file that builds something (not
    // a tool image's file, such as `COPY --from=etcd /usr/local/bin/etcd …`).
    let built_here = match inst.flag("from").and_then(|f| f.value.as_deref()) {
        None => true,
        Some(from) => ctx.model.stage_by_ref(from).is_some_and(|st| {
            ctx.model.stage_chain(st.index).any(|c| {
                c.instructions
                    .clone()
                    .any(|j| ctx.syntax.instructions[j].kind == Kind::Run)
            })
        }),
    };
    let ok = binary
        && built_here
        && plain(dest)
        && !name.is_empty()
        && !name.contains('.')
        && !source.contains(['*', '?', '['])
        && !source.ends_with('/')
        && !source.contains("://");
    ok.then(|| (i, dest.to_string()))
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not, diagnostics_of};
    use expect_test::expect;

    #[test]
    fn catches_image_without_command() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12 AS base
ONBUILD CMD ["python"]
FROM base
COPY app.py /app/
"#,
            expect![[r#"
                3 | FROM base
                  | ^^^^ cmd-entrypoint-missing: The image sets neither CMD nor ENTRYPOINT and runs whatever its base image runs; add `CMD ["…"]` with the application's command.
            "#]],
        );
    }

    #[test]
    fn accepts_commands_inherited_and_export_stages() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine AS base
ENTRYPOINT ["/entrypoint.sh"]
FROM base
COPY x /
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM alpine
CMD sh
"#,
        );
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.22 AS build
RUN go build -o /out/app
FROM scratch
COPY --from=build /out/app /
"#,
        );
    }

    #[test]
    fn fix_guesses_the_copied_binary() {
        check_rule_fix(
            &RULE,
            r#"
FROM golang:1.23 AS build
RUN go build -o /out/server .
FROM gcr.io/distroless/static
COPY --from=build /out/server /server
USER 65532
"#,
            expect![[r#"
                FROM golang:1.23 AS build
                RUN go build -o /out/server .
                FROM gcr.io/distroless/static
                COPY --from=build /out/server /server
                USER 65532
                CMD ["/server"]
            "#]],
        );
        check_rule_fix(
            &RULE,
            r#"
FROM debian:12-slim
COPY --chmod=755 \
    tools/run /usr/local/bin/run
"#,
            expect![[r#"
                FROM debian:12-slim
                COPY --chmod=755 \
                    tools/run /usr/local/bin/run
                CMD ["/usr/local/bin/run"]
            "#]],
        );
    }

    #[test]
    fn no_fix_without_a_good_guess() {
        for text in [
            "FROM python:3.12\nCOPY app.py /app/app.py\n",
            "FROM python:3.12\nCOPY . /app\nRUN pip install .\n",
            "FROM alpine\nCOPY bin/* /usr/local/bin/\n",
            "FROM alpine\nCOPY a b /opt/\n",
            "FROM alpine\nCOPY --from=build /src/app /app\n",
            "FROM alpine\nCOPY server /server\n",
            "FROM quay.io/coreos/etcd AS etcd\nFROM alpine\nCOPY --from=etcd /usr/local/bin/etcd /usr/local/bin/etcd\n",
        ] {
            let d = diagnostics_of(&RULE, text);
            assert_eq!(d.len(), 1, "{text}");
            assert!(d[0].fixes.is_empty(), "{text}");
        }
    }
}

//! `syntax-directive-missing`: BuildKit-only syntax without a `# syntax=` directive.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{match_directive_key, DirectiveKind, Instruction, Kind};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports the first use of syntax that only BuildKit's Dockerfile frontend
    /// understands when the file has no `# syntax=` directive: heredocs (`RUN <<EOF`),
    /// `RUN --mount`, `RUN --network`, `RUN --security`, `COPY` / `ADD` with `--link`,
    /// `--chmod`, `--parents` or `--exclude`, `ADD --checksum` and
    /// `ADD --keep-git-dir`. One finding per file, at the first such place.
    ///
    /// A `# syntax=` line right after a `#!` first line counts as present (BuildKit
    /// finds it there). A `# syntax=` comment further down the file is left to
    /// `directive-misplaced`.
    ///
    /// ## Why is this bad?
    /// Without the directive, the file is parsed by whatever frontend is built into
    /// the daemon or `buildx` that runs the build. Docker 23 and later build with
    /// BuildKit by default and their built-in frontend understands these features,
    /// so the build usually works, but:
    /// - the built-in frontend's version is tied to the daemon's version: a CI runner
    ///   with an older Docker fails on `--parents` or `--exclude`, or on heredocs with
    ///   Docker 20.10, with a puzzling parse error;
    /// - the legacy builder (`DOCKER_BUILDKIT=0`, some CI services, Podman/Buildah
    ///   versions) does not know these features at all;
    /// - `# syntax=docker/dockerfile:1` states the requirement and makes every builder
    ///   fetch a current 1.x frontend, so the file is read the same way everywhere.
    ///
    /// The finding is informational: the file is valid for current Docker.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix safety
    /// The fix inserts `# syntax=docker/dockerfile:1` as the first line (after a BOM
    /// or a `#!` line, and so inside an existing directive block). It is unsafe: the
    /// builder then pulls the `docker/dockerfile` image, which an offline or
    /// registry-restricted build environment may not reach.
    ///
    /// ## References
    /// - Dockerfile reference, "Parser directives", "syntax"; "Here-Documents";
    ///   "RUN --mount"; "COPY --link", "COPY --parents", "COPY --exclude"
    /// - Docker docs, "Custom Dockerfile syntax" (frontend versions `1`, `1.N`,
    ///   `1.N.M`)
    pub(crate) RULE {
        id: "syntax-directive-missing",
        summary: "BuildKit-only syntax without a # syntax= directive",
        level: Info,
        fix: Always,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// The first BuildKit-only feature of `inst`: where, and its name.
fn buildkit_feature(inst: &Instruction) -> Option<(TextRange, String)> {
    if let Some(h) = inst.heredocs.first() {
        return Some((h.marker_range, "A heredoc".to_string()));
    }
    let only: &[&str] = match inst.kind {
        Kind::Run => &["mount", "network", "security"],
        Kind::Copy => &["link", "chmod", "parents", "exclude"],
        Kind::Add => &["link", "chmod", "parents", "exclude", "checksum", "keep-git-dir"],
        _ => &[],
    };
    inst.flags
        .iter()
        .find(|f| only.contains(&f.name.as_str()))
        .map(|f| {
            let range = TextRange::new(f.range.start(), f.name_range.end().max(f.range.start()));
            (range, format!("`{} --{}`", inst.kind.name(), f.name))
        })
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    if ctx.syntax.directive(DirectiveKind::Syntax).is_some() || syntax_after_shebang(ctx) {
        return;
    }
    // A `# syntax=` line below the directive block is reported by
    // `directive-misplaced`, whose fix (move it up) is the right one.
    if ctx.syntax.comments.iter().any(|c| {
        !c.in_continuation
            && match_directive_key(&ctx.text[c.range.range()])
                .is_some_and(|(k, _)| k.eq_ignore_ascii_case("syntax"))
    }) {
        return;
    }
    let Some((range, what)) = ctx.syntax.instructions.iter().find_map(|i| {
        buildkit_feature(i).or_else(|| i.trigger.as_deref().and_then(buildkit_feature))
    }) else {
        return;
    };
    let bom = if ctx.text.starts_with('\u{feff}') { 3 } else { 0 };
    let at = if ctx.text[bom..].starts_with("#!") {
        ctx.text[bom..]
            .find('\n')
            .map_or(ctx.text.len(), |i| bom + i + 1)
    } else {
        bom
    };
    let eol = crate::text::line_break(ctx.text);
    let lead = if at == ctx.text.len() && !ctx.text.ends_with('\n') && at > 0 {
        eol
    } else {
        ""
    };
    acc.report(
        &RULE,
        range,
        format!(
            "{what} needs BuildKit's Dockerfile frontend; add `# syntax=docker/dockerfile:1` as the first line so that every builder reads this file with a current frontend"
        ),
    )
    .with_fix(
        "Insert `# syntax=docker/dockerfile:1` as the first line",
        Applicability::Unsafe,
        vec![TextEdit::insert(
            at,
            format!("{lead}# syntax=docker/dockerfile:1{eol}"),
        )],
    );
}

/// `#!…` on the first line followed by `# syntax=…`, which BuildKit's syntax detection
/// accepts (its main parser does not, so the scanner has no directive for it).
fn syntax_after_shebang(ctx: &RuleContext<'_>) -> bool {
    let mut comments = ctx.syntax.comments.iter();
    let Some(first) = comments.next() else {
        return false;
    };
    let bom = if ctx.text.starts_with('\u{feff}') { 3 } else { 0 };
    if first.range.start() != bom || !ctx.text[first.range.range()].starts_with("#!") {
        return false;
    }
    let first_line = ctx.line_index.line_of(first.range.start());
    comments
        .take_while(|c| ctx.line_index.line_of(c.range.start()) > first_line)
        .take(1)
        .any(|c| {
            ctx.line_index.line_of(c.range.start()) == first_line + 1
                && match_directive_key(&ctx.text[c.range.range()])
                    .is_some_and(|(k, _)| k.eq_ignore_ascii_case("syntax"))
        })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_the_first_buildkit_feature() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
COPY --chown=app . /app
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
COPY --link . /app
"#,
            expect![[r#"
                3 | RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
                  |     ^^^^^^^ syntax-directive-missing: `RUN --mount` needs BuildKit's Dockerfile frontend; add `# syntax=docker/dockerfile:1` as the first line so that every builder reads this file with a current frontend
            "#]],
        );
        check_rule(
            &RULE,
            "FROM alpine:3.20\nRUN <<EOF\necho hi\nEOF\n",
            expect![[r#"
                2 | RUN <<EOF
                  |     ^^^^^ syntax-directive-missing: A heredoc needs BuildKit's Dockerfile frontend; add `# syntax=docker/dockerfile:1` as the first line so that every builder reads this file with a current frontend
            "#]],
        );
        check_rule(
            &RULE,
            "FROM alpine:3.20\nONBUILD ADD --checksum=sha256:abc https://example.com/x /x\n",
            expect![[r#"
                2 | ONBUILD ADD --checksum=sha256:abc https://example.com/x /x
                  |             ^^^^^^^^^^ syntax-directive-missing: `ADD --checksum` needs BuildKit's Dockerfile frontend; add `# syntax=docker/dockerfile:1` as the first line so that every builder reads this file with a current frontend
            "#]],
        );
    }

    #[test]
    fn accepts_files_with_the_directive_or_without_features() {
        check_rule_not(
            &RULE,
            "# syntax=docker/dockerfile:1\nFROM alpine:3.20\nRUN --mount=type=cache,target=/x true\n",
        );
        check_rule_not(
            &RULE,
            "#!/usr/bin/env -S docker build -f\n# syntax=docker/dockerfile:1.7\nFROM alpine:3.20\nCOPY --link . /\n",
        );
        check_rule_not(
            &RULE,
            "\n# syntax=docker/dockerfile:1\nFROM alpine:3.20\nCOPY --link . /\n",
        );
        check_rule_not(
            &RULE,
            "FROM alpine:3.20\nCOPY --from=build --chown=1:1 /a /b\nRUN [\"sh\", \"-c\", \"cat <<EOF\"]\n",
        );
        check_rule_not(
            &RULE,
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN Write-Host hi\n",
        );
    }

    #[test]
    fn inserts_the_directive() {
        check_rule_fix(
            &RULE,
            r#"
# escape=\
FROM alpine:3.20
RUN --network=none true
"#,
            expect![[r#"
                # syntax=docker/dockerfile:1
                # escape=\
                FROM alpine:3.20
                RUN --network=none true
            "#]],
        );
        check_rule_fix(
            &RULE,
            "#!/usr/bin/env docker-build\nFROM alpine:3.20\nRUN --mount=type=tmpfs,target=/t true\n",
            expect![[r#"
                #!/usr/bin/env docker-build
                # syntax=docker/dockerfile:1
                FROM alpine:3.20
                RUN --mount=type=tmpfs,target=/t true
            "#]],
        );
    }
}

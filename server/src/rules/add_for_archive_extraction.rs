//! `add-for-archive-extraction`: a tar archive COPYed, then unpacked by a later `tar -x`.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::copy::{has_glob, unquote, CopyArgs};
use crate::syntax::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` of a local tar archive (`.tar`, `.tar.gz`, `.tgz`,
    /// `.tar.bz2`, `.tbz2`, `.tar.xz`, `.txz`) that a later `RUN` of the same stage
    /// unpacks with `tar -x` (`tar xzf`, `--extract`), the archive's file name
    /// appearing among `tar`'s arguments.
    ///
    /// Off by default. hadolint (DL3010) recommends `ADD` here, since `ADD` extracts
    /// local tar archives itself. Trivy (DS-0005) and Checkov (CKV_DOCKER_4) argue the
    /// other way: `ADD`'s implicit extraction is surprising. We think the better
    /// answer is usually neither: `RUN --mount=type=bind,source=app.tar.gz,…
    /// tar -xzf …` extracts without storing the archive at all (see also
    /// `remove-in-later-layer`). Turn the rule on if you follow hadolint's advice.
    ///
    /// ## Why is this bad?
    /// The `COPY` stores the compressed archive in its own layer, and the `RUN` stores
    /// the extracted files in another: the image carries the content twice, and a
    /// later `rm` of the archive cannot undo that.
    ///
    /// ## Example
    /// ```dockerfile
    /// COPY app.tar.gz /tmp/
    /// RUN tar -xzf /tmp/app.tar.gz -C /opt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ADD app.tar.gz /opt/
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the `tar` options (`--strip-components`, owners, a subset of
    /// files) may not have an `ADD` equivalent.
    ///
    /// ## References
    /// - hadolint DL3010
    /// - Trivy DS-0005 and Checkov CKV_DOCKER_4 (the opposite advice)
    /// - Docker docs: "Dockerfile reference", section "ADD" (local tar archives)
    pub(crate) RULE {
        id: "add-for-archive-extraction",
        summary: "Archive COPYed and extracted by a later RUN",
        level: Off,
        fix: None,
        hadolint: ["DL3010"],
        buildkit: [],
        check: check,
    }
}

const ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
];

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let instructions = &ctx.syntax.instructions;
    for (i, inst) in instructions.iter().enumerate() {
        if inst.kind != Kind::Copy || CopyArgs::from_flag(inst) {
            continue;
        }
        let Some(args) = CopyArgs::of(inst) else {
            continue;
        };
        let Some(stage) = ctx.model.stage_of(i) else {
            continue;
        };
        for src in &args.sources {
            let text = if args.json {
                src.text.as_str()
            } else {
                unquote(&src.text)
            };
            if text.contains('$') || has_glob(text) {
                continue;
            }
            let name = text.trim_end_matches('/').rsplit('/').next().unwrap_or(text);
            let lower = name.to_ascii_lowercase();
            if !ARCHIVES.iter().any(|ext| lower.ends_with(ext)) {
                continue;
            }
            let extracted = (i + 1..stage.instructions.end).find(|&j| {
                instructions[j].kind == Kind::Run
                    && ctx.model.run_shell(j).is_some_and(|shell| {
                        shell.commands().any(|c| {
                            c.name == "tar"
                                && extracts(c)
                                && c.args.iter().any(|a| {
                                    a.text == name || a.text.ends_with(&format!("/{name}"))
                                })
                        })
                    })
            });
            let Some(j) = extracted else {
                continue;
            };
            let line = ctx.line_index.line_of(instructions[j].range.start()) + 1;
            acc.report(
                &RULE,
                src.range,
                format!(
                    "`{name}` is copied and then unpacked by the RUN on line {line}, so the image stores it twice; `ADD {name} <dir>/` extracts it in one layer (or bind-mount it into the RUN)."
                ),
            );
        }
    }
}

/// `tar` in extract mode: `-x…`, `x…` as the first (dash-less) argument, `--extract`,
/// `--get`.
fn extracts(cmd: &crate::semantic::shell::ShellCommand) -> bool {
    cmd.args.iter().enumerate().any(|(k, a)| {
        let t = a.text.as_str();
        t == "--extract"
            || t == "--get"
            || (t.starts_with('-') && !t.starts_with("--") && t.contains('x'))
            || (k == 0 && !t.starts_with('-') && t.contains('x') && t.chars().all(|c| c.is_ascii_alphabetic()))
    })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_copy_then_extract() {
        check_rule(
            &RULE,
            r#"
FROM alpine
COPY app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz -C /opt
COPY ["dist/site.tgz", "/srv/"]
WORKDIR /srv
RUN tar xzf site.tgz && rm site.tgz
ONBUILD COPY x.tar /x.tar
"#,
            expect![[r#"
                2 | COPY app.tar.gz /tmp/
                  |      ^^^^^^^^^^ add-for-archive-extraction: `app.tar.gz` is copied and then unpacked by the RUN on line 3, so the image stores it twice; `ADD app.tar.gz <dir>/` extracts it in one layer (or bind-mount it into the RUN).
                4 | COPY ["dist/site.tgz", "/srv/"]
                  |       ^^^^^^^^^^^^^^^ add-for-archive-extraction: `site.tgz` is copied and then unpacked by the RUN on line 6, so the image stores it twice; `ADD site.tgz <dir>/` extracts it in one layer (or bind-mount it into the RUN).
            "#]],
        );
    }

    #[test]
    fn accepts_other_archives_and_uses() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine AS a
COPY app.tar.gz /tmp/
FROM alpine
RUN tar -xzf /tmp/app.tar.gz
COPY tool.zip /tmp/
RUN unzip /tmp/tool.zip
COPY backup.tar.gz /backups/
RUN tar -tzf /backups/backup.tar.gz
COPY --from=a /tmp/app.tar.gz /tmp/
RUN tar -xzf /tmp/app.tar.gz
ADD data.tar.xz /data/
"#,
        );
    }
}

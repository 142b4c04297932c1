//! `dockerignore-missing`: the whole build context is copied and there is no `.dockerignore`.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::copy::{unquote, CopyArgs};
use crate::semantic::dockerignore::normalize_path;

declare_rule! {
    /// ## What it does
    /// Reports the first `COPY . <dest>` or `ADD . <dest>` (also `./`, and the JSON
    /// form) of a Dockerfile whose build context has no ignore file: neither
    /// `<Dockerfile name>.dockerignore` nor `.dockerignore` in the Dockerfile's folder.
    ///
    /// The build context is assumed to be the Dockerfile's folder. When a parent folder
    /// (up to the repository root, the folder holding `.git`) has a `.dockerignore`,
    /// the context is probably that folder and the rule stays silent. It also stays
    /// silent when the file is not on disk (standard input without
    /// `--stdin-filename`, unsaved editor buffers), for `COPY --from=… .` (another
    /// stage) and for `ONBUILD` triggers (they copy the child image's context).
    ///
    /// ## Why is this bad?
    /// Without an ignore file, `COPY . .` sends and bakes in everything in the folder:
    /// `.git` (often tens or hundreds of MB of history), `node_modules` or `target`
    /// build output, local `.env` files and credentials. The image grows, every edit
    /// anywhere (even to `.git`) invalidates the layer cache from that `COPY` on, and
    /// secrets end up in a layer anyone with the image can read.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22
    /// WORKDIR /app
    /// COPY . .
    /// RUN npm ci
    /// ```
    ///
    /// Use instead: the same Dockerfile, with a `.dockerignore` next to it:
    /// ```dockerfile
    /// # .dockerignore
    /// .git
    /// node_modules
    /// .env*
    /// dist
    /// ```
    ///
    /// ## Fix safety
    /// No fix of the Dockerfile: the remedy is a new file. In an editor that can create
    /// files through the language server (VS Code does), the quick fix "Create a
    /// `.dockerignore` next to the Dockerfile" writes a starter file: `.git`, `.env`,
    /// `.env.*`, `**/*.log`, plus `**/node_modules`, Python caches and `.venv`, Rust's
    /// `target` or Go's `bin` when a RUN mentions that toolchain. It never overwrites an
    /// existing file. Review it: a build that copies one of those paths on purpose needs
    /// that line removed.
    ///
    /// ## References
    /// - Docker docs: "Build context", section ".dockerignore files"; "Dockerfile best
    ///   practices", section "Exclude with .dockerignore"
    /// - No hadolint, BuildKit, Trivy or Checkov equivalent
    pub(crate) RULE {
        id: "dockerignore-missing",
        summary: "Whole build context copied without a .dockerignore",
        level: Info,
        fix: None,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(bc) = ctx.config.build_context.as_ref() else {
        return;
    };
    if bc.dockerignore.is_some() || bc.dockerignore_in_parent {
        return;
    }
    if let Some(src) = whole_context_copies(ctx, false).next() {
        acc.report(
            &RULE,
            src.range,
            "This copies the whole build context, which has no `.dockerignore`: `.git`, local build output and secrets such as `.env` go into the image; add a `.dockerignore` next to the Dockerfile.",
        );
    }
}

/// The `.` sources of `COPY . <dest>` / `ADD . <dest>` without `--from`; ONBUILD
/// triggers only when `onbuild` is set.
pub(crate) fn whole_context_copies<'a>(
    ctx: &RuleContext<'a>,
    onbuild: bool,
) -> impl Iterator<Item = &'a crate::syntax::Word> + 'a {
    ctx.syntax
        .instructions
        .iter()
        .filter(move |inst| onbuild || inst.trigger.is_none())
        .filter(|inst| !CopyArgs::from_flag(inst))
        .filter_map(CopyArgs::of)
        .flat_map(|args| {
            let json = args.json;
            args.sources.into_iter().filter(move |w| {
                let text = if json { w.text.as_str() } else { unquote(&w.text) };
                !text.contains('$') && normalize_path(text).is_empty()
            })
        })
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::config::build_context::BuildContext;
    use crate::config::Config;
    use crate::ide::Analysis;
    use crate::rules::test_support::{check_rule_not, render};
    use expect_test::expect;
    use std::sync::Arc;

    fn run(ctx: BuildContext, text: &str) -> String {
        let text = text.strip_prefix('\n').unwrap_or(text);
        let config = Config {
            build_context: Some(Arc::new(ctx)),
            ..Config::default()
        };
        let diags: Vec<_> = Analysis::new(text)
            .diagnostics(&config)
            .into_iter()
            .filter(|d| d.rule.id == RULE.id)
            .collect();
        render(text, &diags)
    }

    const FILE: &str = r#"
FROM node:22
WORKDIR /app
COPY package.json ./
COPY ./ .
COPY . /app
"#;

    #[test]
    fn catches_whole_context_copy_without_ignore_file() {
        expect![[r#"
            4 | COPY ./ .
              |      ^^ dockerignore-missing: This copies the whole build context, which has no `.dockerignore`: `.git`, local build output and secrets such as `.env` go into the image; add a `.dockerignore` next to the Dockerfile.
        "#]]
        .assert_eq(&run(BuildContext::default(), FILE));
        expect![[r#"
            2 | ADD ["./", "/srv"]
              |      ^^^^ dockerignore-missing: This copies the whole build context, which has no `.dockerignore`: `.git`, local build output and secrets such as `.env` go into the image; add a `.dockerignore` next to the Dockerfile.
        "#]]
        .assert_eq(&run(
            BuildContext::default(),
            "FROM alpine\nADD [\"./\", \"/srv\"]\n",
        ));
    }

    #[test]
    fn accepts_ignore_files_named_copies_and_unknown_contexts() {
        let with_ignore = BuildContext::with_dockerignore(".dockerignore", ".git\n");
        assert_eq!(run(with_ignore, FILE), "");
        let parent = BuildContext {
            dockerignore_in_parent: true,
            ..BuildContext::default()
        };
        assert_eq!(run(parent, FILE), "");
        let other = r#"
FROM node:22 AS build
COPY package.json src/ ./
FROM alpine
COPY --from=build . /app
ONBUILD COPY . /app
COPY $DIR /x
"#;
        assert_eq!(run(BuildContext::default(), other), "");
        // No build context at all (stdin, untitled buffer).
        check_rule_not(&RULE, FILE);
    }
}

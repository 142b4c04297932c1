//! `copy-ignored-file`: a COPY/ADD source that `.dockerignore` keeps out of the build context.

use crate::rules::{Diagnostics, RuleContext};
use crate::semantic::copy::{has_glob, is_remote, unquote, CopyArgs};
use crate::semantic::dockerignore::normalize_path;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` source path that the build context's ignore file
    /// excludes entirely: the path itself or one of its parent folders matches a
    /// pattern, and no later `!` exception brings it (or anything below it) back.
    ///
    /// The ignore file is `<Dockerfile name>.dockerignore` next to the Dockerfile (for
    /// example `app.Dockerfile.dockerignore`) when it exists, else `.dockerignore`.
    /// The build context is assumed to be the Dockerfile's folder. The rule needs the
    /// file on disk: for standard input without `--stdin-filename` and for unsaved
    /// editor buffers it stays silent. The editor reads the ignore file when the
    /// Dockerfile is opened or the settings change.
    ///
    /// Not checked: `COPY --from` (another stage or image), remote `ADD` sources,
    /// heredocs, `ONBUILD` triggers (they copy from the child image's context), sources
    /// with variables that have no known value. A source with a wildcard is compared
    /// as written, like BuildKit does (`*.md` against the pattern `*.md`), and only
    /// when the ignore file has no `!` exceptions. `COPY . .` is never reported: the
    /// exclusions are the point of the ignore file.
    ///
    /// ## Why is this bad?
    /// Files excluded by `.dockerignore` are never sent to the builder. Copying one
    /// fails the build with a "not found" error far from its cause, or, for a
    /// wildcard, silently copies nothing.
    ///
    /// ## Example
    /// With a `.dockerignore` containing `config/`:
    /// ```dockerfile
    /// COPY config/app.yml /etc/app/
    /// ```
    ///
    /// Use instead (and keep the file in the context with `!config/app.yml`):
    /// ```dockerfile
    /// COPY config/app.yml /etc/app/
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the remedy is in the ignore file (or in removing the
    /// `COPY`), and only the author knows which one is right.
    ///
    /// ## References
    /// - BuildKit check `CopyIgnoredFile`
    /// - Docker docs: "Build context", section ".dockerignore files"
    pub(crate) RULE {
        id: "copy-ignored-file",
        summary: "COPY/ADD source excluded by .dockerignore",
        level: Warning,
        fix: None,
        hadolint: [],
        buildkit: ["CopyIgnoredFile"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let Some(ignore) = ctx
        .config
        .build_context
        .as_ref()
        .and_then(|c| c.dockerignore.as_ref())
    else {
        return;
    };
    if ignore.patterns.is_empty() {
        return;
    }
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        if inst.trigger.is_some() || CopyArgs::from_flag(inst) {
            continue;
        }
        let Some(args) = CopyArgs::of(inst) else {
            continue;
        };
        for src in &args.sources {
            let written = if args.json {
                src.text.as_str()
            } else {
                unquote(&src.text)
            };
            if is_remote(written) || written.contains('\\') {
                continue;
            }
            let value = if written.contains('$') {
                match ctx.model.expand_at(i, written) {
                    Some(v) => v,
                    None => continue,
                }
            } else {
                written.to_string()
            };
            let path = normalize_path(&value);
            if path.is_empty() || path.starts_with("..") {
                continue;
            }
            if has_glob(&path) && ignore.has_exceptions() {
                continue;
            }
            let Some(pattern) = ignore.excluding_pattern(&path) else {
                continue;
            };
            if ignore.may_reinclude_below(&path) {
                continue;
            }
            acc.report(
                &RULE,
                src.range,
                format!(
                    "`{value}` is excluded from the build context by `{}` (pattern `{}` on line {}), so this {} fails or copies nothing; remove the pattern, add an exception `!{path}`, or stop copying it.",
                    ignore.file_name,
                    pattern.pattern,
                    pattern.line,
                    inst.kind.name(),
                ),
            );
        }
    }
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

    fn run(ignore: &str, text: &str) -> String {
        let text = text.strip_prefix('\n').unwrap_or(text);
        let config = Config {
            build_context: Some(Arc::new(BuildContext::with_dockerignore(
                ".dockerignore",
                ignore,
            ))),
            ..Config::default()
        };
        let diags: Vec<_> = Analysis::new(text)
            .diagnostics(&config)
            .into_iter()
            .filter(|d| d.rule.id == RULE.id)
            .collect();
        render(text, &diags)
    }

    #[test]
    fn catches_excluded_sources() {
        let out = run(
            "# build output\ndist\n*.md\n!README.md\nsecrets/\n**/*.key\n",
            r#"
FROM alpine
ARG CFG=secrets
COPY dist/app /app/
COPY ./CHANGES.md README.md /docs/
ADD secrets/token.txt /run/
COPY ["dist", "/srv/"]
COPY $CFG/a /a
COPY certs/server.key /etc/ssl/
"#,
        );
        expect![[r#"
            3 | COPY dist/app /app/
              |      ^^^^^^^^ copy-ignored-file: `dist/app` is excluded from the build context by `.dockerignore` (pattern `dist` on line 2), so this COPY fails or copies nothing; remove the pattern, add an exception `!dist/app`, or stop copying it.
            4 | COPY ./CHANGES.md README.md /docs/
              |      ^^^^^^^^^^^^ copy-ignored-file: `./CHANGES.md` is excluded from the build context by `.dockerignore` (pattern `*.md` on line 3), so this COPY fails or copies nothing; remove the pattern, add an exception `!CHANGES.md`, or stop copying it.
            5 | ADD secrets/token.txt /run/
              |     ^^^^^^^^^^^^^^^^^ copy-ignored-file: `secrets/token.txt` is excluded from the build context by `.dockerignore` (pattern `secrets` on line 5), so this ADD fails or copies nothing; remove the pattern, add an exception `!secrets/token.txt`, or stop copying it.
            6 | COPY ["dist", "/srv/"]
              |       ^^^^^^ copy-ignored-file: `dist` is excluded from the build context by `.dockerignore` (pattern `dist` on line 2), so this COPY fails or copies nothing; remove the pattern, add an exception `!dist`, or stop copying it.
            7 | COPY $CFG/a /a
              |      ^^^^^^ copy-ignored-file: `secrets/a` is excluded from the build context by `.dockerignore` (pattern `secrets` on line 5), so this COPY fails or copies nothing; remove the pattern, add an exception `!secrets/a`, or stop copying it.
            8 | COPY certs/server.key /etc/ssl/
              |      ^^^^^^^^^^^^^^^^ copy-ignored-file: `certs/server.key` is excluded from the build context by `.dockerignore` (pattern `**/*.key` on line 6), so this COPY fails or copies nothing; remove the pattern, add an exception `!certs/server.key`, or stop copying it.
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn accepts_included_partial_and_unknown_sources() {
        let out = run(
            "*\n!src\n!package.json\nconfig\n!config/app.yml\n*.log\n",
            r#"
FROM alpine
COPY . /app
COPY ./ /app
COPY src /app/src
COPY package.json /app/
COPY config /etc/app
COPY *.log /logs/
COPY --from=build /dist /dist
COPY --from=nginx:1 /etc/nginx /etc/nginx
ADD https://example.com/x.tgz /tmp/
COPY <<EOF /etc/motd
hello
EOF
COPY $UNKNOWN /x
ONBUILD COPY other /x
"#,
        );
        expect![[""]].assert_eq(&out);
    }

    #[test]
    fn silent_without_a_build_context() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
COPY dist /app
"#,
        );
    }
}

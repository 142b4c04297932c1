//! `run-cd`: a RUN that starts by changing directory, where WORKDIR belongs.

use crate::rules::{Applicability, Diagnostics, Fix, RuleContext};
use crate::semantic::mount::parse_mount;
use crate::semantic::shell::blanked_args;
use crate::semantic::ShellCommand;
use crate::syntax::{Instruction, Kind};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` whose first command is `cd <absolute path>`, as in
    /// `RUN cd /app && make`.
    ///
    /// We report only the case where `WORKDIR` is the clear replacement: the `cd` opens
    /// the `RUN` (not inside `( … )`, `{ … }`, an `if`, a heredoc script or after other
    /// commands), goes to a fixed absolute path, and is not `cd -`, `pushd` or a `$VAR`
    /// directory.
    ///
    /// Differences from hadolint (DL3003): hadolint reports every `RUN` that runs `cd`
    /// anywhere. On the 988 real files of our corpus it reports 278 `RUN`s; 5 open with
    /// `cd /dir` and we report those too. The other 273 are ordinary shell we leave alone:
    /// - a `cd` after other commands of a build script, as in
    ///   `RUN curl -fsSL $URL | tar xz && cd php-src && ./configure && make` or the
    ///   official images' `RUN set -eux; cd /tmp; …` (a scratch directory for one
    ///   download: a `WORKDIR` would move every later instruction there too);
    /// - a `cd` inside a subshell `( cd src && make )`, which already confines it;
    /// - a `cd` in a heredoc script (`RUN <<EOF`), where the script reads top to bottom.
    ///
    /// In all of these the directory change is meant to last only for the commands
    /// around it, which is exactly what `cd` does; a `WORKDIR` per step would add
    /// instructions and change the directory of everything after it.
    ///
    /// ## Why is this bad?
    /// `cd` lasts only until the end of its `RUN`; the next instruction starts in the
    /// old directory again, which is a frequent source of "file not found" surprises.
    /// `WORKDIR` states the directory once, creates it if needed, and is visible to
    /// every following instruction and to readers.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN cd /usr/src/app && npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// WORKDIR /usr/src/app
    /// RUN npm ci
    /// ```
    ///
    /// ## Fix safety
    /// When the `RUN` starts with `cd DIR && …` (DIR a plain absolute path, no `$`,
    /// quotes or spaces), the fix inserts `WORKDIR DIR` before the `RUN` (same
    /// indentation) and drops `cd DIR && `.
    ///
    /// Unlike `cd`, `WORKDIR` lasts: every later instruction of the stage, stages built
    /// `FROM` it and the container start in DIR. So the fix is **safe** only when a later
    /// `WORKDIR /absolute` of the same stage resets the directory before anything that
    /// depends on it (a `RUN`, a `COPY`/`ADD` to a relative destination, a relative
    /// `WORKDIR` or `VOLUME`). Otherwise it is **unsafe** and its title says what would
    /// also start in DIR. The one other difference: `WORKDIR` creates DIR when it is
    /// missing, where `cd` would have failed the build. An `ONBUILD RUN cd …` becomes
    /// `ONBUILD WORKDIR …`, always unsafe (the child's later instructions are unknown).
    /// No fix when the `RUN` is `cd DIR` alone, joins it with `;` instead of `&&`,
    /// redirects its output, or has a `--mount` with a relative target.
    ///
    /// ## References
    /// - hadolint DL3003
    /// - Trivy DS-0013
    /// - Docker docs: "Dockerfile reference", section "WORKDIR"; "Dockerfile best
    ///   practices", section "WORKDIR"
    pub(crate) RULE {
        id: "run-cd",
        summary: "cd inside RUN instead of WORKDIR",
        level: Warning,
        fix: Sometimes,
        hadolint: ["DL3003"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for (i, inst) in ctx.syntax.instructions.iter().enumerate() {
        let eff = inst.effective();
        if eff.kind != Kind::Run {
            continue;
        }
        let Some(script) = ctx.model.run_shell(i).and_then(|s| s.script.as_ref()) else {
            continue;
        };
        let Some(first) = script.commands.first() else {
            continue;
        };
        let start = eff.args.range.start();
        if first.name != "cd"
            || first.range.start() < start
            || !ctx.text[start..first.range.start()].trim().is_empty()
        {
            continue;
        }
        let [dir] = first.args.as_slice() else {
            continue;
        };
        if dir.dynamic || !dir.text.starts_with('/') {
            continue;
        }
        let d = acc.report(
            &RULE,
            first.name_range,
            format!(
                "Use `WORKDIR {}` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.",
                dir.text
            ),
        );
        if let Some(fix) = workdir_fix(ctx, i, first, &dir.text) {
            d.push_fix(fix);
        }
    }
}

/// `cd DIR && rest` → `WORKDIR DIR` + `rest`, when that is a clean rewrite.
fn workdir_fix(ctx: &RuleContext<'_>, i: usize, cd: &ShellCommand, dir: &str) -> Option<Fix> {
    let text = ctx.text;
    let inst = &ctx.syntax.instructions[i];
    let eff = inst.effective();
    let [word] = cd.args.as_slice() else {
        return None;
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._+@:,=-".contains(c);
    if !dir.chars().all(plain) || &text[word.range.range()] != dir {
        return None;
    }
    if cd.name_range.start() != cd.range.start() {
        return None; // `X=1 cd …`
    }
    // A mount with a relative target is placed relative to the working directory.
    let relative_mount = eff.flags.iter().any(|f| {
        f.name == "mount"
            && f.value.as_ref().is_some_and(|v| {
                parse_mount(v, f.value_range.unwrap_or_default())
                    .target()
                    .is_some_and(|t| !t.starts_with('/'))
            })
    });
    if relative_mount {
        return None;
    }
    // `cd DIR`, blanks, `&&`, blanks, then the rest (in the blanked view, continuation
    // lines and inner comments are spaces, byte for byte).
    let (base, view) = blanked_args(text, &inst.joined, eff);
    let blank = |c: char| c == ' ' || c == '\t' || c == '\n' || c == '\r';
    let after_cd = cd.range.end().checked_sub(base)?;
    let rest = view.get(after_cd..)?;
    let ops = rest.trim_start_matches(blank);
    let after_and = ops.strip_prefix("&&")?;
    if after_and.starts_with('&') {
        return None;
    }
    let tail = after_and.trim_start_matches(blank);
    if tail.trim().is_empty() {
        return None;
    }
    let rest_start = base + view.len() - tail.len();
    let span = TextRange::new(cd.range.start(), rest_start);
    // Deleting through a comment or blank line inside the continuation would drop it.
    let crosses_kept_lines = inst
        .inner_comments
        .iter()
        .chain(inst.empty_continuation_lines.iter())
        .any(|r| span.intersects(*r));
    if crosses_kept_lines {
        return None;
    }
    let line_start = text[..inst.range.start()]
        .rfind(['\n', '\r'])
        .map_or(0, |p| p + 1);
    let indent = &text[line_start..inst.range.start()];
    let indent = if indent.trim().is_empty() { indent } else { "" };
    let eol = crate::text::line_break_at(text, inst.range.start());
    let lower = eff.keyword.chars().all(|c| c.is_ascii_lowercase());
    let workdir = if lower { "workdir" } else { "WORKDIR" };
    let onbuild = if inst.kind == Kind::Onbuild {
        format!("{} ", inst.keyword)
    } else {
        String::new()
    };
    let edits = vec![
        TextEdit::insert(line_start, format!("{indent}{onbuild}{workdir} {dir}{eol}")),
        TextEdit::delete(span),
    ];
    let title = format!("Replace `cd {dir}` with `WORKDIR {dir}`");
    let risk = if inst.kind == Kind::Onbuild {
        Some("the child image's later instructions would also start there".to_string())
    } else {
        later_dependent(ctx, i, dir)
    };
    Some(match risk {
        None => Fix::new(title, Applicability::Safe, edits),
        Some(r) => Fix::new(format!("{title} (unsafe: {r})"), Applicability::Unsafe, edits),
    })
}

/// Why a `WORKDIR` inserted before instruction `i` would change something later, or
/// `None` when a later absolute `WORKDIR` of the stage resets it before any instruction
/// that depends on the working directory.
fn later_dependent(ctx: &RuleContext<'_>, i: usize, dir: &str) -> Option<String> {
    let insts = &ctx.syntax.instructions;
    let stage = ctx.model.stage_of(i).map(|s| s.index);
    let line = |j: usize| ctx.line_index.line_of(insts[j].range.start()) + 1;
    for (j, inst) in insts.iter().enumerate().skip(i + 1) {
        if ctx.model.stage_of(j).map(|s| s.index) != stage {
            break;
        }
        let relative = |w: &str| !w.starts_with('/');
        let depends = match inst.kind {
            Kind::Workdir if !relative(inst.args.text.trim()) => return None,
            Kind::Workdir | Kind::Run => true,
            Kind::Copy | Kind::Add => last_word(inst).is_none_or(relative),
            Kind::Volume => inst.args.words.iter().any(|w| relative(&w.text)),
            _ => false,
        };
        if depends {
            let how = if inst.kind == Kind::Run {
                "run in"
            } else {
                "be relative to"
            };
            return Some(format!(
                "the {} on line {} would then also {how} `{dir}`",
                inst.keyword.to_ascii_uppercase(),
                line(j)
            ));
        }
    }
    Some(format!(
        "`{dir}` would stay the working directory for the rest of the stage and what is built from it"
    ))
}

/// The destination of COPY / ADD.
fn last_word(inst: &Instruction) -> Option<&str> {
    match &inst.args.json {
        Some(json) => json.last().map(|w| w.text.as_str()),
        None => inst.args.words.last().map(|w| w.text.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{
        check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of,
    };
    use expect_test::expect;

    #[test]
    fn fix_moves_the_cd_to_a_workdir() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
RUN cd /app && make
WORKDIR /
run cd /opt/x && \
    ./configure && \
    make
COPY --from=build /out /usr/bin/
CMD ["x"]
WORKDIR /srv
RUN \
    cd /opt/y \
    && ./build.sh
  ONBUILD RUN cd /src && make install
"#,
            expect![[r#"
                FROM alpine
                WORKDIR /app
                RUN make
                WORKDIR /
                workdir /opt/x
                run ./configure && \
                    make
                COPY --from=build /out /usr/bin/
                CMD ["x"]
                WORKDIR /srv
                WORKDIR /opt/y
                RUN \
                    ./build.sh
                  ONBUILD WORKDIR /src
                  ONBUILD RUN make install
            "#]],
        );
    }

    #[test]
    fn fix_safety_depends_on_what_follows() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine AS build
RUN cd /app && make
COPY app.conf .
WORKDIR /
FROM alpine
RUN --mount=type=cache,target=/root/.cache cd /app && make
ENV A=1
WORKDIR /srv
RUN cd /srv/x && make
"#,
            expect![[r#"
                --- Replace `cd /app` with `WORKDIR /app` (unsafe: the COPY on line 3 would then also be relative to `/app`) (unsafe)
                FROM alpine AS build
                WORKDIR /app
                RUN make
                COPY app.conf .
                WORKDIR /
                FROM alpine
                RUN --mount=type=cache,target=/root/.cache cd /app && make
                ENV A=1
                WORKDIR /srv
                RUN cd /srv/x && make
                --- Replace `cd /app` with `WORKDIR /app` (safe)
                FROM alpine AS build
                RUN cd /app && make
                COPY app.conf .
                WORKDIR /
                FROM alpine
                WORKDIR /app
                RUN --mount=type=cache,target=/root/.cache make
                ENV A=1
                WORKDIR /srv
                RUN cd /srv/x && make
                --- Replace `cd /srv/x` with `WORKDIR /srv/x` (unsafe: `/srv/x` would stay the working directory for the rest of the stage and what is built from it) (unsafe)
                FROM alpine AS build
                RUN cd /app && make
                COPY app.conf .
                WORKDIR /
                FROM alpine
                RUN --mount=type=cache,target=/root/.cache cd /app && make
                ENV A=1
                WORKDIR /srv
                WORKDIR /srv/x
                RUN make
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf() {
        let text = "FROM alpine\r\nRUN cd /app && make\r\nWORKDIR /\r\n";
        let d = &diagnostics_of(&RULE, text)[0];
        let fixed = crate::text::apply_edits(text, &d.fixes[0].edits);
        assert!(d.fixes[0].is_safe());
        assert_eq!(
            fixed,
            "FROM alpine\r\nWORKDIR /app\r\nRUN make\r\nWORKDIR /\r\n"
        );
    }

    #[test]
    fn no_fix_when_the_rewrite_is_not_clean() {
        for text in [
            "FROM alpine\nRUN cd /app\n",
            "FROM alpine\nRUN cd /src; make install\n",
            "FROM alpine\nRUN cd /src > /dev/null && make\n",
            "FROM alpine\nRUN cd /my\\ dir && make\n",
            "FROM alpine\nRUN cd /app \\\n# then\n && make\n",
            "FROM alpine\nRUN --mount=type=cache,target=node_modules cd /app && npm ci\n",
        ] {
            let diags = diagnostics_of(&RULE, text);
            assert_eq!(diags.len(), 1, "{text}");
            assert!(diags[0].fixes.is_empty(), "{text}: {:?}", diags[0].fixes);
        }
    }

    #[test]
    fn catches_leading_cd() {
        check_rule(
            &RULE,
            r#"
FROM alpine
RUN cd /app && make
ONBUILD RUN cd /src; make install
RUN \
    cd /opt/x \
    && ./build.sh
"#,
            expect![[r#"
                2 | RUN cd /app && make
                  |     ^^ run-cd: Use `WORKDIR /app` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.
                3 | ONBUILD RUN cd /src; make install
                  |             ^^ run-cd: Use `WORKDIR /src` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.
                5 |     cd /opt/x \
                  |     ^^ run-cd: Use `WORKDIR /opt/x` instead of starting the RUN with `cd`; the directory change does not outlive this RUN.
            "#]],
        );
    }

    #[test]
    fn accepts_other_cds() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN make && cd /tmp && ls
RUN (cd /src && make) && echo ok
RUN cd src && make
RUN cd $HOME && ls
RUN cd - && pushd /x
RUN if true; then cd /x; fi
RUN <<EOF
cd /app
make
EOF
RUN ["cd", "/app"]
"#,
        );
    }

    /// Prints the findings of the rules named in `RULES` (comma-separated ids) on the
    /// real-world corpus, for manual review:
    /// `RULES=run-cd cargo test -p dockerfile-lsp --lib corpus_findings -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn corpus_findings() {
        let ids = std::env::var("RULES").unwrap_or_default();
        let ids: Vec<&str> = ids.split(',').filter(|s| !s.is_empty()).collect();
        let root = std::path::Path::new("/work/shared/corpus/real");
        let mut entries: Vec<_> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .collect();
        entries.sort();
        let mut counts = std::collections::BTreeMap::new();
        for path in entries {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let index = crate::text::LineIndex::new(&text);
            let config = crate::config::Config::default();
            for d in crate::ide::Analysis::new(text.as_str()).diagnostics(&config) {
                if !ids.contains(&d.rule.id) {
                    continue;
                }
                *counts.entry(d.rule.id).or_insert(0) += 1;
                let line = index.line_of(d.range.start());
                let lr = index.line_range(&text, line);
                println!(
                    "{} {}:{}: {} | {}",
                    d.rule.id,
                    path.strip_prefix(root).unwrap_or(&path).display(),
                    line + 1,
                    &text[d.range.range()].chars().take(40).collect::<String>(),
                    text[lr.range()].trim()
                );
            }
        }
        println!("{counts:?}");
    }
}

//! `run-consecutive`: adjacent short RUN instructions that could be one.

use crate::fix::merge_run::{merge_runs_with, retitle};
use crate::rules::{Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` of the same stage (comments
    /// and blank lines between them do not matter) when both are shell form without
    /// heredocs, have the same flags (`--mount`, `--network`, …) and each is one
    /// statement running at most one command: `RUN make`, `RUN make > /log 2>&1`,
    /// `RUN go build $(go list ./...)`, `RUN if [ -d x ]; then rm -r x; fi`,
    /// `RUN export A=1`. As in hadolint, chains are left alone: someone who already
    /// joins commands with `&&` (or `||`, `|`, `;`) chose the split on purpose.
    ///
    /// Differences from hadolint (DL3059), checked on the 988 real files of our corpus
    /// against hadolint 2.15:
    /// - Command substitutions do not count as commands. hadolint counts `$(…)` (but
    ///   not backquotes) as extra commands, so it stays silent on
    ///   `RUN rustup target add $(cat target.txt)` after another short `RUN`; we report it.
    /// - A chain whose first part is not a command (`RUN [ -e f ] && grep x f`,
    ///   `RUN export A=1 && pwsh …`, `RUN cmd || true`) is a chain to us; hadolint
    ///   does not count `[ … ]` or `export` and may report it.
    /// - A `RUN` with a heredoc (`RUN cat <<EOF >> /etc/ssh/sshd_config`) is a script,
    ///   not a short command; hadolint may report it.
    /// - Windows files: hadolint reads PowerShell and `cmd` scripts with its POSIX
    ///   parser; we do not parse them and stay silent under a non-POSIX `SHELL` or a
    ///   Windows base image.
    ///
    /// ## Why is this bad?
    /// Every `RUN` makes a layer and a cache step. Short consecutive `RUN`s add
    /// layers, metadata and build steps for no benefit; files deleted by the second
    /// still take space in the first.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN mkdir -p /app
    /// RUN chown app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// RUN mkdir -p /app && \
    ///     chown app /app
    /// ```
    ///
    /// ## Fix safety
    /// The fix merges the whole run of consecutive RUNs the finding belongs to into one
    /// RUN joined with ` && \` (a leading `&&` when the file writes its continuations
    /// that way), continuation lines indented like the file's other RUNs, comment lines
    /// between the RUNs kept as comment lines inside the continuation (BuildKit drops
    /// them there) and blank lines between them dropped. Suppression comments between
    /// them (`# hadolint ignore=…`) move above the merged RUN, where they still apply.
    ///
    /// `RUN a` then `RUN b` stops the build when `a` fails and otherwise runs `b`; so
    /// does `RUN a && b`, because the status of a RUN is the status of its last command
    /// list. The fix is **safe** when it provably keeps that meaning:
    /// - a later RUN that is more than commands joined by `&&` (`b || true`, `b; c`) is
    ///   wrapped as `{ b || true; }`, since `a && b || true` would swallow a failure of
    ///   `a` and `a && b; c` would run `c` after one;
    /// - nothing in an earlier RUN changes the shell for the commands after it.
    ///
    /// It is **unsafe** (offered, never applied in bulk; the title names the command)
    /// when an earlier RUN runs `cd`, `set`, `export`, `umask`, `trap`, `source`,
    /// `eval`, `alias`, defines a function, or sets a shell variable a later RUN reads:
    /// after the merge that state carries over (`RUN cd /src` then `RUN make` would run
    /// `make` in `/src`).
    ///
    /// No fix is offered when an earlier RUN could end the script early with success
    /// (`exit`, `exec cmd`), starts a background job (`&`), or ends with a shell
    /// comment that would comment out what follows it on the joined line.
    ///
    /// ## References
    /// - hadolint DL3059
    /// - Docker docs: "Dockerfile best practices", section "Minimize the number of layers"
    pub(crate) RULE {
        id: "run-consecutive",
        summary: "Consecutive RUN instructions could be merged",
        level: Info,
        fix: Sometimes,
        hadolint: ["DL3059"],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let insts = &ctx.syntax.instructions;
    // `reported[i]`: RUN `i` follows a RUN it could be merged with.
    let mut reported = vec![false; insts.len()];
    for i in 1..insts.len() {
        let (prev, cur) = (&insts[i - 1], &insts[i]);
        if !mergeable(ctx, i - 1, prev) || !mergeable(ctx, i, cur) {
            continue;
        }
        let same_stage =
            ctx.model.stage_of(i - 1).map(|s| s.index) == ctx.model.stage_of(i).map(|s| s.index);
        let flags = |inst: &Instruction| {
            let mut f: Vec<String> = inst.flags.iter().map(|f| f.raw.clone()).collect();
            f.sort();
            f
        };
        if !same_stage || flags(prev) != flags(cur) {
            continue;
        }
        reported[i] = true;
    }
    let mut i = 1;
    while i < insts.len() {
        if !reported[i] {
            i += 1;
            continue;
        }
        // The run of RUNs `first..=last` that each follow a mergeable one.
        let first = i - 1;
        let mut last = i;
        while last + 1 < insts.len() && reported[last + 1] {
            last += 1;
        }
        let fix = merge_runs_with(ctx.text, ctx.syntax, ctx.model, ctx.line_index, first, last).ok();
        for k in first + 1..=last {
            let d = acc.report(
                &RULE,
                insts[k].keyword_range,
                "This RUN follows another short RUN; consider merging them into one layer with `&&`.",
            );
            if let Some(fix) = &fix {
                let line = |j: usize| ctx.line_index.line_of(insts[j].range.start()) + 1;
                let title = if last - first == 1 {
                    format!("Merge with the RUN on line {}", line(first))
                } else {
                    format!(
                        "Merge the {} RUNs on lines {}–{} into one",
                        last - first + 1,
                        line(first),
                        line(last)
                    )
                };
                d.push_fix(retitle(fix.clone(), &title));
            }
        }
        i = last + 1;
    }
}

/// A plain (not ONBUILD), shell-form, heredoc-free RUN of a single simple command.
fn mergeable(ctx: &RuleContext<'_>, i: usize, inst: &Instruction) -> bool {
    if inst.kind != Kind::Run || !inst.heredocs.is_empty() || inst.is_exec_form() {
        return false;
    }
    ctx.model
        .run_shell(i)
        .and_then(|s| s.script.as_ref())
        .is_some_and(|s| s.single_command && !s.has_error)
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{
        check_rule, check_rule_fix, check_rule_fixes, check_rule_not, diagnostics_of,
    };
    use expect_test::expect;

    #[test]
    fn fix_merges_each_run_of_short_runs() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
RUN mkdir -p /app

# make it ours
RUN chown app /app
RUN chmod 700 /app
RUN --mount=type=cache,target=/c make
RUN --mount=type=cache,target=/c make install
COPY . /src
RUN if [ -n "$PROXY" ]; then echo "proxy=$PROXY" >> /etc/apt/apt.conf; fi
RUN make > /log 2>&1 || true
"#,
            expect![[r#"
                FROM alpine
                RUN mkdir -p /app && \
                    # make it ours
                    chown app /app && \
                    chmod 700 /app
                RUN --mount=type=cache,target=/c make && \
                    make install
                COPY . /src
                RUN if [ -n "$PROXY" ]; then echo "proxy=$PROXY" >> /etc/apt/apt.conf; fi
                RUN make > /log 2>&1 || true
            "#]],
        );
    }

    #[test]
    fn fix_titles_and_safety() {
        check_rule_fixes(
            &RULE,
            r#"
FROM alpine
RUN cd /src
RUN make
RUN export FLASK_APP=app.py
COPY . .
RUN a
RUN b
RUN c
"#,
            expect![[r#"
                --- Merge the 3 RUNs on lines 2–4 into one (unsafe: `cd /src` on line 2 would then also apply to the commands after it) (unsafe)
                FROM alpine
                RUN cd /src && \
                    make && \
                    export FLASK_APP=app.py
                COPY . .
                RUN a
                RUN b
                RUN c
                --- Merge the 3 RUNs on lines 2–4 into one (unsafe: `cd /src` on line 2 would then also apply to the commands after it) (unsafe)
                FROM alpine
                RUN cd /src && \
                    make && \
                    export FLASK_APP=app.py
                COPY . .
                RUN a
                RUN b
                RUN c
                --- Merge the 3 RUNs on lines 6–8 into one (safe)
                FROM alpine
                RUN cd /src
                RUN make
                RUN export FLASK_APP=app.py
                COPY . .
                RUN a && \
                    b && \
                    c
                --- Merge the 3 RUNs on lines 6–8 into one (safe)
                FROM alpine
                RUN cd /src
                RUN make
                RUN export FLASK_APP=app.py
                COPY . .
                RUN a && \
                    b && \
                    c
            "#]],
        );
    }

    #[test]
    fn fix_in_crlf_files_with_leading_operators() {
        let text =
            "FROM alpine\r\nRUN apk add git \\\r\n  && git --version\r\nRUN a\r\n# b next\r\nRUN b\r\n";
        let d = &diagnostics_of(&RULE, text)[0];
        let fixed = crate::text::apply_edits(text, &d.fixes[0].edits);
        assert!(d.fixes[0].is_safe());
        assert_eq!(
            fixed,
            "FROM alpine\r\nRUN apk add git \\\r\n  && git --version\r\nRUN a \\\r\n  # b next\r\n  && b\r\n"
        );
    }

    #[test]
    fn no_fix_when_the_merge_would_change_meaning() {
        for text in [
            "FROM alpine\nRUN make # build it\nRUN make install\n",
            "FROM alpine\nRUN nginx &\nRUN make install\n",
            "FROM alpine\nRUN exit 0\nRUN make install\n",
        ] {
            let diags = diagnostics_of(&RULE, text);
            assert_eq!(diags.len(), 1, "{text}");
            assert!(diags[0].fixes.is_empty(), "{text}: {:?}", diags[0].fixes);
        }
    }

    /// Counts run-consecutive findings with and without a fix on the real-world corpus
    /// and prints the first `N` (default 20) merges as diffs, for review:
    /// `cargo test -p dockerfile-lsp --lib corpus_merges -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn corpus_merges() {
        let show: usize = std::env::var("N").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
        let rule = std::env::var("RULE").unwrap_or_else(|_| "run-consecutive".into());
        let root = std::path::Path::new("/work/shared/corpus/real");
        let mut paths: Vec<_> = std::fs::read_dir(root)
            .into_iter()
            .flatten()
            .flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .collect();
        paths.sort();
        let (mut safe, mut unsafe_, mut none, mut shown) = (0, 0, 0, 0);
        let mut refusals = std::collections::BTreeMap::new();
        for path in paths {
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let analysis = crate::ide::Analysis::new(text.as_str());
            for d in analysis.diagnostics(&crate::config::Config::default()) {
                if d.rule.id != rule {
                    continue;
                }
                let Some(fix) = d.fixes.first() else {
                    none += 1;
                    if rule == "run-consecutive" {
                        // Why: redo the merge with the pair to get the reason.
                        let syntax = analysis.syntax();
                        if let Some(i) = syntax.instructions.iter().position(|x| x.keyword_range == d.range) {
                            if let Err(e) = crate::fix::merge_run::merge_runs(&text, syntax, i - 1, i) {
                                let key: String = e.split(['`', '(']).next().unwrap_or("").chars().filter(|c| !c.is_ascii_digit()).collect();
                                *refusals.entry(key).or_insert(0) += 1;
                            }
                        }
                    }
                    continue;
                };
                if fix.is_safe() { safe += 1 } else { unsafe_ += 1 }
                if shown < show {
                    shown += 1;
                    let fixed = crate::text::apply_edits(&text, &fix.edits);
                    println!("### {} — {}", path.strip_prefix(root).unwrap_or(&path).display(), fix.title);
                    println!("{}", crate::fix::unified_diff(&text, &fixed, "Dockerfile"));
                }
            }
        }
        println!("{rule}: {safe} safe fixes, {unsafe_} unsafe fixes, {none} without a fix");
        println!("{refusals:#?}");
    }

    #[test]
    fn catches_short_adjacent_runs() {
        check_rule(
            &RULE,
            r#"
FROM alpine
RUN mkdir -p /app
# make it ours
RUN chown app /app
RUN --mount=type=cache,target=/c make
RUN --mount=type=cache,target=/c make install
RUN mkdir /out
RUN `go env GOPATH`/bin/instrument /src /out > /log 2>&1
RUN CGO_ENABLED=0 go build -o /out/app $(go list ./cmd/...)
RUN if [ -n "$PROXY" ]; then echo "proxy=$PROXY" >> /etc/apt/apt.conf; fi
RUN export FLASK_APP=app.py
"#,
            expect![[r#"
                4 | RUN chown app /app
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                6 | RUN --mount=type=cache,target=/c make install
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                8 | RUN `go env GOPATH`/bin/instrument /src /out > /log 2>&1
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                9 | RUN CGO_ENABLED=0 go build -o /out/app $(go list ./cmd/...)
                  | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                10 | RUN if [ -n "$PROXY" ]; then echo "proxy=$PROXY" >> /etc/apt/apt.conf; fi
                   | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
                11 | RUN export FLASK_APP=app.py
                   | ^^^ run-consecutive: This RUN follows another short RUN; consider merging them into one layer with `&&`.
            "#]],
        );
    }

    #[test]
    fn accepts_long_chains_other_flags_and_forms() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN a && b && c
RUN d
RUN e || true
RUN f | g
RUN h; i
WORKDIR /x
RUN mkdir /x
RUN export A=1 && pwsh -Command x
RUN if [ -f /x ]; then ln -s /x /y && rm /x; fi
RUN [ -e /etc/nsswitch.conf ] && grep hosts /etc/nsswitch.conf
RUN ! false
WORKDIR /x
RUN e
RUN --network=none f
RUN ["g"]
RUN h
RUN <<EOF
i
EOF
ONBUILD RUN j
RUN k
FROM alpine
RUN l
"#,
        );
    }
}

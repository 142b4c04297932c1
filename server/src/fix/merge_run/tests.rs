//! Tests of merging RUN instructions: every refusal reason, safe and unsafe merges,
//! layout (indentation, escape character, CRLF, comments), and corpus properties.

use super::*;
use crate::text::apply_edits;
use expect_test::{expect, Expect};

/// Merges instructions `first..=last` of `text` and renders the fix title and the
/// result, or the refusal. Checks that the result parses without new errors, has
/// exactly `last - first` instructions fewer, that the merged RUN's shell text is the
/// RUNs' texts joined by `&&` (modulo whitespace and `{ …; }`), and that merging the
/// result again is refused (the RUNs are now one).
fn check(text: &str, first: usize, last: usize, expect: Expect) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let syntax = crate::syntax::parse(text);
    let out = match merge_runs(text, &syntax, first, last) {
        Err(reason) => format!("Err: {reason}\n"),
        Ok(fix) => {
            let fixed = crate::fix::apply(text, &fix.edits).expect("edits apply");
            let after = crate::syntax::parse(&fixed);
            assert!(
                after.errors.len() <= syntax.errors.len(),
                "new syntax error:\n{fixed}"
            );
            assert_eq!(
                after.instructions.len(),
                syntax.instructions.len() - (last - first),
                "{fixed}"
            );
            let squash = |s: &str| {
                s.replace(['{', '}', ';'], " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let want = syntax.instructions[first..=last]
                .iter()
                .map(|i| i.effective().args.text.clone())
                .collect::<Vec<_>>()
                .join(" && ");
            assert_eq!(
                squash(&after.instructions[first].effective().args.text),
                squash(&want)
            );
            if after.instructions.len() > first + 1 {
                assert!(
                    merge_runs(&fixed, &after, first, first + 1).is_err() || {
                        // The next instruction may be another RUN: that merge is fine.
                        after.instructions[first + 1].effective().kind == Kind::Run
                    }
                );
            }
            let safety = if fix.is_safe() { "safe" } else { "unsafe" };
            format!("--- {} ({safety})\n{fixed}", fix.title)
        }
    };
    expect.assert_eq(&out);
}

#[test]
fn merges_two_runs_keeping_comments_and_dropping_blank_lines() {
    check(
        r#"
FROM alpine
RUN mkdir -p /app

# make it ours
RUN chown app /app
CMD ["sh"]
"#,
        1,
        2,
        expect![[r#"
            --- Merge the RUNs on lines 2 and 5 (safe)
            FROM alpine
            RUN mkdir -p /app && \
                # make it ours
                chown app /app
            CMD ["sh"]
        "#]],
    );
}

#[test]
fn moves_suppression_comments_above_the_merged_run() {
    check(
        r#"
FROM alpine
  RUN a
  # why b
  # hadolint ignore=DL3018
  RUN apk add b
"#,
        1,
        2,
        expect![[r#"
            --- Merge the RUNs on lines 2 and 5 (safe)
            FROM alpine
              # hadolint ignore=DL3018
              RUN a && \
                  # why b
                  apk add b
        "#]],
    );
}

#[test]
fn drops_a_trailing_semicolon_before_the_join() {
    check(
        r#"
FROM alpine
RUN mkdir -p /a; \
    touch /a/b ;
RUN echo done
"#,
        1,
        2,
        expect![[r#"
            --- Merge the RUNs on lines 2 and 4 (safe)
            FROM alpine
            RUN mkdir -p /a; \
                touch /a/b && \
                echo done
        "#]],
    );
}

#[test]
fn merges_three_runs_keeping_inner_continuations() {
    check(
        r#"
FROM debian:12
RUN apt-get update
RUN apt-get install -y --no-install-recommends \
        curl \
        git
RUN useradd app
"#,
        1,
        3,
        expect![[r#"
            --- Merge the 3 RUNs on lines 2–6 (safe)
            FROM debian:12
            RUN apt-get update && \
                apt-get install -y --no-install-recommends \
                    curl \
                    git && \
                useradd app
        "#]],
    );
}

#[test]
fn reuses_the_files_indentation_and_leading_operators() {
    check(
        "FROM alpine\nRUN a \\\n\t&& b\nRUN c \\\n\t&& d\nRUN e\nRUN f\n",
        3,
        4,
        expect![[r#"
            --- Merge the RUNs on lines 6 and 7 (safe)
            FROM alpine
            RUN a \
            	&& b
            RUN c \
            	&& d
            RUN e \
            	&& f
        "#]],
    );
    check(
        r#"
FROM alpine
RUN a && \
  b
  RUN c
  # note
  RUN d
"#,
        2,
        3,
        expect![[r#"
            --- Merge the RUNs on lines 4 and 6 (safe)
            FROM alpine
            RUN a && \
              b
              RUN c && \
                # note
                d
        "#]],
    );
}

#[test]
fn wraps_later_runs_that_are_more_than_an_and_chain() {
    check(
        r#"
FROM alpine
RUN make
RUN make check || true
RUN set -eux; \
    cd /out; \
    ls;
RUN echo done
"#,
        1,
        4,
        expect![[r#"
            --- Merge the 4 RUNs on lines 2–7 (unsafe: `cd /out` on line 5 would then also apply to the commands after it) (unsafe)
            FROM alpine
            RUN make && \
                { make check || true; } && \
                { set -eux; \
                cd /out; \
                ls; } && \
                echo done
        "#]],
    );
}

#[test]
fn earlier_state_makes_the_merge_unsafe() {
    let cases = [
        "FROM alpine\nRUN cd /src\nRUN make\n",
        "FROM alpine\nRUN export CC=clang\nRUN make\n",
        "FROM alpine\nRUN set -e; false; true\nRUN make\n",
        "FROM alpine\nRUN set -eux; a\nRUN set -o pipefail -eux; b | c\nRUN set -ex; d\n",
        "FROM alpine\nRUN set -eux; a\nRUN set -eux; b\nRUN set -eux -o pipefail; c\n",
        "FROM alpine\nRUN set +e; a\nRUN set -e; b\n",
        "FROM alpine\nRUN for f in a b; do touch $f; done\nRUN echo $f\n",
        "FROM alpine\nRUN (cd /src && make)\nRUN V=1; echo $V\nRUN make install\n",
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|t| {
            let s = crate::syntax::parse(t);
            let n = s.instructions.len() - 1;
            match merge_runs(t, &s, 1, n) {
                Ok(f) => format!("{:?}: {}", f.applicability, f.title),
                Err(e) => format!("Err: {e}"),
            }
        })
        .collect();
    expect![[r#"
        [
            "Unsafe: Merge the RUNs on lines 2 and 3 (unsafe: `cd /src` on line 2 would then also apply to the commands after it)",
            "Unsafe: Merge the RUNs on lines 2 and 3 (unsafe: `export CC=clang` on line 2 would then also apply to the commands after it)",
            "Unsafe: Merge the RUNs on lines 2 and 3 (unsafe: `set -e` on line 2 would then also apply to the commands after it)",
            "Unsafe: Merge the 3 RUNs on lines 2–4 (unsafe: `set -eux` on line 2 would then also apply to the commands after it)",
            "Safe: Merge the 3 RUNs on lines 2–4",
            "Unsafe: Merge the RUNs on lines 2 and 3 (unsafe: `set +e` on line 2 would then also apply to the commands after it)",
            "Unsafe: Merge the RUNs on lines 2 and 3 (unsafe: `$f` set on line 2 would then be visible to the commands after it)",
            "Safe: Merge the 3 RUNs on lines 2–4",
        ]
    "#]]
    .assert_debug_eq(&out);
}

#[test]
fn refuses_with_a_reason() {
    let cases = [
        ("FROM alpine\nRUN a\nRUN --network=none b\n", 1, 2),
        (
            "FROM alpine\nRUN --mount=type=cache,target=/c a\nRUN --mount=type=cache,target=/d b\n",
            1,
            2,
        ),
        ("FROM alpine\nRUN a\nRUN [\"b\"]\n", 1, 2),
        ("FROM alpine\nRUN a\nRUN <<EOF\nb\nEOF\n", 1, 2),
        ("FROM alpine\nRUN a\nENV X=1\nRUN b\n", 1, 3),
        ("FROM alpine\nRUN a\nONBUILD RUN b\n", 1, 2),
        ("FROM alpine\nRUN test -f x || exit 0\nRUN b\n", 1, 2),
        ("FROM alpine\nRUN exec nginx\nRUN b\n", 1, 2),
        ("FROM alpine\nRUN server & sleep 1\nRUN b\n", 1, 2),
        ("FROM alpine\nRUN make # the build\nRUN b\n", 1, 2),
        ("FROM alpine\nRUN make ;\nRUN b\n", 1, 2),
        ("FROM alpine\nRUN a\nRUN b || c # note\n", 1, 2),
        ("FROM alpine\nRUN a\nRUN if then\n", 1, 2),
        (
            "FROM alpine\nSHELL [\"pwsh\", \"-c\"]\nRUN a\nRUN b\n",
            2,
            3,
        ),
        ("FROM alpine\nRUN a\n", 1, 1),
        ("FROM alpine\nRUN a\n", 1, 5),
    ];
    let out: Vec<String> = cases
        .iter()
        .map(
            |(t, a, b)| match merge_runs(t, &crate::syntax::parse(t), *a, *b) {
                Ok(f) => format!("Ok: {}", f.title),
                Err(e) => e,
            },
        )
        .collect();
    expect![[r#"
        [
            "The RUN on line 3 has `--network=none` and the RUN on line 2 has no flags; RUNs with different flags cannot be merged.",
            "The RUN on line 3 has `--mount=type=cache,target=/d` and the RUN on line 2 has `--mount=type=cache,target=/c`; RUNs with different flags cannot be merged.",
            "The RUN on line 3 is in exec form (a JSON array); only shell-form RUNs can be joined with `&&`.",
            "The RUN on line 3 has a heredoc; it cannot be joined with `&&`.",
            "Line 3 holds `ENV`, not a RUN; only adjacent RUNs can be merged.",
            "The RUN on line 2 is not an ONBUILD trigger and the one on line 3 is one; they run at different times.",
            "The RUN on line 2 can end its script early (`exit 0`), which would skip the commands merged after it.",
            "The RUN on line 2 can end its script early (`exec nginx`), which would skip the commands merged after it.",
            "The RUN on line 2 starts a background job (`server &`), which would keep running during the commands merged with it.",
            "The RUN on line 2 has a shell comment (`# the build`) that would comment out the commands merged after it.",
            "Ok: Merge the RUNs on lines 2 and 3",
            "The RUN on line 3 ends with a shell comment; it cannot be wrapped in `{ …; }` to keep its meaning.",
            "The shell text of the RUN on line 3 does not parse; fix it first.",
            "These RUNs run in PowerShell; merging is offered for POSIX shells only.",
            "Select at least two adjacent RUN instructions to merge.",
            "Select at least two adjacent RUN instructions to merge.",
        ]
    "#]]
    .assert_debug_eq(&out);
}

#[test]
fn accepts_flags_in_another_order_and_exits_with_failure() {
    check(
        r#"
FROM alpine
RUN --network=none --mount=type=cache,target=/c test -f /c/x || exit 1
RUN --mount=target=/c,type=cache --network=none make
"#,
        1,
        2,
        expect![[r#"
            --- Merge the RUNs on lines 2 and 3 (safe)
            FROM alpine
            RUN --network=none --mount=type=cache,target=/c test -f /c/x || exit 1 && \
                make
        "#]],
    );
}

#[test]
fn merges_onbuild_triggers() {
    check(
        r#"
FROM alpine
ONBUILD RUN npm ci
ONBUILD RUN npm run build
"#,
        1,
        2,
        expect![[r#"
            --- Merge the RUNs on lines 2 and 3 (safe)
            FROM alpine
            ONBUILD RUN npm ci && \
                npm run build
        "#]],
    );
}

#[test]
fn respects_a_backtick_escape() {
    check(
        "# escape=`\nFROM alpine\nRUN a `\n    b\nRUN c\n",
        1,
        2,
        expect![[r#"
            --- Merge the RUNs on lines 3 and 5 (safe)
            # escape=`
            FROM alpine
            RUN a `
                b && `
                c
        "#]],
    );
}

#[test]
fn keeps_crlf_line_breaks() {
    let text = "FROM alpine\r\nRUN a\r\n# why\r\nRUN b\r\n";
    let syntax = crate::syntax::parse(text);
    let fix = merge_runs(text, &syntax, 1, 2).unwrap();
    let fixed = apply_edits(text, &fix.edits);
    assert_eq!(
        fixed,
        "FROM alpine\r\nRUN a && \\\r\n    # why\r\n    b\r\n"
    );
}

#[test]
fn edits_are_minimal() {
    let text = "FROM alpine\nRUN a\nRUN b\n";
    let syntax = crate::syntax::parse(text);
    let fix = merge_runs(text, &syntax, 1, 2).unwrap();
    expect![[r#"
        [
            TextEdit {
                range: 17..21,
                new_text: " && \\\n   ",
            },
        ]
    "#]]
    .assert_debug_eq(&fix.edits);
}

/// Runs fix-all (safe, then unsafe) on every corpus file where `run-consecutive`,
/// `pkg-update-alone` or `run-cd` fires, and checks that each of their fixes changed
/// the instruction count as promised (a merge of N RUNs: N - 1 fewer; `run-cd`: one
/// more), that the result has no new syntax error and that a second pass changes
/// nothing: `cargo test -p dockerfile-lsp --lib corpus_fix_all -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_fix_all() {
    use crate::config::Config;
    const RULES: [&str; 3] = ["run-consecutive", "pkg-update-alone", "run-cd"];
    let root = std::path::Path::new("/work/shared/corpus/real");
    let mut paths: Vec<_> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .collect();
    paths.sort();
    let mut applied = std::collections::BTreeMap::new();
    let mut files = 0;
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let analysis = crate::ide::Analysis::new(text.as_str());
        let fires = analysis
            .diagnostics(&Config::default())
            .iter()
            .any(|d| RULES.contains(&d.rule.id) && !d.fixes.is_empty());
        if !fires {
            continue;
        }
        files += 1;
        for unsafe_fixes in [false, true] {
            let out = crate::fix::fix_all_traced(&text, &Config::default(), unsafe_fixes);
            let name = path.display();
            assert!(out.converged, "{name}: not converged");
            let errors = |t: &str| crate::syntax::parse(t).errors.len();
            assert!(
                errors(&out.text) <= errors(&text),
                "{name}: new syntax error"
            );
            for a in out.log.iter().filter(|a| RULES.contains(&a.rule)) {
                let want = if a.rule == "run-cd" {
                    1
                } else if let Some(n) = a.title.strip_prefix("Merge the ") {
                    1 - n.split(' ').next().unwrap().parse::<isize>().unwrap()
                } else {
                    -1
                };
                assert_eq!(a.instruction_delta, want, "{name}: {}", a.title);
                let safety = if unsafe_fixes { "unsafe" } else { "safe" };
                *applied.entry((a.rule, safety)).or_insert(0) += 1;
            }
            // For the BuildKit parser check (scripts outside the repo): the text before
            // and after, and the instruction count change the log promises.
            if let Ok(dir) = std::env::var("FIX_OUT") {
                let stem = format!("{dir}/{files:03}-{}", u8::from(unsafe_fixes));
                let delta: isize = out.log.iter().map(|a| a.instruction_delta).sum();
                std::fs::write(format!("{stem}.before"), &text).unwrap();
                std::fs::write(format!("{stem}.after"), &out.text).unwrap();
                std::fs::write(format!("{stem}.delta"), format!("{delta} {name}")).unwrap();
            }
            let again = crate::fix::fix_all(&out.text, &Config::default(), unsafe_fixes);
            assert_eq!(again.text, out.text, "{name}: second pass changed the text");
        }
    }
    println!("{files} files; fixes applied by (rule, mode): {applied:#?}");
}

/// Merges every pair of adjacent RUNs of the corpus (what the `refactor.rewrite` action
/// offers) and checks each result like [`check`]; prints how many merges are safe,
/// unsafe or refused (by reason) and the first `N` (default 10) wrapped in `{ …; }`:
/// `cargo test -p dockerfile-lsp --lib corpus_every_pair -- --ignored --nocapture`.
#[test]
#[ignore]
fn corpus_every_pair() {
    let show: usize = std::env::var("N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let root = std::path::Path::new("/work/shared/corpus/real");
    let mut paths: Vec<_> = std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .collect();
    paths.sort();
    let (mut safe, mut unsafe_, mut shown) = (0, 0, 0);
    let mut refused = std::collections::BTreeMap::new();
    for path in paths {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let syntax = crate::syntax::parse(&text);
        for i in 1..syntax.instructions.len() {
            let (a, b) = (&syntax.instructions[i - 1], &syntax.instructions[i]);
            if a.effective().kind != Kind::Run || b.effective().kind != Kind::Run {
                continue;
            }
            let fix = match merge_runs(&text, &syntax, i - 1, i) {
                Ok(f) => f,
                Err(e) => {
                    let key: String = e
                        .split(['`', '('])
                        .next()
                        .unwrap_or("")
                        .chars()
                        .filter(|c| !c.is_ascii_digit())
                        .collect();
                    *refused.entry(key).or_insert(0) += 1;
                    continue;
                }
            };
            if fix.is_safe() {
                safe += 1;
            } else {
                unsafe_ += 1;
            }
            let fixed = apply_edits(&text, &fix.edits);
            let after = crate::syntax::parse(&fixed);
            let name = path.display();
            assert!(after.errors.len() <= syntax.errors.len(), "{name}");
            assert_eq!(
                after.instructions.len() + 1,
                syntax.instructions.len(),
                "{name}"
            );
            let squash = |s: &str| {
                s.replace(['{', '}', ';'], " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            assert_eq!(
                squash(&after.instructions[i - 1].effective().args.text),
                squash(&format!(
                    "{} && {}",
                    a.effective().args.text,
                    b.effective().args.text
                )),
                "{name}"
            );
            if std::env::var("SHOW_UNSAFE").is_ok() && !fix.is_safe() {
                println!("UNSAFE {name}: {}", fix.title);
            }
            if fix.edits.iter().any(|e| e.new_text.ends_with(" }")) && shown < show {
                shown += 1;
                println!("### {name} — {}", fix.title);
                println!("{}", crate::fix::unified_diff(&text, &fixed, "Dockerfile"));
            }
        }
    }
    println!("adjacent RUN pairs: {safe} safe merges, {unsafe_} unsafe, refused: {refused:#?}");
}

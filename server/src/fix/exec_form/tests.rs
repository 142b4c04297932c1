//! Tests of the exec-form conversion: the word splitter and JSON writer, cross-checks
//! against a real `/bin/sh`, snapshots of every alternative, and corpus properties.

use super::*;
use expect_test::{expect, Expect};

/// Splits and renders `words` or `error`.
fn split(text: &str) -> String {
    match split_words(text) {
        Ok(words) => {
            let v: Vec<&str> = words.iter().map(|w| w.value.as_str()).collect();
            format!("{v:?}")
        }
        Err(e) => format!("shell: {e}"),
    }
}

#[test]
fn splits_plain_words_and_quotes_like_sh() {
    let table: &[(&str, &str)] = &[
        ("node server.js", r#"["node", "server.js"]"#),
        ("  a \t b  ", r#"["a", "b"]"#),
        (r#"a"b c"d"#, r#"["ab cd"]"#),
        ("'a b' \"c d\"", r#"["a b", "c d"]"#),
        (r#"echo "a\"b" 'c\d'"#, r#"["echo", "a\"b", "c\\d"]"#),
        (r#"x "\\ \$ \` \n""#, r#"["x", "\\ $ ` \\n"]"#),
        (r#"x a\ b \q"#, r#"["x", "a b", "q"]"#),
        (r#"x "" '' a''"#, r#"["x", "", "", "a"]"#),
        ("x 'tab\there'", r#"["x", "tab\there"]"#),
        ("x héllo 日本 'ü ö'", r#"["x", "héllo", "日本", "ü ö"]"#),
        ("x a=b --k=v", r#"["x", "a=b", "--k=v"]"#),
        ("x C:\\app\\app.exe", r#"["x", "C:appapp.exe"]"#),
        ("x 'C:\\app'", r#"["x", "C:\\app"]"#),
        ("\"if\" x", r#"["if", "x"]"#),
        ("x ] ^ % @ +", r#"["x", "]", "^", "%", "@", "+"]"#),
        ("x a!b", r#"["x", "a!b"]"#),
        // Shell features: never split.
        ("a | b", "shell: a control operator"),
        ("a && b", "shell: a control operator"),
        ("a; b", "shell: a control operator"),
        ("a &", "shell: a control operator"),
        ("a > f", "shell: a redirection"),
        ("a 2>&1", "shell: a redirection"),
        ("a $HOME", "shell: an expansion"),
        ("a \"$HOME\"", "shell: an expansion"),
        ("a ${X}", "shell: an expansion"),
        ("a $(b)", "shell: an expansion"),
        ("a `b`", "shell: a command substitution"),
        ("a *.txt", "shell: a glob"),
        ("a ?", "shell: a glob"),
        ("a [ab]", "shell: a glob"),
        ("(a)", "shell: a subshell"),
        ("{ a; }", "shell: braces"),
        ("a {x,y}", "shell: braces"),
        ("a ~/x", "shell: a `~`"),
        ("a b=~/x", "shell: a `~`"),
        ("a # comment", "shell: a comment"),
        ("A=b cmd", "shell: a variable assignment"),
        ("if true", "shell: a shell keyword"),
        ("! a", "shell: a special word"),
        ("a <<<x", "shell: a redirection"),
        ("a 'b", "shell: an unterminated quote"),
        ("a \"b", "shell: an unterminated quote"),
        ("a\\", "shell: a trailing backslash"),
        ("a\nb", "shell: a line break"),
    ];
    let mut failures = Vec::new();
    for (text, want) in table {
        let got = split(text);
        if &got != want {
            failures.push(format!("{text:?}: got {got}, want {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn writes_json_strings() {
    let table: &[(&str, &str)] = &[
        ("plain", r#""plain""#),
        ("a\"b", r#""a\"b""#),
        ("a\\b", r#""a\\b""#),
        ("a\nb\tc\rd", r#""a\nb\tc\rd""#),
        ("\u{1}\u{1f}\u{7f}", r#""\u0001\u001f\u007f""#),
        ("\u{8}\u{c}", r#""\b\f""#),
        ("héllo 日本 🐳", r#""héllo 日本 🐳""#),
        ("", r#""""#),
        ("`$x`", r#""`$x`""#),
    ];
    for (s, want) in table {
        let got = json_string(s);
        assert_eq!(&got, want);
        let back: String = serde_json::from_str(&got).unwrap();
        assert_eq!(&back, s);
    }
    assert_eq!(json_array(&["a", "b c", ""]), r#"["a", "b c", ""]"#);
}

#[test]
fn words_match_a_real_sh() {
    let sh = std::path::Path::new("/bin/sh");
    if !sh.exists() {
        return;
    }
    let samples = [
        "node server.js --port=8080",
        r#"a"b c"d 'e f' "g\"h" 'i\j' "k\\l" "m\$n" "o\`p" q\ r \s"#,
        r#"x "" '' a'' ""b"#,
        "x 'tab\there' héllo 日本 'ü ö'",
        "x ] ^ % @ + a!b a=b",
        r#"x "a\
b" c\
d"#,
    ];
    for text in samples {
        let words = split_words(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let mine: Vec<String> = words.into_iter().map(|w| w.value).collect();
        assert_eq!(mine, sh_words(text), "{text:?}");
    }
}

/// The words `/bin/sh` makes of `text` (printed NUL-separated by `printf`).
fn sh_words(text: &str) -> Vec<String> {
    let out = std::process::Command::new("/bin/sh")
        .arg("-c")
        .arg(format!("printf '%s\\0' {text}"))
        .output()
        .expect("run /bin/sh");
    assert!(out.status.success(), "{text:?}");
    let s = String::from_utf8(out.stdout).unwrap();
    let mut v: Vec<String> = s.split('\0').map(str::to_string).collect();
    v.pop();
    v
}

#[test]
fn quotes_exec_words_for_the_shell() {
    let table: &[(&str, Option<&str>)] = &[
        ("plain-word_1.0:x=y", Some("plain-word_1.0:x=y")),
        ("", Some("''")),
        ("a b", Some("'a b'")),
        ("it's", Some(r#"'it'\''s'"#)),
        ("0.0.0.0:$PORT", Some(r#""0.0.0.0:$PORT""#)),
        ("${APP_JAR}", Some(r#""${APP_JAR}""#)),
        (
            "$HOME and \"$1\" `x` \\",
            Some(r#""$HOME and \"\$1\" \`x\` \\""#),
        ),
        ("${A:-$B}", Some(r#""${A:-$B}""#)),
        ("a\nb", None),
    ];
    for (w, want) in table {
        assert_eq!(shell_quote_expanding(w).as_deref(), *want, "{w:?}");
    }
    if std::path::Path::new("/bin/sh").exists() {
        let out = std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg(format!(
                "printf '%s\\0' {}",
                [
                    "a b",
                    "it's",
                    "x:$V",
                    "$HOME and \"$1\" `x` \\",
                    "${A:-$B}",
                    ""
                ]
                .iter()
                .map(|w| shell_quote_expanding(w).unwrap())
                .collect::<Vec<_>>()
                .join(" ")
            ))
            .env("V", "v v")
            .env("HOME", "/h")
            .env("B", "bee")
            .env_remove("A")
            .output()
            .unwrap();
        let s = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            s.split('\0').collect::<Vec<_>>(),
            [
                "a b",
                "it's",
                "x:v v",
                "/h and \"$1\" `x` \\",
                "bee",
                "",
                ""
            ]
        );
    }
}

#[test]
fn recognises_one_simple_command() {
    let table: &[(&str, bool)] = &[
        ("node server.js", true),
        ("node server.js --port $PORT", true),
        ("/app >/log 2>&1", true),
        ("/app &>/log", true),
        ("/app >| /log", true),
        ("\"$APP\" run", true),
        ("java $(cat /opts) -jar x", true),
        ("java ${OPTS:-\"-Xmx1g\"} -jar x", true),
        ("a && b", false),
        ("a || b", false),
        ("a | b", false),
        ("a; b", false),
        ("a &", false),
        ("(a)", false),
        ("{ a; }", false),
        ("if true; then a; fi", false),
        ("A=b a", false),
        (">/log a", false),
        ("2>/log a", false),
        ("a <(b)", false),
        ("*.sh", false),
    ];
    for (text, want) in table {
        assert_eq!(simple_command(text).is_some(), *want, "{text:?}");
    }
    assert!(simple_command("a b # c").unwrap().comment);
    assert_eq!(
        simple_command("cd /x").unwrap().program.as_deref(),
        Some("cd")
    );
}

/// Every fix `exec_form_fixes` offers for each instruction, rendered like
/// `check_rule_fixes`.
fn check(text: &str, expect: Expect) {
    let text = text.strip_prefix('\n').unwrap_or(text);
    let syntax = crate::syntax::parse(text);
    let model = Model::build(text, &syntax);
    let mut out = String::new();
    for i in 0..syntax.instructions.len() {
        for fix in exec_form_fixes(text, &syntax, &model, i) {
            let fixed = crate::fix::apply(text, &fix.edits).expect("valid edits");
            assert!(
                crate::syntax::parse(&fixed).errors.len() <= syntax.errors.len(),
                "{fixed}"
            );
            let safety = if fix.is_safe() { "safe" } else { "unsafe" };
            out.push_str(&format!("--- {} ({safety})\n", fix.title));
            // Only the changed instruction's lines.
            let line = line_of(text, syntax.instructions[i].range.start()) - 1;
            let before_lines = text.lines().count();
            let after_lines = fixed.lines().count();
            let span = syntax.instructions[i].range;
            let last = line_of(text, span.end()) - 1;
            let shown: Vec<&str> = fixed
                .lines()
                .skip(line)
                .take(last - line + 1 + after_lines - before_lines)
                .collect();
            out.push_str(&shown.join("\n"));
            out.push('\n');
        }
    }
    expect.assert_eq(&out);
}

#[test]
fn converts_every_instruction_kind() {
    check(
        r#"
FROM alpine:3.20
CMD node server.js
ENTRYPOINT /usr/bin/app --flag
RUN --mount=type=cache,target=/root/.cache apt-get update
HEALTHCHECK --interval=5s CMD curl -f http://localhost/
ONBUILD RUN make install
CMD ["already", "exec"]
HEALTHCHECK NONE
RUN <<EOF
echo hi
EOF
"#,
        expect![[r#"
            --- Convert to exec form (safe)
            CMD ["node", "server.js"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec node server.js
            --- Convert to exec form (the CMD on line 2 becomes its arguments) (unsafe)
            ENTRYPOINT ["/usr/bin/app", "--flag"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            ENTRYPOINT exec /usr/bin/app --flag
            --- Convert to exec form (safe)
            RUN --mount=type=cache,target=/root/.cache ["apt-get", "update"]
            --- Convert to exec form (safe)
            HEALTHCHECK --interval=5s CMD ["curl", "-f", "http://localhost/"]
            --- Convert to exec form (safe)
            ONBUILD RUN ["make", "install"]
        "#]],
    );
}

#[test]
fn keeps_continuation_lines_and_comments() {
    check(
        r#"
FROM alpine:3.20
CMD java \
    -Xmx512m \
    # heap for the small instance
    -jar "/opt/my app.jar"
RUN apt-get update && \
    apt-get install -y curl \
    && rm -rf /var/lib/apt/lists/*
CMD ja\
va -jar x
"#,
        expect![[r#"
            --- Convert to exec form (safe)
            CMD ["java", \
                "-Xmx512m", \
                # heap for the small instance
                "-jar", "/opt/my app.jar"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec java \
                -Xmx512m \
                # heap for the small instance
                -jar "/opt/my app.jar"
            --- Wrap in `["/bin/sh", "-c", …]` (unsafe)
            RUN ["/bin/sh", "-c", "apt-get update && \
                apt-get install -y curl \
                && rm -rf /var/lib/apt/lists/*"]
            --- Convert to exec form (safe)
            CMD ["java", "-jar", "x"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec ja\
            va -jar x
        "#]],
    );
}

#[test]
fn wraps_shell_features_in_the_shell_in_force() {
    check(
        r#"
FROM alpine:3.20
CMD node server.js --port "$PORT"
ENTRYPOINT /entry.sh > /var/log/entry.log 2>&1 # logs
CMD cd /app && exec node server.js
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
CMD echo "it's done"
CMD cd /app
FROM alpine:3.20 AS bashy
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
CMD node server.js | tee /log
CMD node server.js
FROM alpine:3.20 AS login
SHELL ["/bin/bash", "-lc"]
CMD node server.js
"#,
        expect![[r#"
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec node server.js --port "$PORT"
            --- Convert to `["/bin/sh", "-c", "exec …"]` so the process receives stop signals (SIGTERM) (unsafe)
            CMD ["/bin/sh", "-c", "exec node server.js --port \"$PORT\""]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            ENTRYPOINT exec /entry.sh > /var/log/entry.log 2>&1 # logs
            --- Convert to `["/bin/sh", "-c", "exec …"]` so the process receives stop signals (SIGTERM) (unsafe)
            ENTRYPOINT ["/bin/sh", "-c", "exec /entry.sh > /var/log/entry.log 2>&1 # logs"]
            --- Wrap in `["/bin/sh", "-c", …]` (the shell stays PID 1 and does not pass on stop signals) (unsafe)
            CMD ["/bin/sh", "-c", "cd /app && exec node server.js"]
            --- Wrap in `["/bin/sh", "-c", …]` (unsafe)
            HEALTHCHECK CMD ["/bin/sh", "-c", "curl -f http://localhost/ || exit 1"]
            --- Convert to exec form (runs the `echo` program, not the shell's builtin) (unsafe)
            CMD ["echo", "it's done"]
            --- Wrap in `["/bin/sh", "-c", …]` (the shell stays PID 1 and does not pass on stop signals) (unsafe)
            CMD ["/bin/sh", "-c", "cd /app"]
            --- Wrap in `["/bin/bash", "-o", "pipefail", "-c", …]` (the shell stays PID 1 and does not pass on stop signals) (unsafe)
            CMD ["/bin/bash", "-o", "pipefail", "-c", "node server.js | tee /log"]
            --- Convert to exec form (safe)
            CMD ["node", "server.js"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec node server.js
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec node server.js
            --- Convert to `["/bin/bash", "-lc", "exec …"]` so the process receives stop signals (SIGTERM) (unsafe)
            CMD ["/bin/bash", "-lc", "exec node server.js"]
        "#]],
    );
}

#[test]
fn windows_shells_are_wrapped_not_split() {
    check(
        r#"# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
CMD C:\app\app.exe --port 80
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Write-Host `
    "hello"
"#,
        expect![[r#"
            --- Wrap in `["cmd", "/S", "/C", …]` (the shell stays PID 1 and does not pass on stop signals; splitting into words is only safe for POSIX shells) (unsafe)
            CMD ["cmd", "/S", "/C", "C:\\app\\app.exe --port 80"]
            --- Wrap in `["powershell", "-Command", "$ErrorActionPreference = 'Stop';", …]` (splitting into words is only safe for POSIX shells) (unsafe)
            RUN ["powershell", "-Command", "$ErrorActionPreference = 'Stop';", "Write-Host `
                \"hello\""]
        "#]],
    );
}

#[test]
fn backtick_escape_files_split_backslashes_as_the_shell_does() {
    check(
        "# escape=`\nFROM alpine:3.20\nSHELL [\"/bin/sh\", \"-c\"]\nCMD printf 'C:\\dir' a\\ b `\n    \"q\\\"uote\"\nRUN echo `\n  ok\n",
        expect![[r#"
            --- Convert to exec form (runs the `printf` program, not the shell's builtin) (unsafe)
            CMD ["printf", "C:\\dir", "a b", `
                "q\"uote"]
            --- Convert to exec form (runs the `echo` program, not the shell's builtin) (unsafe)
            RUN ["echo", `
              "ok"]
        "#]],
    );
}

#[test]
fn crlf_files_keep_their_line_breaks() {
    check(
        "FROM alpine:3.20\r\nCMD node \\\r\n    server.js\r\nRUN a && \\\r\n  b\r\n",
        expect![[r#"
            --- Convert to exec form (safe)
            CMD ["node", \
                "server.js"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec node \
                server.js
            --- Wrap in `["/bin/sh", "-c", …]` (unsafe)
            RUN ["/bin/sh", "-c", "a && \
              b"]
        "#]],
    );
}

#[test]
fn onbuild_triggers_are_converted() {
    check(
        r#"
FROM alpine:3.20
ONBUILD ENTRYPOINT /usr/bin/app
ONBUILD CMD /usr/bin/app $X
ONBUILD HEALTHCHECK CMD /bin/check
"#,
        expect![[r#"
            --- Convert to exec form (a CMD of the image built on this one becomes its arguments) (unsafe)
            ONBUILD ENTRYPOINT ["/usr/bin/app"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            ONBUILD ENTRYPOINT exec /usr/bin/app
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            ONBUILD CMD exec /usr/bin/app $X
            --- Convert to `["/bin/sh", "-c", "exec …"]` so the process receives stop signals (SIGTERM) (unsafe)
            ONBUILD CMD ["/bin/sh", "-c", "exec /usr/bin/app $X"]
            --- Convert to exec form (safe)
            ONBUILD HEALTHCHECK CMD ["/bin/check"]
        "#]],
    );
}

fn corpus_files() -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(std::path::Path::new("/work/shared/corpus/real"), &mut out);
    out.sort();
    out
}

/// For every shell-form CMD / ENTRYPOINT / RUN / HEALTHCHECK CMD of the real corpus:
/// every fix re-parses without a new error; the safe conversion's JSON (read with
/// serde_json) is exactly the words `/bin/sh` makes of the text; every wrapper's last
/// shell argument is exactly the text.
/// `cargo test -p dockerfile-lsp --lib exec_form_corpus -- --ignored --nocapture`
#[test]
#[ignore]
fn exec_form_corpus_property() {
    let have_sh = std::path::Path::new("/bin/sh").exists();
    let mut stats = std::collections::BTreeMap::<String, usize>::new();
    let mut failures = Vec::new();
    for path in corpus_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let syntax = crate::syntax::parse(&text);
        let model = Model::build(&text, &syntax);
        for (i, inst) in syntax.instructions.iter().enumerate() {
            let Some(target) = Target::of(&syntax, i) else {
                continue;
            };
            *stats
                .entry(format!("shell-form {}", target.kind.name()))
                .or_default() += 1;
            for fix in exec_form_fixes(&text, &syntax, &model, i) {
                let kind = if fix.title.starts_with("Convert to exec form") {
                    "array"
                } else if fix.title.starts_with("Run with `exec`") {
                    "exec prefix"
                } else {
                    "wrapper"
                };
                let safety = if fix.is_safe() { "safe" } else { "unsafe" };
                *stats.entry(format!("{kind} ({safety})")).or_default() += 1;
                let fixed = crate::fix::apply(&text, &fix.edits).unwrap();
                let after = crate::syntax::parse(&fixed);
                let where_ = format!("{}:{}", path.display(), line_of(&text, inst.range.start()));
                if after.errors.len() > syntax.errors.len()
                    || after.instructions.len() != syntax.instructions.len()
                {
                    failures.push(format!("{where_}: {} breaks the file", fix.title));
                    continue;
                }
                if kind == "exec prefix" {
                    continue;
                }
                let eff = after.instructions[i].effective();
                let mut json_text = eff.args.text.as_str();
                if eff.kind == Kind::Healthcheck {
                    json_text = json_text[3..].trim_start();
                }
                let Ok(argv) = serde_json::from_str::<Vec<String>>(json_text) else {
                    failures.push(format!("{where_}: {json_text:?} is not a JSON array"));
                    continue;
                };
                if kind == "array" {
                    let mut want = split_words(target.text)
                        .unwrap()
                        .into_iter()
                        .map(|w| w.value)
                        .collect::<Vec<_>>();
                    if have_sh {
                        let sh = sh_words(target.text);
                        if sh != want {
                            failures.push(format!("{where_}: split {want:?} but sh {sh:?}"));
                        }
                    }
                    if want[0] == "exec" {
                        want.remove(0);
                    }
                    if argv != want {
                        failures.push(format!("{where_}: JSON {argv:?}, words {want:?}"));
                    }
                } else {
                    let last = argv.last().map(String::as_str).unwrap_or_default();
                    if !last.ends_with(target.text) && !argv.iter().any(|a| a.contains(target.text))
                    {
                        failures.push(format!("{where_}: wrapper {argv:?} lost {:?}", target.text));
                    }
                }
            }
        }
    }
    println!("{stats:#?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Prints fix-all diffs (safe, then unsafe) of the corpus files where the exec-form
/// rules fire, for reading: `… exec_form_corpus_diffs -- --ignored --nocapture`.
#[test]
#[ignore]
fn exec_form_corpus_diffs() {
    let rules = [
        "json-args-recommended",
        "entrypoint-shell-ignores-cmd",
        "exec-form-no-expansion",
    ];
    let config = crate::config::Config::default();
    for path in corpus_files() {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let fires = crate::ide::Analysis::new(text.as_str())
            .diagnostics(&config)
            .iter()
            .any(|d| rules.contains(&d.rule.id) && !d.fixes.is_empty());
        if !fires {
            continue;
        }
        for unsafe_fixes in [false, true] {
            let out = crate::fix::fix_all_traced(&text, &config, unsafe_fixes);
            let ours: Vec<_> = out.log.iter().filter(|a| rules.contains(&a.rule)).collect();
            if ours.is_empty() {
                continue;
            }
            println!(
                "=== {} (unsafe: {unsafe_fixes}) {:?}",
                path.display(),
                ours.iter().map(|a| &a.title).collect::<Vec<_>>()
            );
            // Only our rules' edits, to keep the output readable.
            let only: Vec<crate::rules::Diagnostic> = crate::ide::Analysis::new(text.as_str())
                .diagnostics(&config)
                .into_iter()
                .filter(|d| rules.contains(&d.rule.id))
                .collect();
            let edits: Vec<_> = only
                .iter()
                .filter_map(|d| d.fix_for(unsafe_fixes))
                .flat_map(|f| f.edits.iter().cloned())
                .collect();
            if let Ok(fixed) = crate::fix::apply(&text, &edits) {
                print!("{}", crate::fix::unified_diff(&text, &fixed, "Dockerfile"));
            }
        }
    }
}

#[test]
fn cmd_passed_to_an_entrypoint_is_converted_only_unsafely() {
    check(
        r#"
FROM postgres:16 AS db
ENTRYPOINT ["docker-entrypoint.sh"]
CMD postgres -c fsync=off
FROM db
CMD postgres
FROM db AS shellish
ENTRYPOINT /start.sh
CMD postgres
"#,
        expect![[r#"
            --- Convert to exec form (the ENTRYPOINT on line 2 receives the words instead of `/bin/sh -c …`) (unsafe)
            CMD ["postgres", "-c", "fsync=off"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec postgres -c fsync=off
            --- Convert to exec form (the ENTRYPOINT on line 2 receives the words instead of `/bin/sh -c …`) (unsafe)
            CMD ["postgres"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec postgres
            --- Convert to exec form (the CMD on line 8 becomes its arguments) (unsafe)
            ENTRYPOINT ["/start.sh"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            ENTRYPOINT exec /start.sh
            --- Convert to exec form (safe)
            CMD ["postgres"]
            --- Run with `exec` so the process receives stop signals (SIGTERM) (safe)
            CMD exec postgres
        "#]],
    );
}

//! `invalid-arguments`: an instruction whose arguments BuildKit cannot take.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind, SyntaxErrorKind};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports arguments of the wrong shape, which BuildKit refuses before building
    /// anything:
    /// - a missing argument: `WORKDIR`, `USER`, `STOPSIGNAL`, `MAINTAINER` (exactly
    ///   one), `ENV`, `LABEL`, `ARG`, `EXPOSE`, `VOLUME`, `ONBUILD`, `HEALTHCHECK`,
    ///   `SHELL` (at least one), `COPY` / `ADD` with fewer than two (a source and a
    ///   destination);
    /// - `FROM` with other than one or three arguments, or a second argument other
    ///   than `AS`;
    /// - `ENV` / `LABEL`: `ENV KEY` without a value, a word without `=` after a
    ///   `key=value` word, a blank name (`ENV =x`); `ARG =x`;
    /// - `SHELL` not written as a JSON array; `SHELL []`;
    /// - `HEALTHCHECK` with a type other than `CMD` or `NONE`, `HEALTHCHECK NONE` with
    ///   arguments, `HEALTHCHECK CMD` without a command;
    /// - a heredoc as the destination of `COPY` / `ADD`; an empty `VOLUME` path;
    /// - an exec-form JSON array holding something other than strings.
    ///
    /// An `ONBUILD` trigger is checked the same way: its arguments are parsed when the
    /// downstream image is built, and fail there. Unknown or malformed flags are left
    /// to `invalid-flag`, stage names to `stage-name-invalid`, and the triggers
    /// `ONBUILD` / `FROM` / `MAINTAINER` to `onbuild-invalid-trigger`.
    ///
    /// ## Why is this bad?
    /// Each of these stops `docker build` with a parse error before the first step
    /// runs ("FROM requires either one or three arguments", "SHELL requires the
    /// arguments to be in JSON form", "ENV must have two arguments" …). Seen in the
    /// editor, the mistake costs seconds instead of a failed CI run.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 builder
    /// SHELL /bin/bash -o pipefail -c
    /// ENV DEBUG
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// ENV DEBUG=1
    /// ```
    ///
    /// ## Fix safety
    /// Two fixes are offered, both safe because the instruction fails as written and
    /// the intent is plain: `FROM image name` becomes `FROM image AS name`, and a
    /// shell-form `SHELL` made of plain words (no quotes, escapes or variables) becomes
    /// the JSON array of those words. Everything else has no automatic fix: the
    /// missing value or destination is unknown.
    ///
    /// ## References
    /// - BuildKit `frontend/dockerfile/parser/line_parsers.go` (parser errors) and
    ///   `frontend/dockerfile/instructions/parse.go` (instruction errors)
    /// - Dockerfile reference: "FROM", "SHELL", "ENV", "HEALTHCHECK", "COPY"
    pub(crate) RULE {
        id: "invalid-arguments",
        summary: "Instruction arguments BuildKit refuses",
        level: Error,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let parser_errors: Vec<_> = ctx
        .syntax
        .errors
        .iter()
        .filter(|e| e.kind == SyntaxErrorKind::InvalidArguments)
        .collect();
    for e in &parser_errors {
        acc.report(
            &RULE,
            e.range,
            parser_message(&e.message, &ctx.text[e.range.range()]),
        );
    }
    for inst in &ctx.syntax.instructions {
        // The parser stops at its own error; the instruction checks come after it.
        if parser_errors
            .iter()
            .any(|e| inst.range.contains_inclusive(e.range.start()))
        {
            continue;
        }
        check_instruction(ctx, inst, false, acc);
        if let Some(trigger) = inst.trigger.as_deref() {
            if !matches!(trigger.kind, Kind::Onbuild | Kind::From | Kind::Maintainer) {
                check_instruction(ctx, trigger, true, acc);
            }
        }
    }
}

/// Our wording for the parser's messages (kept recognisable); `written` is the text
/// at the error.
fn parser_message(message: &str, written: &str) -> String {
    if let Some(kw) = message.strip_suffix(" must have two arguments") {
        format!("`{kw} {written}` has no value: write `{kw} {written}=<value>`")
    } else if message.starts_with("Syntax error - can't find = in") {
        format!("`{written}` has no `=`: once one word is `key=value`, every word must be (quote values that contain spaces)")
    } else if let Some(kw) = message.strip_suffix(": JSON arrays must be comprised of strings only") {
        format!("{kw} in exec form takes a JSON array of strings only: quote every item (`\"1\"`, not `1`)")
    } else {
        message.to_string()
    }
}

fn check_instruction(
    ctx: &RuleContext<'_>,
    inst: &Instruction,
    in_trigger: bool,
    acc: &mut Diagnostics,
) {
    let kw = inst.kind.name();
    let suffix = if in_trigger {
        " (this ONBUILD trigger fails in the downstream build)"
    } else {
        ""
    };
    let mut r = Reporter { acc, suffix };
    let args = &inst.args;
    let empty = args.text.is_empty();
    match inst.kind {
        Kind::Workdir | Kind::User | Kind::Stopsignal | Kind::Maintainer if empty => {
            r.report(
                inst.keyword_range,
                format!("{kw} requires exactly one argument"),
            );
        }
        Kind::Env | Kind::Label | Kind::Arg | Kind::Expose | Kind::Onbuild | Kind::Healthcheck
            if empty =>
        {
            r.report(
                inst.keyword_range,
                format!("{kw} requires at least one argument"),
            );
        }
        Kind::Env | Kind::Label | Kind::Arg => {
            for p in &args.pairs {
                if p.key.text.is_empty() {
                    r.report(p.range, format!("{kw} names can not be blank"));
                }
            }
        }
        Kind::From => check_from(ctx, inst, &mut r),
        Kind::Copy | Kind::Add => {
            let words = args.json.as_ref().unwrap_or(&args.words);
            if words.len() < 2 {
                let range = if empty { inst.keyword_range } else { args.range };
                r.report(
                    range,
                    format!("{kw} needs at least a source and a destination: `{kw} <src>... <dest>`"),
                );
            } else if let Some(last) = words.last() {
                if is_heredoc_word(&last.text) {
                    r.report(
                        last.range,
                        format!("{kw} cannot take a heredoc as its destination; put the destination path last"),
                    );
                }
            }
        }
        Kind::Volume => {
            let words = args.json.as_ref().unwrap_or(&args.words);
            if words.is_empty() {
                let range = if empty { inst.keyword_range } else { args.range };
                r.report(range, format!("{kw} requires at least one argument"));
            }
            for w in words.iter().filter(|w| w.text.trim().is_empty()) {
                r.report(w.range, "VOLUME paths can not be empty strings".to_string());
            }
        }
        Kind::Healthcheck => {
            let typ = &args.words[0];
            let rest = args.words.len() > 1 || args.json.is_some();
            match typ.text.to_ascii_uppercase().as_str() {
                "NONE" if rest => {
                    r.report(
                        args.range,
                        "HEALTHCHECK NONE takes no arguments; write `HEALTHCHECK NONE` alone, or `HEALTHCHECK CMD …`".to_string(),
                    );
                }
                "NONE" => {}
                "CMD" => {
                    let has_cmd = args.words.len() > 1
                        || args.json.as_ref().is_some_and(|j| !j.is_empty());
                    if !has_cmd {
                        r.report(
                            typ.range,
                            "HEALTHCHECK CMD needs a command to run".to_string(),
                        );
                    }
                }
                other => {
                    r.report(
                        typ.range,
                        format!("Unknown HEALTHCHECK type `{other}`: use `CMD <command>` or `NONE`"),
                    );
                }
            }
        }
        Kind::Shell => check_shell(inst, &mut r),
        _ => {}
    }
}

/// Reports with the ONBUILD suffix when checking a trigger.
struct Reporter<'a> {
    acc: &'a mut Diagnostics,
    suffix: &'static str,
}

impl Reporter<'_> {
    fn report(&mut self, range: TextRange, message: String) -> &mut crate::rules::Diagnostic {
        self.acc
            .report(&RULE, range, format!("{message}{}", self.suffix))
    }
}

fn check_from(
    ctx: &RuleContext<'_>,
    inst: &Instruction,
    r: &mut Reporter<'_>,
) {
    let words = &inst.args.words;
    match words.len() {
        1 => {}
        3 if words[1].text.eq_ignore_ascii_case("as") => {}
        0 => {
            r.report(
                inst.keyword_range,
                "FROM requires an image: `FROM <image> [AS <name>]`".to_string(),
            );
        }
        2 if words[1].text.eq_ignore_ascii_case("as") => {
            r.report(
                words[1].range,
                "FROM … AS needs a stage name after `AS`".to_string(),
            );
        }
        2 => {
            let name = &words[1];
            let plain = name.text.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')
            });
            let d = r.report(
                name.range,
                format!(
                    "FROM takes one or three arguments; to name the stage write `AS {}`",
                    name.text
                ),
            );
            if plain && name.range.len() == name.text.len() && !ctx.text.is_empty() {
                d.with_fix(
                    format!("Insert `AS` before `{}`", name.text),
                    Applicability::Safe,
                    vec![TextEdit::insert(name.range.start(), "AS ")],
                );
            }
        }
        3 => {
            r.report(
                words[1].range,
                format!(
                    "FROM <image> {} <name>: the second argument must be `AS`",
                    words[1].text
                ),
            );
        }
        _ => {
            let range = words[1].range.cover(words[words.len() - 1].range);
            r.report(
                range,
                "FROM takes one or three arguments: `FROM <image> [AS <name>]`".to_string(),
            );
        }
    }
}

fn check_shell(
    inst: &Instruction,
    r: &mut Reporter<'_>,
) {
    let args = &inst.args;
    match &args.json {
        Some(items) if items.is_empty() => {
            r.report(args.range, "SHELL requires at least one argument".to_string());
        }
        Some(_) => {}
        None if args.text.is_empty() => {
            r.report(inst.keyword_range, "SHELL requires at least one argument".to_string());
        }
        None if args.text.starts_with('[') => {
            r.report(
                args.range,
                "SHELL needs a valid JSON array of double-quoted strings: `SHELL [\"/bin/sh\", \"-c\"]`"
                    .to_string(),
            );
        }
        None => {
            let words: Vec<&str> = args.text.split_whitespace().collect();
            let plain = words.iter().all(|w| {
                !w.contains(['"', '\'', '\\', '`', '$', '[', ']', ','])
            });
            let d = r.report(
                args.range,
                "SHELL must be written as a JSON array: `SHELL [\"executable\", \"parameters\"]`"
                    .to_string(),
            );
            // Only when the arguments are written on one line exactly as joined.
            if plain && args.range.len() == args.text.len() {
                let json = words
                    .iter()
                    .map(|w| format!("\"{w}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                d.with_fix(
                    "Write the shell as a JSON array",
                    Applicability::Safe,
                    vec![TextEdit::replace(args.range, format!("[{json}]"))],
                );
            }
        }
    }
}

/// BuildKit's heredoc word shape `^(\d*)<<(-?)\s*([^<]*)$` with a non-empty name.
fn is_heredoc_word(word: &str) -> bool {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest).trim_start();
    !rest.is_empty() && !rest.contains('<')
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_parser_errors() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
ENV DEBUG
LABEL a=1 b
CMD ["sh", 1]
"#,
            expect![[r#"
                2 | ENV DEBUG
                  |     ^^^^^ invalid-arguments: `ENV DEBUG` has no value: write `ENV DEBUG=<value>`
                3 | LABEL a=1 b
                  |           ^ invalid-arguments: `b` has no `=`: once one word is `key=value`, every word must be (quote values that contain spaces)
                4 | CMD ["sh", 1]
                  |     ^^^^^^^^^ invalid-arguments: CMD in exec form takes a JSON array of strings only: quote every item (`"1"`, not `1`)
            "#]],
        );
    }

    #[test]
    fn catches_missing_arguments() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
WORKDIR
USER
ENV
ARG
EXPOSE
VOLUME []
VOLUME [""]
ONBUILD
COPY app.py
ADD
COPY /src <<EOF
x
EOF
COPY <<EOF
x
EOF
ENV =x
"#,
            expect![[r#"
                2 | WORKDIR
                  | ^^^^^^^ invalid-arguments: WORKDIR requires exactly one argument
                3 | USER
                  | ^^^^ invalid-arguments: USER requires exactly one argument
                4 | ENV
                  | ^^^ invalid-arguments: ENV requires at least one argument
                5 | ARG
                  | ^^^ invalid-arguments: ARG requires at least one argument
                6 | EXPOSE
                  | ^^^^^^ invalid-arguments: EXPOSE requires at least one argument
                7 | VOLUME []
                  |        ^^ invalid-arguments: VOLUME requires at least one argument
                8 | VOLUME [""]
                  |         ^^ invalid-arguments: VOLUME paths can not be empty strings
                9 | ONBUILD
                  | ^^^^^^^ invalid-arguments: ONBUILD requires at least one argument
                10 | COPY app.py
                   |      ^^^^^^ invalid-arguments: COPY needs at least a source and a destination: `COPY <src>... <dest>`
                11 | ADD
                   | ^^^ invalid-arguments: ADD needs at least a source and a destination: `ADD <src>... <dest>`
                12 | COPY /src <<EOF
                   |           ^^^^^ invalid-arguments: COPY cannot take a heredoc as its destination; put the destination path last
                15 | COPY <<EOF
                   |      ^^^^^ invalid-arguments: COPY needs at least a source and a destination: `COPY <src>... <dest>`
                18 | ENV =x
                   |     ^^ invalid-arguments: ENV names can not be blank
            "#]],
        );
    }

    #[test]
    fn catches_from_shapes() {
        check_rule(
            &RULE,
            r#"
FROM
FROM golang:1.23 builder
FROM golang:1.23 TO builder
FROM golang:1.23 AS builder extra
FROM golang:1.23 as
"#,
            expect![[r#"
                1 | FROM
                  | ^^^^ invalid-arguments: FROM requires an image: `FROM <image> [AS <name>]`
                2 | FROM golang:1.23 builder
                  |                  ^^^^^^^ invalid-arguments: FROM takes one or three arguments; to name the stage write `AS builder`
                3 | FROM golang:1.23 TO builder
                  |                  ^^ invalid-arguments: FROM <image> TO <name>: the second argument must be `AS`
                4 | FROM golang:1.23 AS builder extra
                  |                  ^^^^^^^^^^^^^^^^ invalid-arguments: FROM takes one or three arguments: `FROM <image> [AS <name>]`
                5 | FROM golang:1.23 as
                  |                  ^^ invalid-arguments: FROM … AS needs a stage name after `AS`
            "#]],
        );
    }

    #[test]
    fn catches_shell_and_healthcheck() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
SHELL /bin/bash -c
SHELL ['/bin/bash', '-c']
SHELL []
HEALTHCHECK
HEALTHCHECK NONE CMD true
HEALTHCHECK CMD
HEALTHCHECK --interval=5s CMD-SHELL curl -f http://localhost/
"#,
            expect![[r#"
                2 | SHELL /bin/bash -c
                  |       ^^^^^^^^^^^^ invalid-arguments: SHELL must be written as a JSON array: `SHELL ["executable", "parameters"]`
                3 | SHELL ['/bin/bash', '-c']
                  |       ^^^^^^^^^^^^^^^^^^^ invalid-arguments: SHELL needs a valid JSON array of double-quoted strings: `SHELL ["/bin/sh", "-c"]`
                4 | SHELL []
                  |       ^^ invalid-arguments: SHELL requires at least one argument
                5 | HEALTHCHECK
                  | ^^^^^^^^^^^ invalid-arguments: HEALTHCHECK requires at least one argument
                6 | HEALTHCHECK NONE CMD true
                  |             ^^^^^^^^^^^^^ invalid-arguments: HEALTHCHECK NONE takes no arguments; write `HEALTHCHECK NONE` alone, or `HEALTHCHECK CMD …`
                7 | HEALTHCHECK CMD
                  |             ^^^ invalid-arguments: HEALTHCHECK CMD needs a command to run
                8 | HEALTHCHECK --interval=5s CMD-SHELL curl -f http://localhost/
                  |                           ^^^^^^^^^ invalid-arguments: Unknown HEALTHCHECK type `CMD-SHELL`: use `CMD <command>` or `NONE`
            "#]],
        );
    }

    #[test]
    fn checks_onbuild_triggers() {
        check_rule(
            &RULE,
            r#"
FROM alpine:3.20
ONBUILD WORKDIR
ONBUILD COPY app.py
ONBUILD ENV X
ONBUILD FROM alpine
"#,
            expect![[r#"
                2 | ONBUILD WORKDIR
                  |         ^^^^^^^ invalid-arguments: WORKDIR requires exactly one argument (this ONBUILD trigger fails in the downstream build)
                3 | ONBUILD COPY app.py
                  |              ^^^^^^ invalid-arguments: COPY needs at least a source and a destination: `COPY <src>... <dest>` (this ONBUILD trigger fails in the downstream build)
                4 | ONBUILD ENV X
                  |             ^ invalid-arguments: `ENV X` has no value: write `ENV X=<value>`
            "#]],
        );
    }

    #[test]
    fn accepts_valid_arguments() {
        check_rule_not(
            &RULE,
            r#"
ARG BASE=alpine:3.20
FROM ${BASE} AS build
FROM --platform=$BUILDPLATFORM golang:1.23 as Tools
ENV A=1 B="two words"
ENV LEGACY value with spaces
LABEL org.opencontainers.image.title="x"
ARG X Y=1
EXPOSE 80/tcp
VOLUME /data
VOLUME ["/a", "/b"]
COPY <<EOF /etc/motd
hello
EOF
COPY ["a b", "/dst/"]
ADD --chmod=644 a /b
WORKDIR /app
USER app:app
STOPSIGNAL SIGTERM
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
HEALTHCHECK NONE
HEALTHCHECK --interval=30s CMD curl -f http://localhost/ || exit 1
HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
ONBUILD COPY . /src
RUN true
CMD []
"#,
        );
    }

    #[test]
    fn accepts_windows_files() {
        check_rule_not(
            &RULE,
            "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\", \"$ErrorActionPreference = 'Stop';\"]\nWORKDIR C:\\app\nCOPY app.ps1 C:\\app\\\n",
        );
    }

    #[test]
    fn fixes_from_and_shell() {
        check_rule_fix(
            &RULE,
            r#"
FROM golang:1.23 builder
SHELL /bin/bash -o pipefail -c
"#,
            expect![[r#"
                FROM golang:1.23 AS builder
                SHELL ["/bin/bash", "-o", "pipefail", "-c"]
            "#]],
        );
    }
}

//! `exec-form-invalid-json`: text meant as a JSON array that is not valid JSON, so
//! BuildKit silently reads it as shell form (or as plain words).

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::{Instruction, Kind};
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports the argument of `RUN`, `CMD`, `ENTRYPOINT`, `SHELL`, `HEALTHCHECK CMD`,
    /// `COPY`, `ADD` and `VOLUME` that is written as an array (`[…]`) but is not valid
    /// JSON, for a reason other than single quotes (that case is
    /// `exec-form-single-quotes`):
    /// - an unescaped backslash, typically in a Windows path: `["C:\app\run.exe"]`
    ///   (`\a` is not a JSON escape; write `\\`);
    /// - a trailing comma: `["nginx", "-g", "daemon off;",]`;
    /// - an item without quotes: `[nginx, -g, daemon off;]`;
    /// - a missing comma or quote: `["nginx" "-g"]`.
    ///
    /// Text that only looks like an array is left alone: `RUN [ -f /etc/x ] && …` and
    /// `[[ … ]]` are shell tests, `RUN [int]` or `[Console]::Write(…)` PowerShell (an
    /// array needs a comma, or a quoted item right after `[`).
    ///
    /// `COPY`, `ADD` and `VOLUME` are included: they fall back too (to whitespace-split
    /// words), and `VOLUME ["/data",]` creates a volume literally named `["/data",]`.
    ///
    /// ## Why is this bad?
    /// BuildKit does not report the mistake. For `RUN`, `CMD`, `ENTRYPOINT` and
    /// `HEALTHCHECK` the whole text runs as `/bin/sh -c '["C:\app\run.exe"]'`, which
    /// fails at build or container start with a baffling "not found"; `SHELL` is
    /// rejected; `COPY`, `ADD` and `VOLUME` get the brackets and quotes as part of their
    /// paths.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENTRYPOINT ["C:\app\run.exe", "--serve"]
    /// CMD ["nginx", "-g", "daemon off;",]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ENTRYPOINT ["C:\\app\\run.exe", "--serve"]
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix safety
    /// On a one-line array whose items are all double-quoted, a fix removes a trailing
    /// comma (safe) and doubles backslashes that do not form a valid JSON escape
    /// (unsafe: `\n` in `"C:\new\path"` is a valid escape and is left as is, so read
    /// the result). Other mistakes have no automatic fix.
    ///
    /// ## References
    /// - Dockerfile reference, "Shell and exec form" (the exec form is parsed as a JSON
    ///   array; "you must escape backslashes")
    /// - BuildKit `frontend/dockerfile/parser/line_parsers.go` (`parseMaybeJSON`,
    ///   `parseMaybeJSONToList`)
    pub(crate) RULE {
        id: "exec-form-invalid-json",
        summary: "Array argument that is not valid JSON",
        level: Warning,
        fix: Sometimes,
        hadolint: [],
        buildkit: [],
        check: check,
    }
}

/// How an item of a loosely read array is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quote {
    Double,
    Single,
    Bare,
}

/// One item of a loosely read array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    pub quote: Quote,
    /// The text between the quotes (or the trimmed bare word).
    pub inner: &'a str,
    /// The item as written, quotes included, as offsets in the argument text.
    pub start: usize,
    pub end: usize,
}

/// An argument that was meant as an array.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Attempt<'a> {
    /// `[ item, item, … ]` with items quoted either way or bare.
    Array {
        items: Vec<Item<'a>>,
        /// Offset of a comma right before `]`.
        trailing_comma: Option<usize>,
    },
    /// Starts with `["` or `['` and ends with `]` but is not even a loose array
    /// (missing comma or quote).
    Broken,
}

/// The array the author meant, when `text` (an argument BuildKit did not accept as
/// JSON) looks like one; `None` for ordinary shell text such as `[ -f x ]`.
pub(crate) fn attempted_array(text: &str) -> Option<Attempt<'_>> {
    let text = text.trim_end();
    if !text.starts_with('[') || !text.ends_with(']') || text.len() < 2 {
        return None;
    }
    match loose_array(text) {
        Some((items, commas, trailing_comma)) => {
            let spaced = text[1..].starts_with(char::is_whitespace);
            // `[ -f x ]` is a shell test; `[int]` / `[Console]::Write(…)` is PowerShell.
            let quoted = items.iter().any(|i| i.quote != Quote::Bare);
            if commas == 0 && (spaced || !quoted) {
                return None;
            }
            Some(Attempt::Array {
                items,
                trailing_comma,
            })
        }
        None if text.starts_with("[\"") || text.starts_with("['") => Some(Attempt::Broken),
        None => None,
    }
}

type Loose<'a> = (Vec<Item<'a>>, usize, Option<usize>);

fn loose_array(text: &str) -> Option<Loose<'_>> {
    let b = text.as_bytes();
    let end = b.len() - 1;
    let mut pos = 1;
    let mut items = Vec::new();
    let mut commas = 0;
    let mut trailing = None;
    let skip_ws = |mut p: usize| {
        while p < end && (b[p] as char).is_ascii_whitespace() {
            p += 1;
        }
        p
    };
    pos = skip_ws(pos);
    while pos < end {
        let start = pos;
        let item = match b[pos] {
            q @ (b'"' | b'\'') => {
                let mut p = pos + 1;
                while p < end && b[p] != q {
                    if q == b'"' && b[p] == b'\\' {
                        p += 1;
                    }
                    p += 1;
                }
                if p >= end {
                    return None;
                }
                pos = p + 1;
                Item {
                    quote: if q == b'"' { Quote::Double } else { Quote::Single },
                    inner: &text[start + 1..p],
                    start,
                    end: p + 1,
                }
            }
            _ => {
                let mut p = pos;
                while p < end && b[p] != b',' {
                    if matches!(b[p], b'"' | b'\'' | b'[' | b']') {
                        return None;
                    }
                    p += 1;
                }
                let word = text[start..p].trim_end();
                pos = p;
                Item {
                    quote: Quote::Bare,
                    inner: word,
                    start,
                    end: start + word.len(),
                }
            }
        };
        items.push(item);
        pos = skip_ws(pos);
        if pos >= end {
            break;
        }
        if b[pos] != b',' {
            return None;
        }
        commas += 1;
        let comma = pos;
        pos = skip_ws(pos + 1);
        if pos >= end {
            trailing = Some(comma);
        }
    }
    Some((items, commas, trailing))
}

/// The text and where it is written: the part of the instruction that BuildKit reads
/// as JSON-or-not, for the instructions that have such a part.
pub(crate) fn array_candidate(inst: &Instruction) -> Option<(&str, TextRange)> {
    match inst.kind {
        Kind::Run
        | Kind::Cmd
        | Kind::Entrypoint
        | Kind::Shell
        | Kind::Copy
        | Kind::Add
        | Kind::Volume => {
            if inst.args.json.is_some() || inst.args.text.is_empty() {
                return None;
            }
            Some((inst.args.text.as_str(), inst.args.range))
        }
        Kind::Healthcheck => {
            if inst.args.json.is_some() {
                return None;
            }
            match inst.args.words.as_slice() {
                [typ, cmd] if typ.text.eq_ignore_ascii_case("cmd") => {
                    Some((cmd.text.as_str(), cmd.range))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// What BuildKit does instead of exec form, for messages.
pub(crate) fn consequence(kind: Kind) -> &'static str {
    match kind {
        Kind::Copy | Kind::Add | Kind::Volume => {
            "so BuildKit splits it at whitespace and takes the brackets and quotes as part of the paths"
        }
        Kind::Shell => "and SHELL accepts only a JSON array, so the build fails",
        _ => "so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form",
    }
}

/// The first problem of a double-quoted JSON string body, if any.
fn string_problem(inner: &str) -> Option<String> {
    let mut it = inner.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => match it.next() {
                Some('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') => {}
                Some('u') => {
                    let hex: String = it.clone().take(4).collect();
                    if hex.len() != 4 || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
                        return Some("`\\u` must be followed by four hex digits".to_string());
                    }
                    it.nth(3);
                }
                Some(other) => {
                    return Some(format!(
                        "`\\{other}` is not a JSON escape; write `\\\\` for a backslash"
                    ))
                }
                None => return Some("a string ends with a lone backslash".to_string()),
            },
            c if (c as u32) < 0x20 => {
                return Some("a JSON string cannot contain a raw tab or control character".to_string())
            }
            _ => {}
        }
    }
    None
}

/// The body of a double-quoted item whose author did not escape backslashes (it has
/// at least one invalid escape): every backslash is doubled except in `\"` and `\\`,
/// so `"C:\app\run.exe"` becomes `"C:\\app\\run.exe"` (the `\r` there was never meant as a
/// carriage return).
pub(crate) fn repair_backslashes(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len() + 4);
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.peek() {
            Some(&n @ ('"' | '\\')) => {
                out.push('\\');
                out.push(n);
                it.next();
            }
            _ => out.push_str("\\\\"),
        }
    }
    out
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    for inst in &ctx.syntax.instructions {
        let eff = inst.effective();
        let Some((text, range)) = array_candidate(eff) else {
            continue;
        };
        let Some(attempt) = attempted_array(text) else {
            continue;
        };
        let one_line = ctx.text.get(range.range()) == Some(text);
        let why = consequence(eff.kind);
        match attempt {
            Attempt::Broken => {
                acc.report(
                    &RULE,
                    range,
                    format!("This is not a valid JSON array (a comma or quote is missing), {why}"),
                );
            }
            Attempt::Array {
                items,
                trailing_comma,
            } => {
                if items.iter().any(|i| i.quote == Quote::Single) {
                    continue;
                }
                if let Some(bare) = items.iter().find(|i| i.quote == Quote::Bare) {
                    acc.report(
                        &RULE,
                        range,
                        format!(
                            "`{}` is not in double quotes: this is not a JSON array, {why}",
                            bare.inner
                        ),
                    );
                    continue;
                }
                let bad = items
                    .iter()
                    .find_map(|i| string_problem(i.inner).map(|p| (i, p)));
                let problem = match (&bad, trailing_comma) {
                    (Some((_, p)), _) => p.clone(),
                    (None, Some(_)) => "a trailing comma before `]` is not allowed".to_string(),
                    (None, None) => "it is not valid JSON".to_string(),
                };
                let d = acc.report(
                    &RULE,
                    range,
                    format!("This array is not valid JSON ({problem}), {why}"),
                );
                if !one_line || (bad.is_none() && trailing_comma.is_none()) {
                    continue;
                }
                let mut edits = Vec::new();
                let mut repairable = true;
                for item in &items {
                    if string_problem(item.inner).is_some() {
                        let fixed = repair_backslashes(item.inner);
                        repairable &= string_problem(&fixed).is_none();
                        let at = range.start() + item.start + 1;
                        let end = range.start() + item.end - 1;
                        edits.push(TextEdit::replace(TextRange::new(at, end), fixed));
                    }
                }
                if let (Some(comma), Some(last)) = (trailing_comma, items.last()) {
                    edits.push(TextEdit::delete(TextRange::new(
                        range.start() + last.end,
                        range.start() + comma + 1,
                    )));
                }
                let (title, applicability) = if bad.is_some() {
                    ("Escape the backslashes", Applicability::Unsafe)
                } else {
                    ("Remove the trailing comma", Applicability::Safe)
                };
                if repairable {
                    d.with_fix(title, applicability, edits);
                }
            }
        }
    }
}

/// `s` as a JSON string literal, quotes included.
pub(crate) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// True when `inner` is a valid JSON string body.
pub(crate) fn valid_json_string(inner: &str) -> bool {
    string_problem(inner).is_none()
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_invalid_arrays() {
        check_rule(
            &RULE,
            r#"
FROM alpine
CMD ["nginx", "-g", "daemon off;",]
ENTRYPOINT [nginx, -g]
RUN ["echo" "hi"]
VOLUME ["/data",]
COPY ["a b", "c/",]
HEALTHCHECK CMD ["curl", "-f",]
ONBUILD CMD ["a",]
SHELL ["/bin/bash", "-c",]
"#,
            expect![[r#"
                2 | CMD ["nginx", "-g", "daemon off;",]
                  |     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exec-form-invalid-json: This array is not valid JSON (a trailing comma before `]` is not allowed), so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                3 | ENTRYPOINT [nginx, -g]
                  |            ^^^^^^^^^^^ exec-form-invalid-json: `nginx` is not in double quotes: this is not a JSON array, so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                4 | RUN ["echo" "hi"]
                  |     ^^^^^^^^^^^^^ exec-form-invalid-json: This is not a valid JSON array (a comma or quote is missing), so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                5 | VOLUME ["/data",]
                  |        ^^^^^^^^^^ exec-form-invalid-json: This array is not valid JSON (a trailing comma before `]` is not allowed), so BuildKit splits it at whitespace and takes the brackets and quotes as part of the paths
                6 | COPY ["a b", "c/",]
                  |      ^^^^^^^^^^^^^^ exec-form-invalid-json: This array is not valid JSON (a trailing comma before `]` is not allowed), so BuildKit splits it at whitespace and takes the brackets and quotes as part of the paths
                7 | HEALTHCHECK CMD ["curl", "-f",]
                  |                 ^^^^^^^^^^^^^^^ exec-form-invalid-json: This array is not valid JSON (a trailing comma before `]` is not allowed), so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                8 | ONBUILD CMD ["a",]
                  |             ^^^^^^ exec-form-invalid-json: This array is not valid JSON (a trailing comma before `]` is not allowed), so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
                9 | SHELL ["/bin/bash", "-c",]
                  |       ^^^^^^^^^^^^^^^^^^^^ exec-form-invalid-json: This array is not valid JSON (a trailing comma before `]` is not allowed), and SHELL accepts only a JSON array, so the build fails
            "#]],
        );
    }

    #[test]
    fn catches_windows_backslashes() {
        check_rule(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
ENTRYPOINT ["C:\app\run.exe", "--serve"]
"#,
            expect![[r#"
                3 | ENTRYPOINT ["C:\app\run.exe", "--serve"]
                  |            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ exec-form-invalid-json: This array is not valid JSON (`\a` is not a JSON escape; write `\\` for a backslash), so BuildKit silently runs the whole text with `/bin/sh -c` instead of the exec form
            "#]],
        );
    }

    #[test]
    fn accepts_shell_tests_and_valid_json() {
        check_rule_not(
            &RULE,
            r#"
FROM alpine
RUN [ -f /etc/os-release ] && echo ok
RUN [ "$A" = "b" ]
RUN [[ -n "$X" ]]
RUN [ -n "$a,b" ] || exit 1
CMD ["nginx", "-g", "daemon off;"]
ENTRYPOINT ["C:\\app\\run.exe"]
RUN ['single', 'quotes']
COPY a b /x/
VOLUME /data
"#,
        );
    }

    #[test]
    fn accepts_powershell() {
        check_rule_not(
            &RULE,
            r#"
# escape=`
FROM mcr.microsoft.com/windows/servercore:ltsc2022
SHELL ["powershell", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
RUN [int]
RUN [Environment]::SetEnvironmentVariable('VCPKG_ROOT', 'C:\vcpkg', [EnvironmentVariableTarget]::Machine)
"#,
        );
    }

    #[test]
    fn fixes_trailing_comma_and_backslashes() {
        check_rule_fix(
            &RULE,
            r#"
FROM alpine
CMD ["nginx", "-g", "daemon off;" , ]
ENTRYPOINT ["C:\app\run.exe", "C:\\ok", "\"q\""]
"#,
            expect![[r#"
                FROM alpine
                CMD ["nginx", "-g", "daemon off;" ]
                ENTRYPOINT ["C:\\app\\run.exe", "C:\\ok", "\"q\""]
            "#]],
        );
    }
}

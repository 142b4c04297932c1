//! Converting shell-form `CMD` / `ENTRYPOINT` / `RUN` / `HEALTHCHECK CMD` to exec form
//! (a JSON array), and the reverse helpers `exec-form-no-expansion` uses.
//!
//! Two layers meet here. The Dockerfile layer joins continuation lines (the escape
//! character at a line end, `\` or `` ` ``) and drops comment lines inside them; the
//! result is the shell text, which BuildKit hands to the shell verbatim. The shell layer
//! then splits that text into words: there the backslash is always the shell's escape,
//! whatever `# escape=` says. So the splitter works on the instruction's joined text
//! and knows nothing of the Dockerfile escape character, while the writers copy the
//! user's continuation lines (escape character included) verbatim between the pieces
//! of the array they write.
//!
//! Plain words (what the shell would pass unchanged after quote removal) are split as
//! POSIX `sh` does and written as a JSON array: a safe fix. Anything that makes the
//! shell do more (operators, redirections, expansions, globs, keywords, assignments,
//! comments) is never split: the text is wrapped whole as the last argument of the shell
//! in force (`["/bin/sh", "-c", "<text>"]`, or the `SHELL` array), marked unsafe, and a
//! single simple command may instead be prefixed with `exec` so that it replaces the
//! shell as PID 1 and receives the stop signal.

use crate::rules::{Applicability, Fix};
use crate::semantic::expand::is_var_name;
use crate::semantic::{Model, ShellKind};
use crate::syntax::{Dockerfile, Instruction, Kind};
use crate::text::{TextEdit, TextRange};

/// A word of plain shell text after quote removal, with its byte span in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitWord {
    pub value: String,
    pub start: usize,
    pub end: usize,
}

/// Shell keywords: in command position they start compound commands.
const KEYWORDS: &[&str] = &[
    "if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until", "for",
    "in", "function", "select", "time", "coproc", "{", "}", "!", "[[", "]]",
];

/// Shell builtins that exist only inside the shell: exec form cannot run them.
const SHELL_ONLY: &[&str] = &[
    ".",
    ":",
    "source",
    "cd",
    "exit",
    "export",
    "set",
    "unset",
    "readonly",
    "shift",
    "return",
    "break",
    "continue",
    "eval",
    "exec",
    "trap",
    "ulimit",
    "umask",
    "wait",
    "read",
    "alias",
    "unalias",
    "local",
    "declare",
    "typeset",
    "hash",
    "type",
    "command",
    "builtin",
    "jobs",
    "fg",
    "bg",
    "getopts",
    "times",
    "let",
    "enable",
    "shopt",
    "history",
    "logout",
    "pushd",
    "popd",
    "dirs",
    "disown",
    "suspend",
    "caller",
    "compgen",
    "complete",
    "mapfile",
    "readarray",
    "bind",
    "help",
    "fc",
];

/// Builtins that have a program of the same name that behaves differently (option and
/// escape handling): exec form runs the program instead.
const BUILTIN_TWINS: &[&str] = &["echo", "printf", "kill", "pwd"];

/// Splits `text` into words as POSIX `sh` does, when the text is plain words and
/// quotes only. `Err` names the first shell feature found: the text must then not be
/// split.
pub fn split_words(text: &str) -> Result<Vec<SplitWord>, &'static str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).map_or(text.len(), |c| c.0);
    let mut words: Vec<SplitWord> = Vec::new();
    // The word being read: value, start, and whether its start was unquoted text
    // (for keywords and assignments, which only exist unquoted).
    let mut cur: Option<(String, usize)> = None;
    let mut raw_unquoted_prefix = true;
    let mut i = 0;
    while i < n {
        let (pos, c) = chars[i];
        let word_start = cur.is_none();
        match c {
            ' ' | '\t' => {
                if let Some((value, start)) = cur.take() {
                    words.push(SplitWord {
                        value,
                        start,
                        end: pos,
                    });
                }
                i += 1;
                continue;
            }
            '\n' | '\r' => return Err("a line break"),
            '|' | '&' | ';' => return Err("a control operator"),
            '<' | '>' => return Err("a redirection"),
            '(' | ')' => return Err("a subshell"),
            '$' => return Err("an expansion"),
            '`' => return Err("a command substitution"),
            '*' | '?' | '[' => return Err("a glob"),
            '{' | '}' => return Err("braces"),
            '~' => return Err("a `~`"),
            '#' if word_start => return Err("a comment"),
            '!' | '=' if word_start => return Err("a special word"),
            _ => {}
        }
        let word = cur.get_or_insert_with(|| (String::new(), pos));
        if word_start {
            raw_unquoted_prefix = true;
        }
        match c {
            '\'' => {
                raw_unquoted_prefix = false;
                let mut j = i + 1;
                while j < n && chars[j].1 != '\'' {
                    word.0.push(chars[j].1);
                    j += 1;
                }
                if j >= n {
                    return Err("an unterminated quote");
                }
                i = j + 1;
            }
            '"' => {
                raw_unquoted_prefix = false;
                let mut j = i + 1;
                loop {
                    let Some(&(_, d)) = chars.get(j) else {
                        return Err("an unterminated quote");
                    };
                    match d {
                        '"' => break,
                        '$' => return Err("an expansion"),
                        '`' => return Err("a command substitution"),
                        '\\' => match chars.get(j + 1).map(|c| c.1) {
                            Some(e @ ('$' | '`' | '"' | '\\')) => {
                                word.0.push(e);
                                j += 2;
                            }
                            Some('\n') => j += 2,
                            _ => {
                                word.0.push('\\');
                                j += 1;
                            }
                        },
                        other => {
                            word.0.push(other);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
            }
            '\\' => {
                raw_unquoted_prefix = false;
                match chars.get(i + 1).map(|c| c.1) {
                    Some('\n') => {}
                    Some(e) => word.0.push(e),
                    None => return Err("a trailing backslash"),
                }
                i += 2;
            }
            _ => {
                if c == '=' && raw_unquoted_prefix && words.is_empty() && is_var_name(&word.0) {
                    return Err("a variable assignment");
                }
                if !(c.is_ascii_alphanumeric() || c == '_') {
                    raw_unquoted_prefix = raw_unquoted_prefix && c != '=';
                }
                word.0.push(c);
                i += 1;
            }
        }
    }
    if let Some((value, start)) = cur {
        words.push(SplitWord {
            value,
            start,
            end: at(n),
        });
    }
    if let Some(first) = words.first() {
        let raw = &text[first.start..first.end];
        if KEYWORDS.contains(&raw) {
            return Err("a shell keyword");
        }
    }
    Ok(words)
}

/// Writes `s` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\t`
/// … or `\u00XX`, everything else (non-ASCII included) as it is.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    push_json_escaped(&mut out, s);
    out.push('"');
    out
}

fn push_json_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// Writes a JSON array of strings, `["a", "b"]` style.
pub fn json_array<S: AsRef<str>>(items: &[S]) -> String {
    let parts: Vec<String> = items.iter().map(|s| json_string(s.as_ref())).collect();
    format!("[{}]", parts.join(", "))
}

/// The shell a shell-form instruction runs under: its argv before the text.
#[derive(Clone, Debug)]
struct ShellArgv {
    argv: Vec<String>,
    kind: ShellKind,
    /// A POSIX shell whose options cannot change how a plain command runs (no login or
    /// interactive shell that reads start-up files), ending in `-c`.
    plain_ok: bool,
}

impl ShellArgv {
    fn at(syntax: &Dockerfile, model: &Model, index: usize) -> ShellArgv {
        let kind = model.shell_at(index);
        let declared = model.instructions_before(index).find_map(|j| {
            let inst = &syntax.instructions[j];
            (inst.kind == Kind::Shell)
                .then_some(inst.args.json.as_ref())
                .flatten()
                .filter(|w| !w.is_empty())
                .map(|w| w.iter().map(|w| w.text.clone()).collect::<Vec<_>>())
        });
        match declared {
            Some(argv) => {
                let plain_ok = kind.is_posix()
                    && argv.last().is_some_and(|l| l == "-c")
                    && argv[1..argv.len() - 1].iter().all(|o| harmless_option(o));
                ShellArgv {
                    argv,
                    kind,
                    plain_ok,
                }
            }
            None => {
                let argv: Vec<String> = match kind {
                    ShellKind::Posix(_) => vec!["/bin/sh".into(), "-c".into()],
                    _ => vec!["cmd".into(), "/S".into(), "/C".into()],
                };
                let plain_ok = kind.is_posix();
                ShellArgv {
                    argv,
                    kind,
                    plain_ok,
                }
            }
        }
    }

    fn posix(&self) -> bool {
        self.kind.is_posix()
    }

    /// `$0` for a `sh -c` script: the program's base name.
    fn name(&self) -> String {
        let p = &self.argv[0];
        p.rsplit(['/', '\\']).next().unwrap_or(p).to_string()
    }

    /// How titles show the wrapper: `["/bin/sh", "-c", …]`.
    fn shown(&self, inner: &str) -> String {
        let head: Vec<String> = self.argv.iter().map(|a| json_string(a)).collect();
        format!("[{}, {inner}]", head.join(", "))
    }
}

/// Shell options that do not change what a plain command does: `-e`, `-u`, `-x`,
/// `-o pipefail` and the like (not `-l`/`--login`/`-i`, which read start-up files).
fn harmless_option(o: &str) -> bool {
    matches!(
        o,
        "-o" | "pipefail" | "errexit" | "nounset" | "xtrace" | "--norc" | "--noprofile" | "-"
    ) || (o.len() > 1
        && (o.starts_with('-') || o.starts_with('+'))
        && o[1..].bytes().all(|c| b"euxvfCo".contains(&c)))
}

/// The shell-form text of an instruction and where it is written.
struct Target<'a> {
    /// The instruction as written (the ONBUILD for a trigger).
    outer: &'a Instruction,
    /// CMD, ENTRYPOINT, RUN or HEALTHCHECK.
    kind: Kind,
    onbuild: bool,
    /// The shell text: the joined line, comment lines dropped, trimmed.
    text: &'a str,
    /// Its source range.
    range: TextRange,
}

impl<'a> Target<'a> {
    fn of(syntax: &'a Dockerfile, index: usize) -> Option<Target<'a>> {
        let outer = syntax.instructions.get(index)?;
        let eff = outer.effective();
        let (text, range) = match eff.kind {
            Kind::Cmd | Kind::Entrypoint | Kind::Run => {
                if eff.args.json.is_some() || !eff.heredocs.is_empty() {
                    return None;
                }
                (eff.args.text.as_str(), eff.args.range)
            }
            Kind::Healthcheck => {
                let words = &eff.args.words;
                if eff.args.json.is_some()
                    || words.len() != 2
                    || !words[0].text.eq_ignore_ascii_case("cmd")
                {
                    return None;
                }
                (words[1].text.as_str(), words[1].range)
            }
            _ => return None,
        };
        // Text that starts like a JSON array is a broken exec form, not a command.
        if text.is_empty() || text.starts_with('[') {
            return None;
        }
        Some(Target {
            outer,
            kind: eff.kind,
            onbuild: outer.kind == Kind::Onbuild,
            text,
            range,
        })
    }

    /// The source pieces of the text, split at continuation lines: `(text offset,
    /// source offset, length)`. `None` when the joined line does not map back exactly.
    fn chunks(&self, src: &str) -> Option<Vec<(usize, usize, usize)>> {
        let mut out = Vec::new();
        let mut covered = 0;
        for (s, len) in self.outer.joined.segments() {
            let (a, b) = (s.max(self.range.start()), (s + len).min(self.range.end()));
            if a >= b {
                continue;
            }
            out.push((covered, a, b - a));
            covered += b - a;
        }
        let rebuilt: String = out.iter().map(|&(_, s, l)| &src[s..s + l]).collect();
        (rebuilt == self.text).then_some(out)
    }
}

/// The line (1-based) of a byte offset.
fn line_of(src: &str, offset: usize) -> usize {
    src[..offset.min(src.len())].matches('\n').count() + 1
}

/// What the conversions found out about an instruction, for the rules to pick from.
struct Conversions {
    /// Plain words as a JSON array.
    convert: Option<Fix>,
    /// `exec ` prefixed in shell form.
    exec_prefix: Option<Fix>,
    /// `[shell…, "exec <text>"]`.
    exec_wrapper: Option<Fix>,
    /// `[shell…, "exec <text> \"$@\"", "sh"]` (ENTRYPOINT: passes CMD as arguments).
    pass_args: Option<Fix>,
    /// `[shell…, "<text>"]`.
    wrapper: Option<Fix>,
}

/// Exec-form conversions of the shell-form instruction `index` (into
/// `syntax.instructions`; for ONBUILD its trigger), best first; empty when the
/// instruction is not a shell-form CMD/ENTRYPOINT/RUN/HEALTHCHECK CMD.
pub fn exec_form_fixes(text: &str, syntax: &Dockerfile, model: &Model, index: usize) -> Vec<Fix> {
    let Some(c) = conversions(text, syntax, model, index) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    out.extend(c.convert.clone());
    out.extend(c.exec_prefix);
    if c.convert.is_none() {
        out.extend(c.exec_wrapper.or(c.wrapper));
    }
    out
}

/// The conversions for `entrypoint-shell-ignores-cmd`: only those after which the CMD
/// reaches the program (plain words as an array, or `exec <text> "$@"` through the
/// shell).
pub(crate) fn entrypoint_passing_cmd_fixes(
    text: &str,
    syntax: &Dockerfile,
    model: &Model,
    index: usize,
) -> Vec<Fix> {
    let Some(c) = conversions(text, syntax, model, index) else {
        return Vec::new();
    };
    c.convert.into_iter().chain(c.pass_args).collect()
}

fn conversions(
    text: &str,
    syntax: &Dockerfile,
    model: &Model,
    index: usize,
) -> Option<Conversions> {
    let target = Target::of(syntax, index)?;
    let shell = ShellArgv::at(syntax, model, index);
    let chunks = target.chunks(text);
    let mut c = Conversions {
        convert: None,
        exec_prefix: None,
        exec_wrapper: None,
        pass_args: None,
        wrapper: None,
    };
    let replace = |new: String| vec![TextEdit::replace(target.range, new)];
    let is_cmd_like = matches!(target.kind, Kind::Cmd | Kind::Entrypoint);

    // Plain words: a JSON array.
    let split = if shell.plain_ok {
        split_words(target.text).ok()
    } else {
        None
    };
    if let Some(mut words) = split.filter(|w| !w.is_empty()) {
        // `exec prog …` is `prog …` in exec form.
        if words[0].value == "exec" && words.len() > 1 && !words[1].value.starts_with('-') {
            words.remove(0);
        }
        let program = words[0].value.as_str();
        let unsafe_why = if SHELL_ONLY.contains(&program) {
            Some(None)
        } else if BUILTIN_TWINS.contains(&program) {
            Some(Some(format!(
                "Convert to exec form (runs the `{program}` program, not the shell's builtin)"
            )))
        } else if target.kind == Kind::Entrypoint && target.onbuild {
            Some(Some(
                "Convert to exec form (a CMD of the image built on this one becomes its arguments)"
                    .to_string(),
            ))
        } else if target.kind == Kind::Cmd && !target.onbuild {
            entrypoint_line(text, syntax, model, index).map(|line| {
                Some(format!(
                    "Convert to exec form (the ENTRYPOINT on line {line} receives the words instead of `/bin/sh -c …`)"
                ))
            })
        } else if target.kind == Kind::Entrypoint {
            stage_cmd_line(text, syntax, model, index).map(|line| {
                Some(format!(
                    "Convert to exec form (the CMD on line {line} becomes its arguments)"
                ))
            })
        } else {
            None
        };
        let values: Vec<String> = words.iter().map(|w| w.value.clone()).collect();
        let written = chunks
            .as_ref()
            .and_then(|ch| words_layout(text, &words, ch))
            .filter(|new| verify(text, syntax, &target, new, &values))
            .or_else(|| {
                Some(json_array(&values)).filter(|new| verify(text, syntax, &target, new, &values))
            });
        match (unsafe_why, written) {
            (Some(None), _) | (_, None) => {}
            (Some(Some(title)), Some(new)) => {
                c.convert = Some(Fix::new(title, Applicability::Unsafe, replace(new)));
            }
            (None, Some(new)) => {
                c.convert = Some(Fix::new(
                    "Convert to exec form",
                    Applicability::Safe,
                    replace(new),
                ));
            }
        }
    }

    // One simple command: `exec` in front of it.
    let simple = shell.posix().then(|| simple_command(target.text)).flatten();
    if let Some(simple) = &simple {
        let program = simple.program.as_deref();
        let execable =
            program.is_none_or(|p| !SHELL_ONLY.contains(&p) && !BUILTIN_TWINS.contains(&p));
        if is_cmd_like && execable {
            c.exec_prefix = Some(Fix::new(
                "Run with `exec` so the process receives stop signals (SIGTERM)",
                Applicability::Safe,
                vec![TextEdit::insert(target.range.start(), "exec ")],
            ));
            let script = format!("exec {}", target.text);
            let mut argv = shell.argv.clone();
            argv.push(script.clone());
            if let Some(new) = string_layout(
                text,
                &target,
                chunks.as_deref(),
                &shell.argv,
                "exec ",
                "",
                &[],
            )
            .filter(|new| verify(text, syntax, &target, new, &argv))
            {
                c.exec_wrapper = Some(Fix::new(
                    format!(
                        "Convert to `{}` so the process receives stop signals (SIGTERM)",
                        shell.shown("\"exec …\"")
                    ),
                    Applicability::Unsafe,
                    replace(new),
                ));
            }
            if target.kind == Kind::Entrypoint && !simple.comment {
                let name = shell.name();
                let mut argv = shell.argv.clone();
                argv.push(format!("exec {} \"$@\"", target.text));
                argv.push(name.clone());
                if let Some(new) = string_layout(
                    text,
                    &target,
                    chunks.as_deref(),
                    &shell.argv,
                    "exec ",
                    " \"$@\"",
                    &[name],
                )
                .filter(|new| verify(text, syntax, &target, new, &argv))
                {
                    c.pass_args = Some(Fix::new(
                        format!(
                            "Convert to `{}` so CMD and `docker run` arguments reach the program",
                            shell.shown("\"exec … \\\"$@\\\"\", …")
                        ),
                        Applicability::Unsafe,
                        replace(new),
                    ));
                }
            }
        }
    }

    // Anything else: the whole text as the shell's script.
    let mut argv = shell.argv.clone();
    argv.push(target.text.to_string());
    if let Some(new) = string_layout(text, &target, chunks.as_deref(), &shell.argv, "", "", &[])
        .filter(|new| verify(text, syntax, &target, new, &argv))
    {
        let posix_note = if shell.posix() {
            ""
        } else {
            "; splitting into words is only safe for POSIX shells"
        };
        let title = if is_cmd_like {
            format!(
                "Wrap in `{}` (the shell stays PID 1 and does not pass on stop signals{posix_note})",
                shell.shown("…")
            )
        } else {
            format!(
                "Wrap in `{}`{}",
                shell.shown("…"),
                if shell.posix() {
                    ""
                } else {
                    " (splitting into words is only safe for POSIX shells)"
                }
            )
        };
        c.wrapper = Some(Fix::new(title, Applicability::Unsafe, replace(new)));
    }
    Some(c)
}

/// The line of a CMD in the stage of `index` (which then becomes the arguments of an
/// exec-form ENTRYPOINT).
fn stage_cmd_line(text: &str, syntax: &Dockerfile, model: &Model, index: usize) -> Option<usize> {
    let stage = model.stage_of(index)?;
    stage
        .instructions
        .clone()
        .find(|&j| syntax.instructions[j].kind == Kind::Cmd)
        .map(|j| line_of(text, syntax.instructions[j].range.start()))
}

/// The line of an exec-form ENTRYPOINT of the Dockerfile that a CMD at `index` is
/// passed to (earlier in its stage chain, or later in its stage).
fn entrypoint_line(text: &str, syntax: &Dockerfile, model: &Model, index: usize) -> Option<usize> {
    let later = model
        .stage_of(index)
        .map(|s| (index + 1)..s.instructions.end)
        .into_iter()
        .flatten();
    later
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .chain(model.instructions_before(index))
        .find(|&j| syntax.instructions[j].kind == Kind::Entrypoint)
        .filter(|&j| syntax.instructions[j].is_exec_form())
        .map(|j| line_of(text, syntax.instructions[j].range.start()))
}

/// The instruction `outer` with the source at `range` replaced by `new`, parsed on its
/// own (under the file's escape character); `None` unless it is still one instruction.
fn reparse(
    src: &str,
    escape: char,
    outer: &Instruction,
    range: TextRange,
    new: &str,
) -> Option<Instruction> {
    let mut t = String::new();
    if escape != '\\' {
        t.push_str(&format!("# escape={escape}\n"));
    }
    t.push_str(&src[outer.range.start()..range.start()]);
    t.push_str(new);
    t.push_str(&src[range.end()..outer.range.end()]);
    t.push('\n');
    let mut parsed = crate::syntax::parse(&t);
    (parsed.instructions.len() == 1).then(|| parsed.instructions.remove(0))
}

/// True when `words` are exactly the exec-form arguments of `inst`.
fn has_exec_words(inst: &Instruction, words: &[String]) -> bool {
    inst.args
        .json
        .as_ref()
        .is_some_and(|j| j.len() == words.len() && j.iter().zip(words).all(|(a, b)| a.text == *b))
}

/// Checks that the instruction with its text replaced by `new` parses to exactly the
/// exec-form words `expect`.
fn verify(
    src: &str,
    syntax: &Dockerfile,
    target: &Target<'_>,
    new: &str,
    expect: &[String],
) -> bool {
    reparse(src, syntax.escape, target.outer, target.range, new).is_some_and(|inst| {
        let eff = inst.effective();
        eff.kind == target.kind && has_exec_words(eff, expect)
    })
}

/// The words as a JSON array laid out on the user's lines: each continuation line keeps
/// its words, its indentation and its continuation (escape character, comment lines).
/// `None` when a word spans a continuation or a line holds no word.
fn words_layout(
    src: &str,
    words: &[SplitWord],
    chunks: &[(usize, usize, usize)],
) -> Option<String> {
    if chunks.len() <= 1 {
        return None;
    }
    let chunk_of = |pos: usize| chunks.iter().rposition(|&(t, _, _)| t <= pos);
    let mut per: Vec<Vec<&SplitWord>> = vec![Vec::new(); chunks.len()];
    for w in words {
        let a = chunk_of(w.start)?;
        let (t, _, l) = chunks[a];
        if w.end > t + l {
            return None;
        }
        per[a].push(w);
    }
    if per.iter().any(Vec::is_empty) {
        return None;
    }
    let mut out = String::from("[");
    for (k, &(t, s, l)) in chunks.iter().enumerate() {
        let ws = &per[k];
        let to_src = |p: usize| s + (p - t);
        if k > 0 {
            out.push_str(&src[s..to_src(ws[0].start)]);
        }
        let items: Vec<String> = ws.iter().map(|w| json_string(&w.value)).collect();
        out.push_str(&items.join(", "));
        if k + 1 < chunks.len() {
            out.push(',');
            let trailing = &src[to_src(ws[ws.len() - 1].end)..s + l];
            out.push_str(if trailing.is_empty() { " " } else { trailing });
            out.push_str(&src[s + l..chunks[k + 1].1]);
        }
    }
    out.push(']');
    Some(out)
}

/// `[argv…, "<before><text><after>", extra…]`, the text keeping the user's lines.
fn string_layout(
    src: &str,
    target: &Target<'_>,
    chunks: Option<&[(usize, usize, usize)]>,
    argv: &[String],
    before: &str,
    after: &str,
    extra: &[String],
) -> Option<String> {
    let mut out = String::from("[");
    for a in argv {
        out.push_str(&json_string(a));
        out.push_str(", ");
    }
    out.push('"');
    push_json_escaped(&mut out, before);
    match chunks {
        Some(chunks) if chunks.len() > 1 => {
            for (k, &(_, s, l)) in chunks.iter().enumerate() {
                push_json_escaped(&mut out, &src[s..s + l]);
                if let Some(next) = chunks.get(k + 1) {
                    out.push_str(&src[s + l..next.1]);
                }
            }
        }
        _ => push_json_escaped(&mut out, target.text),
    }
    push_json_escaped(&mut out, after);
    out.push('"');
    for e in extra {
        out.push_str(", ");
        out.push_str(&json_string(e));
    }
    out.push(']');
    Some(out)
}

/// What `exec` needs to know about a text that is one simple command.
#[derive(Debug)]
struct SimpleCommand {
    /// The command name after quote removal, when it is written without expansions.
    program: Option<String>,
    /// The text ends in a `#` comment.
    comment: bool,
}

/// `Some` when `text` is a single simple command (no `;`, `&`, `&&`, `||`, `|`,
/// subshell, compound command or leading assignment), starting with a word that is not
/// a redirection.
fn simple_command(text: &str) -> Option<SimpleCommand> {
    let b = text.as_bytes();
    let mut i = 0;
    let mut first: Option<(usize, usize)> = None;
    let mut word_start: Option<usize> = None;
    let mut comment = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' => {
                if let Some(s) = word_start.take() {
                    first.get_or_insert((s, i));
                }
                i += 1;
                continue;
            }
            b'\n' | b'\r' | b';' | b'(' | b')' => return None,
            b'#' if word_start.is_none() => {
                comment = true;
                break;
            }
            _ => {}
        }
        word_start.get_or_insert(i);
        match c {
            b'|' => {
                // `>|` is a redirection; anything else a pipe or `||`.
                if i == 0 || b[i - 1] != b'>' {
                    return None;
                }
                i += 1;
            }
            b'&' => {
                let redirect = (i > 0 && matches!(b[i - 1], b'>' | b'<'))
                    || (b.get(i + 1) == Some(&b'>') && b.get(i + 2) != Some(&b'&'));
                if !redirect {
                    return None;
                }
                i += 1;
            }
            b'<' | b'>' => {
                if b.get(i + 1) == Some(&b'(') {
                    return None;
                }
                i += 1;
            }
            b'\'' => i = skip_single(b, i + 1)?,
            b'"' => i = skip_double(b, i + 1)?,
            b'\\' => i += 2,
            b'`' => i = skip_backtick(b, i + 1)?,
            b'$' => match b.get(i + 1) {
                Some(b'(') => i = skip_paren(b, i + 2)?,
                Some(b'{') => i = skip_brace(b, i + 2)?,
                _ => i += 1,
            },
            _ => i += 1,
        }
    }
    if let Some(s) = word_start {
        first.get_or_insert((s, i.min(b.len())));
    }
    let (s, e) = first?;
    let raw = &text[s..e];
    if KEYWORDS.contains(&raw)
        || raw.starts_with(['<', '>'])
        || raw
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .starts_with(['<', '>'])
    {
        return None;
    }
    if let Some(eq) = raw.find('=') {
        let name = raw[..eq].trim_end_matches('+');
        let name = name.split('[').next().unwrap_or(name);
        if is_var_name(name) {
            return None;
        }
    }
    let program = split_words(raw)
        .ok()
        .filter(|w| w.len() == 1)
        .map(|mut w| w.remove(0).value);
    if program.is_none() && !raw.contains(['$', '`']) {
        // A name that is neither plain nor an expansion (a glob, braces): unknown.
        return None;
    }
    Some(SimpleCommand { program, comment })
}

fn skip_single(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        if b[i] == b'\'' {
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

fn skip_double(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'`' => i = skip_backtick(b, i + 1)?,
            b'$' if b.get(i + 1) == Some(&b'(') => i = skip_paren(b, i + 2)?,
            b'$' if b.get(i + 1) == Some(&b'{') => i = skip_brace(b, i + 2)?,
            _ => i += 1,
        }
    }
    None
}

fn skip_backtick(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_nested(b: &[u8], mut i: usize, open: u8, close: u8) -> Option<usize> {
    let mut depth = 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\'' => i = skip_single(b, i + 1)?,
            b'"' => i = skip_double(b, i + 1)?,
            b'`' => i = skip_backtick(b, i + 1)?,
            c if c == open => {
                depth += 1;
                i += 1;
            }
            c if c == close => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => i += 1,
        }
    }
    None
}

fn skip_paren(b: &[u8], i: usize) -> Option<usize> {
    skip_nested(b, i, b'(', b')')
}

fn skip_brace(b: &[u8], i: usize) -> Option<usize> {
    skip_nested(b, i, b'{', b'}')
}

/// Quotes an exec-form word for a POSIX shell so that its `$NAME` / `${NAME…}`
/// references expand and everything else stays literal, as one word. `None` for a word
/// a shell-form line cannot hold (control characters).
pub(crate) fn shell_quote_expanding(word: &str) -> Option<String> {
    if word.chars().any(|c| c.is_control()) {
        return None;
    }
    if word.is_empty() {
        return Some("''".into());
    }
    let bare = |c: char| c.is_ascii_alphanumeric() || "_./:=@%+,-".contains(c);
    let refs = var_refs(word);
    if refs.is_empty() {
        if word.chars().all(bare) {
            return Some(word.to_string());
        }
        return Some(format!("'{}'", word.replace('\'', "'\\''")));
    }
    let mut out = String::from("\"");
    let mut i = 0;
    for (s, e) in refs {
        push_double_quoted(&mut out, &word[i..s]);
        out.push_str(&word[s..e]);
        i = e;
    }
    push_double_quoted(&mut out, &word[i..]);
    out.push('"');
    Some(out)
}

fn push_double_quoted(out: &mut String, s: &str) {
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '`' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `$NAME` and `${NAME…}` references (with plain contents) in `word`, as byte spans.
fn var_refs(word: &str) -> Vec<(usize, usize)> {
    let b = word.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'{') => {
                let name_ok = b
                    .get(i + 2)
                    .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_');
                if let Some(close) = skip_brace(b, i + 2).map(|end| end - 1) {
                    let inner = &word[i + 2..close];
                    if name_ok && !inner.contains(['"', '\\', '`', '\'']) {
                        out.push((i, close + 1));
                        i = close + 1;
                        continue;
                    }
                }
                i += 1;
            }
            Some(&c) if c.is_ascii_alphabetic() || c == b'_' => {
                let mut e = i + 1;
                while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_') {
                    e += 1;
                }
                out.push((i, e));
                i = e;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests;

/// The reverse direction, for `exec-form-no-expansion`: the exec-form instruction
/// `index` rewritten so that a POSIX shell expands its `$NAME` references (each word
/// quoted to stay one word). `var` is the reference named in the titles. Empty when no
/// POSIX shell is in force, a word cannot be written (control characters), or the
/// instruction is a CMD that an ENTRYPOINT receives as arguments.
pub(crate) fn shell_expansion_fixes(
    text: &str,
    syntax: &Dockerfile,
    model: &Model,
    index: usize,
    var: &str,
) -> Vec<Fix> {
    let Some(outer) = syntax.instructions.get(index) else {
        return Vec::new();
    };
    let eff = outer.effective();
    let Some(words) = eff.args.json.as_ref().filter(|w| !w.is_empty()) else {
        return Vec::new();
    };
    let shell = ShellArgv::at(syntax, model, index);
    if !shell.posix() {
        return Vec::new();
    }
    let mut quoted = Vec::with_capacity(words.len());
    for (k, w) in words.iter().enumerate() {
        let Some(mut q) = shell_quote_expanding(&w.text) else {
            return Vec::new();
        };
        // A first word that the shell would read as a keyword or an assignment.
        if k == 0
            && (KEYWORDS.contains(&q.as_str()) || q.contains('=') && !q.starts_with(['\'', '"']))
        {
            q = format!("'{q}'");
        }
        quoted.push(q);
    }
    let script = quoted.join(" ");
    let range = eff.args.range;
    let check = |new: &str, want: Result<Vec<String>, String>| -> bool {
        reparse(text, syntax.escape, outer, range, new).is_some_and(|inst| {
            let e = inst.effective();
            e.kind == eff.kind
                && match &want {
                    Ok(argv) => has_exec_words(e, argv),
                    Err(shell_text) => e.args.json.is_none() && e.args.text == *shell_text,
                }
        })
    };
    let mut out = Vec::new();
    let wrapper = |body: String, extra: Option<String>, title: String| {
        let mut argv = shell.argv.clone();
        argv.push(body);
        argv.extend(extra);
        let new = json_array(&argv);
        check(&new, Ok(argv)).then(|| {
            Fix::new(
                title,
                Applicability::Unsafe,
                vec![TextEdit::replace(range, new)],
            )
        })
    };
    let shown = |inner: &str| shell.shown(inner);
    match eff.kind {
        Kind::Run => {
            let title = format!("Convert to shell form so the shell expands `{var}`");
            if !script.starts_with('[') && check(&script, Err(script.clone())) {
                out.push(Fix::new(
                    title,
                    Applicability::Unsafe,
                    vec![TextEdit::replace(range, script.clone())],
                ));
            }
            out.extend(wrapper(
                script.clone(),
                None,
                format!("Convert to `{}` so the shell expands `{var}`", shown("…")),
            ));
        }
        Kind::Cmd => {
            let entrypoint = model
                .instructions_before(index)
                .chain(
                    model
                        .stage_of(index)
                        .map(|s| s.instructions.clone())
                        .into_iter()
                        .flatten(),
                )
                .any(|j| syntax.instructions[j].kind == Kind::Entrypoint);
            if entrypoint {
                return Vec::new();
            }
            let body = format!("exec {script}");
            out.extend(wrapper(
                body.clone(),
                None,
                format!(
                    "Convert to `{}` so the shell expands `{var}`",
                    shown("\"exec …\"")
                ),
            ));
            if check(&body, Err(body.clone())) {
                out.push(Fix::new(
                    format!("Convert to shell form (`exec …`) so the shell expands `{var}`"),
                    Applicability::Unsafe,
                    vec![TextEdit::replace(range, body)],
                ));
            }
        }
        Kind::Entrypoint => {
            out.extend(wrapper(
                format!("exec {script} \"$@\""),
                Some(shell.name()),
                format!(
                    "Convert to `{}` so the shell expands `{var}` (CMD arguments still arrive)",
                    shown("\"exec … \\\"$@\\\"\", …")
                ),
            ));
        }
        _ => {}
    }
    out
}

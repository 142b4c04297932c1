//! Shell views of RUN instructions: the shell text with continuations and inner comment
//! lines blanked to spaces (so tree-sitter-bash offsets map 1:1 to Dockerfile bytes),
//! parsed with tree-sitter-bash into a flat list of simple commands.

use std::cell::RefCell;
use std::sync::{Arc, LazyLock, Mutex};

use tree_sitter::{Node, Parser};

use crate::memo::TextMemo;
use crate::syntax::{Instruction, Joined};
use crate::text::TextRange;

/// A word of a shell command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellWord {
    /// The word's value with quotes removed; for dynamic words the raw text.
    pub text: String,
    /// Source range in the Dockerfile.
    pub range: TextRange,
    /// Contains an expansion (`$x`, `$(…)`, globs excluded): its value is unknown.
    pub dynamic: bool,
}

/// One simple command (`apt-get install -y curl`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellCommand {
    /// The command name after `sudo`/`env` prefixes, path stripped (`/usr/bin/pip` → `pip`).
    pub name: String,
    pub name_range: TextRange,
    pub args: Vec<ShellWord>,
    /// The whole command including prefixes.
    pub range: TextRange,
    /// Run through `sudo`.
    pub sudo: bool,
    /// `VAR=value` prefixes (including those given to `env`).
    pub env: Vec<(String, String)>,
}

impl ShellCommand {
    /// The first argument that is not an option (`install` in `apt-get -q install`).
    pub fn subcommand(&self) -> Option<&ShellWord> {
        self.args.iter().find(|a| !a.text.starts_with('-'))
    }
    /// True when any argument equals one of `flags` (or, for `--x`, starts with `--x=`).
    pub fn has_flag(&self, flags: &[&str]) -> bool {
        self.args.iter().any(|a| {
            flags.iter().any(|f| {
                a.text == *f
                    || (f.starts_with("--")
                        && a.text.starts_with(f)
                        && a.text[f.len()..].starts_with('='))
            })
        })
    }
    /// True when a short-option cluster (`-qy`) contains `c`, or `long` is present.
    pub fn has_option(&self, short: char, long: &[&str]) -> bool {
        self.has_flag(long)
            || self.args.iter().any(|a| {
                a.text.starts_with('-') && !a.text.starts_with("--") && a.text[1..].contains(short)
            })
    }
}

/// A parsed shell script: its commands in source order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Script {
    pub commands: Vec<ShellCommand>,
    /// tree-sitter-bash found a syntax error somewhere in the script.
    pub has_error: bool,
    /// Every `|` / `|&` of a pipeline, with the sides it joins, in source order.
    pub pipes: Vec<Pipe>,
    /// The script is one statement (no `&&`/`||`/`;`/`|` list at the top level; an
    /// `if`, loop or `{ … }` is one statement) running at most one simple command,
    /// not counting command substitutions (`make > /log`, `A=1 go build $(go list)`,
    /// `if [ -d x ]; then rm -r x; fi`).
    pub single_command: bool,
}

/// One `|` (or `|&`) of a pipeline: `left | right`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pipe {
    /// The operator.
    pub op: TextRange,
    /// The stage before the operator (a command, subshell, group…).
    pub left: TextRange,
    /// The stage after the operator.
    pub right: TextRange,
}

/// Builds the blanked shell text of `inst`'s arguments: every byte of the source range
/// that BuildKit drops while joining lines becomes a space.
pub fn blanked_args(text: &str, joined: &Joined, inst: &Instruction) -> (usize, String) {
    let range = inst.args.range;
    let mut out = vec![b' '; range.len()];
    for (src, len) in joined.segments() {
        let s = src.max(range.start());
        let e = (src + len).min(range.end());
        if s < e {
            out[s - range.start()..e - range.start()].copy_from_slice(&text.as_bytes()[s..e]);
        }
    }
    // Blanking only replaces whole dropped regions, which never split a character that is
    // kept; dropped characters become spaces byte by byte.
    let s = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).replace('\u{fffd}', " "));
    (range.start(), s)
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parsed scripts by text, process-wide: the rules run on short-lived scoped threads for
/// large files and the LSP analyses on its blocking pool, so a per-thread memo would be
/// lost or duplicated.
static CACHE: LazyLock<Mutex<TextMemo<Arc<Script>, 20_000>>> = LazyLock::new(Default::default);

/// Parses `script` (whose first byte is at `base` in the Dockerfile) into commands.
/// Results are memoised by text, so unchanged RUNs are not re-parsed on every keystroke.
pub fn parse_script(script: &str, base: usize) -> Script {
    let cached = CACHE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(script)
        .cloned();
    let relative = match cached {
        Some(s) => s,
        None => {
            let parsed = Arc::new(parse_uncached(script));
            CACHE
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(script, parsed.clone());
            parsed
        }
    };
    let shift = |r: TextRange| TextRange::new(r.start() + base, r.end() + base);
    Script {
        commands: relative
            .commands
            .iter()
            .map(|c| ShellCommand {
                name: c.name.clone(),
                name_range: shift(c.name_range),
                args: c
                    .args
                    .iter()
                    .map(|a| ShellWord {
                        text: a.text.clone(),
                        range: shift(a.range),
                        dynamic: a.dynamic,
                    })
                    .collect(),
                range: shift(c.range),
                sudo: c.sudo,
                env: c.env.clone(),
            })
            .collect(),
        has_error: relative.has_error,
        pipes: relative
            .pipes
            .iter()
            .map(|p| Pipe {
                op: shift(p.op),
                left: shift(p.left),
                right: shift(p.right),
            })
            .collect(),
        single_command: relative.single_command,
    }
}

fn parse_uncached(script: &str) -> Script {
    PARSER.with(|p| {
        let mut p = p.borrow_mut();
        let parser = p.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .expect("the bundled bash grammar matches the tree-sitter runtime");
            parser
        });
        let Some(tree) = parser.parse(script, None) else {
            return Script::default();
        };
        let root = tree.root_node();
        let mut out = Script {
            commands: Vec::new(),
            has_error: root.has_error(),
            pipes: Vec::new(),
            single_command: single_command(root),
        };
        collect(root, script, &mut out.commands);
        collect_pipes(root, &mut out.pipes);
        out.pipes.sort_by_key(|p| p.op.start);
        out.commands.sort_by_key(|c| c.range.start);
        out
    })
}

/// True when `root` holds exactly one statement, not joined by `&&`, `||`, `;` or `|`
/// (an `if`, loop or `{ … }` counts as one), with at most one simple command in it
/// outside command substitutions.
fn single_command(root: Node<'_>) -> bool {
    let mut cursor = root.walk();
    let mut statements = root
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment");
    let (Some(only), None) = (statements.next(), statements.next()) else {
        return false;
    };
    if matches!(only.kind(), "list" | "pipeline" | "negated_command") {
        return false;
    }
    fn count(node: Node<'_>) -> usize {
        if matches!(node.kind(), "command_substitution" | "process_substitution") {
            return 0;
        }
        let mut cursor = node.walk();
        let inner: usize = node.children(&mut cursor).map(count).sum();
        inner + usize::from(node.kind() == "command")
    }
    count(only) <= 1
}

fn collect(node: Node<'_>, src: &str, out: &mut Vec<ShellCommand>) {
    if node.kind() == "command" {
        if let Some(cmd) = command(node, src) {
            out.push(cmd);
        }
    }
    if node.kind() == "unset_command" {
        out.extend(unset_command(node, src));
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect(child, src, out);
    }
}

fn collect_pipes(node: Node<'_>, out: &mut Vec<Pipe>) {
    if node.kind() == "pipeline" {
        for i in 0..node.child_count() {
            let Some(op) = node.child(i) else { continue };
            if op.is_named() || !matches!(op.kind(), "|" | "|&") {
                continue;
            }
            if let (Some(l), Some(r)) = (op.prev_named_sibling(), op.next_named_sibling()) {
                out.push(Pipe {
                    op: range(op),
                    left: range(l),
                    right: range(r),
                });
            }
        }
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        collect_pipes(child, out);
    }
}

fn range(node: Node<'_>) -> TextRange {
    TextRange::new(node.start_byte(), node.end_byte())
}

fn command(node: Node<'_>, src: &str) -> Option<ShellCommand> {
    let mut env = Vec::new();
    let mut words: Vec<ShellWord> = Vec::new();
    for i in 0..node.child_count() {
        let Some(child) = node.child(i) else {
            continue;
        };
        let field = node.field_name_for_child(i);
        match child.kind() {
            "variable_assignment" => {
                let name = child
                    .child_by_field_name("name")
                    .map(|n| src[n.byte_range()].to_string())
                    .unwrap_or_default();
                let value = child
                    .child_by_field_name("value")
                    .map(|v| word(v, src).text)
                    .unwrap_or_default();
                env.push((name, value));
            }
            "command_name" => {
                let inner = child.named_child(0).unwrap_or(child);
                words.push(word(inner, src));
            }
            k if k.ends_with("redirect") || k == "herestring_redirect" => {}
            _ if field == Some("argument") => words.push(word(child, src)),
            _ => {}
        }
    }
    // Strip wrappers: `sudo [-opts] cmd`, `env [A=b] cmd`, `exec cmd`, `time cmd`.
    let mut sudo = false;
    loop {
        let first = words.first()?;
        match first.text.as_str() {
            "sudo" => {
                sudo = true;
                words.remove(0);
                while words.first().is_some_and(|w| w.text.starts_with('-')) {
                    let w = words.remove(0);
                    if matches!(w.text.as_str(), "-u" | "-g" | "-U" | "-C" | "-h" | "-p")
                        && !words.is_empty()
                    {
                        words.remove(0);
                    }
                }
                while let Some((k, v)) = words.first().and_then(|w| w.text.split_once('=')) {
                    if k.is_empty() || !k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_') {
                        break;
                    }
                    env.push((k.to_string(), v.to_string()));
                    words.remove(0);
                }
            }
            "env" => {
                words.remove(0);
                while let Some(w) = words.first() {
                    if w.text.starts_with('-') {
                        words.remove(0);
                    } else if let Some((k, v)) = w.text.split_once('=') {
                        env.push((k.to_string(), v.to_string()));
                        words.remove(0);
                    } else {
                        break;
                    }
                }
            }
            "exec" | "time" | "nohup" | "command" => {
                words.remove(0);
            }
            _ => break,
        }
    }
    let name_word = words.remove(0);
    let name = name_word
        .text
        .rsplit('/')
        .next()
        .unwrap_or(&name_word.text)
        .to_string();
    Some(ShellCommand {
        name,
        name_range: name_word.range,
        args: words,
        range: range(node),
        sudo,
        env,
    })
}

/// The value of a word node: quotes removed, escapes processed; dynamic when it holds
/// an expansion or a command substitution.
fn word(node: Node<'_>, src: &str) -> ShellWord {
    let mut text = String::new();
    let mut dynamic = false;
    word_into(node, src, &mut text, &mut dynamic);
    ShellWord {
        text,
        range: range(node),
        dynamic,
    }
}

fn word_into(node: Node<'_>, src: &str, out: &mut String, dynamic: &mut bool) {
    let raw = &src[node.byte_range()];
    match node.kind() {
        "word" | "number" => {
            let mut it = raw.chars();
            while let Some(c) = it.next() {
                if c == '\\' {
                    if let Some(n) = it.next() {
                        out.push(n);
                    }
                } else {
                    out.push(c);
                }
            }
        }
        "raw_string" => out.push_str(raw.trim_start_matches('\'').trim_end_matches('\'')),
        "ansi_c_string" => out.push_str(raw),
        "string" => {
            // Error recovery can hand us a string without its closing quote (or even its
            // opening one), so strip only the quotes that are there and never slice by
            // guessed offsets: a multi-byte character may sit where the quote would be.
            let mut cursor = node.walk();
            let open = usize::from(raw.starts_with('"'));
            let close = usize::from(raw.len() > open && raw.ends_with('"'));
            let mut last = node.start_byte() + open;
            let end = (node.end_byte() - close).max(last);
            let slice = |a: usize, b: usize| src.get(a..b).unwrap_or_default();
            for child in node.named_children(&mut cursor) {
                if child.kind() == "string_content" {
                    continue;
                }
                out.push_str(slice(last.min(child.start_byte()), child.start_byte()));
                *dynamic = true;
                out.push_str(slice(child.start_byte(), child.end_byte()));
                last = child.end_byte();
            }
            if last < end {
                out.push_str(slice(last, end));
            }
        }
        "concatenation" => {
            let mut cursor = node.walk();
            for child in node.children(&mut cursor) {
                word_into(child, src, out, dynamic);
            }
        }
        "simple_expansion"
        | "expansion"
        | "command_substitution"
        | "arithmetic_expansion"
        | "process_substitution" => {
            *dynamic = true;
            out.push_str(raw);
        }
        _ => out.push_str(raw),
    }
}

/// `unset [-fv] NAME…`, which tree-sitter-bash parses as its own node kind.
fn unset_command(node: Node<'_>, src: &str) -> Option<ShellCommand> {
    let keyword = node.child(0)?;
    let mut cursor = node.walk();
    let args = node
        .named_children(&mut cursor)
        .filter(|c| !c.kind().ends_with("redirect"))
        .map(|c| word(c, src))
        .collect();
    Some(ShellCommand {
        name: "unset".into(),
        name_range: range(keyword),
        args,
        range: range(node),
        sudo: false,
        env: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(script: &str) -> Vec<(String, Vec<String>)> {
        parse_script(script, 0)
            .commands
            .into_iter()
            .map(|c| (c.name, c.args.into_iter().map(|a| a.text).collect()))
            .collect()
    }

    #[test]
    fn splits_commands_and_strips_wrappers() {
        let got = names("apt-get update && sudo -E DEBIAN_FRONTEND=x apt-get install -y 'cu rl' || (cd /x; env A=1 /usr/bin/pip install \"a==1\")");
        assert_eq!(
            got,
            vec![
                ("apt-get".into(), vec!["update".into()]),
                (
                    "apt-get".into(),
                    vec!["install".into(), "-y".into(), "cu rl".into()]
                ),
                ("cd".into(), vec!["/x".into()]),
                ("pip".into(), vec!["install".into(), "a==1".into()]),
            ]
        );
    }

    #[test]
    fn unterminated_strings_ending_in_wide_characters_do_not_panic() {
        // Found by the incremental-store property test: error recovery yields a `string`
        // node whose last byte is inside a multi-byte character.
        for script in [
            "echo \"é\"]sca${A#x}😀",
            "echo \"${A#x}😀",
            "echo \"a😀",
            "echo \"😀\"",
        ] {
            let s = parse_script(script, 0);
            assert_eq!(s.commands[0].name, "echo", "{script}");
        }
        // An assignment alone is no command, but its value is read all the same.
        assert!(parse_script("x=\"é${B}\u{e9}", 0).commands.is_empty());
        let s = parse_script("echo \"a😀\"", 0);
        assert_eq!(s.commands[0].args[0].text, "a😀");
    }

    #[test]
    fn records_pipes() {
        let s = parse_script("curl -s x | sh && (a | b |& c)", 0);
        let got: Vec<_> = s
            .pipes
            .iter()
            .map(|p| (p.left.start(), p.op.start(), p.right.start()))
            .collect();
        assert_eq!(got, [(0, 10, 12), (19, 21, 23), (23, 25, 28)]);
    }

    #[test]
    fn marks_dynamic_words() {
        let s = parse_script("apk add $PKGS \"x${V}\" plain", 10);
        let args = &s.commands[0].args;
        assert_eq!(
            args.iter().map(|a| a.dynamic).collect::<Vec<_>>(),
            [false, true, true, false]
        );
        assert_eq!(s.commands[0].name_range, TextRange::new(10, 13));
    }
}

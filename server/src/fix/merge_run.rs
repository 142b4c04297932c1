//! Merging adjacent RUN instructions into one RUN (issue 4, flagship 2).
//!
//! `RUN A` followed by `RUN B` runs `sh -c A`, stops the build if it fails, then runs
//! `sh -c B`. The merged `RUN A && B` means the same when:
//! - `A`'s status is the status of its last and-or list `lN` (true for a plain shell:
//!   `l1; …; lN && B` runs `B` exactly when `lN` succeeded, and fails otherwise);
//! - `B` is joined to `lN` as a whole: `lN && b1 || b2` would run `b2` when `A` failed,
//!   and `lN && b1; b2` would run `b2` anyway. So a `B` that is more than pipelines
//!   joined by `&&` is wrapped as `{ b1 || b2; }`;
//! - `A` leaves no state behind that `B` would now see: `cd`, `set`, `export`, `umask`,
//!   `trap`, functions, aliases, or a shell variable `B` reads. Such a merge is offered
//!   as unsafe, naming the command;
//! - nothing in `A` ends the script early with success (`exit`, `exec cmd`), starts a
//!   background job (`&`, which would keep running during `B`), or comments out the
//!   rest of the joined line (a trailing `# note`). Such RUNs are refused with a reason.
//!
//! The RUNs are joined with ` && \` (or a leading `&&` when the file writes its
//! continuations that way), the continuation lines indented like the file's RUNs,
//! comment lines between the RUNs kept as comment lines inside the continuation
//! (BuildKit drops them there), blank lines between them dropped. Suppression comments
//! (`# hadolint ignore=…`, `# dockerfile-lsp ignore=…`, `# check=skip=…`) between them
//! move above the merged RUN instead, so that they keep applying (now to all of it).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::{LazyLock, Mutex};

use tree_sitter::{Node, Parser, Tree};

use crate::memo::TextMemo;
use crate::rules::suppression::is_suppression;
use crate::rules::{Applicability, Fix};
use crate::semantic::{shell::blanked_args, Model, ShellKind};
use crate::syntax::{Dockerfile, Instruction, Kind};
use crate::text::{LineIndex, TextEdit, TextRange};

/// Merges instructions `first..=last` (indices into `syntax.instructions`) into one RUN.
/// Err(reason) — a sentence for the user — when they are not all adjacent shell-form
/// RUNs with identical flags and no heredocs, or the merge cannot keep their meaning.
pub fn merge_runs(
    text: &str,
    syntax: &Dockerfile,
    first: usize,
    last: usize,
) -> Result<Fix, String> {
    let model = Model::build(text, syntax);
    merge_runs_with(text, syntax, &model, &LineIndex::new(text), first, last)
}

/// [`merge_runs`] with the semantic model already built (for rules).
pub(crate) fn merge_runs_with(
    text: &str,
    syntax: &Dockerfile,
    model: &Model,
    index: &LineIndex,
    first: usize,
    last: usize,
) -> Result<Fix, String> {
    let insts = &syntax.instructions;
    if first >= last || last >= insts.len() {
        return Err("Select at least two adjacent RUN instructions to merge.".into());
    }
    let line = |offset: usize| index.line_of(offset) + 1;
    let onbuild = insts[first].kind == Kind::Onbuild;
    let mut views = Vec::new();
    for (k, inst) in insts.iter().enumerate().take(last + 1).skip(first) {
        let eff = inst.effective();
        let at = line(inst.range.start());
        if eff.kind != Kind::Run {
            return Err(format!(
                "Line {at} holds `{}`, not a RUN; only adjacent RUNs can be merged.",
                inst.keyword.to_ascii_uppercase()
            ));
        }
        if (inst.kind == Kind::Onbuild) != onbuild {
            return Err(format!(
                "The RUN on line {} is {}an ONBUILD trigger and the one on line {at} is {}; they run at different times.",
                line(insts[first].range.start()),
                if onbuild { "" } else { "not " },
                if onbuild { "not" } else { "one" },
            ));
        }
        if eff.is_exec_form() {
            return Err(format!(
                "The RUN on line {at} is in exec form (a JSON array); only shell-form RUNs can be joined with `&&`."
            ));
        }
        if !eff.heredocs.is_empty() {
            return Err(format!(
                "The RUN on line {at} has a heredoc; it cannot be joined with `&&`."
            ));
        }
        if syntax
            .errors
            .iter()
            .any(|e| e.range.intersects(inst.range) || inst.range.contains(e.range.start()))
        {
            return Err(format!("The RUN on line {at} has a syntax error."));
        }
        if eff.args.text.trim().is_empty() {
            return Err(format!("The RUN on line {at} has no command."));
        }
        if k > first {
            flags_match(&insts[k - 1], inst, &line)?;
        }
        let (base, view) = blanked_args(text, &inst.joined, eff);
        views.push((base, view));
    }
    match model.shell_at(first) {
        ShellKind::Posix(_) => {}
        // Backtick escape with no SHELL and a base image not known to be Windows: the
        // image's /bin/sh, as far as we can tell.
        ShellKind::Other(w) if w == "windows" => {}
        ShellKind::PowerShell => {
            return Err("These RUNs run in PowerShell; merging is offered for POSIX shells only.".into())
        }
        ShellKind::Cmd => {
            return Err("These RUNs run in cmd.exe; merging is offered for POSIX shells only.".into())
        }
        ShellKind::Other(p) => {
            return Err(format!(
                "These RUNs run in `{p}` (the SHELL in force); merging is offered for POSIX shells only."
            ))
        }
    }

    // Shell analysis of every RUN.
    let facts: Vec<Facts> = views
        .iter()
        .map(|(base, view)| analyse(view, *base))
        .collect();
    let mut unsafe_reasons: Vec<String> = Vec::new();
    let mut groups = vec![false; facts.len()];
    // Where a RUN's text ends when a trailing `;` is dropped.
    let mut cuts: Vec<Option<usize>> = vec![None; facts.len()];
    for (j, f) in facts.iter().enumerate() {
        let k = first + j;
        let at = line(insts[k].range.start());
        let is_last = k == last;
        if f.error {
            return Err(format!(
                "The shell text of the RUN on line {at} does not parse; fix it first."
            ));
        }
        if let Some(bg) = &f.background {
            return Err(format!(
                "The RUN on line {at} starts a background job (`{bg}`), which would keep running during the commands merged with it."
            ));
        }
        groups[j] = j > 0 && f.needs_group;
        if !is_last {
            if let Some(c) = &f.comment {
                return Err(format!(
                    "The RUN on line {at} has a shell comment (`{c}`) that would comment out the commands merged after it."
                ));
            }
            if let Some(e) = &f.early_exit {
                return Err(format!(
                    "The RUN on line {at} can end its script early (`{e}`), which would skip the commands merged after it."
                ));
            }
            if f.trailing_semicolon && !groups[j] {
                // `a;` then `&& b`: the `;` goes (`a` and `a;` end with the same status).
                let from = views[j].0 + f.semicolon_from;
                let to = insts[k].effective().args.range.end();
                if insts[k]
                    .inner_comments
                    .iter()
                    .any(|r| r.start() >= from && r.start() < to)
                {
                    return Err(format!(
                        "The RUN on line {at} ends with `;` after a comment line; remove it before merging."
                    ));
                }
                cuts[j] = Some(from);
            }
            if let Some(s) = &f.state {
                unsafe_reasons.push(format!(
                    "`{s}` on line {} would then also apply to the commands after it",
                    line(f.state_at)
                ));
            }
            let later_refs: BTreeSet<&str> = facts[j + 1..]
                .iter()
                .flat_map(|g| g.refs.iter().map(String::as_str))
                .collect();
            for (name, at) in &f.assigned {
                if later_refs.contains(name.as_str()) {
                    unsafe_reasons.push(format!(
                        "`${name}` set on line {} would then be visible to the commands after it",
                        line(*at)
                    ));
                }
            }
        } else if groups[j] && f.comment.is_some() {
            return Err(format!(
                "The RUN on line {at} ends with a shell comment; it cannot be wrapped in `{{ …; }}` to keep its meaning."
            ));
        }
    }
    // `set -e…` in an earlier RUN is harmless when every later RUN opens by setting at
    // least the same options itself.
    let mut options: BTreeSet<String> = BTreeSet::new();
    let mut options_from: Option<(usize, &str)> = None;
    for (j, f) in facts.iter().enumerate() {
        if j > 0 && !options.is_empty() {
            let covered = f
                .leading_set
                .as_ref()
                .is_some_and(|l| l.is_superset(&options));
            if let (false, Some((at, text))) = (covered, options_from) {
                unsafe_reasons.push(format!(
                    "`{text}` on line {} would then also apply to the commands after it",
                    line(at)
                ));
                break;
            }
        }
        if first + j < last && !f.set_options.is_empty() {
            options.extend(f.set_options.iter().cloned());
            options_from.get_or_insert((f.set_at, f.set_text.as_str()));
        }
    }
    // Insurance: the joined shell text must still parse.
    let mut merged = String::new();
    for (j, (_, view)) in views.iter().enumerate() {
        if j > 0 {
            merged.push_str(" && ");
        }
        if groups[j] {
            merged.push_str("{ ");
            merged.push_str(view.trim_end());
            merged.push_str(close(&facts[j]));
        } else if let Some(cut) = cuts[j] {
            merged.push_str(&view[..cut - views[j].0]);
        } else {
            merged.push_str(view);
        }
    }
    if !parses_clean(&merged) {
        return Err("The merged commands would not parse as one shell script.".into());
    }

    // Layout.
    // The style of the RUNs' stage, else of the file.
    let stage = model
        .stage_of(first)
        .map_or(0..insts.len(), |s| s.instructions.clone());
    let layout = Layout::of(text, syntax, first, stage.clone())
        .or_else(|| Layout::of(text, syntax, first, 0..insts.len()))
        .unwrap_or_else(|| Layout::plain(text, &insts[first]));
    let mut edits = Vec::new();
    let mut pragmas = String::new();
    for k in first..last {
        let (a, b) = (insts[k].effective(), insts[k + 1].effective());
        let span = TextRange::new(
            cuts[k - first].unwrap_or(a.args.range.end()),
            b.args.range.start(),
        );
        let mut new = String::new();
        // Close the `{ ` opened before this RUN (at its end, where this edit starts).
        if groups[k - first] {
            new.push_str(close(&facts[k - first]));
        }
        let esc = syntax.escape;
        let eol = crate::text::line_break_at(text, insts[k].range.end());
        let cont = format!("{}{}", layout.base, layout.unit);
        if layout.leading {
            new.push_str(&format!(" {esc}{eol}"));
        } else {
            new.push_str(&format!(" && {esc}{eol}"));
        }
        for c in syntax
            .comments
            .iter()
            .filter(|c| span.start() <= c.range.start() && c.range.end() <= span.end())
        {
            let comment = text[c.range.range()].trim_end_matches(['\r', '\n']);
            if is_suppression(&c.text) && !c.in_continuation {
                // Inside the continuation it would no longer apply: it moves above the
                // merged RUN, where it applies to all of it.
                pragmas.push_str(&format!("{}{comment}{eol}", layout.base));
            } else {
                new.push_str(&format!("{cont}{comment}{eol}"));
            }
        }
        new.push_str(&cont);
        if layout.leading {
            new.push_str("&& ");
        }
        let j = k + 1 - first;
        if groups[j] {
            new.push_str("{ ");
        }
        edits.push(minimal(text, span, &new));
    }
    if !pragmas.is_empty() {
        let start = insts[first].range.start() - layout.base.len();
        edits.insert(0, TextEdit::insert(start, pragmas));
    }
    if groups[last - first] {
        let end = insts[last].effective().args.range.end();
        edits.push(TextEdit::insert(end, close(&facts[last - first])));
    }
    let lines: Vec<usize> = (first..=last)
        .map(|k| line(insts[k].range.start()))
        .collect();
    let title = if lines.len() == 2 {
        format!("Merge the RUNs on lines {} and {}", lines[0], lines[1])
    } else {
        format!(
            "Merge the {} RUNs on lines {}–{}",
            lines.len(),
            lines[0],
            lines[lines.len() - 1]
        )
    };
    Ok(
        finish(title, unsafe_reasons, edits).also_editing([TextRange::new(
            insts[first].range.start(),
            insts[last].range.end(),
        )]),
    )
}

/// What closes a `{ ` group around a RUN's text.
fn close(f: &Facts) -> &'static str {
    if f.trailing_semicolon {
        " }"
    } else {
        "; }"
    }
}

/// Builds the fix: safe, or unsafe with the first reason in the title.
fn finish(title: String, reasons: Vec<String>, edits: Vec<TextEdit>) -> Fix {
    match reasons.first() {
        None => Fix::new(title, Applicability::Safe, edits),
        Some(r) => Fix::new(
            format!("{title} (unsafe: {r})"),
            Applicability::Unsafe,
            edits,
        ),
    }
}

/// Renames a merge fix: `title` replaces the generic "Merge the RUNs on …" part and the
/// unsafe reason, if any, is kept.
pub(crate) fn retitle(mut fix: Fix, title: &str) -> Fix {
    let reason = fix
        .title
        .find(" (unsafe: ")
        .map(|i| fix.title[i..].to_string())
        .unwrap_or_default();
    fix.title = format!("{title}{reason}");
    fix
}

fn flags_match(
    a: &Instruction,
    b: &Instruction,
    line: &dyn Fn(usize) -> usize,
) -> Result<(), String> {
    let one = |f: &crate::syntax::Flag| -> String {
        let value = f.value.clone().unwrap_or_default();
        let value = if f.name.eq_ignore_ascii_case("mount") {
            let mut parts: Vec<&str> = value.split(',').map(str::trim).collect();
            parts.sort();
            parts.join(",")
        } else {
            value
        };
        format!("--{}={value}", f.name.to_ascii_lowercase())
    };
    let norm = |inst: &Instruction| -> Vec<String> {
        let mut v: Vec<String> = inst.effective().flags.iter().map(one).collect();
        v.sort();
        v
    };
    let (fa, fb) = (norm(a), norm(b));
    if fa == fb {
        return Ok(());
    }
    let only = |inst: &Instruction, other: &[String]| -> String {
        let only: Vec<String> = inst
            .effective()
            .flags
            .iter()
            .filter(|f| !other.contains(&one(f)))
            .map(|f| format!("`{}`", f.raw))
            .collect();
        if only.is_empty() && inst.effective().flags.is_empty() {
            "no flags".into()
        } else if only.is_empty() {
            "only the flags they share".into()
        } else {
            only.join(" ")
        }
    };
    Err(format!(
        "The RUN on line {} has {} and the RUN on line {} has {}; RUNs with different flags cannot be merged.",
        line(b.range.start()),
        only(b, &fa),
        line(a.range.start()),
        only(a, &fb),
    ))
}

/// How the file writes continuation lines.
struct Layout {
    /// The leading whitespace of the first RUN's line.
    base: String,
    /// One level of continuation indentation.
    unit: String,
    /// `\` at the end, `&& b` at the start of the next line.
    leading: bool,
}

impl Layout {
    /// No sample to follow: 4 spaces, trailing `&&`.
    fn plain(text: &str, first: &Instruction) -> Layout {
        Layout {
            base: base_indent(text, first),
            unit: "    ".into(),
            leading: false,
        }
    }

    /// The style of the RUNs among `among` that continue a command on a new line;
    /// `None` when there is none.
    fn of(
        text: &str,
        syntax: &Dockerfile,
        first: usize,
        among: std::ops::Range<usize>,
    ) -> Option<Layout> {
        let line_start = |at: usize| text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let base = base_indent(text, &syntax.instructions[first]);
        let mut units: HashMap<String, (usize, usize)> = HashMap::new();
        let (mut leading, mut trailing) = (0usize, 0usize);
        for (n, inst) in syntax
            .instructions
            .iter()
            .enumerate()
            .take(among.end)
            .skip(among.start)
        {
            let eff = inst.effective();
            if eff.kind != Kind::Run || eff.is_exec_form() {
                continue;
            }
            let own = &text[line_start(inst.range.start())..inst.range.start()];
            let body_end = eff
                .heredocs
                .first()
                .map_or(inst.range.end(), |h| h.body_range.start());
            // The first few continuation lines tell the style; long package lists
            // would only cost time.
            let mut lines = text[inst.range.start()..body_end].lines().take(4);
            let mut prev = lines.next().unwrap_or_default();
            let mut first_cont = true;
            for l in lines {
                let t = l.trim();
                if t.is_empty() || t.starts_with('#') {
                    continue;
                }
                let prev_t = prev.trim_end().trim_end_matches(syntax.escape).trim_end();
                if t.starts_with("&&") {
                    leading += 1;
                } else if prev_t.ends_with("&&") {
                    trailing += 1;
                }
                // Only lines that start a command count for the indentation (not the
                // deeper package lists of `apt-get install -y \`).
                let starts_command = ["&&", "||", "|", ";"]
                    .iter()
                    .any(|op| t.starts_with(op) || prev_t.ends_with(op));
                if first_cont && starts_command {
                    first_cont = false;
                    let ws = &l[..l.len() - l.trim_start().len()];
                    if let Some(rel) = ws.strip_prefix(own) {
                        if !rel.is_empty() {
                            let e = units.entry(rel.to_string()).or_insert((0, n));
                            e.0 += 1;
                        }
                    }
                }
                prev = l;
            }
        }
        if units.is_empty() && leading + trailing == 0 {
            return None;
        }
        let unit = units
            .into_iter()
            .max_by_key(|(u, (count, first_seen))| {
                (*count, u == "    ", std::cmp::Reverse(*first_seen))
            })
            .map_or_else(|| "    ".to_string(), |(u, _)| u);
        Some(Layout {
            base,
            unit,
            leading: leading > trailing,
        })
    }
}

/// The whitespace before `inst` on its line.
fn base_indent(text: &str, inst: &Instruction) -> String {
    let start = text[..inst.range.start()]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let ws = &text[start..inst.range.start()];
    if ws.trim().is_empty() {
        ws.to_string()
    } else {
        String::new()
    }
}

/// Replaces `range` by `new`, shrunk to the part that differs.
fn minimal(text: &str, range: TextRange, new: &str) -> TextEdit {
    let old = &text[range.range()];
    let mut pre = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !old.is_char_boundary(pre) || !new.is_char_boundary(pre) {
        pre -= 1;
    }
    let (old_rest, new_rest) = (&old[pre..], &new[pre..]);
    let mut suf = old_rest
        .bytes()
        .rev()
        .zip(new_rest.bytes().rev())
        .take_while(|(a, b)| a == b)
        .count();
    while !old_rest.is_char_boundary(old_rest.len() - suf)
        || !new_rest.is_char_boundary(new_rest.len() - suf)
    {
        suf -= 1;
    }
    TextEdit::replace(
        TextRange::new(range.start() + pre, range.end() - suf),
        &new_rest[..new_rest.len() - suf],
    )
}

/// What merging needs to know about one RUN's shell text.
#[derive(Clone, Debug, Default)]
struct Facts {
    error: bool,
    /// A shell comment (`# …` on the joined line).
    comment: Option<String>,
    /// A `&` job.
    background: Option<String>,
    trailing_semicolon: bool,
    /// Where the trailing `;` (and the blanks before it) starts.
    semicolon_from: usize,
    /// `exit` (not with a literal failure status), `exec cmd`, `return`.
    early_exit: Option<String>,
    /// The first command that changes the shell's state for what follows.
    state: Option<String>,
    state_at: usize,
    /// Options turned on by plain `set -eux` / `set -o pipefail` commands (kept apart
    /// from `state`: harmless when every later RUN starts by setting them itself).
    set_options: BTreeSet<String>,
    set_at: usize,
    set_text: String,
    /// The options of a `set -…` that opens the script.
    leading_set: Option<BTreeSet<String>>,
    /// Shell variables assigned at the top level (not exported), with their offsets.
    assigned: Vec<(String, usize)>,
    /// Variables the script reads.
    refs: BTreeSet<String>,
    /// More than pipelines joined by `&&`: needs `{ …; }` after a `&&`.
    needs_group: bool,
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn parse(script: &str) -> Option<Tree> {
    PARSER.with(|p| {
        let mut p = p.borrow_mut();
        let parser = p.get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_bash::LANGUAGE.into())
                .expect("the bundled bash grammar matches the tree-sitter runtime");
            parser
        });
        parser.parse(script, None)
    })
}

/// Commands that change the state of the shell that runs them.
const STATEFUL: &[&str] = &[
    "cd",
    "pushd",
    "popd",
    "set",
    "shopt",
    "setopt",
    "umask",
    "ulimit",
    "alias",
    "unalias",
    "source",
    ".",
    "eval",
    "trap",
    "shift",
    "read",
    "mapfile",
    "readarray",
    "getopts",
    "let",
    "export",
    "unset",
    "declare",
    "typeset",
    "readonly",
    "local",
    "enable",
    "hash",
];

/// Facts by shell text (offsets relative to it), and whether a merged text parses: the
/// same RUNs come back on every keystroke. Process-wide, not per thread: the rules run on
/// short-lived scoped threads for large files and on the LSP's blocking pool.
static FACTS: LazyLock<Mutex<TextMemo<Facts, 10_000>>> = LazyLock::new(Default::default);
static PARSES: LazyLock<Mutex<TextMemo<bool, 10_000>>> = LazyLock::new(Default::default);

/// Inserts into a memo table.
fn remember<V, const N: usize>(table: &Mutex<TextMemo<V, N>>, key: &str, value: V) {
    table
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, value);
}

/// [`analyse_uncached`], memoised by text.
fn analyse(view: &str, base: usize) -> Facts {
    let cached = FACTS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(view)
        .cloned();
    let mut f = match cached {
        Some(f) => f,
        None => {
            let f = analyse_uncached(view, 0);
            remember(&FACTS, view, f.clone());
            f
        }
    };
    f.state_at += base;
    f.set_at += base;
    for (_, at) in &mut f.assigned {
        *at += base;
    }
    f
}

/// True when `script` parses as shell without error (memoised).
fn parses_clean(script: &str) -> bool {
    let cached = PARSES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(script)
        .copied();
    if let Some(ok) = cached {
        return ok;
    }
    let ok = parse(script).is_some_and(|t| !t.root_node().has_error());
    remember(&PARSES, script, ok);
    ok
}

fn analyse_uncached(view: &str, base: usize) -> Facts {
    let mut facts = Facts::default();
    let Some(tree) = parse(view) else {
        facts.error = true;
        return facts;
    };
    let root = tree.root_node();
    facts.error = root.has_error();
    walk(root, view, base, false, &mut facts);
    // Top-level structure.
    let mut cursor = root.walk();
    let children: Vec<Node<'_>> = root
        .children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    let statements = children.iter().filter(|n| n.is_named()).count();
    facts.leading_set = children
        .iter()
        .find(|n| n.is_named())
        .filter(|n| n.kind() == "command")
        .and_then(|n| {
            let mut cursor = n.walk();
            let words: Vec<String> = n
                .children(&mut cursor)
                .enumerate()
                .filter(|(i, c)| {
                    c.kind() == "command_name"
                        || n.field_name_for_child(*i as u32) == Some("argument")
                })
                .map(|(_, c)| view[c.byte_range()].to_string())
                .collect();
            (words.first().map(String::as_str) == Some("set"))
                .then(|| set_options(&words[1..]))
                .flatten()
        });
    facts.trailing_semicolon = children.last().is_some_and(|n| n.kind() == ";");
    facts.semicolon_from = children
        .iter()
        .rev()
        .find(|n| n.is_named())
        .map_or(0, |n| n.end_byte());
    facts.needs_group = statements != 1
        || children
            .iter()
            .find(|n| n.is_named())
            .is_some_and(|n| !and_only(*n));
    facts
}

/// The options `set` turns on (`e`, `u`, `o pipefail`…) when its arguments are only
/// `-letters` and `-o name`; `None` for anything else (`set +e`, `set -- a b`).
fn set_options(args: &[String]) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let letters = a.strip_prefix('-')?;
        if letters.is_empty() || !letters.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        for c in letters.chars() {
            if c == 'o' {
                out.insert(format!("o {}", it.next()?));
            } else {
                out.insert(c.to_string());
            }
        }
    }
    Some(out)
}

/// True when `node` is pipelines (or simpler) joined by `&&` only.
fn and_only(node: Node<'_>) -> bool {
    match node.kind() {
        "list" => {
            let mut cursor = node.walk();
            let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
            children.iter().all(|c| {
                if c.is_named() {
                    c.kind() == "comment" || and_only(*c)
                } else {
                    c.kind() == "&&"
                }
            })
        }
        "redirected_statement" => node.child_by_field_name("body").is_none_or(and_only),
        _ => true,
    }
}

fn walk(node: Node<'_>, src: &str, base: usize, sub: bool, f: &mut Facts) {
    let raw = |n: Node<'_>| src[n.byte_range()].trim().to_string();
    let short = |s: String| -> String {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > 40 {
            format!("{}…", s.chars().take(39).collect::<String>())
        } else {
            s
        }
    };
    match node.kind() {
        "comment" if f.comment.is_none() => {
            f.comment = Some(short(raw(node)));
        }
        "&" if !node.is_named() && f.background.is_none() => {
            let prev = node.prev_sibling().map(raw).unwrap_or_default();
            f.background = Some(short(format!("{prev} &")));
        }
        "variable_name"
            if !node
                .parent()
                .is_some_and(|p| matches!(p.kind(), "variable_assignment" | "for_statement")) =>
        {
            f.refs.insert(raw(node));
        }
        _ => {}
    }
    let sub = sub
        || matches!(
            node.kind(),
            "subshell" | "command_substitution" | "process_substitution"
        );
    if !sub {
        let state = |n: Node<'_>, f: &mut Facts| {
            if f.state.is_none() {
                f.state = Some(short(raw(n)));
                f.state_at = base + n.start_byte();
            }
        };
        match node.kind() {
            "command" => {
                let mut words = Vec::new();
                let mut cursor = node.walk();
                for (i, c) in node.children(&mut cursor).enumerate() {
                    let field = node.field_name_for_child(i as u32);
                    if c.kind() == "command_name" || field == Some("argument") {
                        words.push(raw(c));
                    }
                }
                while words
                    .first()
                    .is_some_and(|w| matches!(w.as_str(), "command" | "builtin"))
                {
                    words.remove(0);
                }
                let name = words.first().map(String::as_str).unwrap_or_default();
                match name {
                    "exit" | "return" => {
                        let failing = words
                            .get(1)
                            .and_then(|s| s.parse::<u8>().ok())
                            .is_some_and(|n| n != 0);
                        if !failing && f.early_exit.is_none() {
                            f.early_exit = Some(short(raw(node)));
                        }
                    }
                    "exec" => {
                        if words.len() > 1 {
                            if f.early_exit.is_none() {
                                f.early_exit = Some(short(raw(node)));
                            }
                        } else {
                            state(node, f);
                        }
                    }
                    "set" => match set_options(&words[1..]) {
                        Some(opts) if !opts.is_empty() => {
                            if f.set_options.is_empty() {
                                f.set_at = base + node.start_byte();
                                f.set_text = short(raw(node));
                            }
                            f.set_options.extend(opts);
                        }
                        _ => state(node, f),
                    },
                    "printf" if words.iter().any(|w| w == "-v") => state(node, f),
                    n if STATEFUL.contains(&n) => state(node, f),
                    _ => {}
                }
            }
            "declaration_command" | "unset_command" | "function_definition" => state(node, f),
            "variable_assignment" => {
                let parent = node.parent().map(|p| p.kind()).unwrap_or_default();
                if !matches!(parent, "command" | "declaration_command") {
                    if let Some(name) = node.child_by_field_name("name") {
                        f.assigned.push((raw(name), base + node.start_byte()));
                    }
                }
            }
            "for_statement" => {
                if let Some(var) = node.child_by_field_name("variable") {
                    f.assigned.push((raw(var), base + var.start_byte()));
                }
            }
            _ => {}
        }
    }
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        walk(child, src, base, sub, f);
    }
}

#[cfg(test)]
mod tests;

//! Semantic highlighting: the captures of `queries/dockerfile/highlights.scm` over the
//! document's tree-sitter tree, turned into non-overlapping, single-line tokens with byte
//! ranges and a kind. The LSP layer (`lsp/tokens.rs`) encodes them.
//!
//! Overlaps are resolved by painting: the innermost capture wins, and of two captures of
//! the same range the later pattern wins (Neovim's rule). Captures such as
//! `@punctuation.bracket` paint "no token" (the text stays plain); `@spell` is ignored.
//! Two facts come from the scanned file rather than the query: a `@keyword.directive`
//! comment is a directive only where BuildKit reads it (the file's first lines), and an
//! image name that names an earlier stage (`FROM build`) is a stage, not an image.

#[cfg(test)]
mod tests;

use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator, Tree};

use crate::ide::Analysis;
use crate::memo::TextMemo;
use crate::semantic::Base;
use crate::text::TextRange;

/// The highlight query, embedded from the repository's `queries/` directory.
pub const HIGHLIGHTS_SCM: &str = include_str!("../../../queries/dockerfile/highlights.scm");

/// What a token is. The LSP layer maps each kind to a standard semantic token type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HighlightKind {
    /// Instruction keywords, `AS`, here-document delimiters.
    Keyword,
    /// Parser directives (`# syntax=`, `# escape=`, `# check=`).
    Directive,
    Comment,
    /// Quoted strings, values, paths, image tags and digests, COPY here-document bodies.
    String,
    /// Escape sequences inside strings.
    Escape,
    /// ARG/ENV names and `$VAR` references.
    Variable,
    /// Instruction flags (`--from=…`, `--mount`).
    Parameter,
    /// LABEL keys and `--mount` options.
    Property,
    /// `=`, `:-`, `$`, `${ }`, line continuations.
    Operator,
    /// Exposed ports.
    Number,
    /// Image names.
    Namespace,
    /// Stage names (`AS build`, `FROM build`).
    Stage,
    /// Fixed values: `HEALTHCHECK NONE`, a STOPSIGNAL.
    Constant,
}

/// Token modifiers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Modifiers {
    /// Where a name is defined: `ARG NAME`, `ENV NAME=`, `AS stage`.
    pub declaration: bool,
    /// A value the file cannot change (automatic platform ARGs, `NONE`).
    pub readonly: bool,
    /// A deprecated instruction (MAINTAINER).
    pub deprecated: bool,
    /// Provided by BuildKit (automatic platform ARGs).
    pub default_library: bool,
}

/// One token: a byte range on a single line, never empty, never overlapping another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HighlightToken {
    pub range: TextRange,
    pub kind: HighlightKind,
    pub modifiers: Modifiers,
}

/// What a capture does to the text it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Paint {
    /// Not a highlight (`@spell`, private `@_x` captures): ignored.
    Ignore,
    /// Shown as plain text, even inside a capture that would colour it.
    Plain,
    Token(HighlightKind, Modifiers),
}

/// The paint of a capture name, with Neovim's fallback: `@a.b.c` is read as `@a.b`, then
/// `@a`, when the longer name has no meaning of its own.
fn paint_of(name: &str) -> Paint {
    let builtin = Modifiers {
        readonly: true,
        default_library: true,
        ..Modifiers::default()
    };
    let plain = Modifiers::default();
    let token = |kind| Paint::Token(kind, plain);
    let mut name = name;
    loop {
        let paint = match name {
            "keyword.directive" => token(HighlightKind::Directive),
            "keyword" | "label" => token(HighlightKind::Keyword),
            "comment" => token(HighlightKind::Comment),
            "string.escape" => token(HighlightKind::Escape),
            "string" => token(HighlightKind::String),
            "variable.builtin" => Paint::Token(HighlightKind::Variable, builtin),
            "variable.parameter" => token(HighlightKind::Parameter),
            "variable" => token(HighlightKind::Variable),
            "property" => token(HighlightKind::Property),
            "operator" | "punctuation.special" => token(HighlightKind::Operator),
            "number" => token(HighlightKind::Number),
            "module" => token(HighlightKind::Namespace),
            "type.definition" => Paint::Token(
                HighlightKind::Stage,
                Modifiers {
                    declaration: true,
                    ..plain
                },
            ),
            "type" => token(HighlightKind::Stage),
            "constant.builtin" => Paint::Token(HighlightKind::Constant, builtin),
            "constant" => token(HighlightKind::Constant),
            "punctuation" | "none" => Paint::Plain,
            _ => match name.rfind('.') {
                Some(dot) => {
                    name = &name[..dot];
                    continue;
                }
                None => Paint::Ignore,
            },
        };
        return paint;
    }
}

/// The compiled highlight query and the paint of each of its captures.
struct Highlighter {
    query: Query,
    paints: Vec<Paint>,
}

fn highlighter() -> &'static Highlighter {
    static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();
    HIGHLIGHTER.get_or_init(|| {
        let query = Query::new(&crate::syntax::tree::language(), HIGHLIGHTS_SCM)
            .expect("queries/dockerfile/highlights.scm compiles (tests/queries checks it)");
        let paints = query
            .capture_names()
            .iter()
            .map(|name| paint_of(name))
            .collect();
        Highlighter { query, paints }
    })
}

/// One capture before painting.
#[derive(Clone, Copy, Debug)]
struct Capture {
    start: usize,
    end: usize,
    pattern: usize,
    paint: Paint,
}

/// The captures of one top-level node (an instruction, a comment, an ERROR region),
/// relative to its start. They depend only on the node's subtree, so they are memoised
/// by its kind and text: on a keystroke only the edited instruction runs the query. A
/// subtree with an error is not memoised: error recovery depends on what precedes the
/// node, so the same text can have other node ranges elsewhere (a fuzz finding).
#[derive(Debug)]
struct NodeCaptures {
    kind: u16,
    captures: Vec<Capture>,
}

/// The memo, process-wide for the same reason as the shell parses' (requests are
/// answered on a thread pool). Cleared when it grows past [`MEMO_LIMIT`] entries.
static MEMO: LazyLock<Mutex<TextMemo<Arc<NodeCaptures>, MEMO_LIMIT>>> =
    LazyLock::new(Default::default);
const MEMO_LIMIT: usize = 50_000;

/// Past this many memo misses, the query runs once over the tree instead of per node.
const BULK_FROM_MISSES: usize = 32;

/// Empties the memo of per-node captures (benchmarks measure a cold start with it).
pub fn clear_memo() {
    MEMO.lock().unwrap_or_else(|p| p.into_inner()).clear();
}

/// The tokens of the whole file, or every token that intersects `range`, sorted by
/// position.
pub fn highlight(
    analysis: &Analysis,
    tree: &Tree,
    range: Option<TextRange>,
) -> Vec<HighlightToken> {
    let text = analysis.text();
    let wanted = range.map_or(TextRange::new(0, text.len()), |r| {
        TextRange::new(r.start(), r.end().max(r.start() + 1))
    });
    let root = tree.root_node();
    if root.end_byte() > text.len() {
        // A tree of another text: its ranges mean nothing here.
        return Vec::new();
    }
    let ctx = Context::new(analysis);
    let mut walk = root.walk();
    let nodes: Vec<Node<'_>> = root
        .children(&mut walk)
        .filter(|n| n.start_byte() < wanted.end() && n.end_byte() > wanted.start())
        .collect();

    // Look every node up at once, then run the query on the misses outside the lock.
    let mut found: Vec<Option<Arc<NodeCaptures>>> = {
        let memo = MEMO.lock().unwrap_or_else(|p| p.into_inner());
        nodes
            .iter()
            .map(|n| {
                let key = text.get(n.byte_range()).filter(|_| !n.has_error())?;
                memo.get(key).filter(|c| c.kind == n.kind_id()).cloned()
            })
            .collect()
    };
    let misses = found.iter().filter(|f| f.is_none()).count();
    let mut fresh = Vec::new();
    let mut cursor = QueryCursor::new();
    if misses > BULK_FROM_MISSES {
        // Many misses (a file just opened): one walk over the tree is cheaper than a query
        // per node; its captures are handed to the top-level node they start in.
        let mut per_node = collect_bulk_parallel(text, root, &nodes, wanted);
        for ((node, slot), computed) in nodes.iter().zip(found.iter_mut()).zip(per_node.drain(..)) {
            if slot.is_none() {
                let computed = Arc::new(computed);
                fresh.push((*node, computed.clone()));
                *slot = Some(computed);
            }
        }
    } else {
        for (node, slot) in nodes.iter().zip(found.iter_mut()) {
            if slot.is_none() {
                let computed = Arc::new(collect(&mut cursor, text, *node));
                fresh.push((*node, computed.clone()));
                *slot = Some(computed);
            }
        }
    }
    if !fresh.is_empty() {
        let mut memo = MEMO.lock().unwrap_or_else(|p| p.into_inner());
        if memo.len() + fresh.len() > MEMO_LIMIT {
            memo.clear();
        }
        for (node, computed) in fresh {
            if let Some(key) = text.get(node.byte_range()).filter(|_| !node.has_error()) {
                memo.insert(key, computed);
            }
        }
    }

    let mut captures = Vec::new();
    for (node, relative) in nodes.iter().zip(found) {
        let Some(relative) = relative else { continue };
        let base = node.start_byte();
        for c in &relative.captures {
            let (start, end) = (base + c.start, base + c.end);
            let paint = match c.paint {
                Paint::Token(HighlightKind::Directive, _) if !ctx.directives.contains(&start) => {
                    continue
                }
                Paint::Token(HighlightKind::Namespace, modifiers)
                    if ctx.stage_refs.contains(&TextRange::new(start, end)) =>
                {
                    Paint::Token(HighlightKind::Stage, modifiers)
                }
                other => other,
            };
            if end <= text.len() {
                captures.push(Capture {
                    start,
                    end,
                    pattern: c.pattern,
                    paint,
                });
            }
        }
    }
    flag_values(analysis, range, &mut captures);
    let painted = paint(captures);
    let mut tokens = split_lines(analysis, painted);
    if range.is_some() {
        tokens.retain(|t| t.range.end() > wanted.start() && t.range.start() < wanted.end());
    }
    tokens
}

/// Facts from the scanned file that the captures are checked against.
struct Context {
    /// The image words of FROM lines that name an earlier stage.
    stage_refs: Vec<TextRange>,
    /// The start of every parser directive.
    directives: Vec<usize>,
}

impl Context {
    fn new(analysis: &Analysis) -> Context {
        Context {
            stage_refs: analysis
                .model()
                .stages
                .iter()
                .filter(|s| matches!(s.base, Base::Stage(_)))
                .filter_map(|s| s.base_word.as_ref().map(|w| w.range))
                .collect(),
            directives: analysis
                .syntax()
                .directives
                .iter()
                .map(|d| d.range.start())
                .collect(),
        }
    }
}

/// [`collect_bulk`] on two threads for large files (the walk is most of a cold request):
/// each takes half of the top-level nodes and the part of `range` they cover.
fn collect_bulk_parallel(
    text: &str,
    root: Node<'_>,
    nodes: &[Node<'_>],
    range: TextRange,
) -> Vec<NodeCaptures> {
    const PARALLEL_FROM_NODES: usize = 512;
    if nodes.len() < PARALLEL_FROM_NODES {
        return collect_bulk(&mut QueryCursor::new(), text, root, nodes, range);
    }
    let (first, second) = nodes.split_at(nodes.len() / 2);
    let span = |part: &[Node<'_>]| {
        let start = part
            .first()
            .map_or(0, |n| n.start_byte())
            .max(range.start());
        let end = part.last().map_or(0, |n| n.end_byte()).min(range.end());
        TextRange::new(start, end.max(start))
    };
    let (a, b) = std::thread::scope(|scope| {
        let other =
            scope.spawn(|| collect_bulk(&mut QueryCursor::new(), text, root, second, span(second)));
        let mine = collect_bulk(&mut QueryCursor::new(), text, root, first, span(first));
        (mine, other.join())
    });
    match b {
        Ok(mut b) => {
            let mut a = a;
            a.append(&mut b);
            a
        }
        // The helper thread panicked: do its half here (a panic again is contained by
        // the caller like any other).
        Err(_) => {
            let mut a = a;
            a.extend(collect_bulk(
                &mut QueryCursor::new(),
                text,
                root,
                second,
                span(second),
            ));
            a
        }
    }
}

/// The captures of the highlight query over `range` of the whole tree, split by the
/// top-level node (of `nodes`, in order) they start in, relative to its start.
fn collect_bulk(
    cursor: &mut QueryCursor,
    text: &str,
    root: Node<'_>,
    nodes: &[Node<'_>],
    range: TextRange,
) -> Vec<NodeCaptures> {
    let hl = highlighter();
    let mut out: Vec<NodeCaptures> = nodes
        .iter()
        .map(|n| NodeCaptures {
            kind: n.kind_id(),
            captures: Vec::new(),
        })
        .collect();
    cursor.set_byte_range(range.range());
    let mut matches = cursor.matches(&hl.query, root, text.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            let node = capture.node;
            let owner = nodes.partition_point(|n| n.start_byte() <= node.start_byte());
            let Some(owner) = owner.checked_sub(1) else {
                continue;
            };
            let top = nodes[owner];
            if node.end_byte() > top.end_byte() {
                continue;
            }
            if let Some(c) = relative_capture(
                text,
                top.start_byte(),
                node,
                capture.index,
                m.pattern_index,
                hl,
            ) {
                out[owner].captures.push(c);
            }
        }
    }
    cursor.set_byte_range(0..usize::MAX);
    out
}

/// One capture relative to `base`, with the corrections that depend on the subtree alone
/// (MAINTAINER is deprecated, the name of an ARG/ENV pair is a declaration); `None` for
/// an ignored or empty capture.
fn relative_capture(
    text: &str,
    base: usize,
    node: Node<'_>,
    index: u32,
    pattern: usize,
    hl: &Highlighter,
) -> Option<Capture> {
    let mut paint = hl.paints[index as usize];
    if let Paint::Token(kind, ref mut modifiers) = paint {
        match kind {
            HighlightKind::Keyword if node.kind() == "MAINTAINER" => modifiers.deprecated = true,
            HighlightKind::Variable if is_defined_name(node) => modifiers.declaration = true,
            _ => {}
        }
    }
    let end = node.end_byte().min(text.len());
    let start = node.start_byte().clamp(base, end);
    (paint != Paint::Ignore && start < end).then_some(Capture {
        start: start - base,
        end: end - base,
        pattern,
        paint,
    })
}

/// The captures of the highlight query in `node`'s subtree, relative to its start.
fn collect(cursor: &mut QueryCursor, text: &str, node: Node<'_>) -> NodeCaptures {
    let hl = highlighter();
    let base = node.start_byte();
    let mut captures = Vec::new();
    let mut matches = cursor.matches(&hl.query, node, text.as_bytes());
    while let Some(m) = matches.next() {
        for capture in m.captures() {
            captures.extend(relative_capture(
                text,
                base,
                capture.node,
                capture.index,
                m.pattern_index,
                hl,
            ));
        }
    }
    NodeCaptures {
        kind: node.kind_id(),
        captures,
    }
}

/// Flag values, which the grammar keeps inside the flag's node: a string, or a stage for
/// `--from=<stage>`. `--mount` options are left to the query's `mount_param_param`.
/// These sit under every capture of the same range and inside it (`$VAR` stays a
/// variable).
fn flag_values(analysis: &Analysis, range: Option<TextRange>, captures: &mut Vec<Capture>) {
    let model = analysis.model();
    let instructions = analysis.syntax().instructions.iter();
    let instructions = instructions.flat_map(|i| std::iter::once(i).chain(i.trigger.as_deref()));
    for instruction in instructions {
        if range.is_some_and(|r| {
            !instruction.range.intersects(r) && !instruction.range.contains_inclusive(r.start())
        }) {
            continue;
        }
        for flag in &instruction.flags {
            let (Some(value), Some(value_range)) = (&flag.value, flag.value_range) else {
                continue;
            };
            if flag.name == "mount" || value_range.is_empty() {
                continue;
            }
            let kind = if flag.name == "from" && model.stage_by_ref(value).is_some() {
                HighlightKind::Stage
            } else {
                HighlightKind::String
            };
            captures.push(Capture {
                start: value_range.start(),
                end: value_range.end(),
                pattern: 0,
                paint: Paint::Token(kind, Modifiers::default()),
            });
        }
    }
}

/// `ARG NAME`, `ENV NAME`: the name of its pair.
fn is_defined_name(node: Node<'_>) -> bool {
    node.parent().is_some_and(|p| {
        matches!(p.kind(), "arg_pair" | "env_pair") && p.child_by_field_name("name") == Some(node)
    })
}

/// Resolves overlaps: the innermost capture wins; of equal ranges, the later pattern.
/// Returns `(start, end, kind, modifiers)` segments in order, none overlapping.
fn paint(mut captures: Vec<Capture>) -> Vec<(usize, usize, HighlightKind, Modifiers)> {
    // Outer before inner; of equal ranges, the later pattern last (so it sits on top).
    captures.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then(a.pattern.cmp(&b.pattern))
    });
    let mut out = Vec::new();
    let mut emit = |from: usize, to: usize, paint: Paint| {
        if let Paint::Token(kind, modifiers) = paint {
            if from < to {
                out.push((from, to, kind, modifiers));
            }
        }
    };
    // The open captures, each inside the one below it.
    let mut stack: Vec<(usize, Paint)> = Vec::new();
    let mut pos = 0;
    for c in captures {
        while let Some(&(end, p)) = stack.last() {
            if end > c.start {
                break;
            }
            emit(pos, end, p);
            pos = pos.max(end);
            stack.pop();
        }
        if let Some(&(_, p)) = stack.last() {
            emit(pos, c.start, p);
        }
        pos = pos.max(c.start);
        // A capture that sticks out of the one it starts in is cut to fit.
        let end = stack.last().map_or(c.end, |&(e, _)| c.end.min(e));
        if end > pos {
            stack.push((end, c.paint));
        }
    }
    while let Some((end, p)) = stack.pop() {
        emit(pos, end, p);
        pos = pos.max(end);
    }
    out
}

/// Cuts segments at line breaks (many clients cannot take multi-line tokens) and trims
/// blanks at both ends of each piece.
fn split_lines(
    analysis: &Analysis,
    segments: Vec<(usize, usize, HighlightKind, Modifiers)>,
) -> Vec<HighlightToken> {
    let text = analysis.text();
    let index = analysis.line_index();
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(segments.len());
    for (start, end, kind, modifiers) in segments {
        let first = index.line_of(start);
        let last = index.line_of(end - 1);
        for line in first..=last {
            let line_range = index.line_range(text, line);
            let mut s = start.max(line_range.start());
            let mut e = end.min(line_range.end());
            while s < e && matches!(bytes[s], b' ' | b'\t') {
                s += 1;
            }
            while e > s && matches!(bytes[e - 1], b' ' | b'\t') {
                e -= 1;
            }
            if s >= e || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
                continue;
            }
            // `--` + `mount`, `$` + `{`: one token when they touch and agree.
            if let Some(last) = tokens.last_mut() {
                let last: &mut HighlightToken = last;
                if last.range.end() == s && last.kind == kind && last.modifiers == modifiers {
                    last.range = TextRange::new(last.range.start(), e);
                    continue;
                }
            }
            {
                tokens.push(HighlightToken {
                    range: TextRange::new(s, e),
                    kind,
                    modifiers,
                });
            }
        }
    }
    tokens
}

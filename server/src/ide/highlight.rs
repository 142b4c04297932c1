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

use std::sync::OnceLock;

use tree_sitter::{Node, Query, QueryCursor, StreamingIterator, Tree};

use crate::ide::Analysis;
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
struct Capture {
    start: usize,
    end: usize,
    pattern: usize,
    paint: Paint,
}

/// The tokens of the whole file, or of the lines `range` touches (every token that
/// intersects it), sorted by position.
pub fn highlight(
    analysis: &Analysis,
    tree: &Tree,
    range: Option<TextRange>,
) -> Vec<HighlightToken> {
    let text = analysis.text();
    let hl = highlighter();
    let mut cursor = QueryCursor::new();
    if let Some(r) = range {
        cursor.set_byte_range(r.start()..r.end().max(r.start() + 1));
    }
    let stage_refs: Vec<TextRange> = analysis
        .model()
        .stages
        .iter()
        .filter(|s| matches!(s.base, Base::Stage(_)))
        .filter_map(|s| s.base_word.as_ref().map(|w| w.range))
        .collect();
    let directives: Vec<usize> = analysis
        .syntax()
        .directives
        .iter()
        .map(|d| d.range.start())
        .collect();

    let mut captures = Vec::new();
    let mut matches = cursor.captures(&hl.query, tree.root_node(), text.as_bytes());
    while let Some((m, index)) = matches.next() {
        let capture = m.captures()[*index];
        let node = capture.node;
        let mut paint = hl.paints[capture.index as usize];
        if let Paint::Token(kind, ref mut modifiers) = paint {
            match kind {
                HighlightKind::Directive if !directives.contains(&node.start_byte()) => continue,
                HighlightKind::Namespace
                    if stage_refs.contains(&TextRange::new(node.start_byte(), node.end_byte())) =>
                {
                    paint = Paint::Token(HighlightKind::Stage, *modifiers);
                }
                HighlightKind::Keyword if node.kind() == "MAINTAINER" => {
                    modifiers.deprecated = true
                }
                HighlightKind::Variable if is_defined_name(node) => modifiers.declaration = true,
                _ => {}
            }
        }
        if paint == Paint::Ignore {
            continue;
        }
        let end = node.end_byte().min(text.len());
        let start = node.start_byte().min(end);
        if start < end {
            captures.push(Capture {
                start,
                end,
                pattern: m.pattern_index,
                paint,
            });
        }
    }
    flag_values(analysis, range, &mut captures);
    let painted = paint(captures);
    let mut tokens = split_lines(analysis, painted);
    if let Some(r) = range {
        tokens
            .retain(|t| t.range.end() > r.start() && t.range.start() < r.end().max(r.start() + 1));
    }
    tokens
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

//! Folding ranges: the `@fold` captures of `queries/dockerfile/folds.scm` (instructions
//! continued over several lines, here-documents), blocks of two or more consecutive
//! comment lines, and stages (FROM to the stage's last instruction, from the model).
//!
//! Query folds are checked against the scanned instructions (BuildKit's reading): one
//! stands only inside the instruction it starts on, and every continued instruction
//! folds even where the tree is broken.
//!
//! A fold covers whole lines: it starts on the line of its first byte and ends on the
//! line of its last byte, so a node that ends with a line break (a comment, a
//! here-document body) never hides the line after it. One-line folds are dropped, and
//! of two folds over the same lines only the first (stage, then comment, then query)
//! stays.

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::OnceLock;

use tree_sitter::{Query, QueryCursor, StreamingIterator, Tree};

use crate::ide::Analysis;
use crate::text::TextRange;

/// The fold query, embedded from the repository's `queries/` directory.
pub const FOLDS_SCM: &str = include_str!("../../../queries/dockerfile/folds.scm");

/// What a fold holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    /// Two or more consecutive comment lines.
    Comment,
    /// A stage.
    Stage,
    /// A multi-line instruction or a here-document.
    Code,
}

/// One fold: whole lines `start_line..=end_line` (zero-based, `start_line < end_line`),
/// and the byte range it was made from (trimmed of a final line break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub start_line: u32,
    pub end_line: u32,
    pub range: TextRange,
    pub kind: FoldKind,
}

fn fold_query() -> &'static Query {
    static QUERY: OnceLock<Query> = OnceLock::new();
    QUERY.get_or_init(|| {
        Query::new(&crate::syntax::tree::language(), FOLDS_SCM)
            .expect("queries/dockerfile/folds.scm compiles (tests/queries checks it)")
    })
}

/// Every fold of the file, sorted by start line (outer folds first).
pub fn folds(analysis: &Analysis, tree: &Tree) -> Vec<Fold> {
    let text = analysis.text();
    let syntax = analysis.syntax();
    let mut folds = Vec::new();
    let push = |folds: &mut Vec<Fold>, start: usize, end: usize, kind: FoldKind| {
        folds.extend(fold_of(analysis, start, end, kind));
    };

    for stage in &analysis.model().stages {
        let (Some(first), Some(last)) = (
            syntax.instructions.get(stage.instructions.start),
            stage
                .instructions
                .end
                .checked_sub(1)
                .and_then(|i| syntax.instructions.get(i)),
        ) else {
            continue;
        };
        push(
            &mut folds,
            first.range.start(),
            last.range.end(),
            FoldKind::Stage,
        );
    }

    let index = analysis.line_index();
    let mut block: Option<(usize, TextRange)> = None;
    for comment in &syntax.comments {
        let line = index.line_of(comment.range.start());
        block = match block {
            Some((last, range)) if last + 1 == line => Some((line, range.cover(comment.range))),
            other => {
                if let Some((_, range)) = other {
                    push(&mut folds, range.start(), range.end(), FoldKind::Comment);
                }
                Some((line, comment.range))
            }
        };
    }
    if let Some((_, range)) = block {
        push(&mut folds, range.start(), range.end(), FoldKind::Comment);
    }

    // The instructions as BuildKit reads them, by first line: a query fold stands only if
    // it starts on an instruction's first line and ends within it (the grammar does not
    // know the escape directive and leaves ERROR nodes in a quarter of real files).
    let spans: HashMap<u32, u32> = syntax
        .instructions
        .iter()
        .filter_map(|i| fold_of(analysis, i.range.start(), i.range.end(), FoldKind::Code))
        .map(|f| (f.start_line, f.end_line))
        .collect();
    // A tree of another text has nothing to say about this one.
    let tree_fits = tree.root_node().end_byte() <= text.len();
    let mut cursor = QueryCursor::new();
    // Instructions are children of the file, here-documents their children (grandchildren
    // under ONBUILD): no fold starts deeper, so the walk need not go there.
    cursor.set_max_start_depth(Some(3));
    let mut matches = cursor.matches(fold_query(), tree.root_node(), text.as_bytes());
    while let Some(m) = matches.next().filter(|_| tree_fits) {
        for capture in m.captures() {
            let range = capture.node.byte_range();
            if let Some(fold) = fold_of(analysis, range.start, range.end, FoldKind::Code) {
                if spans
                    .get(&fold.start_line)
                    .is_some_and(|&end| fold.end_line <= end)
                {
                    folds.push(fold);
                }
            }
        }
    }
    // Continued instructions the tree missed.
    for instruction in &syntax.instructions {
        push(
            &mut folds,
            instruction.range.start(),
            instruction.range.end(),
            FoldKind::Code,
        );
    }

    folds.sort_by_key(|f| (f.start_line, std::cmp::Reverse(f.end_line)));
    let mut seen = std::collections::HashSet::new();
    folds.retain(|f| seen.insert((f.start_line, f.end_line)));
    folds
}

/// The fold of bytes `start..end`, or `None` when it covers a single line.
fn fold_of(analysis: &Analysis, start: usize, end: usize, kind: FoldKind) -> Option<Fold> {
    let text = analysis.text();
    let index = analysis.line_index();
    let end = end.min(text.len());
    if start >= end {
        return None;
    }
    let start_line = index.line_of(start);
    // The line of the last byte: a range ending with its line break ends on that line.
    let mut end_line = index.line_of(end - 1);
    let last_line = index.line_range(text, end_line);
    if end_line > start_line && last_line.start() == end - 1 && last_line.is_empty() {
        // The last byte is a lone line break at the start of an empty line.
        end_line -= 1;
    }
    let trimmed_end = end.min(index.line_range(text, end_line).end()).max(start);
    (end_line > start_line).then(|| Fold {
        start_line: start_line as u32,
        end_line: end_line as u32,
        range: TextRange::new(start, trimmed_end),
        kind,
    })
}

//! Line-level edit helpers shared by rule fixes: delete an instruction's lines, insert a
//! new line before or after one (indented like it, with the file's line break), remove
//! one word of a list, and insert into the final stage.

use crate::rules::RuleContext;
use crate::syntax::Kind;
use crate::text::{line_break, TextEdit, TextRange};

/// Deletes the whole lines of `range` (an instruction), final line break included;
/// lines around it (comments, blank lines) stay.
pub(crate) fn delete_lines(text: &str, range: TextRange) -> TextEdit {
    TextEdit::delete(crate::fix::full_lines(text, range))
}

/// Inserts `line` as a new line just before the line where `at` starts, indented like
/// that line.
pub(crate) fn insert_line_before(text: &str, at: usize, line: &str) -> TextEdit {
    let start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    TextEdit::insert(start, format!("{indent}{line}{}", line_break(text)))
}

/// Inserts `line` as a new line after the last line of `range` (an instruction),
/// indented like the line where `range` starts.
pub(crate) fn insert_line_after(text: &str, range: TextRange, line: &str) -> TextEdit {
    let start = text[..range.start()]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let end = crate::fix::full_lines(text, range).end();
    let nl = line_break(text);
    if end == text.len() && !text.ends_with(['\n', '\r']) {
        TextEdit::insert(end, format!("{nl}{indent}{line}"))
    } else {
        TextEdit::insert(end, format!("{indent}{line}{nl}"))
    }
}

/// Deletes `items[idx]` from a whitespace-separated list of words (EXPOSE ports,
/// LABEL pairs) with the blank that separates it from its neighbour, keeping
/// continuation lines intact: a word alone on a continued line takes its line with it.
pub(crate) fn delete_list_item(text: &str, items: &[TextRange], idx: usize) -> TextEdit {
    let r = items[idx];
    let same_line = |a: usize, b: usize| !text[a..b].contains(['\n', '\r']);
    let next = items.get(idx + 1);
    let prev = idx.checked_sub(1).map(|p| items[p]);
    let range = match (prev, next) {
        (_, Some(n)) if same_line(r.end(), n.start()) => TextRange::new(r.start(), n.start()),
        (Some(p), _) if same_line(p.end(), r.start()) => TextRange::new(p.end(), r.end()),
        // The last word, on a continued line of its own: join the previous line's end.
        (Some(p), None) => TextRange::new(p.end(), r.end()),
        // The first word, the next on a later line: that line moves up.
        (None, Some(n)) => TextRange::new(r.start(), n.start()),
        // A word alone on a middle line: the whole line.
        (Some(_), Some(_)) => crate::fix::full_lines(text, r),
        (None, None) => r,
    };
    TextEdit::delete(range)
}

/// Inserts `line` into the final stage: before its first `CMD` or `ENTRYPOINT`, else
/// after its last instruction. Returns the edit and where it goes, for the title
/// ("before the CMD on line 9", "at the end of the file").
pub(crate) fn insert_in_final_stage(
    ctx: &RuleContext<'_>,
    line: &str,
) -> Option<(TextEdit, String)> {
    let stage = ctx.model.final_stage()?;
    let insts = &ctx.syntax.instructions;
    let first_command = stage
        .instructions
        .clone()
        .find(|&i| matches!(insts[i].kind, Kind::Cmd | Kind::Entrypoint));
    if let Some(i) = first_command {
        return Some(insert_before_instruction(ctx, i, line));
    }
    let last = stage.instructions.end.checked_sub(1)?;
    let edit = insert_line_after(ctx.text, insts[last].range, line);
    let end = if last + 1 == insts.len() {
        "at the end of the file".to_string()
    } else {
        format!(
            "after line {}",
            ctx.line_index.line_of(insts[last].range.end()) + 1
        )
    };
    Some((edit, end))
}

/// Inserts `line` before instruction `i`; returns the edit and "before the CMD on line 9".
pub(crate) fn insert_before_instruction(
    ctx: &RuleContext<'_>,
    i: usize,
    line: &str,
) -> (TextEdit, String) {
    let inst = &ctx.syntax.instructions[i];
    (
        insert_line_before(ctx.text, inst.range.start(), line),
        format!(
            "before the {} on line {}",
            inst.kind.name(),
            ctx.line_index.line_of(inst.range.start()) + 1
        ),
    )
}

//! Selection ranges ("expand selection"): from the word at a position outwards through
//! the flag or argument it belongs to, the instruction's arguments, the whole instruction
//! (continuation lines and here-documents included), its stage and the whole file.
//!
//! Candidates come from the scanned instruction (keyword, flags with their name and
//! value, argument words, key=value pairs, here-documents: exact even where the
//! tree-sitter grammar gives up) and from the tree-sitter nodes around the position;
//! the chain keeps those that contain the word, each strictly containing the one before.

#[cfg(test)]
mod tests;

use tree_sitter::Tree;

use crate::ide::Analysis;
use crate::syntax::Instruction;
use crate::text::TextRange;

/// The ranges to select at `offset`, innermost first; every range strictly contains the
/// one before it and the last is the whole text. Empty for an empty text.
pub fn selection_chain(analysis: &Analysis, tree: &Tree, offset: usize) -> Vec<TextRange> {
    let text = analysis.text();
    if text.is_empty() {
        return Vec::new();
    }
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    // The character the cursor is on, else the one just before it (the cursor at the end
    // of a word), else the empty position between blanks.
    let anchor = match (
        text[offset..].chars().next(),
        text[..offset].chars().next_back(),
    ) {
        (Some(c), _) if !c.is_whitespace() => TextRange::new(offset, offset + c.len_utf8()),
        (_, Some(c)) if !c.is_whitespace() => TextRange::new(offset - c.len_utf8(), offset),
        _ => TextRange::empty(offset),
    };

    let mut candidates = vec![TextRange::new(0, text.len())];
    candidates.extend(word_at(text, anchor.start()));
    let syntax = analysis.syntax();
    if let Some(index) = syntax
        .instructions
        .iter()
        .position(|i| i.range.contains_inclusive(offset))
    {
        let instruction = &syntax.instructions[index];
        instruction_ranges(instruction, &mut candidates);
        if let Some(trigger) = &instruction.trigger {
            instruction_ranges(trigger, &mut candidates);
        }
        if let Some(stage) = analysis.model().stage_of(index) {
            let first = syntax.instructions.get(stage.instructions.start);
            let last = stage
                .instructions
                .end
                .checked_sub(1)
                .and_then(|i| syntax.instructions.get(i));
            if let (Some(first), Some(last)) = (first, last) {
                candidates.push(first.range.cover(last.range));
            }
        }
    }
    for comment in &syntax.comments {
        if comment.range.contains_inclusive(offset) {
            candidates.push(comment.range);
        }
    }
    let mut node = tree.root_node().descendant_for_byte_range(offset, offset);
    while let Some(n) = node {
        let r = n.byte_range();
        if r.end <= text.len() {
            candidates.push(TextRange::new(r.start, r.end));
        }
        node = n.parent();
    }

    // Every part without blanks at its ends; the whole text stays whole.
    for c in candidates.iter_mut().skip(1) {
        *c = trim_blanks(text, *c);
    }
    let contains = |outer: TextRange, inner: TextRange| {
        outer.start() <= inner.start() && inner.end() <= outer.end()
    };
    candidates.retain(|c| !c.is_empty() && contains(*c, anchor) && c.end() <= text.len());
    candidates.sort_by_key(|c| (c.len(), c.start()));
    let mut chain: Vec<TextRange> = Vec::new();
    // Only the whole text may be empty (an empty text has no selection at all).
    for c in candidates {
        match chain.last() {
            Some(&last) if c == last || !contains(c, last) => {}
            _ => chain.push(c),
        }
    }
    chain
}

/// The ranges of one instruction's parts, the arguments and the instruction.
fn instruction_ranges(instruction: &Instruction, out: &mut Vec<TextRange>) {
    out.push(instruction.keyword_range);
    for flag in &instruction.flags {
        out.push(flag.range);
        out.push(flag.name_range);
        out.extend(flag.value_range);
    }
    for word in &instruction.args.words {
        out.push(word.range);
    }
    for word in instruction.args.json.iter().flatten() {
        out.push(word.range);
    }
    for pair in &instruction.args.pairs {
        out.push(pair.range);
        out.push(pair.key.range);
        out.extend(pair.value.as_ref().map(|v| v.range));
    }
    for heredoc in &instruction.heredocs {
        out.push(heredoc.marker_range);
        out.push(heredoc.body_range);
        out.extend(heredoc.terminator_range);
    }
    out.push(instruction.args.range);
    let arguments_start = instruction
        .flags
        .first()
        .map_or(instruction.args.range.start(), |f| f.range.start());
    if arguments_start < instruction.range.end() {
        out.push(TextRange::new(arguments_start, instruction.range.end()));
    }
    out.push(instruction.range);
}

/// The run of non-blank characters at `offset`, or the one just before it.
fn word_at(text: &str, offset: usize) -> Option<TextRange> {
    let is_blank = |c: char| c.is_whitespace();
    let at = text[offset..].chars().next().filter(|c| !is_blank(*c));
    let before = text[..offset].chars().next_back().filter(|c| !is_blank(*c));
    if at.is_none() && before.is_none() {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| !is_blank(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| is_blank(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    Some(TextRange::new(start, end))
}

/// A node range without the blanks and line breaks at its ends (comments include their
/// line break, a here-document block starts with the line break before its body).
fn trim_blanks(text: &str, range: TextRange) -> TextRange {
    let bytes = text.as_bytes();
    let (mut start, mut end) = (range.start(), range.end());
    while start < end && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    TextRange::new(start, end)
}

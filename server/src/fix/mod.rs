//! Applying fixes: one fix, every fix of a file (fix-all), and the minimal edits and
//! unified diff between a text and its fixed version.
//!
//! Rules attach [`Fix`]es to their diagnostics; nothing here re-derives a fix. Fix-all
//! runs the rules, applies every non-conflicting fix of the wanted applicability, and
//! repeats on the new text until nothing is left to fix (or a round limit is reached),
//! so that fixes computed against the same text never step on each other and running
//! it twice gives the same text as once.

use std::collections::{BTreeMap, HashSet};

use crate::config::Config;
use crate::ide::Analysis;
use crate::rules::{Diagnostic, Fix};
use crate::text::{apply_edits, TextEdit, TextRange};

pub mod exec_form;
pub mod merge_run;
pub mod shell_edit;

/// Rounds of fix-all before giving up; real files converge in two or three.
pub const MAX_ROUNDS: usize = 16;

/// The result of fixing a whole file.
#[derive(Debug)]
pub struct FixAll {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    /// How many fixes each rule contributed.
    pub applied: BTreeMap<&'static str, usize>,
    /// Fixes left out because they would add a syntax error, by rule.
    pub rejected: BTreeMap<&'static str, usize>,
    /// False when the round limit stopped the loop with fixes still applicable.
    pub converged: bool,
    /// Every applied fix in order, when asked for with [`fix_all_traced`].
    pub log: Vec<Applied>,
}

/// One fix fix-all applied, as [`fix_all_traced`] records it.
#[derive(Clone, Debug)]
pub struct Applied {
    pub rule: &'static str,
    pub title: String,
    /// How many instructions the fix added (negative: removed), measured by parsing the
    /// text before the round with this fix alone applied.
    pub instruction_delta: isize,
}

impl FixAll {
    pub fn changed(&self) -> bool {
        !self.applied.is_empty()
    }
    pub fn total(&self) -> usize {
        self.applied.values().sum()
    }
}

/// Applies every fix of `text` that is safe (or, with `unsafe_fixes`, every preferred
/// fix), round after round until none is left.
pub fn fix_all(text: &str, config: &Config, unsafe_fixes: bool) -> FixAll {
    run(text, config, unsafe_fixes, false)
}

/// [`fix_all`], also recording each applied fix and its effect on the instruction
/// count in [`FixAll::log`] (for the corpus proof; costs a parse per fix).
pub fn fix_all_traced(text: &str, config: &Config, unsafe_fixes: bool) -> FixAll {
    run(text, config, unsafe_fixes, true)
}

fn run(text: &str, config: &Config, unsafe_fixes: bool, trace: bool) -> FixAll {
    let mut log = Vec::new();
    let mut current = text.to_string();
    let mut applied: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut rejected: BTreeMap<&'static str, usize> = BTreeMap::new();
    // Fixes that failed once, keyed by rule and the text they would write, are not
    // retried: their diagnostics come back unchanged in the next round.
    let mut refused: HashSet<(&'static str, String, String)> = HashSet::new();
    for _ in 0..MAX_ROUNDS {
        let analysis = Analysis::new(current.as_str());
        let diagnostics = analysis.diagnostics(config);
        let errors_before = analysis.syntax().errors.len();
        let candidates: Vec<(&Diagnostic, &Fix)> = diagnostics
            .iter()
            .filter_map(|d| d.fix_for(unsafe_fixes).map(|f| (d, f)))
            .filter(|(d, f)| !refused.contains(&refusal_key(&current, d, f)))
            .collect();
        if candidates.is_empty() {
            return FixAll {
                text: current,
                applied,
                rejected,
                converged: true,
                log,
            };
        }
        let chosen = non_conflicting(&analysis, &candidates);
        let edits: Vec<TextEdit> = chosen
            .iter()
            .flat_map(|(_, f)| f.edits.iter().cloned())
            .collect();
        let next = apply_edits(&current, &edits);
        let next = if crate::syntax::parse(&next).errors.len() <= errors_before {
            for (d, f) in &chosen {
                *applied.entry(d.rule.id).or_default() += 1;
                record(&mut log, trace, &analysis, d, f);
            }
            next
        } else {
            // One of them breaks the file: find which on its own, then apply the rest
            // (or, if they only break together, the first of them).
            let parses = |t: &str| crate::syntax::parse(t).errors.len() <= errors_before;
            let mut good = Vec::new();
            for (d, f) in &chosen {
                if parses(&apply_edits(&current, &f.edits)) {
                    good.push((*d, *f));
                } else {
                    *rejected.entry(d.rule.id).or_default() += 1;
                    refused.insert(refusal_key(&current, d, f));
                }
            }
            let together: Vec<TextEdit> = good
                .iter()
                .flat_map(|(_, f)| f.edits.iter().cloned())
                .collect();
            let all = apply_edits(&current, &together);
            if parses(&all) {
                for (d, f) in &good {
                    *applied.entry(d.rule.id).or_default() += 1;
                    record(&mut log, trace, &analysis, d, f);
                }
                all
            } else if let Some((d, f)) = good.first() {
                *applied.entry(d.rule.id).or_default() += 1;
                record(&mut log, trace, &analysis, d, f);
                apply_edits(&current, &f.edits)
            } else {
                current.clone()
            }
        };
        if next == current {
            // Fixes that change nothing would loop forever.
            for (d, f) in &candidates {
                refused.insert(refusal_key(&current, d, f));
            }
        }
        current = next;
    }
    let analysis = Analysis::new(current.as_str());
    let converged = !analysis
        .diagnostics(config)
        .iter()
        .filter_map(|d| d.fix_for(unsafe_fixes).map(|f| (d, f)))
        .any(|(d, f)| !refused.contains(&refusal_key(&current, d, f)));
    FixAll {
        text: current,
        applied,
        rejected,
        converged,
        log,
    }
}

fn record(log: &mut Vec<Applied>, trace: bool, analysis: &Analysis, d: &Diagnostic, f: &Fix) {
    if !trace {
        return;
    }
    let after = crate::syntax::parse(&apply_edits(analysis.text(), &f.edits));
    log.push(Applied {
        rule: d.rule.id,
        title: f.title.clone(),
        instruction_delta: after.instructions.len() as isize
            - analysis.syntax().instructions.len() as isize,
    });
}

fn refusal_key(text: &str, d: &Diagnostic, f: &Fix) -> (&'static str, String, String) {
    let at = d.range.range();
    let source = text.get(at).unwrap_or_default().to_string();
    let written = f
        .edits
        .iter()
        .map(|e| e.new_text.as_str())
        .collect::<Vec<_>>()
        .join("\u{0}");
    (d.rule.id, source, written)
}

/// Picks fixes in text order so that no two touch the same instruction (or the same
/// comment line): each fix's footprint is the whole lines of everything it edits.
fn non_conflicting<'a>(
    analysis: &Analysis,
    candidates: &[(&'a Diagnostic, &'a Fix)],
) -> Vec<(&'a Diagnostic, &'a Fix)> {
    let mut order: Vec<_> = candidates.to_vec();
    order.sort_by_key(|(d, f)| {
        let start = f.edits.iter().map(|e| e.range.start()).min().unwrap_or(0);
        (start, d.range.start())
    });
    let mut taken: Vec<TextRange> = Vec::new();
    let mut chosen = Vec::new();
    for (d, f) in order {
        let footprint: Vec<TextRange> = f
            .edits
            .iter()
            .map(|e| footprint(analysis, e.range))
            .collect();
        let clashes = footprint
            .iter()
            .any(|a| taken.iter().any(|b| a.intersects(*b) || a.start == b.start));
        if clashes {
            continue;
        }
        taken.extend(footprint);
        chosen.push((d, f));
    }
    chosen
}

/// The whole lines of the instructions an edit touches (an insertion at a line start
/// touches the instruction that starts there, or that line alone).
fn footprint(analysis: &Analysis, range: TextRange) -> TextRange {
    let text = analysis.text();
    let mut out = full_lines(text, range);
    for ins in &analysis.syntax().instructions {
        let r = full_lines(text, ins.range);
        if r.intersects(out) || (range.is_empty() && r.contains(range.start())) {
            out = out.cover(r);
        }
    }
    out
}

/// `range` widened to whole lines, the final line break included.
pub fn full_lines(text: &str, range: TextRange) -> TextRange {
    let start = range.start().min(text.len());
    let end = range.end().min(text.len()).max(start);
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line_end = match text[end..].find(['\n', '\r']) {
        Some(i) => {
            let at = end + i;
            if text[at..].starts_with("\r\n") {
                at + 2
            } else {
                at + 1
            }
        }
        None => text.len(),
    };
    // An empty range at a line start is that line.
    TextRange::new(line_start, line_end.max(line_start))
}

/// Applies `edits` after checking that they are inside the text, on character
/// boundaries and do not overlap.
pub fn apply(text: &str, edits: &[TextEdit]) -> Result<String, String> {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start(), e.range.end()));
    for e in &sorted {
        if e.range.end() > text.len()
            || !text.is_char_boundary(e.range.start())
            || !text.is_char_boundary(e.range.end())
        {
            return Err(format!("edit {:?} is outside the text", e.range));
        }
    }
    for w in sorted.windows(2) {
        if w[1].range.start() < w[0].range.end()
            || (w[0].range.is_empty() && w[1].range.start() == w[0].range.start())
        {
            return Err(format!(
                "edits {:?} and {:?} overlap",
                w[0].range, w[1].range
            ));
        }
    }
    Ok(apply_edits(text, edits))
}

/// The smallest line-level edits that turn `old` into `new` (what an editor applies for
/// fix-all, so that marks and the cursor outside the changed lines stay put).
pub fn line_edits(old: &str, new: &str) -> Vec<TextEdit> {
    use similar::{DiffOp, TextDiff};
    let diff = TextDiff::from_lines(old, new);
    let old_starts = line_starts(old);
    let new_starts = line_starts(new);
    let mut edits = Vec::new();
    for op in diff.ops() {
        let (old_range, new_range) = match *op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index..old_index + old_len, new_index..new_index),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index..old_index, new_index..new_index + new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (
                old_index..old_index + old_len,
                new_index..new_index + new_len,
            ),
        };
        let range = TextRange::new(old_starts[old_range.start], old_starts[old_range.end]);
        let text = &new[new_starts[new_range.start]..new_starts[new_range.end]];
        edits.push(TextEdit::replace(range, text));
    }
    edits
}

/// Byte offsets of each line start as `similar` splits lines (after `\n`, `\r\n` and a
/// lone `\r`), plus the text's end.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            starts.push(i + 1);
        }
    }
    if starts.len() == 1 || *starts.last().unwrap() != text.len() {
        starts.push(text.len());
    }
    starts.dedup();
    if starts.len() == 1 {
        starts.push(0);
    }
    starts
}

/// `a/path` for a relative path, the path itself when it is absolute.
fn diff_path(side: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else {
        format!("{side}/{path}")
    }
}

/// A unified diff (`---`/`+++` headers, three lines of context); empty when equal. A
/// relative path gets git's `a/` and `b/` prefixes; an absolute one is written as is
/// (`patch -p0` applies it).
pub fn unified_diff(old: &str, new: &str, path: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&diff_path("a", path), &diff_path("b", path))
        .to_string()
}

/// Checks that `fix` edits only what it names: the lines of the diagnostic's range, the
/// instructions that range overlaps, and the instructions in `fix.also_edits`; new whole
/// lines may be inserted at a line start.
pub fn check_scope(text: &str, d: &Diagnostic, fix: &Fix) -> Result<(), String> {
    let syntax = crate::syntax::parse(text);
    let mut allowed = vec![full_lines(text, d.range)];
    for named in std::iter::once(d.range).chain(fix.also_edits.iter().copied()) {
        for ins in &syntax.instructions {
            let lines = full_lines(text, ins.range);
            if lines.intersects(named) || lines.contains(named.start()) {
                allowed.push(lines);
            }
        }
        allowed.push(full_lines(text, named));
    }
    for e in &fix.edits {
        let inside = allowed
            .iter()
            .any(|a| a.start() <= e.range.start() && e.range.end() <= a.end());
        let at_line_start = e.range.start() == 0
            || e.range.start() == text.len()
            || matches!(
                text.as_bytes().get(e.range.start() - 1),
                Some(b'\n' | b'\r')
            );
        let at_line_end = e.range.start() == text.len()
            || matches!(text.as_bytes().get(e.range.start()), Some(b'\n' | b'\r'));
        let new_lines = e.range.is_empty()
            && ((at_line_start && (e.new_text.ends_with('\n') || e.range.start() == text.len()))
                || (at_line_end && e.new_text.starts_with(['\n', '\r'])));
        if !inside && !new_lines {
            return Err(format!(
                "edit {:?} ({:?} -> {:?}) is outside {:?}",
                e.range,
                text.get(e.range.range()).unwrap_or_default(),
                e.new_text,
                allowed
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

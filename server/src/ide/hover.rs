//! Hover: what the token under the cursor means, in Markdown. Instruction keywords get
//! their documentation and the build-cache section; flags, mount options, directives,
//! variables, image references, stage names and heredoc markers get their own facts.
//!
//! The token under the cursor is found from the parsed [`Dockerfile`](crate::syntax::Dockerfile)
//! alone, in this order: parser directives, instruction keywords, heredoc markers and
//! terminators, variable references, flags (and `--mount` options), naming words
//! (images, stages, `scratch`), then the sources of COPY and ADD (where their files come
//! from, which edits rerun the step, what `.dockerignore` leaves out). Everything else (whitespace, comments, plain arguments)
//! has no hover. The facts come from the [`Analysis`] as it is: nothing is rebuilt, and the
//! build-cache model is only asked for on instruction keywords.
//!
//! The reference texts come through the [`Texts`] seam: [`DocTexts`] reads
//! [`crate::ide::docs`] and [`crate::ide::cache_explain`]; tests use short stubs so their
//! snapshots show the structure of a hover rather than the reference prose.

mod directives;
mod flags;
mod heredoc;
mod names;
mod sources;
mod vars;

#[cfg(test)]
mod tests;

use crate::config::Config;
use crate::ide::{cache_explain, code_span as code, docs, Analysis};
use crate::syntax::{Instruction, Kind};
use crate::text::TextRange;

/// A hover: Markdown and the exact range of the hovered token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub range: TextRange,
    pub markdown: String,
}

/// The reference texts a hover is made of. [`DocTexts`] is the real one.
pub trait Texts {
    /// The documentation of an instruction (`None` for an unknown keyword).
    fn instruction(&self, kind: Kind) -> Option<String>;
    /// The "Build cache" section of instruction `index` (`None` when there is none).
    fn cache_section(&self, analysis: &Analysis, config: &Config, index: usize) -> Option<String>;
    /// A parser directive (`syntax`, `escape`, `check`).
    fn directive(&self, name: &str) -> Option<String>;
    /// A flag of an instruction, by name without dashes.
    fn flag(&self, kind: Kind, name: &str) -> Option<String>;
    /// A `RUN --mount` type.
    fn mount_type(&self, typ: &str) -> Option<String>;
    /// An option of a `RUN --mount` type.
    fn mount_option(&self, typ: &str, key: &str) -> Option<String>;
    /// Here-documents in general.
    fn heredoc(&self) -> String;
    /// An ARG the builder defines by itself (platform, built-in and proxy ARGs).
    fn automatic_arg(&self, name: &str) -> Option<String>;
}

/// The reference texts of [`crate::ide::docs`] and the cache section of
/// [`crate::ide::cache_explain`].
#[derive(Clone, Copy, Debug, Default)]
pub struct DocTexts;

impl Texts for DocTexts {
    fn instruction(&self, kind: Kind) -> Option<String> {
        docs::instruction(kind).map(|d| d.markdown())
    }
    fn cache_section(&self, analysis: &Analysis, config: &Config, index: usize) -> Option<String> {
        cache_explain::instruction_section(analysis, config, index)
    }
    fn directive(&self, name: &str) -> Option<String> {
        docs::directive(name).map(str::to_string)
    }
    fn flag(&self, kind: Kind, name: &str) -> Option<String> {
        docs::flag_doc(kind, name)
            .map(|d| format!("{}\n\n[Dockerfile reference]({})", d.markdown, d.reference))
    }
    fn mount_type(&self, typ: &str) -> Option<String> {
        docs::mount_type_doc(typ)
            .map(|d| format!("{}\n\n[Dockerfile reference]({})", d.markdown, d.reference))
    }
    fn mount_option(&self, typ: &str, key: &str) -> Option<String> {
        docs::mount_option(typ, key).map(str::to_string)
    }
    fn heredoc(&self) -> String {
        format!(
            "{}\n\n[Dockerfile reference]({})",
            docs::heredoc(),
            docs::HEREDOC_REFERENCE
        )
    }
    fn automatic_arg(&self, name: &str) -> Option<String> {
        docs::automatic_arg(name).map(str::to_string)
    }
}

/// The hover at a byte offset; `None` over whitespace, comments and plain text.
pub fn hover(analysis: &Analysis, config: &Config, offset: usize) -> Option<HoverResult> {
    hover_with(analysis, config, offset, &DocTexts)
}

/// [`hover`] with the reference texts given.
pub fn hover_with(
    analysis: &Analysis,
    config: &Config,
    offset: usize,
    texts: &dyn Texts,
) -> Option<HoverResult> {
    let text = analysis.text();
    if offset >= text.len() || !text.is_char_boundary(offset) {
        return None;
    }
    let ctx = Ctx {
        analysis,
        config,
        texts,
        text,
    };
    // Ranges come from the parsed text; a range that does not fit it is dropped rather
    // than handed to the position conversion.
    find(&ctx, offset).filter(|h| text.get(h.range.range()).is_some() && h.range.contains(offset))
}

fn find(ctx: &Ctx<'_>, offset: usize) -> Option<HoverResult> {
    let analysis = ctx.analysis;
    if let Some(h) = directives::hover(ctx, offset) {
        return Some(h);
    }
    let index = instruction_at(analysis, offset)?;
    let inst = &analysis.syntax().instructions[index];
    if inst.inner_comments.iter().any(|c| c.contains(offset)) {
        return None;
    }
    let at = At {
        index,
        inst,
        offset,
    };
    keyword(ctx, &at)
        .or_else(|| heredoc::hover(ctx, &at))
        .or_else(|| vars::hover(ctx, &at))
        .or_else(|| flags::hover(ctx, &at))
        .or_else(|| names::hover(ctx, &at))
        .or_else(|| sources::hover(ctx, &at))
}

/// What every part of the hover reads.
struct Ctx<'a> {
    analysis: &'a Analysis,
    config: &'a Config,
    texts: &'a dyn Texts,
    text: &'a str,
}

impl Ctx<'_> {
    /// The 1-based line number of an offset.
    fn line(&self, offset: usize) -> usize {
        self.analysis.line_index().line_of(offset) + 1
    }
    /// The 1-based line of instruction `index`.
    fn line_of_instruction(&self, index: usize) -> usize {
        self.analysis
            .syntax()
            .instructions
            .get(index)
            .map_or(0, |i| self.line(i.range.start()))
    }
    /// The source text of a range, empty when it does not fit.
    fn slice(&self, range: TextRange) -> &str {
        self.text.get(range.range()).unwrap_or("")
    }
}

/// The instruction under the cursor.
struct At<'a> {
    index: usize,
    inst: &'a Instruction,
    offset: usize,
}

impl At<'_> {
    /// The instruction that takes effect: the trigger of ONBUILD.
    fn eff(&self) -> &Instruction {
        self.inst.effective()
    }
    fn result(&self, range: TextRange, markdown: String) -> Option<HoverResult> {
        Some(HoverResult { range, markdown })
    }
}

/// The instruction whose range contains `offset`.
fn instruction_at(analysis: &Analysis, offset: usize) -> Option<usize> {
    let insts = &analysis.syntax().instructions;
    let n = insts.partition_point(|i| i.range.start() <= offset);
    let i = n.checked_sub(1)?;
    insts[i].range.contains(offset).then_some(i)
}

/// The instruction keyword (or the trigger keyword after ONBUILD): its documentation and
/// the build-cache section of this instruction.
fn keyword(ctx: &Ctx<'_>, at: &At<'_>) -> Option<HoverResult> {
    let (kind, range) = if at.inst.keyword_range.contains(at.offset) {
        (at.inst.kind, at.inst.keyword_range)
    } else {
        let t = at.inst.trigger.as_deref()?;
        if !t.keyword_range.contains(at.offset) {
            return None;
        }
        (t.kind, t.keyword_range)
    };
    let mut md = ctx.texts.instruction(kind)?;
    if let Some(cache) = ctx.texts.cache_section(ctx.analysis, ctx.config, at.index) {
        md.push_str("\n\n");
        md.push_str(cache.trim_end());
    }
    at.result(range, md)
}

/// `range` with surrounding whitespace (and a trailing `\r`) removed.
fn trim_range(text: &str, range: TextRange) -> TextRange {
    let Some(s) = text.get(range.range()) else {
        return range;
    };
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        return TextRange::empty(range.start());
    }
    TextRange::new(range.start() + lead, range.end() - trail)
}

/// `text` shortened to at most `max` characters (on a character boundary), with `…`.
pub(crate) fn shorten(text: &str, max: usize) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

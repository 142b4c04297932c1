//! The outline of a Dockerfile and the symbols workspace search finds.
//!
//! [`document_symbols`]: parser directives and the instructions before the first `FROM`
//! (global ARGs) at the top level, then one symbol per build stage holding the stage's
//! instructions. A stage is named by its `AS` name (`stage N` when it has none), with the
//! image it is built on as detail; an instruction by its keyword and its arguments
//! shortened to one line, with its flags as detail. `MAINTAINER` is marked deprecated.
//! Every symbol's selection range lies inside its range.
//!
//! [`workspace_symbols`]: named stages, global ARGs and the ARG/ENV declarations of every
//! stage whose name matches the query as a case-insensitive subsequence (`bld` finds
//! `build`); an empty query matches everything.

use crate::ide::hover::shorten;
use crate::ide::Analysis;
use crate::semantic::{Stage, VarKind};
use crate::syntax::{Instruction, Kind};
use crate::text::TextRange;

/// What a document symbol stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    /// A parser directive (`# syntax=…`).
    Directive,
    /// A build stage.
    Stage,
    /// An instruction of this kind.
    Instruction(Kind),
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentSymbol {
    /// `build`, `stage 1`, `RUN apt-get update && …`, `syntax`.
    pub name: String,
    /// The image of a stage, the flags of an instruction, the value of a directive.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// `MAINTAINER`.
    pub deprecated: bool,
    /// Everything the symbol covers.
    pub range: TextRange,
    /// The part to select and reveal: inside `range`.
    pub selection_range: TextRange,
    /// The instructions of a stage.
    pub children: Vec<DocumentSymbol>,
}

/// The longest an instruction's arguments get in its name.
const MAX_ARGS: usize = 60;

/// The outline of the file.
pub fn document_symbols(analysis: &Analysis) -> Vec<DocumentSymbol> {
    let syntax = analysis.syntax();
    let model = analysis.model();
    let mut out: Vec<DocumentSymbol> = syntax
        .directives
        .iter()
        .map(|d| DocumentSymbol {
            name: d.kind.name().to_string(),
            detail: Some(d.value.clone()),
            kind: SymbolKind::Directive,
            deprecated: false,
            range: d.key_range.cover(d.value_range),
            selection_range: d.key_range,
            children: Vec::new(),
        })
        .collect();
    let first_stage = model
        .stages
        .first()
        .map_or(syntax.instructions.len(), |s| s.from);
    for inst in syntax.instructions.iter().take(first_stage) {
        out.push(instruction_symbol(inst));
    }
    for s in &model.stages {
        out.push(stage_symbol(analysis, s));
    }
    out
}

fn stage_symbol(analysis: &Analysis, s: &Stage) -> DocumentSymbol {
    let insts = &analysis.syntax().instructions;
    let from = &insts[s.from];
    let last = insts
        .get(s.instructions.end.saturating_sub(1))
        .unwrap_or(from);
    let range = from.range.cover(last.range);
    let selection_range = s.name_word.as_ref().map_or(from.keyword_range, |w| w.range);
    let mut detail = String::new();
    if let Some(p) = &s.platform {
        detail.push_str(&format!("--platform={} ", p.text));
    }
    if let Some(b) = &s.base_word {
        detail.push_str(&b.text);
    }
    DocumentSymbol {
        name: stage_label(s),
        detail: (!detail.is_empty()).then_some(detail),
        kind: SymbolKind::Stage,
        deprecated: false,
        range,
        selection_range,
        children: insts
            .get(s.from + 1..s.instructions.end)
            .unwrap_or_default()
            .iter()
            .map(instruction_symbol)
            .collect(),
    }
}

/// `build`, or `stage 2` for a stage without a name.
pub fn stage_label(s: &Stage) -> String {
    match &s.name_word {
        Some(w) => w.text.clone(),
        None => format!("stage {}", s.index),
    }
}

fn instruction_symbol(inst: &Instruction) -> DocumentSymbol {
    let keyword = if inst.kind == Kind::Unknown {
        inst.keyword.clone()
    } else {
        inst.kind.name().to_string()
    };
    let args = shorten(&inst.args.text, MAX_ARGS);
    let name = if args.is_empty() {
        keyword
    } else {
        format!("{keyword} {args}")
    };
    let flags: Vec<&str> = inst.flags.iter().map(|f| f.raw.as_str()).collect();
    DocumentSymbol {
        name,
        detail: (!flags.is_empty()).then(|| shorten(&flags.join(" "), MAX_ARGS)),
        kind: SymbolKind::Instruction(inst.kind),
        deprecated: inst.kind == Kind::Maintainer,
        range: inst.range,
        selection_range: inst.keyword_range,
        children: Vec::new(),
    }
}

/// What a workspace symbol is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamedKind {
    Stage,
    GlobalArg,
    Arg,
    Env,
}

/// A stage or variable found by workspace search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedSymbol {
    /// The stage or variable name as written.
    pub name: String,
    pub kind: NamedKind,
    /// The stage a variable belongs to.
    pub container: Option<String>,
    /// The name as written.
    pub range: TextRange,
}

/// The named stages and ARG/ENV declarations of the file that match `query`.
pub fn workspace_symbols(analysis: &Analysis, query: &str) -> Vec<NamedSymbol> {
    let model = analysis.model();
    let mut out = Vec::new();
    for g in &model.global_args {
        out.push(NamedSymbol {
            name: g.name.clone(),
            kind: NamedKind::GlobalArg,
            container: None,
            range: g.name_range,
        });
    }
    for s in &model.stages {
        if let Some(w) = &s.name_word {
            out.push(NamedSymbol {
                name: w.text.clone(),
                kind: NamedKind::Stage,
                container: None,
                range: w.range,
            });
        }
        for d in &s.decls {
            out.push(NamedSymbol {
                name: d.name.clone(),
                kind: match d.kind {
                    VarKind::Arg => NamedKind::Arg,
                    VarKind::Env => NamedKind::Env,
                },
                container: Some(stage_label(s)),
                range: d.name_range,
            });
        }
    }
    out.retain(|s| fuzzy_match(query, &s.name));
    out.sort_by_key(|s| s.range.start());
    out
}

/// True when the characters of `query` appear in `name` in order, ignoring case.
pub fn fuzzy_match(query: &str, name: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .all(|q| chars.any(|c| c == q))
}

#[cfg(test)]
mod tests;

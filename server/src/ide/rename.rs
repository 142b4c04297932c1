//! Rename of stages, ARG/ENV variables and heredoc delimiters, read from the occurrence
//! index of [`crate::ide::navigation`]: every occurrence of the symbol is rewritten and
//! nothing else.
//!
//! - A **stage** keeps its index, so `--from=<index>` uses stay as they are. The new name
//!   must match BuildKit's `^[a-z][a-z0-9-_.]*$` (case-insensitive), must not be
//!   `scratch` or `context`, must not be another stage's name, and must not be an image
//!   the file already names (`FROM alpine` would turn into the stage).
//! - A **variable** is renamed with its whole group (see [`crate::ide::navigation`]):
//!   renaming a global ARG also renames the stage `ARG NAME` lines that redeclare it and
//!   their uses (they are one build argument); a stage's own ENV or `ARG NAME=default`
//!   is renamed in that stage (and the stages built `FROM` it) only. The new name must be
//!   `[A-Za-z_][A-Za-z0-9_]*`, must not be an ARG the builder defines, and must not be
//!   declared or used already where the variable is. ARGs the builder defines
//!   (`TARGETARCH`, `HTTP_PROXY`…) cannot be renamed, nor names no ARG or ENV declares.
//!   Uses inside `ONBUILD` triggers are not touched (they expand in another build).
//! - A **heredoc** delimiter is renamed in its marker and on its terminator line; the new
//!   name must be a plain word that no line of the body already consists of.

use crate::ide::navigation::{from_refs_of, Index, Occurrence, Role, Symbol, VarKey};
use crate::ide::Analysis;
use crate::rules::stage_name_invalid::valid_stage_name;
use crate::semantic::expand::is_var_name;
use crate::semantic::{Base, AUTOMATIC_ARGS, PREDEFINED_ARGS};
use crate::text::{TextEdit, TextRange};

/// What prepareRename answers: the range to edit and the current name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prepared {
    /// The name to replace.
    pub range: TextRange,
    /// Its current text.
    pub placeholder: String,
}

/// The name at `offset` when it can be renamed; `None` on keywords, plain text, ARGs the
/// builder defines, undeclared variables and `--from=<index>`.
pub fn prepare(analysis: &Analysis, offset: usize) -> Option<Prepared> {
    let index = Index::build(analysis);
    let at = index.at(offset)?;
    renamable(&index, at).ok()?;
    Some(Prepared {
        range: at.range,
        placeholder: analysis.text().get(at.range.range())?.to_string(),
    })
}

/// The edits renaming the symbol at `offset` to `new_name`, in text order. `Ok(None)`
/// when there is no symbol there; `Err` with a message for the user when the symbol
/// cannot be renamed or the new name is not valid for it.
pub fn rename(
    analysis: &Analysis,
    offset: usize,
    new_name: &str,
) -> Result<Option<Vec<TextEdit>>, String> {
    let index = Index::build(analysis);
    let Some(at) = index.at(offset) else {
        return Ok(None);
    };
    renamable(&index, at)?;
    match &at.symbol {
        Symbol::Stage(s) => check_stage_name(analysis, *s, new_name)?,
        Symbol::Var(_) => check_var_name(analysis, &index, at, new_name)?,
        Symbol::Heredoc {
            instruction,
            index: k,
        } => check_heredoc_name(analysis, *instruction, *k, new_name)?,
    }
    let mut edits: Vec<TextEdit> = index
        .of(&at.symbol)
        .filter(|o| o.renamable)
        .map(|o| TextEdit::replace(o.range, new_name))
        .collect();
    edits.sort_by_key(|e| e.range.start());
    edits.dedup_by(|a, b| a.range == b.range);
    Ok(Some(edits))
}

/// Whether the symbol of `at` can be renamed from there.
fn renamable(index: &Index, at: &Occurrence) -> Result<(), String> {
    if !at.renamable {
        return Err(
            "a stage index (`--from=<index>`) is not a name: rename the stage at its `AS` name"
                .into(),
        );
    }
    match &at.symbol {
        Symbol::Stage(s) => {
            let named = index
                .of(&at.symbol)
                .any(|o| o.role == Role::Definition && o.renamable);
            if !named {
                return Err(format!("stage {s} has no name (`AS name`) to rename"));
            }
        }
        Symbol::Var(VarKey::Builtin(name)) => {
            return Err(format!(
                "`{name}` is set by the builder: its name cannot change"
            ))
        }
        Symbol::Var(VarKey::Undeclared(_, name)) => {
            return Err(format!(
                "no ARG or ENV of this file declares `{name}` here: nothing to rename"
            ))
        }
        Symbol::Var(VarKey::Declared(_)) if is_builtin(&at.name) => {
            return Err(format!(
                "`{}` is an ARG the builder sets: renaming it would lose its value",
                at.name
            ))
        }
        Symbol::Var(_) | Symbol::Heredoc { .. } => {}
    }
    Ok(())
}

fn is_builtin(name: &str) -> bool {
    AUTOMATIC_ARGS.contains(&name) || PREDEFINED_ARGS.contains(&name)
}

fn check_stage_name(analysis: &Analysis, stage: usize, new_name: &str) -> Result<(), String> {
    let lower = new_name.to_ascii_lowercase();
    if !valid_stage_name(&lower) {
        return Err(format!(
            "`{new_name}` is not a valid stage name: it must start with a letter and contain only letters, digits, `-`, `_` and `.`"
        ));
    }
    if lower == "scratch" || lower == "context" {
        return Err(format!(
            "`{new_name}` is reserved: `scratch` is the empty image and `context` the build context"
        ));
    }
    let model = analysis.model();
    if let Some(other) = model
        .stages
        .iter()
        .find(|s| s.index != stage && s.name.as_deref() == Some(lower.as_str()))
    {
        return Err(format!(
            "stage {} is already named `{}`",
            other.index,
            other.name.as_deref().unwrap_or_default()
        ));
    }
    // An image written with the new name would turn into a reference to the stage.
    let in_from = model.stages.iter().any(|s| {
        !matches!(s.base, Base::Stage(_))
            && s.base_word
                .as_ref()
                .is_some_and(|w| w.text.eq_ignore_ascii_case(new_name))
    });
    let in_copy = from_refs_of(analysis)
        .iter()
        .any(|r| r.value.eq_ignore_ascii_case(new_name) && model.stage_by_ref(&r.value).is_none());
    if in_from || in_copy {
        return Err(format!(
            "the file already uses an image named `{new_name}`: it would become this stage"
        ));
    }
    Ok(())
}

fn check_var_name(
    analysis: &Analysis,
    index: &Index,
    at: &Occurrence,
    new_name: &str,
) -> Result<(), String> {
    if !is_var_name(new_name) {
        return Err(format!(
            "`{new_name}` is not a valid variable name: use letters, digits and `_`, not starting with a digit"
        ));
    }
    if is_builtin(new_name) {
        return Err(format!(
            "`{new_name}` is an ARG the builder sets: choose another name"
        ));
    }
    if new_name == at.name {
        return Ok(());
    }
    // The scopes the variable lives in: stages (and the stages they are built on), and
    // the global scope for uses in `FROM` lines and global ARGs.
    let model = analysis.model();
    let scope_of = |o: &Occurrence| {
        model
            .stage_of(o.instruction)
            .filter(|s| s.from != o.instruction)
            .map(|s| s.index)
    };
    let mut scopes: Vec<Option<usize>> = Vec::new();
    for o in index.of(&at.symbol) {
        let scope = scope_of(o);
        match scope {
            Some(s) => scopes.extend(model.stage_chain(s).map(|c| Some(c.index))),
            None => scopes.push(None),
        }
    }
    // A stage declaration also shadows the name in the stages built on it.
    for s in &model.stages {
        if model
            .stage_chain(s.index)
            .skip(1)
            .any(|c| scopes.contains(&Some(c.index)))
        {
            scopes.push(Some(s.index));
        }
    }
    let clash = index.occurrences.iter().find(|o| {
        o.name == new_name
            && matches!(o.symbol, Symbol::Var(_))
            && o.symbol != at.symbol
            && scopes.contains(&scope_of(o))
    });
    if let Some(o) = clash {
        let line = analysis.line_index().line_of(o.range.start()) + 1;
        return Err(format!(
            "`{new_name}` is already {} on line {line}, where this variable is visible",
            if o.role == Role::Definition {
                "declared"
            } else {
                "used"
            }
        ));
    }
    Ok(())
}

fn check_heredoc_name(
    analysis: &Analysis,
    instruction: usize,
    index: usize,
    new_name: &str,
) -> Result<(), String> {
    let plain = !new_name.is_empty()
        && new_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.');
    if !plain {
        return Err(format!(
            "`{new_name}` is not a usable heredoc delimiter: use letters, digits, `_`, `-` or `.`"
        ));
    }
    let h = analysis
        .syntax()
        .instructions
        .get(instruction)
        .and_then(|i| i.effective().heredocs.get(index));
    if let Some(h) = h {
        let body = analysis.text().get(h.body_range.range()).unwrap_or("");
        let ends_early = body.lines().any(|l| {
            let l = l.strip_suffix('\r').unwrap_or(l);
            let l = if h.chomp {
                l.trim_start_matches('\t')
            } else {
                l
            };
            l == new_name
        });
        if ends_early {
            return Err(format!(
                "a line of the heredoc body is `{new_name}`: the heredoc would end there"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

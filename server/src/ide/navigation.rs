//! Go to definition, find references and document highlight for the names a Dockerfile
//! gives: build stages, ARG/ENV variables and here-document delimiters.
//!
//! One pass over the analysis builds an [`Index`] of every *occurrence* (a definition or a
//! use, with its exact byte range and the [`Symbol`] it belongs to); the three features,
//! and rename ([`crate::ide::rename`]), are lookups in it, so they cannot disagree.
//!
//! - **Stages**: the `AS name` word defines; `FROM name`, `COPY --from=name` and
//!   `RUN --mount=from=name` use, resolved as BuildKit resolves them (the newest stage of
//!   that name defined before the use; case-insensitive); `--from=<index>` uses the stage
//!   with that index. Only values written verbatim count (a `--from=$STAGE` is a variable
//!   use). An unnamed stage is defined by its `FROM` keyword.
//! - **Variables**: ARG and ENV names define; `$NAME`/`${NAME…}` use, in the parts the
//!   builder expands ([`semantic::builder_var_refs`], nested `${A:-$B}` words included),
//!   in the shell text of `RUN` (POSIX shells only) and in heredoc bodies. Each use is
//!   resolved with [`crate::semantic::Model::lookup`] at its instruction, so BuildKit's
//!   scopes hold: `FROM` lines see global ARGs only, a stage sees a global ARG only after
//!   redeclaring it, ENV overrides ARG, stages built `FROM` another inherit its ARG/ENV.
//!   `CMD`, `ENTRYPOINT` and `HEALTHCHECK` in shell form run in the container, so their
//!   uses resolve to the last ENV of the stage (or of the stages it is built on); ARGs are
//!   gone by then. `ONBUILD` triggers are left out: they expand in another build.
//! - **Heredocs**: the delimiter of the `<<EOF` marker defines, the terminator line uses.
//!
//! What counts as *one* variable (for references, highlight and rename): every
//! declaration of a name in one stage; a stage's declarations together with those of the
//! stages it is built `FROM` that declare the same name; and a global ARG together with
//! every stage `ARG NAME` (without a default) that redeclares it — they are one build
//! argument, set by one `--build-arg NAME=…`. A stage `ARG NAME=default` or `ENV NAME` is
//! the stage's own variable even when a global ARG has the same name.
//!
//! Go to definition answers the declaration the use resolves to. For a stage
//! `ARG NAME` without a default that redeclares a global ARG, it answers both: the stage
//! ARG (what is in scope) and the global ARG (where the default comes from).

#[cfg(test)]
pub(crate) mod tests;

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::config::Config;
use crate::ide::Analysis;
use crate::rules::copy_from_unknown_stage::{from_refs, FromRef};
use crate::rules::RuleContext;
use crate::semantic::expand::{self, VarRef};
use crate::semantic::{self, Base, VarDecl, VarKind, VarSource, AUTOMATIC_ARGS, PREDEFINED_ARGS};
use crate::syntax::{Heredoc, Instruction, Kind};
use crate::text::TextRange;

/// A name the file defines or uses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Symbol {
    /// A build stage, by index.
    Stage(usize),
    /// An ARG/ENV variable.
    Var(VarKey),
    /// Heredoc `index` of instruction `instruction`.
    Heredoc { instruction: usize, index: usize },
}

/// Which variable an occurrence belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum VarKey {
    /// Declared in this file: the id of its group of declarations (see the module doc).
    Declared(usize),
    /// An ARG the builder defines (proxy and platform ARGs) used without a declaration.
    Builtin(String),
    /// No declaration in scope: `(stage, name)`, `None` for the global scope.
    Undeclared(Option<usize>, String),
}

/// Whether an occurrence defines or uses its symbol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Definition,
    Use,
}

/// One place a symbol is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    /// The name exactly (a variable's name without `$` and braces, a heredoc delimiter
    /// without `<<` and quotes).
    pub range: TextRange,
    pub symbol: Symbol,
    pub role: Role,
    /// The instruction it is written in.
    pub instruction: usize,
    /// The name as it is looked up (a variable name; a stage name lower-cased).
    pub name: String,
    /// The text at `range` spells the symbol's name, so a rename can rewrite it (false
    /// for `--from=<index>`).
    pub renamable: bool,
    /// Where go to definition leads from here.
    pub targets: Vec<TextRange>,
}

/// Every occurrence of the file, in text order.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub occurrences: Vec<Occurrence>,
}

impl Index {
    /// Builds the index of an analysed text.
    pub fn build(analysis: &Analysis) -> Index {
        let mut b = Builder::new(analysis);
        b.stages();
        b.variables();
        b.heredocs();
        let mut occurrences = b.out;
        occurrences.retain(|o| analysis.text().get(o.range.range()).is_some());
        occurrences.sort_by_key(|o| (o.range.start(), o.range.end()));
        occurrences.dedup_by(|a, b| a.range == b.range);
        Index { occurrences }
    }

    /// The occurrence at `offset`: the one containing it, else the one ending there (a
    /// cursor just after a name).
    pub fn at(&self, offset: usize) -> Option<&Occurrence> {
        let occ = &self.occurrences;
        let n = occ.partition_point(|o| o.range.start() <= offset);
        let before = &occ[..n];
        before
            .iter()
            .rev()
            .take(4)
            .find(|o| o.range.contains(offset))
            .or_else(|| {
                before
                    .iter()
                    .rev()
                    .take(4)
                    .find(|o| o.range.end() == offset)
            })
    }

    /// Every occurrence of `symbol`, in text order.
    pub fn of<'a>(&'a self, symbol: &'a Symbol) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &o.symbol == symbol)
    }
}

/// A place found by a navigation request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavTarget {
    /// The name as written.
    pub range: TextRange,
    /// A definition (highlighted as a write) or a use (a read).
    pub role: Role,
}

/// Where the symbol at `offset` is defined (several places for a redeclared global ARG);
/// empty when there is no symbol there or it has no declaration.
pub fn definition(analysis: &Analysis, offset: usize) -> Vec<TextRange> {
    let index = Index::build(analysis);
    index
        .at(offset)
        .map(|o| o.targets.clone())
        .unwrap_or_default()
}

/// Every occurrence of the symbol at `offset`, definitions included or not.
pub fn references(analysis: &Analysis, offset: usize, include_declaration: bool) -> Vec<NavTarget> {
    let index = Index::build(analysis);
    let Some(at) = index.at(offset) else {
        return Vec::new();
    };
    index
        .of(&at.symbol)
        .filter(|o| include_declaration || o.role == Role::Use)
        .map(|o| NavTarget {
            range: o.range,
            role: o.role,
        })
        .collect()
}

/// The occurrences to highlight for the symbol at `offset`: definitions are writes,
/// uses are reads.
pub fn highlights(analysis: &Analysis, offset: usize) -> Vec<NavTarget> {
    references(analysis, offset, true)
}

/// The node ids of variable groups: `(stage, name)`, `None` for the global scope.
#[derive(Default)]
struct Groups {
    ids: HashMap<(Option<usize>, String), usize>,
    parent: Vec<usize>,
}

impl Groups {
    fn node(&mut self, scope: Option<usize>, name: &str) -> usize {
        let next = self.parent.len();
        let id = *self.ids.entry((scope, name.to_string())).or_insert(next);
        if id == next {
            self.parent.push(id);
        }
        id
    }
    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The smaller id (created first: the global or ancestor node) stays the root.
            let (root, child) = if a < b { (a, b) } else { (b, a) };
            self.parent[child] = root;
        }
    }
}

struct Builder<'a> {
    analysis: &'a Analysis,
    text: &'a str,
    groups: Groups,
    /// The definition range of every stage.
    stage_defs: Vec<Option<TextRange>>,
    out: Vec<Occurrence>,
}

impl<'a> Builder<'a> {
    fn new(analysis: &'a Analysis) -> Builder<'a> {
        Builder {
            analysis,
            text: analysis.text(),
            groups: Groups::default(),
            stage_defs: Vec::new(),
            out: Vec::new(),
        }
    }

    fn slice(&self, range: TextRange) -> &'a str {
        self.text.get(range.range()).unwrap_or("")
    }

    /// `AS name`, `FROM name`, `--from=name|index`, `--mount=from=name|index`.
    fn stages(&mut self) {
        let model = self.analysis.model();
        let syntax = self.analysis.syntax();
        self.stage_defs = vec![None; model.stages.len()];
        for s in &model.stages {
            let def = match &s.name_word {
                Some(w) => w.range,
                None => match syntax.instructions.get(s.from) {
                    Some(i) => i.keyword_range,
                    None => continue,
                },
            };
            if let Some(slot) = self.stage_defs.get_mut(s.index) {
                *slot = Some(def);
            }
            self.out.push(Occurrence {
                range: def,
                symbol: Symbol::Stage(s.index),
                role: Role::Definition,
                instruction: s.from,
                name: s.name.clone().unwrap_or_default(),
                renamable: s.name_word.is_some(),
                targets: vec![def],
            });
            if let (Base::Stage(p), Some(w)) = (&s.base, &s.base_word) {
                if !w.text.contains('$') && self.slice(w.range) == w.text {
                    self.stage_use(*p, w.range, s.from, &w.text);
                }
            }
        }
        for r in from_refs_of(self.analysis) {
            if r.written.contains(['$', '"', '\'']) || self.slice(r.range) != r.written {
                continue;
            }
            let target = if r.written.bytes().all(|c| c.is_ascii_digit()) {
                model.stage_by_ref(&r.written).map(|t| t.index)
            } else {
                // The newest stage of that name defined before the instruction.
                let lower = r.written.to_ascii_lowercase();
                model.stages[..=r.stage.index]
                    .iter()
                    .rev()
                    .find(|t| t.name.as_deref() == Some(lower.as_str()))
                    .map(|t| t.index)
            };
            if let Some(t) = target {
                let at = self.instruction_at(r.range.start()).unwrap_or(r.stage.from);
                self.stage_use(t, r.range, at, &r.written);
            }
        }
    }

    fn instruction_at(&self, offset: usize) -> Option<usize> {
        let insts = &self.analysis.syntax().instructions;
        let n = insts.partition_point(|i| i.range.start() <= offset);
        n.checked_sub(1)
    }

    fn stage_use(&mut self, stage: usize, range: TextRange, instruction: usize, written: &str) {
        let model = self.analysis.model();
        let Some(s) = model.stages.get(stage) else {
            return;
        };
        let numeric = written.bytes().all(|c| c.is_ascii_digit());
        let target = self.stage_defs.get(stage).copied().flatten();
        self.out.push(Occurrence {
            range,
            symbol: Symbol::Stage(stage),
            role: Role::Use,
            instruction,
            name: s.name.clone().unwrap_or_default(),
            renamable: !numeric && s.name.is_some(),
            targets: target.into_iter().collect(),
        });
    }

    /// Declarations first (they create the groups), then uses.
    fn variables(&mut self) {
        let model = self.analysis.model();
        // Group nodes: globals first, so they are the roots of what they join.
        for g in &model.global_args {
            self.groups.node(None, &g.name);
        }
        for s in &model.stages {
            for d in &s.decls {
                let id = self.groups.node(Some(s.index), &d.name);
                // The nearest stage it is built on that declares the name: one variable.
                if let Some(p) = model
                    .stage_chain(s.index)
                    .skip(1)
                    .find(|p| p.decls.iter().any(|pd| pd.name == d.name))
                {
                    let pid = self.groups.node(Some(p.index), &d.name);
                    self.groups.union(id, pid);
                }
                let redeclares = d.kind == VarKind::Arg
                    && d.value.is_none()
                    && model.global_args.iter().any(|g| g.name == d.name);
                if redeclares {
                    let gid = self.groups.node(None, &d.name);
                    self.groups.union(id, gid);
                }
            }
        }
        let decls: Vec<&VarDecl> = model
            .global_args
            .iter()
            .chain(model.stages.iter().flat_map(|s| s.decls.iter()))
            .collect();
        for d in decls {
            let key = self.decl_key(d);
            self.out.push(Occurrence {
                range: d.name_range,
                symbol: Symbol::Var(key),
                role: Role::Definition,
                instruction: d.instruction,
                name: d.name.clone(),
                renamable: true,
                targets: self.decl_targets(d),
            });
        }
        let syntax = self.analysis.syntax();
        for (i, inst) in syntax.instructions.iter().enumerate() {
            if inst.kind == Kind::Onbuild {
                continue;
            }
            for (r, runtime) in self.var_uses(i, inst) {
                self.var_use(i, r, runtime);
            }
        }
    }

    /// The group of a declaration.
    fn decl_key(&mut self, d: &VarDecl) -> VarKey {
        let scope = self
            .analysis
            .model()
            .stage_of(d.instruction)
            .map(|s| s.index);
        let id = self.groups.node(scope, &d.name);
        VarKey::Declared(self.groups.find(id))
    }

    /// Go to definition from a declaration or a use resolving to it: the declaration,
    /// and for a stage `ARG NAME` without default the global ARG it takes its default
    /// from.
    fn decl_targets(&self, d: &VarDecl) -> Vec<TextRange> {
        let model = self.analysis.model();
        let mut out = vec![d.name_range];
        if d.kind == VarKind::Arg && d.value.is_none() && model.stage_of(d.instruction).is_some() {
            if let Some(g) = model.global_args.iter().rev().find(|g| g.name == d.name) {
                out.push(g.name_range);
            }
        }
        out
    }

    /// Every variable use of instruction `i`, with whether it is expanded when the
    /// container runs (CMD, ENTRYPOINT, HEALTHCHECK) rather than at build time.
    fn var_uses(&self, i: usize, inst: &Instruction) -> Vec<(VarRef, bool)> {
        let model = self.analysis.model();
        let escape = model.escape();
        let text = self.text;
        let mut out: Vec<(VarRef, bool)> = semantic::builder_var_refs(text, inst, escape)
            .into_iter()
            .map(|r| (r, false))
            .collect();
        // `COPY --from=$STAGE`: `builder_var_refs` leaves `--from` out, but its variables
        // name the same ARG, so a rename must reach them.
        if inst.kind != Kind::From {
            for f in inst.flags.iter().filter(|f| f.name == "from") {
                if let Some(r) = f.value_range {
                    out.extend(refs_in(text, r, escape).into_iter().map(|r| (r, false)));
                }
            }
        }
        let posix = model.shell_at(i).is_posix();
        for h in &inst.heredocs {
            let expanded = match inst.kind {
                Kind::Run => posix && (!h.quoted || runs_as_script(text, inst, h)),
                _ => !h.quoted,
            };
            if expanded {
                out.extend(
                    refs_in(text, h.body_range, escape)
                        .into_iter()
                        .map(|r| (r, false)),
                );
            }
        }
        let shell_form = inst.args.json.is_none() && posix;
        match inst.kind {
            Kind::Run if shell_form => {
                out.extend(
                    refs_in(text, inst.args.range, escape)
                        .into_iter()
                        .map(|r| (r, false)),
                );
            }
            Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck if shell_form => {
                out.extend(
                    refs_in(text, inst.args.range, escape)
                        .into_iter()
                        .map(|r| (r, true)),
                );
            }
            _ => {}
        }
        let mut all = Vec::with_capacity(out.len());
        for (r, runtime) in out {
            for n in nested(text, &r, escape, 0) {
                all.push((n, runtime));
            }
            all.push((r, runtime));
        }
        // Comment lines inside a continuation are dropped by the builder.
        all.retain(|(r, _)| {
            !inst.inner_comments.iter().any(|c| c.intersects(r.range))
                && !self.slice(r.name_range).is_empty()
        });
        all
    }

    fn var_use(&mut self, i: usize, r: VarRef, runtime: bool) {
        let model = self.analysis.model();
        let stage = model.stage_of(i);
        let at_from = stage.is_some_and(|s| s.from == i);
        let source = if runtime {
            // The container's environment: the last ENV of the stage chain.
            stage.and_then(|s| {
                model.stage_chain(s.index).find_map(|c| {
                    c.decls
                        .iter()
                        .rev()
                        .find(|d| d.kind == VarKind::Env && d.name == r.name)
                        .map(VarSource::Decl)
                })
            })
        } else {
            model.lookup(i, &r.name)
        };
        let (key, targets) = match source {
            Some(VarSource::Decl(d)) => (self.decl_key(d), self.decl_targets(d)),
            Some(VarSource::Predefined) => (VarKey::Builtin(r.name.clone()), Vec::new()),
            None if AUTOMATIC_ARGS.contains(&r.name.as_str())
                || PREDEFINED_ARGS.contains(&r.name.as_str()) =>
            {
                (VarKey::Builtin(r.name.clone()), Vec::new())
            }
            None => {
                let scope = stage.filter(|_| !at_from).map(|s| s.index);
                (VarKey::Undeclared(scope, r.name.clone()), Vec::new())
            }
        };
        self.out.push(Occurrence {
            range: r.name_range,
            symbol: Symbol::Var(key),
            role: Role::Use,
            instruction: i,
            name: r.name,
            renamable: true,
            targets,
        });
    }

    /// The delimiter of every `<<EOF` marker and its terminator line.
    fn heredocs(&mut self) {
        let syntax = self.analysis.syntax();
        for (i, outer) in syntax.instructions.iter().enumerate() {
            for (k, h) in outer.effective().heredocs.iter().enumerate() {
                let Some(marker) = heredoc_name_range(self.text, h) else {
                    continue;
                };
                let symbol = Symbol::Heredoc {
                    instruction: i,
                    index: k,
                };
                self.out.push(Occurrence {
                    range: marker,
                    symbol: symbol.clone(),
                    role: Role::Definition,
                    instruction: i,
                    name: h.name.clone(),
                    renamable: true,
                    targets: vec![marker],
                });
                if let Some(t) = terminator_name_range(self.text, h) {
                    self.out.push(Occurrence {
                        range: t,
                        symbol,
                        role: Role::Use,
                        instruction: i,
                        name: h.name.clone(),
                        renamable: true,
                        targets: vec![marker],
                    });
                }
            }
        }
    }
}

/// The `COPY --from=` and `RUN --mount=from=` values of the file (outside ONBUILD), read
/// as the rules read them (`copy-from-unknown-stage`), with variables expanded.
pub(crate) fn from_refs_of(analysis: &Analysis) -> Vec<FromRef<'_>> {
    from_refs(&default_context(analysis))
}

/// A rule context over `analysis` with the default configuration, for rule-layer
/// helpers whose answers do not depend on the configuration.
pub(crate) fn default_context(analysis: &Analysis) -> RuleContext<'_> {
    static CONFIG: LazyLock<Config> = LazyLock::new(Config::default);
    RuleContext {
        text: analysis.text(),
        syntax: analysis.syntax(),
        model: analysis.model(),
        config: &CONFIG,
        line_index: analysis.line_index(),
        cache: analysis.cache_cell(),
    }
}

/// The references in `range` of the text, in source offsets.
fn refs_in(text: &str, range: TextRange, escape: char) -> Vec<VarRef> {
    let Some(slice) = text.get(range.range()) else {
        return Vec::new();
    };
    shift(expand::scan(slice, escape).0, range.start())
}

fn shift(refs: Vec<VarRef>, base: usize) -> Vec<VarRef> {
    refs.into_iter()
        .map(|r| VarRef {
            range: TextRange::new(r.range.start() + base, r.range.end() + base),
            name_range: TextRange::new(r.name_range.start() + base, r.name_range.end() + base),
            ..r
        })
        .collect()
}

/// The references inside the word of `${A:-$B}` (at any depth), in source offsets.
fn nested(text: &str, r: &VarRef, escape: char, depth: usize) -> Vec<VarRef> {
    let Some(word) = r.word.as_deref().filter(|w| w.contains('$')) else {
        return Vec::new();
    };
    if depth > 8 || r.range.len() < word.len() + 1 {
        return Vec::new();
    }
    // The word ends just before the closing brace.
    let end = r.range.end() - 1;
    let start = end - word.len();
    if text.get(start..end) != Some(word) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for inner in refs_in(text, TextRange::new(start, end), escape) {
        out.extend(nested(text, &inner, escape, depth + 1));
        out.push(inner);
    }
    out
}

/// True when a `RUN` heredoc is the script itself (`RUN <<EOF`): the shell runs it, so
/// it expands its variables even with a quoted delimiter.
fn runs_as_script(text: &str, inst: &Instruction, h: &Heredoc) -> bool {
    h.fd == 0
        && text
            .get(inst.args.range.start()..h.marker_range.start())
            .unwrap_or("")
            .split_whitespace()
            .all(|w| w.starts_with("<<"))
}

/// The delimiter inside a `<<EOF` / `<<-"EOF"` marker, when it is written in one piece.
pub(crate) fn heredoc_name_range(text: &str, h: &Heredoc) -> Option<TextRange> {
    let marker = text.get(h.marker_range.range())?;
    let at = marker
        .rfind(h.name.as_str())
        .filter(|_| !h.name.is_empty())?;
    let start = h.marker_range.start() + at;
    Some(TextRange::new(start, start + h.name.len()))
}

/// The delimiter on the terminator line (leading tabs of `<<-` and trailing blanks left
/// out).
pub(crate) fn terminator_name_range(text: &str, h: &Heredoc) -> Option<TextRange> {
    let t = h.terminator_range?;
    let line = text.get(t.range())?;
    let at = line.find(h.name.as_str()).filter(|_| !h.name.is_empty())?;
    let start = t.start() + at;
    Some(TextRange::new(start, start + h.name.len()))
}

//! The build-cache model: for every instruction, what its BuildKit cache key depends on
//! and which later steps are rebuilt when it changes. Pure analysis over the syntax and
//! the semantic [`Model`]; the `.dockerignore` part is a query that takes one.
//!
//! How BuildKit decides, as modelled here:
//! - RUN, COPY, ADD and WORKDIR are *steps*: operations the builder executes and caches.
//!   Every other instruction only edits the image configuration; nothing runs for it,
//!   and later steps depend on it only when they read what it sets (ENV, ARG, USER,
//!   SHELL and WORKDIR are read by RUN; variables by the instructions naming them).
//! - A step's key is its own definition (the command string of a RUN, the sources and
//!   flags of a COPY after build-time substitution) plus its inputs: the state left by
//!   the previous step of the stage (the chain), the content of the files it copies or
//!   bind-mounts, the environment of a RUN (every ENV it sees and every ARG declared in
//!   the stage before it) and, for `--from` / `from=`, the whole of the named stage.
//! - `COPY --link` / `ADD --link` does not depend on the earlier layers of its stage: it
//!   is only rebuilt when its own inputs change; the steps after it still chain on it.
//! - Cache, tmpfs, secret and ssh mounts are not part of a key; bind mounts are.
//!
//! The model is built once per text (a linear walk); which steps a change rebuilds is
//! computed on demand ([`CacheModel::rebuilt_by`]), in one pass over the stages in
//! dependency order.

mod pitfalls;
#[cfg(test)]
mod tests;

use std::ops::Range;

pub use pitfalls::{may_install, Pitfall};

use crate::semantic::copy::{is_remote, unquote, CopyArgs};
use crate::semantic::dockerignore::{glob_match, normalize_path, DockerIgnore, IgnorePattern};
use crate::semantic::mount::mounts;
use crate::semantic::{builder_var_refs, Base, Model, VarKind};
use crate::syntax::{Dockerfile, Instruction, Kind};
use crate::text::TextRange;

/// What an instruction is to the builder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// FROM: the starting filesystem and configuration of a stage.
    Base,
    /// RUN, COPY, ADD, WORKDIR: an operation the builder executes and caches.
    Step,
    /// Image configuration only (ENV, ARG, USER, LABEL, CMD, ONBUILD…): nothing runs.
    Config,
    /// Before the first FROM (global ARGs), or not an instruction the builder knows.
    Global,
}

/// Where the files of a COPY/ADD source come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// The build context.
    Context,
    /// `--from=<stage>` (index into `Model::stages`): the whole stage is an input.
    Stage(usize),
    /// `--from=<image>`.
    Image(String),
    /// An http(s) URL fetched by ADD.
    Url { checksum: bool },
    /// A Git repository fetched by ADD; `reference` is the part after `#`.
    Git {
        reference: Option<String>,
        checksum: bool,
    },
    /// The inline text of a heredoc.
    Heredoc,
}

/// One source of a COPY/ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The source as written, quotes removed, variables expanded when their values are
    /// known.
    pub pattern: String,
    pub kind: SourceKind,
    pub range: TextRange,
}

impl Source {
    /// The root of the context (`.`, `./`).
    pub fn whole_context(&self) -> bool {
        self.kind == SourceKind::Context && normalize_path(&self.pattern).is_empty()
    }
}

/// Where a mount's files come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountFrom {
    Context,
    Stage(usize),
    Image(String),
}

/// One `RUN --mount`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MountInput {
    /// `bind`, `cache`, `tmpfs`, `secret`, `ssh`.
    pub typ: String,
    /// For bind mounts: where the files come from.
    pub from: Option<MountFrom>,
    /// `source=` (bind: the path inside `from`; default the root).
    pub source: Option<String>,
    pub target: Option<String>,
}

impl MountInput {
    /// Bind mounts are part of the key (the content of what they mount); cache, tmpfs,
    /// secret and ssh mounts are not.
    pub fn in_key(&self) -> bool {
        self.typ == "bind"
    }
}

/// What a stage is built on, for the cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BaseInput {
    Scratch,
    /// An earlier stage: all of it.
    Stage(usize),
    /// An image; `pinned` when it has a digest (it cannot move under the cache).
    Image {
        name: String,
        tag: Option<String>,
        pinned: bool,
    },
    /// Not known before the build (a variable without value) or invalid.
    Unknown,
}

/// How a stage is used by another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageUse {
    /// `FROM <stage>`.
    From,
    /// `COPY --from=<stage>` (the instruction).
    CopyFrom(usize),
    /// `RUN --mount=from=<stage>` (the instruction).
    MountFrom(usize),
}

impl StageUse {
    /// `FROM`, `COPY --from`, `--mount from`.
    pub fn label(self) -> &'static str {
        match self {
            StageUse::From => "FROM",
            StageUse::CopyFrom(_) => "COPY --from",
            StageUse::MountFrom(_) => "--mount from",
        }
    }
}

/// The inputs of one instruction's cache key ([`CacheModel::depends_on`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Variables the instruction names (`$VERSION`), in order, without duplicates.
    pub vars_used: Vec<String>,
    /// RUN: every ARG declared in the stage before it (part of its environment).
    pub args_in_env: Vec<String>,
    /// RUN: every ENV it sees (its stage and the stages it is built on).
    pub env_seen: Vec<String>,
    pub sources: Vec<Source>,
    pub mounts: Vec<MountInput>,
    /// FROM: the base.
    pub base: Option<BaseInput>,
    /// The step this one is executed on top of (`None` for FROM, configuration,
    /// `--link` copies and the first step of a stage, which starts from the base).
    pub previous: Option<usize>,
    /// Starts from the stage's base (first step of the stage, not `--link`).
    pub on_base: bool,
    pub link: bool,
    pub chown: Option<String>,
    pub chmod: Option<String>,
}

#[derive(Clone, Debug)]
struct Step {
    role: Role,
    kind: Kind,
    stage: Option<usize>,
    link: bool,
    /// Variables named by the instruction.
    refs: Vec<String>,
    /// ARG/ENV: `(name, kind, has a value)`.
    declares: Vec<(String, VarKind, bool)>,
    sources: Vec<Source>,
    mounts: Vec<MountInput>,
    chown: Option<String>,
    chmod: Option<String>,
    pitfalls: Vec<Pitfall>,
}

#[derive(Clone, Debug)]
struct StageFacts {
    instructions: Range<usize>,
    base: BaseInput,
    /// Stages this one needs (base, `--from`, mounts), without duplicates.
    deps: Vec<usize>,
    /// Who uses this stage, in instruction order.
    users: Vec<(usize, StageUse)>,
}

/// The cache model of one text.
#[derive(Debug, Default)]
pub struct CacheModel {
    steps: Vec<Step>,
    stages: Vec<StageFacts>,
    /// Stages in dependency order (a stage after the stages it needs; cycles broken).
    order: Vec<usize>,
}

/// The propagated change leaving a stage.
#[derive(Clone, Debug, Default)]
struct Outgoing {
    /// Some step of the stage (or its base) runs again: its filesystem changes.
    fs: bool,
    /// ENV names whose values change (inherited by stages built FROM it).
    env: Vec<String>,
    /// USER / SHELL / WORKDIR changed (read by RUN in stages built FROM it).
    cfg: bool,
}

impl CacheModel {
    pub fn build(text: &str, syntax: &Dockerfile, model: &Model) -> CacheModel {
        let escape = model.escape();
        let n = syntax.instructions.len();
        let mut steps = Vec::with_capacity(n);
        for (i, inst) in syntax.instructions.iter().enumerate() {
            steps.push(step_of(text, model, escape, i, inst));
        }
        let mut pitfalls: Vec<Vec<Pitfall>> = vec![Vec::new(); n];
        let copies_context = |i: usize| steps[i].sources.iter().any(Source::whole_context);
        pitfalls::context_before_deps(syntax, model, copies_context, &mut pitfalls);
        for (step, p) in steps.iter_mut().zip(pitfalls) {
            step.pitfalls.extend(p);
        }
        let mut stages: Vec<StageFacts> = model
            .stages
            .iter()
            .map(|s| StageFacts {
                instructions: s.instructions.clone(),
                base: match &s.base {
                    Base::Scratch => BaseInput::Scratch,
                    Base::Stage(p) => BaseInput::Stage(*p),
                    Base::Image(r) => BaseInput::Image {
                        name: r.full_name(),
                        tag: r.tag.clone(),
                        pinned: r.digest.is_some(),
                    },
                    Base::Invalid(_) | Base::Unresolved => BaseInput::Unknown,
                },
                deps: match s.base {
                    Base::Stage(p) => vec![p],
                    _ => Vec::new(),
                },
                users: Vec::new(),
            })
            .collect();
        let mut uses: Vec<(usize, usize, StageUse)> = Vec::new();
        for (s, facts) in stages.iter().enumerate() {
            if let BaseInput::Stage(p) = facts.base {
                uses.push((p, s, StageUse::From));
            }
        }
        for (i, step) in steps.iter().enumerate() {
            let Some(s) = step.stage else { continue };
            for src in &step.sources {
                if let SourceKind::Stage(p) = src.kind {
                    uses.push((p, s, StageUse::CopyFrom(i)));
                }
            }
            for m in &step.mounts {
                if let Some(MountFrom::Stage(p)) = m.from {
                    uses.push((p, s, StageUse::MountFrom(i)));
                }
            }
        }
        for &(used, user, how) in &uses {
            if used >= stages.len() || user >= stages.len() {
                continue;
            }
            if used != user && !stages[user].deps.contains(&used) {
                stages[user].deps.push(used);
            }
            if !stages[used]
                .users
                .iter()
                .any(|&(u, h)| u == user && h == how)
            {
                stages[used].users.push((user, how));
            }
        }
        for facts in &mut stages {
            facts.users.sort_by_key(|&(u, h)| {
                let at = match h {
                    StageUse::From => 0,
                    StageUse::CopyFrom(i) | StageUse::MountFrom(i) => i,
                };
                (u, at)
            });
        }
        let order = topo_order(&stages);
        CacheModel {
            steps,
            stages,
            order,
        }
    }

    /// What the instruction is to the builder (`None` out of range).
    pub fn role(&self, instruction: usize) -> Option<Role> {
        self.steps.get(instruction).map(|s| s.role)
    }

    /// Instruction indices (sorted, without `instruction` itself) of every step (RUN,
    /// COPY, ADD, WORKDIR) that is executed again when `instruction` changes, in its
    /// stage and in stages that depend on it. Every stage counts, as if each were
    /// built; for `--from` and `from=` the whole of the named stage is taken as the
    /// input, an upper bound (BuildKit may find the copied files unchanged and reuse
    /// the later steps).
    pub fn rebuilt_by(&self, instruction: usize) -> Vec<usize> {
        let Some(changed) = self.steps.get(instruction) else {
            return Vec::new();
        };
        let n = self.steps.len();
        let mut dirty = vec![false; n];
        dirty[instruction] = true;
        // Global ARGs whose value changes.
        let mut global: Vec<String> = Vec::new();
        let first_from = self.stages.first().map_or(n, |s| s.instructions.start);
        if changed.stage.is_none() {
            let globals = self.steps.iter().enumerate().take(first_from);
            for (k, step) in globals.skip(instruction) {
                if k == instruction || step.refs.iter().any(|r| global.contains(r)) {
                    dirty[k] = true;
                    for (name, _, _) in &step.declares {
                        push_unique(&mut global, name);
                    }
                }
            }
        }
        let mut out: Vec<Outgoing> = vec![Outgoing::default(); self.stages.len()];
        for &s in &self.order {
            let facts = &self.stages[s];
            let mut fs = false;
            let mut cfg = false;
            let mut vars: Vec<(String, VarKind)> = Vec::new();
            if let BaseInput::Stage(p) = facts.base {
                if let Some(o) = out.get(p) {
                    fs = o.fs;
                    cfg = o.cfg;
                    vars = o.env.iter().map(|e| (e.clone(), VarKind::Env)).collect();
                }
            }
            for k in facts.instructions.clone() {
                let Some(step) = self.steps.get(k) else {
                    continue;
                };
                let mut d = dirty[k];
                match step.role {
                    Role::Base => {
                        d |= step.refs.iter().any(|r| global.contains(r));
                    }
                    Role::Step | Role::Config => {
                        d |= step.refs.iter().any(|r| vars.iter().any(|(v, _)| v == r));
                        if step.kind == Kind::Run {
                            d |= cfg || !vars.is_empty();
                        }
                        if step.role == Role::Step && !step.link {
                            d |= fs;
                        }
                        for src in &step.sources {
                            if let SourceKind::Stage(p) = src.kind {
                                d |= out.get(p).is_some_and(|o| o.fs);
                            }
                        }
                        for m in &step.mounts {
                            if let Some(MountFrom::Stage(p)) = m.from {
                                d |= m.in_key() && out.get(p).is_some_and(|o| o.fs);
                            }
                        }
                        if step.kind == Kind::Arg {
                            d |= step
                                .declares
                                .iter()
                                .any(|(name, _, has_value)| !has_value && global.contains(name));
                        }
                    }
                    Role::Global => {}
                }
                if d {
                    dirty[k] = true;
                    match step.role {
                        Role::Base => {
                            fs = true;
                            cfg = true;
                        }
                        Role::Step => fs = true,
                        _ => {}
                    }
                    match step.kind {
                        Kind::User | Kind::Shell | Kind::Workdir => cfg = true,
                        Kind::Arg | Kind::Env => {
                            for (name, kind, _) in &step.declares {
                                if !vars.iter().any(|(v, _)| v == name) {
                                    vars.push((name.clone(), *kind));
                                }
                            }
                        }
                        _ => {}
                    }
                } else if matches!(step.kind, Kind::Arg | Kind::Env) {
                    // A new value that does not depend on the change replaces it.
                    for (name, _, has_value) in &step.declares {
                        if *has_value {
                            vars.retain(|(v, _)| v != name);
                        }
                    }
                }
            }
            out[s] = Outgoing {
                fs,
                env: vars
                    .into_iter()
                    .filter(|(_, k)| *k == VarKind::Env)
                    .map(|(v, _)| v)
                    .collect(),
                cfg,
            };
        }
        (0..n)
            .filter(|&k| k != instruction && dirty[k] && self.steps[k].role == Role::Step)
            .collect()
    }

    /// Instruction indices (sorted, without `instruction`) of the steps whose change
    /// reaches `instruction`: the earlier steps of its chain (none before a `--link`
    /// copy), and every step of the stages it is built on, copies from or mounts.
    pub fn upstream(&self, instruction: usize) -> Vec<usize> {
        let Some(step) = self.steps.get(instruction) else {
            return Vec::new();
        };
        let Some(s) = step.stage else {
            return Vec::new();
        };
        let mut marked = vec![false; self.steps.len()];
        let mut stages_seen = vec![false; self.stages.len()];
        let mut pending: Vec<usize> = Vec::new();
        let visit_step = |k: usize, pending: &mut Vec<usize>, marked: &mut Vec<bool>| {
            let Some(st) = self.steps.get(k) else { return };
            marked[k] = true;
            for src in &st.sources {
                if let SourceKind::Stage(p) = src.kind {
                    pending.push(p);
                }
            }
            for m in &st.mounts {
                if let (true, Some(MountFrom::Stage(p))) = (m.in_key(), &m.from) {
                    pending.push(*p);
                }
            }
        };
        let start = self.stages[s].instructions.start;
        visit_step(instruction, &mut pending, &mut marked);
        if !step.link {
            for k in start..instruction {
                visit_step(k, &mut pending, &mut marked);
            }
            if let BaseInput::Stage(p) = self.stages[s].base {
                pending.push(p);
            }
        }
        stages_seen[s] = true;
        while let Some(p) = pending.pop() {
            if p >= self.stages.len() || stages_seen[p] {
                continue;
            }
            stages_seen[p] = true;
            for k in self.stages[p].instructions.clone() {
                visit_step(k, &mut pending, &mut marked);
            }
            if let BaseInput::Stage(b) = self.stages[p].base {
                pending.push(b);
            }
        }
        (0..self.steps.len())
            .filter(|&k| k != instruction && marked[k] && self.steps[k].role == Role::Step)
            .collect()
    }

    /// The inputs of the instruction's cache key.
    pub fn depends_on(&self, instruction: usize) -> Inputs {
        let Some(step) = self.steps.get(instruction) else {
            return Inputs::default();
        };
        let mut inputs = Inputs {
            vars_used: step.refs.clone(),
            sources: step.sources.clone(),
            mounts: step.mounts.clone(),
            link: step.link,
            chown: step.chown.clone(),
            chmod: step.chmod.clone(),
            ..Inputs::default()
        };
        let Some(s) = step.stage else {
            return inputs;
        };
        let facts = &self.stages[s];
        if step.role == Role::Base {
            inputs.base = Some(facts.base.clone());
            return inputs;
        }
        if step.kind == Kind::Run {
            for k in facts.instructions.start..instruction {
                for (name, kind, _) in &self.steps[k].declares {
                    let list = match kind {
                        VarKind::Arg => &mut inputs.args_in_env,
                        VarKind::Env => &mut inputs.env_seen,
                    };
                    push_unique(list, name);
                }
            }
            // ENV of the stages it is built on.
            let mut base = facts.base.clone();
            let mut depth = 0;
            while let (BaseInput::Stage(p), true) = (&base, depth < 32) {
                let Some(pf) = self.stages.get(*p) else { break };
                for k in pf.instructions.clone() {
                    for (name, kind, _) in &self.steps[k].declares {
                        if *kind == VarKind::Env {
                            push_unique(&mut inputs.env_seen, name);
                        }
                    }
                }
                base = pf.base.clone();
                depth += 1;
            }
        }
        if step.role == Role::Step && !step.link {
            inputs.previous = (facts.instructions.start..instruction)
                .rev()
                .find(|&k| self.steps[k].role == Role::Step);
            inputs.on_base = inputs.previous.is_none();
        }
        inputs
    }

    /// The build-context sources the instruction reads: COPY/ADD sources without
    /// `--from` and the `source` of bind mounts without `from` (`.` when none).
    pub fn context_sources(&self, instruction: usize) -> Vec<String> {
        let Some(step) = self.steps.get(instruction) else {
            return Vec::new();
        };
        let mut out: Vec<String> = step
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::Context)
            .map(|s| s.pattern.clone())
            .collect();
        for m in &step.mounts {
            if m.in_key() && m.from == Some(MountFrom::Context) {
                out.push(m.source.clone().unwrap_or_else(|| ".".into()));
            }
        }
        out
    }

    /// For each build-context source of the instruction that the ignore file touches:
    /// the source and what happens to it.
    pub fn ignored_sources(&self, instruction: usize, ignore: &DockerIgnore) -> Vec<Ignored> {
        let mut out = Vec::new();
        for src in self.context_sources(instruction) {
            let path = normalize_path(unquote(&src));
            if path.starts_with("..") || src.contains('$') {
                continue;
            }
            if !path.is_empty() {
                if let Some(p) = ignore.excluding_pattern(&path) {
                    if !ignore.may_reinclude_below(&path) {
                        out.push(Ignored {
                            source: src.clone(),
                            effect: IgnoreEffect::Excluded(p.clone()),
                        });
                        continue;
                    }
                }
            }
            // Patterns that may exclude something below the source.
            let comps: Vec<&str> = if path.is_empty() {
                Vec::new()
            } else {
                path.split('/').collect()
            };
            let below: Vec<IgnorePattern> = ignore
                .patterns
                .iter()
                .filter(|p| !p.exception && matches_below(&p.pattern, &comps))
                .cloned()
                .collect();
            if !below.is_empty() {
                out.push(Ignored {
                    source: src.clone(),
                    effect: IgnoreEffect::Partly(below),
                });
            }
        }
        out
    }

    /// Who uses stage `stage`: `(user stage, how)`, ordered by user stage then
    /// instruction.
    pub fn stage_uses(&self, stage: usize) -> Vec<(usize, StageUse)> {
        self.stages
            .get(stage)
            .map(|s| s.users.clone())
            .unwrap_or_default()
    }

    /// The stages `stage` needs (its base stage, `--from` and mount stages).
    pub fn stage_deps(&self, stage: usize) -> &[usize] {
        self.stages.get(stage).map_or(&[], |s| s.deps.as_slice())
    }

    /// For every stage, whether the last stage (the default build target) needs it.
    pub fn needed_by_target(&self) -> Vec<bool> {
        let mut needed = vec![false; self.stages.len()];
        let mut pending: Vec<usize> = self.stages.len().checked_sub(1).into_iter().collect();
        while let Some(s) = pending.pop() {
            if needed[s] {
                continue;
            }
            needed[s] = true;
            pending.extend(self.stages[s].deps.iter().copied());
        }
        needed
    }

    /// The steps (RUN, COPY, ADD, WORKDIR) of a stage.
    pub fn stage_steps(&self, stage: usize) -> Vec<usize> {
        self.stages
            .get(stage)
            .map(|s| {
                s.instructions
                    .clone()
                    .filter(|&k| self.steps.get(k).is_some_and(|st| st.role == Role::Step))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The cache pitfalls of the instruction.
    pub fn pitfalls(&self, instruction: usize) -> &[Pitfall] {
        self.steps
            .get(instruction)
            .map_or(&[], |s| s.pitfalls.as_slice())
    }

    /// Every pitfall with its instruction, in order.
    pub fn all_pitfalls(&self) -> impl Iterator<Item = (usize, &Pitfall)> {
        self.steps
            .iter()
            .enumerate()
            .flat_map(|(i, s)| s.pitfalls.iter().map(move |p| (i, p)))
    }
}

/// What an ignore file does to one source ([`CacheModel::ignored_sources`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    pub source: String,
    pub effect: IgnoreEffect,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IgnoreEffect {
    /// The whole source is excluded (by this pattern): the copy fails or copies nothing.
    Excluded(IgnorePattern),
    /// These patterns may exclude files under the source: edits to them never reach it.
    Partly(Vec<IgnorePattern>),
}

/// True when `pattern` may match something strictly below the path made of `comps`.
fn matches_below(pattern: &str, comps: &[&str]) -> bool {
    let pcomps: Vec<&str> = pattern.split('/').collect();
    for (i, comp) in comps.iter().enumerate() {
        let Some(pc) = pcomps.get(i) else {
            return false;
        };
        if pc.contains("**") {
            return true;
        }
        if !glob_match(pc, comp) {
            return false;
        }
    }
    pcomps.len() > comps.len()
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

/// Stages after the stages they need; a dependency cycle is broken where it closes.
fn topo_order(stages: &[StageFacts]) -> Vec<usize> {
    // 0 = new, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; stages.len()];
    let mut order = Vec::with_capacity(stages.len());
    for root in 0..stages.len() {
        if state[root] != 0 {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        state[root] = 1;
        while let Some(top) = stack.last_mut() {
            let s = top.0;
            if let Some(&d) = stages[s].deps.get(top.1) {
                top.1 += 1;
                if d < stages.len() && state[d] == 0 {
                    state[d] = 1;
                    stack.push((d, 0));
                }
            } else {
                state[s] = 2;
                order.push(s);
                stack.pop();
            }
        }
    }
    order
}

fn role_of(kind: Kind, in_stage: bool) -> Role {
    match kind {
        Kind::From => Role::Base,
        _ if !in_stage => Role::Global,
        Kind::Run | Kind::Copy | Kind::Add | Kind::Workdir => Role::Step,
        Kind::Unknown => Role::Global,
        _ => Role::Config,
    }
}

fn step_of(text: &str, model: &Model, escape: char, i: usize, inst: &Instruction) -> Step {
    let stage = model.stage_of(i).map(|s| s.index);
    // ONBUILD triggers run in the child image's build, not this one.
    let kind = inst.kind;
    let role = role_of(kind, stage.is_some());
    let mut step = Step {
        role,
        kind,
        stage,
        link: false,
        refs: Vec::new(),
        declares: Vec::new(),
        sources: Vec::new(),
        mounts: Vec::new(),
        chown: None,
        chmod: None,
        pitfalls: Vec::new(),
    };
    if kind == Kind::Onbuild {
        if let Some(t) = inst.trigger.as_deref().filter(|t| t.kind == Kind::Run) {
            pitfalls::updates_without_install(model, i, t, &mut step.pitfalls);
        }
        return step;
    }
    let mentions_var = text.get(inst.range.range()).is_none_or(|t| t.contains('$'));
    if mentions_var {
        for r in builder_var_refs(text, inst, escape) {
            push_unique(&mut step.refs, &r.name);
        }
    }
    match kind {
        Kind::Arg | Kind::Env => {
            let vk = if kind == Kind::Arg {
                VarKind::Arg
            } else {
                VarKind::Env
            };
            step.declares = inst
                .args
                .pairs
                .iter()
                .map(|p| (p.key.text.clone(), vk, p.value.is_some()))
                .collect();
        }
        Kind::Run => {
            dollar_names(&inst.args.text, &mut step.refs);
            for h in inst.heredocs.iter().filter(|h| !h.quoted) {
                dollar_names(&h.content, &mut step.refs);
            }
            // Shell variables (`$f` of a loop, `$HOME`) are not build inputs: keep the
            // names the builder knows at this line.
            step.refs.retain(|name| model.lookup(i, name).is_some());
            step.mounts = mounts(inst)
                .into_iter()
                .map(|m| {
                    let from = (m.typ == "bind").then(|| match m.get("from") {
                        None => MountFrom::Context,
                        Some(v) => {
                            let v = model.expand_at(i, v).unwrap_or_else(|| v.to_string());
                            match model.stage_by_ref(&v) {
                                Some(s) => MountFrom::Stage(s.index),
                                None if v.is_empty() => MountFrom::Context,
                                None => MountFrom::Image(v),
                            }
                        }
                    });
                    MountInput {
                        from,
                        source: m.get("source").or_else(|| m.get("src")).map(str::to_string),
                        target: m.target().map(str::to_string),
                        typ: m.typ,
                    }
                })
                .collect();
            pitfalls::updates_without_install(model, i, inst, &mut step.pitfalls);
            pitfalls::secrets_in_run(model, i, &step.refs, &mut step.pitfalls);
        }
        Kind::Copy | Kind::Add => {
            step.link = inst.flag("link").is_some_and(|f| {
                f.value
                    .as_deref()
                    .is_none_or(|v| !v.eq_ignore_ascii_case("false"))
            });
            step.chown = inst.flag("chown").and_then(|f| f.value.clone());
            step.chmod = inst.flag("chmod").and_then(|f| f.value.clone());
            let checksum = inst.flag("checksum").is_some();
            let from = inst.flag("from").and_then(|f| f.value.as_deref()).map(|v| {
                let v = model.expand_at(i, v).unwrap_or_else(|| v.to_string());
                match model.stage_by_ref(&v) {
                    Some(s) => SourceKind::Stage(s.index),
                    None => SourceKind::Image(v),
                }
            });
            if let Some(args) = CopyArgs::of(inst) {
                for src in &args.sources {
                    let written = if args.json {
                        src.text.as_str()
                    } else {
                        unquote(&src.text)
                    };
                    let pattern = if written.contains('$') {
                        model
                            .expand_at(i, written)
                            .unwrap_or_else(|| written.to_string())
                    } else {
                        written.to_string()
                    };
                    let kind = match &from {
                        Some(f) => f.clone(),
                        None if kind == Kind::Add && is_git(&pattern) => SourceKind::Git {
                            reference: pattern.split_once('#').map(|(_, r)| r.to_string()),
                            checksum,
                        },
                        None if kind == Kind::Add && is_remote(&pattern) => {
                            SourceKind::Url { checksum }
                        }
                        None => SourceKind::Context,
                    };
                    step.sources.push(Source {
                        pattern,
                        kind,
                        range: src.range,
                    });
                }
            }
            for h in &inst.heredocs {
                step.sources.push(Source {
                    pattern: format!("<<{}", h.name),
                    kind: SourceKind::Heredoc,
                    range: h.marker_range,
                });
            }
        }
        _ => {}
    }
    step
}

/// The names after `$` and `${` in shell text (a superset of what the shell expands:
/// quoting is not considered), added to `out` without duplicates.
fn dollar_names(text: &str, out: &mut Vec<String>) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(k) = text.get(at..).and_then(|t| t.find('$')) {
        let mut start = at + k + 1;
        if bytes.get(start) == Some(&b'{') {
            start += 1;
        }
        let mut end = start;
        while bytes
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            end += 1;
        }
        let starts_with_letter = bytes
            .get(start)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_');
        if end > start && starts_with_letter {
            if let Some(name) = text.get(start..end) {
                push_unique(out, name);
            }
        }
        at = end.max(at + k + 1);
    }
}

/// A Git source of ADD: `git@…`, `git://…`, `ssh://…` or an http(s) URL of a `.git`
/// repository (optionally `#ref`).
fn is_git(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    if lower.starts_with("git@") || lower.starts_with("git://") || lower.starts_with("ssh://") {
        return true;
    }
    let base = lower.split('#').next().unwrap_or("");
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && (base.ends_with(".git") || base.contains(".git/"))
}

//! The semantic model ("hir" for Dockerfiles): stages, image references, the stage
//! graph, ARG/ENV scopes, shells and shell views, built once per parse and read by
//! every rule and editor feature. Pure: no I/O.

pub mod cache;
pub mod copy;
pub mod distro;
pub mod dockerignore;
pub mod download;
pub mod expand;
pub mod flags;
pub mod image_ref;
pub mod images;
pub mod mount;
pub mod pkg;
pub mod secrets;
pub mod shell;

use std::ops::Range;

use crate::syntax::{Dockerfile, Instruction, Kind, Word};
use crate::text::TextRange;
pub use expand::{Modifier, VarRef};
pub use image_ref::{ImageRef, InvalidRef};
pub use images::{FactsTable, ImageFacts};
pub use shell::{Script, ShellCommand, ShellWord};

/// ARGs every build knows without a declaration: the proxy variables.
pub const PREDEFINED_ARGS: &[&str] = &[
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// Automatic platform ARGs and BuildKit built-ins: global scope only; a stage must
/// redeclare them (`ARG TARGETARCH`) to see them.
pub const AUTOMATIC_ARGS: &[&str] = &[
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETSTAGE",
    "BUILDKIT_CACHE_MOUNT_NS",
    "BUILDKIT_CONTEXT_KEEP_GIT_DIR",
    "BUILDKIT_INLINE_CACHE",
    "BUILDKIT_MULTI_PLATFORM",
    "BUILDKIT_SANDBOX_HOSTNAME",
    "BUILDKIT_SYNTAX",
    "BUILDKIT_BUILD_NAME",
    "SOURCE_DATE_EPOCH",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Arg,
    Env,
}

/// An ARG or ENV declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarDecl {
    pub name: String,
    /// The value as written (quotes kept, not expanded); `None` for `ARG NAME`.
    pub value: Option<String>,
    pub kind: VarKind,
    /// Index of the declaring instruction in `Dockerfile::instructions`.
    pub instruction: usize,
    pub name_range: TextRange,
}

/// Where a variable visible at some instruction comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarSource<'a> {
    Decl(&'a VarDecl),
    /// A proxy ARG or an automatic platform ARG (value supplied by the builder).
    Predefined,
}

/// What a stage is built on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    Image(ImageRef),
    /// Not a valid reference after expansion.
    Invalid(InvalidRef),
    /// Uses a variable with no known value.
    Unresolved,
}

/// The shell RUN instructions of a stage run in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellKind {
    /// `/bin/sh -c` or another POSIX shell given by SHELL (`bash`, `ash`, …).
    Posix(String),
    PowerShell,
    Cmd,
    Other(String),
}

impl ShellKind {
    pub fn is_posix(&self) -> bool {
        matches!(self, ShellKind::Posix(_))
    }
    fn from_program(program: &str) -> ShellKind {
        let name = program
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(program)
            .to_ascii_lowercase();
        let name = name.trim_end_matches(".exe");
        match name {
            "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox" => {
                ShellKind::Posix(name.to_string())
            }
            "powershell" | "pwsh" => ShellKind::PowerShell,
            "cmd" => ShellKind::Cmd,
            other => ShellKind::Other(other.to_string()),
        }
    }
}

/// One build stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// Index of the FROM instruction.
    pub from: usize,
    /// Instruction indices of the stage: its FROM up to the next FROM.
    pub instructions: Range<usize>,
    /// The name after `AS`, lower-cased as BuildKit does.
    pub name: Option<String>,
    pub name_word: Option<Word>,
    /// The image word of FROM as written.
    pub base_word: Option<Word>,
    pub base: Base,
    pub platform: Option<Word>,
    /// ARG and ENV declarations inside the stage, in order.
    pub decls: Vec<VarDecl>,
}

/// The shell view of one RUN instruction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunShell {
    /// The commands of the RUN line itself (shell form, POSIX shell only).
    pub script: Option<Script>,
    /// The commands of heredoc bodies run by a POSIX shell.
    pub heredoc_scripts: Vec<Script>,
}

impl RunShell {
    /// Every command, RUN line first, then heredoc bodies.
    pub fn commands(&self) -> impl Iterator<Item = &ShellCommand> {
        self.script
            .iter()
            .chain(self.heredoc_scripts.iter())
            .flat_map(|s| s.commands.iter())
    }
}

/// Facts derived from a parsed Dockerfile.
#[derive(Debug, Default)]
pub struct Model {
    pub stages: Vec<Stage>,
    /// ARGs before the first FROM.
    pub global_args: Vec<VarDecl>,
    /// The stage of every instruction (`None` before the first FROM).
    stage_of: Vec<Option<usize>>,
    /// Shell views of RUN instructions (and ONBUILD RUN triggers), by instruction index.
    runs: Vec<Option<RunShell>>,
    /// The shell in force at each instruction.
    shells: Vec<ShellKind>,
    escape: char,
}

const MAX_DEPTH: usize = 24;

/// Files with at least this many shell-form RUNs build their shell views on two threads.
const PARALLEL_RUNS: usize = 128;

impl Model {
    pub fn build(text: &str, syntax: &Dockerfile) -> Model {
        let n = syntax.instructions.len();
        let mut model = Model {
            stages: Vec::new(),
            global_args: Vec::new(),
            stage_of: vec![None; n],
            runs: vec![None; n],
            shells: Vec::with_capacity(n),
            escape: syntax.escape,
        };
        for (i, inst) in syntax.instructions.iter().enumerate() {
            if inst.kind == Kind::From {
                if let Some(last) = model.stages.last_mut() {
                    last.instructions.end = i;
                }
                let stage = model.new_stage(i, inst);
                model.stages.push(stage);
            }
            let current = model.stages.len().checked_sub(1);
            model.stage_of[i] = current;
            let eff = inst.effective();
            if inst.kind == Kind::Onbuild {
                continue;
            }
            match (eff.kind, current) {
                (Kind::Arg, None) => model.global_args.extend(decls(i, eff, VarKind::Arg)),
                (Kind::Arg, Some(s)) => {
                    let d = decls(i, eff, VarKind::Arg);
                    model.stages[s].decls.extend(d);
                }
                (Kind::Env, Some(s)) => {
                    let d = decls(i, eff, VarKind::Env);
                    model.stages[s].decls.extend(d);
                }
                _ => {}
            }
        }
        if let Some(last) = model.stages.last_mut() {
            last.instructions.end = n;
        }
        // Resolve bases now that all global ARGs are known.
        for s in 0..model.stages.len() {
            let base = model.resolve_base(syntax, s);
            model.stages[s].base = base;
        }
        // Shells, then shell views.
        let mut with_views = Vec::new();
        for (i, inst) in syntax.instructions.iter().enumerate() {
            let shell = model.compute_shell(syntax, i);
            model.shells.push(shell);
            let eff = inst.effective();
            if eff.kind == Kind::Run
                && eff.args.json.is_none()
                && model.shells[i].is_posix()
                && syntax.escape == '\\'
            {
                with_views.push(i);
            }
        }
        let views = |ids: &[usize]| -> Vec<(usize, RunShell)> {
            ids.iter()
                .map(|&i| {
                    let inst = &syntax.instructions[i];
                    (i, run_shell(text, inst, inst.effective()))
                })
                .collect()
        };
        // Each view is independent of the others: on a file with many RUNs, half of
        // them are built on a second thread (every other one, as neighbours tend to be
        // alike in size).
        let parallel = with_views.len() >= PARALLEL_RUNS
            && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
        let built = if parallel {
            // By position among the RUNs, not by instruction index: in a file that
            // alternates RUN with another instruction every RUN has an even index.
            let odd: Vec<usize> = with_views.iter().copied().skip(1).step_by(2).collect();
            let even: Vec<usize> = with_views.iter().copied().step_by(2).collect();
            std::thread::scope(|s| {
                let other = s.spawn(|| views(&odd));
                let mut built = views(&even);
                match other.join() {
                    Ok(more) => built.extend(more),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
                built
            })
        } else {
            views(&with_views)
        };
        for (i, view) in built {
            model.runs[i] = Some(view);
        }
        model
    }

    fn new_stage(&self, i: usize, inst: &Instruction) -> Stage {
        let words = &inst.args.words;
        let name_word = if words.len() >= 3 && words[1].text.eq_ignore_ascii_case("as") {
            Some(words[2].clone())
        } else {
            None
        };
        Stage {
            index: self.stages.len(),
            from: i,
            instructions: i..i + 1,
            name: name_word.as_ref().map(|w| w.text.to_ascii_lowercase()),
            name_word,
            base_word: words.first().cloned(),
            base: Base::Unresolved,
            platform: inst.flag("platform").and_then(|f| {
                Some(Word {
                    text: f.value.clone()?,
                    range: f.value_range?,
                })
            }),
            decls: Vec::new(),
        }
    }

    fn resolve_base(&self, _syntax: &Dockerfile, s: usize) -> Base {
        let stage = &self.stages[s];
        let Some(word) = &stage.base_word else {
            return Base::Invalid(InvalidRef("FROM needs an image".into()));
        };
        let Some(expanded) = self.expand_at(stage.from, &word.text) else {
            return Base::Unresolved;
        };
        if expanded.eq_ignore_ascii_case("scratch") {
            return Base::Scratch;
        }
        let lower = expanded.to_ascii_lowercase();
        if let Some(prev) = self.stages[..s]
            .iter()
            .rev()
            .find(|p| p.name.as_deref() == Some(lower.as_str()))
        {
            return Base::Stage(prev.index);
        }
        match ImageRef::parse(&expanded) {
            Ok(r) => Base::Image(r),
            Err(e) => Base::Invalid(e),
        }
    }

    fn compute_shell(&self, syntax: &Dockerfile, i: usize) -> ShellKind {
        let shell = self.instructions_before(i).find_map(|j| {
            let inst = &syntax.instructions[j];
            (inst.kind == Kind::Shell)
                .then(|| inst.args.json.as_ref()?.first())
                .flatten()
        });
        if let Some(program) = shell {
            return ShellKind::from_program(&program.text);
        }
        // No SHELL: the default of the image at the root of the stage chain.
        let root = self.stage_of(i).and_then(|s| self.root_stage(s.index));
        match root.map(|s| &s.base) {
            Some(Base::Image(r)) if is_windows_image(r) => ShellKind::Cmd,
            _ if syntax.escape == '`' => ShellKind::Other("windows".into()),
            _ => ShellKind::Posix("sh".into()),
        }
    }

    /// The stage an instruction belongs to.
    pub fn stage_of(&self, instruction: usize) -> Option<&Stage> {
        self.stage_of
            .get(instruction)
            .copied()
            .flatten()
            .map(|s| &self.stages[s])
    }

    /// Indices of the instructions that come before `at` in its stage and, through
    /// `FROM <stage>`, in the stages it is built on, newest first. This is what an
    /// instruction inherits: SHELL, WORKDIR, USER, ENV.
    pub fn instructions_before(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        let mut stage = self.stage_of.get(at).copied().flatten();
        let mut end = at;
        let mut depth = 0;
        std::iter::from_fn(move || loop {
            let s = &self.stages[stage?];
            if end > s.instructions.start {
                end -= 1;
                return Some(end);
            }
            depth += 1;
            stage = match s.base {
                Base::Stage(p) if depth <= MAX_DEPTH => Some(p),
                _ => None,
            };
            end = stage.map_or(0, |p| self.stages[p].instructions.end);
        })
    }

    /// The last stage: what `docker build` produces without `--target`.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The stage and the stages it is built `FROM`, nearest first. `FROM <stage>` only
    /// ever names an earlier stage, so the chain always ends.
    pub fn stage_chain(&self, stage: usize) -> impl Iterator<Item = &Stage> + '_ {
        let mut next = self.stages.get(stage);
        std::iter::from_fn(move || {
            let s = next?;
            next = match s.base {
                Base::Stage(p) if p < s.index => self.stages.get(p),
                _ => None,
            };
            Some(s)
        })
    }

    /// The end of `stage`'s chain: the stage built on an image, `scratch` or a base
    /// that is not a stage.
    pub fn root_stage(&self, stage: usize) -> Option<&Stage> {
        self.stage_chain(stage).last()
    }

    /// The stages the built image is made of: the final stage, then the stages it is
    /// built `FROM`, nearest first.
    pub fn image_chain(&self) -> Vec<usize> {
        self.stages
            .len()
            .checked_sub(1)
            .map(|last| self.stage_chain(last).map(|s| s.index).collect())
            .unwrap_or_default()
    }

    /// For every stage, whether it ends up in the image `docker build` produces without
    /// `--target` (see [`Model::image_chain`]).
    pub fn image_stages(&self) -> Vec<bool> {
        let mut out = vec![false; self.stages.len()];
        for s in self.image_chain() {
            out[s] = true;
        }
        out
    }

    /// The shell view of a RUN instruction (POSIX shell, shell form only).
    pub fn run_shell(&self, instruction: usize) -> Option<&RunShell> {
        self.runs.get(instruction).and_then(Option::as_ref)
    }

    /// Every RUN (and ONBUILD RUN) that has a shell view, with its instruction index.
    pub fn run_shells(&self) -> impl Iterator<Item = (usize, &RunShell)> {
        self.runs
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i, r)))
    }

    /// The shell in force at an instruction.
    pub fn shell_at(&self, instruction: usize) -> ShellKind {
        self.shells
            .get(instruction)
            .cloned()
            .unwrap_or(ShellKind::Posix("sh".into()))
    }

    /// Resolves `--from=<value>` / `FROM <value>`: a stage name (case-insensitive) or a
    /// stage index.
    pub fn stage_by_ref(&self, value: &str) -> Option<&Stage> {
        if !value.is_empty() && value.bytes().all(|c| c.is_ascii_digit()) {
            return value.parse::<usize>().ok().and_then(|i| self.stages.get(i));
        }
        let lower = value.to_ascii_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
    }

    /// The variable `name` as seen by instruction `at`.
    pub fn lookup(&self, at: usize, name: &str) -> Option<VarSource<'_>> {
        match self.stage_of.get(at).copied().flatten() {
            // FROM lines and everything before the first FROM see global ARGs only.
            Some(s) if self.stages[s].from != at => self.lookup_in_stage(s, at, name, 0),
            _ => self
                .global_args
                .iter()
                .rev()
                .find(|d| d.name == name && d.instruction < at)
                .map(VarSource::Decl)
                .or_else(|| {
                    (AUTOMATIC_ARGS.contains(&name) || PREDEFINED_ARGS.contains(&name))
                        .then_some(VarSource::Predefined)
                }),
        }
    }

    fn lookup_in_stage(
        &self,
        s: usize,
        at: usize,
        name: &str,
        depth: usize,
    ) -> Option<VarSource<'_>> {
        let stage = &self.stages[s];
        let visible = stage
            .decls
            .iter()
            .filter(|d| d.name == name && d.instruction < at);
        let mut found: Option<&VarDecl> = None;
        for d in visible {
            // ENV overrides ARG whatever the order.
            if found.is_none_or(|f| !(f.kind == VarKind::Env && d.kind == VarKind::Arg)) {
                found = Some(d);
            }
        }
        if let Some(d) = found {
            return Some(VarSource::Decl(d));
        }
        if let Base::Stage(p) = stage.base {
            if depth < MAX_DEPTH {
                let end = self.stages[p].instructions.end;
                if let Some(v) = self.lookup_in_stage(p, end, name, depth + 1) {
                    return Some(v);
                }
            }
        }
        PREDEFINED_ARGS
            .contains(&name)
            .then_some(VarSource::Predefined)
    }

    /// The value of `name` at `at`: `None` when unset or unknown (no default, value
    /// supplied only at build time).
    pub fn value_at(&self, at: usize, name: &str) -> Option<String> {
        self.value_depth(at, name, 0)
    }

    fn value_depth(&self, at: usize, name: &str, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.lookup(at, name)? {
            VarSource::Predefined => None,
            VarSource::Decl(d) => match &d.value {
                Some(v) => expand::expand(v, self.escape, &|n| {
                    self.value_depth(d.instruction, n, depth + 1)
                }),
                // `ARG NAME` inside a stage takes the global default.
                None if d.kind == VarKind::Arg && self.stage_of(d.instruction).is_some() => self
                    .global_args
                    .iter()
                    .rev()
                    .find(|g| g.name == name)
                    .and_then(|g| {
                        let v = g.value.as_ref()?;
                        expand::expand(v, self.escape, &|n| {
                            self.value_depth(g.instruction, n, depth + 1)
                        })
                    }),
                None => None,
            },
        }
    }

    /// Expands `text` as instruction `at` would see it. `None` when a referenced
    /// variable has no known value and no default.
    pub fn expand_at(&self, at: usize, text: &str) -> Option<String> {
        let (refs, bad) = expand::scan(text, self.escape);
        if !bad.is_empty() {
            return None;
        }
        for r in &refs {
            let known = self.value_at(at, &r.name).is_some();
            let covered = matches!(
                r.modifier,
                Some(Modifier::Default { .. }) | Some(Modifier::Alternate { .. })
            );
            if !known && !covered {
                return None;
            }
        }
        expand::expand(text, self.escape, &|n| self.value_at(at, n))
    }

    pub fn escape(&self) -> char {
        self.escape
    }
}

fn is_windows_image(r: &ImageRef) -> bool {
    let repo = r.repository.to_ascii_lowercase();
    let tag = r.tag.as_deref().unwrap_or("").to_ascii_lowercase();
    repo.starts_with("windows/")
        || repo.contains("windows/servercore")
        || repo.contains("windows/nanoserver")
        || repo.ends_with("/windows")
        || repo.ends_with("nanoserver-insider")
        || repo.ends_with("windowsservercore-insider")
        || tag.contains("nanoserver")
        || tag.contains("windowsservercore")
        || tag.contains("ltsc20")
}

fn decls(i: usize, inst: &Instruction, kind: VarKind) -> Vec<VarDecl> {
    inst.args
        .pairs
        .iter()
        .map(|p| VarDecl {
            name: p.key.text.clone(),
            value: p.value.as_ref().map(|v| v.text.clone()),
            kind,
            instruction: i,
            name_range: p.key.range,
        })
        .collect()
}

fn run_shell(text: &str, outer: &Instruction, run: &Instruction) -> RunShell {
    let (base, view) = shell::blanked_args(text, &outer.joined, run);
    let script = shell::parse_script(&view, base);
    let mut heredoc_scripts = Vec::new();
    if !run.heredocs.is_empty() {
        // `RUN <<EOF` runs the body with the default shell; `RUN sh <<EOF` (or bash,
        // ash…) feeds it to that shell; anything else (python3 <<EOF) is not shell.
        let runner = script.commands.first().map(|c| c.name.as_str());
        let shell_runner = match runner {
            None => true,
            Some(name) => matches!(name, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh"),
        };
        for h in &run.heredocs {
            if h.fd != 0 || h.body_range.is_empty() {
                continue;
            }
            let body = &text[h.body_range.range()];
            let shebang_shell = body
                .lines()
                .next()
                .filter(|l| l.starts_with("#!"))
                .map(|l| {
                    let prog = l[2..].split_whitespace().collect::<Vec<_>>();
                    let p = match prog.as_slice() {
                        [env, p, ..] if env.ends_with("/env") => *p,
                        [p, ..] => *p,
                        [] => "",
                    };
                    ShellKind::from_program(p).is_posix()
                });
            if shebang_shell.unwrap_or(shell_runner) {
                heredoc_scripts.push(shell::parse_script(body, h.body_range.start()));
            }
        }
    }
    RunShell {
        script: Some(script),
        heredoc_scripts,
    }
}

/// All variable references in builder-expanded parts of an instruction (arguments of
/// builder-expanded instructions, flag values except `--from`), in source offsets.
pub fn builder_var_refs(text: &str, inst: &Instruction, escape: char) -> Vec<VarRef> {
    let mut out = Vec::new();
    let mut push = |range: TextRange| {
        let (refs, _) = expand::scan(&text[range.range()], escape);
        out.extend(refs.into_iter().map(|r| VarRef {
            range: TextRange::new(
                r.range.start() + range.start(),
                r.range.end() + range.start(),
            ),
            name_range: TextRange::new(
                r.name_range.start() + range.start(),
                r.name_range.end() + range.start(),
            ),
            ..r
        }));
    };
    if inst.kind.builder_expands() {
        match inst.kind {
            Kind::Env | Kind::Label | Kind::Arg => {
                for p in &inst.args.pairs {
                    if let Some(v) = &p.value {
                        push(v.range);
                    }
                }
            }
            _ if inst.args.json.is_some() => {
                for w in inst.args.json.iter().flatten() {
                    push(w.range);
                }
            }
            _ => {
                for w in &inst.args.words {
                    push(w.range);
                }
            }
        }
    }
    for f in &inst.flags {
        if let Some(r) = f.value_range {
            if f.name != "from" || inst.kind == Kind::From {
                push(r);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;

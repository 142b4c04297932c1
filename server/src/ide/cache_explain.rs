//! The build cache in words: the "Build cache" section of an instruction's hover and the
//! per-stage code lens, rendered from [`crate::semantic::cache::CacheModel`].
//!
//! Facts are BuildKit's; the sentences are ours and short: what goes into the line's
//! cache key, what a change to it runs again, which file edits reach it, and the
//! pitfall when one applies.

#[cfg(test)]
mod tests;

use crate::config::Config;
use crate::ide::{code_span, Analysis};
use crate::semantic::cache::{
    BaseInput, IgnoreEffect, Inputs, MountFrom, Pitfall, Role, SourceKind, StageUse,
};
use crate::semantic::dockerignore::{normalize_path, DockerIgnore};
use crate::semantic::VarKind;
use crate::syntax::Kind;

/// How many steps or names a listing shows before "and N more".
const CAP: usize = 5;

/// The Markdown "Build cache" section for one instruction (index into
/// `Dockerfile::instructions`): what invalidates it, what changing it rebuilds, the
/// pitfall that applies. Starts with a `#### Build cache` heading. `None` when there is
/// nothing to say (e.g. a parse error line).
pub fn instruction_section(
    analysis: &Analysis,
    config: &Config,
    instruction: usize,
) -> Option<String> {
    let inst = analysis.syntax().instructions.get(instruction)?;
    if inst.kind == Kind::Unknown {
        return None;
    }
    let cache = analysis.cache();
    let role = cache.role(instruction)?;
    if role == Role::Global && inst.kind != Kind::Arg {
        return None;
    }
    let inputs = cache.depends_on(instruction);
    let w = Words { analysis };
    let mut out = String::from("#### Build cache\n\n");
    out.push_str(&key_paragraph(&w, instruction, inst.kind, role, &inputs));
    if matches!(role, Role::Step | Role::Base)
        && inst.kind.builder_expands()
        && !inputs.vars_used.is_empty()
    {
        out.push_str(&substituted(analysis, instruction));
    }
    out.push_str("\n\n");
    out.push_str(&changing_paragraph(&w, instruction, role));
    if role == Role::Step {
        out.push_str("\n\n");
        out.push_str(&edits_paragraph(&w, config, instruction));
    }
    for p in cache.pitfalls(instruction) {
        out.push_str("\n\n");
        out.push_str(&pitfall_paragraph(&w, p));
    }
    out.push('\n');
    Some(out)
}

/// The code lens title of a stage (index into `Model::stages`), e.g.
/// "used by final via COPY --from · 12 steps": plain text (no Markdown), at most 60
/// characters. `None` when the stage does not exist.
pub fn stage_lens(analysis: &Analysis, stage: usize) -> Option<String> {
    let model = analysis.model();
    model.stages.get(stage)?;
    let cache = analysis.cache();
    let steps = cache.stage_steps(stage).len();
    let steps = plural(steps, "step");
    let last = stage + 1 == model.stages.len();
    // Users grouped by how they use the stage, in order of first use.
    let mut groups: Vec<(&'static str, Vec<usize>)> = Vec::new();
    for (user, how) in cache.stage_uses(stage) {
        let verb = match how {
            StageUse::From => "base of",
            StageUse::CopyFrom(_) => "used by",
            StageUse::MountFrom(_) => "mounted by",
        };
        match groups.iter_mut().find(|(v, _)| *v == verb) {
            Some((_, users)) if !users.contains(&user) => users.push(user),
            Some(_) => {}
            None => groups.push((verb, vec![user])),
        }
    }
    let name = |s: usize| {
        model.stages[s]
            .name
            .clone()
            .unwrap_or_else(|| format!("stage {s}"))
    };
    let needed = cache
        .needed_by_target()
        .get(stage)
        .copied()
        .unwrap_or(false);
    // 0: every name; 1: names cut to 14 characters, counts for several; 2: counts;
    // 3: counts, without saying the stage is skipped.
    let render = |level: u8| {
        let mut parts: Vec<String> = Vec::new();
        if last {
            parts.push("final stage".into());
        }
        for (verb, users) in &groups {
            let who = match level {
                0 => users
                    .iter()
                    .map(|&u| name(u))
                    .collect::<Vec<_>>()
                    .join(", "),
                1 if users.len() == 1 => {
                    let n = name(users[0]);
                    if n.chars().count() > 14 {
                        n.chars().take(13).collect::<String>() + "…"
                    } else {
                        n
                    }
                }
                _ => plural(users.len(), "stage"),
            };
            parts.push(match *verb {
                "used by" if level >= 2 => format!("copied by {who}"),
                "used by" => format!("used by {who} via COPY --from"),
                "mounted by" => format!("mounted by {who}"),
                _ => format!("base of {who}"),
            });
        }
        if level < 3 && !last && !needed {
            parts.push("skipped unless targeted".into());
        }
        parts.push(steps.clone());
        parts.join(" · ")
    };
    for level in 0..4 {
        let title = render(level);
        if title.chars().count() <= 60 {
            return Some(title);
        }
    }
    Some(render(3).chars().take(59).collect::<String>() + "…")
}

/// " With the default values it reads `COPY conf/app.yml /etc/`.", or why it cannot be
/// said.
fn substituted(analysis: &Analysis, i: usize) -> String {
    let Some(inst) = analysis.syntax().instructions.get(i) else {
        return String::new();
    };
    match analysis.model().expand_at(i, &inst.args.text) {
        Some(e) if e == inst.args.text || e.contains('`') => String::new(),
        Some(e) if e.chars().count() <= 100 => format!(
            " With the default values the line reads `{} {e}`.",
            inst.kind.name()
        ),
        Some(_) => String::new(),
        None => " A variable here has no default: the build supplies it (`--build-arg`), and each new value is a new key.".into(),
    }
}

struct Words<'a> {
    analysis: &'a Analysis,
}

impl Words<'_> {
    fn line(&self, i: usize) -> usize {
        let at = self
            .analysis
            .syntax()
            .instructions
            .get(i)
            .map_or(0, |inst| inst.range.start());
        self.analysis.line_index().line_of(at) + 1
    }
    /// "line 7 `RUN`".
    fn step(&self, i: usize) -> String {
        let kw = self
            .analysis
            .syntax()
            .instructions
            .get(i)
            .map_or("", |inst| inst.kind.name());
        format!("line {} `{kw}`", self.line(i))
    }
    /// "`build`" or "2" (unnamed stages by index).
    fn stage(&self, s: usize) -> String {
        match self
            .analysis
            .model()
            .stages
            .get(s)
            .and_then(|st| st.name.as_ref())
        {
            Some(n) => format!("`{n}`"),
            None => format!("{s}"),
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// "`a`, `b`, `c` and 2 more".
fn code_list(items: &[String]) -> String {
    capped(items.iter().map(|s| code_span(s)).collect())
}

/// The first [`CAP`] items joined with "and", then "and N more".
fn capped(mut items: Vec<String>) -> String {
    if items.len() > CAP {
        let more = items.len() - CAP;
        items.truncate(CAP);
        items.push(format!("{more} more"));
    }
    join_and(&items)
}

/// "line 4 `RUN`, line 6 `COPY` and 3 more": later steps as the hovers name them.
pub(crate) fn steps_list(analysis: &Analysis, steps: &[usize]) -> String {
    let w = Words { analysis };
    capped(steps.iter().map(|&k| w.step(k)).collect())
}

/// "line 7 `RUN`".
pub(crate) fn step_label(analysis: &Analysis, i: usize) -> String {
    Words { analysis }.step(i)
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn key_paragraph(w: &Words<'_>, i: usize, kind: Kind, role: Role, inputs: &Inputs) -> String {
    let heredoc = w
        .analysis
        .syntax()
        .instructions
        .get(i)
        .is_some_and(|inst| !inst.heredocs.is_empty());
    let vars = |inputs: &Inputs| {
        (!inputs.vars_used.is_empty())
            .then(|| format!("the values of {}", code_list(&inputs.vars_used)))
    };
    match role {
        Role::Global => {
            let names = arg_names(w, i);
            format!(
                "**Key**: none of its own: a global ARG sets a value, nothing runs. It reaches the FROM lines that name {} and the stages that declare it again with `ARG`.",
                code_list(&names)
            )
        }
        Role::Base => {
            let base = match &inputs.base {
                Some(BaseInput::Scratch) => {
                    "nothing: `scratch` is the empty filesystem".to_string()
                }
                Some(BaseInput::Stage(p)) => format!(
                    "the whole of stage {} ({}): when any of its steps runs again, so does every step here",
                    w.stage(*p),
                    w.step(w.analysis.model().stages.get(*p).map_or(0, |s| s.from))
                ),
                Some(BaseInput::Image { name, pinned: true, .. }) => format!(
                    "the base image `{name}`, pinned by digest: it cannot change under the cache"
                ),
                Some(BaseInput::Image { name, tag, .. }) => format!(
                    "the base image `{name}`, by {}. A tag can move to a new image: the builder keeps the one it has until it pulls again (`--pull`), then every step of the stage runs again. A digest (`@sha256:…`) pins it",
                    if tag.is_some() { "tag" } else { "the implied `latest` tag" }
                ),
                Some(BaseInput::Unknown) | None => {
                    "the base image this line names, known only when the build runs".to_string()
                }
            };
            let mut s = format!("**Key**: {base}.");
            if !inputs.vars_used.is_empty() {
                s.push_str(&format!(
                    " The line names {}: a new value is a new base.",
                    code_list(&inputs.vars_used)
                ));
            }
            s
        }
        Role::Config => config_key(w, i, kind),
        Role::Step => {
            let mut parts: Vec<String> = Vec::new();
            match kind {
                Kind::Run => {
                    parts.push(if heredoc {
                        "the command string with its flags and heredoc text, not what it downloads (that is fetched again only when the key changes)"
                    } else {
                        "the command string with its flags, not what it downloads (that is fetched again only when the key changes)"
                    }.into());
                    let mut envs = inputs.args_in_env.clone();
                    envs.extend(inputs.env_seen.iter().cloned());
                    if !envs.is_empty() {
                        parts.push(format!(
                            "its environment: {}",
                            env_list(&inputs.args_in_env, &inputs.env_seen)
                        ));
                    }
                    let used: Vec<String> = inputs
                        .vars_used
                        .iter()
                        .filter(|v| !envs.contains(v))
                        .cloned()
                        .collect();
                    if !used.is_empty() {
                        parts.push(format!("the build-time values of {}", code_list(&used)));
                    }
                    for m in inputs.mounts.iter().filter(|m| m.in_key()) {
                        let what = m.source.as_deref().unwrap_or(".");
                        let from = match &m.from {
                            Some(MountFrom::Stage(s)) => {
                                format!("stage {} (all of it)", w.stage(*s))
                            }
                            Some(MountFrom::Image(img)) => format!("image `{img}`"),
                            _ => "the build context".into(),
                        };
                        parts.push(format!(
                            "the content of bind-mounted {} from {from}",
                            code_span(what)
                        ));
                    }
                }
                Kind::Copy | Kind::Add => {
                    parts.extend(source_parts(w, inputs));
                    let mut flags = Vec::new();
                    if let Some(c) = &inputs.chown {
                        flags.push(format!("`--chown={c}`"));
                    }
                    if let Some(c) = &inputs.chmod {
                        flags.push(format!("`--chmod={c}`"));
                    }
                    if !flags.is_empty() {
                        parts.push(format!(
                            "{} (owner and mode of the result)",
                            join_and(&flags)
                        ));
                    }
                    if let Some(v) = vars(inputs) {
                        parts.push(v);
                    }
                }
                _ => {
                    parts.push("the path after substitution (it creates the directory)".into());
                    if let Some(v) = vars(inputs) {
                        parts.push(v);
                    }
                }
            }
            match (inputs.link, inputs.previous) {
                (true, _) => {}
                (false, Some(p)) => parts.push(format!("the result of {}", w.step(p))),
                (false, None) => parts.push(base_words(w, i)),
            }
            let mut s = format!("**Key**: {}.", parts.join("; "));
            if inputs.link {
                s.push_str(
                    " With `--link` it does not depend on the layers before it: changes above keep this layer, and only its own inputs rebuild it.",
                );
            }
            let not_key: Vec<String> = inputs
                .mounts
                .iter()
                .filter(|m| !m.in_key())
                .map(|m| {
                    let what = match m.typ.as_str() {
                        "secret" | "ssh" => m
                            .target
                            .clone()
                            .or_else(|| m.source.clone())
                            .unwrap_or_else(|| m.typ.clone()),
                        _ => m.target.clone().unwrap_or_default(),
                    };
                    if what.is_empty() || what == m.typ {
                        format!("the {} mount", m.typ)
                    } else {
                        format!("the {} mount `{what}`", m.typ)
                    }
                })
                .collect();
            if !not_key.is_empty() {
                s.push_str(&format!(
                    " Not in the key: {}; what is mounted there never invalidates it.",
                    join_and(&not_key)
                ));
            }
            s
        }
    }
}

/// What the first step of a stage runs on: "the base image `…`", "the result of
/// stage `deps`", "the empty filesystem (`scratch`)".
fn base_words(w: &Words<'_>, i: usize) -> String {
    let model = w.analysis.model();
    let Some(stage) = model.stage_of(i) else {
        return "the stage's base".into();
    };
    match w.analysis.cache().depends_on(stage.from).base {
        Some(BaseInput::Stage(p)) => format!("the result of stage {}, its base", w.stage(p)),
        Some(BaseInput::Image { name, .. }) => format!("the base image `{name}`"),
        Some(BaseInput::Scratch) => "the empty filesystem (`scratch`)".into(),
        _ => "the stage's base".into(),
    }
}

fn env_list(args: &[String], env: &[String]) -> String {
    let mut parts = Vec::new();
    if !args.is_empty() {
        parts.push(format!("ARG {}", code_list(args)));
    }
    if !env.is_empty() {
        parts.push(format!("ENV {}", code_list(env)));
    }
    parts.join(", ")
}

fn arg_names(w: &Words<'_>, i: usize) -> Vec<String> {
    w.analysis
        .syntax()
        .instructions
        .get(i)
        .map(|inst| {
            inst.effective()
                .args
                .pairs
                .iter()
                .map(|p| p.key.text.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn config_key(w: &Words<'_>, i: usize, kind: Kind) -> String {
    let kw = kind.name();
    let effect = match kind {
        Kind::Env => format!(
            "later RUN steps (here and in stages built on this one) see {} in their environment, and instructions that name it use its value",
            code_list(&arg_names(w, i))
        ),
        Kind::Arg => format!(
            "its value (this default, or `--build-arg`) enters the key of every later RUN of the stage, as environment, and of the instructions that name {}; the ARG line itself invalidates nothing before them",
            code_list(&arg_names(w, i))
        ),
        Kind::User => "later RUN steps run as this user, so it is part of their keys".into(),
        Kind::Shell => "later RUN steps in shell form run with this shell, so it is part of their keys".into(),
        Kind::Onbuild => {
            "the trigger runs in builds that start FROM this image, not in this one".into()
        }
        _ => "no later step reads it".into(),
    };
    format!("**Key**: none of its own: `{kw}` only edits the image configuration, nothing runs; {effect}.")
}

fn source_parts(w: &Words<'_>, inputs: &Inputs) -> Vec<String> {
    let mut parts = Vec::new();
    let context: Vec<String> = inputs
        .sources
        .iter()
        .filter(|s| s.kind == SourceKind::Context)
        .map(|s| s.pattern.clone())
        .collect();
    if inputs.sources.iter().any(|s| s.whole_context()) {
        parts.push(
            "the content and metadata of every file of the build context (timestamps aside)".into(),
        );
    } else if !context.is_empty() {
        parts.push(format!(
            "the content and metadata of {} from the build context (timestamps aside)",
            code_list(&context)
        ));
    }
    let mut stage_srcs: Vec<(String, Vec<String>)> = Vec::new();
    for s in &inputs.sources {
        let from = match &s.kind {
            SourceKind::Stage(p) => format!("stage {}", w.stage(*p)),
            SourceKind::Image(img) => format!("image `{img}`"),
            _ => continue,
        };
        match stage_srcs.iter_mut().find(|(f, _)| *f == from) {
            Some((_, v)) => v.push(s.pattern.clone()),
            None => stage_srcs.push((from, vec![s.pattern.clone()])),
        }
    }
    for (from, pats) in stage_srcs {
        let whole = if from.starts_with("stage") {
            " (the model takes the whole stage as input: any step rebuilt there rebuilds this)"
        } else {
            " (an unpinned image tag can move)"
        };
        parts.push(format!("{} in {from}{whole}", code_list(&pats)));
    }
    for s in &inputs.sources {
        match &s.kind {
            SourceKind::Url { checksum: false } => parts.push(format!(
                "the content of `{}`: the builder downloads it on every build and reuses the cache only if it is unchanged (`--checksum` would also verify it)",
                s.pattern
            )),
            SourceKind::Url { checksum: true } => parts.push(format!(
                "the content of `{}`, checked against the `--checksum` digest",
                s.pattern
            )),
            SourceKind::Git { reference, .. } => parts.push(match reference {
                Some(r) => format!(
                    "the commit `{r}` points to when the build runs (repository `{}`)",
                    s.pattern.split('#').next().unwrap_or("")
                ),
                None => format!(
                    "the commit at the head of the default branch of `{}` when the build runs",
                    s.pattern
                ),
            }),
            SourceKind::Heredoc => {
                parts.push(format!("the text of the heredoc {}", code_span(&s.pattern)))
            }
            _ => {}
        }
    }
    parts
}

fn changing_paragraph(w: &Words<'_>, i: usize, role: Role) -> String {
    let cache = w.analysis.cache();
    let model = w.analysis.model();
    let rebuilt = cache.rebuilt_by(i);
    if rebuilt.is_empty() {
        return match role {
            Role::Step => "**Changing this line** runs this step again and no later one.".into(),
            _ => "**Changing this line** rebuilds no step.".into(),
        };
    }
    let own = model.stage_of(i).map(|s| s.index);
    let mut stages: Vec<usize> = Vec::new();
    for &k in &rebuilt {
        if let Some(s) = model.stage_of(k).map(|s| s.index) {
            if Some(s) != own && !stages.contains(&s) {
                stages.push(s);
            }
        }
    }
    let in_own = rebuilt
        .iter()
        .any(|&k| model.stage_of(k).map(|s| s.index) == own);
    let mut s = format!(
        "**Changing this line** rebuilds {}: {}",
        plural(rebuilt.len(), "later step"),
        steps_list(w.analysis, &rebuilt)
    );
    let others = || {
        // How each other stage depends on a stage the change reaches.
        let mut reached: Vec<usize> = own.into_iter().collect();
        reached.extend(stages.iter().copied());
        let names: Vec<String> = stages
            .iter()
            .map(|&t| {
                let how = reached.iter().find_map(|&u| {
                    cache
                        .stage_uses(u)
                        .into_iter()
                        .find(|&(user, _)| user == t && u != t)
                        .map(|(_, how)| how.label())
                });
                match how {
                    Some(h) => format!("{} ({h})", w.stage(t)),
                    None => w.stage(t),
                }
            })
            .collect();
        let list = capped(names);
        format!(
            "{} {list} that depend{} on it",
            if stages.len() == 1 { "stage" } else { "stages" },
            if stages.len() == 1 { "s" } else { "" }
        )
    };
    match (in_own, stages.is_empty(), own) {
        (true, true, Some(o)) => s.push_str(&format!(", in stage {}.", w.stage(o))),
        (true, false, Some(o)) => {
            s.push_str(&format!(", in stage {} and in {}.", w.stage(o), others()))
        }
        (_, _, Some(_)) => s.push_str(&format!(", in {}.", others())),
        (_, _, None) => {
            let names: Vec<String> = stages.iter().map(|&t| w.stage(t)).collect();
            let label = if names.len() == 1 { "stage" } else { "stages" };
            s.push_str(&format!(", in {label} {}.", join_and(&names)));
        }
    }
    s
}

fn edits_paragraph(w: &Words<'_>, config: &Config, i: usize) -> String {
    let cache = w.analysis.cache();
    let mut steps = cache.upstream(i);
    steps.push(i);
    steps.sort_unstable();
    let mut items: Vec<String> = Vec::new();
    let mut whole = false;
    for &k in &steps {
        let srcs = cache.context_sources(k);
        if srcs.is_empty() {
            continue;
        }
        let at = if k == i {
            "here".to_string()
        } else {
            w.step(k)
        };
        if srcs.iter().any(|s| normalize_path(s).is_empty()) {
            whole = true;
            items.push(format!("any file of the build context ({at})"));
        } else {
            items.push(format!("{} ({at})", code_list(&srcs)));
        }
    }
    let mut s = if items.is_empty() {
        "**Edits that reach it**: none from the build context; only changes to this line, an earlier step, a variable it uses or the base rerun it.".to_string()
    } else {
        format!("**Edits that reach it**: {}.", capped(items))
    };
    let Some(ctx) = config.build_context.as_ref() else {
        return s;
    };
    match &ctx.dockerignore {
        None if whole => {
            s.push_str(" No `.dockerignore`: every file counts, `.git` and build output included.")
        }
        None => {}
        Some(ignore) => s.push_str(&ignore_effects(w.analysis, ignore, i, None)),
    }
    s
}

/// What `ignore` does to the context sources of instruction `i` (only to `only` when
/// given): one sentence per source it touches, each starting with a space.
pub(crate) fn ignore_effects(
    analysis: &Analysis,
    ignore: &DockerIgnore,
    i: usize,
    only: Option<&str>,
) -> String {
    let mut s = String::new();
    for ig in analysis.cache().ignored_sources(i, ignore) {
        if only.is_some_and(|o| o != ig.source) {
            continue;
        }
        match ig.effect {
            IgnoreEffect::Excluded(p) => s.push_str(&format!(
                " {} is excluded by `{}` ({}, line {}): it never reaches the builder, so this step fails or copies nothing.",
                code_span(&ig.source), ignore.file_name, code_span(&p.pattern), p.line
            )),
            IgnoreEffect::Partly(ps) => {
                let pats: Vec<String> = ps.iter().map(|p| p.pattern.clone()).collect();
                let under = if normalize_path(&ig.source).is_empty() {
                    "of the context".to_string()
                } else {
                    format!("under {}", code_span(&ig.source))
                };
                s.push_str(&format!(
                    " `{}` leaves out {} {under}: edits there never reach it.",
                    ignore.file_name,
                    code_list(&pats),
                ));
            }
        }
    }
    s
}

fn manifests(ecosystem: &str) -> &'static str {
    match ecosystem {
        "npm" => "`package.json` and `package-lock.json`",
        "yarn" => "`package.json` and `yarn.lock`",
        "pnpm" => "`package.json` and `pnpm-lock.yaml`",
        "pip" => "the requirements files",
        "Python" => "`pyproject.toml` and the lock file",
        "Ruby" => "`Gemfile` and `Gemfile.lock`",
        "Go" => "`go.mod` and `go.sum`",
        "Composer" => "`composer.json` and `composer.lock`",
        "Maven" => "`pom.xml`",
        "Cargo" => "`Cargo.toml` and `Cargo.lock`",
        _ => "the manifests",
    }
}

fn pitfall_paragraph(w: &Words<'_>, p: &Pitfall) -> String {
    match p {
        Pitfall::UpdateWithoutInstall { command, sub, .. } => format!(
            "**Pitfall**: `{command} {sub}` installs nothing in this RUN, and its key is the command text alone: the layer stays cached indefinitely, and a later install reads that old index (stale versions, or packages no longer on the mirror). Update and install in the same RUN."
        ),
        Pitfall::ContextBeforeDeps {
            install, ecosystem, ..
        } => format!(
            "**Pitfall**: this copies the whole context before the {ecosystem} dependency install on {}: any source edit reruns the install. Copy {} first, install, then copy the rest.",
            w.step(*install),
            manifests(ecosystem)
        ),
        Pitfall::DepsAfterContext { copy, ecosystem } => format!(
            "**Pitfall**: the whole context is copied on {}, before this {ecosystem} dependency install: any source edit reruns it. Copy {} first, install, then copy the rest.",
            w.step(*copy),
            manifests(ecosystem)
        ),
        Pitfall::SecretInKey { name, kind, decl } => {
            let (what, trace) = match kind {
                VarKind::Arg => ("ARG", "recorded in the image history"),
                VarKind::Env => ("ENV", "stored in the image configuration"),
            };
            format!(
                "**Pitfall**: `{name}` ({what}, {}) looks like a secret: its value is part of this step's cache key and {trace}. Pass it with `RUN --mount=type=secret,id=…,env={name}` instead.",
                w.step(*decl)
            )
        }
    }
}

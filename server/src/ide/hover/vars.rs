//! Hovers on variable references: `$X`, `${X}`, `${X:-default}` that the builder expands
//! (value at this line, where it is defined, why it is empty here), and the ones in shell
//! text (`RUN`, `CMD`…), which the shell expands when the command runs.

use super::{code, shorten, At, Ctx, HoverResult};
use crate::semantic::expand::{self, Modifier, VarRef};
use crate::semantic::{self, VarKind, VarSource, AUTOMATIC_ARGS, PREDEFINED_ARGS};
use crate::syntax::Kind;
use crate::text::TextRange;

pub(super) fn hover(ctx: &Ctx<'_>, at: &At<'_>) -> Option<HoverResult> {
    let eff = at.eff();
    let model = ctx.analysis.model();
    let escape = model.escape();
    // Builder-expanded parts: arguments of builder instructions and flag values.
    let refs = semantic::builder_var_refs(ctx.text, eff, escape);
    if let Some(r) = refs.iter().find(|r| r.range.contains(at.offset)) {
        let md = if at.inst.kind == Kind::Onbuild {
            onbuild(r)
        } else {
            builder(ctx, at.index, r)
        };
        return at.result(r.range, md);
    }
    // The name of an ARG or ENV declaration.
    if matches!(eff.kind, Kind::Arg | Kind::Env) && at.inst.kind != Kind::Onbuild {
        if let Some(p) = eff
            .args
            .pairs
            .iter()
            .find(|p| p.key.range.contains(at.offset))
        {
            return at.result(
                p.key.range,
                declaration(ctx, at.index, eff.kind, &p.key.text),
            );
        }
    }
    // Shell text below: only POSIX shells expand `$NAME` (PowerShell's `$x` is a
    // PowerShell variable, cmd uses `%NAME%`).
    if !ctx.analysis.model().shell_at(at.index).is_posix() {
        return None;
    }
    // Heredoc bodies.
    for (body, expands) in super::heredoc::bodies(eff) {
        if !body.contains(at.offset) {
            continue;
        }
        let r = scan_at(ctx, body, escape, at.offset)?;
        let md = match eff.kind {
            Kind::Run => shell(ctx, at.index, &r, eff.kind),
            _ if expands && at.inst.kind != Kind::Onbuild => builder(ctx, at.index, &r),
            _ => return None,
        };
        return at.result(r.range, md);
    }
    // Shell text of RUN, CMD, ENTRYPOINT and HEALTHCHECK (shell form).
    let shell_text = matches!(
        eff.kind,
        Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck
    ) && eff.args.json.is_none();
    if shell_text && eff.args.range.contains(at.offset) {
        let r = scan_at(ctx, eff.args.range, escape, at.offset)?;
        return at.result(r.range, shell(ctx, at.index, &r, eff.kind));
    }
    None
}

/// The reference in `range` of the source that contains `offset`, in source offsets.
fn scan_at(ctx: &Ctx<'_>, range: TextRange, escape: char, offset: usize) -> Option<VarRef> {
    let text = ctx.text.get(range.range())?;
    let (refs, _) = expand::scan(text, escape);
    let base = range.start();
    refs.into_iter()
        .map(|r| VarRef {
            range: TextRange::new(r.range.start() + base, r.range.end() + base),
            name_range: TextRange::new(r.name_range.start() + base, r.name_range.end() + base),
            ..r
        })
        .find(|r| r.range.contains(offset))
}

fn header(r: &VarRef, what: &str) -> String {
    format!("**{}** · {what}\n\n", code(&format!("${}", r.name)))
}

fn onbuild(r: &VarRef) -> String {
    let mut md = header(r, "variable in an `ONBUILD` trigger");
    md.push_str(
        "Expanded when the trigger runs, in the build of an image that uses this one as its \
         base, with that build's ARG and ENV values, not with this file's.",
    );
    md
}

/// What a modifier does, in one sentence.
fn modifier(r: &VarRef) -> Option<String> {
    let word = code(r.word.as_deref().unwrap_or(""));
    let s = match r.modifier? {
        Modifier::Default { colon: true } => format!("when it is unset or empty, {word} is used"),
        Modifier::Default { colon: false } => format!("when it is unset, {word} is used"),
        Modifier::Alternate { colon: true } => {
            format!("when it is set and not empty, {word} is used instead; else nothing")
        }
        Modifier::Alternate { colon: false } => {
            format!("when it is set, {word} is used instead; else nothing")
        }
        Modifier::Required { .. } => "the build fails when it is unset".to_string(),
        Modifier::TrimPrefix { longest } => format!(
            "the {} prefix matching {word} is removed",
            if longest { "longest" } else { "shortest" }
        ),
        Modifier::TrimSuffix { longest } => format!(
            "the {} suffix matching {word} is removed",
            if longest { "longest" } else { "shortest" }
        ),
        Modifier::Replace { all } => format!(
            "{} match of the pattern is replaced ({word})",
            if all { "every" } else { "the first" }
        ),
    };
    Some(s)
}

/// A reference the builder expands at instruction `at`.
fn builder(ctx: &Ctx<'_>, at: usize, r: &VarRef) -> String {
    let model = ctx.analysis.model();
    let name = r.name.as_str();
    let source = model.lookup(at, name);
    let what = match &source {
        Some(VarSource::Decl(d)) if d.kind == VarKind::Env => "environment variable (ENV)",
        Some(VarSource::Decl(_)) => "build argument (ARG)",
        Some(VarSource::Predefined) => "automatic build argument",
        None if AUTOMATIC_ARGS.contains(&name) || PREDEFINED_ARGS.contains(&name) => {
            "automatic build argument"
        }
        None => "variable",
    };
    let mut md = header(r, what);
    let written = ctx.slice(r.range);
    match model.expand_at(at, written) {
        Some(v) if v.is_empty() => md.push_str("Expands here to an empty string."),
        Some(v) => md.push_str(&format!("Expands here to {}.", code(&shorten(&v, 120)))),
        None if matches!(source, Some(VarSource::Predefined)) => {
            md.push_str("The builder supplies its value when the build runs.")
        }
        None if source.is_none() => {}
        None => md.push_str("No value is known here: it comes from the build (`--build-arg`)."),
    }
    if let Some(m) = modifier(r) {
        md.push_str(&format!("\n\n{}: {m}.", code(written)));
    }
    md.push_str("\n\n");
    match source {
        Some(VarSource::Decl(d)) => {
            let line = ctx.line_of_instruction(d.instruction);
            let decl_stage = model.stage_of(d.instruction);
            let here_stage = model.stage_of(at).map(|s| s.index);
            let written_decl = match &d.value {
                Some(v) => format!("{}={}", d.name, v),
                None => d.name.clone(),
            };
            let kw = if d.kind == VarKind::Env { "ENV" } else { "ARG" };
            md.push_str(&format!(
                "Defined by {} on line {line}",
                code(&format!("{kw} {}", shorten(&written_decl, 80)))
            ));
            match decl_stage {
                None => md.push_str(", a global ARG (before the first `FROM`)."),
                Some(s) if Some(s.index) != here_stage => md.push_str(&format!(
                    ", in {}, inherited through `FROM`.",
                    stage_label(s)
                )),
                Some(_) => md.push_str(", in this stage."),
            }
            if d.kind == VarKind::Arg {
                if d.value.is_none() && decl_stage.is_some() {
                    match model.global_args.iter().rev().find(|g| g.name == name) {
                        Some(g) => md.push_str(&format!(
                            " It redeclares the global ARG of line {}, and takes its default.",
                            ctx.line_of_instruction(g.instruction)
                        )),
                        None if AUTOMATIC_ARGS.contains(&name) => md.push_str(
                            " It redeclares an automatic ARG, so the builder's value is visible here.",
                        ),
                        None => md.push_str(
                            " It has no default: empty unless `--build-arg` sets it.",
                        ),
                    }
                } else if d.value.is_none() {
                    md.push_str(" It has no default: empty unless `--build-arg` sets it.");
                }
                if d.value.is_some() {
                    md.push_str(" `--build-arg` can override the value.");
                }
            }
            if let Some(doc) = automatic_doc(ctx, name) {
                md.push_str("\n\n---\n\n");
                md.push_str(&doc);
            }
        }
        Some(VarSource::Predefined) => {
            md.push_str("No `ARG` line declares it: the builder defines it for every build.");
            if let Some(doc) = automatic_doc(ctx, name) {
                md.push_str("\n\n---\n\n");
                md.push_str(&doc);
            }
        }
        None => {
            md.push_str(&why_empty(ctx, at, name, false));
            if let Some(doc) = automatic_doc(ctx, name) {
                md.push_str("\n\n---\n\n");
                md.push_str(&doc);
            }
        }
    }
    collapse_blank_lines(&md)
}

/// At most one empty line between paragraphs (parts above may be left out).
fn collapse_blank_lines(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut newlines = 0;
    for c in md.chars() {
        if c == '\n' {
            newlines += 1;
            if newlines > 2 {
                continue;
            }
        } else {
            newlines = 0;
        }
        out.push(c);
    }
    out
}

fn automatic_doc(ctx: &Ctx<'_>, name: &str) -> Option<String> {
    if AUTOMATIC_ARGS.contains(&name) || PREDEFINED_ARGS.contains(&name) {
        ctx.texts.automatic_arg(name)
    } else {
        None
    }
}

fn stage_label(s: &semantic::Stage) -> String {
    match &s.name {
        Some(n) => format!("stage {}", code(n)),
        None => format!("unnamed stage {}", s.index),
    }
}

/// Why `name` has no definition at instruction `at`.
fn why_empty(ctx: &Ctx<'_>, at: usize, name: &str, shell: bool) -> String {
    let model = ctx.analysis.model();
    let stage = model.stage_of(at);
    let at_from = stage.is_some_and(|s| s.from == at);
    let redeclare = format!("add {} inside the stage", code(&format!("ARG {name}")));
    if let Some(s) = stage.filter(|_| !at_from) {
        if AUTOMATIC_ARGS.contains(&name) {
            return format!(
                "Empty here: automatic ARGs belong to the global scope, and {} does not \
                 redeclare it; {redeclare}.",
                stage_label(s)
            );
        }
        if let Some(g) = model.global_args.iter().rev().find(|g| g.name == name) {
            return format!(
                "Empty here: the global ARG of line {} is visible to `FROM` lines only, and \
                 {} does not redeclare it; {redeclare}.",
                ctx.line_of_instruction(g.instruction),
                stage_label(s)
            );
        }
        if let Some(d) = s
            .decls
            .iter()
            .find(|d| d.name == name && d.instruction >= at)
        {
            let kw = if d.kind == VarKind::Env { "ENV" } else { "ARG" };
            return format!(
                "Empty here: the {kw} that defines it is on line {}, after this line.",
                ctx.line_of_instruction(d.instruction)
            );
        }
    }
    if at_from || stage.is_none() {
        if let Some(g) = model
            .global_args
            .iter()
            .find(|g| g.name == name && g.instruction >= at)
        {
            return format!(
                "Empty here: the global ARG that defines it is on line {}, after this line.",
                ctx.line_of_instruction(g.instruction)
            );
        }
        if model
            .stages
            .iter()
            .any(|s| s.decls.iter().any(|d| d.name == name))
        {
            return "Empty here: `FROM` lines see only global ARGs (declared before the first \
                    `FROM`); the ARG or ENV of that name inside a stage does not count."
                .to_string();
        }
    }
    if shell {
        "No ARG or ENV of this file sets it here: it is empty unless the base image or the \
         command sets it."
            .to_string()
    } else {
        "No ARG or ENV defines it here: it expands to an empty string.".to_string()
    }
}

/// A reference in shell text: the shell expands it when the command runs.
fn shell(ctx: &Ctx<'_>, at: usize, r: &VarRef, kind: Kind) -> String {
    let model = ctx.analysis.model();
    let mut md = header(r, "shell variable");
    let run = kind == Kind::Run;
    if run {
        md.push_str(
            "The builder leaves it alone: the shell expands it when this `RUN` runs, from the \
             environment of the command (the ENV and ARG values in scope here) and whatever \
             the script itself sets.",
        );
    } else {
        md.push_str(&format!(
            "The builder leaves it alone: the shell expands it when the container runs `{}`, \
             from the container's environment (ENV values; ARG values are gone by then).",
            kind.name()
        ));
    }
    if let Some(m) = modifier(r) {
        md.push_str(&format!("\n\n{}: {m}.", code(ctx.slice(r.range))));
    }
    md.push_str("\n\n");
    match model.lookup(at, &r.name) {
        Some(VarSource::Decl(d)) if run || d.kind == VarKind::Env => {
            let kw = if d.kind == VarKind::Env { "ENV" } else { "ARG" };
            md.push_str(&format!(
                "In scope: {} on line {}",
                code(&format!("{kw} {}", d.name)),
                ctx.line_of_instruction(d.instruction)
            ));
            match model.value_at(at, &r.name) {
                Some(v) => md.push_str(&format!(", value {}.", code(&shorten(&v, 120)))),
                None => md.push_str(", value set at build time."),
            }
        }
        Some(VarSource::Predefined) if run => {
            md.push_str("In scope: an ARG the builder defines (set at build time).")
        }
        _ => match assigned_before(ctx, at, r) {
            Some(line) => md.push_str(&format!(
                "The command sets it itself ({} on line {line}).",
                code(&format!("{}=", r.name))
            )),
            None => md.push_str(&why_empty(ctx, at, &r.name, true)),
        },
    }
    md
}

/// The name of `ARG NAME[=default]` or `ENV NAME=value` on instruction `at`.
fn declaration(ctx: &Ctx<'_>, at: usize, kind: Kind, name: &str) -> String {
    let model = ctx.analysis.model();
    let stage = model.stage_of(at);
    let decl = match stage {
        Some(s) => s
            .decls
            .iter()
            .find(|d| d.instruction == at && d.name == name),
        None => model
            .global_args
            .iter()
            .find(|d| d.instruction == at && d.name == name),
    };
    let mut md = format!(
        "**{}** · {} declared here\n\n",
        code(name),
        if kind == Kind::Env {
            "environment variable (ENV)"
        } else if stage.is_none() {
            "global build argument (ARG)"
        } else {
            "build argument (ARG)"
        }
    );
    let value = decl.and_then(|d| d.value.as_deref());
    if kind == Kind::Env {
        match value.and_then(|v| model.expand_at(at, v)) {
            Some(v) => md.push_str(&format!("Value: {}.", code(&shorten(&v, 120)))),
            None => md.push_str(
                "Its value refers to variables with no value known here (from the base image or \
                 the build).",
            ),
        }
        md.push_str(
            " Later instructions of this stage, stages built `FROM` it and the running \
             container see it.",
        );
        if let Some(d) = stage.and_then(|s| {
            s.decls
                .iter()
                .find(|d| d.name == name && d.kind == VarKind::Arg && d.instruction < at)
        }) {
            md.push_str(&format!(
                " It overrides the ARG of line {}.",
                ctx.line_of_instruction(d.instruction)
            ));
        }
        return md;
    }
    match (value, stage) {
        (Some(v), _) => md.push_str(&format!(
            "Default {}; `--build-arg {name}=…` overrides it.",
            code(&shorten(v, 120))
        )),
        (None, Some(_)) => match model.global_args.iter().rev().find(|g| g.name == name) {
            Some(g) => {
                md.push_str(&format!(
                    "Redeclares the global ARG of line {}, so this stage sees it",
                    ctx.line_of_instruction(g.instruction)
                ));
                match model.value_at(at + 1, name).filter(|_| g.value.is_some()) {
                    Some(v) => md.push_str(&format!(", with the default {}.", code(&v))),
                    None => md.push('.'),
                }
            }
            None if AUTOMATIC_ARGS.contains(&name) => md.push_str(
                "Redeclares an automatic ARG: from here on this stage sees the value the \
                     builder supplies.",
            ),
            None => md.push_str("No default: empty unless `--build-arg` sets it."),
        },
        (None, None) if AUTOMATIC_ARGS.contains(&name) => {
            md.push_str("The builder supplies its value; declaring it globally is optional.")
        }
        (None, None) => md.push_str("No default: empty unless `--build-arg` sets it."),
    }
    if stage.is_none() {
        md.push_str(
            " `FROM` lines see it; inside a stage it is visible only after `ARG` redeclares it",
        );
        let users: Vec<String> = model
            .stages
            .iter()
            .filter(|s| {
                s.decls
                    .iter()
                    .any(|d| d.name == name && d.kind == VarKind::Arg && d.value.is_none())
            })
            .map(stage_label)
            .collect();
        if users.is_empty() {
            md.push_str(" (no stage redeclares it).");
        } else {
            md.push_str(&format!(" (redeclared by {}).", users.join(", ")));
        }
    }
    if let Some(doc) = automatic_doc(ctx, name) {
        md.push_str("\n\n---\n\n");
        md.push_str(&doc);
    }
    md
}

/// The line of the last `NAME=` assignment in the shell text of instruction `at` before
/// the reference (a rough look: word start, not inside a longer name).
fn assigned_before(ctx: &Ctx<'_>, at: usize, r: &VarRef) -> Option<usize> {
    let inst = ctx.analysis.syntax().instructions.get(at)?;
    let start = inst.range.start();
    let before = ctx.text.get(start..r.range.start())?;
    let needle = format!("{}=", r.name);
    let mut found = None;
    let mut from = 0;
    while let Some(i) = before.get(from..).and_then(|b| b.find(&needle)) {
        let pos = from + i;
        let prev = before[..pos].chars().next_back();
        if prev.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '{')) {
            found = Some(start + pos);
        }
        from = pos + needle.len();
    }
    found.map(|o| ctx.line(o))
}

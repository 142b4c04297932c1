//! Completion inside an instruction's arguments: flags of the instruction (from
//! [`crate::semantic::flags`]), flag values, `RUN --mount` types, options and values
//! (options per type from [`crate::ide::docs`]), stage names after `FROM` and `--from=`
//! (earlier stages only), `AS`, `HEALTHCHECK CMD|NONE`, and variables in scope after
//! `$` / `${` with their value at that line.

use super::context::Args;
use super::{file_is_lowercase, in_file_case, Completion, CompletionKind, DocKey};
use crate::ide::{code_span as code, docs, Analysis};
use crate::semantic::flags::{self, ValueKind, SHARING_MODES};
use crate::semantic::{VarKind, VarSource, AUTOMATIC_ARGS, PREDEFINED_ARGS};
use crate::syntax::Kind;
use crate::text::TextRange;

/// Mount options that are flags: written without a value.
const BARE_MOUNT_OPTIONS: &[&str] = &["readonly", "ro", "readwrite", "rw", "required"];

/// Items for the argument word `args.word`, which `word` (its range in the source,
/// without `=` and `,`) replaces.
pub(super) fn arguments(
    analysis: &Analysis,
    args: &Args,
    offset: usize,
    word: TextRange,
) -> Vec<Completion> {
    let typed = args.word.as_str();
    if args.in_flags() && typed.starts_with('-') {
        return match typed.split_once('=') {
            None => flag_names(analysis, args, offset),
            Some((name, value)) => {
                flag_value(analysis, args, &name[2.min(name.len())..], value, word)
            }
        };
    }
    if typed.starts_with('-') || args.onbuild && args.kind == Kind::From {
        return Vec::new();
    }
    let lower = || file_is_lowercase(analysis, None);
    match (args.kind, args.positional()) {
        (Kind::From, 0) if !args.onbuild => {
            // `FROM` takes stage names only (an index is for `--from=`).
            let mut out: Vec<Completion> = stages(analysis, args.index, word)
                .into_iter()
                .filter(|c| !c.label.bytes().all(|b| b.is_ascii_digit()))
                .collect();
            out.push(
                Completion::new("scratch", CompletionKind::Value, word)
                    .detail("An empty base image"),
            );
            out
        }
        (Kind::From, 1) => {
            vec![
                Completion::new(in_file_case(lower(), "AS"), CompletionKind::Keyword, word)
                    .detail("Name this stage"),
            ]
        }
        (Kind::Healthcheck, 0) => {
            let mut out =
                vec![
                    Completion::new(in_file_case(lower(), "CMD"), CompletionKind::Keyword, word)
                        .detail("The command that checks the container's health")
                        .doc(DocKey::Instruction(Kind::Healthcheck)),
                ];
            if args.before.is_empty() {
                out.push(
                    Completion::new(in_file_case(lower(), "NONE"), CompletionKind::Keyword, word)
                        .detail("Turn off the health check inherited from the base image")
                        .doc(DocKey::Instruction(Kind::Healthcheck)),
                );
            }
            out
        }
        _ => Vec::new(),
    }
}

/// The flags of the instruction not given yet (repeatable ones always).
fn flag_names(analysis: &Analysis, args: &Args, offset: usize) -> Vec<Completion> {
    let text = analysis.text();
    let range = super::word_range(text, offset, "=");
    let followed_by_value = text[range.end()..].starts_with('=');
    let given: Vec<&str> = args
        .before
        .iter()
        .map(|w| w.trim_start_matches('-').split('=').next().unwrap_or(""))
        .collect();
    flags::flags_of(args.kind)
        .filter(|f| f.repeatable || !given.contains(&f.name))
        .map(|f| {
            let label = format!("--{}", f.name);
            let insert = if f.value == ValueKind::Bool || followed_by_value {
                label.clone()
            } else {
                format!("{label}=")
            };
            let detail = match f.since {
                "1.0" => f.summary.to_string(),
                since => format!("{} (Dockerfile {since})", f.summary),
            };
            Completion::new(label, CompletionKind::Flag, range)
                .detail(detail)
                .insert(insert)
                .doc(DocKey::Flag(args.kind, f.name.to_string()))
        })
        .collect()
}

/// Values of `--name=`: stage names, fixed words, booleans, `--mount` parts, platforms.
fn flag_value(
    analysis: &Analysis,
    args: &Args,
    name: &str,
    value: &str,
    word: TextRange,
) -> Vec<Completion> {
    let Some(spec) = flags::lookup(args.kind, name) else {
        return Vec::new();
    };
    match (args.kind, name, spec.value) {
        (Kind::Copy, "from", _) if !args.onbuild => stages(analysis, args.index, word),
        (Kind::From, "platform", _) => PLATFORMS
            .iter()
            .map(|(p, d)| Completion::new(*p, CompletionKind::Value, word).detail(*d))
            .collect(),
        (_, _, ValueKind::Choice(words)) => words
            .iter()
            .map(|w| Completion::new(*w, CompletionKind::Value, word))
            .collect(),
        (_, _, ValueKind::Bool) => booleans(word),
        (_, _, ValueKind::Mount) => mount(analysis, args, value, word),
        _ => Vec::new(),
    }
}

/// Platform values offered after `FROM --platform=`.
const PLATFORMS: &[(&str, &str)] = &[
    ("$BUILDPLATFORM", "The platform of the machine that builds"),
    ("$TARGETPLATFORM", "The platform the image is built for"),
    ("linux/amd64", "64-bit x86"),
    ("linux/arm64", "64-bit ARM"),
];

fn booleans(word: TextRange) -> Vec<Completion> {
    ["true", "false"]
        .iter()
        .map(|v| Completion::new(*v, CompletionKind::Value, word))
        .collect()
}

/// Inside a `--mount=` value: option keys of the mount's type, or the values of
/// `type=`, `sharing=`, `from=` and the boolean options.
fn mount(analysis: &Analysis, args: &Args, value: &str, word: TextRange) -> Vec<Completion> {
    let text = analysis.text();
    let value = value.trim_matches(['"', '\'']);
    let parts: Vec<&str> = value.split(',').collect();
    let (current, earlier) = parts.split_last().map_or(("", &[][..]), |(c, e)| (*c, e));
    // The options written after the cursor count as given too.
    let rest = text[word.end()..]
        .split(char::is_whitespace)
        .next()
        .unwrap_or("");
    let later = rest.split(',').skip(1);
    let keys: Vec<String> = earlier
        .iter()
        .copied()
        .chain(later)
        .map(|p| {
            p.split('=')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .collect();
    let typ = earlier
        .iter()
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("type"))
        .map_or("bind".to_string(), |(_, v)| v.trim().to_ascii_lowercase());
    if let Some((key, _)) = current.split_once('=') {
        let key = key.trim().to_ascii_lowercase();
        return match key.as_str() {
            "type" => docs::mount_types()
                .iter()
                .map(|t| {
                    Completion::new(t.typ, CompletionKind::Value, word)
                        .detail(t.summary)
                        .doc(DocKey::MountType(t.typ.to_string()))
                })
                .collect(),
            "sharing" => SHARING_MODES
                .iter()
                .map(|m| Completion::new(*m, CompletionKind::Value, word))
                .collect(),
            "from" if !args.onbuild => stages(analysis, args.index, word),
            k if BARE_MOUNT_OPTIONS.contains(&k) => booleans(word),
            _ => Vec::new(),
        };
    }
    let followed_by_value = text[word.end()..].starts_with('=');
    let mut out = Vec::new();
    for d in docs::mount_options(&typ) {
        if d.keys.iter().any(|k| keys.iter().any(|g| g == k)) {
            continue;
        }
        for (n, key) in d.keys.iter().enumerate() {
            let insert = if BARE_MOUNT_OPTIONS.contains(key) || followed_by_value {
                key.to_string()
            } else {
                format!("{key}=")
            };
            let detail = if n == 0 {
                d.summary.to_string()
            } else {
                format!("Same as `{}`", d.keys[0])
            };
            out.push(
                Completion::new(*key, CompletionKind::Flag, word)
                    .detail(detail)
                    .insert(insert)
                    .doc(DocKey::MountOption(typ.clone(), key.to_string())),
            );
        }
    }
    // Aliases after the usual names.
    out.sort_by_key(|c| {
        c.detail
            .as_deref()
            .is_some_and(|d| d.starts_with("Same as"))
    });
    out
}

/// Stages defined before the stage of instruction `index` (never that stage itself):
/// by name, or by index when unnamed.
fn stages(analysis: &Analysis, index: usize, word: TextRange) -> Vec<Completion> {
    let model = analysis.model();
    let current = match model.stage_of(index) {
        // The FROM of a stage names an earlier one; so does anything inside the stage.
        Some(s) => s.index,
        None => return Vec::new(),
    };
    let line = |i: usize| {
        let inst = &analysis.syntax().instructions[i];
        analysis.line_index().line_of(inst.range.start()) + 1
    };
    model.stages[..current]
        .iter()
        .rev()
        .map(|s| {
            let base = s
                .base_word
                .as_ref()
                .map_or(String::new(), |w| format!(" from {}", code(&w.text)));
            let label = match &s.name_word {
                Some(w) => w.text.clone(),
                None => s.index.to_string(),
            };
            Completion::new(label, CompletionKind::Stage, word).detail(format!(
                "Stage {} (line {}){base}",
                s.index,
                line(s.from)
            ))
        })
        .collect()
}

/// Variable items when the cursor follows `$` or `${` (and part of a name); `None`
/// elsewhere. Only ARG and ENV visible at instruction `index`, as BuildKit scopes them.
pub(super) fn variables(
    analysis: &Analysis,
    index: usize,
    offset: usize,
) -> Option<Vec<Completion>> {
    let text = analysis.text();
    let model = analysis.model();
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let start = offset
        - text[..offset]
            .chars()
            .rev()
            .take_while(|&c| is_name(c))
            .map(char::len_utf8)
            .sum::<usize>();
    let before = &text[..start];
    let (dollar, braced) = if before.ends_with("${") {
        (start - 2, true)
    } else if before.ends_with('$') {
        (start - 1, false)
    } else {
        return None;
    };
    let escapes = text[..dollar]
        .chars()
        .rev()
        .take_while(|&c| c == model.escape())
        .count();
    if escapes % 2 == 1 || text[start..offset].starts_with(|c: char| c.is_ascii_digit()) {
        return Some(Vec::new());
    }
    let end = offset
        + text[offset..]
            .chars()
            .take_while(|&c| is_name(c))
            .map(char::len_utf8)
            .sum::<usize>();
    let range = TextRange::new(start, end);
    let close = braced && !text[end..].starts_with('}');
    let mut names: Vec<&str> = model.global_args.iter().map(|d| d.name.as_str()).collect();
    for s in &model.stages {
        names.extend(s.decls.iter().map(|d| d.name.as_str()));
    }
    names.extend(AUTOMATIC_ARGS.iter().chain(PREDEFINED_ARGS));
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    for name in names {
        if !seen.insert(name) {
            continue;
        }
        if let Some(source) = model.lookup(index, name) {
            found.push((name, source));
        }
    }
    // Declarations nearest first, then what the builder defines.
    found.sort_by_key(|(_, s)| match s {
        VarSource::Decl(d) => (0, usize::MAX - d.instruction),
        VarSource::Predefined => (1, 0),
    });
    let items = found
        .into_iter()
        .map(|(name, source)| {
            let insert = if close {
                format!("{name}}}")
            } else {
                name.to_string()
            };
            let mut item = Completion::new(name, CompletionKind::Variable, range).insert(insert);
            let value = model.value_at(index, name);
            match source {
                VarSource::Decl(d) => {
                    let what = if d.kind == VarKind::Env { "ENV" } else { "ARG" };
                    item.detail = Some(match &value {
                        Some(v) => format!("{what} = {}", short(v)),
                        None => what.to_string(),
                    });
                    item.documentation =
                        Some(variable_markdown(analysis, name, d, value.as_deref()));
                    if AUTOMATIC_ARGS.contains(&name) {
                        item.doc = Some(DocKey::AutomaticArg(name.to_string()));
                    }
                }
                VarSource::Predefined => {
                    item.detail = Some("Automatic build argument".to_string());
                    item.doc = Some(DocKey::AutomaticArg(name.to_string()));
                }
            }
            item
        })
        .collect();
    Some(items)
}

/// `value` on one line, at most 40 characters.
fn short(value: &str) -> String {
    let one: String = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= 40 {
        return one;
    }
    let mut s: String = one.chars().take(39).collect();
    s.push('…');
    s
}

/// A variable's documentation: its kind, its value at this line and where it is
/// declared.
fn variable_markdown(
    analysis: &Analysis,
    name: &str,
    decl: &crate::semantic::VarDecl,
    value: Option<&str>,
) -> String {
    let what = match decl.kind {
        VarKind::Env => "environment variable (ENV)",
        VarKind::Arg => "build argument (ARG)",
    };
    let mut md = format!("**{}** · {what}\n\n", code(&format!("${name}")));
    match value {
        Some(v) => md.push_str(&format!("Value here: {}", code(v))),
        None if decl.kind == VarKind::Arg && AUTOMATIC_ARGS.contains(&name) => {
            md.push_str("Value here: set by the builder (an automatic build argument)")
        }
        None if decl.kind == VarKind::Arg => md.push_str(&format!(
            "No default value here: set it with `--build-arg {name}=…`"
        )),
        None => md.push_str("No known value here"),
    }
    let inst = &analysis.syntax().instructions[decl.instruction];
    let line = analysis.line_index().line_of(inst.range.start()) + 1;
    let written = analysis.text().get(inst.range.range()).unwrap_or("");
    let first = written.lines().next().unwrap_or("");
    md.push_str(&format!(
        "\n\nDeclared on line {line}: {}",
        code(first.trim_end())
    ));
    md
}

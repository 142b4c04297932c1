//! Signature help: the forms of the instruction (or parser directive) at the cursor,
//! with the parameter under the cursor active. Flags come from
//! [`crate::semantic::flags`], so every flag an instruction accepts is a parameter;
//! `RUN`, `CMD` and `ENTRYPOINT` show their shell and exec forms (the one written is
//! active), `HEALTHCHECK` its `CMD` and `NONE` forms, `ONBUILD` the form of its trigger.
//!
//! Signatures are written with `«…»` around each parameter ([`Signature::parse`]);
//! parameters are byte ranges of the label (the LSP layer converts them to UTF-16).

#[cfg(test)]
mod tests;

use crate::ide::completion::{locate, Args, Place};
use crate::ide::{docs, Analysis};
use crate::semantic::flags::{self, FlagSpec, ValueKind};
use crate::syntax::{DirectiveKind, Kind};

/// One form of an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The form as text: `FROM [--platform=<platform>] <image> [AS <name>]`.
    pub label: String,
    /// Markdown: the instruction's one-line summary.
    pub documentation: Option<String>,
    /// The flags and arguments, in label order.
    pub parameters: Vec<Parameter>,
}

/// A parameter: its byte range in the signature label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// Byte offset of the parameter's first character in the label.
    pub start: usize,
    /// Byte offset just after its last character.
    pub end: usize,
    /// Markdown (a flag's summary).
    pub documentation: Option<String>,
}

impl Signature {
    /// Reads a label with `«…»` around each parameter.
    fn parse(marked: &str, documentation: Option<String>, docs: &[Option<String>]) -> Signature {
        let mut label = String::new();
        let mut parameters = Vec::new();
        let mut start = 0;
        for c in marked.chars() {
            match c {
                '«' => start = label.len(),
                '»' => parameters.push(Parameter {
                    start,
                    end: label.len(),
                    documentation: docs.get(parameters.len()).cloned().flatten(),
                }),
                c => label.push(c),
            }
        }
        Signature {
            label,
            documentation,
            parameters,
        }
    }
}

/// The signatures at the cursor, the one that applies and its active parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignatureHelp {
    /// Every form of the instruction.
    pub signatures: Vec<Signature>,
    /// The form written (exec or shell, `CMD` or `NONE`).
    pub active_signature: usize,
    /// The parameter under the cursor, if any.
    pub active_parameter: Option<usize>,
}

/// Signature help at byte offset `offset`; `None` outside instructions and directives.
pub fn signature_help(analysis: &Analysis, offset: usize) -> Option<SignatureHelp> {
    match locate(analysis, offset)? {
        Place::Directive { hash } => directive(analysis, hash, offset),
        Place::Keyword {
            index: Some(i),
            trigger,
        } => {
            let inst = &analysis.syntax().instructions[i];
            let kind = if trigger { Kind::Onbuild } else { inst.kind };
            let mut help = instruction(kind, None)?;
            help.active_parameter = trigger.then_some(0);
            Some(help)
        }
        Place::Keyword { index: None, .. } | Place::Heredoc { .. } => None,
        Place::Args(args) => {
            let mount_value = (args.kind == Kind::Run && args.in_flags())
                .then(|| args.word.strip_prefix("--mount="))
                .flatten();
            let mut help = match mount_value {
                Some(value) => mount(value),
                None => instruction(args.kind, Some(&args))?,
            };
            if args.onbuild {
                for s in &mut help.signatures {
                    *s = onbuild_prefixed(s);
                }
            }
            Some(help)
        }
    }
}

/// `ONBUILD ` before a trigger's signature.
fn onbuild_prefixed(s: &Signature) -> Signature {
    const PREFIX: &str = "ONBUILD ";
    Signature {
        label: format!("{PREFIX}{}", s.label),
        documentation: s.documentation.clone(),
        parameters: s
            .parameters
            .iter()
            .map(|p| Parameter {
                start: p.start + PREFIX.len(),
                end: p.end + PREFIX.len(),
                documentation: p.documentation.clone(),
            })
            .collect(),
    }
}

/// The placeholder of a flag's value.
fn placeholder(f: &FlagSpec) -> String {
    match (f.name, f.value) {
        ("from", _) => "<stage|image>".to_string(),
        ("chown", _) => "<user>:<group>".to_string(),
        ("platform", _) => "<platform>".to_string(),
        ("exclude", _) => "<pattern>".to_string(),
        ("checksum", _) => "<digest>".to_string(),
        (_, ValueKind::Choice(words)) => words.join("|"),
        (_, ValueKind::Duration) => "<duration>".to_string(),
        (_, ValueKind::Count) => "<n>".to_string(),
        (_, ValueKind::Mode) => "<mode>".to_string(),
        (_, ValueKind::Mount) => "type=<type>,<option>=<value>…".to_string(),
        _ => "<value>".to_string(),
    }
}

/// The forms of `kind` (flags first, then the positional parameters), and the active
/// form and parameter for the cursor in `args`.
fn instruction(kind: Kind, args: Option<&Args>) -> Option<SignatureHelp> {
    let summary = docs::instruction(kind).map(|d| d.summary.to_string());
    let flags: Vec<&FlagSpec> = flags::flags_of(kind).collect();
    let mut flag_text = String::new();
    let mut flag_docs = Vec::new();
    for f in &flags {
        if f.value == ValueKind::Bool {
            flag_text.push_str(&format!("[«--{}»] ", f.name));
        } else {
            flag_text.push_str(&format!("[«--{}={}»] ", f.name, placeholder(f)));
        }
        flag_docs.push(Some(f.summary.to_string()));
    }
    let name = kind.name();
    // Positional parameters per form.
    let forms: Vec<String> = match kind {
        Kind::Add | Kind::Copy => vec![
            format!("{name} {flag_text}«<src>…» «<dest>»"),
            format!("{name} {flag_text}«[\"<src>\", …» «\"<dest>\"]»"),
        ],
        Kind::Arg => vec![format!("{name} {flag_text}«<name>»[=«<default value>»]")],
        Kind::Cmd | Kind::Entrypoint => vec![
            format!("{name} «[\"<executable>\", \"<param>\", …]»"),
            format!("{name} «<command>»"),
        ],
        Kind::Run => vec![
            format!("{name} {flag_text}«<command>»"),
            format!("{name} {flag_text}«[\"<executable>\", \"<param>\", …]»"),
        ],
        Kind::Env | Kind::Label => vec![format!("{name} «<key>»=«<value>» …")],
        Kind::Expose => vec![format!("{name} «<port>»[/«<protocol>»] …")],
        Kind::From => vec![format!("{name} {flag_text}«<image>» «[AS <name>]»")],
        Kind::Healthcheck => vec![
            format!("{name} {flag_text}CMD «<command>»"),
            format!("{name} NONE"),
        ],
        Kind::Maintainer => vec![format!("{name} «<name>»")],
        Kind::Onbuild => vec![format!("{name} «<INSTRUCTION>»")],
        Kind::Shell => vec![format!("{name} «[\"<executable>\", \"<param>\", …]»")],
        Kind::Stopsignal => vec![format!("{name} «<signal>»")],
        Kind::User => vec![format!("{name} «<user>»[:«<group>»]")],
        Kind::Volume => vec![
            format!("{name} «<path>…»"),
            format!("{name} «[\"<path>\", …]»"),
        ],
        Kind::Workdir => vec![format!("{name} «<path>»")],
        Kind::Unknown => return None,
    };
    let signatures: Vec<Signature> = forms
        .iter()
        .map(|f| Signature::parse(f, summary.clone(), &flag_docs))
        .collect();
    let Some(args) = args else {
        return Some(SignatureHelp {
            signatures,
            active_signature: 0,
            active_parameter: None,
        });
    };
    let positional: Vec<&str> = args
        .before
        .iter()
        .filter(|w| !w.starts_with("--"))
        .map(String::as_str)
        .collect();
    // The first argument: the form it is written in.
    let first = match positional.first() {
        Some(w) => w,
        None if !args.word.starts_with("--") => args.word.as_str(),
        None => "",
    };
    let exec = first.starts_with('[');
    let active_signature = match kind {
        Kind::Add | Kind::Copy | Kind::Run | Kind::Volume => usize::from(exec),
        Kind::Cmd | Kind::Entrypoint => usize::from(!exec && !first.is_empty()),
        Kind::Healthcheck => usize::from(first.eq_ignore_ascii_case("none")),
        _ => 0,
    };
    let n_params = signatures[active_signature].parameters.len();
    let word = args.word.as_str();
    let active_parameter = if args.in_flags() && word.starts_with("--") {
        let typed = word[2..].split('=').next().unwrap_or("");
        flags.iter().position(|f| f.name == typed).or_else(|| {
            flags
                .iter()
                .position(|f| !typed.is_empty() && f.name.starts_with(typed))
        })
    } else if n_params == 0 {
        None
    } else {
        let nf = match kind {
            Kind::Cmd | Kind::Entrypoint | Kind::Shell => 0,
            _ if active_signature == 1 && kind == Kind::Healthcheck => 0,
            _ => flags.len(),
        };
        let p = positional.len();
        let local = match kind {
            Kind::Arg | Kind::Env | Kind::Label => usize::from(word.contains('=')),
            Kind::Expose => usize::from(word.contains('/')),
            Kind::User => usize::from(word.contains(':')),
            Kind::Add | Kind::Copy if exec => usize::from(p > 0 || word.ends_with(',')),
            Kind::Add | Kind::Copy | Kind::From => p.min(1),
            Kind::Healthcheck => 0,
            _ => 0,
        };
        Some((nf + local).min(n_params - 1))
    };
    Some(SignatureHelp {
        signatures,
        active_signature,
        active_parameter,
    })
}

/// Inside a `RUN --mount=` value: the options of its type (`bind` until `type=` says
/// otherwise), the one being written active.
fn mount(value: &str) -> SignatureHelp {
    let value = value.trim_matches(['"', '\'']);
    let typ = value
        .split(',')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("type"))
        .map(|(_, v)| v.trim().to_ascii_lowercase())
        .filter(|t| docs::mount_type_doc(t).is_some())
        .unwrap_or_else(|| "bind".to_string());
    let options: Vec<&docs::MountOptionDoc> = docs::mount_options(&typ).collect();
    let mut marked = String::from("--mount=");
    for (i, o) in options.iter().enumerate() {
        if i > 0 {
            marked.push(',');
        }
        // The synopsis is the first code span of the option's text (`target=<path>`).
        let synopsis = match o.keys[0] {
            "type" => format!("type={typ}"),
            _ => o
                .markdown
                .split('`')
                .nth(1)
                .unwrap_or(o.keys[0])
                .to_string(),
        };
        marked.push_str(&format!("«{synopsis}»"));
    }
    let docs: Vec<Option<String>> = options
        .iter()
        .map(|o| Some(o.summary.to_string()))
        .collect();
    let summary = docs::mount_type_doc(&typ).map(|d| d.summary.to_string());
    let current = value.rsplit(',').next().unwrap_or("");
    let key = current
        .split('=')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let active_parameter = options
        .iter()
        .position(|o| o.keys.contains(&key.as_str()))
        .or_else(|| {
            (!key.is_empty() && !current.contains('='))
                .then(|| {
                    options
                        .iter()
                        .position(|o| o.keys.iter().any(|k| k.starts_with(&key)))
                })
                .flatten()
        });
    SignatureHelp {
        signatures: vec![Signature::parse(&marked, summary, &docs)],
        active_signature: 0,
        active_parameter,
    }
}

/// The parser directive being written on the line whose `#` is at `hash`.
fn directive(analysis: &Analysis, hash: usize, offset: usize) -> Option<SignatureHelp> {
    let typed = &analysis.text()[hash + 1..offset];
    let (key, value) = typed.split_once('=')?;
    let kind = DirectiveKind::from_key(key.trim())?;
    let marked = match kind {
        DirectiveKind::Syntax => "# syntax=«<frontend image>»",
        DirectiveKind::Escape => "# escape=«\\ or `»",
        DirectiveKind::Check => {
            "# check=skip=«<check>,…»;error=«true|false»;experimental=«<check>,…»"
        }
    };
    let doc = docs::directive(kind.name()).and_then(|d| d.split("\n\n").nth(1).map(str::to_string));
    let signature = Signature::parse(marked, doc, &[]);
    let active_parameter = match kind {
        DirectiveKind::Check => {
            let part = value.rsplit(';').next().unwrap_or("");
            match part.split('=').next().unwrap_or("").trim() {
                "skip" => Some(0),
                "error" => Some(1),
                "experimental" => Some(2),
                _ => None,
            }
        }
        _ => Some(0),
    };
    Some(SignatureHelp {
        signatures: vec![signature],
        active_signature: 0,
        active_parameter,
    })
}

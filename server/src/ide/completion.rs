//! Completion: what may be typed at the cursor, from the scanned file and the semantic
//! model. Instructions (as snippets, in the file's keyword case, only those that make
//! sense there), flags per instruction and their values, `RUN --mount` types, options and
//! values, stage names after `FROM` and `--from=`, variables in scope after `$`/`${` with
//! their value at that line, parser directives, `# check=` keys and check names.
//!
//! Items are light: reference documentation is named by a [`DocKey`] and added by
//! `completionItem/resolve` ([`DocKey::markdown`]); only what depends on the analysis (a
//! variable's value here) is written into the item itself. Every item replaces exactly
//! the partial word at the cursor ([`Completion::range`], on the cursor's line).

mod context;
mod directives;
mod instructions;
mod values;

#[cfg(test)]
mod tests;

pub(crate) use context::{locate, word_range, Args, Place};

use crate::ide::{docs, Analysis};
use crate::syntax::Kind;
use crate::text::TextRange;

/// What an item completes; the LSP layer maps it to an item kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// An instruction keyword (or `AS`, `CMD`, `NONE`).
    Keyword,
    /// A flag (`--mount`) or a `--mount` option (`target`).
    Flag,
    /// A fixed value (`none`, `cache`, `locked`, `true`).
    Value,
    /// A build stage.
    Stage,
    /// An ARG or ENV variable.
    Variable,
    /// A parser directive or a `# check=` key.
    Directive,
    /// A BuildKit check name.
    Check,
}

/// Reference documentation an item can be resolved with, named by a stable string so it
/// survives the round trip through the client (`CompletionItem.data`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocKey {
    /// An instruction's reference entry.
    Instruction(Kind),
    /// A flag of an instruction, by name without dashes.
    Flag(Kind, String),
    /// A `RUN --mount` type.
    MountType(String),
    /// An option of a mount type: `(type, key)`.
    MountOption(String, String),
    /// A parser directive (`syntax`, `escape`, `check`).
    Directive(String),
    /// A BuildKit check name (or `all`).
    Check(String),
    /// An ARG the builder defines (`TARGETPLATFORM`, `HTTP_PROXY`).
    AutomaticArg(String),
}

impl DocKey {
    /// The key as a string (`flag/COPY/from`).
    pub fn encode(&self) -> String {
        match self {
            DocKey::Instruction(k) => format!("instruction/{}", k.name()),
            DocKey::Flag(k, name) => format!("flag/{}/{name}", k.name()),
            DocKey::MountType(t) => format!("mount-type/{t}"),
            DocKey::MountOption(t, key) => format!("mount-option/{t}/{key}"),
            DocKey::Directive(d) => format!("directive/{d}"),
            DocKey::Check(c) => format!("check/{c}"),
            DocKey::AutomaticArg(a) => format!("arg/{a}"),
        }
    }

    /// Reads back what [`DocKey::encode`] wrote; `None` for anything else.
    pub fn decode(key: &str) -> Option<DocKey> {
        let mut parts = key.splitn(3, '/');
        let (what, a, b) = (parts.next()?, parts.next()?, parts.next());
        let kind = || Some(Kind::from_keyword(a)).filter(|k| *k != Kind::Unknown);
        Some(match (what, b) {
            ("instruction", None) => DocKey::Instruction(kind()?),
            ("flag", Some(name)) => DocKey::Flag(kind()?, name.to_string()),
            ("mount-type", None) => DocKey::MountType(a.to_string()),
            ("mount-option", Some(key)) => DocKey::MountOption(a.to_string(), key.to_string()),
            ("directive", None) => DocKey::Directive(a.to_string()),
            ("check", None) => DocKey::Check(a.to_string()),
            ("arg", None) => DocKey::AutomaticArg(a.to_string()),
            _ => return None,
        })
    }

    /// The Markdown documentation; `None` when the key names nothing documented.
    pub fn markdown(&self) -> Option<String> {
        let with_link = |md: &str, link: &str| format!("{md}\n\n[Dockerfile reference]({link})");
        match self {
            DocKey::Instruction(k) => docs::instruction(*k).map(|d| d.markdown()),
            DocKey::Flag(k, name) => {
                docs::flag_doc(*k, name).map(|d| with_link(d.markdown, d.reference))
            }
            DocKey::MountType(t) => {
                docs::mount_type_doc(t).map(|d| with_link(d.markdown, d.reference))
            }
            DocKey::MountOption(t, key) => docs::mount_option(t, key).map(str::to_string),
            DocKey::Directive(d) => docs::directive(d).map(str::to_string),
            DocKey::Check(c) => directives::check_markdown(c),
            DocKey::AutomaticArg(a) => docs::automatic_arg(a).map(str::to_string),
        }
    }
}

/// One completion item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows (and clients filter on).
    pub label: String,
    /// What it completes (the LSP item kind).
    pub kind: CompletionKind,
    /// One line shown next to the label.
    pub detail: Option<String>,
    /// Markdown that depends on this file (a variable's value here), given at once.
    pub documentation: Option<String>,
    /// Reference documentation, added on resolve.
    pub doc: Option<DocKey>,
    /// The text replaced: the partial word at the cursor, on the cursor's line.
    pub range: TextRange,
    /// The text inserted by clients without snippets.
    pub insert: String,
    /// The same with tabstops (`RUN ${1:command}`), when it has any.
    pub snippet: Option<String>,
    /// Offered but deprecated (`MAINTAINER`).
    pub deprecated: bool,
}

impl Completion {
    fn new(label: impl Into<String>, kind: CompletionKind, range: TextRange) -> Completion {
        let label = label.into();
        Completion {
            insert: label.clone(),
            label,
            kind,
            detail: None,
            documentation: None,
            doc: None,
            range,
            snippet: None,
            deprecated: false,
        }
    }
    fn detail(mut self, detail: impl Into<String>) -> Completion {
        self.detail = Some(detail.into());
        self
    }
    fn doc(mut self, key: DocKey) -> Completion {
        self.doc = Some(key);
        self
    }
    fn insert(mut self, text: impl Into<String>) -> Completion {
        self.insert = text.into();
        self
    }
}

/// The items at byte offset `offset`, best first. Empty where nothing can be typed
/// (ordinary comments, plain shell text) and for offsets outside the text.
pub fn completions(analysis: &Analysis, offset: usize) -> Vec<Completion> {
    let Some(place) = locate(analysis, offset) else {
        return Vec::new();
    };
    let text = analysis.text();
    match place {
        Place::Directive { hash } => directives::complete(analysis, hash, offset),
        Place::Keyword { index, trigger } => {
            instructions::keywords(analysis, offset, index, trigger)
        }
        Place::Heredoc { index } => values::variables(analysis, index, offset).unwrap_or_default(),
        Place::Args(args) => {
            if let Some(vars) = values::variables(analysis, args.index, offset) {
                return if args.onbuild { Vec::new() } else { vars };
            }
            let word = word_range(text, offset, "=,\"'");
            values::arguments(analysis, &args, offset, word)
        }
    }
}

/// `word` in the file's keyword case: lower case when most other instructions write
/// their keyword in lower case.
pub(crate) fn in_file_case(lower: bool, word: &str) -> String {
    if lower {
        word.to_ascii_lowercase()
    } else {
        word.to_string()
    }
}

/// Whether the file writes its keywords in lower case (ignoring instruction `skip`, the
/// one being typed).
pub(crate) fn file_is_lowercase(analysis: &Analysis, skip: Option<usize>) -> bool {
    let (mut lower, mut upper) = (0, 0);
    for (i, inst) in analysis.syntax().instructions.iter().enumerate() {
        if Some(i) == skip || inst.kind == Kind::Unknown {
            continue;
        }
        if inst.keyword.bytes().all(|b| b.is_ascii_lowercase()) {
            lower += 1;
        } else if inst.keyword.bytes().all(|b| b.is_ascii_uppercase()) {
            upper += 1;
        }
    }
    lower > upper
}

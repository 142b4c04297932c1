//! The syntax layer: a Dockerfile read exactly as BuildKit's parser reads it, plus the
//! incrementally maintained tree-sitter tree used by editor features and queries.
//!
//! Two views of one text:
//! - [`Dockerfile`] (from [`parse`]) is the instruction list built by BuildKit's line
//!   rules: directives, the escape character, continuation lines, comments inside
//!   continuations, heredocs, flags, exec vs shell form and per-instruction argument
//!   splitting. Every piece keeps its exact byte range in the original text. This view is
//!   the source of truth for the semantic model and the rules; it agrees with BuildKit's
//!   own parser on every file of the corpus (see `tests/oracle`).
//! - [`tree`] holds the tree-sitter grammar (tree-sitter-containerfile), which the LSP
//!   layer keeps up to date with `Tree::edit` + an incremental reparse on every keystroke.
//!
//! Architecture Invariant: parsing never fails. Broken input produces a `Dockerfile` with
//! [`SyntaxError`]s in it, never a panic.

mod directives;
mod heredoc;
mod json;
mod scan;
pub mod tree;
mod words;

pub use directives::{match_directive_key, Directive, DirectiveKind};
pub use scan::parse;

use crate::text::TextRange;

/// The 18 instructions of the Dockerfile reference, plus `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl Kind {
    pub const ALL: [Kind; 18] = [
        Kind::Add,
        Kind::Arg,
        Kind::Cmd,
        Kind::Copy,
        Kind::Entrypoint,
        Kind::Env,
        Kind::Expose,
        Kind::From,
        Kind::Healthcheck,
        Kind::Label,
        Kind::Maintainer,
        Kind::Onbuild,
        Kind::Run,
        Kind::Shell,
        Kind::Stopsignal,
        Kind::User,
        Kind::Volume,
        Kind::Workdir,
    ];

    pub fn from_keyword(word: &str) -> Kind {
        Kind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(word))
            .unwrap_or(Kind::Unknown)
    }

    /// The keyword in upper case.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Add => "ADD",
            Kind::Arg => "ARG",
            Kind::Cmd => "CMD",
            Kind::Copy => "COPY",
            Kind::Entrypoint => "ENTRYPOINT",
            Kind::Env => "ENV",
            Kind::Expose => "EXPOSE",
            Kind::From => "FROM",
            Kind::Healthcheck => "HEALTHCHECK",
            Kind::Label => "LABEL",
            Kind::Maintainer => "MAINTAINER",
            Kind::Onbuild => "ONBUILD",
            Kind::Run => "RUN",
            Kind::Shell => "SHELL",
            Kind::Stopsignal => "STOPSIGNAL",
            Kind::User => "USER",
            Kind::Volume => "VOLUME",
            Kind::Workdir => "WORKDIR",
            Kind::Unknown => "",
        }
    }

    /// Instructions whose arguments BuildKit expands (`$VAR`) before running them.
    pub fn builder_expands(self) -> bool {
        matches!(
            self,
            Kind::Add
                | Kind::Copy
                | Kind::Env
                | Kind::Expose
                | Kind::From
                | Kind::Label
                | Kind::Stopsignal
                | Kind::User
                | Kind::Volume
                | Kind::Workdir
                | Kind::Arg
        )
    }
}

/// A piece of argument text: its value as BuildKit sees it and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The text after line joining. For exec form, the decoded JSON string. For
    /// whitespace- and quote-split words, quotes and escapes are kept as BuildKit keeps
    /// them at parse time.
    pub text: String,
    /// The exact source range (for JSON strings, including the quotes).
    pub range: TextRange,
}

/// A `--name[=value]` flag before the arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The whole flag as BuildKit sees it, quotes processed: `--mount=type=cache`.
    pub raw: String,
    /// The name without dashes: `mount`.
    pub name: String,
    pub value: Option<String>,
    pub range: TextRange,
    pub name_range: TextRange,
    pub value_range: Option<TextRange>,
}

/// `KEY=value` (ENV, LABEL, ARG) or the legacy `KEY value` form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    /// The raw value (quotes kept); `None` for `ARG NAME` without default.
    pub value: Option<Word>,
    /// The whole `k=v` word.
    pub range: TextRange,
    /// Written as `ENV key value` (no `=`).
    pub legacy: bool,
}

/// The argument part of an instruction, after the flags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    /// The joined argument text, trimmed (BuildKit's `rest`).
    pub text: String,
    /// Where that text is written (from its first to its last character).
    pub range: TextRange,
    /// Exec form: the decoded JSON array. `None` for shell form.
    pub json: Option<Vec<Word>>,
    /// The instruction-specific words: whitespace-split (FROM, EXPOSE, COPY/ADD/VOLUME
    /// shell form), quote-aware (ARG), or the whole text as one word (RUN, CMD,
    /// ENTRYPOINT, SHELL shell form, USER, WORKDIR, MAINTAINER, STOPSIGNAL).
    /// For HEALTHCHECK the first word is the type (`CMD` / `NONE`).
    pub words: Vec<Word>,
    /// ENV / LABEL / ARG pairs.
    pub pairs: Vec<KeyValue>,
}

/// A here-document attached to RUN, COPY or ADD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter with quotes removed: `EOF`.
    pub name: String,
    /// The `<<EOF` word as written.
    pub marker_range: TextRange,
    /// Part of the delimiter was quoted: the body is not expanded at build time.
    pub quoted: bool,
    /// `<<-`: leading tabs are stripped from the body and the terminator.
    pub chomp: bool,
    pub fd: u32,
    /// The body lines, from the line after the instruction to the terminator line
    /// (line breaks included).
    pub body_range: TextRange,
    /// The body exactly as BuildKit records it (tabs not yet stripped).
    pub content: String,
    /// The terminator line; `None` when the heredoc is unterminated.
    pub terminator_range: Option<TextRange>,
}

/// The joined argument line and how its bytes map back to the source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Joined {
    pub text: String,
    /// `(joined_offset, source_offset)` at the start of every contiguous source chunk.
    segments: Vec<(u32, u32)>,
}

impl Joined {
    pub(crate) fn push(&mut self, src_start: usize, chunk: &str) {
        if chunk.is_empty() {
            return;
        }
        self.segments
            .push((self.text.len() as u32, src_start as u32));
        self.text.push_str(chunk);
    }

    /// The contiguous source chunks: `(source start, length)`.
    pub fn segments(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.segments.iter().enumerate().map(|(i, &(j, s))| {
            let next = self
                .segments
                .get(i + 1)
                .map_or(self.text.len() as u32, |n| n.0);
            (s as usize, (next - j) as usize)
        })
    }

    /// Maps a joined offset to the source offset.
    pub fn to_source(&self, offset: usize) -> usize {
        let offset = offset as u32;
        let idx = match self.segments.binary_search_by_key(&offset, |s| s.0) {
            Ok(i) => i,
            Err(0) => return self.segments.first().map_or(0, |s| s.1 as usize),
            Err(i) => i - 1,
        };
        let (j, s) = self.segments[idx];
        (s + (offset - j)) as usize
    }

    /// Maps a source offset to the joined offset, for an offset inside a source chunk or
    /// just after its last byte (a cursor position); `None` in text the join drops (the
    /// escape and line break, comment lines) and outside the instruction.
    pub fn to_joined(&self, offset: usize) -> Option<usize> {
        let mut joined = 0;
        for (src, len) in self.segments() {
            if offset < src {
                return None;
            }
            if offset <= src + len {
                return Some(joined + offset - src);
            }
            joined += len;
        }
        None
    }

    /// Maps a joined range to a source range; the end stays in the chunk of the last
    /// byte, so a range never swallows the continuation it spans at its end.
    pub fn range_to_source(&self, start: usize, end: usize) -> TextRange {
        let s = self.to_source(start);
        if end <= start {
            return TextRange::empty(s);
        }
        let e = self.to_source(end - 1) + 1;
        TextRange::new(s, e.max(s))
    }
}

/// One instruction with every part's source range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub kind: Kind,
    /// The keyword as written.
    pub keyword: String,
    pub keyword_range: TextRange,
    /// From the keyword to the end of the last line (heredoc terminator included),
    /// line break excluded.
    pub range: TextRange,
    pub flags: Vec<Flag>,
    pub args: Args,
    pub heredocs: Vec<Heredoc>,
    /// The trigger of `ONBUILD <trigger>`.
    pub trigger: Option<Box<Instruction>>,
    /// Whitespace-only lines inside the continuation (BuildKit warns about them).
    pub empty_continuation_lines: Vec<TextRange>,
    /// Comment lines inside the continuation (BuildKit drops them).
    pub inner_comments: Vec<TextRange>,
    /// The joined line (keyword included), as BuildKit builds it.
    pub joined: Joined,
}

impl Instruction {
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }
    pub fn is_exec_form(&self) -> bool {
        self.args.json.is_some()
    }
    /// The instruction that takes effect: the trigger for ONBUILD, else itself.
    pub fn effective(&self) -> &Instruction {
        self.trigger.as_deref().unwrap_or(self)
    }
}

/// A comment line (`#` as the first non-blank character).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// From `#` to the end of the line, line break excluded.
    pub range: TextRange,
    /// The text after `#`, trimmed.
    pub text: String,
    /// Inside a continued instruction (dropped by BuildKit).
    pub in_continuation: bool,
}

/// A structural error: what BuildKit's parser would reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub range: TextRange,
    pub message: String,
    /// What kind of error; each kind is reported by exactly one rule.
    pub kind: SyntaxErrorKind,
}

/// The kinds of parser errors. Each is reported by one rule: the kind names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SyntaxErrorKind {
    /// A parser directive given twice (`directive-duplicate`).
    DirectiveDuplicate,
    /// `# escape=` with a value other than `` ` `` or `\` (`escape-directive-invalid`).
    EscapeInvalid,
    /// A heredoc whose terminator line never comes (`heredoc-unterminated`).
    HeredocUnterminated,
    /// Arguments the parser's line parsers reject: `ENV KEY` without a value, a word
    /// without `=` after a `k=v` word, a JSON array of non-strings (`invalid-arguments`).
    InvalidArguments,
    /// The file has no instruction (`syntax-error`).
    NoInstructions,
    /// A line longer than BuildKit's scanner buffer (`syntax-error`).
    LineTooLong,
}

impl SyntaxErrorKind {
    /// The id of the rule that reports this kind.
    pub fn rule_id(self) -> &'static str {
        match self {
            SyntaxErrorKind::DirectiveDuplicate => "directive-duplicate",
            SyntaxErrorKind::EscapeInvalid => "escape-directive-invalid",
            SyntaxErrorKind::HeredocUnterminated => "heredoc-unterminated",
            SyntaxErrorKind::InvalidArguments => "invalid-arguments",
            SyntaxErrorKind::NoInstructions | SyntaxErrorKind::LineTooLong => "syntax-error",
        }
    }
}

/// A whole Dockerfile as BuildKit reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    pub directives: Vec<Directive>,
    /// `\` or `` ` ``.
    pub escape: char,
    pub instructions: Vec<Instruction>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

impl Dockerfile {
    pub fn directive(&self, kind: DirectiveKind) -> Option<&Directive> {
        self.directives.iter().find(|d| d.kind == kind)
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn source_offsets_map_to_joined_offsets_and_back() {
        let text = "FROM a\nRUN echo \\\n# note\n  hi\n";
        let df = parse(text);
        let joined = &df.instructions[1].joined;
        assert_eq!(joined.text, "RUN echo   hi");
        let run = text.find("RUN").unwrap();
        let hi = text.find("hi").unwrap();
        assert_eq!(joined.to_joined(run), Some(0));
        assert_eq!(joined.to_joined(hi), Some(11));
        assert_eq!(joined.to_source(11), hi);
        // Just after a chunk's last byte (before the escape): the end of that chunk.
        let escape = text.find('\\').unwrap();
        assert_eq!(joined.to_joined(escape), Some(9));
        // The dropped comment line, and before or after the instruction.
        assert_eq!(joined.to_joined(text.find("# note").unwrap() + 2), None);
        assert_eq!(joined.to_joined(run - 1), None);
        assert_eq!(joined.to_joined(text.len()), None);
    }
}

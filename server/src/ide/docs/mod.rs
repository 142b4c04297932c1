//! Reference text for hovers and completion: what each instruction, flag, mount type and
//! option, parser directive, here-document and automatic ARG means. Docker's facts, our
//! own sentences; every entry is short enough to read in a hover.
//!
//! Instruction bodies live in `instructions/<name>.md` (included at compile time); flags
//! in `flags.rs`, mounts in `mounts.rs`, directives and here-documents in
//! `directives.rs`, automatic ARGs in `args.rs`. Lookups are linear scans of small static
//! tables: no allocation, nothing built at start-up.
//!
//! Markdown conventions (checked by the tests): lines of at most 100 characters, balanced
//! code spans, fenced ```dockerfile examples that our parser reads without errors, no
//! HTML and no tables. Nothing here talks about the build cache; `cache_explain` renders
//! that section.

mod args;
mod directives;
mod flags;
mod mounts;

pub use flags::FlagDoc;
pub use mounts::{MountOptionDoc, MountTypeDoc};

use crate::syntax::Kind;

/// The Dockerfile reference; every `reference` field is this plus an anchor.
pub const REFERENCE: &str = "https://docs.docker.com/reference/dockerfile/";

/// The documentation of one instruction.
#[derive(Debug)]
pub struct InstructionDoc {
    pub kind: Kind,
    /// One sentence.
    pub summary: &'static str,
    /// Markdown: the forms (synopsis lines in code), what it does, the essentials a
    /// learner gets wrong, and a short ```dockerfile example. Neither the summary nor the
    /// reference link is repeated in it.
    pub body: &'static str,
    /// The Dockerfile reference section (https://docs.docker.com/reference/dockerfile/#…).
    pub reference: &'static str,
}

impl InstructionDoc {
    /// The whole entry as one Markdown text: keyword and summary, body, reference link.
    pub fn markdown(&self) -> String {
        format!(
            "**{}**: {}\n\n{}\n\n[Dockerfile reference]({})",
            self.kind.name(),
            self.summary,
            self.body.trim_end(),
            self.reference
        )
    }
}

macro_rules! instruction {
    ($kind:ident, $file:literal, $anchor:literal, $summary:literal) => {
        InstructionDoc {
            kind: Kind::$kind,
            summary: $summary,
            body: include_str!(concat!("instructions/", $file, ".md")),
            reference: concat!("https://docs.docker.com/reference/dockerfile/#", $anchor),
        }
    };
}

static INSTRUCTIONS: &[InstructionDoc] = &[
    instruction!(
        Add,
        "add",
        "add",
        "Copies local files, URLs or Git repositories into the image, extracting local archives."
    ),
    instruction!(
        Arg,
        "arg",
        "arg",
        "Declares a build argument, a variable that `docker build --build-arg` can set."
    ),
    instruction!(
        Cmd,
        "cmd",
        "cmd",
        "Sets the default command of the container, or default arguments for `ENTRYPOINT`."
    ),
    instruction!(
        Copy,
        "copy",
        "copy",
        "Copies files from the build context, another stage or an image into the image."
    ),
    instruction!(
        Entrypoint,
        "entrypoint",
        "entrypoint",
        "Sets the program a container runs; `CMD` and `docker run` arguments go to it."
    ),
    instruction!(
        Env,
        "env",
        "env",
        "Sets environment variables for the rest of the build and for the running container."
    ),
    instruction!(
        Expose,
        "expose",
        "expose",
        "Documents the ports the application listens on; it publishes nothing by itself."
    ),
    instruction!(
        From,
        "from",
        "from",
        "Starts a new build stage from a base image (or `scratch`, or an earlier stage)."
    ),
    instruction!(
        Healthcheck,
        "healthcheck",
        "healthcheck",
        "Sets the command Docker runs now and then to tell whether the container works."
    ),
    instruction!(
        Label,
        "label",
        "label",
        "Adds key/value metadata to the image."
    ),
    instruction!(
        Maintainer,
        "maintainer",
        "maintainer-deprecated",
        "Deprecated: sets the author field of the image; use a `LABEL` instead."
    ),
    instruction!(
        Onbuild,
        "onbuild",
        "onbuild",
        "Stores an instruction that runs later, in builds that use this image as base."
    ),
    instruction!(
        Run,
        "run",
        "run",
        "Runs a command at build time and saves the files it changes as a new layer."
    ),
    instruction!(
        Shell,
        "shell",
        "shell",
        "Changes the shell that runs the shell form of `RUN`, `CMD` and `ENTRYPOINT`."
    ),
    instruction!(
        Stopsignal,
        "stopsignal",
        "stopsignal",
        "Sets the signal that asks the container to stop (default `SIGTERM`)."
    ),
    instruction!(
        User,
        "user",
        "user",
        "Sets the user and group that run later `RUN` commands and the container."
    ),
    instruction!(
        Volume,
        "volume",
        "volume",
        "Declares directories that hold volumes, kept outside the container's filesystem."
    ),
    instruction!(
        Workdir,
        "workdir",
        "workdir",
        "Sets (and creates) the working directory for the instructions that follow."
    ),
];

/// The documentation of an instruction; `None` for [`Kind::Unknown`].
pub fn instruction(kind: Kind) -> Option<&'static InstructionDoc> {
    INSTRUCTIONS.iter().find(|d| d.kind == kind)
}

/// Every instruction's documentation, in [`Kind::ALL`] order (for completion).
pub fn instructions() -> &'static [InstructionDoc] {
    INSTRUCTIONS
}

/// Markdown for a flag of an instruction (`name` without dashes: "mount", "link",
/// "from", "interval"…). Names match exactly, as BuildKit matches them.
pub fn flag(kind: Kind, name: &str) -> Option<&'static str> {
    flag_doc(kind, name).map(|d| d.markdown)
}

/// The full documentation of a flag: its Markdown and its reference URL.
pub fn flag_doc(kind: Kind, name: &str) -> Option<&'static FlagDoc> {
    flags::FLAG_DOCS
        .iter()
        .find(|d| d.kind == kind && d.name == name)
}

/// The documented flags of `kind` (for completion; one line each comes from
/// `semantic::flags::FlagSpec::summary`).
pub fn flags_of(kind: Kind) -> impl Iterator<Item = &'static FlagDoc> {
    flags::FLAG_DOCS.iter().filter(move |d| d.kind == kind)
}

/// Markdown for a `RUN --mount` type ("bind", "cache", "tmpfs", "secret", "ssh"; any case,
/// as BuildKit lower-cases it).
pub fn mount_type(typ: &str) -> Option<&'static str> {
    mount_type_doc(typ).map(|d| d.markdown)
}

/// The full documentation of a mount type.
pub fn mount_type_doc(typ: &str) -> Option<&'static MountTypeDoc> {
    mounts::MOUNT_TYPE_DOCS
        .iter()
        .find(|d| d.typ.eq_ignore_ascii_case(typ))
}

/// Every mount type, `bind` first (for completion).
pub fn mount_types() -> &'static [MountTypeDoc] {
    mounts::MOUNT_TYPE_DOCS
}

/// Markdown for an option of a `RUN --mount` type ("target", "sharing", "from"…). Keys
/// and types match in any case, as BuildKit lower-cases them. `None` when the option
/// means nothing for that type (`size` on a cache mount) or the type is unknown.
pub fn mount_option(typ: &str, key: &str) -> Option<&'static str> {
    mount_option_doc(typ, key).map(|d| d.markdown)
}

/// The full documentation of a mount option.
pub fn mount_option_doc(typ: &str, key: &str) -> Option<&'static MountOptionDoc> {
    mount_options(typ).find(|d| d.keys.iter().any(|k| k.eq_ignore_ascii_case(key)))
}

/// The options of a mount type, `type` first (for completion: `keys[0]` is the name to
/// offer, the rest are aliases).
pub fn mount_options(typ: &str) -> impl Iterator<Item = &'static MountOptionDoc> + '_ {
    mounts::MOUNT_OPTION_TABLES
        .iter()
        .flat_map(|t| t.iter())
        .filter(move |d| d.typ.eq_ignore_ascii_case(typ))
}

/// Markdown for a parser directive ("syntax", "escape", "check"; any case, as BuildKit
/// matches directive keys).
pub fn directive(name: &str) -> Option<&'static str> {
    directives::DIRECTIVE_DOCS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, md)| md)
}

/// Markdown about here-documents in general (`<<EOF`, quoting, `<<-`). The hover adds the
/// facts of the one under the cursor (its delimiter, whether it expands).
pub fn heredoc() -> &'static str {
    directives::HEREDOC
}

/// The reference section on here-documents.
pub const HEREDOC_REFERENCE: &str = "https://docs.docker.com/reference/dockerfile/#here-documents";

/// Markdown for an ARG every build defines without a declaration: automatic platform ARGs
/// (`TARGETPLATFORM`, `BUILDARCH`…), BuildKit built-ins (`BUILDKIT_INLINE_CACHE`,
/// `SOURCE_DATE_EPOCH`…) and proxy ARGs (`HTTP_PROXY`, `no_proxy`…). Exact names, as
/// variables are case-sensitive.
pub fn automatic_arg(name: &str) -> Option<&'static str> {
    args::ARG_DOCS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|&(_, md)| md)
}

#[cfg(test)]
mod tests;

//! Reference text for hovers and completion: what each instruction, flag, mount option
//! and parser directive does. Docker's facts, our own sentences.
//!
//! (Skeleton: the interface other modules code against. Filled in by the docs work.)

use crate::syntax::Kind;

/// The documentation of one instruction.
#[derive(Debug)]
pub struct InstructionDoc {
    pub kind: Kind,
    /// One sentence.
    pub summary: &'static str,
    /// Markdown: what it does, its forms, a short ```dockerfile example.
    pub body: &'static str,
    /// The Dockerfile reference section (https://docs.docker.com/reference/dockerfile/#…).
    pub reference: &'static str,
}

pub fn instruction(_kind: Kind) -> Option<&'static InstructionDoc> {
    None
}

/// Markdown for a flag of an instruction (`name` without dashes: "mount", "link",
/// "from", "interval"…).
pub fn flag(_kind: Kind, _name: &str) -> Option<&'static str> {
    None
}

/// Markdown for a `RUN --mount` type ("bind", "cache", "tmpfs", "secret", "ssh").
pub fn mount_type(_typ: &str) -> Option<&'static str> {
    None
}

/// Markdown for an option of a `RUN --mount` type ("target", "sharing", "from"…).
pub fn mount_option(_typ: &str, _key: &str) -> Option<&'static str> {
    None
}

/// Markdown for a parser directive ("syntax", "escape", "check").
pub fn directive(_name: &str) -> Option<&'static str> {
    None
}

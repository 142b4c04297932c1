//! The sources and destination of COPY / ADD, in shell and exec (JSON) form.

use crate::syntax::{Instruction, Kind, Word};

/// COPY / ADD arguments: every word but the last is a source, the last is the
/// destination. Heredoc markers (`<<EOF`) are sources of their own and left out.
pub struct CopyArgs<'a> {
    pub sources: Vec<&'a Word>,
    /// The heredoc markers among the sources (`COPY <<EOF /x`).
    pub heredocs: usize,
    pub dest: &'a Word,
    /// Written in JSON form.
    pub json: bool,
}

impl<'a> CopyArgs<'a> {
    /// The arguments of a COPY or ADD (the ONBUILD trigger when given ONBUILD);
    /// `None` for other instructions or fewer than two words.
    pub fn of(inst: &'a Instruction) -> Option<CopyArgs<'a>> {
        let inst = inst.effective();
        if !matches!(inst.kind, Kind::Copy | Kind::Add) {
            return None;
        }
        let (words, json) = match &inst.args.json {
            Some(words) => (words.as_slice(), true),
            None => (inst.args.words.as_slice(), false),
        };
        let (dest, sources) = words.split_last()?;
        if sources.is_empty() {
            return None;
        }
        let is_heredoc =
            |w: &&Word| !json && !inst.heredocs.is_empty() && is_heredoc_marker(&w.text);
        Some(CopyArgs {
            sources: sources.iter().filter(|w| !is_heredoc(w)).collect(),
            heredocs: sources.iter().filter(is_heredoc).count(),
            dest,
            json,
        })
    }

    /// True when the sources come from another stage or image (`--from`).
    pub fn from_flag(inst: &Instruction) -> bool {
        inst.effective().flag("from").is_some()
    }
}

/// `<<EOF`, `<<-EOF`, `3<<"EOF"`.
fn is_heredoc_marker(word: &str) -> bool {
    let rest = word.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.starts_with("<<")
}

/// A source ADD fetches over the network: an http(s) URL or a Git repository.
pub fn is_remote(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("git@")
        || lower.starts_with("git://")
        || lower.starts_with("ssh://")
}

/// The word with one pair of surrounding quotes removed (`"a.txt"` → `a.txt`), as the
/// builder's word expansion does.
pub fn unquote(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

/// Contains a glob character the builder expands (`*`, `?`, `[`).
pub fn has_glob(text: &str) -> bool {
    text.contains(['*', '?', '['])
}

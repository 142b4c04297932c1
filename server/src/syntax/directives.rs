//! Parser directives (`# syntax=`, `# escape=`, `# check=`), recognised by BuildKit's
//! rules: only in the block of directive lines at the very top of the file.

use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DirectiveKind {
    Syntax,
    Escape,
    Check,
}

impl DirectiveKind {
    pub fn from_key(key: &str) -> Option<DirectiveKind> {
        match key.to_ascii_lowercase().as_str() {
            "syntax" => Some(DirectiveKind::Syntax),
            "escape" => Some(DirectiveKind::Escape),
            "check" => Some(DirectiveKind::Check),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            DirectiveKind::Syntax => "syntax",
            DirectiveKind::Escape => "escape",
            DirectiveKind::Check => "check",
        }
    }
}

/// A parser directive line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// The key as written (`Syntax`).
    pub key: String,
    pub key_range: TextRange,
    pub value: String,
    pub value_range: TextRange,
    /// The whole comment line, line break excluded.
    pub range: TextRange,
}

/// A comment line that looks like `# key=value`: `(key range, value range)` relative to
/// `line`, which starts at `#` and has no line break. Mirrors the regex
/// `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`.
pub(crate) fn match_directive(line: &str) -> Option<((usize, usize), (usize, usize))> {
    let b = line.as_bytes();
    if b.first() != Some(&b'#') {
        return None;
    }
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c);
    let mut i = 1;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let key_start = i;
    if i >= b.len() || !b[i].is_ascii_alphabetic() {
        return None;
    }
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let key_end = i;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    if i >= b.len() || b[i] != b'=' {
        return None;
    }
    i += 1;
    while i < b.len() && is_space(b[i]) {
        i += 1;
    }
    let mut end = b.len();
    while end > i && is_space(b[end - 1]) {
        end -= 1;
    }
    if end <= i {
        return None;
    }
    Some(((key_start, key_end), (i, end)))
}

/// The key and value of a directive-shaped comment line (starting at `#`), as written.
pub fn match_directive_key(line: &str) -> Option<(&str, &str)> {
    let ((ks, ke), (vs, ve)) = match_directive(line)?;
    Some((&line[ks..ke], &line[vs..ve]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_directive_shapes() {
        assert_eq!(match_directive("# escape=`"), Some(((2, 8), (9, 10))));
        assert_eq!(
            match_directive("#syntax = docker/dockerfile:1  "),
            Some(((1, 7), (10, 29)))
        );
        assert_eq!(match_directive("# not a directive"), None);
        assert_eq!(match_directive("# 1x=y"), None);
        assert_eq!(match_directive("# key="), None);
    }
}

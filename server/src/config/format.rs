//! Formatting preferences: how continuation lines are indented. Pure data; read from
//! `[format]` in `dockerfile-lsp.toml` (`config/load.rs`) and from the editor setting
//! `dockerfileLsp.format.continuationIndent` (`lsp/config.rs`).

/// The indentation unit of a continuation line's base level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Indent {
    /// This many spaces (1 to [`Indent::MAX_SPACES`]).
    Spaces(u8),
    /// One tab.
    Tab,
}

impl Indent {
    /// Four spaces: what the formatter uses when nothing configures it.
    pub const DEFAULT: Indent = Indent::Spaces(4);
    /// The widest configurable indentation.
    pub const MAX_SPACES: u8 = 16;

    /// Reads a configured value: a number of spaces (1 to 16) or `"tab"`.
    pub fn from_spaces(n: i64) -> Option<Indent> {
        (1..=i64::from(Indent::MAX_SPACES))
            .contains(&n)
            .then_some(Indent::Spaces(n as u8))
    }

    /// Reads `"tab"` / `"tabs"` (any case).
    pub fn from_name(s: &str) -> Option<Indent> {
        matches!(s.to_ascii_lowercase().as_str(), "tab" | "tabs").then_some(Indent::Tab)
    }
}

/// The `[format]` table / `format` settings object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FormatConfig {
    /// The continuation indent; `None`: follow the editor's `insertSpaces`/`tabSize`
    /// (or [`Indent::DEFAULT`] where there is no editor, as in the CLI).
    pub continuation_indent: Option<Indent>,
}

impl FormatConfig {
    /// Values set in `other` win.
    pub fn merge(&mut self, other: &FormatConfig) {
        if other.continuation_indent.is_some() {
            self.continuation_indent = other.continuation_indent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spaces_and_tabs() {
        assert_eq!(Indent::from_spaces(2), Some(Indent::Spaces(2)));
        assert_eq!(Indent::from_spaces(0), None);
        assert_eq!(Indent::from_spaces(17), None);
        assert_eq!(Indent::from_name("Tab"), Some(Indent::Tab));
        assert_eq!(Indent::from_name("space"), None);
        let mut a = FormatConfig {
            continuation_indent: Some(Indent::Tab),
        };
        a.merge(&FormatConfig::default());
        assert_eq!(a.continuation_indent, Some(Indent::Tab));
        a.merge(&FormatConfig {
            continuation_indent: Some(Indent::Spaces(2)),
        });
        assert_eq!(a.continuation_indent, Some(Indent::Spaces(2)));
    }
}

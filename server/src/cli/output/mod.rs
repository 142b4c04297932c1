//! Rendering `check` results: one [`FileReport`] per checked file, printed as text, JSON,
//! SARIF or GitHub workflow commands. Positions shown to users are 1-based lines and
//! 1-based columns counted in characters (Unicode scalar values).

pub mod github;
pub mod json;
pub mod sarif;
pub mod text;

use std::io::{self, Write};
use std::sync::Arc;

use super::OutputFormat;
use crate::rules::{Diagnostic, RuleMeta};
use crate::text::{ColumnUnit, LineIndex, TextRange};

/// The findings of one checked file, with the text they point into.
#[derive(Debug)]
pub struct FileReport {
    /// The path as shown to users (`-` or `--stdin-filename` for standard input).
    pub path: String,
    pub text: Arc<str>,
    pub line_index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn new(
        path: impl Into<String>,
        text: impl Into<Arc<str>>,
        diagnostics: Vec<Diagnostic>,
    ) -> FileReport {
        let text = text.into();
        FileReport {
            path: path.into(),
            line_index: LineIndex::new(&text),
            text,
            diagnostics,
        }
    }

    /// The 1-based line and character column of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let lc = self
            .line_index
            .line_col(&self.text, offset, ColumnUnit::Char);
        Position {
            line: lc.line as usize + 1,
            column: lc.col as usize + 1,
        }
    }

    /// The start and (exclusive) end positions of a byte range.
    pub fn span(&self, range: TextRange) -> (Position, Position) {
        (self.position(range.start()), self.position(range.end()))
    }
}

/// A 1-based line and a 1-based column counted in characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Settings that affect rendering but not the findings.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Colour text output with ANSI escapes.
    pub color: bool,
}

/// Prints every report in `format`.
pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Text => text::render(reports, options, out),
        OutputFormat::Json => json::render(reports, out),
        OutputFormat::Sarif => sarif::render(reports, crate::rules::all_rules(), out),
        OutputFormat::Github => github::render(reports, out),
    }
}

/// The project's home page, from the package's `repository` field when it is set.
pub fn repository_url() -> &'static str {
    const FALLBACK_REPOSITORY: &str = "https://github.com/dockerfile-lsp/dockerfile-lsp";
    match env!("CARGO_PKG_REPOSITORY") {
        "" => FALLBACK_REPOSITORY,
        url => url.trim_end_matches('/'),
    }
}

/// Where a rule's documentation lives on the web.
pub fn rule_help_uri(rule: &RuleMeta) -> String {
    format!("{}/blob/main/docs/rules.md#{}", repository_url(), rule.id)
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! A fixed rule and a fixed set of findings that every renderer's tests print.

    use super::FileReport;
    use crate::rules::{
        Applicability, Diagnostic, Diagnostics, Fix, FixAvailability, Level, RuleContext, RuleMeta,
        Severity,
    };
    use crate::text::{TextEdit, TextRange};

    fn never(_: &RuleContext<'_>, _: &mut Diagnostics) {}

    /// A rule defined here so that the expected outputs do not change as the real
    /// rules' documentation evolves.
    pub static ENV_RULE: RuleMeta = RuleMeta {
        id: "env-blank",
        summary: "ENV without a value",
        default_level: Level::On(Severity::Error),
        fix: FixAvailability::Sometimes,
        docs: "## What it does\nReports `ENV` without a value.\n",
        hadolint: &[],
        buildkit: &[],
        location: "fixtures",
        check: never,
    };

    /// A second rule, off by default, with a hadolint code.
    pub static TAG_RULE: RuleMeta = RuleMeta {
        id: "image-untagged",
        summary: "Base image has neither tag nor digest",
        default_level: Level::Off,
        fix: FixAvailability::None,
        docs: "## What it does\nReports untagged images.\n",
        hadolint: &["DL3006"],
        buildkit: &[],
        location: "fixtures",
        check: never,
    };

    /// Two files: one with multi-byte characters and a tab before an error that has a
    /// fix, one with a warning whose message needs escaping, and a clean third file.
    pub fn reports() -> Vec<FileReport> {
        let text1 = "FROM alpine\n\tENV é😀=1 X\n";
        let x = text1.find('X').unwrap();
        let first = Diagnostic {
            rule: &ENV_RULE,
            range: TextRange::new(x, x + 1),
            severity: Severity::Error,
            message: "can't find = in \"X\"; must be of the form name=value".into(),
            fixes: vec![Fix::new(
                "Give it a value",
                Applicability::Unsafe,
                vec![TextEdit::insert(x + 1, "=1")],
            )],
            unnecessary: false,
            deprecated: false,
        };
        let text2 = "FROM ubuntu\r\nRUN true\r\n";
        let second = Diagnostic {
            rule: &TAG_RULE,
            range: TextRange::new(5, 11),
            severity: Severity::Warning,
            message: "Image `ubuntu` has no tag: 50%, a:b\nnext".into(),
            fixes: vec![],
            unnecessary: false,
            deprecated: false,
        };
        vec![
            FileReport::new("svc/Dockerfile", text1, vec![first]),
            FileReport::new("app, v2.dockerfile", text2, vec![second]),
            FileReport::new("clean/Containerfile", "FROM scratch\n", vec![]),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_characters() {
        let reports = fixtures::reports();
        let d = &reports[0].diagnostics[0];
        let (start, end) = reports[0].span(d.range);
        // Line 2 is "\tENV é😀=1 X": the tab, `é` and `😀` count as one character each.
        assert_eq!(
            start,
            Position {
                line: 2,
                column: 11
            }
        );
        assert_eq!(
            end,
            Position {
                line: 2,
                column: 12
            }
        );
    }
}

//! The human-readable format: `path:line:col: severity[rule] message`, the source line
//! with carets under the range (in the style of rustc and ruff), and a summary line.

use std::io::{self, Write};

use unicode_width::UnicodeWidthChar;

use super::{FileReport, RenderOptions};
use crate::rules::{Applicability, Diagnostic, Severity};

/// How many columns a tab takes when the source line is shown.
const TAB_WIDTH: usize = 4;

/// ANSI styles, or nothing when colour is off.
struct Style {
    color: bool,
}

impl Style {
    fn paint(&self, codes: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{codes}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn severity_codes(severity: Severity) -> &'static str {
        match severity {
            Severity::Error => "1;31",
            Severity::Warning => "1;33",
            Severity::Info => "1;36",
            Severity::Hint => "1;32",
        }
    }
}

pub fn render(
    reports: &[FileReport],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let style = Style {
        color: options.color,
    };
    let mut counts = [0usize; 4];
    for report in reports {
        for d in &report.diagnostics {
            counts[d.severity as usize] += 1;
            render_one(report, d, &style, out)?;
        }
    }
    writeln!(out, "{}", style.paint("1", &summary(reports.len(), counts)))
}

fn render_one(
    report: &FileReport,
    d: &Diagnostic,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let start = report.position(d.range.start());
    let location = format!("{}:{}:{}:", report.path, start.line, start.column);
    writeln!(
        out,
        "{} {} {}",
        style.paint("1", &location),
        style.paint(
            Style::severity_codes(d.severity),
            &format!("{}[{}]", d.severity.as_str(), d.rule.id)
        ),
        d.message
    )?;

    // The source line holding the start of the range, with carets under the range (cut
    // at the end of that line when the range spans several lines).
    let line = start.line - 1;
    let line_range = report.line_index.line_range(&report.text, line);
    let source = &report.text[line_range.range()];
    let start_in_line =
        d.range.start().clamp(line_range.start(), line_range.end()) - line_range.start();
    let end_in_line =
        d.range.end().clamp(line_range.start(), line_range.end()) - line_range.start();
    let before = floor_char_boundary(source, start_in_line);
    let inside_end = floor_char_boundary(source, end_in_line.max(before));
    let pad = display_width(&source[..before]);
    let carets = display_width(&source[before..inside_end]).max(1);

    let number = (line + 1).to_string();
    let gutter = " ".repeat(number.len());
    let bar = style.paint("1;34", "|");
    writeln!(out, "{gutter} {bar}")?;
    writeln!(
        out,
        "{} {bar} {}",
        style.paint("1;34", &number),
        expand_tabs(source).trim_end()
    )?;
    writeln!(
        out,
        "{gutter} {bar} {}{}",
        " ".repeat(pad),
        style.paint(Style::severity_codes(d.severity), &"^".repeat(carets))
    )?;
    for fix in &d.fixes {
        let safety = match fix.applicability {
            Applicability::Safe => "",
            Applicability::Unsafe => " (unsafe)",
        };
        writeln!(
            out,
            "{gutter} {} {}: {}{safety}",
            style.paint("1;34", "="),
            style.paint("1", "fix"),
            fix.title
        )?;
    }
    writeln!(out)
}

/// `Checked 3 files: 2 problems (1 error, 1 warning).`
fn summary(files: usize, counts: [usize; 4]) -> String {
    let total: usize = counts.iter().sum();
    let files = plural(files, "file", "files");
    if total == 0 {
        return format!("Checked {files}: no problems.");
    }
    let names = [
        ("error", "errors"),
        ("warning", "warnings"),
        ("info", "infos"),
        ("hint", "hints"),
    ];
    let parts: Vec<String> = counts
        .iter()
        .zip(names)
        .filter(|(n, _)| **n > 0)
        .map(|(n, (one, many))| plural(*n, one, many))
        .collect();
    format!(
        "Checked {files}: {} ({}).",
        plural(total, "problem", "problems"),
        parts.join(", ")
    )
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How many terminal columns `s` takes when shown with tabs expanded.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if c == '\t' {
                TAB_WIDTH
            } else {
                c.width().unwrap_or(0)
            }
        })
        .sum()
}

fn expand_tabs(s: &str) -> String {
    s.replace('\t', &" ".repeat(TAB_WIDTH))
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::fixtures;
    use crate::rules::Diagnostic;
    use crate::text::TextRange;
    use expect_test::expect;

    fn render_to_string(reports: &[FileReport], color: bool) -> String {
        let mut out = Vec::new();
        render(reports, RenderOptions { color }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn renders_findings_with_carets_and_summary() {
        // The emoji is two columns wide, so the caret sits one column further right than
        // the character count.
        expect![[r#"
            svc/Dockerfile:2:11: error[env-blank] can't find = in "X"; must be of the form name=value
              |
            2 |     ENV é😀=1 X
              |               ^
              = fix: Give it a value (unsafe)

            app, v2.dockerfile:1:6: warning[image-untagged] Image `ubuntu` has no tag: 50%, a:b
            next
              |
            1 | FROM ubuntu
              |      ^^^^^^

            Checked 3 files: 2 problems (1 error, 1 warning).
        "#]]
        .assert_eq(&render_to_string(&fixtures::reports(), false));
    }

    #[test]
    fn clean_run_prints_only_the_summary() {
        let reports = vec![FileReport::new("Dockerfile", "FROM scratch\n", vec![])];
        assert_eq!(
            render_to_string(&reports, false),
            "Checked 1 file: no problems.\n"
        );
        assert_eq!(
            render_to_string(&[], false),
            "Checked 0 files: no problems.\n"
        );
    }

    #[test]
    fn colour_wraps_parts_in_ansi_escapes() {
        let out = render_to_string(&fixtures::reports(), true);
        assert!(out.contains("\x1b[1;31merror[env-blank]\x1b[0m"), "{out}");
        assert!(out.contains("\x1b[1;33m^^^^^^\x1b[0m"), "{out}");
        assert!(!render_to_string(&fixtures::reports(), false).contains('\x1b'));
    }

    #[test]
    fn multi_line_and_empty_ranges() {
        let text = "RUN a \\\n  b\nENV X\n";
        let diagnostics = vec![
            Diagnostic {
                range: TextRange::new(4, 11),
                ..fixtures::reports()[0].diagnostics[0].clone()
            },
            Diagnostic {
                range: TextRange::empty(text.len() - 1),
                fixes: vec![],
                ..fixtures::reports()[0].diagnostics[0].clone()
            },
        ];
        let report = FileReport::new("Dockerfile", text, diagnostics);
        expect![[r#"
            Dockerfile:1:5: error[env-blank] can't find = in "X"; must be of the form name=value
              |
            1 | RUN a \
              |     ^^^
              = fix: Give it a value (unsafe)

            Dockerfile:3:6: error[env-blank] can't find = in "X"; must be of the form name=value
              |
            3 | ENV X
              |      ^

            Checked 1 file: 2 problems (2 errors).
        "#]]
        .assert_eq(&render_to_string(&[report], false));
    }
}

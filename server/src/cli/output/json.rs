//! The JSON format: an array of findings with 1-based lines and character columns; the
//! schema is documented in `docs/cli.md`.

use std::io::{self, Write};

use serde::Serialize;

use super::{FileReport, Position};
use crate::rules::{Applicability, Diagnostic};
use crate::text::TextRange;

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: &'a str,
    range: JsonRange,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    fixes: Vec<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonRange {
    start: JsonPosition,
    end: JsonPosition,
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonEdit<'a> {
    range: JsonRange,
    new_text: &'a str,
}

impl From<Position> for JsonPosition {
    fn from(p: Position) -> JsonPosition {
        JsonPosition {
            line: p.line,
            column: p.column,
        }
    }
}

fn range(report: &FileReport, range: TextRange) -> JsonRange {
    let (start, end) = report.span(range);
    JsonRange {
        start: start.into(),
        end: end.into(),
    }
}

fn diagnostic<'a>(report: &'a FileReport, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    JsonDiagnostic {
        path: &report.path,
        range: range(report, d.range),
        rule: d.rule.id,
        severity: d.severity.as_str(),
        message: &d.message,
        fixes: d
            .fixes
            .iter()
            .map(|fix| JsonFix {
                title: &fix.title,
                applicability: match fix.applicability {
                    Applicability::Safe => "safe",
                    Applicability::Unsafe => "unsafe",
                },
                edits: fix
                    .edits
                    .iter()
                    .map(|edit| JsonEdit {
                        range: range(report, edit.range),
                        new_text: &edit.new_text,
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    let items: Vec<JsonDiagnostic<'_>> = reports
        .iter()
        .flat_map(|report| {
            report
                .diagnostics
                .iter()
                .map(move |d| diagnostic(report, d))
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &items)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::fixtures;
    use expect_test::expect;

    #[test]
    fn renders_an_array_with_character_columns() {
        let mut out = Vec::new();
        render(&fixtures::reports(), &mut out).unwrap();
        expect![[r#"
            [
              {
                "path": "svc/Dockerfile",
                "range": {
                  "start": {
                    "line": 2,
                    "column": 11
                  },
                  "end": {
                    "line": 2,
                    "column": 12
                  }
                },
                "rule": "env-blank",
                "severity": "error",
                "message": "can't find = in \"X\"; must be of the form name=value",
                "fixes": [
                  {
                    "title": "Give it a value",
                    "applicability": "unsafe",
                    "edits": [
                      {
                        "range": {
                          "start": {
                            "line": 2,
                            "column": 12
                          },
                          "end": {
                            "line": 2,
                            "column": 12
                          }
                        },
                        "newText": "=1"
                      }
                    ]
                  }
                ]
              },
              {
                "path": "app, v2.dockerfile",
                "range": {
                  "start": {
                    "line": 1,
                    "column": 6
                  },
                  "end": {
                    "line": 1,
                    "column": 12
                  }
                },
                "rule": "image-untagged",
                "severity": "warning",
                "message": "Image `ubuntu` has no tag: 50%, a:b\nnext",
                "fixes": []
              }
            ]
        "#]]
        .assert_eq(&String::from_utf8(out).unwrap());
    }

    #[test]
    fn no_findings_is_an_empty_array() {
        let mut out = Vec::new();
        render(&[], &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "[]\n");
    }
}

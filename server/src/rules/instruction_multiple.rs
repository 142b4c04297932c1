//! `instruction-multiple`: more than one CMD, ENTRYPOINT or HEALTHCHECK in a stage.

use crate::rules::{Applicability, Diagnostics, RuleContext};
use crate::syntax::Kind;
use crate::text::{TextEdit, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that is followed by another one of
    /// the same kind in the same stage. The earlier, ineffective instruction is reported
    /// (as BuildKit does; hadolint reports the later one), because that is the line that
    /// does nothing and can be deleted. `ONBUILD` triggers are not counted: they apply
    /// to a downstream image.
    ///
    /// ## Why is this bad?
    /// Only the last one takes effect. The earlier one is dead code that misleads the
    /// reader about how the container starts or how its health is checked.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "manage.py", "migrate"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix deletes the earlier instruction's lines (comments above it stay). It is
    /// safe: the built image is the same, since only the last one of each kind takes
    /// effect. (`ENTRYPOINT` clears an inherited `CMD` unless the stage sets one; with
    /// one `CMD` or `ENTRYPOINT` of each kind still left in the stage, that does not
    /// change.) Whether the author meant the earlier one is for them to judge: the
    /// fix keeps what the build does today.
    ///
    /// ## References
    /// - hadolint `DL4003` (CMD), `DL4004` (ENTRYPOINT), `DL3012` (HEALTHCHECK)
    /// - BuildKit check `MultipleInstructionsDisallowed`
    /// - Trivy `DS-0016`, `DS-0007`, `DS-0023`
    /// - Dockerfile reference, "CMD", "ENTRYPOINT", "HEALTHCHECK"
    pub(crate) RULE {
        id: "instruction-multiple",
        summary: "More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage",
        level: Warning,
        fix: Always,
        hadolint: ["DL4003", "DL4004", "DL3012"],
        buildkit: ["MultipleInstructionsDisallowed"],
        check: check,
    }
}

fn check(ctx: &RuleContext<'_>, acc: &mut Diagnostics) {
    let insts = &ctx.syntax.instructions;
    for stage in &ctx.model.stages {
        for kind in [Kind::Cmd, Kind::Entrypoint, Kind::Healthcheck] {
            let all: Vec<usize> = stage
                .instructions
                .clone()
                .filter(|&i| insts[i].kind == kind)
                .collect();
            let Some((&last, earlier)) = all.split_last() else {
                continue;
            };
            let last_line = ctx.line_index.line_of(insts[last].range.start()) + 1;
            for &i in earlier {
                let d = acc.report(
                    &RULE,
                    insts[i].keyword_range,
                    format!(
                        "This {} has no effect: the {} on line {last_line} replaces it; delete one of them",
                        kind.name(),
                        kind.name()
                    ),
                );
                d.unnecessary = true;
                d.with_fix(
                    format!(
                        "Delete this {} (the one on line {last_line} replaces it)",
                        kind.name()
                    ),
                    Applicability::Safe,
                    vec![delete_lines(ctx.text, insts[i].range)],
                );
            }
        }
    }
}

/// Deletes the whole lines of `range` (an instruction), final line break included;
/// lines around it (comments, blank lines) stay.
pub(super) fn delete_lines(text: &str, range: TextRange) -> TextEdit {
    TextEdit::delete(crate::fix::full_lines(text, range))
}

/// The line break the file uses: that of its first line, `\n` when it has none.
pub(super) fn line_break(text: &str) -> &'static str {
    match text.find('\n') {
        Some(i) if text[..i].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// Inserts `line` as a new line just before the line where `at` starts, indented like
/// that line.
pub(super) fn insert_line_before(text: &str, at: usize, line: &str) -> TextEdit {
    let start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    TextEdit::insert(start, format!("{indent}{line}{}", line_break(text)))
}

/// Inserts `line` as a new line after the last line of `range` (an instruction),
/// indented like the line where `range` starts.
pub(super) fn insert_line_after(text: &str, range: TextRange, line: &str) -> TextEdit {
    let start = text[..range.start()].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent: String = text[start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let end = crate::fix::full_lines(text, range).end();
    let nl = line_break(text);
    if end == text.len() && !text.ends_with(['\n', '\r']) {
        TextEdit::insert(end, format!("{nl}{indent}{line}"))
    } else {
        TextEdit::insert(end, format!("{indent}{line}{nl}"))
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::rules::test_support::{check_rule, check_rule_fix, check_rule_not};
    use expect_test::expect;

    #[test]
    fn catches_repeated_instructions() {
        check_rule(
            &RULE,
            r#"
FROM python:3.12-slim
CMD ["python", "manage.py", "migrate"]
HEALTHCHECK NONE
ENTRYPOINT ["/entry"]
cmd gunicorn app:app
HEALTHCHECK CMD curl -f http://localhost/
CMD ["gunicorn", "app:app"]
"#,
            expect![[r#"
                2 | CMD ["python", "manage.py", "migrate"]
                  | ^^^ instruction-multiple: This CMD has no effect: the CMD on line 7 replaces it; delete one of them
                3 | HEALTHCHECK NONE
                  | ^^^^^^^^^^^ instruction-multiple: This HEALTHCHECK has no effect: the HEALTHCHECK on line 6 replaces it; delete one of them
                5 | cmd gunicorn app:app
                  | ^^^ instruction-multiple: This CMD has no effect: the CMD on line 7 replaces it; delete one of them
            "#]],
        );
    }

    #[test]
    fn accepts_one_per_stage_and_onbuild() {
        check_rule_not(
            &RULE,
            r#"
FROM golang:1.23 AS build
CMD ["go", "test"]
ONBUILD CMD ["x"]
FROM alpine:3.20
CMD ["app"]
ONBUILD CMD ["y"]
ENTRYPOINT ["/entry"]
"#,
        );
    }

    #[test]
    fn fix_deletes_the_earlier_instructions() {
        check_rule_fix(
            &RULE,
            r#"
FROM python:3.12-slim
# run the migrations
CMD ["python", "manage.py", \
     "migrate"]
HEALTHCHECK NONE
  ENTRYPOINT ["/entry"]
cmd gunicorn app:app
HEALTHCHECK CMD curl -f http://localhost/
CMD ["gunicorn", "app:app"]
"#,
            expect![[r#"
                FROM python:3.12-slim
                # run the migrations
                  ENTRYPOINT ["/entry"]
                HEALTHCHECK CMD curl -f http://localhost/
                CMD ["gunicorn", "app:app"]
            "#]],
        );
    }

    #[test]
    fn fix_keeps_crlf_and_escape_backtick() {
        check_rule_fix(
            &RULE,
            "# escape=`\r\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\r\nCMD powershell `\r\n  -Command Start\r\nCMD [\"cmd\"]",
            expect![[r##"
                # escape=`
                FROM mcr.microsoft.com/windows/servercore:ltsc2022
                CMD ["cmd"]"##]],
        );
        check_rule_fix(
            &RULE,
            "FROM alpine\nCMD [\"a\"]\nCMD [\"b\"]",
            expect![[r#"
                FROM alpine
                CMD ["b"]"#]],
        );
    }
}

//! GitHub Actions workflow commands (`::error file=…::message`), which GitHub shows as
//! annotations on the changed lines of a pull request.

use std::io::{self, Write};

use super::FileReport;
use crate::rules::Severity;

pub fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "notice",
            };
            let (start, end) = report.span(d.range);
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                escape_property(&report.path),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(d.rule.id),
                escape_data(&d.message),
            )?;
        }
    }
    Ok(())
}

/// Escapes a command's message, as the Actions toolkit does.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property: like data, plus `:` and `,`, which separate properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::output::fixtures;
    use expect_test::expect;

    #[test]
    fn renders_one_workflow_command_per_finding() {
        let mut out = Vec::new();
        render(&fixtures::reports(), &mut out).unwrap();
        expect![[r#"
            ::error file=svc/Dockerfile,line=2,col=11,endLine=2,endColumn=12,title=env-blank::can't find = in "X"; must be of the form name=value
            ::warning file=app%2C v2.dockerfile,line=1,col=6,endLine=1,endColumn=12,title=image-untagged::Image `ubuntu` has no tag: 50%25, a:b%0Anext
        "#]]
        .assert_eq(&String::from_utf8(out).unwrap());
    }

    #[test]
    fn escaping() {
        assert_eq!(escape_data("100%\r\n:,"), "100%25%0D%0A:,");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}

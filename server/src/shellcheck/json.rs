//! ShellCheck's `--format=json1` output: `{"comments": [{file, line, endLine, column,
//! endColumn, level, code, message, fix: {replacements: [...]}|null}]}`. Lines and
//! columns are 1-based; columns count characters, a tab counting as one (`json1`, unlike
//! the tab-stop columns of the other formats); `endColumn` is exclusive.

use serde::Deserialize;

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    #[serde(default)]
    pub file: String,
    pub line: u32,
    pub end_line: u32,
    pub column: u32,
    pub end_column: u32,
    pub level: String,
    pub code: u32,
    pub message: String,
    #[serde(default)]
    pub fix: Option<Fix>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Fix {
    pub replacements: Vec<Replacement>,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Replacement {
    pub line: u32,
    pub end_line: u32,
    pub column: u32,
    pub end_column: u32,
    pub replacement: String,
}

#[derive(Deserialize)]
struct Output {
    comments: Vec<Comment>,
}

/// Parses the whole output; `None` when it is not json1.
pub fn parse(output: &str) -> Option<Vec<Comment>> {
    serde_json::from_str::<Output>(output.trim())
        .ok()
        .map(|o| o.comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comments_and_fixes() {
        let out = r#"{"comments":[{"file":"0.sh","line":2,"endLine":2,"column":7,"endColumn":9,"level":"info","code":2086,"message":"Double quote to prevent globbing and word splitting.","fix":{"replacements":[{"column":7,"endColumn":7,"endLine":2,"insertionPoint":"afterEnd","line":2,"precedence":7,"replacement":"\""}]}},{"file":"1.sh","line":3,"endLine":3,"column":1,"endColumn":2,"level":"error","code":1009,"message":"m","fix":null}]}"#;
        let c = parse(out).unwrap();
        assert_eq!(c.len(), 2);
        assert_eq!(
            (c[0].file.as_str(), c[0].code, c[0].column),
            ("0.sh", 2086, 7)
        );
        assert_eq!(c[0].fix.as_ref().unwrap().replacements[0].replacement, "\"");
        assert_eq!(c[1].fix, None);
        assert_eq!(parse("{\"comments\":[]}"), Some(vec![]));
        assert_eq!(parse("garbage"), None);
        assert_eq!(parse(""), None);
        assert_eq!(parse("{\"comments\":[{\"line\":\"x\"}]}"), None);
    }
}

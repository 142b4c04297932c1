//! Core values to LSP values: diagnostics (with their fix carried in `data`) and ranges,
//! converted with the analysed text's line index in the negotiated encoding.

use std::str::FromStr;

use serde_json::json;
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticSeverity, DiagnosticTag, NumberOrString, Uri,
};

use super::position::{self, PositionEncoding};
use crate::ide::Analysis;
use crate::rules::{self, Applicability, Severity};
use crate::text::TextRange;

/// Where every rule's documentation lives; the rule id is the anchor.
pub const RULE_DOCS_URL: &str =
    "https://github.com/dockerfile-lsp/dockerfile-lsp/blob/main/docs/rules.md";

/// The `source` of every diagnostic.
pub const SOURCE: &str = "dockerfile-lsp";

/// The documentation link of a rule.
pub fn rule_docs_uri(rule_id: &str) -> Option<Uri> {
    Uri::from_str(&format!("{RULE_DOCS_URL}#{rule_id}")).ok()
}

/// The link of a diagnostic's code: the rule's documentation, or for a ShellCheck
/// finding the ShellCheck wiki page of its `SCnnnn` code.
pub fn code_href(d: &rules::Diagnostic) -> Option<Uri> {
    if d.rule.id == crate::shellcheck::rule().id {
        if let Some(code) = crate::shellcheck::code_of_message(&d.message) {
            return Uri::from_str(&crate::shellcheck::wiki_url(code)).ok();
        }
    }
    rule_docs_uri(d.rule.id)
}

pub fn range(analysis: &Analysis, range: TextRange, encoding: PositionEncoding) -> lsp::Range {
    let (index, text) = (analysis.line_index(), analysis.text());
    lsp::Range::new(
        position::position_of(index, text, range.start(), encoding),
        position::position_of(index, text, range.end(), encoding),
    )
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// One diagnostic of document version `version`. Its fixes travel in `data` as
/// `{"version": 3, "fixes": [{"title", "applicability": "safe"|"unsafe",
/// "edits": [{"range", "newText"}]}]}` so a code action can apply them without running
/// the rules again, and can tell when the document has moved on since.
pub fn diagnostic(
    analysis: &Analysis,
    d: &rules::Diagnostic,
    encoding: PositionEncoding,
    version: i32,
) -> lsp::Diagnostic {
    let mut tags = Vec::new();
    if d.unnecessary {
        tags.push(DiagnosticTag::UNNECESSARY);
    }
    if d.deprecated {
        tags.push(DiagnosticTag::DEPRECATED);
    }
    let data = (!d.fixes.is_empty()).then(|| {
        let fixes: Vec<_> = d
            .fixes
            .iter()
            .map(|fix| fix_json(analysis, fix, encoding))
            .collect();
        json!({ "version": version, "fixes": fixes })
    });
    lsp::Diagnostic {
        range: range(analysis, d.range, encoding),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.id.to_owned())),
        code_description: code_href(d).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message: d.message.clone(),
        related_information: None,
        tags: (!tags.is_empty()).then_some(tags),
        data,
    }
}

pub fn diagnostics(
    analysis: &Analysis,
    diags: &[rules::Diagnostic],
    encoding: PositionEncoding,
    version: i32,
) -> Vec<lsp::Diagnostic> {
    diags
        .iter()
        .map(|d| diagnostic(analysis, d, encoding, version))
        .collect()
}

/// A fix as JSON: `{"title", "applicability", "edits": [{"range", "newText"}]}`.
pub fn fix_json(
    analysis: &Analysis,
    fix: &rules::Fix,
    encoding: PositionEncoding,
) -> serde_json::Value {
    let edits: Vec<_> = fix
        .edits
        .iter()
        .map(|e| json!({ "range": range(analysis, e.range, encoding), "newText": e.new_text }))
        .collect();
    let applicability = match fix.applicability {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
    };
    json!({ "title": fix.title, "applicability": applicability, "edits": edits })
}

/// A core edit as an LSP edit.
pub fn text_edit(
    analysis: &Analysis,
    edit: &crate::text::TextEdit,
    encoding: PositionEncoding,
) -> lsp::TextEdit {
    lsp::TextEdit::new(range(analysis, edit.range, encoding), edit.new_text.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::rules::{rule_by_id, Fix};
    use crate::text::TextEdit;

    #[test]
    fn carries_code_link_tags_and_fix() {
        let text = "# é\nENV X\n";
        let analysis = Analysis::new(text);
        let rule = rule_by_id("syntax-error").unwrap();
        let start = text.find('X').unwrap();
        let d = rules::Diagnostic {
            rule,
            range: TextRange::new(start, start + 1),
            severity: Severity::Warning,
            message: "m".into(),
            fixes: vec![Fix::new(
                "t",
                Applicability::Safe,
                vec![TextEdit::replace(TextRange::new(start, start + 1), "X=1")],
            )],
            unnecessary: true,
            deprecated: true,
        };
        let out = diagnostic(&analysis, &d, PositionEncoding::Utf16, 7);
        assert_eq!(
            out.range,
            lsp::Range::new(lsp::Position::new(1, 4), lsp::Position::new(1, 5))
        );
        assert_eq!(out.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(
            out.code,
            Some(NumberOrString::String("syntax-error".into()))
        );
        assert_eq!(
            out.code_description.unwrap().href.as_str(),
            format!("{RULE_DOCS_URL}#syntax-error")
        );
        assert_eq!(
            out.tags,
            Some(vec![DiagnosticTag::UNNECESSARY, DiagnosticTag::DEPRECATED])
        );
        let data = out.data.unwrap();
        assert_eq!(data["version"], 7);
        assert_eq!(data["fixes"][0]["applicability"], "safe");
        assert_eq!(data["fixes"][0]["edits"][0]["newText"], "X=1");
        assert_eq!(
            data["fixes"][0]["edits"][0]["range"]["start"]["character"],
            4
        );
        // The real rule output converts the same way.
        let real = analysis.diagnostics(&Config::default());
        assert_eq!(
            diagnostics(&analysis, &real, PositionEncoding::Utf8, 1)[0]
                .source
                .as_deref(),
            Some(SOURCE)
        );
    }
}

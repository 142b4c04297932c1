//! Core values to LSP values: diagnostics (with their fix carried in `data`) and ranges,
//! converted with the analysed text's line index in the negotiated encoding.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::LazyLock;

use serde::ser::{Serialize, SerializeStruct, Serializer};
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
    // Every diagnostic carries its rule's link: parsing a URI for each of a large file's
    // ~1,000 findings on every keystroke showed in profiles, so each rule's is parsed once.
    static PARSED: LazyLock<HashMap<&'static str, Uri>> = LazyLock::new(|| {
        rules::all_rules()
            .iter()
            .filter_map(|rule| Some((rule.id, parse_docs_uri(rule.id)?)))
            .collect()
    });
    match PARSED.get(rule_id) {
        Some(uri) => Some(uri.clone()),
        None => parse_docs_uri(rule_id),
    }
}

fn parse_docs_uri(rule_id: &str) -> Option<Uri> {
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
    // The same writer as the direct publish, into a value.
    let data = (!d.fixes.is_empty())
        .then(|| {
            serde_json::to_value(FixesJson {
                analysis,
                fixes: &d.fixes,
                encoding,
                version,
            })
            .ok()
        })
        .flatten();
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

/// `textDocument/publishDiagnostics` params written straight from the core's findings:
/// the JSON of [`lsp::PublishDiagnosticsParams`] holding [`diagnostics`], without building
/// those values first (on a large file about a thousand findings, each with its fixes'
/// edits, on every keystroke). Equality with the `ls_types` path is tested.
pub struct PublishDiagnostics<'a> {
    pub uri: &'a Uri,
    pub version: i32,
    pub analysis: &'a Analysis,
    pub diagnostics: &'a [rules::Diagnostic],
    pub encoding: PositionEncoding,
}

impl Serialize for PublishDiagnostics<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut params = serializer.serialize_struct("PublishDiagnosticsParams", 3)?;
        params.serialize_field("uri", self.uri)?;
        params.serialize_field(
            "diagnostics",
            &Seq(self.diagnostics.iter().map(|d| DiagnosticJson {
                analysis: self.analysis,
                d,
                encoding: self.encoding,
                version: self.version,
            })),
        )?;
        params.serialize_field("version", &self.version)?;
        params.end()
    }
}

/// A sequence serialised from an iterator (each item once, in order).
struct Seq<I>(I);

impl<I, T> Serialize for Seq<I>
where
    I: Iterator<Item = T> + Clone,
    T: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

/// One finding as [`diagnostic`] would give it, written directly.
struct DiagnosticJson<'a> {
    analysis: &'a Analysis,
    d: &'a rules::Diagnostic,
    encoding: PositionEncoding,
    version: i32,
}

impl Serialize for DiagnosticJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (analysis, d, encoding) = (self.analysis, self.d, self.encoding);
        let mut json = serializer.serialize_struct("Diagnostic", 9)?;
        json.serialize_field("range", &range(analysis, d.range, encoding))?;
        json.serialize_field("severity", &severity(d.severity))?;
        json.serialize_field("code", d.rule.id)?;
        if let Some(href) = code_href(d) {
            json.serialize_field("codeDescription", &CodeDescription { href })?;
        }
        json.serialize_field("source", SOURCE)?;
        json.serialize_field("message", &d.message)?;
        let tags = [
            d.unnecessary.then_some(DiagnosticTag::UNNECESSARY),
            d.deprecated.then_some(DiagnosticTag::DEPRECATED),
        ];
        if tags.iter().any(Option::is_some) {
            json.serialize_field("tags", &Seq(tags.iter().flatten()))?;
        }
        if !d.fixes.is_empty() {
            json.serialize_field(
                "data",
                &FixesJson {
                    analysis,
                    fixes: &d.fixes,
                    encoding,
                    version: self.version,
                },
            )?;
        }
        json.end()
    }
}

/// A diagnostic's `data`: `{"fixes": [{"title", "applicability": "safe"|"unsafe",
/// "edits": [{"range", "newText"}]}], "version"}`.
struct FixesJson<'a> {
    analysis: &'a Analysis,
    fixes: &'a [rules::Fix],
    encoding: PositionEncoding,
    version: i32,
}

impl Serialize for FixesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (analysis, encoding) = (self.analysis, self.encoding);
        let mut json = serializer.serialize_struct("Data", 2)?;
        json.serialize_field(
            "fixes",
            &Seq(self.fixes.iter().map(|fix| FixJson {
                analysis,
                fix,
                encoding,
            })),
        )?;
        json.serialize_field("version", &self.version)?;
        json.end()
    }
}

/// One fix of a diagnostic's `data`.
struct FixJson<'a> {
    analysis: &'a Analysis,
    fix: &'a rules::Fix,
    encoding: PositionEncoding,
}

impl Serialize for FixJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(serde::Serialize)]
        struct Edit<'a> {
            range: lsp::Range,
            #[serde(rename = "newText")]
            new_text: &'a str,
        }
        let (analysis, fix, encoding) = (self.analysis, self.fix, self.encoding);
        let mut json = serializer.serialize_struct("Fix", 3)?;
        let applicability = match fix.applicability {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        };
        json.serialize_field("applicability", applicability)?;
        json.serialize_field(
            "edits",
            &Seq(fix.edits.iter().map(|e| Edit {
                range: range(analysis, e.range, encoding),
                new_text: &e.new_text,
            })),
        )?;
        json.serialize_field("title", &fix.title)?;
        json.end()
    }
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

    /// What [`PublishDiagnostics`] writes equals the `ls_types` params built from
    /// [`diagnostics`] (whose `data` comes from the same writer), on hand-made findings (tags, fixes, ShellCheck links) and on every
    /// real corpus file with every rule on, in both position encodings.
    #[test]
    fn direct_publish_json_equals_the_ls_types_params() {
        fn check(text: &str, diags: &[rules::Diagnostic], encoding: PositionEncoding, what: &str) {
            let analysis = Analysis::new(text);
            let uri = Uri::from_str("file:///w/Dockerfile").unwrap();
            let direct = serde_json::to_value(PublishDiagnostics {
                uri: &uri,
                version: 4,
                analysis: &analysis,
                diagnostics: diags,
                encoding,
            })
            .unwrap();
            let expected = serde_json::to_value(lsp::PublishDiagnosticsParams {
                uri: uri.clone(),
                diagnostics: diagnostics(&analysis, diags, encoding, 4),
                version: Some(4),
            })
            .unwrap();
            assert_eq!(direct, expected, "{what} ({encoding:?})");
        }

        let text = "# é😀\nRUN echo $X\n";
        let start = text.find('$').unwrap();
        let range = TextRange::new(start, start + 2);
        let finding =
            |rule: &str, message: &str, tags: (bool, bool), fixes: Vec<Fix>| rules::Diagnostic {
                rule: rule_by_id(rule).unwrap(),
                range,
                severity: Severity::Hint,
                message: message.into(),
                fixes,
                unnecessary: tags.0,
                deprecated: tags.1,
            };
        let two_fixes = vec![
            Fix::new(
                "quote \"it\"",
                Applicability::Safe,
                vec![
                    TextEdit::replace(range, "\"$X\""),
                    TextEdit::insert(text.len(), "\n"),
                ],
            ),
            Fix::new("unsafe", Applicability::Unsafe, vec![]),
        ];
        let shellcheck = crate::shellcheck::rule().id;
        let hand_made = vec![
            finding("syntax-error", "plain", (false, false), vec![]),
            finding("syntax-error", "tagged", (true, false), two_fixes.clone()),
            finding("syntax-error", "both tags", (true, true), vec![]),
            finding("syntax-error", "deprecated", (false, true), two_fixes),
            finding(
                shellcheck,
                "SC2086: Double quote to prevent globbing.",
                (false, false),
                vec![],
            ),
            finding(shellcheck, "no code here", (false, false), vec![]),
        ];
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            check(text, &hand_made, encoding, "hand-made");
            check(text, &[], encoding, "no findings");
        }

        // The corpus as scripts/test.sh finds it; without it only the hand-made findings
        // are compared (unless it is required, as in CI).
        let corpus = std::env::var_os("DOCKERFILE_LSP_CORPUS")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
            });
        if !corpus.join("real").is_dir() {
            assert!(
                std::env::var("DOCKERFILE_LSP_REQUIRE_CORPUS").as_deref() != Ok("1"),
                "corpus not found at {}",
                corpus.display()
            );
            eprintln!(
                "corpus not found at {}; skipping its files",
                corpus.display()
            );
            return;
        }
        let mut files: Vec<_> = std::fs::read_dir(corpus.join("real"))
            .expect("the corpus's real/ folder")
            .flatten()
            .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
            .map(|e| e.path())
            .collect();
        files.sort();
        files.push(corpus.join("large/big-multistage.Dockerfile"));
        assert!(files.len() > 900, "{} corpus files", files.len());
        let config = crate::fuzz::all_rules_config();
        let mut with_fixes = 0;
        for (i, path) in files.iter().enumerate() {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let diags = Analysis::new(text.as_ref()).diagnostics(&config);
            with_fixes += diags.iter().filter(|d| !d.fixes.is_empty()).count();
            let what = path.display().to_string();
            check(&text, &diags, PositionEncoding::Utf8, &what);
            if i % 4 == 0 || i + 1 == files.len() {
                check(&text, &diags, PositionEncoding::Utf16, &what);
            }
        }
        assert!(with_fixes > 1000, "{with_fixes} findings with fixes");
    }

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
        assert_eq!(data["fixes"][0]["title"], "t");
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

//! `textDocument/hover`: the diagnostics under the cursor, one line per rule with a link
//! to its documentation, then the core hover ([`crate::ide::hover`]) of the token, in
//! Markdown or, for clients that do not take Markdown, plain text; on an image reference,
//! what the registry said about it when a lookup has fetched it ([`super::pin`]).

use tower_lsp_server::ls_types::{
    ClientCapabilities, Hover, HoverContents, MarkupContent, MarkupKind,
};

use super::markdown;
use super::position::PositionEncoding;
use super::to_proto;
use crate::config::Config;
use crate::ide::{self, Analysis};
use crate::rules::Diagnostic;

/// Whether the client renders Markdown hovers: yes unless it lists the formats it takes
/// (`textDocument.hover.contentFormat`) and Markdown is not among them.
pub fn client_takes_markdown(caps: &ClientCapabilities) -> bool {
    let formats = caps
        .text_document
        .as_ref()
        .and_then(|t| t.hover.as_ref())
        .and_then(|h| h.content_format.as_ref());
    match formats {
        Some(formats) => formats.contains(&MarkupKind::Markdown),
        None => true,
    }
}

/// One line per rule that reports a diagnostic at `offset` (in order, each rule once):
/// `**rule-id**: summary ([documentation](link))`. A ShellCheck finding names its code.
pub fn diagnostic_lines(diagnostics: &[Diagnostic], offset: usize) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for d in diagnostics
        .iter()
        .filter(|d| d.range.contains_inclusive(offset))
    {
        let (id, summary) = match crate::shellcheck::parts_of_message(&d.message) {
            Some((code, text)) if d.rule.id == crate::shellcheck::rule().id => {
                (format!("SC{code}"), text.to_owned())
            }
            _ => (d.rule.id.to_owned(), d.rule.summary.to_owned()),
        };
        if seen.contains(&id) {
            continue;
        }
        let link = to_proto::code_href(d)
            .map(|href| format!(" ([documentation]({}))", href.as_str()))
            .unwrap_or_default();
        lines.push(format!("**{id}**: {summary}{link}"));
        seen.push(id);
    }
    lines
}

/// The hover at `offset`: the diagnostic lines, `---`, the core hover. Its range is the
/// hovered token's, or the first diagnostic's when the token has no hover of its own.
/// `None` when there is neither.
pub fn hover(
    analysis: &Analysis,
    diagnostics: &[Diagnostic],
    config: &Config,
    offset: usize,
    encoding: PositionEncoding,
    markdown: bool,
) -> Option<Hover> {
    let offset = offset.min(analysis.text().len());
    let lines = diagnostic_lines(diagnostics, offset);
    let core = ide::hover::hover(analysis, config, offset);
    // What the registry said about the image reference here, when a lookup fetched it.
    let registry = super::pin::hover_section(analysis, offset, &config.image_facts);
    let range = match (
        &core,
        &registry,
        diagnostics
            .iter()
            .find(|d| d.range.contains_inclusive(offset)),
    ) {
        (Some(core), _, _) => core.range,
        (None, Some((range, _)), _) => *range,
        (None, None, Some(d)) => d.range,
        (None, None, None) => return None,
    };
    let mut value = lines.join("\n\n");
    for section in core
        .iter()
        .map(|c| c.markdown.as_str())
        .chain(registry.as_ref().map(|(_, s)| s.as_str()))
    {
        if !value.is_empty() {
            value.push_str("\n\n---\n\n");
        }
        value.push_str(section);
    }
    let (kind, value) = if markdown {
        (MarkupKind::Markdown, value)
    } else {
        (MarkupKind::PlainText, markdown::to_plaintext(&value))
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind, value }),
        range: Some(to_proto::range(analysis, range, encoding)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{HoverClientCapabilities, TextDocumentClientCapabilities};

    fn value(hover: &Hover) -> &str {
        match &hover.contents {
            HoverContents::Markup(m) => &m.value,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_diagnostic_line_per_rule_with_its_link() {
        let text = "FROM alpine:3.20\nENV X\n";
        let analysis = Analysis::new(text);
        let diagnostics = analysis.diagnostics(&Config::default());
        let at = text.find('X').unwrap();
        let lines = diagnostic_lines(&diagnostics, at);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("**invalid-arguments**: "), "{lines:?}");
        assert!(
            lines[0].ends_with(&format!(
                "([documentation]({}#invalid-arguments))",
                to_proto::RULE_DOCS_URL
            )),
            "{lines:?}"
        );
        let hover = hover(
            &analysis,
            &diagnostics,
            &Config::default(),
            at,
            PositionEncoding::Utf16,
            true,
        )
        .expect("a diagnostic is hovered");
        assert!(value(&hover).starts_with("**invalid-arguments**"));
        assert_eq!(hover.range.unwrap().start.line, 1);
        // Plain text: no Markdown markers, the link spelled out.
        let plain = super::hover(
            &analysis,
            &diagnostics,
            &Config::default(),
            at,
            PositionEncoding::Utf16,
            false,
        )
        .unwrap();
        let HoverContents::Markup(m) = &plain.contents else {
            panic!()
        };
        assert_eq!(m.kind, MarkupKind::PlainText);
        assert!(m.value.starts_with("invalid-arguments: "), "{}", m.value);
        assert!(m.value.contains("(documentation (https://"), "{}", m.value);
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let analysis = Analysis::new("FROM alpine:3.20\n");
        let _ = hover(
            &analysis,
            &[],
            &Config::default(),
            10_000,
            PositionEncoding::Utf8,
            true,
        );
        assert!(diagnostic_lines(&[], 0).is_empty());
    }

    #[test]
    fn markdown_unless_the_client_lists_formats_without_it() {
        let mut caps = ClientCapabilities::default();
        assert!(client_takes_markdown(&caps));
        let with = |formats: Vec<MarkupKind>| TextDocumentClientCapabilities {
            hover: Some(HoverClientCapabilities {
                dynamic_registration: None,
                content_format: Some(formats),
            }),
            ..Default::default()
        };
        caps.text_document = Some(with(vec![MarkupKind::PlainText]));
        assert!(!client_takes_markdown(&caps));
        caps.text_document = Some(with(vec![MarkupKind::PlainText, MarkupKind::Markdown]));
        assert!(client_takes_markdown(&caps));
    }
}

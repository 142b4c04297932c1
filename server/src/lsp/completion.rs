//! Completion, `completionItem/resolve` and signature help: [`crate::ide::completion`]
//! and [`crate::ide::signature_help`] in LSP terms.
//!
//! Items carry a `textEdit` over the partial word in the negotiated encoding, a snippet
//! when the client takes snippets (plain text otherwise), a `sortText` that keeps the
//! core's order, and in `data` the key of their reference documentation, which
//! `completionItem/resolve` turns into Markdown or plain text. Only a variable's value at
//! the cursor's line is documented at once (it needs the analysis).

use serde_json::json;
use tower_lsp_server::ls_types::*;

use super::markdown;
use super::position::{self, PositionEncoding};
use super::to_proto;
use crate::ide::completion::{self as core, CompletionKind, DocKey};
use crate::ide::{signature_help as sig, Analysis};

/// What the client's completion and signature-help support takes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// `completionItem.snippetSupport`.
    pub snippets: bool,
    /// Documentation in Markdown (else plain text).
    pub markdown: bool,
    /// `completionItem.tagSupport` lists `Deprecated` (else the `deprecated` field).
    pub deprecated_tag: bool,
    /// `signatureInformation.parameterInformation.labelOffsetSupport`.
    pub label_offsets: bool,
}

impl ClientSupport {
    /// Reads what the client declared at `initialize`.
    pub fn from_capabilities(caps: &ClientCapabilities) -> ClientSupport {
        let text = caps.text_document.as_ref();
        let item = text
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref());
        let signature = text
            .and_then(|t| t.signature_help.as_ref())
            .and_then(|s| s.signature_information.as_ref());
        ClientSupport {
            snippets: item.and_then(|i| i.snippet_support).unwrap_or(false),
            markdown: item
                .and_then(|i| i.documentation_format.as_ref())
                .is_none_or(|f| f.contains(&MarkupKind::Markdown)),
            deprecated_tag: item
                .and_then(|i| i.tag_support.as_ref())
                .is_some_and(|t| t.value_set.contains(&CompletionItemTag::DEPRECATED)),
            label_offsets: signature
                .and_then(|s| s.parameter_information.as_ref())
                .and_then(|p| p.label_offset_support)
                .unwrap_or(false),
        }
    }

    fn documentation(self, md: String) -> Documentation {
        if self.markdown {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::Markdown,
                value: md,
            })
        } else {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::PlainText,
                value: markdown::to_plaintext(&md),
            })
        }
    }
}

/// Characters after which the client asks again: variables (`$`, `{`), flags (`-`),
/// values (`=`, `,`), the next word (space) and directives (`#`).
const TRIGGERS: [&str; 7] = ["$", "{", "-", "=", ",", " ", "#"];

/// The `completionProvider` capability.
pub fn capability() -> CompletionOptions {
    CompletionOptions {
        resolve_provider: Some(true),
        trigger_characters: Some(TRIGGERS.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

/// The `signatureHelpProvider` capability.
pub fn signature_help_capability() -> SignatureHelpOptions {
    SignatureHelpOptions {
        trigger_characters: Some(
            [" ", "-", "=", "[", ","]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        ),
        retrigger_characters: Some(vec![";".to_string(), ":".to_string()]),
        work_done_progress_options: Default::default(),
    }
}

fn item_kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Flag => CompletionItemKind::PROPERTY,
        CompletionKind::Value => CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Stage => CompletionItemKind::REFERENCE,
        CompletionKind::Variable => CompletionItemKind::VARIABLE,
        CompletionKind::Directive => CompletionItemKind::PROPERTY,
        CompletionKind::Check => CompletionItemKind::CONSTANT,
    }
}

/// The completion items at `position`.
pub fn completion(
    analysis: &Analysis,
    position: Position,
    context: Option<&CompletionContext>,
    encoding: PositionEncoding,
    support: ClientSupport,
) -> Option<CompletionResponse> {
    let (index, text) = (analysis.line_index(), analysis.text());
    let offset = position::offset_in(analysis, position, encoding);
    // A space typed as indentation is not a request for keywords.
    let line_start = index.line_start(index.line_of(offset));
    let indenting = context.and_then(|c| c.trigger_character.as_deref()) == Some(" ")
        && text[line_start..offset].trim().is_empty();
    let found = if indenting {
        Vec::new()
    } else {
        core::completions(analysis, offset)
    };
    let found: Vec<_> = found
        .into_iter()
        .filter(|c| matches_typed(text, offset, c))
        .collect();
    let items = found
        .into_iter()
        .enumerate()
        .map(|(n, c)| {
            let (new_text, format) = match (&c.snippet, support.snippets) {
                (Some(s), true) => (s.clone(), InsertTextFormat::SNIPPET),
                _ => (c.insert.clone(), InsertTextFormat::PLAIN_TEXT),
            };
            CompletionItem {
                label: c.label,
                kind: Some(item_kind(c.kind)),
                detail: c.detail,
                documentation: c.documentation.map(|md| support.documentation(md)),
                tags: (c.deprecated && support.deprecated_tag)
                    .then(|| vec![CompletionItemTag::DEPRECATED]),
                deprecated: (c.deprecated && !support.deprecated_tag).then_some(true),
                sort_text: Some(format!("{n:04}")),
                insert_text_format: Some(format),
                text_edit: Some(CompletionTextEdit::Edit(TextEdit {
                    range: to_proto::range(analysis, c.range, encoding),
                    new_text,
                })),
                data: c.doc.map(|key| json!({ "doc": key.encode() })),
                ..Default::default()
            }
        })
        .collect();
    Some(CompletionResponse::List(CompletionList {
        is_incomplete: false,
        items,
    }))
}

/// Whether item `c` fits what was typed of the word it replaces (the text from the
/// start of its range to the cursor): that text, ignoring case, is a subsequence of the
/// item's label or of the text it inserts, starting with the same character (`RN` fits
/// `RUN`, `${V` fits `${VERSION}`, `R` does not fit `COPY`). Nothing typed fits every
/// item. Clients filter too, but not all of them filter items that carry a `textEdit`
/// (Neovim 0.11's completion does not), and then the whole list stayed on screen.
fn matches_typed(text: &str, offset: usize, c: &core::Completion) -> bool {
    let start = c.range.start();
    let typed = match text.get(start..offset) {
        Some(typed) if start < offset => typed,
        _ => return true,
    };
    let fits = |candidate: &str| {
        let mut candidate = candidate.chars().flat_map(char::to_lowercase);
        let mut typed = typed.chars().flat_map(char::to_lowercase);
        let Some(first) = typed.next() else {
            return true;
        };
        if candidate.next() != Some(first) {
            return false;
        }
        typed.all(|t| candidate.any(|c| c == t))
    };
    fits(&c.label) || fits(&c.insert)
}

/// Adds documentation to an item (stateless: everything needed is in `item.data`). The
/// reference text goes after what the item already documents (a variable's value).
pub fn resolve(mut item: CompletionItem, support: ClientSupport) -> CompletionItem {
    let key = item
        .data
        .as_ref()
        .and_then(|d| d.get("doc"))
        .and_then(|d| d.as_str())
        .and_then(DocKey::decode);
    let Some(Documentation::MarkupContent(reference)) = key
        .and_then(|k| k.markdown())
        .map(|md| support.documentation(md))
    else {
        return item;
    };
    item.documentation = Some(match item.documentation.take() {
        // Resolved before (a client may ask twice): unchanged.
        Some(Documentation::MarkupContent(own)) if own.value.ends_with(&reference.value) => {
            Documentation::MarkupContent(own)
        }
        Some(Documentation::MarkupContent(mut own)) if own.kind == reference.kind => {
            own.value = format!("{}\n\n{}", own.value, reference.value);
            Documentation::MarkupContent(own)
        }
        _ => Documentation::MarkupContent(reference),
    });
    item
}

/// The signature of the instruction (or directive, or flag) at `position`.
pub fn signature_help(
    analysis: &Analysis,
    position: Position,
    _context: Option<&SignatureHelpContext>,
    encoding: PositionEncoding,
    support: ClientSupport,
) -> Option<SignatureHelp> {
    let offset = position::offset_in(analysis, position, encoding);
    let help = sig::signature_help(analysis, offset)?;
    let signatures = help
        .signatures
        .into_iter()
        .map(|s| SignatureInformation {
            parameters: Some(
                s.parameters
                    .iter()
                    .map(|p| ParameterInformation {
                        // Label offsets count UTF-16 code units, whatever the encoding.
                        label: if support.label_offsets {
                            let utf16 = |at: usize| s.label[..at].encode_utf16().count() as u32;
                            ParameterLabel::LabelOffsets([utf16(p.start), utf16(p.end)])
                        } else {
                            ParameterLabel::Simple(s.label[p.start..p.end].to_string())
                        },
                        documentation: p.documentation.clone().map(|md| support.documentation(md)),
                    })
                    .collect(),
            ),
            documentation: s.documentation.map(|md| support.documentation(md)),
            label: s.label,
            active_parameter: None,
        })
        .collect();
    Some(SignatureHelp {
        signatures,
        active_signature: Some(help.active_signature as u32),
        active_parameter: help.active_parameter.map(|p| p as u32),
    })
}

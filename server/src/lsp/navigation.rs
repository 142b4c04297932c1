//! Go to definition, find references, document highlight, rename, document and
//! workspace symbols and document links: [`crate::ide::navigation`],
//! [`crate::ide::rename`], [`crate::ide::symbols`] and [`crate::ide::links`] in LSP terms.
//!
//! Positions come in and go out through the analysed text's line index in the
//! negotiated encoding; a position past the end is clamped, and an answer never points
//! outside the text.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::position::{self, PositionEncoding};
use super::to_proto;
use crate::ide::navigation::{self as nav, Role};
use crate::ide::symbols::{self, NamedKind};
use crate::ide::{links, rename as core_rename, Analysis};
use crate::syntax::Kind;

/// What the client's navigation support takes.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientSupport {
    /// `documentSymbol.hierarchicalDocumentSymbolSupport`.
    pub hierarchical_symbols: bool,
}

impl ClientSupport {
    /// Reads what the client declared at `initialize`.
    pub fn from_capabilities(caps: &ClientCapabilities) -> ClientSupport {
        let hierarchical_symbols = caps
            .text_document
            .as_ref()
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false);
        ClientSupport {
            hierarchical_symbols,
        }
    }
}

fn location(
    analysis: &Analysis,
    uri: &Uri,
    range: crate::text::TextRange,
    encoding: PositionEncoding,
) -> Location {
    Location::new(uri.clone(), to_proto::range(analysis, range, encoding))
}

/// `textDocument/definition`: the declaration(s) of the symbol under the cursor.
pub fn definition(
    analysis: &Analysis,
    uri: &Uri,
    position: Position,
    encoding: PositionEncoding,
) -> Option<GotoDefinitionResponse> {
    let at = position::offset_in(analysis, position, encoding);
    let targets = nav::definition(analysis, at);
    if targets.is_empty() {
        return None;
    }
    let locations = targets
        .into_iter()
        .map(|r| location(analysis, uri, r, encoding))
        .collect();
    Some(GotoDefinitionResponse::Array(locations))
}

/// `textDocument/references`.
pub fn references(
    analysis: &Analysis,
    uri: &Uri,
    position: Position,
    include_declaration: bool,
    encoding: PositionEncoding,
) -> Option<Vec<Location>> {
    let at = position::offset_in(analysis, position, encoding);
    let found = nav::references(analysis, at, include_declaration);
    if found.is_empty() {
        return None;
    }
    Some(
        found
            .into_iter()
            .map(|t| location(analysis, uri, t.range, encoding))
            .collect(),
    )
}

/// `textDocument/documentHighlight`: definitions are writes, uses reads.
pub fn document_highlight(
    analysis: &Analysis,
    position: Position,
    encoding: PositionEncoding,
) -> Option<Vec<DocumentHighlight>> {
    let at = position::offset_in(analysis, position, encoding);
    let found = nav::highlights(analysis, at);
    if found.is_empty() {
        return None;
    }
    Some(
        found
            .into_iter()
            .map(|t| DocumentHighlight {
                range: to_proto::range(analysis, t.range, encoding),
                kind: Some(match t.role {
                    Role::Definition => DocumentHighlightKind::WRITE,
                    Role::Use => DocumentHighlightKind::READ,
                }),
            })
            .collect(),
    )
}

/// `textDocument/prepareRename`: the name's exact range and its text; `null` where
/// nothing can be renamed.
pub fn prepare_rename(
    analysis: &Analysis,
    position: Position,
    encoding: PositionEncoding,
) -> Option<PrepareRenameResponse> {
    let at = position::offset_in(analysis, position, encoding);
    let p = core_rename::prepare(analysis, at)?;
    Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: to_proto::range(analysis, p.range, encoding),
        placeholder: p.placeholder,
    })
}

/// The edit renaming the symbol at `position`; `Err` with a message the user sees when
/// the new name is not valid for that symbol.
pub fn rename(
    analysis: &Analysis,
    uri: &Uri,
    position: Position,
    new_name: &str,
    encoding: PositionEncoding,
) -> Result<Option<WorkspaceEdit>, String> {
    let at = position::offset_in(analysis, position, encoding);
    let Some(edits) = core_rename::rename(analysis, at, new_name)? else {
        return Ok(None);
    };
    let edits = edits
        .into_iter()
        .map(|e| TextEdit::new(to_proto::range(analysis, e.range, encoding), e.new_text))
        .collect();
    Ok(Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }))
}

/// The LSP kind of an outline entry.
fn symbol_kind(kind: symbols::SymbolKind) -> SymbolKind {
    match kind {
        symbols::SymbolKind::Directive => SymbolKind::PROPERTY,
        symbols::SymbolKind::Stage => SymbolKind::CLASS,
        symbols::SymbolKind::Instruction(k) => match k {
            Kind::Arg | Kind::Env => SymbolKind::VARIABLE,
            Kind::Label | Kind::Maintainer => SymbolKind::PROPERTY,
            Kind::Run | Kind::Cmd | Kind::Entrypoint | Kind::Healthcheck | Kind::Shell => {
                SymbolKind::FUNCTION
            }
            Kind::Copy | Kind::Add => SymbolKind::FILE,
            Kind::Expose => SymbolKind::NUMBER,
            Kind::Onbuild => SymbolKind::EVENT,
            Kind::From => SymbolKind::CLASS,
            Kind::Workdir | Kind::Volume | Kind::User | Kind::Stopsignal | Kind::Unknown => {
                SymbolKind::KEY
            }
        },
    }
}

fn tags(deprecated: bool) -> Option<Vec<SymbolTag>> {
    deprecated.then(|| vec![SymbolTag::DEPRECATED])
}

#[allow(deprecated)] // `deprecated` is the field old clients read.
fn document_symbol(
    analysis: &Analysis,
    s: symbols::DocumentSymbol,
    encoding: PositionEncoding,
) -> DocumentSymbol {
    DocumentSymbol {
        name: s.name,
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: tags(s.deprecated),
        deprecated: s.deprecated.then_some(true),
        range: to_proto::range(analysis, s.range, encoding),
        selection_range: to_proto::range(analysis, s.selection_range, encoding),
        children: (!s.children.is_empty()).then(|| {
            s.children
                .into_iter()
                .map(|c| document_symbol(analysis, c, encoding))
                .collect()
        }),
    }
}

#[allow(deprecated)] // `deprecated` is the field old clients read.
fn flatten(
    analysis: &Analysis,
    uri: &Uri,
    s: symbols::DocumentSymbol,
    container: Option<&str>,
    encoding: PositionEncoding,
    out: &mut Vec<SymbolInformation>,
) {
    out.push(SymbolInformation {
        name: s.name.clone(),
        kind: symbol_kind(s.kind),
        tags: tags(s.deprecated),
        deprecated: s.deprecated.then_some(true),
        location: location(analysis, uri, s.range, encoding),
        container_name: container.map(str::to_string),
    });
    for c in s.children {
        flatten(analysis, uri, c, Some(&s.name), encoding, out);
    }
}

/// `textDocument/documentSymbol`: the hierarchical outline, or a flat list with
/// container names for clients without `hierarchicalDocumentSymbolSupport`.
pub fn document_symbols(
    analysis: &Analysis,
    uri: &Uri,
    encoding: PositionEncoding,
    support: ClientSupport,
) -> Option<DocumentSymbolResponse> {
    let outline = symbols::document_symbols(analysis);
    if support.hierarchical_symbols {
        return Some(DocumentSymbolResponse::Nested(
            outline
                .into_iter()
                .map(|s| document_symbol(analysis, s, encoding))
                .collect(),
        ));
    }
    let mut flat = Vec::new();
    for s in outline {
        flatten(analysis, uri, s, None, encoding, &mut flat);
    }
    Some(DocumentSymbolResponse::Flat(flat))
}

/// Symbols matching `query` over the given open documents.
pub fn workspace_symbols(
    documents: &[(Uri, Arc<Analysis>)],
    query: &str,
    encoding: PositionEncoding,
) -> Vec<WorkspaceSymbol> {
    let mut out = Vec::new();
    for (uri, analysis) in documents {
        for s in symbols::workspace_symbols(analysis, query) {
            let (kind, container) = match s.kind {
                NamedKind::Stage => (SymbolKind::CLASS, None),
                NamedKind::GlobalArg => (SymbolKind::VARIABLE, Some("global ARG".to_string())),
                NamedKind::Arg => (
                    SymbolKind::VARIABLE,
                    s.container.map(|c| format!("ARG in {c}")),
                ),
                NamedKind::Env => (
                    SymbolKind::CONSTANT,
                    s.container.map(|c| format!("ENV in {c}")),
                ),
            };
            out.push(WorkspaceSymbol {
                name: s.name,
                kind,
                tags: None,
                container_name: container,
                location: OneOf::Left(location(analysis, uri, s.range, encoding)),
                data: None,
            });
        }
    }
    out
}

/// `textDocument/documentLink`: image names to their registry pages.
pub fn document_links(analysis: &Analysis, encoding: PositionEncoding) -> Vec<DocumentLink> {
    links::document_links(analysis)
        .into_iter()
        .filter_map(|l| {
            Some(DocumentLink {
                range: to_proto::range(analysis, l.range, encoding),
                target: Some(Uri::from_str(&l.url).ok()?),
                tooltip: Some(l.tooltip),
                data: None,
            })
        })
        .collect()
}

//! The tree-sitter grammar (tree-sitter-containerfile) and helpers to parse with it.
//! The LSP layer keeps one tree per document and updates it incrementally.

use tree_sitter::{Language, Parser, Tree};

/// The Dockerfile grammar.
pub fn language() -> Language {
    tree_sitter_containerfile::LANGUAGE.into()
}

/// A parser set to the Dockerfile grammar.
pub fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&language())
        .expect("the bundled grammar matches the tree-sitter runtime");
    parser
}

/// Parses `text`, reusing `old` (already `edit`ed to match `text`) when given.
pub fn parse(parser: &mut Parser, text: &str, old: Option<&Tree>) -> Tree {
    parser.parse(text, old).unwrap_or_else(|| {
        new_parser()
            .parse(text, None)
            .expect("parsing without a timeout or cancellation flag always returns a tree")
    })
}

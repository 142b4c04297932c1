//! Document, range and on-type formatting: [`crate::ide::format`] in LSP terms.

use tower_lsp_server::ls_types::*;

use super::position::PositionEncoding;
use crate::config::Config;
use crate::ide::Analysis;

/// The `documentOnTypeFormattingProvider` capability.
pub fn on_type_capability() -> DocumentOnTypeFormattingOptions {
    DocumentOnTypeFormattingOptions {
        first_trigger_character: "\n".to_owned(),
        more_trigger_character: None,
    }
}

pub fn format_document(
    _analysis: &Analysis,
    _options: &FormattingOptions,
    _config: &Config,
    _encoding: PositionEncoding,
) -> Vec<TextEdit> {
    Vec::new()
}

pub fn format_range(
    _analysis: &Analysis,
    _range: Range,
    _options: &FormattingOptions,
    _config: &Config,
    _encoding: PositionEncoding,
) -> Vec<TextEdit> {
    Vec::new()
}

pub fn format_on_type(
    _analysis: &Analysis,
    _position: Position,
    _ch: &str,
    _options: &FormattingOptions,
    _config: &Config,
    _encoding: PositionEncoding,
) -> Vec<TextEdit> {
    Vec::new()
}

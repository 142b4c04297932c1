//! Document, range and on-type formatting: [`crate::ide::format`] in LSP terms.
//!
//! The continuation indent is the configured one (`format.continuationIndent` in the
//! settings, `[format] continuation-indent` in `dockerfile-lsp.toml`) when set; otherwise
//! the request's `FormattingOptions`: `tabSize` spaces, or a tab when `insertSpaces` is
//! false. `tabSize` is also how wide an existing tab counts. Edits are the formatter's
//! minimal per-region edits, converted with the analysed text's line index in the
//! negotiated encoding.
//!
//! On-type formatting triggers on a newline and on the escape characters `\` and `` ` ``
//! (only the file's own escape character does anything): see [`crate::ide::format::on_type`].

use tower_lsp_server::ls_types::*;

use super::position::{self, PositionEncoding};
use super::to_proto;
use crate::config::format::Indent;
use crate::config::Config;
use crate::ide::format::{self, FormatOptions};
use crate::ide::Analysis;

/// The `documentOnTypeFormattingProvider` capability: newline, plus both escape characters.
pub fn on_type_capability() -> DocumentOnTypeFormattingOptions {
    DocumentOnTypeFormattingOptions {
        first_trigger_character: "\n".to_owned(),
        more_trigger_character: Some(vec!["\\".to_owned(), "`".to_owned()]),
    }
}

/// The core options for a request: the configured indent, else the editor's.
pub fn options(editor: &FormattingOptions, config: &Config) -> FormatOptions {
    let tab_size = match editor.tab_size {
        0 => 4,
        n => n.min(u32::from(Indent::MAX_SPACES)) as usize,
    };
    let from_editor = if editor.insert_spaces {
        Indent::Spaces(tab_size as u8)
    } else {
        Indent::Tab
    };
    FormatOptions {
        indent: config.format.continuation_indent.unwrap_or(from_editor),
        tab_width: tab_size,
    }
}

fn to_lsp(
    analysis: &Analysis,
    edits: &[crate::text::TextEdit],
    encoding: PositionEncoding,
) -> Vec<TextEdit> {
    edits
        .iter()
        .map(|e| to_proto::text_edit(analysis, e, encoding))
        .collect()
}

/// `textDocument/formatting`.
pub fn format_document(
    analysis: &Analysis,
    options: &FormattingOptions,
    config: &Config,
    encoding: PositionEncoding,
) -> Vec<TextEdit> {
    let edits = format::format_document(analysis, self::options(options, config));
    to_lsp(analysis, &edits, encoding)
}

/// `textDocument/rangeFormatting`: the instructions the range touches.
pub fn format_range(
    analysis: &Analysis,
    range: Range,
    options: &FormattingOptions,
    config: &Config,
    encoding: PositionEncoding,
) -> Vec<TextEdit> {
    let range = position::range_in(analysis, range, encoding);
    let edits = format::format_range(analysis, range, self::options(options, config));
    to_lsp(analysis, &edits, encoding)
}

/// `textDocument/onTypeFormatting`.
pub fn format_on_type(
    analysis: &Analysis,
    position: Position,
    ch: &str,
    options: &FormattingOptions,
    config: &Config,
    encoding: PositionEncoding,
) -> Vec<TextEdit> {
    let at = position::offset_in(analysis, position, encoding);
    let edits = format::on_type(analysis, at, ch, self::options(options, config));
    to_lsp(analysis, &edits, encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn editor(tab_size: u32, insert_spaces: bool) -> FormattingOptions {
        FormattingOptions {
            tab_size,
            insert_spaces,
            ..FormattingOptions::default()
        }
    }

    #[test]
    fn the_configured_indent_wins_over_the_editor() {
        let mut config = Config::default();
        assert_eq!(
            options(&editor(2, true), &config),
            FormatOptions {
                indent: Indent::Spaces(2),
                tab_width: 2
            }
        );
        assert_eq!(options(&editor(8, false), &config).indent, Indent::Tab);
        assert_eq!(options(&editor(0, true), &config).indent, Indent::Spaces(4));
        assert_eq!(
            options(&editor(99, true), &config).indent,
            Indent::Spaces(16)
        );
        config.format.continuation_indent = Some(Indent::Spaces(3));
        assert_eq!(
            options(&editor(8, false), &config).indent,
            Indent::Spaces(3)
        );
    }

    #[test]
    fn edits_are_in_the_negotiated_encoding() {
        // `é` is two UTF-8 bytes and one UTF-16 unit.
        let config = Config::default();
        let analysis = Analysis::new("RUN [\"é\",\"b\"]\n");
        let utf16 = format_document(
            &analysis,
            &editor(4, true),
            &config,
            PositionEncoding::Utf16,
        );
        let utf8 = format_document(&analysis, &editor(4, true), &config, PositionEncoding::Utf8);
        assert_eq!(utf16[0].range.start, Position::new(0, 9));
        assert_eq!(utf8[0].range.start, Position::new(0, 10));
    }
}

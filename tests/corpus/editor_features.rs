//! The editor features of the language server on every real-world file: code lenses,
//! inlay hints over the whole file, and the server's hover (diagnostic lines, then the
//! core hover) at every instruction keyword, flag and FROM word, in both position
//! encodings, without a panic.

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::{code_lens, inlay_hints, Analysis};
use dockerfile_lsp::lsp::{hover, position::PositionEncoding};
use dockerfile_lsp::text::TextRange;

use super::{common, REQUIRE};

/// Lenses, hints over the whole file and the server's hover (with the diagnostic lines) at
/// every instruction keyword, flag and FROM word of every real-world file: no panic.
#[test]
fn every_corpus_file_gets_lenses_hints_and_hovers() {
    let Some(files) = common::files_or_skip(REQUIRE) else {
        return;
    };
    let files: Vec<_> = files.into_iter().filter(|f| f.folder() == "real").collect();
    assert!(
        files.len() > 100,
        "the corpus has its files: {}",
        files.len()
    );
    let config = Config::default();
    let (mut failed, mut hovers, mut lenses, mut hints) = (Vec::new(), 0usize, 0usize, 0usize);
    for file in &files {
        let text = common::read_lossy(&file.path);
        let outcome = std::panic::catch_unwind(|| {
            let analysis = Analysis::new(text.as_str());
            let diagnostics = analysis.diagnostics(&config);
            let mut offsets = Vec::new();
            for inst in &analysis.syntax().instructions {
                offsets.push(inst.keyword_range.start());
                offsets.extend(inst.flags.iter().map(|f| f.range.start() + 2));
            }
            for stage in &analysis.model().stages {
                offsets.extend(stage.base_word.iter().map(|w| w.range.start()));
                offsets.extend(stage.name_word.iter().map(|w| w.range.end()));
            }
            offsets.push(text.len());
            let mut answered = 0;
            for offset in offsets {
                for encoding in [PositionEncoding::Utf16, PositionEncoding::Utf8] {
                    answered += usize::from(
                        hover::hover(&analysis, &diagnostics, &config, offset, encoding, false)
                            .is_some(),
                    );
                }
            }
            let lens_count = code_lens::code_lenses(&analysis).len();
            assert!(lens_count <= analysis.model().stages.len());
            let hint_list = inlay_hints::inlay_hints(&analysis, TextRange::new(0, text.len()));
            assert!(hint_list.iter().all(|h| h.offset <= text.len()));
            (answered, lens_count, hint_list.len())
        });
        match outcome {
            Ok((h, l, i)) => {
                hovers += h;
                lenses += l;
                hints += i;
            }
            Err(_) => failed.push(file.name.clone()),
        }
    }
    assert!(failed.is_empty(), "panicked on: {failed:#?}");
    // Many FROM lines use build arguments; every one gets its hint.
    assert!(hints > 0, "no inlay hints in {} files", files.len());
    eprintln!(
        "{} files: {hovers} hovers answered, {lenses} lenses, {hints} inlay hints",
        files.len()
    );
}

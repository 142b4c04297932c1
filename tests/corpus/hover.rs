//! Hovers on every corpus file: on every instruction keyword (including ONBUILD
//! triggers) and at the start of every token, a hover returns without panicking, its
//! range lies in the text on character boundaries and contains the cursor, and every
//! known instruction keyword has a hover.

use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::hover::hover;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::syntax::Kind;

use super::{bad_range, common, REQUIRE};

/// The offsets where a token starts: the first non-blank character after a blank one.
fn token_starts(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut prev_blank = true;
    for (i, c) in text.char_indices() {
        let blank = c.is_whitespace();
        if !blank && prev_blank {
            out.push(i);
        }
        prev_blank = blank;
    }
    out
}

#[test]
fn hover_on_every_keyword_and_token_of_the_corpus() {
    let Some(files) = common::files_or_skip(REQUIRE) else {
        return;
    };
    let config = Config::default();
    let mut failures = String::new();
    let (mut keywords, mut hovers, mut positions) = (0usize, 0usize, 0usize);
    for file in &files {
        let text = common::read_lossy(&file.path);
        let analysis = Analysis::new(text.as_str());
        let mut offsets: Vec<(usize, bool)> = Vec::new();
        for inst in &analysis.syntax().instructions {
            offsets.push((inst.keyword_range.start(), inst.kind != Kind::Unknown));
            if let Some(t) = &inst.trigger {
                offsets.push((t.keyword_range.start(), t.kind != Kind::Unknown));
            }
        }
        if file.folder() == "real" {
            offsets.extend(token_starts(&text).into_iter().map(|o| (o, false)));
        }
        for (offset, must_hover) in offsets {
            positions += 1;
            let result =
                panic::catch_unwind(AssertUnwindSafe(|| hover(&analysis, &config, offset)));
            match result {
                Err(_) => writeln!(failures, "{}: hover at {offset} panicked", file.name).unwrap(),
                Ok(None) if must_hover => writeln!(
                    failures,
                    "{}: no hover on the keyword at {offset}",
                    file.name
                )
                .unwrap(),
                Ok(None) => {}
                Ok(Some(h)) => {
                    hovers += 1;
                    keywords += usize::from(must_hover);
                    if bad_range(&text, h.range) || !h.range.contains(offset) {
                        writeln!(
                            failures,
                            "{}: hover at {offset} has a bad range {:?}",
                            file.name, h.range
                        )
                        .unwrap();
                    }
                    if h.markdown.trim().is_empty() {
                        writeln!(failures, "{}: empty hover at {offset}", file.name).unwrap();
                    }
                }
            }
        }
    }
    println!(
        "hover: {} files, {positions} positions, {hovers} hovers ({keywords} on keywords)",
        files.len()
    );
    assert!(failures.is_empty(), "hover failures:\n{failures}");
    assert!(keywords > 0);
}

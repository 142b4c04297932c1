//! Prints the hover at the start of every token of a Dockerfile: line, column, the
//! hovered text and the Markdown. For reading hovers on real files.
//! `cargo run -p dockerfile-lsp --example hover_dump -- FILE`

use std::io::Write as _;

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::hover::hover;
use dockerfile_lsp::ide::Analysis;

fn main() {
    let path = std::env::args().nth(1).expect("usage: hover_dump FILE");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let config = Config::default();
    let analysis = Analysis::new(text.as_str());
    let mut out = std::io::stdout().lock();
    let mut prev_blank = true;
    let mut last_range = None;
    for (i, c) in text.char_indices() {
        let blank = c.is_whitespace();
        let start = !blank && prev_blank;
        prev_blank = blank;
        if !start {
            continue;
        }
        let Some(h) = hover(&analysis, &config, i) else {
            continue;
        };
        if last_range == Some(h.range) {
            continue;
        }
        last_range = Some(h.range);
        let line = analysis.line_index().line_of(h.range.start());
        let col = h.range.start() - analysis.line_index().line_start(line);
        let token = text.get(h.range.range()).unwrap_or("");
        let written = writeln!(
            out,
            "── {}:{} `{token}`\n{}\n",
            line + 1,
            col + 1,
            h.markdown
        );
        if written.is_err() {
            // The reader went away (`| head`).
            return;
        }
    }
}

//! Times a hover at every token start of a Dockerfile (by default the corpus's
//! 7,700-line `large/big-multistage.Dockerfile`) on one [`Analysis`]: mean and maximum
//! per hover, by kind of token, and the first hover (which builds the lazy cache model).
//! `cargo run --release -p dockerfile-lsp --example hover_time -- [FILE] [ROUNDS]`

use std::time::{Duration, Instant};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::hover::hover;
use dockerfile_lsp::ide::Analysis;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DEFAULT: &str = "../shared/corpus/large/big-multistage.Dockerfile";

fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        root.join(DEFAULT).to_string_lossy().into_owned()
    });
    let rounds: u32 = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let config = Config::default();
    let analysis = Analysis::new(text.as_str());

    let mut offsets = Vec::new();
    let mut prev_blank = true;
    for (i, c) in text.char_indices() {
        if !c.is_whitespace() && prev_blank {
            offsets.push(i);
        }
        prev_blank = c.is_whitespace();
    }
    let keyword = analysis
        .syntax()
        .instructions
        .first()
        .map_or(0, |i| i.keyword_range.start());
    let start = Instant::now();
    std::hint::black_box(hover(&analysis, &config, keyword));
    let first = start.elapsed();
    let again = Analysis::new(analysis.text());
    let start = Instant::now();
    std::hint::black_box(again.cache());
    let model_again = start.elapsed();
    let start = Instant::now();
    std::hint::black_box(hover(&again, &config, keyword));
    let hover_again = start.elapsed();

    // Per offset: the best of the rounds (scheduling noise removed) and every sample.
    let mut best = vec![Duration::MAX; offsets.len()];
    let (mut total, mut max) = (Duration::ZERO, Duration::ZERO);
    let mut some = 0usize;
    for _ in 0..rounds {
        for (k, &offset) in offsets.iter().enumerate() {
            let start = Instant::now();
            let h = std::hint::black_box(hover(&analysis, &config, offset));
            let took = start.elapsed();
            some += usize::from(h.is_some());
            total += took;
            max = max.max(took);
            best[k] = best[k].min(took);
        }
    }
    let n = offsets.len() as u32 * rounds;
    let (worst_k, worst) = best
        .iter()
        .enumerate()
        .max_by_key(|(_, d)| **d)
        .map_or((0, Duration::ZERO), |(k, d)| (k, *d));
    let worst_at = offsets.get(worst_k).copied().unwrap_or(0);
    let line = analysis.line_index().line_of(worst_at) + 1;
    let mut sorted = best.clone();
    sorted.sort();
    let p99 = sorted
        .get(sorted.len().saturating_sub(1) * 99 / 100)
        .copied()
        .unwrap_or_default();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{path}: {} lines, {} token starts x {rounds} rounds",
        analysis.line_index().line_count(),
        offsets.len()
    );
    println!(
        "first hover in this process (keyword; builds the cache model): {:.1} µs",
        us(first)
    );
    println!(
        "a second Analysis of the same text: cache model {:.1} µs, then the keyword hover {:.1} µs",
        us(model_again),
        us(hover_again)
    );
    println!(
        "per hover: mean {:.2} µs, max {:.1} µs (any sample); {} token starts with a hover",
        us(total) / f64::from(n.max(1)),
        us(max),
        some / rounds as usize
    );
    println!(
        "best of {rounds} per position: p99 {:.1} µs, max {:.1} µs (line {line}, `{}`)",
        us(p99),
        us(worst),
        text.get(worst_at..)
            .and_then(|t| t.split_whitespace().next())
            .unwrap_or("")
    );
}

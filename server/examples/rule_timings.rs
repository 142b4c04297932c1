//! Times every rule on one Dockerfile, slowest first: the tool to find which rule eats
//! the keystroke budget. `cargo run --release -p dockerfile-lsp --example rule_timings -- FILE`

use std::time::{Duration, Instant};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::rules::{all_rules, Diagnostics, RuleContext};

/// mimalloc: the analysis allocates many small vectors and strings per keystroke;
/// glibc's malloc/free were a quarter of the instructions on the large corpus file.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::env::args().nth(1).expect("usage: rule_timings FILE");
    let bytes = std::fs::read(&path).expect("read the file");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let rounds = 20;
    let start = Instant::now();
    for _ in 0..rounds {
        std::hint::black_box(Analysis::new(text.as_str()));
    }
    let build = start.elapsed() / rounds;
    let analysis = Analysis::new(text.as_str());
    let config = Config::default();
    let ctx = RuleContext {
        text: analysis.text(),
        syntax: analysis.syntax(),
        model: analysis.model(),
        config: &config,
        cache: analysis.cache_cell(),
        line_index: analysis.line_index(),
    };
    let mut times: Vec<(Duration, &str, usize)> = all_rules()
        .iter()
        .filter(|rule| config.level_of(rule) != dockerfile_lsp::rules::Level::Off)
        .map(|rule| {
            let mut found = 0;
            let start = Instant::now();
            for _ in 0..rounds {
                let mut acc = Diagnostics::default();
                (rule.check)(&ctx, &mut acc);
                found = acc.into_vec().len();
            }
            (start.elapsed() / rounds, rule.id, found)
        })
        .collect();
    times.sort_by_key(|t| std::cmp::Reverse(t.0));
    let total: Duration = times.iter().map(|t| t.0).sum();
    println!("scan + model: {build:?}; rules on by default: {total:?}");
    for (t, id, n) in times.iter().take(25) {
        println!("{:>12?}  {id} ({n} findings)", t);
    }
}

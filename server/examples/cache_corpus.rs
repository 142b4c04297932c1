//! Builds the build-cache model for every file under a folder (default: the shared
//! corpus) and prints counts and timings: the model build alone, and every
//! instruction's `rebuilt_by` plus its hover section. Also checks that nothing panics.
//! `cargo run --release -p dockerfile-lsp --example cache_corpus [DIR_OR_FILE…]`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::{cache_explain, Analysis};
use dockerfile_lsp::semantic::cache::CacheModel;

fn files(root: &Path, out: &mut Vec<PathBuf>) {
    if root.is_file() {
        out.push(root.to_path_buf());
        return;
    }
    let Ok(dir) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<PathBuf> = dir.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        files(&p, out);
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        args.push("../shared/corpus/real".into());
        args.push("../shared/corpus/large".into());
    }
    let mut paths = Vec::new();
    for a in &args {
        files(Path::new(a), &mut paths);
    }
    let config = Config::default();
    let (mut total_build, mut total_queries) = (Duration::ZERO, Duration::ZERO);
    let (mut pitfalls, mut instructions, mut sections) = (0, 0, 0);
    let mut slowest: Vec<(Duration, usize, String)> = Vec::new();
    for path in &paths {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let analysis = Analysis::new(text.as_str());
        let lines = text.lines().count();
        // Best of 10 builds.
        let mut best = Duration::MAX;
        let mut cache = CacheModel::default();
        for _ in 0..10 {
            let t = Instant::now();
            cache = CacheModel::build(analysis.text(), analysis.syntax(), analysis.model());
            best = best.min(t.elapsed());
        }
        total_build += best;
        let n = analysis.syntax().instructions.len();
        instructions += n;
        pitfalls += cache.all_pitfalls().count();
        // The analysis builds its own model lazily: build it before timing sections.
        analysis.cache();
        let t = Instant::now();
        let mut max_section = Duration::ZERO;
        for i in 0..n {
            std::hint::black_box(cache.rebuilt_by(i));
            let s = Instant::now();
            if cache_explain::instruction_section(&analysis, &config, i).is_some() {
                sections += 1;
            }
            max_section = max_section.max(s.elapsed());
        }
        for s in 0..analysis.model().stages.len() {
            std::hint::black_box(cache_explain::stage_lens(&analysis, s));
        }
        let q = t.elapsed();
        total_queries += q;
        slowest.push((best, lines, path.display().to_string()));
        if lines > 1000 {
            println!(
                "{}: {lines} lines, {n} instructions, {} stages: build {:?}, per-instruction query+section {:?} on average, slowest section {:?}",
                path.display(),
                analysis.model().stages.len(),
                best,
                q / n.max(1) as u32,
                max_section
            );
        }
    }
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    println!(
        "{} files, {instructions} instructions, {pitfalls} pitfalls, {sections} sections; model build total {:?}; all queries total {:?}",
        paths.len(),
        total_build,
        total_queries
    );
    for (d, lines, p) in slowest.iter().take(5) {
        println!("  build {d:?} ({lines} lines) {p}");
    }
    let small: Vec<&(Duration, usize, String)> = slowest
        .iter()
        .filter(|(_, l, _)| (50..=70).contains(l))
        .collect();
    if let Some(max) = small.first() {
        println!(
            "files of 50-70 lines: {}, slowest build {:?}",
            small.len(),
            max.0
        );
    }
}

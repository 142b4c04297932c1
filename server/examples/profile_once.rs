//! Profiling aid: analyses one file (scan, model, every default rule) a few times, for
//! `valgrind --tool=callgrind` or `perf`.
//! `cargo build --release -p dockerfile-lsp --example profile_once`

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;

/// mimalloc: the analysis allocates many small vectors and strings per keystroke;
/// glibc's malloc/free were a quarter of the instructions on the large corpus file.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: profile_once FILE [ROUNDS]");
    let rounds: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let text = String::from_utf8_lossy(&std::fs::read(&path).expect("read")).into_owned();
    let config = Config::default();
    let mut n = 0;
    for _ in 0..rounds {
        let analysis = Analysis::new(text.as_str());
        n += analysis.diagnostics(&config).len();
    }
    println!("{n} findings");
}

//! Criterion benchmarks of the analysis on corpus files, read in place: full analysis, one
//! keystroke (edit + incremental tree-sitter reparse + analysis + all rules, one after the
//! other in `keystroke`; as the server does it, reparse and analysis on two threads, in
//! `keystroke-server`) and a `check`-like pass over the whole of `corpus/real`; plus the
//! tree-sitter reparse alone.
//!
//! Files: `large/big-multistage.Dockerfile` (about 7,700 lines) and, as the typical file,
//! `real/docker__cli/dockerfiles__Dockerfile.dev` (92 lines, 6 stages).
//!
//! Hovers: `hover` is the request as the server answers it from a cached analysis (the
//! diagnostic lines, the core hover of the keyword of the middle instruction, the LSP
//! range); `hover-cold` is the first hover after an edit: the analysis (without the rules)
//! and the build-cache model built from scratch, then the hover. Files: the large one and
//! `real/moby__moby/vendor__github.com__docker__distribution__Dockerfile` (60 lines, 8
//! stages).
//!
//! `semantic-tokens`: `textDocument/semanticTokens/full` as the server answers it from a
//! cached analysis and tree (the highlight query, painting, line splitting and the LSP
//! encoding), on the large and the typical file: with the per-instruction captures
//! memoised (every request after the first; after a keystroke only the edited
//! instruction misses) and `-cold` (memo emptied first, as on opening a file); plus a
//! 60-line range request and the folding ranges of the large file. The corpus is found
//! at `$DOCKERFILE_LSP_CORPUS` or `../shared/corpus` next to the workspace; without it the
//! benchmarks print a message and measure nothing.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::lsp::document_store::Document;
use dockerfile_lsp::lsp::{self, position::PositionEncoding};
use dockerfile_lsp::rules::Diagnostic;
use dockerfile_lsp::syntax::tree;
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};
use tree_sitter::{InputEdit, Point};

/// mimalloc: the analysis allocates many small vectors and strings per keystroke;
/// glibc's malloc/free were a quarter of the instructions on the large corpus file.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const LARGE: &str = "large/big-multistage.Dockerfile";
const TYPICAL: &str = "real/docker__cli/dockerfiles__Dockerfile.dev";
const SMALL: &str = "real/moby__moby/vendor__github.com__docker__distribution__Dockerfile";

fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("DOCKERFILE_LSP_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
    };
    dir.join("real").is_dir().then_some(dir)
}

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Analysis plus every rule, as the server does for each document version.
fn analyse(text: &str, config: &Config) -> usize {
    let analysis = Analysis::new(text);
    analysis.diagnostics(config).len()
}

/// Where a user would type in the middle of the file: the end of the first non-comment
/// line from the middle on, before a trailing continuation backslash.
fn keystroke_offset(text: &str) -> usize {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some((start, line))
        })
        .collect();
    let (start, line) = lines[lines.len() / 2..]
        .iter()
        .copied()
        .find(|(_, l)| {
            let t = l.trim();
            t.len() > 3 && !t.starts_with('#')
        })
        .unwrap_or((0, text));
    let content = line.trim_end_matches(['\n', '\r']);
    let content = content.trim_end_matches('\\').trim_end();
    start + content.len()
}

fn point_at(text: &str, offset: usize) -> Point {
    let before = &text[..offset];
    let row = before.matches('\n').count();
    let column = offset - before.rfind('\n').map_or(0, |i| i + 1);
    Point::new(row, column)
}

/// One character typed at `offset`: the text edit, `Tree::edit`, the incremental reparse
/// with the old tree, then the analysis and all rules on the new text.
fn keystroke(text: &mut String, old: &mut tree_sitter::Tree, offset: usize, config: &Config) {
    let start_position = point_at(text, offset);
    text.insert(offset, 'x');
    old.edit(&InputEdit {
        start_byte: offset,
        old_end_byte: offset,
        new_end_byte: offset + 1,
        start_position,
        old_end_position: start_position,
        new_end_position: Point::new(start_position.row, start_position.column + 1),
    });
    let mut parser = tree::new_parser();
    let new_tree = tree::parse(&mut parser, text, Some(old));
    black_box(&new_tree);
    black_box(analyse(text, config));
}

/// One keystroke the way the server handles it: the rope and `Tree::edit` in
/// `didChange`, then the reparse job on one thread while the analysis and all rules run
/// on another (the analysis reads the text, not the tree), then the tree installed.
/// Even versions type an `x` at `at`, odd ones delete it again, so the text stays the
/// same size however many iterations criterion runs.
fn keystroke_server(doc: &mut Document, at: Point, version: &mut i32, config: &Config) {
    let start = Position::new(at.row as u32, at.column as u32);
    let typed = *version % 2 == 0;
    let end = if typed {
        start
    } else {
        Position::new(start.line, start.character + 1)
    };
    let change = TextDocumentContentChangeEvent {
        range: Some(Range::new(start, end)),
        range_length: None,
        text: if typed { "x".into() } else { String::new() },
    };
    *version += 1;
    doc.apply_edits(&[change], *version, PositionEncoding::Utf8);
    let job = doc.reparse_job();
    let text = doc.text();
    let (done, findings) = std::thread::scope(|s| {
        let parse = s.spawn(move || job.map(|j| j.run()));
        let findings = analyse(&text, config);
        (parse.join().ok().flatten(), findings)
    });
    black_box(findings);
    assert!(doc.finish_reparse(done));
}

/// The keyword of the middle instruction: where a hover is measured.
fn middle_keyword(analysis: &Analysis) -> usize {
    let instructions = &analysis.syntax().instructions;
    instructions
        .get(instructions.len() / 2)
        .map_or(0, |i| i.keyword_range.start())
}

/// The hover as the server computes it from an analysis snapshot.
fn hover(analysis: &Analysis, diagnostics: &[Diagnostic], config: &Config, offset: usize) -> bool {
    lsp::hover::hover(
        analysis,
        diagnostics,
        config,
        offset,
        PositionEncoding::Utf16,
        true,
    )
    .is_some()
}

fn hover_benches(c: &mut Criterion, corpus: &Path, config: &Config) {
    let files = [("large", corpus.join(LARGE)), ("small", corpus.join(SMALL))];
    let mut group = c.benchmark_group("hover");
    for (name, path) in &files {
        let text = read(path);
        let analysis = Analysis::new(text.as_str());
        let diagnostics = analysis.diagnostics(config);
        let offset = middle_keyword(&analysis);
        // Warm: the cache model is built by the first hover of a version.
        hover(&analysis, &diagnostics, config, offset);
        group.bench_function(*name, |b| {
            b.iter(|| hover(&analysis, &diagnostics, config, black_box(offset)))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("hover-cold");
    for (name, path) in &files {
        let text = read(path);
        let offset = middle_keyword(&Analysis::new(text.as_str()));
        group.bench_function(*name, |b| {
            b.iter(|| {
                let analysis = Analysis::new(black_box(text.as_str()));
                black_box(analysis.cache());
                hover(&analysis, &[], config, offset)
            })
        });
    }
    group.finish();
}

/// Semantic tokens and folding ranges from a cached analysis and tree.
fn semantic_token_benches(c: &mut Criterion, files: &[(&str, PathBuf)]) {
    use lsp::tokens;
    let uri: tower_lsp_server::ls_types::Uri =
        "file:///bench/Dockerfile".parse().expect("a valid URI");
    let encoding = PositionEncoding::Utf16;
    let mut group = c.benchmark_group("semantic-tokens");
    for (name, path) in files {
        let text = read(path);
        let analysis = Analysis::new(text.as_str());
        let tree = tree::parse(&mut tree::new_parser(), &text, None);
        let mut cache = tokens::Cache::default();
        group.bench_function(*name, |b| {
            b.iter(|| {
                tokens::full(&mut cache, &uri, &analysis, &tree, encoding)
                    .data
                    .len()
            })
        });
        // The first request for a document: no instruction's captures memoised yet.
        group.bench_function(format!("{name}-cold"), |b| {
            b.iter(|| {
                dockerfile_lsp::ide::highlight::clear_memo();
                tokens::full(&mut cache, &uri, &analysis, &tree, encoding)
                    .data
                    .len()
            })
        });
        if *name == "large" {
            let middle = analysis.line_index().line_count() as u32 / 2;
            let range = Range::new(Position::new(middle, 0), Position::new(middle + 60, 0));
            group.bench_function("large-range-60-lines", |b| {
                b.iter(|| tokens::range(&analysis, &tree, range, encoding).data.len())
            });
            let support = tokens::ClientSupport::default();
            group.bench_function("large-folding", |b| {
                b.iter(|| tokens::folding_ranges(&analysis, &tree, support, encoding).len())
            });
        }
    }
    group.finish();
}

fn benches(c: &mut Criterion) {
    let Some(corpus) = corpus_dir() else {
        eprintln!("corpus not found (set DOCKERFILE_LSP_CORPUS); no benchmarks run");
        return;
    };
    let config = Config::default();
    hover_benches(c, &corpus, &config);
    let files = [
        ("large", corpus.join(LARGE)),
        ("typical", corpus.join(TYPICAL)),
    ];

    semantic_token_benches(c, &files);

    let mut group = c.benchmark_group("full-analysis");
    for (name, path) in &files {
        let text = read(path);
        group.bench_function(*name, |b| b.iter(|| analyse(black_box(&text), &config)));
    }
    group.finish();

    let mut group = c.benchmark_group("keystroke");
    for (name, path) in &files {
        let text = read(path);
        let offset = keystroke_offset(&text);
        let tree = tree::parse(&mut tree::new_parser(), &text, None);
        group.bench_function(*name, |b| {
            b.iter_batched(
                || (text.clone(), tree.clone()),
                |(mut text, mut tree)| keystroke(&mut text, &mut tree, offset, &config),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();

    // The server's path: reparse and analysis of the same version on two threads.
    let mut group = c.benchmark_group("keystroke-server");
    for (name, path) in &files {
        let text = read(path);
        let at = point_at(&text, keystroke_offset(&text));
        let mut doc = Document::new(&text, 0, &mut tree::new_parser());
        let mut version = 0;
        group.bench_function(*name, |b| {
            b.iter(|| keystroke_server(&mut doc, at, &mut version, &config))
        });
    }
    group.finish();

    // The tree-sitter part of a keystroke alone, incremental versus from scratch, to
    // show where keystroke time goes.
    let mut group = c.benchmark_group("reparse");
    for (name, path) in &files {
        let text = read(path);
        let offset = keystroke_offset(&text);
        let tree = tree::parse(&mut tree::new_parser(), &text, None);
        let mut edited = text.clone();
        edited.insert(offset, 'x');
        let mut parser = tree::new_parser();
        group.bench_function(format!("{name}-incremental"), |b| {
            b.iter_batched(
                || tree.clone(),
                |mut old| {
                    let start_position = point_at(&text, offset);
                    old.edit(&InputEdit {
                        start_byte: offset,
                        old_end_byte: offset,
                        new_end_byte: offset + 1,
                        start_position,
                        old_end_position: start_position,
                        new_end_position: Point::new(start_position.row, start_position.column + 1),
                    });
                    tree::parse(&mut parser, &edited, Some(&old))
                },
                BatchSize::SmallInput,
            )
        });
        group.bench_function(format!("{name}-fresh"), |b| {
            b.iter(|| tree::parse(&mut parser, black_box(&edited), None))
        });
    }
    group.finish();

    // Fix-all (the on-save action and `check --fix`): every safe fix, round by round.
    let mut group = c.benchmark_group("fix-all");
    group.sample_size(10);
    for (name, path) in &files {
        let text = read(path);
        group.bench_function(*name, |b| {
            b.iter(|| {
                dockerfile_lsp::fix::fix_all(black_box(&text), &config, false)
                    .text
                    .len()
            })
        });
    }
    group.finish();

    let mut texts = Vec::new();
    let mut stack = vec![corpus.join("real")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                texts.push(read(&path));
            }
        }
    }
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    group.bench_function(format!("corpus-real-{}-files", texts.len()), |b| {
        b.iter(|| texts.iter().map(|t| analyse(t, &config)).sum::<usize>())
    });
    group.finish();
}

criterion_group!(analysis, benches);
criterion_main!(analysis);

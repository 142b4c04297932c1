//! Fuzz target `analyze`: Any bytes (lossy UTF-8) through the analysis, every rule, the cache model and the editor's requests.
//! The check lives in `dockerfile_lsp::fuzz::analyze` so regression tests replay the same code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dockerfile_lsp::fuzz::analyze(data));

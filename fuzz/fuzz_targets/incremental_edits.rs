//! Fuzz target `incremental_edits`: A text and edit operations through the document store, against a fresh parse of the final text.
//! The check lives in `dockerfile_lsp::fuzz::incremental` so regression tests replay the same code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dockerfile_lsp::fuzz::incremental(data));

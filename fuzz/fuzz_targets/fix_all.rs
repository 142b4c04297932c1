//! Fuzz target `fix_all`: Fix-all (safe and unsafe) on any bytes: no new syntax error, edits apply, a second run is stable.
//! The check lives in `dockerfile_lsp::fuzz::fix_all` so regression tests replay the same code.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dockerfile_lsp::fuzz::fix_all(data));

//! The command line: `check`, `rules`, `serve`.

//! dockerfile-lsp: a language server and linter for Dockerfiles.
//!
//! Reading order:
//! - [`text`]: byte ranges, edits, line index (no dependencies).
//! - [`syntax`]: the Dockerfile as BuildKit reads it, plus the tree-sitter tree.
//! - [`semantic`]: stages, image references, ARG/ENV scopes, expansion, shell views.
//! - [`rules`]: one file per rule, the registry, suppressions, the driver.
//! - [`ide`]: the analysis façade that editor features and the CLI call.
//! - [`config`]: configuration files and settings, merged into one [`config::Config`].
//! - [`registry`]: tag → digest lookups against OCI registries (network I/O, outside the
//!   core; the analysis reads only facts already fetched).
//! - [`lsp`]: the language server (the only module that knows LSP).
//! - [`cli`]: the command line (`check`, `rules`, `serve`).
//! - [`memo`]: the memo tables by text, bounded in entries and bytes.
//!
//! Architecture Invariant: everything above `lsp`/`cli` is pure: byte offsets in, plain
//! data out, no I/O, no async, no LSP types.

pub mod cli;
pub mod config;
pub mod fix;
#[doc(hidden)]
pub mod fuzz;
pub mod ide;
pub mod lsp;
pub mod memo;
pub mod registry;
pub mod rules;
pub mod semantic;
pub mod shellcheck;
pub mod syntax;
pub mod text;

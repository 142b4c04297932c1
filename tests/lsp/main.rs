//! End-to-end tests of the language server over an in-memory pipe, plus the property
//! test of the incremental document store.

mod code_actions;
mod completion;
mod diagnostics;
mod document_store;
mod editor_features;
mod formatting;
mod hover;
mod initialize;
mod navigation;
mod pin;
mod positions;
mod settings;
mod shellcheck;
mod tokens;

//! The language server: the only module that imports LSP types.

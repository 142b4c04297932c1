//! Test support shared by the test targets of this crate.

pub mod lsp_client;
pub mod python;

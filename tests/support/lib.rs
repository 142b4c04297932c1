//! Test support shared by the test targets of this crate.

pub mod fake_registry;
pub mod lsp_client;
pub mod python;
pub mod registry;

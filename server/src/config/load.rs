//! Finding and reading configuration files (filled in by the config work).

//! The registry client against registries on loopback: a real CNCF distribution
//! registry (Debian's `docker-registry`) with no auth, htpasswd basic auth and token
//! auth (`real`), a server the tests script for the failure paths (`failures`), and
//! `dockerfile-lsp pin` on files (`cli`).

mod cli;
mod failures;
mod real;

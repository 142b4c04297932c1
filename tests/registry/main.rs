//! The registry client against registries on loopback: a real CNCF distribution
//! registry (Debian's `docker-registry`) with no auth, htpasswd basic auth and token
//! auth (`real`), and a server the tests script for the failure paths (`failures`).

mod failures;
mod real;

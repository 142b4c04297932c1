//! Lookups against a real `docker-registry` on loopback (filled in by the harness work).

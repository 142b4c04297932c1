//! Failure paths against a loopback server the tests control (filled in by the client work).

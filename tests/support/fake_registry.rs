//! A scripted HTTP server on loopback that plays a registry for failure-path tests.

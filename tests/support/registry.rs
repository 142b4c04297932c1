//! A real `docker-registry` on loopback: start, configure auth, upload images.

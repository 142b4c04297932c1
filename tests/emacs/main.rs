//! A second real client: Emacs with eglot drives the release binary (see `eglot.el`).

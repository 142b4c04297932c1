//! The command line: `check` lints Dockerfiles and prints findings, `format` formats them,
//! `pin` pins image references to digests,
//! `rules` documents the rules, `serve` (the default) runs the language server. Argument definitions live in
//! [`args`]; `main.rs` only parses them and dispatches.

pub mod args;
pub mod check;
pub mod discover;
pub mod format;
pub mod output;
pub mod pin;
pub mod rules;

pub use args::{
    CheckArgs, Cli, ColorChoice, Command, FailOn, FormatArgs, OutputFormat, PinArgs, RulesArgs,
    RulesFormat,
};

use std::io;
use std::process::ExitCode;

/// Exit status: nothing at or above `--fail-on` was found.
pub const EXIT_OK: u8 = 0;
/// Exit status: a finding at or above `--fail-on`.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: a usage, configuration or I/O error.
pub const EXIT_ERROR: u8 = 2;

/// Turns the result of writing to stdout into an exit status: a closed pipe (`| head`) is
/// not an error worth reporting, anything else is.
pub(crate) fn finish_output(result: io::Result<()>, status: u8) -> ExitCode {
    match result {
        Ok(()) => ExitCode::from(status),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(status),
        Err(err) => {
            eprintln!("error: cannot write output: {err}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

//! The `dockerfile-lsp` binary: parses the command line, sends logs to stderr (stdout
//! belongs to the protocol or to `check`'s output) and dispatches to the server or a command.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use dockerfile_lsp::cli::{self, Cli, Command};
use tracing_subscriber::EnvFilter;

/// mimalloc: the analysis allocates many small vectors and strings per keystroke;
/// glibc's malloc/free were a quarter of the instructions on the large corpus file.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match &cli.command {
        None | Some(Command::Serve(_)) => serve(),
        Some(Command::Check(args)) => cli::check::run(args),
        Some(Command::Rules(args)) => cli::rules::run(args),
        Some(Command::Format(args)) => cli::format::run(args),
        Some(Command::Pin(args)) => cli::pin::run(args),
    }
}

/// Logs go to stderr, filtered by `DOCKERFILE_LSP_LOG` (e.g. `debug`,
/// `dockerfile_lsp::lsp=trace`); the default shows warnings and errors.
fn init_tracing() {
    let filter =
        EnvFilter::try_from_env("DOCKERFILE_LSP_LOG").unwrap_or_else(|_| EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Runs the language server on stdin/stdout until the client says `exit`.
fn serve() -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(cli::EXIT_ERROR);
        }
    };
    runtime.block_on(serve_stdio())
}

/// The language server on stdin/stdout.
async fn serve_stdio() -> ExitCode {
    dockerfile_lsp::lsp::serve_stdio().await;
    ExitCode::SUCCESS
}

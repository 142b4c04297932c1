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
        .max_blocking_threads(blocking_threads())
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

/// The size of the blocking pool (analyses, parses, requests, ShellCheck runs). Tokio's
/// default of 512 let 2,000 documents opened at once start about 500 threads; each got
/// its own allocator heap and the process held 860 MB afterwards (tests/reliability).
/// The work is CPU-bound: a few threads per core finish it as fast.
fn blocking_threads() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 4).clamp(8, 64)
}

extern "C" {
    /// mimalloc's `mi_collect` (in the statically linked mimalloc; the `extended` bindings
    /// are not enabled just for this one function).
    fn mi_collect(force: bool);
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
extern "C" {
    /// glibc's `malloc_trim`: the C libraries (tree-sitter's trees) allocate with malloc.
    fn malloc_trim(pad: usize) -> std::ffi::c_int;
}

/// Frees the calling thread's empty pages and purges every arena's freed pages now; on
/// glibc, also returns malloc's free memory (tree-sitter's trees live there).
fn release_memory() {
    // SAFETY: `mi_collect` takes a plain bool and may be called from any thread at any
    // time; mimalloc is this binary's global allocator.
    unsafe { mi_collect(true) }
    // SAFETY: `malloc_trim` only releases free memory and may be called at any time.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        malloc_trim(0);
    }
}

/// The language server on stdin/stdout.
async fn serve_stdio() -> ExitCode {
    dockerfile_lsp::lsp::set_memory_release(release_memory);
    dockerfile_lsp::lsp::serve_stdio().await;
    ExitCode::SUCCESS
}

//! `dockerfile-lsp format [--check] [--diff] PATH...|-`: formats Dockerfiles with
//! [`crate::ide::format`] (the editor's formatter) and the continuation indent of each
//! file's configuration (`[format] continuation-indent`, default 4 spaces).
//!
//! Without flags, files are rewritten in place and standard input is printed formatted.
//! `--check` writes nothing and names the files that are not formatted; `--diff` prints
//! a unified diff instead. Exit status: 0 when nothing had to change (or everything was
//! written), 1 with `--check`/`--diff` when a file would change, 2 on an error.

use std::io::{self, Read, Write};
use std::process::ExitCode;

use super::args::FormatArgs;
use super::check::{text_inputs, write_back, TextInput};
use super::{finish_output, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::format::Indent;
use crate::fix;
use crate::ide::format::{format_document, FormatOptions};
use crate::ide::Analysis;
use crate::text::apply_edits;

/// Runs `format` against the process's stdin, stdout and stderr.
pub fn run(args: &FormatArgs) -> ExitCode {
    let mut out = io::BufWriter::new(io::stdout().lock());
    let status = format(
        args,
        &mut io::stdin().lock(),
        &mut out,
        &mut io::stderr().lock(),
    );
    finish_output(out.flush(), status)
}

/// The formatted text of `text` with `indent`.
pub fn formatted(text: &str, indent: Indent) -> String {
    let options = FormatOptions {
        indent,
        ..FormatOptions::default()
    };
    apply_edits(text, &format_document(&Analysis::new(text), options))
}

/// Formats every input; returns the exit status.
pub fn format(
    args: &FormatArgs,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let mut had_errors = false;
    let Ok(inputs) = text_inputs(
        &args.paths,
        args.stdin_filename.as_deref(),
        args.config.as_deref(),
        "formatted",
        stdin,
        stderr,
        &mut had_errors,
    ) else {
        return EXIT_ERROR;
    };
    let mut would_change = 0;
    for TextInput {
        input,
        shown,
        config,
        text,
    } in inputs
    {
        let text = text.as_str();
        let indent = args
            .continuation_indent
            .or(config.format.continuation_indent)
            .unwrap_or(Indent::DEFAULT);
        let new = formatted(text, indent);
        let changed = new != text;
        if args.diff {
            let _ = stdout.write_all(fix::unified_diff(text, &new, &shown).as_bytes());
        }
        if args.check && changed {
            let _ = writeln!(stderr, "would reformat {shown}");
        }
        if changed {
            would_change += 1;
        }
        if args.check || args.diff {
            continue;
        }
        write_back(&input, text, &new, stdout, stderr, &mut had_errors);
    }
    if args.check || args.diff {
        let _ = writeln!(
            stderr,
            "{would_change} file{} would be reformatted",
            if would_change == 1 { "" } else { "s" }
        );
    }
    if had_errors {
        EXIT_ERROR
    } else if (args.check || args.diff) && would_change > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

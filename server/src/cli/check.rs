//! `dockerfile-lsp check`: find the Dockerfiles named on the command line, analyse each
//! with its own configuration, print the findings and choose the exit status.

use std::collections::HashSet;
use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use super::args::CheckArgs;
use super::output::{self, FileReport, RenderOptions};
use super::{discover, finish_output, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::load::{self, LoadedConfig};
use crate::config::Config;
use crate::fix;
use crate::ide::Analysis;
use crate::rules::Diagnostic;
use crate::shellcheck;

/// One thing to check.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Input {
    Stdin,
    File(PathBuf),
}

/// The result of checking: the reports to print and whether any error happened.
#[derive(Debug, Default)]
pub struct Outcome {
    pub reports: Vec<FileReport>,
    /// With `--diff`: one unified diff per file that would change.
    pub diffs: Vec<String>,
    /// With `--fix` on standard input: the fixed text, printed instead of findings.
    pub stdin_fixed: Option<String>,
    /// Fixes applied (or, with `--diff`, that would be) and the files they change.
    pub fixes_applied: usize,
    pub files_fixed: usize,
    /// A usage, configuration or I/O error was reported on stderr.
    pub had_errors: bool,
}

impl Outcome {
    /// The exit status: errors first, then findings at or above `--fail-on`.
    pub fn status(&self, args: &CheckArgs) -> u8 {
        if self.had_errors {
            EXIT_ERROR
        } else if !self.diffs.is_empty()
            || self
                .reports
                .iter()
                .flat_map(|r| &r.diagnostics)
                .any(|d| args.fail_on.fails(d.severity))
        {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        }
    }
}

/// Runs `check` against the process's stdin, stdout and stderr.
pub fn run(args: &CheckArgs) -> ExitCode {
    let stdout = io::stdout();
    let color = args.color.resolve(
        stdout.is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
    );
    let outcome = check(args, &mut io::stdin().lock(), &mut io::stderr().lock());
    let status = outcome.status(args);
    let mut out = io::BufWriter::new(stdout.lock());
    if args.fixing() {
        let remaining: usize = outcome.reports.iter().map(|r| r.diagnostics.len()).sum();
        let verb = if args.diff { "Would fix" } else { "Fixed" };
        eprintln!(
            "{verb} {} in {}; {} remaining.",
            plural(outcome.fixes_applied, "problem", "problems"),
            plural(outcome.files_fixed, "file", "files"),
            plural(remaining, "problem", "problems"),
        );
    }
    let result = if args.diff {
        outcome
            .diffs
            .iter()
            .try_for_each(|d| out.write_all(d.as_bytes()))
    } else if let Some(fixed) = &outcome.stdin_fixed {
        out.write_all(fixed.as_bytes())
    } else {
        output::render(
            args.format,
            &outcome.reports,
            RenderOptions { color },
            &mut out,
        )
    }
    .and_then(|()| out.flush());
    finish_output(result, status)
}

/// Checks every input; problems that are not findings are written to `stderr` as they
/// happen, and the remaining inputs are still checked.
pub fn check(args: &CheckArgs, stdin: &mut dyn Read, stderr: &mut dyn Write) -> Outcome {
    let mut outcome = Outcome::default();
    let mut reporter = ConfigReporter::default();

    let explicit = args.config.as_deref().map(load::load_file);
    if let Some(loaded) = &explicit {
        reporter.report(loaded, stderr);
        if loaded.has_errors() {
            // A broken `--config` would make every result wrong; stop before checking.
            outcome.had_errors = true;
            return outcome;
        }
    }
    outcome.had_errors |= reporter.had_errors;

    let inputs = collect_inputs(args, stderr, &mut outcome.had_errors);
    if inputs.is_empty() && !outcome.had_errors {
        let _ = writeln!(stderr, "warning: no Dockerfiles found");
    }

    let mut checked: Vec<Checked> = Vec::new();
    for input in inputs {
        let Some((shown, config_path, bytes)) =
            read_input(&input, args.stdin_filename.as_deref(), stdin, stderr)
        else {
            outcome.had_errors = true;
            continue;
        };

        let mut config = match &explicit {
            Some(loaded) => loaded.config.clone(),
            None => {
                let loaded = load::load_for_path(&config_path);
                reporter.report(&loaded, stderr);
                loaded.config
            }
        };
        if config.build_context.is_none() {
            config.build_context =
                crate::config::build_context::discover(&config_path).map(Arc::new);
        }
        apply_overrides(&mut config, args);

        // Invalid UTF-8 is replaced rather than refused: the rest of the file still gets
        // checked, and positions stay meaningful.
        let mut text: Arc<str> = String::from_utf8_lossy(&bytes).into();
        if args.fixing() {
            if let Some(fixed) = fix_file(
                args,
                &input,
                &shown,
                &text,
                std::str::from_utf8(&bytes).is_ok(),
                &config,
                &mut outcome,
                stderr,
            ) {
                text = fixed.into();
            }
        }
        let analysis = Analysis::new(text.clone());
        let diagnostics = analysis.diagnostics(&config);
        checked.push((shown, text, analysis, config, diagnostics));
    }
    with_shellcheck(&mut checked, stderr);
    for (shown, text, _, _, diagnostics) in checked {
        outcome
            .reports
            .push(FileReport::new(shown, text, diagnostics));
    }
    outcome.had_errors |= reporter.had_errors;
    outcome
}

/// Applies the fixes `args` ask for to one file: writes it back (`--fix`), keeps a diff
/// (`--diff`) or the text for stdout (standard input). Returns the fixed text, from
/// which the remaining findings are computed; `None` when nothing changed or the file
/// cannot be fixed.
#[allow(clippy::too_many_arguments)] // one call site; a struct would only rename them
fn fix_file(
    args: &CheckArgs,
    input: &Input,
    shown: &str,
    text: &str,
    valid_utf8: bool,
    config: &Config,
    outcome: &mut Outcome,
    stderr: &mut dyn Write,
) -> Option<String> {
    if !valid_utf8 {
        // The text is a lossy conversion: writing it back would destroy the original
        // bytes, so such files are checked but never fixed.
        let _ = writeln!(stderr, "warning: {shown}: not valid UTF-8; not fixed");
        return None;
    }
    let result = fix::fix_all(text, config, args.unsafe_fixes);
    if !result.converged {
        let _ = writeln!(
            stderr,
            "warning: {shown}: fixes did not settle after {} rounds; some may remain",
            fix::MAX_ROUNDS
        );
    }
    if !result.changed() {
        if matches!(input, Input::Stdin) && !args.diff {
            outcome.stdin_fixed = Some(text.to_string());
        }
        return None;
    }
    if args.diff {
        outcome
            .diffs
            .push(fix::unified_diff(text, &result.text, shown));
    } else {
        match input {
            Input::Stdin => outcome.stdin_fixed = Some(result.text.clone()),
            Input::File(path) => {
                if let Err(err) = std::fs::write(path, &result.text) {
                    let _ = writeln!(
                        stderr,
                        "error: {}: cannot write the fixes: {err}",
                        path.display()
                    );
                    outcome.had_errors = true;
                    return None;
                }
            }
        }
    }
    outcome.fixes_applied += result.total();
    outcome.files_fixed += 1;
    Some(result.text)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A checked file: name shown, text, analysis, configuration and findings.
type Checked = (String, Arc<str>, Analysis, Config, Vec<Diagnostic>);

/// Adds ShellCheck's findings (rule `shellcheck`) to every file. The scripts of all
/// files are checked together ([`shellcheck::check_scripts`]: batches across files on
/// every core), since a ShellCheck process per file spends most of its time starting.
/// Files whose ShellCheck cannot be found get none; a batch that fails (a timeout,
/// garbage output) is reported for each file it affects, on `stderr` at the end.
fn with_shellcheck(checked: &mut [Checked], stderr: &mut dyn Write) {
    // One runner per configured ShellCheck path (`None`: not found).
    let mut runners: Vec<(Option<String>, Option<shellcheck::Runner>)> = Vec::new();
    let plans: Vec<Option<(shellcheck::Plan, usize)>> = checked
        .iter()
        .map(|(_, _, analysis, config, _)| {
            let plan = shellcheck::plan(analysis, config);
            if plan.jobs().is_empty() {
                return None;
            }
            let key = &config.shellcheck_path;
            let r = match runners.iter().position(|(k, _)| k == key) {
                Some(r) => r,
                None => {
                    let runner = shellcheck::locate(key.as_deref()).ok();
                    runners.push((key.clone(), runner));
                    runners.len() - 1
                }
            };
            runners[r].1.is_some().then_some((plan, r))
        })
        .collect();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(8);
    let results: Vec<shellcheck::BatchResults> = runners
        .iter()
        .enumerate()
        .map(|(r, (_, runner))| {
            let Some(runner) = runner else {
                return shellcheck::BatchResults::default();
            };
            let scripts: Vec<&str> = plans
                .iter()
                .flatten()
                .filter(|(_, of)| *of == r)
                .flat_map(|(plan, _)| plan.jobs().iter().map(|j| j.script.as_str()))
                .collect();
            shellcheck::check_scripts(runner, &scripts, workers)
        })
        .collect();
    for (file, plan) in checked.iter_mut().zip(&plans) {
        let Some((plan, r)) = plan else { continue };
        let result = &results[*r];
        let (shown, _, analysis, config, diagnostics) = file;
        if let Some(why) = plan
            .jobs()
            .iter()
            .find_map(|j| result.failed.get(j.script.as_str()))
        {
            let _ = writeln!(stderr, "warning: {shown}: ShellCheck: {why}");
        }
        let found = plan.diagnostics_from(analysis, config, &|s| result.findings.get(s).cloned());
        diagnostics.extend(found);
        diagnostics.sort_by(|a, b| {
            (a.range.start, a.range.end, a.rule.id).cmp(&(b.range.start, b.range.end, b.rule.id))
        });
    }
}

fn apply_overrides(config: &mut Config, args: &CheckArgs) {
    for o in &args.rules {
        config.rules.insert(o.rule.to_string(), o.level);
    }
}

/// Expands the command-line paths: `-` is stdin, directories are walked, files are taken
/// as they are whatever their name. Missing paths are reported and skipped.
fn collect_inputs(args: &CheckArgs, stderr: &mut dyn Write, had_errors: &mut bool) -> Vec<Input> {
    expand_paths(
        &args.paths,
        args.stdin_filename.is_some(),
        stderr,
        had_errors,
    )
}

/// One input read as UTF-8 text: the input, the name to show, its configuration and the
/// text.
pub(crate) struct TextInput {
    pub input: Input,
    pub shown: String,
    /// The `--config` file's, else the one found from the input's folder.
    pub config: Config,
    pub text: String,
}

/// Every input of `paths` (see [`expand_paths`]) read as text, with the configuration
/// file `config` (`--config`, its messages printed to `stderr`) or its own. `Err(())`
/// when that file has errors (the command then exits with [`EXIT_ERROR`]). Unreadable
/// inputs and text that is not UTF-8 (`error: NAME: not valid UTF-8; not <verb>`:
/// rewriting would replace the invalid bytes) are reported to `stderr`, set
/// `had_errors` and are left out.
pub(crate) fn text_inputs(
    paths: &[PathBuf],
    stdin_filename: Option<&Path>,
    config: Option<&Path>,
    verb: &str,
    stdin: &mut dyn Read,
    stderr: &mut dyn Write,
    had_errors: &mut bool,
) -> Result<Vec<TextInput>, ()> {
    let explicit = explicit_config(config, stderr)?;
    let mut out = Vec::new();
    for input in expand_paths(paths, stdin_filename.is_some(), stderr, had_errors) {
        let Some((shown, config_path, bytes)) = read_input(&input, stdin_filename, stdin, stderr)
        else {
            *had_errors = true;
            continue;
        };
        match String::from_utf8(bytes) {
            Ok(text) => out.push(TextInput {
                input,
                shown,
                config: match &explicit {
                    Some(loaded) => loaded.config.clone(),
                    None => load::config_for_path(&config_path),
                },
                text,
            }),
            Err(_) => {
                let _ = writeln!(stderr, "error: {shown}: not valid UTF-8; not {verb}");
                *had_errors = true;
            }
        }
    }
    Ok(out)
}

/// Writes the rewritten `new` text of `input` (`old` before): to `stdout` for standard
/// input, back to the file when it changed. A failed write is reported to `stderr` and
/// sets `had_errors`.
pub(crate) fn write_back(
    input: &Input,
    old: &str,
    new: &str,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
    had_errors: &mut bool,
) {
    match input {
        Input::Stdin => {
            let _ = stdout.write_all(new.as_bytes());
        }
        Input::File(path) if new != old => {
            if let Err(err) = std::fs::write(path, new.as_bytes()) {
                let _ = writeln!(stderr, "error: cannot write {}: {err}", path.display());
                *had_errors = true;
            }
        }
        Input::File(_) => {}
    }
}

/// The configuration file given with `--config`, its messages printed to `stderr`;
/// `Err(())` when it has errors (the command then exits with [`EXIT_ERROR`]).
fn explicit_config(
    path: Option<&Path>,
    stderr: &mut dyn Write,
) -> Result<Option<load::LoadedConfig>, ()> {
    let Some(loaded) = path.map(load::load_file) else {
        return Ok(None);
    };
    for m in &loaded.messages {
        let _ = writeln!(stderr, "{m}");
    }
    if loaded.has_errors() {
        return Err(());
    }
    Ok(Some(loaded))
}

/// Reads one input: the name to show, the path to search configuration from, the bytes.
/// `None` after reporting an I/O error on `stderr`.
pub(crate) fn read_input(
    input: &Input,
    stdin_filename: Option<&Path>,
    stdin: &mut dyn Read,
    stderr: &mut dyn Write,
) -> Option<(String, PathBuf, Vec<u8>)> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            if let Err(err) = stdin.read_to_end(&mut bytes) {
                let _ = writeln!(stderr, "error: cannot read standard input: {err}");
                return None;
            }
            let shown = stdin_filename.map_or_else(|| "-".to_string(), |p| p.display().to_string());
            let config_path = stdin_filename
                .map(Path::to_path_buf)
                .or_else(|| std::env::current_dir().ok())
                .unwrap_or_else(|| PathBuf::from("."));
            Some((shown, config_path, bytes))
        }
        Input::File(path) => match std::fs::read(path) {
            Ok(bytes) => Some((path.display().to_string(), path.clone(), bytes)),
            Err(err) => {
                let _ = writeln!(stderr, "error: {}: {err}", path.display());
                None
            }
        },
    }
}

/// [`collect_inputs`] for any command: no path means standard input when `stdin_default`,
/// else the current directory.
pub(crate) fn expand_paths(
    paths: &[PathBuf],
    stdin_default: bool,
    stderr: &mut dyn Write,
    had_errors: &mut bool,
) -> Vec<Input> {
    let default = if stdin_default { "-" } else { "." };
    let paths: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(default)]
    } else {
        paths.to_vec()
    };
    let mut inputs = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |input: Input, inputs: &mut Vec<Input>| {
        let key = match &input {
            Input::Stdin => None,
            Input::File(p) => Some(p.clone()),
        };
        if seen.insert(key) {
            inputs.push(input);
        }
    };
    for path in paths {
        if path == Path::new("-") {
            push(Input::Stdin, &mut inputs);
            continue;
        }
        match std::fs::metadata(&path) {
            Err(err) => {
                let _ = writeln!(stderr, "error: {}: {err}", path.display());
                *had_errors = true;
            }
            Ok(meta) if meta.is_dir() => {
                let walk = discover::walk(&path);
                for (dir, err) in walk.errors {
                    let _ = writeln!(stderr, "error: {}: {err}", dir.display());
                    *had_errors = true;
                }
                for file in walk.files {
                    push(Input::File(file), &mut inputs);
                }
            }
            Ok(_) => push(Input::File(path), &mut inputs),
        }
    }
    inputs
}

/// Prints each configuration file's problems once, however many Dockerfiles it applies to.
#[derive(Default)]
struct ConfigReporter {
    printed: HashSet<PathBuf>,
    had_errors: bool,
}

impl ConfigReporter {
    fn report(&mut self, loaded: &LoadedConfig, stderr: &mut dyn Write) {
        let Some(source) = &loaded.source else {
            return;
        };
        if !self.printed.insert(source.clone()) {
            return;
        }
        for message in &loaded.messages {
            let _ = writeln!(stderr, "{message}");
        }
        self.had_errors |= loaded.has_errors();
    }
}

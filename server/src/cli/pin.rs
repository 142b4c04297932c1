//! `dockerfile-lsp pin [--check] PATH...|-`: pins every image reference (`FROM`,
//! `COPY --from=<image>`, `RUN --mount=from=<image>`) to the digest its tag points to now,
//! asking each image's registry with the user's Docker credentials
//! ([`crate::registry`]).
//!
//! Without `--check`, files are rewritten in place (standard input: the pinned text is
//! printed) and each change is listed on stderr. With `--check` nothing is written; every
//! reference that is not pinned, or whose digest is no longer what its tag points to, is
//! listed on stdout as `path:line:column: message`, for CI. References that cannot be
//! pinned (a variable without a default, a digest inside a variable) are named on stderr
//! and do not fail the check.
//!
//! Exit status: 0 when everything is pinned and current (or was written), 1 with
//! `--check` when something is unpinned or outdated, 2 on an error (unreadable file,
//! failed lookup).

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

use super::args::PinArgs;
use super::check::{text_inputs, write_back, Input, TextInput};
use super::{finish_output, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK};
use crate::config::registry::RegistryConfig;
use crate::ide::pin::{self, PinSite, Plan};
use crate::ide::Analysis;
use crate::registry::client::ClientOptions;
use crate::registry::plan;
use crate::registry::{CacheOptions, HttpRegistry, Key, LookupError, Resolver};
use crate::semantic::FactsTable;
use crate::text::apply_edits;

/// Runs `pin` against the process's stdin, stdout and stderr.
pub fn run(args: &PinArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let mut out = io::BufWriter::new(io::stdout().lock());
    let status = runtime.block_on(pin_files(
        args,
        &mut io::stdin().lock(),
        &mut out,
        &mut io::stderr().lock(),
    ));
    finish_output(out.flush(), status)
}

/// The answers of one registry configuration: facts by tag key, failures by tag.
type Answers = (FactsTable, BTreeMap<Key, LookupError>);

/// One input with its references.
struct Work {
    input: Input,
    shown: String,
    analysis: Analysis,
    sites: Vec<PinSite>,
    registry: RegistryConfig,
}

/// Pins (or checks) every input; returns the exit status. Needs a tokio runtime.
pub async fn pin_files(
    args: &PinArgs,
    stdin: &mut dyn Read,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> u8 {
    let mut had_errors = false;
    let Ok(inputs) = text_inputs(
        &args.paths,
        args.stdin_filename.as_deref(),
        args.config.as_deref(),
        "pinned",
        stdin,
        stderr,
        &mut had_errors,
    ) else {
        return EXIT_ERROR;
    };
    let mut work = Vec::new();
    for TextInput {
        input,
        shown,
        config,
        text,
    } in inputs
    {
        let mut registry = config.registry;
        registry.merge(&RegistryConfig {
            timeout_ms: args.timeout_ms,
            insecure_hosts: args.insecure_hosts.clone(),
            docker_config: args.docker_config.clone(),
            ..RegistryConfig::default()
        });
        let analysis = Analysis::new(text);
        let sites = pin::pin_sites(&analysis);
        work.push(Work {
            input,
            shown,
            analysis,
            sites,
            registry,
        });
    }

    // One cache per registry configuration; every tag is asked once, all at once.
    let mut resolvers: HashMap<RegistryConfig, Arc<Resolver>> = HashMap::new();
    let mut keys: HashMap<RegistryConfig, Vec<Key>> = HashMap::new();
    for w in &work {
        if !resolvers.contains_key(&w.registry) {
            match HttpRegistry::new(ClientOptions::from_config(&w.registry)) {
                Ok(client) => {
                    let resolver =
                        Resolver::new(Arc::new(client), CacheOptions::from_config(&w.registry));
                    resolvers.insert(w.registry.clone(), Arc::new(resolver));
                }
                Err(err) => {
                    let _ = writeln!(stderr, "error: cannot set up the registry client: {err}");
                    return EXIT_ERROR;
                }
            }
        }
        keys.entry(w.registry.clone())
            .or_default()
            .extend(plan::keys_of(&w.sites));
    }
    let mut answers: HashMap<RegistryConfig, Answers> = HashMap::new();
    for (config, mut wanted) in keys {
        wanted.sort();
        wanted.dedup();
        let mut tasks = plan::spawn_lookups(&resolvers[&config], wanted);
        let entry = answers.entry(config).or_default();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((key, Ok(facts))) => {
                    entry.0.insert(key.table_key(), facts);
                }
                Ok((key, Err(err))) => {
                    entry.1.insert(key, err);
                }
                Err(err) => {
                    let _ = writeln!(stderr, "error: a lookup failed: {err}");
                    had_errors = true;
                }
            }
        }
    }

    let mut findings = 0;
    let mut pinned = 0;
    let empty = (FactsTable::new(), BTreeMap::new());
    for w in &work {
        let (facts, failures) = answers.get(&w.registry).unwrap_or(&empty);
        let at = |site: &PinSite| {
            let index = w.analysis.line_index();
            let line = index.line_of(site.range.start());
            let column = w.analysis.text()[index.line_start(line)..site.range.start()]
                .chars()
                .count();
            format!("{}:{}:{}", w.shown, line + 1, column + 1)
        };
        let mut edits = Vec::new();
        for site in &w.sites {
            match pin::plan_site(site, facts) {
                Plan::Skipped(skip) => {
                    let _ = writeln!(
                        stderr,
                        "{}: skipped {}: {}",
                        at(site),
                        plan::shown(site),
                        skip.reason()
                    );
                }
                Plan::Unknown => {
                    let failure = site.can_pin().ok().and_then(Key::of);
                    if let Some(err) = failure.and_then(|k| failures.get(&k)) {
                        let _ =
                            writeln!(stderr, "{}: error: {}: {err}", at(site), plan::shown(site));
                        had_errors = true;
                    }
                }
                Plan::Current => {}
                Plan::Pin { facts: f, .. } if args.check => {
                    findings += 1;
                    let _ = match site.pinned_digest() {
                        None => writeln!(
                            stdout,
                            "{}: {} is not pinned to a digest (its tag points to {})",
                            at(site),
                            plan::shown(site),
                            f.digest
                        ),
                        Some(old) => writeln!(
                            stdout,
                            "{}: {} is pinned to {old}, but its tag now points to {}",
                            at(site),
                            plan::shown(site),
                            f.digest
                        ),
                    };
                }
                Plan::Pin { edit, facts: f } => {
                    let _ = writeln!(
                        stderr,
                        "{}: pinned {} to {}",
                        at(site),
                        plan::shown(site),
                        f.digest
                    );
                    edits.push(edit);
                }
            }
        }
        if args.check {
            continue;
        }
        pinned += edits.len();
        let text = w.analysis.text();
        let new = apply_edits(text, &edits);
        write_back(&w.input, text, &new, stdout, stderr, &mut had_errors);
    }
    if args.check {
        let _ = writeln!(
            stderr,
            "{findings} reference{} not pinned to the current digest",
            if findings == 1 { "" } else { "s" }
        );
    } else {
        let _ = writeln!(
            stderr,
            "{pinned} reference{} pinned",
            if pinned == 1 { "" } else { "s" }
        );
    }
    if had_errors {
        EXIT_ERROR
    } else if findings > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

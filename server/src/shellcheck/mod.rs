//! ShellCheck integration (rule `shellcheck`): the shell-form RUNs of a Dockerfile are
//! given to an external `shellcheck` process and its findings are mapped back to exact
//! Dockerfile ranges.
//!
//! The core analysis never runs processes: the rule's `check` reports nothing. The CLI
//! runs ShellCheck synchronously after the analysis; the language server runs it in the
//! background after publishing the other findings. Both go through [`Plan`]:
//!
//! 1. [`plan`] builds one script per RUN (pure; see [`script`]);
//! 2. [`Plan::run`] checks the scripts that are not cached yet, in one process per batch
//!    (see [`process`]); results are cached by script text, which includes the dialect
//!    and the declared variables, so editing one RUN re-checks only that RUN. The CLI
//!    uses [`check_scripts`] instead: the distinct scripts of all its files, in batches
//!    across files on every core;
//! 3. [`Plan::diagnostics`] (the CLI: [`Plan::diagnostics_from`]) maps the findings to [`Diagnostic`]s of the
//!    `shellcheck` rule, applying the same levels and suppressions as every rule, plus
//!    per-code ignores (`# hadolint ignore=SC2086`, `ignored: [SC2086]`).
//!
//! Severity: ShellCheck's error/warning/info/style become error/warning/info/hint. When
//! the configuration sets a level for `shellcheck` explicitly, every finding takes that
//! level instead (`off` turns ShellCheck off).

pub mod json;
pub mod process;
pub mod script;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

pub use process::{locate, Runner};
pub use script::Job;

use crate::config::Config;
use crate::ide::Analysis;
use crate::rules::suppression::Suppressions;
use crate::rules::{Applicability, Diagnostic, Fix, Level, RuleContext, Severity};
use crate::text::{TextEdit, TextRange};
use json::Comment;

/// The rule every ShellCheck finding belongs to.
pub fn rule() -> &'static crate::rules::RuleMeta {
    &crate::rules::shellcheck::RULE
}

/// The wiki page of a ShellCheck code.
pub fn wiki_url(code: u32) -> String {
    format!("https://www.shellcheck.net/wiki/SC{code}")
}

/// The `SCnnnn` code at the start of a `shellcheck` diagnostic's message.
pub fn code_of_message(message: &str) -> Option<u32> {
    parts_of_message(message).map(|(code, _)| code)
}

/// A `shellcheck` diagnostic's message (`SCnnnn: text See <wiki>`, as written by
/// [`to_diagnostic`]) split into its code and its text.
pub fn parts_of_message(message: &str) -> Option<(u32, &str)> {
    let digits = message.strip_prefix("SC")?;
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    let code = digits[..end].parse().ok()?;
    let text = digits[end..].trim_start_matches([':', ' ']);
    let text = text.split(" See https://").next().unwrap_or(text);
    Some((code, text.trim_end()))
}

/// Whether ShellCheck can run, for `dockerfile-lsp rules shellcheck`: its path and
/// version, or why the rule is silent.
pub fn status(configured: Option<&str>) -> String {
    match locate(configured) {
        Err(why) => format!("ShellCheck not found: {why}. The `shellcheck` rule is silent."),
        Ok(runner) => match runner.version() {
            Ok(v) => format!(
                "ShellCheck {v} found at {}; the `shellcheck` rule is active.",
                runner.path.display()
            ),
            Err(e) => format!(
                "ShellCheck at {} does not answer `--version` ({e}); findings may be missing.",
                runner.path.display()
            ),
        },
    }
}

const CACHE_LIMIT: usize = 4096;

static CACHE: LazyLock<Mutex<HashMap<String, Arc<Vec<Comment>>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn cached(script: &str) -> Option<Arc<Vec<Comment>>> {
    CACHE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(script)
        .cloned()
}

fn store(script: &str, comments: Arc<Vec<Comment>>) {
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= CACHE_LIMIT {
        cache.clear();
    }
    cache.insert(script.to_string(), comments);
}

/// The scripts of one document version.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    jobs: Vec<Job>,
}

/// The scripts to check, or none when the rule is off or ignored for the whole file.
pub fn plan(analysis: &Analysis, config: &Config) -> Plan {
    if config.level_of(rule()) == Level::Off {
        return Plan::default();
    }
    let ctx = context(analysis, config);
    if Suppressions::collect(&ctx).file_ignores(rule()) {
        return Plan::default();
    }
    Plan {
        jobs: script::jobs(analysis.text(), analysis.syntax(), analysis.model()),
    }
}

fn context<'a>(analysis: &'a Analysis, config: &'a Config) -> RuleContext<'a> {
    RuleContext {
        text: analysis.text(),
        syntax: analysis.syntax(),
        model: analysis.model(),
        config,
        line_index: analysis.line_index(),
        cache: analysis.cache_cell(),
    }
}

/// Scripts per ShellCheck process. Real RUN scripts take ShellCheck 10–100 ms each (on
/// a loaded 2-core machine, batches of 64 ran past the 5 s timeout), so a batch stays
/// well inside the runner's timeout while start-up is still paid once per 16 scripts.
pub const BATCH: usize = 16;

/// What [`check_scripts`] found: the comments of each script checked, and why the
/// scripts of a failed batch have none.
#[derive(Debug, Default)]
pub struct BatchResults<'a> {
    pub findings: HashMap<&'a str, Arc<Vec<Comment>>>,
    pub failed: HashMap<&'a str, String>,
}

/// Checks many scripts (of many files) with one runner: duplicates are checked once, and
/// the rest in batches of [`BATCH`] per process on `workers` threads. The CLI passes the
/// scripts of all its files at once (a process per file spent most of its time
/// starting); [`Plan::run`] passes one document's uncached scripts.
pub fn check_scripts<'a>(runner: &Runner, scripts: &[&'a str], workers: usize) -> BatchResults<'a> {
    let mut unique: Vec<&'a str> = scripts.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return BatchResults::default();
    }
    let chunks: Vec<&[&'a str]> = unique.chunks(BATCH).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out = Mutex::new(BatchResults::default());
    std::thread::scope(|scope| {
        for _ in 0..workers.clamp(1, chunks.len()) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(chunk) = chunks.get(i) else { break };
                let result = runner.check(chunk);
                let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
                match result {
                    Ok(results) => {
                        for (script, comments) in chunk.iter().zip(results) {
                            out.findings.insert(script, Arc::new(comments));
                        }
                    }
                    Err(e) => {
                        for script in chunk.iter() {
                            out.failed.insert(script, e.clone());
                        }
                    }
                }
            });
        }
    });
    out.into_inner().unwrap_or_else(|p| p.into_inner())
}

impl Plan {
    pub fn jobs(&self) -> &[Job] {
        &self.jobs
    }

    /// True when every script's findings are cached (nothing to run).
    pub fn is_complete(&self) -> bool {
        self.jobs.iter().all(|j| cached(&j.script).is_some())
    }

    /// True when some script has a cached ShellCheck comment (before suppressions).
    pub fn has_findings(&self) -> bool {
        self.jobs
            .iter()
            .any(|j| cached(&j.script).is_some_and(|c| !c.is_empty()))
    }

    /// Checks the scripts not cached yet. A failed batch (timeout, crash, unreadable
    /// output) caches nothing and is reported; the other batches still count.
    pub fn run(&self, runner: &Runner) -> Result<(), String> {
        let missing: Vec<&str> = self
            .jobs
            .iter()
            .map(|j| j.script.as_str())
            .filter(|s| cached(s).is_none())
            .collect();
        // One batch at a time: the server already limits how many runs go at once.
        let checked = check_scripts(runner, &missing, 1);
        for (script, comments) in checked.findings {
            store(script, comments);
        }
        checked.failed.into_values().next().map_or(Ok(()), Err)
    }

    /// The findings of every cached script, as `shellcheck` diagnostics with levels,
    /// suppressions and ignored codes applied, sorted by position.
    pub fn diagnostics(&self, analysis: &Analysis, config: &Config) -> Vec<Diagnostic> {
        self.diagnostics_from(analysis, config, &cached)
    }

    /// [`Plan::diagnostics`] with the comments of each script from `comments_of`
    /// instead of the process-wide cache (the CLI's [`check_scripts`] results).
    pub fn diagnostics_from(
        &self,
        analysis: &Analysis,
        config: &Config,
        comments_of: &dyn Fn(&str) -> Option<Arc<Vec<Comment>>>,
    ) -> Vec<Diagnostic> {
        if self.jobs.is_empty() {
            return Vec::new();
        }
        let ctx = context(analysis, config);
        let suppressions = Suppressions::collect(&ctx);
        let ignored = IgnoredCodes::collect(analysis, config);
        let forced = config.rules.get(rule().id).and_then(|l| match l {
            Level::On(s) => Some(*s),
            Level::Off => None,
        });
        let mut out: Vec<Diagnostic> = Vec::new();
        for job in &self.jobs {
            let Some(comments) = comments_of(&job.script) else {
                continue;
            };
            for c in comments.iter() {
                let Some(d) = to_diagnostic(job, c, forced) else {
                    continue;
                };
                if suppressions.ignores(rule(), d.range.start())
                    || ignored.ignores(analysis, job.instruction, c.code)
                    || out.contains(&d)
                {
                    continue;
                }
                out.push(d);
            }
        }
        out.sort_by(|a, b| {
            (a.range.start, a.range.end, &a.message).cmp(&(b.range.start, b.range.end, &b.message))
        });
        out
    }
}

/// ShellCheck's level as our severity.
pub fn severity_of(level: &str) -> Severity {
    match level {
        "error" => Severity::Error,
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        _ => Severity::Hint,
    }
}

/// One ShellCheck comment as a diagnostic; `None` when it lies in the prelude.
pub fn to_diagnostic(job: &Job, c: &Comment, forced: Option<Severity>) -> Option<Diagnostic> {
    let start = job.offset(c.line, c.column)?;
    let end = job
        .offset(c.end_line, c.end_column)
        .unwrap_or(start)
        .max(start);
    let fix = c.fix.as_ref().and_then(|f| {
        let mut edits = Vec::new();
        for r in &f.replacements {
            let s = job.offset_exact(r.line, r.column)?;
            let e = job.offset_exact(r.end_line, r.end_column)?;
            if e < s {
                return None;
            }
            edits.push(TextEdit::replace(
                TextRange::new(s, e),
                r.replacement.clone(),
            ));
        }
        edits.sort_by_key(|e| (e.range.start(), e.range.end()));
        // Overlapping or same-point edits would depend on ShellCheck's precedence rules.
        if edits.is_empty()
            || edits
                .windows(2)
                .any(|w| w[1].range.start() <= w[0].range.end() && !w[0].range.is_empty())
            || edits
                .windows(2)
                .any(|w| w[1].range.start() == w[0].range.start())
        {
            return None;
        }
        Some(Fix::new(
            format!("Apply ShellCheck's fix for SC{}", c.code),
            Applicability::Unsafe,
            edits,
        ))
    });
    Some(Diagnostic {
        rule: rule(),
        range: TextRange::new(start, end),
        severity: forced.unwrap_or_else(|| severity_of(&c.level)),
        message: format!(
            "SC{}: {} See {}",
            c.code,
            c.message.trim_end(),
            wiki_url(c.code)
        ),
        fixes: fix.into_iter().collect(),
        unnecessary: false,
        deprecated: false,
    })
}

/// ShellCheck codes ignored by configuration (`.hadolint.yaml` `ignored: [SC2086]`) or
/// by `# hadolint ignore=SC2086` / `# dockerfile-lsp ignore=SC2086` comments (right above
/// the instruction) and their `global` forms (whole file).
#[derive(Debug, Default)]
struct IgnoredCodes {
    file: Vec<u32>,
    /// Comment lines that list SC codes, by line number.
    by_line: HashMap<usize, Vec<u32>>,
    /// Every comment line outside continuations (they keep a comment block going).
    comment_lines: std::collections::HashSet<usize>,
}

/// The SC codes of an `ignore=` comment, and whether it is `global`.
fn parse_ignore(text: &str) -> Option<(bool, Vec<u32>)> {
    let text = text.trim();
    let rest = text
        .strip_prefix("hadolint")
        .or_else(|| text.strip_prefix("dockerfile-lsp"))?
        .trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(r) => (true, r.trim_start()),
        None => (false, rest),
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?;
    let list = list.split('#').next().unwrap_or("");
    let codes: Vec<u32> = list
        .split(',')
        .filter_map(|c| c.trim().strip_prefix("SC").and_then(|n| n.parse().ok()))
        .collect();
    Some((global, codes))
}

impl IgnoredCodes {
    fn collect(analysis: &Analysis, config: &Config) -> IgnoredCodes {
        let mut out = IgnoredCodes {
            file: config
                .shellcheck_ignored
                .iter()
                .filter_map(|c| c.trim().strip_prefix("SC").and_then(|n| n.parse().ok()))
                .collect(),
            ..IgnoredCodes::default()
        };
        let index = analysis.line_index();
        for c in analysis
            .syntax()
            .comments
            .iter()
            .filter(|c| !c.in_continuation)
        {
            let line = index.line_of(c.range.start());
            out.comment_lines.insert(line);
            match parse_ignore(&c.text) {
                Some((true, codes)) => out.file.extend(codes),
                Some((false, codes)) if !codes.is_empty() => {
                    out.by_line.insert(line, codes);
                }
                _ => {}
            }
        }
        out
    }

    fn ignores(&self, analysis: &Analysis, instruction: usize, code: u32) -> bool {
        if self.file.contains(&code) {
            return true;
        }
        if self.by_line.is_empty() {
            return false;
        }
        let Some(inst) = analysis.syntax().instructions.get(instruction) else {
            return false;
        };
        let mut line = analysis.line_index().line_of(inst.range.start());
        while line > 0 && self.comment_lines.contains(&(line - 1)) {
            line -= 1;
            if self.by_line.get(&line).is_some_and(|c| c.contains(&code)) {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_split_into_code_and_text() {
        assert_eq!(
            parts_of_message(
                "SC2086: Double quote to prevent globbing. See https://www.shellcheck.net/wiki/SC2086"
            ),
            Some((2086, "Double quote to prevent globbing."))
        );
        assert_eq!(code_of_message("SC1000: x"), Some(1000));
        assert_eq!(parts_of_message("not shellcheck"), None);
    }

    fn comment(line: u32, column: u32, end_column: u32, code: u32, level: &str) -> Comment {
        Comment {
            file: "0.sh".into(),
            line,
            end_line: line,
            column,
            end_column,
            level: level.into(),
            code,
            message: "Message.".into(),
            fix: None,
        }
    }

    /// Feeds fake ShellCheck output for every job through the cache and returns
    /// `(text at range, severity, message)` triples.
    fn findings(
        text: &str,
        config: &Config,
        fake: impl Fn(&Job) -> Vec<Comment>,
    ) -> Vec<(String, Severity, String)> {
        let analysis = Analysis::new(text);
        let plan = plan(&analysis, config);
        for job in plan.jobs() {
            store(&job.script, Arc::new(fake(job)));
        }
        plan.diagnostics(&analysis, config)
            .into_iter()
            .map(|d| (text[d.range.range()].to_string(), d.severity, d.message))
            .collect()
    }

    /// Column (1-based, characters) of `needle` on script line `line`.
    fn col(job: &Job, line: usize, needle: &str) -> u32 {
        let l = job.script.lines().nth(line - 1).unwrap();
        l[..l.find(needle).unwrap()].chars().count() as u32 + 1
    }

    #[test]
    fn maps_levels_messages_and_ranges() {
        let text = "FROM a\nRUN echo $1 | \\\n  grep \"é\" $x # uniq-a\n";
        let got = findings(text, &Config::default(), |j| {
            let c = col(j, 3, "$x");
            vec![
                comment(3, c, c + 2, 2086, "info"),
                comment(3, col(j, 3, "echo"), col(j, 3, "echo") + 4, 2005, "style"),
                // In the prelude: dropped.
                comment(1, 1, 3, 1000, "error"),
            ]
        });
        assert_eq!(
            got,
            [
                (
                    "echo".into(),
                    Severity::Hint,
                    "SC2005: Message. See https://www.shellcheck.net/wiki/SC2005".into()
                ),
                (
                    "$x".into(),
                    Severity::Info,
                    "SC2086: Message. See https://www.shellcheck.net/wiki/SC2086".into()
                ),
            ]
        );
        assert_eq!(code_of_message(&got[1].2), Some(2086));
    }

    #[test]
    fn level_override_suppressions_and_ignored_codes() {
        let text = "FROM a\n# hadolint ignore=SC2086\nRUN echo $x # uniq-b1\nRUN echo $y # uniq-b1\n# dockerfile-lsp ignore=shellcheck\nRUN echo $z # uniq-b1\n";
        let fake = |j: &Job| {
            let c = col(j, 3, "$");
            vec![
                comment(3, c, c + 2, 2086, "info"),
                comment(3, c, c + 2, 2154, "warning"),
            ]
        };
        let got = findings(text, &Config::default(), fake);
        let got: Vec<_> = got
            .iter()
            .map(|(t, s, m)| (t.as_str(), *s, &m[..6]))
            .collect();
        assert_eq!(
            got,
            [
                ("$x", Severity::Warning, "SC2154"),
                ("$y", Severity::Info, "SC2086"),
                ("$y", Severity::Warning, "SC2154"),
            ]
        );
        let mut config = Config::default();
        config
            .rules
            .insert("shellcheck".into(), Level::On(Severity::Error));
        config.shellcheck_ignored = vec!["SC2154".into()];
        let got = findings(text, &config, fake);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].0.as_str(), got[0].1), ("$y", Severity::Error));
        config.rules.insert("shellcheck".into(), Level::Off);
        assert!(plan(&Analysis::new(text), &config).jobs().is_empty());
        let global = "# hadolint global ignore=SC2086,DL3006\nFROM a\nRUN echo $x # uniq-b2\n";
        assert_eq!(findings(global, &Config::default(), fake).len(), 1);
    }

    #[test]
    fn fixes_map_and_are_unsafe() {
        let text = "FROM a\nRUN echo $x # uniq-c\n";
        let analysis = Analysis::new(text);
        let p = plan(&analysis, &Config::default());
        let job = &p.jobs()[0];
        let c = col(job, 3, "$x");
        let mut sc = comment(3, c, c + 2, 2086, "info");
        sc.fix = Some(json::Fix {
            replacements: vec![
                json::Replacement {
                    line: 3,
                    end_line: 3,
                    column: c + 2,
                    end_column: c + 2,
                    replacement: "\"".into(),
                },
                json::Replacement {
                    line: 3,
                    end_line: 3,
                    column: c,
                    end_column: c,
                    replacement: "\"".into(),
                },
            ],
        });
        let d = to_diagnostic(job, &sc, None).unwrap();
        let fix = d.fixes.into_iter().next().unwrap();
        assert_eq!(fix.applicability, Applicability::Unsafe);
        let fixed = crate::text::apply_edits(text, &fix.edits);
        assert_eq!(fixed, "FROM a\nRUN echo \"$x\" # uniq-c\n");
        // A replacement in the prelude: no fix, the finding stays.
        sc.fix.as_mut().unwrap().replacements[0].line = 1;
        assert!(to_diagnostic(job, &sc, None).unwrap().fixes.is_empty());
    }
}

//! The rule engine: rule metadata, diagnostics, fixes, the registry of every rule and
//! the driver that runs them over a finished semantic model.
//!
//! Architecture Invariant: a rule is one file under `rules/` whose `declare_rule!` doc
//! comment is its user documentation. Rules read the syntax tree and the semantic model;
//! they never do I/O and never see LSP types.

mod context;
pub mod edits;
pub mod image_sites;
mod registry;
pub mod suppression;

pub use context::RuleContext;
pub use registry::{all_rules, rule_by_buildkit_name, rule_by_hadolint_code, rule_by_id};

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::LazyLock;

use crate::config::Config;
use crate::text::{TextEdit, TextRange};

/// How serious a finding is. Ordered from most to least severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Info),
            "hint" | "style" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// A rule's default level: a severity, or off (the rule exists but is opt-in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

impl Level {
    pub fn parse(s: &str) -> Option<Level> {
        match s.to_ascii_lowercase().as_str() {
            "off" | "ignore" | "none" | "false" => Some(Level::Off),
            other => Severity::parse(other).map(Level::On),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::On(s) => s.as_str(),
        }
    }
}

/// Whether a rule can offer a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

impl FixAvailability {
    pub fn as_str(self) -> &'static str {
        match self {
            FixAvailability::None => "none",
            FixAvailability::Sometimes => "sometimes",
            FixAvailability::Always => "always",
        }
    }
}

/// Whether a fix can be applied without the user reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Applicability {
    /// Keeps the meaning of the Dockerfile; applied by fix-all and `check --fix`.
    Safe,
    /// May change behaviour; offered, never applied in bulk without `--unsafe-fixes`.
    Unsafe,
}

/// A fix: edits to the document, all-or-nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<TextEdit>,
    pub applicability: Applicability,
    /// Ranges of instructions, beyond the ones the diagnostic covers, that the fix names
    /// and may edit (the other RUN of a merge). Tests check that no edit reaches further.
    pub also_edits: Vec<TextRange>,
}

impl Fix {
    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        edits: Vec<TextEdit>,
    ) -> Fix {
        Fix {
            title: title.into(),
            edits,
            applicability,
            also_edits: Vec::new(),
        }
    }
    /// Declares that the fix also edits the instructions at `ranges`.
    pub fn also_editing(mut self, ranges: impl IntoIterator<Item = TextRange>) -> Fix {
        self.also_edits.extend(ranges);
        self
    }
    pub fn is_safe(&self) -> bool {
        self.applicability == Applicability::Safe
    }
}

/// What a rule is: its id, its documentation and its check.
pub struct RuleMeta {
    /// The stable kebab-case id from the catalogue; also the diagnostic code.
    pub id: &'static str,
    pub summary: &'static str,
    pub default_level: Level,
    pub fix: FixAvailability,
    /// The rule's documentation, from its doc comment (Markdown).
    pub docs: &'static str,
    /// hadolint codes whose suppressions and configuration map to this rule.
    pub hadolint: &'static [&'static str],
    /// BuildKit check names (for `# check=skip=`).
    pub buildkit: &'static [&'static str],
    /// Where the rule is defined, `file:line`.
    pub location: &'static str,
    pub check: fn(&RuleContext<'_>, &mut Diagnostics),
}

impl RuleMeta {
    /// The documentation with the doc-comment indentation removed.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

impl std::fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rule({})", self.id)
    }
}

impl PartialEq for RuleMeta {
    fn eq(&self, other: &RuleMeta) -> bool {
        self.id == other.id
    }
}

/// One finding, in byte offsets.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub range: TextRange,
    pub severity: Severity,
    pub message: String,
    /// The fixes offered, best first; the first safe one is the preferred quick fix and
    /// the one fix-all applies.
    pub fixes: Vec<Fix>,
    /// Marks code that has no effect (rendered faded by editors).
    pub unnecessary: bool,
    /// Marks deprecated syntax (rendered struck through by editors).
    pub deprecated: bool,
}

impl Diagnostic {
    pub fn code(&self) -> &'static str {
        self.rule.id
    }
}

/// The accumulator rules report into.
#[derive(Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Reports a finding of `rule` at `range`; returns it so a fix can be attached.
    pub fn report(
        &mut self,
        rule: &'static RuleMeta,
        range: TextRange,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let severity = match rule.default_level {
            Level::On(s) => s,
            Level::Off => Severity::Hint,
        };
        self.items.push(Diagnostic {
            rule,
            range,
            severity,
            message: message.into(),
            fixes: Vec::new(),
            unnecessary: false,
            deprecated: false,
        });
        self.items.last_mut().expect("just pushed")
    }
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }
}

impl Diagnostic {
    pub fn with_fix(
        &mut self,
        title: impl Into<String>,
        applicability: Applicability,
        edits: Vec<TextEdit>,
    ) -> &mut Diagnostic {
        self.fixes.push(Fix::new(title, applicability, edits));
        self
    }
    /// Adds a fix built by the caller (for one that edits several instructions).
    pub fn push_fix(&mut self, fix: Fix) -> &mut Diagnostic {
        self.fixes.push(fix);
        self
    }
    /// The fix fix-all applies in `mode`: the first safe fix, or in unsafe mode the
    /// first fix of all.
    pub fn fix_for(&self, unsafe_fixes: bool) -> Option<&Fix> {
        self.fixes
            .iter()
            .find(|f| f.is_safe())
            .or_else(|| self.fixes.first().filter(|_| unsafe_fixes))
    }
}

/// Declares a rule: its doc comment becomes its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub(crate) RULE {
///         id: "image-untagged",
///         summary: "Base image has neither tag nor digest",
///         level: Warning,
///         fix: None,
///         hadolint: ["DL3006"],
///         buildkit: [],
///         check: check,
///     }
/// }
/// ```
#[macro_export]
#[doc(hidden)]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis $name:ident {
            id: $id:literal,
            summary: $summary:literal,
            level: $level:ident,
            fix: $fix:ident,
            hadolint: [$($hl:literal),* $(,)?],
            buildkit: [$($bk:literal),* $(,)?],
            check: $check:path $(,)?
        }
    ) => {
        $vis static $name: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            id: $id,
            summary: $summary,
            default_level: $crate::declare_rule!(@level $level),
            fix: $crate::rules::FixAvailability::$fix,
            docs: concat!($($doc, "\n"),*),
            hadolint: &[$($hl),*],
            buildkit: &[$($bk),*],
            location: concat!(file!(), ":", line!()),
            check: $check,
        };
    };
    (@level Off) => { $crate::rules::Level::Off };
    (@level $sev:ident) => { $crate::rules::Level::On($crate::rules::Severity::$sev) };
}

/// Files with at least this many instructions run their rules on two threads: on the
/// 7,700-line corpus file that halves the rules' share of a keystroke, while for
/// typical files a thread would cost more than it saves.
const PARALLEL_INSTRUCTIONS: usize = 256;

/// The last measured cost of each rule (nanoseconds, by position in [`all_rules`]) on a
/// file large enough to run its rules on two threads. Rule costs differ by a factor of
/// a hundred (the package rules and the build-cache model against a keyword check), so
/// the threads take the rules most expensive first, each the next one left when it is
/// done, and finish together; a fixed split left one thread working alone for
/// milliseconds on the large corpus file.
static RULE_COSTS: LazyLock<Vec<AtomicU64>> =
    LazyLock::new(|| all_rules().iter().map(|_| AtomicU64::new(0)).collect());

/// Runs every enabled rule and applies configuration and suppressions.
pub fn run(ctx: &RuleContext<'_>) -> Vec<Diagnostic> {
    let config: &Config = ctx.config;
    let suppressions = suppression::Suppressions::collect(ctx);
    // (position in `all_rules`, rule, severity)
    let mut enabled: Vec<(usize, &'static RuleMeta, Severity)> = all_rules()
        .iter()
        .enumerate()
        .filter_map(|(i, &rule)| match config.level_of(rule) {
            Level::On(severity) if !suppressions.file_ignores(rule) => Some((i, rule, severity)),
            _ => None,
        })
        .collect();
    let parallel = ctx.syntax.instructions.len() >= PARALLEL_INSTRUCTIONS
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let mut out = Vec::new();
    if parallel {
        enabled.sort_by_key(|&(i, _, _)| std::cmp::Reverse(RULE_COSTS[i].load(Ordering::Relaxed)));
        let next = AtomicUsize::new(0);
        let work = || {
            let mut out = Vec::new();
            while let Some(&(i, rule, severity)) = enabled.get(next.fetch_add(1, Ordering::Relaxed))
            {
                let started = std::time::Instant::now();
                run_rule(ctx, &suppressions, rule, severity, &mut out);
                let cost = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
                RULE_COSTS[i].store(cost, Ordering::Relaxed);
            }
            out
        };
        std::thread::scope(|s| {
            let other = s.spawn(work);
            out = work();
            match other.join() {
                Ok(more) => out.extend(more),
                // Only reachable if the driver itself panicked (rules are contained): run
                // everything again on this thread.
                Err(_) => {
                    out.clear();
                    for &(_, rule, severity) in &enabled {
                        run_rule(ctx, &suppressions, rule, severity, &mut out);
                    }
                }
            }
        });
    } else {
        for &(_, rule, severity) in &enabled {
            run_rule(ctx, &suppressions, rule, severity, &mut out);
        }
    }
    // Stable: one rule's findings at the same range keep the order it reported them in.
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.id).cmp(&(b.range.start, b.range.end, b.rule.id))
    });
    out
}

/// Runs one rule into `out`, with configuration and suppressions applied; a rule that
/// panics loses its findings (logged), never the others'.
fn run_rule(
    ctx: &RuleContext<'_>,
    suppressions: &suppression::Suppressions,
    rule: &'static RuleMeta,
    severity: Severity,
    out: &mut Vec<Diagnostic>,
) {
    let mut acc = Diagnostics::default();
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (rule.check)(ctx, &mut acc)));
    if result.is_err() {
        tracing::error!(rule = rule.id, "rule panicked; its findings are dropped");
        return;
    }
    // A rule may report some findings below its default severity; they keep it unless
    // the configuration sets the rule's level.
    let configured = ctx.config.level_of(rule) != rule.default_level;
    for mut d in acc.into_vec() {
        if suppressions.ignores(rule, d.range.start()) {
            continue;
        }
        if configured {
            d.severity = severity;
        }
        out.push(d);
    }
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod run_tests {
    use super::*;
    use crate::ide::Analysis;

    /// `run` on a file large enough for two threads gives what running every rule one
    /// after the other gives, in the same order, whatever order the threads took the
    /// rules in (the measured costs change between runs).
    #[test]
    fn rules_on_two_threads_give_the_findings_of_one_thread() {
        let mut text =
            String::from("# hadolint ignore=DL3008\nARG TAG=latest\nFROM debian:$TAG AS base\n");
        for i in 0..200 {
            text.push_str(&format!(
                "RUN apt-get update && apt-get install curl{i} && cd /x{i}\nrun echo $HOME\nCOPY . /app{i}\nFROM base AS s{i}\n"
            ));
        }
        let analysis = Analysis::new(text.as_str());
        assert!(analysis.syntax().instructions.len() >= PARALLEL_INSTRUCTIONS);
        let config = crate::fuzz::all_rules_config();
        let ctx = RuleContext {
            text: analysis.text(),
            syntax: analysis.syntax(),
            model: analysis.model(),
            config: &config,
            line_index: analysis.line_index(),
            cache: analysis.cache_cell(),
        };
        let suppressions = suppression::Suppressions::collect(&ctx);
        let mut expected = Vec::new();
        for &rule in all_rules() {
            if let Level::On(severity) = config.level_of(rule) {
                if !suppressions.file_ignores(rule) {
                    run_rule(&ctx, &suppressions, rule, severity, &mut expected);
                }
            }
        }
        expected.sort_by(|a, b| {
            (a.range.start, a.range.end, a.rule.id).cmp(&(b.range.start, b.range.end, b.rule.id))
        });
        assert!(expected.len() > 1000, "{} findings", expected.len());
        for round in 0..3 {
            assert_eq!(run(&ctx), expected, "round {round}");
        }
    }
}

// One module per rule, generated by `build.rs` from the files that call `declare_rule!`.
include!(concat!(env!("OUT_DIR"), "/rule_modules.rs"));

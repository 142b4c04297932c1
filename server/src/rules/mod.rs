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

/// Runs every enabled rule and applies configuration and suppressions.
pub fn run(ctx: &RuleContext<'_>) -> Vec<Diagnostic> {
    let config: &Config = ctx.config;
    let suppressions = suppression::Suppressions::collect(ctx);
    let enabled: Vec<(&'static RuleMeta, Severity)> = all_rules()
        .iter()
        .filter_map(|&rule| match config.level_of(rule) {
            Level::On(severity) if !suppressions.file_ignores(rule) => Some((rule, severity)),
            _ => None,
        })
        .collect();
    let parallel = ctx.syntax.instructions.len() >= PARALLEL_INSTRUCTIONS
        && std::thread::available_parallelism().is_ok_and(|n| n.get() > 1);
    let mut out = if parallel {
        // Every other rule to the second thread: neighbours in the sorted list tend to
        // be alike in cost (the package rules, the stage rules).
        let (odd, even): (Vec<_>, Vec<_>) =
            enabled.iter().enumerate().partition(|(i, _)| i % 2 == 1);
        let odd: Vec<_> = odd.into_iter().map(|(_, r)| *r).collect();
        let even: Vec<_> = even.into_iter().map(|(_, r)| *r).collect();
        std::thread::scope(|s| {
            let other = s.spawn(|| run_rules(ctx, &suppressions, &odd));
            let mut out = run_rules(ctx, &suppressions, &even);
            match other.join() {
                Ok(more) => out.extend(more),
                // Only reachable if the driver itself panicked; rules are contained.
                Err(_) => out.extend(run_rules(ctx, &suppressions, &odd)),
            }
            out
        })
    } else {
        run_rules(ctx, &suppressions, &enabled)
    };
    out.sort_by(|a, b| {
        (a.range.start, a.range.end, a.rule.id).cmp(&(b.range.start, b.range.end, b.rule.id))
    });
    out
}

fn run_rules(
    ctx: &RuleContext<'_>,
    suppressions: &suppression::Suppressions,
    rules: &[(&'static RuleMeta, Severity)],
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &(rule, severity) in rules {
        let mut acc = Diagnostics::default();
        let result =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (rule.check)(ctx, &mut acc)));
        if result.is_err() {
            tracing::error!(rule = rule.id, "rule panicked; its findings are dropped");
            continue;
        }
        // A rule may report some findings below its default severity; they keep it
        // unless the configuration sets the rule's level.
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
    out
}

#[cfg(test)]
pub(crate) mod test_support;

// One module per rule, generated by `build.rs` from the files that call `declare_rule!`.
include!(concat!(env!("OUT_DIR"), "/rule_modules.rs"));

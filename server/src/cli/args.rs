//! The command-line grammar, declared with clap's derive API. Usage errors exit with
//! status 2 (clap's default), like every other usage error of the tool.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::format::Indent;
use crate::config::load::{nearest_rule_id, resolve_rule};
use crate::rules::{Level, Severity};

/// A language server and linter for Dockerfiles.
///
/// Without a command, runs the language server on stdin/stdout.
#[derive(Debug, Parser)]
#[command(name = "dockerfile-lsp", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the language server on stdin/stdout (the default).
    Serve(ServeArgs),
    /// Lint Dockerfiles and report findings.
    Check(CheckArgs),
    /// List the rules, or show one rule's documentation.
    Rules(RulesArgs),
    /// Format Dockerfiles in place (standard input: print the result).
    Format(FormatArgs),
    /// Pin every image reference to its digest by asking the registry (with `--check`:
    /// report unpinned and outdated references instead, for CI).
    Pin(PinArgs),
}

/// Options editors pass when they start the server.
#[derive(Debug, Default, Args)]
pub struct ServeArgs {
    /// Talk LSP over stdin/stdout (the only transport; accepted for editor clients).
    #[arg(long)]
    pub stdio: bool,
    /// The editor's process id, as passed by some clients; accepted and ignored.
    #[arg(long = "clientProcessId", hide = true, value_name = "PID")]
    pub client_process_id: Option<u32>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input. Directories are searched
    /// recursively for Dockerfiles. Defaults to the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// How findings are printed.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub format: OutputFormat,
    /// Exit with status 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Use this configuration file for every checked file instead of searching for one
    /// (`.yaml`/`.yml` is read as a hadolint file, anything else as dockerfile-lsp TOML).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Set a rule's level, overriding configuration files; repeatable. ID may be a rule
    /// id, a hadolint code or a BuildKit check name; LEVEL is off, error, warning, info or hint.
    #[arg(long = "rule", value_name = "ID=LEVEL", value_parser = parse_rule_override)]
    pub rules: Vec<RuleOverride>,
    /// The file name to show (and to search configuration from) for standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Apply every safe fix and write the files back (standard input: print the fixed
    /// text). The findings that remain are reported and decide the exit status.
    #[arg(long)]
    pub fix: bool,
    /// Also apply unsafe fixes, which may change what the build does; implies `--fix`.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print a unified diff of the fixes instead of writing anything (with
    /// `--unsafe-fixes` including unsafe ones). Exits with 1 when a file would change.
    #[arg(long)]
    pub diff: bool,
}

impl CheckArgs {
    /// True when fixes are applied, in memory at least.
    pub fn fixing(&self) -> bool {
        self.fix || self.unsafe_fixes || self.diff
    }
}

#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Files or directories to format; `-` reads standard input. Directories are searched
    /// recursively for Dockerfiles. Defaults to the current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write nothing; exit with 1 when a file is not formatted, naming it on stderr.
    #[arg(long)]
    pub check: bool,
    /// Write nothing; print a unified diff of the changes. Exits with 1 when a file would change.
    #[arg(long)]
    pub diff: bool,
    /// Use this configuration file for every file instead of searching for one.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The continuation indent: a number of spaces (1 to 16) or `tab`; overrides
    /// `[format] continuation-indent` of the configuration.
    #[arg(long, value_name = "N|tab", value_parser = parse_indent)]
    pub continuation_indent: Option<Indent>,
    /// The file name to show (and to search configuration from) for standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PinArgs {
    /// Files or directories to pin; `-` reads standard input (and prints the pinned
    /// text). Directories are searched recursively for Dockerfiles. Defaults to the
    /// current directory.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Write nothing; exit with 1 when a reference is not pinned or its digest is no
    /// longer what its tag points to, listing each on stdout.
    #[arg(long)]
    pub check: bool,
    /// Use this configuration file for every file instead of searching for one
    /// (its `[registry]` table applies).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The time one lookup may take, in milliseconds (default 10000); overrides
    /// `[registry] timeout-ms`.
    #[arg(long, value_name = "MS")]
    pub timeout_ms: Option<u64>,
    /// A registry host (`host` or `host:port`) to speak plain http to; repeatable.
    /// Loopback hosts always are.
    #[arg(long = "insecure-host", value_name = "HOST")]
    pub insecure_hosts: Vec<String>,
    /// Docker's configuration folder, for credentials (default: `$DOCKER_CONFIG`, else
    /// `~/.docker`); overrides `[registry] docker-config`.
    #[arg(long, value_name = "DIR")]
    pub docker_config: Option<String>,
    /// The file name to show (and to search configuration from) for standard input.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
}

fn parse_indent(s: &str) -> Result<Indent, String> {
    Indent::from_name(s)
        .or_else(|| s.parse().ok().and_then(Indent::from_spaces))
        .ok_or_else(|| format!("expected a number of spaces (1 to 16) or `tab`, got `{s}`"))
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule id, hadolint code (DL3006) or BuildKit check name; omit to list every rule.
    #[arg(value_name = "RULE")]
    pub rule: Option<String>,
    /// How the rules are printed.
    #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

/// The output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// `path:line:col: severity[rule] message` with the source line and carets.
    Text,
    /// A JSON array of findings (see docs/cli.md).
    Json,
    /// SARIF 2.1.0, for code-scanning services.
    Sarif,
    /// GitHub Actions workflow commands, shown as annotations on pull requests.
    Github,
}

/// The output formats of `rules`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

/// The lowest severity that makes `check` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
    /// Never fail because of findings.
    None,
}

impl FailOn {
    /// True when a finding of `severity` makes the run fail.
    pub fn fails(self, severity: Severity) -> bool {
        let threshold = match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
            FailOn::Hint => Severity::Hint,
            FailOn::None => return false,
        };
        // Severities are ordered from most to least severe.
        severity <= threshold
    }
}

/// When to colour text output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset or empty.
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Decides whether to colour, given whether stdout is a terminal and `NO_COLOR`.
    pub fn resolve(self, stdout_is_terminal: bool, no_color: Option<&std::ffi::OsStr>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => stdout_is_terminal && no_color.is_none_or(|v| v.is_empty()),
        }
    }
}

/// One `--rule ID=LEVEL`, resolved to a rule id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleOverride {
    pub rule: &'static str,
    pub level: Level,
}

fn parse_rule_override(s: &str) -> Result<RuleOverride, String> {
    let (name, level) = s
        .split_once('=')
        .ok_or_else(|| format!("expected ID=LEVEL, got `{s}`"))?;
    let name = name.trim();
    let rule = resolve_rule(name).ok_or_else(|| {
        let hint = nearest_rule_id(name)
            .map(|id| format!("; did you mean `{id}`?"))
            .unwrap_or_default();
        format!("unknown rule `{name}`{hint}")
    })?;
    let level = Level::parse(level.trim()).ok_or_else(|| {
        format!(
            "unknown level `{}`: use off, error, warning, info or hint",
            level.trim()
        )
    })?;
    Ok(RuleOverride {
        rule: rule.id,
        level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn serve_is_the_default_and_accepts_stdio() {
        for argv in [
            &["dockerfile-lsp"][..],
            &["dockerfile-lsp", "--stdio"],
            &["dockerfile-lsp", "serve"],
            &["dockerfile-lsp", "serve", "--stdio"],
            &["dockerfile-lsp", "--stdio", "--clientProcessId", "42"],
        ] {
            let cli = Cli::try_parse_from(argv).unwrap();
            assert!(
                matches!(cli.command, None | Some(Command::Serve(_))),
                "{argv:?}"
            );
        }
    }

    #[test]
    fn rule_overrides_resolve_and_reject_unknown_ids() {
        assert_eq!(
            parse_rule_override("syntax-error=off"),
            Ok(RuleOverride {
                rule: "syntax-error",
                level: Level::Off
            })
        );
        assert_eq!(
            parse_rule_override("syntax-eror=hint"),
            Err("unknown rule `syntax-eror`; did you mean `syntax-error`?".to_string())
        );
        assert!(parse_rule_override("syntax-error").is_err());
        assert!(parse_rule_override("syntax-error=loud").is_err());
    }

    #[test]
    fn fail_on_thresholds() {
        assert!(FailOn::Warning.fails(Severity::Error));
        assert!(FailOn::Warning.fails(Severity::Warning));
        assert!(!FailOn::Warning.fails(Severity::Info));
        assert!(!FailOn::None.fails(Severity::Error));
        assert!(FailOn::Hint.fails(Severity::Hint));
    }

    #[test]
    fn colour_follows_terminal_and_no_color() {
        use std::ffi::OsStr;
        assert!(ColorChoice::Auto.resolve(true, None));
        assert!(ColorChoice::Auto.resolve(true, Some(OsStr::new(""))));
        assert!(!ColorChoice::Auto.resolve(true, Some(OsStr::new("1"))));
        assert!(!ColorChoice::Auto.resolve(false, None));
        assert!(ColorChoice::Always.resolve(false, Some(OsStr::new("1"))));
    }
}

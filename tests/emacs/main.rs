//! A second real client: Emacs with Eglot drives the release binary.
//!
//! `eglot-test.el` runs in an interactive `emacs -nw` under a pseudo-terminal (`script`
//! from util-linux): Eglot and Flymake work from idle timers and `post-command-hook`,
//! which `--batch` never runs. It loads `editors/emacs/dockerfile-lsp.el` the way a
//! user's init file does (`eglot-ensure` on `dockerfile-lsp-hook`, settings in
//! `eglot-workspace-configuration`), types `C-x C-f Dockerfile RET`, and then, all by
//! keystrokes: reads the Flymake diagnostics, shows the hover with `C-h .`, applies the
//! preferred quick fix (`M-x eglot-code-actions RET RET`) and a non-preferred one
//! picked by its title, describes a rule (`M-x dockerfile-lsp-describe-rule`), formats
//! (`M-x eglot-format-buffer`) and fixes everything (`M-x dockerfile-lsp-fix-all`),
//! waiting after each edit until Flymake shows what the server published for the new
//! document version. The test compares every buffer text and every diagnostic with
//! what the core computes for the same text and settings.
//!
//! A second run pins images with `M-x dockerfile-lsp-pin-images` against a registry on
//! loopback, with the settings in the package's own `dockerfile-lsp-settings`.
//!
//! A batch test (`package-test.el`) checks what the package sets up without a
//! server: it byte-compiles without warnings, every file name the CLI treats as a
//! Dockerfile (and no other) opens in a mode the server manages, and Eglot picks
//! dockerfile-lsp for all three modes.
//!
//! Skipped with a message when Emacs, Eglot or `script` is missing, unless
//! `DOCKERFILE_LSP_REQUIRE_EMACS=1` (CI) makes that a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use dockerfile_lsp::config::format::Indent;
use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::format::{format_document, FormatOptions};
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::rules::Severity;
use dockerfile_lsp::text::{apply_edits, ColumnUnit, LineIndex};
use dockerfile_lsp_tests::{run_bounded, run_checked, skip, tail};
use serde_json::{json, Value};

const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_EMACS";
/// Emacs (and the pty around it) is killed after this long.
const HARD_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the script waits for each step.
const STEP_TIMEOUT_MS: u64 = 20_000;
/// The script gives up (and still writes what it saw) this long before the hard timeout.
const SCRIPT_TOTAL_MS: u64 = 110_000;

/// A MAINTAINER (preferred safe fix), an `apt-get install` after a character outside
/// the BMP (UTF-16 columns differ from Emacs's character columns) whose fix is unsafe,
/// a continuation line and an indented instruction for the formatter, a shell-form CMD
/// for fix-all, and no USER (the `user-missing` rule is turned off in the settings).
const DOCKERFILE: &str = "FROM debian:12.5\n\
MAINTAINER jane@example.com\n\
RUN echo \"🐳\" && apt-get install -y \\\n        curl=7.88.1-10\n\
\x20 EXPOSE 8080\n\
CMD node server.js\n";

/// The buffer's `tab-width` when it is formatted: Eglot sends it as `tabSize`.
const TAB_WIDTH: u8 = 2;

fn settings() -> Value {
    json!({
        "diagnostics": { "delayMs": 0 },
        "rules": { "user-missing": "off", "DL3015": "warning" }
    })
}

fn config() -> Config {
    let (config, warnings) = dockerfile_lsp::lsp::config::config_from_settings(&settings());
    assert!(warnings.is_empty(), "{warnings:?}");
    config
}

/// `emacs --version`'s first line, when Emacs runs and can load Eglot (built in since
/// Emacs 29, the `elpa-eglot` package on Debian 12's Emacs 28) and `script` can give it
/// a pseudo-terminal; otherwise why not.
fn emacs_with_eglot() -> Result<String, String> {
    let version = probe(
        Command::new("emacs").arg("--version"),
        "emacs (apt-get install emacs-nox)",
    )?;
    let version = version.lines().next().unwrap_or_default().to_string();
    probe(
        Command::new("emacs").args(["--batch", "--eval", "(require 'eglot)"]),
        &format!("eglot in {version} (apt-get install elpa-eglot)"),
    )?;
    // `script` (util-linux) must be able to open a pseudo-terminal here.
    probe(
        Command::new("script").args(["-q", "-e", "-c", "true", "/dev/null"]),
        "a pseudo-terminal through `script`",
    )?;
    Ok(version)
}

/// Runs `command` to see whether `what` is available: its standard output when it
/// succeeds, else why not.
fn probe(command: &mut Command, what: &str) -> Result<String, String> {
    let out = run_checked(command).map_err(|e| format!("{what}: {e}"))?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// `s` quoted for `sh -c`.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// One diagnostic as Emacs shows it: 1-based line, 0-based column in characters (both
/// ends), Flymake type, Flymake text, and the LSP code and severity it came from.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Shown {
    line: u64,
    col: u64,
    end_line: u64,
    end_col: u64,
    code: String,
    severity: u64,
    flymake_type: String,
    text: String,
}

/// What Eglot must show for `text`: the core's diagnostics under `config`,
/// in Emacs's line and column terms, with Eglot's severity-to-type mapping and its
/// `source [code]: message` text.
fn expected(text: &str, config: &Config) -> Vec<Shown> {
    let analysis = Analysis::new(text);
    let index = LineIndex::new(text);
    let mut out: Vec<Shown> = analysis
        .diagnostics(config)
        .iter()
        .map(|d| {
            let start = index.line_col(text, d.range.start(), ColumnUnit::Char);
            let end = index.line_col(text, d.range.end(), ColumnUnit::Char);
            let (severity, flymake_type) = match d.severity {
                Severity::Error => (1, "eglot-error"),
                Severity::Warning => (2, "eglot-warning"),
                Severity::Info => (3, "eglot-note"),
                Severity::Hint => (4, "eglot-note"),
            };
            Shown {
                line: start.line as u64 + 1,
                col: start.col as u64,
                end_line: end.line as u64 + 1,
                end_col: end.col as u64,
                code: d.code().to_string(),
                severity,
                flymake_type: flymake_type.to_string(),
                text: format!("dockerfile-lsp [{}]: {}", d.code(), d.message),
            }
        })
        .collect();
    out.sort();
    out
}

/// The diagnostics Flymake held, as the script recorded them.
fn shown(items: &Value) -> Vec<Shown> {
    let mut out: Vec<Shown> = items
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| Shown {
            line: d["line"].as_u64().unwrap_or(u64::MAX),
            col: d["col"].as_u64().unwrap_or(u64::MAX),
            end_line: d["end_line"].as_u64().unwrap_or(u64::MAX),
            end_col: d["end_col"].as_u64().unwrap_or(u64::MAX),
            code: d["code"].as_str().unwrap_or("<no code>").to_string(),
            severity: d["severity"].as_u64().unwrap_or(0),
            flymake_type: d["type"].as_str().unwrap_or_default().to_string(),
            text: d["text"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    out.sort();
    out
}

fn codes(diags: &[Shown]) -> Vec<&str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

/// `text` after the first fix of its `code` diagnostic titled `title` (as the core
/// computes it).
fn with_fix(text: &str, code: &str, title: &str) -> String {
    let analysis = Analysis::new(text);
    let diagnostics = analysis.diagnostics(&config());
    let fix = diagnostics
        .iter()
        .filter(|d| d.code() == code)
        .flat_map(|d| d.fixes.iter())
        .find(|f| f.title == title)
        .unwrap_or_else(|| panic!("no fix `{title}` for {code} in {text:?}"));
    apply_edits(text, &fix.edits)
}

/// Everything printed when an assertion fails: what Emacs, Eglot and the server said.
struct Run {
    result: Value,
    context: String,
}

/// Runs `eglot-test.el` in `emacs -nw` under a pty on a fresh directory holding a
/// `Dockerfile` with `text`, with `settings` (unless null) as the `dockerfileLsp`
/// section of `eglot-workspace-configuration`. `None` when Emacs or Eglot is missing (and not required).
fn run_emacs(text: &str, settings: &Value, env: &[(&str, String)]) -> Option<Run> {
    let version = match emacs_with_eglot() {
        Ok(version) => version,
        Err(why) => {
            skip(REQUIRE, &why);
            return None;
        }
    };
    let bin = dockerfile_lsp_tests::release_binary();
    let dir = tempfile::Builder::new()
        .prefix("dockerfile-lsp-emacs-")
        .tempdir()
        .expect("temporary directory");
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let file = dir.path().join("Dockerfile");
    let out = dir.path().join("result.json");
    let pid_file = dir.path().join("emacs.pid");
    std::fs::write(&file, text).unwrap();
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = tests.join("emacs/eglot-test.el");
    let package: PathBuf = tests.join("../editors/emacs");

    // `-q`: no init file, but the site files (Debian's elpa packages) load as for users.
    // Native compilation (Emacs 28+) would compile packages in the background and pop
    // up a *Warnings* window over the one the test reads: off.
    let emacs = format!(
        "emacs -nw -q --no-splash --eval {} -l {}",
        sh_quote(
            "(setq native-comp-deferred-compilation nil \
             native-comp-async-report-warnings-errors nil \
             warning-suppress-types '((comp)))"
        ),
        sh_quote(&script.display().to_string())
    );
    let mut command = Command::new("script");
    command
        .args(["-q", "-f", "-e", "-c", &emacs, "/dev/null"])
        .env("DLSP_EMACS_DIR", &package)
        .env("DLSP_BIN", &bin)
        .env("DLSP_FILE", &file)
        .env("DLSP_OUT", &out)
        .env("DLSP_PID_FILE", &pid_file)
        .env("DLSP_TIMEOUT_MS", STEP_TIMEOUT_MS.to_string())
        .env("DLSP_TOTAL_MS", SCRIPT_TOTAL_MS.to_string())
        .env("HOME", &home)
        .env("TERM", "xterm")
        .env("RUST_LOG", "info")
        .current_dir(dir.path());
    if !settings.is_null() {
        command.env("DLSP_SETTINGS", settings.to_string());
    }
    for (k, v) in env {
        command.env(k, v);
    }
    let start = Instant::now();
    let (status, terminal, stderr) = run_bounded(&mut command, HARD_TIMEOUT, || {
        // Emacs runs in its own session under the pty: kill it by its pid, then the
        // `script` around it.
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
        }
    });
    let raw = std::fs::read_to_string(&out).ok();
    let result: Value = raw
        .as_deref()
        .and_then(|raw| serde_json::from_str(raw).ok())
        .unwrap_or(Value::Null);
    let field = |key: &str| result[key].as_str().unwrap_or_default().to_string();
    let context = format!(
        "{version}, eglot {}, {:.1?} elapsed, exit {status:?}\n\
         --- script errors: {}\n\
         --- server stderr:\n{}\n\
         --- *Messages*:\n{}\n\
         --- *Warnings*:\n{}\n\
         --- Eglot events buffer (tail):\n{}\n\
         --- script's stderr:\n{stderr}\n\
         --- terminal output (tail):\n{}",
        field("eglot"),
        start.elapsed(),
        result["errors"],
        field("stderr"),
        field("messages"),
        field("warnings"),
        tail(&field("events"), 12_000),
        tail(&terminal, 3_000),
    );
    if status.is_none() {
        panic!("emacs did not finish within {HARD_TIMEOUT:?}; killed\n{context}");
    }
    assert!(
        raw.is_some() && result.is_object(),
        "emacs wrote no result\n{context}"
    );
    let errors = result["errors"].as_array().cloned().unwrap_or_default();
    assert!(errors.is_empty(), "the Emacs script failed\n{context}");
    Some(Run { result, context })
}

/// Checks one quick-fix step the script recorded: the fix titled `fix.1` of the `fix.0`
/// diagnostic was chosen, the buffer holds `before` with that fix as the core computes
/// it, and Flymake shows the core's diagnostics for that text, which are `remaining`
/// (the fixed one gone, the others kept). Returns the new text and the menu offered
/// (title, preferred).
fn check_fix_step(
    step: &Value,
    before: &str,
    fix: (&str, &str),
    remaining: &[&str],
    context: &str,
) -> (String, Vec<(String, bool)>) {
    let (code, title) = fix;
    assert_eq!(step["chosen"]["title"], title, "{step}\n{context}");
    let after = with_fix(before, code, title);
    assert_eq!(step["text"], after.as_str(), "{context}");
    let diags = shown(&step["diagnostics"]);
    assert_eq!(
        diags,
        expected(&after, &config()),
        "after the fix of {code}\n{context}"
    );
    assert_eq!(
        codes(&diags),
        remaining,
        "after the fix of {code}\n{context}"
    );
    let menu = step["menu"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            (
                item["title"].as_str().unwrap_or_default().to_string(),
                item["preferred"] == true,
            )
        })
        .collect();
    (after, menu)
}

#[test]
fn emacs_eglot_shows_diagnostics_and_applies_quick_fixes() {
    let steps = json!([
        { "code": "maintainer-deprecated", "pick": "preferred" },
        { "code": "apt-no-install-recommends", "pick": "Add `--no-install" },
    ]);
    let Some(Run { result, context }) = run_emacs(
        DOCKERFILE,
        &settings(),
        &[
            ("DLSP_STEPS", steps.to_string()),
            ("DLSP_DESCRIBE", "json-args-recommended".to_string()),
            ("DLSP_TAB_WIDTH", TAB_WIDTH.to_string()),
            // The package's own settings say otherwise: the project's
            // `eglot-workspace-configuration` section must win over them.
            (
                "DLSP_PACKAGE_SETTINGS",
                json!({ "rules": { "user-missing": "error", "DL3015": "off" } }).to_string(),
            ),
        ],
    ) else {
        return;
    };

    // The package chose a mode the server manages, and told the server the language.
    let mode = result["major_mode"].as_str().unwrap_or_default();
    assert!(
        [
            "dockerfile-mode",
            "dockerfile-ts-mode",
            "dockerfile-lsp-fallback-mode"
        ]
        .contains(&mode),
        "major mode {mode}\n{context}"
    );
    assert_eq!(result["language_id"], "dockerfile", "{context}");

    // What Flymake shows on open is what the core computes under the settings sent
    // through `eglot-workspace-configuration` (not the package's, which it overrides):
    // `user-missing` off, DL3015 a warning.
    let initial = shown(&result["initial"]);
    assert_eq!(
        initial,
        expected(DOCKERFILE, &config()),
        "initial diagnostics\n{context}"
    );
    assert_eq!(
        codes(&initial),
        [
            "maintainer-deprecated",
            "apt-no-install-recommends",
            "leading-whitespace",
            "json-args-recommended"
        ],
        "{context}"
    );
    let apt = &initial[1];
    // After the whale (one character in Emacs, two UTF-16 units on the wire).
    assert_eq!((apt.line, apt.col, apt.end_col), (3, 24, 31), "{context}");
    assert_eq!(
        (apt.severity, apt.flymake_type.as_str()),
        (2, "eglot-warning"),
        "{context}"
    );

    // `C-h .` on FROM shows the signature and the hover (its build-cache section).
    let hover = result["hover"].as_str().unwrap_or_default();
    for needle in [
        "FROM [--platform=<platform>] <image> [AS <name>]",
        "Starts a new build stage",
        "Build cache",
        "docker.io/library/debian:12.5",
        "Changing this line rebuilds 1 later step",
    ] {
        assert!(
            hover.contains(needle),
            "hover lacks {needle:?}: {hover}\n{context}"
        );
    }

    // The quick fixes, through eglot's own menu.
    let done = result["steps"].as_array().cloned().unwrap_or_default();
    assert_eq!(done.len(), 2, "{context}");
    // 1. RET took the menu's default, the preferred (safe) fix, listed first.
    let label_fix = "Replace with `LABEL org.opencontainers.image.authors=\"…\"`";
    let (after_label, menu) = check_fix_step(
        &done[0],
        DOCKERFILE,
        ("maintainer-deprecated", label_fix),
        &[
            "apt-no-install-recommends",
            "leading-whitespace",
            "json-args-recommended",
        ],
        &context,
    );
    assert_eq!(
        menu.first(),
        Some(&(label_fix.to_string(), true)),
        "{menu:?}"
    );
    assert_eq!(menu.iter().filter(|(_, p)| *p).count(), 1, "{menu:?}");
    assert_eq!(done[0]["default"], label_fix, "{context}");
    assert_eq!(
        after_label,
        DOCKERFILE.replace(
            "MAINTAINER jane@example.com",
            "LABEL org.opencontainers.image.authors=\"jane@example.com\""
        )
    );

    // 2. The unsafe fix is not preferred: picked by typing its title.
    let apt_fix = "Add `--no-install-recommends` (recommended packages are no longer installed)";
    let (after_apt, menu) = check_fix_step(
        &done[1],
        &after_label,
        ("apt-no-install-recommends", apt_fix),
        &["leading-whitespace", "json-args-recommended"],
        &context,
    );
    assert!(menu.iter().all(|(_, p)| !p), "{menu:?}");
    assert!(
        after_apt.contains("RUN echo \"🐳\" && apt-get install --no-install-recommends -y \\"),
        "{after_apt}"
    );

    // `M-x dockerfile-lsp-describe-rule RET RET` on the CMD shows `dockerfile-lsp rules
    // json-args-recommended`.
    let rule_doc = Command::new(dockerfile_lsp_tests::release_binary())
        .args(["rules", "json-args-recommended"])
        .output()
        .expect("dockerfile-lsp rules");
    assert!(rule_doc.status.success());
    let rule_doc = String::from_utf8(rule_doc.stdout).unwrap();
    assert!(rule_doc.contains("CMD node server.js"), "{rule_doc}");
    assert_eq!(
        result["rule_doc"].as_str().map(str::trim_end),
        Some(rule_doc.trim_end()),
        "{context}"
    );

    // `M-x eglot-format-buffer` with `tab-width` 2: continuation lines indented by two
    // spaces, as the core formats with those options; the indented EXPOSE moves left.
    let options = FormatOptions {
        indent: Indent::Spaces(TAB_WIDTH),
        tab_width: usize::from(TAB_WIDTH),
    };
    let formatted = apply_edits(
        &after_apt,
        &format_document(&Analysis::new(after_apt.as_str()), options),
    );
    assert!(
        formatted.contains("\\\n  curl=7.88.1-10\nEXPOSE 8080\n"),
        "{formatted}"
    );
    assert_eq!(result["formatted"], formatted.as_str(), "{context}");

    // `M-x dockerfile-lsp-fix-all`: the core's fix-all (the CMD in exec form), after
    // which nothing is left to report.
    let fixed = dockerfile_lsp::fix::fix_all(&formatted, &config(), false);
    assert!(fixed.changed());
    assert!(
        fixed.text.ends_with("CMD [\"node\", \"server.js\"]\n"),
        "{}",
        fixed.text
    );
    assert_eq!(result["fix_all"]["text"], fixed.text.as_str(), "{context}");
    let diags = shown(&result["fix_all"]["diagnostics"]);
    assert_eq!(diags, expected(&fixed.text, &config()), "{context}");
    assert!(diags.is_empty(), "{diags:?}\n{context}");
    // Once more, with nothing left: a message instead of an error, and no edit.
    assert_eq!(
        result["fix_all_again"]["message"], "dockerfile-lsp: nothing to fix",
        "{context}"
    );
    assert_eq!(
        result["fix_all_again"]["text"],
        fixed.text.as_str(),
        "{context}"
    );

    // Every push named the version it was computed for; the shutdown was answered.
    let published = result["published"].as_array().cloned().unwrap_or_default();
    assert!(published.len() >= 5, "{published:?}\n{context}");
    assert!(
        published.iter().all(|p| p["version"].is_u64()),
        "{published:?}"
    );
    assert!(result["shutdown_error"].is_null(), "{context}");
}

/// The modes the package registers with Eglot.
const MANAGED_MODES: [&str; 3] = [
    "dockerfile-mode",
    "dockerfile-ts-mode",
    "dockerfile-lsp-fallback-mode",
];

#[test]
fn emacs_package_compiles_and_maps_file_names_and_modes_to_the_server() {
    let version = match emacs_with_eglot() {
        Ok(version) => version,
        Err(why) => return skip(REQUIRE, &why),
    };
    let names = [
        "Dockerfile",
        "dockerfile",
        "Containerfile",
        "containerfile",
        "Dockerfile.dev",
        "Containerfile.prod",
        "api.Dockerfile",
        "api.dockerfile",
        "web.Containerfile",
        "web.containerfile",
        "Dockerfile.dockerignore",
        "api.Dockerfile.dockerignore",
        "Dockerfile.",
        "Dockerfilex",
        ".dockerfile",
        "docker-compose.yml",
        "notes.txt",
    ];
    let dir = tempfile::Builder::new()
        .prefix("dockerfile-lsp-emacs-package-")
        .tempdir()
        .expect("temporary directory");
    let out = dir.path().join("result.json");
    let build = dir.path().join("build");
    std::fs::create_dir_all(&build).unwrap();
    let tests = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new("emacs");
    command
        .args(["--batch", "-l"])
        .arg(tests.join("emacs/package-test.el"))
        .env("DLSP_EMACS_DIR", tests.join("../editors/emacs"))
        .env("DLSP_OUT", &out)
        .env("DLSP_BUILD_DIR", &build)
        .env("DLSP_NAMES", json!(names).to_string())
        .env("HOME", dir.path());
    let (status, stdout, stderr) = run_bounded(&mut command, Duration::from_secs(60), || {});
    let context =
        format!("{version}, exit {status:?}\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}");
    let raw = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("emacs wrote no result ({e})\n{context}"));
    let result: Value = serde_json::from_str(&raw).expect("result JSON");

    // The package byte-compiles with every warning an error.
    assert_eq!(
        result["compiled"], true,
        "{}\n{context}",
        result["compile_log"]
    );

    // The file names: a managed mode exactly for the names the CLI lints.
    for name in names {
        let mode = result["modes"][name].as_str().unwrap_or_default();
        let dockerfile = dockerfile_lsp::cli::discover::is_dockerfile_name(name);
        assert_eq!(
            MANAGED_MODES.contains(&mode),
            dockerfile,
            "{name} opens in {mode}\n{context}"
        );
    }
    // Without dockerfile-mode or the tree-sitter grammar (CI), the fallback mode.
    assert!(
        [
            "dockerfile-lsp-fallback-mode",
            "dockerfile-mode",
            "dockerfile-ts-mode"
        ]
        .contains(
            &result["modes"]["Containerfile"]
                .as_str()
                .unwrap_or_default()
        ),
        "{raw}"
    );

    // Eglot starts `dockerfile-lsp serve` for all three modes (ahead of its own
    // docker-langserver entry for dockerfile-mode), with language id "dockerfile",
    // one server managing the three.
    for mode in MANAGED_MODES {
        let entry = &result["eglot"][mode];
        assert_eq!(entry["program"], "dockerfile-lsp", "{mode}: {entry}");
        assert_eq!(entry["args"], json!(["serve"]), "{mode}: {entry}");
        assert_eq!(entry["language_id"], "dockerfile", "{mode}: {entry}");
        let mut managed: Vec<&str> = entry["managed"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(managed.first(), Some(&mode), "{entry}");
        managed.sort_unstable();
        let mut all = MANAGED_MODES.to_vec();
        all.sort_unstable();
        assert_eq!(managed, all, "{entry}");
    }

    // The connection is the package's Eglot class (it answers `workspace/configuration`
    // from `dockerfile-lsp-settings`); initializationOptions: an empty object by
    // default, the user's plist as JSON, which the server reads without a warning.
    assert_eq!(result["class"], "dockerfile-lsp-server", "{raw}");
    assert_eq!(result["init_default"], "{}", "{raw}");
    let custom: Value =
        serde_json::from_str(result["init_custom"].as_str().unwrap_or_default()).unwrap();
    assert_eq!(
        custom,
        json!({ "rules": { "user-missing": "off" }, "registry": { "offline": true } })
    );
    let (config, warnings) = dockerfile_lsp::lsp::config::config_from_settings(&custom);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_ne!(config, Config::default());
}

/// `M-x dockerfile-lsp-pin-images` against a real registry on loopback that wants
/// credentials (read from the Docker configuration the settings name). Eglot 1.9 has
/// no `codeAction/resolve`, so the server answers with its `dockerfile-lsp.pinImages`
/// command, Eglot runs it, and the server sends the edit with `workspace/applyEdit`,
/// which Eglot applies once the user answers `y`.
#[test]
fn emacs_pins_images_through_the_package_command() {
    use dockerfile_lsp_tests::registry::{start_or_skip, Auth};
    if let Err(why) = emacs_with_eglot() {
        return skip(REQUIRE, &why);
    }
    let Some(registry) = start_or_skip(Auth::basic("builder", "s3cret")) else {
        return;
    };
    let base = registry.push_index("team/base", "1.2", &["linux/amd64", "linux/arm64"]);
    let tool = registry.push_image("team/tool", "3");
    let host = registry.host();
    let text = format!(
        "ARG VERSION=1.2\n\
         FROM {host}/team/base:${{VERSION}} AS build\n\
         COPY --from={host}/team/tool:3 /bin/tool /bin/tool\n\
         FROM build\n\
         RUN true\n"
    );
    // Through the package's own `dockerfile-lsp-settings` this time (no
    // `eglot-workspace-configuration`): sent as initializationOptions, and the answer
    // to the server's `workspace/configuration` request, so that Eglot's empty
    // `didChangeConfiguration` on connecting does not reset them.
    let settings = json!({
        "diagnostics": { "delayMs": 0 },
        "rules": { "user-missing": "off" },
        "registry": { "dockerConfig": registry.docker_config(), "timeoutMs": 10000 }
    });
    let Some(Run { result, context }) = run_emacs(
        &text,
        &Value::Null,
        &[
            ("DLSP_FLOW", "pin".to_string()),
            ("DLSP_PACKAGE_SETTINGS", settings.to_string()),
        ],
    ) else {
        return;
    };
    let (config, warnings) = dockerfile_lsp::lsp::config::config_from_settings(&settings);
    assert!(warnings.is_empty(), "{warnings:?}");
    let initial = shown(&result["initial"]);
    assert_eq!(initial, expected(&text, &config), "{context}");
    assert!(!codes(&initial).contains(&"user-missing"), "{context}");
    // The command applied the edit it asked for without a question (Eglot's default
    // `eglot-confirm-server-initiated-edits` would ask).
    assert!(
        result["pin_prompt"].is_null(),
        "a question was left open: {}\n{context}",
        result["pin_prompt"]
    );
    // Both references carry the digests the harness pushed; the variable stays.
    let pinned = format!(
        "ARG VERSION=1.2\n\
         FROM {host}/team/base:${{VERSION}}@{} AS build\n\
         COPY --from={host}/team/tool:3@{} /bin/tool /bin/tool\n\
         FROM build\n\
         RUN true\n",
        base.digest, tool.digest
    );
    assert_eq!(result["pinned"]["text"], pinned.as_str(), "{context}");
    assert_eq!(
        shown(&result["pinned"]["diagnostics"]),
        expected(&pinned, &config),
        "{context}"
    );
    // No failure reached the user, and the password never did.
    let messages = result["messages"].as_str().unwrap_or_default();
    assert!(!messages.contains("could not"), "{messages}");
    assert!(!messages.contains("s3cret"), "{messages}");
    assert!(result["shutdown_error"].is_null(), "{context}");
}

//! A real editor against the real binary: headless Neovim, every test on both Debian's
//! 0.7.2 (`nvim` on PATH, module `neovim_0_7`) and 0.11 (`target/nvim-venv/bin/nvim` from
//! `scripts/nvim-venv.sh`, or `$DOCKERFILE_LSP_NVIM011`; module `neovim_0_11`), with the
//! shipped plugin (`editors/nvim`) on its runtimepath drives the release
//! `dockerfile-lsp` (`dockerfile_lsp_tests::release_binary()`). Every script starts the
//! server as a user does: `require('dockerfile_lsp').setup{…}`, `:edit`, filetype
//! detection, the plugin's FileType autocommand (`start.lua`). The tests cover
//! diagnostics, hover, quick fixes, completion, formatting, rename and pinning through
//! Neovim's own LSP client; typing key by key (`typing.lua`); and the plugin itself:
//! filetype detection, roots, settings, commands, a missing binary (`plugin.lua`,
//! `missing.lua`, `preopened.lua`, `pin_all.lua`). On 0.11 only, `enable.lua` starts the
//! server without `setup()`, through `vim.lsp.config` and `vim.lsp.enable` (module
//! `neovim_0_11_only`). The scripts branch on `vim.fn.has('nvim-0.11')` where 0.11
//! removed or changed an API. A missing Neovim skips its tests unless
//! `DOCKERFILE_LSP_REQUIRE_NVIM=1`.
//!
//! Each Neovim run is killed after [`HARD_TIMEOUT`]; a failure prints Neovim's output,
//! `:messages` and the tail of the debug-level `lsp.log` (the JSON-RPC traffic).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use dockerfile_lsp::config::Config;
use dockerfile_lsp::ide::Analysis;
use dockerfile_lsp::text::ColumnUnit;
use dockerfile_lsp_tests::{run_bounded, skip, tail};
use serde_json::Value;

const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_NVIM";
/// The whole Neovim run is killed after this long.
const HARD_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the Lua script waits for each step.
const STEP_TIMEOUT_MS: u64 = 20_000;

const DOCKERFILE: &str = "FROM ubuntu\nENV X\nRUN echo hello\n";
/// Inserted at the end of `ENV X` (0-based line 1, byte column 5): fixes the syntax error.
const EDIT: (u32, u32, &str) = (1, 5, "=1");

/// The Neovim a test runs: Debian's 0.7 (`nvim` on PATH) or 0.11 (the test venv).
pub struct Nvim {
    /// The executable.
    program: PathBuf,
    /// The first line of `nvim --version`, e.g. `NVIM v0.11.4`.
    version: String,
    /// The minor version (7 for 0.7.2, 11 for 0.11.4).
    minor: u64,
}

impl Nvim {
    /// Runs `program --version`; `None` when it does not run.
    fn probe(program: PathBuf) -> Option<Nvim> {
        let out = Command::new(&program).arg("--version").output().ok()?;
        if !out.status.success() {
            return None;
        }
        let version = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        let minor = version
            .strip_prefix("NVIM v0.")
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse().ok())
            .unwrap_or_else(|| {
                panic!("{}: unexpected version line {version:?}", program.display())
            });
        Some(Nvim {
            program,
            version,
            minor,
        })
    }

    /// Debian's Neovim, `nvim` on PATH; `None` (after [`skip`]) when it is missing.
    fn v0_7() -> Option<Nvim> {
        let nvim = Nvim::probe(PathBuf::from("nvim"));
        if nvim.is_none() {
            skip(REQUIRE, "nvim not found on PATH (apt-get install neovim)");
        }
        nvim
    }

    /// Neovim 0.11: `$DOCKERFILE_LSP_NVIM011`, else `target/nvim-venv/bin/nvim` (made by
    /// `scripts/nvim-venv.sh`); `None` (after [`skip`]) when it is missing. Anything
    /// older than 0.11 there is an error.
    fn v0_11() -> Option<Nvim> {
        let program = std::env::var_os("DOCKERFILE_LSP_NVIM011")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/nvim-venv/bin/nvim")
            });
        let Some(nvim) = Nvim::probe(program.clone()) else {
            skip(
                REQUIRE,
                &format!(
                    "Neovim 0.11 not found at {} (run scripts/nvim-venv.sh)",
                    program.display()
                ),
            );
            return None;
        };
        assert!(
            nvim.minor >= 11,
            "{}: {} is not Neovim 0.11+",
            program.display(),
            nvim.version
        );
        Some(nvim)
    }

    /// Whether this is Neovim 0.11 or later (pulled diagnostics, `vim.lsp.config`).
    fn is_0_11(&self) -> bool {
        self.minor >= 11
    }
}

/// `mod $module` holding a `#[test]` per named body `fn name(nvim: &Nvim)`, run with the
/// Neovim `$nvim` finds (skipped when it finds none).
macro_rules! neovim_tests {
    ($module:ident, $nvim:ident, $($name:ident),* $(,)?) => {
        mod $module {
            $(
                #[test]
                fn $name() {
                    if let Some(nvim) = super::Nvim::$nvim() {
                        super::$name(&nvim);
                    }
                }
            )*
        }
    };
}

/// Each named test body as a test in `neovim_0_7` (Debian's `nvim`) and in
/// `neovim_0_11` (the venv's).
macro_rules! on_both_neovims {
    ($($name:ident),* $(,)?) => {
        neovim_tests!(neovim_0_7, v0_7, $($name),*);
        neovim_tests!(neovim_0_11, v0_11, $($name),*);
    };
}

// The path without setup() exists from 0.11 on.
neovim_tests!(
    neovim_0_11_only,
    v0_11,
    neovim_0_11_enables_the_server_without_setup
);

on_both_neovims!(
    neovim_receives_diagnostics_from_the_server,
    neovim_applies_quick_fixes_through_its_code_action_menu,
    neovim_receives_completion_items,
    neovim_renames_a_stage_and_a_variable,
    neovim_formats_the_buffer_with_its_own_options,
    neovim_pins_a_from_image_through_its_code_action_menu,
    neovim_typing_key_by_key_ends_with_the_diagnostics_of_a_fresh_open,
    neovim_plugin_detects_containerfiles_and_shares_a_client_per_root,
    neovim_plugin_without_the_binary_detects_files_and_says_how_to_fix_it,
    neovim_pins_every_image_with_the_plugin_command,
    neovim_plugin_attaches_buffers_opened_before_setup,
);

/// `(code, line, column, end line, end column)` of every diagnostic the analysis computes
/// for `text` (what the server publishes, ShellCheck's findings aside), with 0-based lines
/// and columns counted in `unit`: UTF-16 code units as the LSP traffic with Neovim 0.7
/// has them, UTF-8 bytes as 0.11's traffic and `vim.diagnostic` have them.
fn analysed(text: &str, unit: ColumnUnit) -> BTreeSet<(String, u64, u64, u64, u64)> {
    analysed_with(text, unit, &Config::default())
}

/// [`analysed`] under `config`.
fn analysed_with(
    text: &str,
    unit: ColumnUnit,
    config: &Config,
) -> BTreeSet<(String, u64, u64, u64, u64)> {
    dockerfile_lsp_tests::core_findings(text, unit, config)
        .into_iter()
        .collect()
}

/// `(code, line, column)` of every diagnostic the analysis computes for `text`, with
/// 0-based lines and UTF-16 columns as an LSP client sees them (the text is ASCII, so
/// UTF-8 and UTF-16 columns agree).
fn expected(text: &str) -> BTreeSet<(String, u64, u64)> {
    analysed(text, ColumnUnit::Utf16)
        .into_iter()
        .map(|(code, line, col, _, _)| (code, line, col))
        .collect()
}

/// The fields of a diagnostic as the server sent it: code, start line and column, end
/// line and column.
const WIRE_KEYS: [&str; 5] = ["code", "line", "character", "end_line", "end_character"];
/// The same fields as `vim.diagnostic` has them (byte columns).
const SHOWN_KEYS: [&str; 5] = ["code", "lnum", "col", "end_lnum", "end_col"];

/// `(code, line, column, end line, end column)` of the diagnostics in `items` (fields
/// named by `keys`), minus ShellCheck's findings, which the core analysis has not.
fn without_shellcheck(items: &Value, keys: [&str; 5]) -> BTreeSet<(String, u64, u64, u64, u64)> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] != "shellcheck")
        .map(|d| {
            let n = |k: &str| d[k].as_u64().unwrap_or(u64::MAX);
            let code = d[keys[0]].as_str().unwrap_or("<no code>").to_string();
            (code, n(keys[1]), n(keys[2]), n(keys[3]), n(keys[4]))
        })
        .collect()
}

/// The strings of a JSON array (none when it is not one).
fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The unsigned numbers of a JSON array (none when it is not one).
fn numbers(v: &Value) -> Vec<u64> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
        .collect()
}

/// The same triples from what Neovim displayed.
fn shown(items: &Value) -> BTreeSet<(String, u64, u64)> {
    items
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("<no code>").to_string(),
                d["lnum"].as_u64().unwrap_or(u64::MAX),
                d["col"].as_u64().unwrap_or(u64::MAX),
            )
        })
        .collect()
}

/// The Neovim plugin under test (`editors/nvim`), put on the runtimepath of every run.
fn plugin_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../editors/nvim")
}

/// Runs `script` in a headless Neovim on a fresh directory holding `files` (paths
/// relative to it, and their text; the first one is the file the script opens, DLSP_FILE)
/// with the plugin on the runtimepath; returns the JSON the script wrote (after checking
/// it reported no errors) and a description of the run (which Neovim, output,
/// `:messages`, the LSP log) for failure messages.
fn run_nvim(
    nvim: &Nvim,
    script: &str,
    files: &[(&str, &str)],
    env: &[(&str, String)],
) -> (Value, String) {
    let version = format!("{} ({})", nvim.version, nvim.program.display());
    let bin = dockerfile_lsp_tests::release_binary();
    let dir = std::env::temp_dir().join(format!(
        "dockerfile-lsp-nvim-{}-0.{}-{}",
        std::process::id(),
        nvim.minor,
        script.replace(['/', '.'], "-")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("xdg")).unwrap();
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a file in the directory")).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let file = dir.join(files.first().expect("a file to open").0);
    let out = dir.join("result.json");
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("nvim")
        .join(script);

    let xdg = dir.join("xdg");
    let mut command = Command::new(&nvim.program);
    command
        .args(["--headless", "--clean", "-n", "-i", "NONE"])
        // The plugin goes on the runtimepath before startup, as a package manager puts it,
        // so that its ftdetect/ is read when filetype detection is switched on.
        .args(["--cmd", "lua vim.opt.rtp:prepend(os.getenv('DLSP_PLUGIN'))"])
        // DLSP_LUA_FILETYPE: Neovim 0.7's Lua-only filetype detection (the default from 0.8).
        .args(["--cmd", "if exists('$DLSP_LUA_FILETYPE') | let g:do_filetype_lua = 1 | let g:did_load_filetypes = 0 | endif"])
        .arg("-c")
        .arg(format!("luafile {}", script.display()))
        .env("DLSP_PLUGIN", plugin_dir())
        .env("DLSP_BIN", &bin)
        .env("DLSP_ROOT", &dir)
        .env("DLSP_FILE", &file)
        .env("DLSP_OUT", &out)
        .env("DLSP_TIMEOUT_MS", STEP_TIMEOUT_MS.to_string())
        // Where `start.lua`, shared by the scripts, lives.
        .env("DLSP_DIR", script.parent().expect("the scripts' folder"))
        // Keep Neovim's state, including the LSP log, inside the temporary directory.
        .env("XDG_CONFIG_HOME", xdg.join("config"))
        .env("XDG_DATA_HOME", xdg.join("data"))
        .env("XDG_STATE_HOME", xdg.join("state"))
        .env("XDG_CACHE_HOME", xdg.join("cache"))
        .env("RUST_LOG", "info")
        .current_dir(&dir);
    for (k, v) in env {
        command.env(k, v);
    }
    let start = Instant::now();
    let (status, stdout, stderr) = run_bounded(&mut command, HARD_TIMEOUT, || {});
    // Neovim 0.7 logs to stdpath('cache'), 0.11 to stdpath('log') (the state folder).
    let lsp_log = ["cache/nvim/lsp.log", "state/nvim/lsp.log"]
        .iter()
        .find_map(|log| std::fs::read_to_string(xdg.join(log)).ok())
        .unwrap_or_default();
    let lsp_log = tail(&lsp_log, 20_000);
    let raw = std::fs::read_to_string(&out);
    let messages = raw
        .as_ref()
        .ok()
        .and_then(|raw| serde_json::from_str::<Value>(raw).ok())
        .and_then(|v| v["messages_log"].as_str().map(str::to_string))
        .unwrap_or_default();
    let context = format!(
        "{version}, {:.1?} elapsed\n--- nvim stdout:\n{stdout}\n--- nvim stderr:\n{stderr}\n--- :messages:\n{messages}\n--- lsp.log:\n{lsp_log}",
        start.elapsed()
    );
    let Some(status) = status else {
        panic!("nvim did not finish within {HARD_TIMEOUT:?}; killed\n{context}");
    };
    let raw = raw.unwrap_or_else(|e| panic!("nvim ({status}) wrote no result ({e})\n{context}"));
    let result: Value = serde_json::from_str(&raw).expect("result JSON");
    let errors = result["errors"].as_array().cloned().unwrap_or_default();
    assert!(
        errors.is_empty(),
        "client script errors: {errors:?}\nresult: {raw}\n{context}"
    );
    // Every script started the server through the plugin's client.
    if let Some(name) = result["client_name"].as_str() {
        assert_eq!(name, "dockerfile_lsp", "{context}");
    }
    let _ = std::fs::remove_dir_all(&dir);
    (result, context)
}

fn neovim_receives_diagnostics_from_the_server(nvim: &Nvim) {
    let edit = serde_json::json!({"line": EDIT.0, "col": EDIT.1, "text": EDIT.2});
    let (result, context) = run_nvim(
        nvim,
        "client.lua",
        &[("Dockerfile", DOCKERFILE)],
        &[("DLSP_EDIT", edit.to_string())],
    );

    // What Neovim shows equals what the analysis computes, before and after the edit.
    let initial = shown(&result["initial"]);
    assert!(
        initial
            .iter()
            .any(|d| d.0 == "invalid-arguments" && d.1 == 1),
        "no invalid-arguments on line 2: {initial:?}\n{context}"
    );
    assert_eq!(
        initial,
        expected(DOCKERFILE),
        "initial diagnostics\n{context}"
    );

    let edited_text = format!("{}\n", result["edited_text"].as_str().unwrap_or_default());
    assert_eq!(edited_text, DOCKERFILE.replacen("ENV X", "ENV X=1", 1));
    let edited = shown(&result["edited"]);
    assert!(
        !edited.iter().any(|d| d.0 == "invalid-arguments"),
        "invalid-arguments still shown after the edit: {edited:?}\n{context}"
    );
    assert_eq!(
        edited,
        expected(&edited_text),
        "diagnostics after the edit\n{context}"
    );

    // The hover request on the FROM keyword is answered without error.
    let hover = &result["hover"];
    assert_eq!(hover["answered"], true, "hover\n{context}");
    assert!(hover["error"].is_null(), "hover error: {hover}\n{context}");
    // The keyword hover explains the instruction and this line's build cache.
    assert_eq!(hover["kind"], "markdown", "hover: {hover}\n{context}");
    let value = hover["value"].as_str().unwrap_or_default();
    assert!(value.contains("**FROM**"), "hover: {hover}\n{context}");
    assert!(value.contains("Build cache"), "hover: {hover}\n{context}");

    // Every push names the document, and the server exits cleanly after shutdown.
    let published = result["published"].as_array().cloned().unwrap_or_default();
    assert!(
        published.len() >= 2,
        "expected at least two pushes: {published:?}"
    );
    for p in &published {
        let uri = p["uri"].as_str().unwrap_or_default();
        assert!(
            uri.ends_with("/Dockerfile"),
            "push for an unexpected URI {uri}"
        );
    }
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

/// The fixes users asked for most, applied through Neovim's own `vim.lsp.buf.code_action`
/// menu (the preferred fix picked as a user would) and workspace-edit machinery.
fn neovim_applies_quick_fixes_through_its_code_action_menu(nvim: &Nvim) {
    let steps = [
        "json-args-recommended",
        "run-consecutive",
        "apt-no-install-recommends",
        "source.fixAll",
    ];
    let (result, context) = run_nvim(
        nvim,
        "code_actions.lua",
        &[("Dockerfile", CODE_ACTION_FIXTURE)],
        &[("DLSP_STEPS", serde_json::json!(steps).to_string())],
    );
    let done = result["steps"].as_array().cloned().unwrap_or_default();
    assert_eq!(done.len(), steps.len(), "{result}\n{context}");
    let texts: Vec<&str> = done
        .iter()
        .map(|s| s["text"].as_str().unwrap_or_default())
        .collect();
    expect_test::expect![[r#"
        [
            "FROM debian:12.5\nRUN useradd --no-log-init -r app\nRUN apt-get install -y \\\n    curl=7.88.1-10\nCMD [\"node\", \"server.js\"]\nEXPOSE 8080/TCP\nMAINTAINER jane@example.com\n",
            "FROM debian:12.5\nRUN useradd --no-log-init -r app && \\\n    apt-get install -y \\\n    curl=7.88.1-10\nCMD [\"node\", \"server.js\"]\nEXPOSE 8080/TCP\nMAINTAINER jane@example.com\n",
            "FROM debian:12.5\nRUN useradd --no-log-init -r app && \\\n    apt-get install --no-install-recommends -y \\\n    curl=7.88.1-10\nCMD [\"node\", \"server.js\"]\nEXPOSE 8080/TCP\nMAINTAINER jane@example.com\n",
            "FROM debian:12.5\nRUN useradd --no-log-init -r app && \\\n    apt-get install --no-install-recommends -y \\\n    curl=7.88.1-10\nCMD [\"node\", \"server.js\"]\nEXPOSE 8080/tcp\nLABEL org.opencontainers.image.authors=\"jane@example.com\"\n",
        ]
    "#]].assert_debug_eq(&texts);
    // The safe fixes were the preferred entries; the unsafe one was picked by hand.
    let picked: Vec<(&str, bool)> = done
        .iter()
        .map(|s| {
            (
                s["title"].as_str().unwrap_or_default(),
                s["preferred"] == true,
            )
        })
        .collect();
    assert_eq!(
        picked,
        [
            ("Convert to exec form", true),
            ("Merge with the RUN on line 2", true),
            (
                "Add `--no-install-recommends` (recommended packages are no longer installed)",
                false
            ),
            // Fix-all is a source action: never "preferred".
            ("Fix all auto-fixable problems", false),
        ],
        "{result}"
    );
    let final_codes: Vec<&str> = strings(&result["final_codes"]);
    // Neovim declares `resolveSupport` for `edit`, so fix-all came without an edit and
    // Neovim fetched it with `codeAction/resolve`; the result is exactly the core's.
    assert_eq!(done[3]["resolved_late"], true, "{result}");
    let before_fix_all = texts[texts.len() - 2];
    let expected = dockerfile_lsp::fix::fix_all(before_fix_all, &Config::default(), false);
    assert!(expected.changed());
    assert_eq!(texts[texts.len() - 1], expected.text, "{context}");
    for code in steps {
        assert!(
            !final_codes.contains(&code),
            "{code} still reported: {final_codes:?}\n{context}"
        );
    }
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

/// Exec form for the CMD, a merge of the two single-command RUNs (the second with a
/// continuation line), and `--no-install-recommends` for the install in the merged RUN.
const CODE_ACTION_FIXTURE: &str = "FROM debian:12.5\n\
RUN useradd --no-log-init -r app\n\
RUN apt-get install -y \\\n    curl=7.88.1-10\n\
CMD node server.js\n\
EXPOSE 8080/TCP\n\
MAINTAINER jane@example.com\n";

/// Completion through Neovim's own client: stage names after `--from=`, mount types
/// after `type=`, instruction keywords, and variables in scope, each with a `textEdit`
/// over the partial word that Neovim turns into complete-items.
fn neovim_receives_completion_items(nvim: &Nvim) {
    const TEXT: &str = "FROM golang:1.22 AS build\n\
ARG VERSION=1\n\
FROM alpine\n\
ARG VERSION\n\
COPY --from= /app /app\n\
RUN --mount=type= echo $VER\n\
R\n";
    let positions = serde_json::json!([
        { "line": 4, "character": 12 },
        { "line": 5, "character": 17 },
        { "line": 6, "character": 1 },
        { "line": 5, "character": 27 },
    ]);
    let (result, context) = run_nvim(
        nvim,
        "completion.lua",
        &[("Dockerfile", TEXT)],
        &[("DLSP_POSITIONS", positions.to_string())],
    );
    assert_eq!(result["omnifunc"], "v:lua.vim.lsp.omnifunc", "{result}");
    let answers = result["answers"].as_array().cloned().unwrap_or_default();
    assert_eq!(answers.len(), 4, "{result}\n{context}");
    let labels = |i: usize| -> Vec<String> {
        answers[i]["labels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l.as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(labels(0), ["build"], "--from=\n{context}");
    assert_eq!(
        labels(1),
        ["bind", "cache", "tmpfs", "secret", "ssh"],
        "type=\n{context}"
    );
    // After the `R` typed, only the keyword that fits it (the server filters: Neovim
    // 0.11 does not filter items that carry a `textEdit`).
    assert_eq!(labels(2), ["RUN"], "R\n{context}");
    let vars = labels(3);
    assert_eq!(
        vars.first().map(String::as_str),
        Some("VERSION"),
        "{vars:?}"
    );
    // The keyword edit replaces the `R` typed (columns 0..1): with plain text on Neovim
    // 0.7, which declares no snippet support, with a snippet on 0.11, which does.
    let run = answers[2]["edits"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["label"] == "RUN")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (
            run["start"].as_u64(),
            run["end"].as_u64(),
            run["new_text"].as_str()
        ),
        (
            Some(0),
            Some(1),
            Some(if nvim.is_0_11() {
                "RUN ${1:command}"
            } else {
                "RUN "
            })
        ),
        "{run}\n{context}"
    );
    // Neovim made complete-items of them (its omnifunc path): the edit's text on 0.7;
    // on 0.11 a snippet's keyword, the snippet expanding once the item is accepted.
    assert_eq!(
        answers[2]["vim_words"],
        serde_json::json!([if nvim.is_0_11() { "RUN" } else { "RUN " }]),
        "{context}"
    );
    assert_eq!(
        answers[3]["vim_words"],
        serde_json::json!(["VERSION"]),
        "{context}"
    );
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

/// A stage and then a variable renamed through Neovim's own `vim.lsp.buf.rename` (which
/// asks prepareRename first and applies the workspace edit itself), with a non-ASCII
/// character before the variable so the UTF-16 columns matter; a name BuildKit would
/// reject comes back as an error and leaves the buffer alone.
fn neovim_renames_a_stage_and_a_variable(nvim: &Nvim) {
    let steps = serde_json::json!([
        { "line": 5, "col": 6, "name": "base" },
        { "line": 4, "col": 16, "name": "ALPINE_VERSION" },
    ]);
    let invalid = serde_json::json!({ "line": 5, "col": 6, "name": "Not Valid!" });
    let (result, context) = run_nvim(
        nvim,
        "rename.lua",
        &[("Dockerfile", RENAME_FIXTURE)],
        &[
            ("DLSP_STEPS", steps.to_string()),
            ("DLSP_INVALID", invalid.to_string()),
        ],
    );
    let done = result["steps"].as_array().cloned().unwrap_or_default();
    let texts: Vec<&str> = done
        .iter()
        .map(|s| s["text"].as_str().unwrap_or_default())
        .collect();
    expect_test::expect![[r#"
        [
            "ARG VERSION=3.20\nFROM alpine:${VERSION} AS base\nARG VERSION\nRUN echo \"é\" $VERSION > /v\nFROM base AS test\nCOPY --from=base /v /v\n",
            "ARG ALPINE_VERSION=3.20\nFROM alpine:${ALPINE_VERSION} AS base\nARG ALPINE_VERSION\nRUN echo \"é\" $ALPINE_VERSION > /v\nFROM base AS test\nCOPY --from=base /v /v\n",
        ]
    "#]]
    .assert_debug_eq(&texts);
    let error = result["invalid_error"].as_str().unwrap_or_default();
    assert!(
        error.contains("not a valid stage name"),
        "{result}\n{context}"
    );
    assert_eq!(result["unchanged"], true, "{result}");
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

const RENAME_FIXTURE: &str = "ARG VERSION=3.20\n\
FROM alpine:${VERSION} AS build\n\
ARG VERSION\n\
RUN echo \"é\" $VERSION > /v\n\
FROM build AS test\n\
COPY --from=build /v /v\n";

/// Formatting through Neovim's own `vim.lsp.buf.formatting_sync()` (0.7; on 0.11
/// `vim.lsp.buf.format{ async = false }`): the
/// options Neovim derives from the buffer (`shiftwidth`, `expandtab`) reach the server,
/// and Neovim applies the returned edits: keywords upper case, no instruction indent,
/// nested continuation depth kept, heredoc body untouched, JSON spacing, then tabs.
fn neovim_formats_the_buffer_with_its_own_options(nvim: &Nvim) {
    let fixture = "from alpine:3.20 AS build  \n  run apk add --no-cache \\\n        curl \\\n            git\nRUN <<EOF\n  echo  keep   \nEOF\ncmd [\"a\",\"b\"]\n";
    let (result, context) = run_nvim(nvim, "formatting.lua", &[("Dockerfile", fixture)], &[]);
    let texts: Vec<&str> = strings(&result["texts"]);
    expect_test::expect![[r#"
        [
            "FROM alpine:3.20 AS build\nRUN apk add --no-cache \\\n    curl \\\n        git\nRUN <<EOF\n  echo  keep   \nEOF\nCMD [\"a\", \"b\"]\n",
            "FROM alpine:3.20 AS build\nRUN apk add --no-cache \\\n\tcurl \\\n\t\tgit\nRUN <<EOF\n  echo  keep   \nEOF\nCMD [\"a\", \"b\"]\n",
        ]
    "#]]
    .assert_debug_eq(&texts);
    // Both results are what the core formatter produces for those options.
    let spaces = dockerfile_lsp::ide::format::FormatOptions::default();
    let analysis = Analysis::new(fixture);
    let edits = dockerfile_lsp::ide::format::format_document(&analysis, spaces);
    assert_eq!(
        texts.first().copied(),
        Some(dockerfile_lsp::text::apply_edits(fixture, &edits).as_str()),
        "{context}"
    );
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

fn neovim_pins_a_from_image_through_its_code_action_menu(nvim: &Nvim) {
    use dockerfile_lsp_tests::registry::{start_or_skip, Auth};
    // A real registry on loopback that wants credentials; the server reads them from the
    // Docker configuration folder the settings name.
    let Some(registry) = start_or_skip(Auth::basic("builder", "s3cret")) else {
        return;
    };
    let pushed = registry.push_index("team/base", "1.2", &["linux/amd64", "linux/arm64"]);
    let reference = registry.reference("team/base", "1.2");
    let fixture = format!(
        "ARG VERSION=1.2\nFROM {}/team/base:${{VERSION}}\nRUN true\n",
        registry.host()
    );
    let init = serde_json::json!({
        "registry": { "dockerConfig": registry.docker_config(), "timeoutMs": 10000 }
    });
    let (result, context) = run_nvim(
        nvim,
        "pin.lua",
        &[("Dockerfile", &fixture)],
        &[("DLSP_SETTINGS", init.to_string())],
    );
    assert_eq!(
        result["title"],
        format!("Pin `{reference}` to its digest"),
        "offered: {}\n{context}",
        result["offered"]
    );
    assert_eq!(result["resolved_late"], true, "{context}");
    // The buffer keeps the variable and gains the digest of the index the test pushed.
    assert_eq!(
        result["text"],
        format!(
            "ARG VERSION=1.2\nFROM {}/team/base:${{VERSION}}@{}\nRUN true\n",
            registry.host(),
            pushed.digest
        ),
        "{context}"
    );
    let hover = result["hover"].as_str().unwrap_or_default();
    for needle in [pushed.digest.as_str(), "linux/amd64", "linux/arm64"] {
        assert!(
            hover.contains(needle),
            "hover lacks {needle}: {hover}\n{context}"
        );
    }
    // The variable note reached the user; no error did.
    let messages = result["messages"].to_string();
    assert!(
        messages.contains("VERSION") && !messages.contains("could not"),
        "{messages}"
    );
    assert!(!messages.contains("s3cret"), "{messages}");
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

/// The first stage and the second FROM, the same before and after the typing.
macro_rules! typing_head {
    () => {
        "# syntax=docker/dockerfile:1
ARG VERSION=1.0
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN go build -o /out/app ./cmd/app

FROM debian:12-slim
"
    };
}

/// The multi-stage Dockerfile the typing test starts from.
const TYPING_START: &str = concat!(
    typing_head!(),
    "COPY --from=build /out/app /usr/local/bin/app
RUN <<EOF
set -e
echo \"ready\" > /etc/motd
EOF
LABEL org.opencontainers.image.title=\"app\"
USER app
ENTRYPOINT [\"app\"]
"
);

/// What the keys of [`typing_steps`] turn [`TYPING_START`] into. Both `undefined-var`
/// findings sit after non-ASCII text on their line, so their UTF-16 and byte columns
/// differ.
const TYPING_END: &str = concat!(
    typing_head!(),
    "RUN apt-get update && apt-get install -y curl \\
    ca-certificates
COPY --from=build /out/app /usr/local/bin/app
RUN <<EOF
set -e
echo \"ready 🐳 é\" > /etc/motd
EOF
LABEL org.opencontainers.image.title=\"app é🐳\" version=$VERSION
ENV GREETING=\"héllo 🐳\" ARCH=$TARGETARCH
USER app
ENTRYPOINT [\"app\", \"--port=8080\"]
"
);

/// The keystrokes, in Vim key notation: where the cursor goes first (1-based line, byte
/// column), the keys, and whether to wait for the server before the next step.
fn typing_steps() -> Value {
    let bs = |n: usize| "<BS>".repeat(n);
    serde_json::json!([
        // A new RUN line under the second FROM.
        { "cursor": [10, 0], "keys": "oRUN apt-get update && apt-get install -y curl<Esc>", "settle": true },
        // A continuation line; a typo and a word deleted with backspace.
        { "cursor": [11, 0], "keys": format!("A <Bslash><CR>    ca-certificatess<BS> wget{}<Esc>", bs(5)), "settle": false },
        // Inside the heredoc's quoted string, before the closing quote.
        { "cursor": [16, 11], "keys": "i 🐳 é<Esc>", "settle": true },
        // Inside a LABEL value, then a reference after it.
        { "cursor": [18, 41], "keys": "i é🐳<Esc>A version=$VERSION<Esc>", "settle": false },
        // A mistyped keyword taken back, then an ENV line with non-ASCII text.
        { "cursor": [18, 0], "keys": format!("oEVN{}ENV GREETING=\"héllo 🐳\" ARCH=$TARGETARCH<Esc>", bs(3)), "settle": false },
        // A line typed and deleted again, the last backspace joining it to the line above.
        { "cursor": [20, 0], "keys": format!("ORUN true{}<Esc>", bs(9)), "settle": true },
        // A second argument inside the exec-form array.
        { "cursor": [21, 17], "keys": "i, \"--port=8080\"<Esc>", "settle": false },
    ])
}

/// How many keys of a Vim key-notation string change the buffer: every key but <Esc>
/// and the commands that enter insert mode (`i`, `A`), except `o`/`O`, which open a line.
fn keys_changing(notation: &str) -> u64 {
    let mut count = 0;
    let mut entering = true;
    let mut rest = notation;
    while let Some(c) = rest.chars().next() {
        let key = match rest.find('>') {
            Some(end) if c == '<' => &rest[..=end],
            _ => &rest[..c.len_utf8()],
        };
        rest = &rest[key.len()..];
        if entering {
            entering = false;
            count += u64::from(key == "o" || key == "O");
        } else if key == "<Esc>" {
            entering = true;
        } else {
            count += 1;
        }
    }
    count
}

/// Keys typed one by one through Neovim, each change its own didChange; after the last
/// key the diagnostics Neovim shows equal those of a fresh open of the final text by a
/// second client, and the core analysis of that text (columns in the negotiated encoding on the wire, byte
/// columns in `vim.diagnostic`).
fn neovim_typing_key_by_key_ends_with_the_diagnostics_of_a_fresh_open(nvim: &Nvim) {
    let steps = typing_steps();
    // A `.dockerignore` beside both files keeps the build-context rules quiet, as the
    // core analysis (which has no build context) is.
    let (result, context) = run_nvim(
        nvim,
        "typing.lua",
        &[
            ("typed/Dockerfile", TYPING_START),
            ("typed/.dockerignore", ".git\n"),
            ("fresh/.dockerignore", ".git\n"),
        ],
        &[
            ("DLSP_STEPS", steps.to_string()),
            ("DLSP_FRESH", "fresh/Dockerfile".to_string()),
        ],
    );
    assert_eq!(
        result["text"], TYPING_END,
        "the buffer after the keys\n{context}"
    );
    assert_eq!(result["fresh_text"], TYPING_END, "{context}");

    // Every key that changed the buffer reached the server as its own didChange (the
    // backspace that joins two lines is two changes for Neovim).
    let done = result["steps"].as_array().cloned().unwrap_or_default();
    assert_eq!(done.len(), steps.as_array().map_or(0, Vec::len), "{result}");
    for step in &done {
        let keys = step["keys"].as_str().unwrap_or_default();
        let sent = step["did_change"].as_u64().unwrap_or_default();
        assert!(
            sent >= keys_changing(keys),
            "{sent} didChange notifications for {keys}\n{context}"
        );
    }

    // What Neovim shows after typing equals what a fresh open shows, field by field.
    let typed = &result["typed"];
    assert_eq!(typed, &result["fresh"], "typed vs fresh open\n{context}");
    assert!(
        typed.as_array().is_some_and(|a| a.len() >= 6),
        "{typed}\n{context}"
    );

    // And the core analysis of the final text: the wire in the negotiated encoding, the
    // display in bytes.
    let wire = without_shellcheck(&result["typed_pushed"], WIRE_KEYS);
    // Neovim 0.7 knows only UTF-16; 0.11 offers UTF-8 first and the server takes it.
    let (encoding, unit) = if nvim.is_0_11() {
        ("utf-8", ColumnUnit::Utf8)
    } else {
        ("utf-16", ColumnUnit::Utf16)
    };
    assert_eq!(result["offset_encoding"], encoding, "{context}");
    assert_eq!(
        wire,
        analysed(TYPING_END, unit),
        "pushed ({encoding})\n{context}"
    );
    let utf16 = analysed(TYPING_END, ColumnUnit::Utf16);
    let display = without_shellcheck(typed, SHOWN_KEYS);
    let bytes = analysed(TYPING_END, ColumnUnit::Utf8);
    assert_eq!(display, bytes, "shown (bytes)\n{context}");
    // The non-ASCII text really moved columns apart.
    let moved = utf16
        .iter()
        .filter(|d| d.0 == "undefined-var" && !bytes.contains(d))
        .count();
    assert_eq!(moved, 2, "{utf16:?} vs {bytes:?}");
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

/// The plugin as a user meets it: `Containerfile`, `*.containerfile` and `*.dockerfile`
/// detected as `dockerfile`; one client per root (`dockerfile-lsp.toml` marks one, a
/// folder without markers is its own), shared by the buffers under it; the settings
/// reach the server through `workspace/configuration` (Neovim's default handler) and as
/// `initializationOptions`; the project's dockerfile-lsp.toml still applies on top of the
/// plugin's defaults; `lsp/dockerfile_lsp.lua` loads on 0.7 with `dofile`;
/// `:DockerfileLspInfo` names the clients; `:DockerfileLspRestart` replaces them.
fn neovim_plugin_detects_containerfiles_and_shares_a_client_per_root(nvim: &Nvim) {
    let settings = serde_json::json!({ "rules": { "run-cd": "off" } });
    let others = [
        "proj/sub/app.containerfile",
        "proj/web.dockerfile",
        "other/Containerfile.dev",
    ];
    let (result, context) = run_nvim(
        nvim,
        "plugin.lua",
        &[
            ("proj/Containerfile", "FROM ubuntu\nENV X\n"),
            (
                "proj/dockerfile-lsp.toml",
                "[rules]\nimage-untagged = \"error\"\n",
            ),
            (
                "proj/sub/app.containerfile",
                "FROM alpine:3.20\nRUN cd /tmp && make\nMAINTAINER me\n",
            ),
            ("proj/web.dockerfile", "FROM alpine:3.20\nMAINTAINER me\n"),
            (
                "other/Containerfile.dev",
                "FROM alpine:3.20\nRUN cd /tmp && make\nMAINTAINER me\n",
            ),
        ],
        &[
            ("DLSP_SETTINGS", settings.to_string()),
            ("DLSP_FILES", serde_json::json!(others).to_string()),
        ],
    );
    let root = result["info"].as_str().unwrap_or_default();
    let files = result["files"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 4, "{result}\n{context}");
    let codes = |f: &Value| -> Vec<String> {
        f["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    for f in &files {
        assert_eq!(f["filetype"], "dockerfile", "{f}\n{context}");
        // The settings turned run-cd off everywhere.
        assert!(!codes(f).contains(&"run-cd".to_string()), "{f}\n{context}");
    }
    // proj/dockerfile-lsp.toml made image-untagged an error (severity 1).
    let containerfile = &files[0];
    assert!(
        containerfile["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| d["code"] == "image-untagged" && d["severity"] == 1),
        "{containerfile}\n{context}"
    );
    assert!(codes(containerfile).contains(&"invalid-arguments".to_string()));
    assert!(codes(&files[1]).contains(&"maintainer-deprecated".to_string()));
    assert!(codes(&files[3]).contains(&"maintainer-deprecated".to_string()));

    // One client for proj (its files, the subfolder's too), another for other/.
    let roots: Vec<String> = files
        .iter()
        .map(|f| {
            let root = f["root"].as_str().unwrap_or_default();
            root.rsplit('/').next().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(roots, ["proj", "proj", "proj", "other"], "{context}");
    let ids: Vec<&Value> = files.iter().map(|f| &f["client_id"]).collect();
    assert!(ids[0] == ids[1] && ids[1] == ids[2], "{ids:?}");
    assert_ne!(ids[0], ids[3]);

    // The server asked for its section, and Neovim's default handler answered with the
    // plugin's settings (defaults + the test's); the same object went as
    // initializationOptions.
    let section = serde_json::json!({
        "codeLens": { "enable": true },
        "inlayHints": { "enable": true },
        "diagnostics": { "delayMs": 0 },
        "rules": { "run-cd": "off" },
    });
    // (Neovim 0.7 does not announce workspace/configuration; the plugin does.)
    let asked = result["configuration"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // One request per client at its start; Neovim 0.11 also sends didChangeConfiguration
    // after initialize, so there the server asks twice.
    let per_start = if nvim.is_0_11() { 4 } else { 2 };
    assert_eq!(
        result["asked_before_restart"], per_start,
        "requests per client start: {asked:?}\n{context}"
    );
    // As many after the restart, and two after setup() with new settings.
    assert_eq!(asked.len(), 2 * per_start + 2, "{asked:?}\n{context}");
    for a in &asked[..2 * per_start] {
        assert_eq!(a["items"][0]["section"], "dockerfileLsp", "{a}");
        assert_eq!(a["answer"], serde_json::json!([section]), "{a}");
    }
    let mut changed = section.clone();
    changed["rules"] = serde_json::json!({ "run-cd": "warning", "maintainer-deprecated": "off" });
    for a in &asked[2 * per_start..] {
        assert_eq!(a["answer"], serde_json::json!([changed]), "{a}");
    }
    assert_eq!(
        result["init_options"],
        serde_json::json!([section, section, section, section])
    );

    // lsp/dockerfile_lsp.lua, as Neovim 0.11 would read it.
    let config = &result["lsp_config"];
    assert_eq!(config["cmd"], serde_json::json!(["dockerfile-lsp"]));
    assert_eq!(config["filetypes"], serde_json::json!(["dockerfile"]));
    assert_eq!(
        config["root_markers"],
        serde_json::json!([
            "dockerfile-lsp.toml",
            ".dockerfile-lsp.toml",
            ".hadolint.yaml",
            ".hadolint.yml",
            ".git"
        ])
    );
    assert_eq!(
        config["settings"],
        serde_json::json!({ "dockerfileLsp": { "codeLens": { "enable": true }, "inlayHints": { "enable": true } } })
    );
    assert_eq!(config["before_init"], "function");

    // A `scheme://` buffer and an unnamed one got no client.
    assert_eq!(
        result["not_files"],
        serde_json::json!([false, false]),
        "{context}"
    );

    // :DockerfileLspInfo names both clients, their roots, the server and the buffers.
    let info = root;
    for needle in [
        "/proj\n",
        "/other\n",
        "server: dockerfile-lsp 0.1.0",
        "/proj/sub/app.containerfile",
        "(executable)",
        "filetypes: dockerfile",
    ] {
        assert!(info.contains(needle), "{needle:?} not in {info}");
    }

    // :DockerfileLspRestart: the old clients exited cleanly, new ones serve every buffer
    // with the same roots and the same diagnostics.
    let old: Vec<u64> = numbers(&result["old_clients"]);
    assert_eq!(old.len(), 2, "{result}");
    for exit in result["old_exits"].as_array().into_iter().flatten() {
        assert_eq!(exit["code"], 0, "{exit}\n{context}");
    }
    let new: Vec<u64> = numbers(&result["new_clients"]);
    assert_eq!(new.len(), 2, "{result}");
    assert!(new.iter().all(|id| !old.contains(id)), "{old:?} {new:?}");
    let after = result["after_restart"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(after.len(), files.len());
    for (before, after) in files.iter().zip(&after) {
        assert_eq!(before["root"], after["root"], "{after}");
        assert_eq!(before["diagnostics"], after["diagnostics"], "{after}");
    }

    // New settings through setup(): run-cd back, maintainer-deprecated gone, same clients.
    assert_eq!(result["same_clients"], true, "{result}");
    let after = result["after_settings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let run_cd: Vec<bool> = after
        .iter()
        .map(|f| {
            f.as_array()
                .into_iter()
                .flatten()
                .any(|d| d["code"] == "run-cd")
        })
        .collect();
    assert_eq!(run_cd, [false, true, false, true], "{after:?}\n{context}");
    for f in &after {
        let deprecated = f
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| d["code"] == "maintainer-deprecated");
        assert!(!deprecated, "{f}");
    }
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

/// Every file name the CLI treats as a Dockerfile.
const DOCKERFILE_NAMES: [&str; 7] = [
    "Dockerfile",
    "Dockerfile.prod",
    "api.Dockerfile",
    "web.dockerfile",
    "Containerfile",
    "Containerfile.dev",
    "app.containerfile",
];

/// Without the server binary: every Dockerfile name still gets the `dockerfile`
/// filetype, the user gets one clear error naming the command and the fix (not one per
/// buffer, not a stack trace), nothing is attached, `:DockerfileLspInfo` says why,
/// `:DockerfileLspPinImages` says there is no server, and `:DockerfileLspLog` opens the
/// log. Run twice: with Neovim 0.7's
/// default filetype.vim, and with Lua-only detection, where `vim.filetype.match` on
/// buffers never read checks the plugin's `vim.filetype.add` rules alone.
fn neovim_plugin_without_the_binary_detects_files_and_says_how_to_fix_it(nvim: &Nvim) {
    let files: Vec<(&str, &str)> = DOCKERFILE_NAMES
        .iter()
        .map(|name| (*name, "FROM alpine:3.20\n"))
        .collect();
    // `g:do_filetype_lua` is a Neovim 0.7 switch: from 0.8 Lua detection is the only
    // one, which the plain run covers (and `g:did_load_filetypes` would turn it off).
    let variants: &[bool] = if nvim.is_0_11() {
        &[false]
    } else {
        &[false, true]
    };
    for &lua_filetype in variants {
        let missing = std::env::temp_dir().join("no-such-dir/dockerfile-lsp");
        let mut env = vec![
            ("DLSP_MISSING", missing.display().to_string()),
            (
                "DLSP_FILES",
                serde_json::json!(DOCKERFILE_NAMES).to_string(),
            ),
        ];
        if lua_filetype {
            env.push(("DLSP_LUA_FILETYPE", "1".to_string()));
        }
        let (result, context) = run_nvim(nvim, "missing.lua", &files, &env);
        let seen = result["files"].as_array().cloned().unwrap_or_default();
        assert_eq!(seen.len(), DOCKERFILE_NAMES.len(), "{result}");
        for f in &seen {
            assert_eq!(
                f["filetype"], "dockerfile",
                "{f} (lua: {lua_filetype})\n{context}"
            );
            assert_eq!(f["attached"], false, "{f}");
            if lua_filetype {
                assert_eq!(f["lua_match"], "dockerfile", "{f}\n{context}");
            }
        }
        let notes = result["notes"].as_array().cloned().unwrap_or_default();
        assert_eq!(
            notes.len(),
            2,
            "one error, one pin message: {notes:?}\n{context}"
        );
        let error = notes[0]["msg"].as_str().unwrap_or_default();
        assert_eq!(notes[0]["level"], 4, "an error: {notes:?}");
        for needle in [
            missing.display().to_string().as_str(),
            "is not executable or not on PATH",
            "setup({ cmd = {",
        ] {
            assert!(error.contains(needle), "{needle:?} not in {error}");
        }
        assert_eq!(result["clients"], 0, "{result}");
        let info = result["info"].as_str().unwrap_or_default();
        assert!(info.contains("no client is running"), "{info}");
        assert!(info.contains("(NOT executable)"), "{info}");
        assert_eq!(
            result["log"],
            serde_json::json!({ "new_tab": true, "shown": true }),
            "{result}"
        );
        assert_eq!(result["pin"]["ok"], false, "{result}");
        assert_eq!(
            result["pin"]["msg"], "no language server is attached to this buffer",
            "{result}"
        );
    }
}

/// `:DockerfileLspPinImages`: every image of the file pinned at once through the source
/// action and `codeAction/resolve` (a FROM through a variable and a `COPY --from`
/// image, from a real registry on loopback); run again on the pinned file, it changes
/// nothing and says so.
fn neovim_pins_every_image_with_the_plugin_command(nvim: &Nvim) {
    use dockerfile_lsp_tests::registry::{start_or_skip, Auth};
    let Some(registry) = start_or_skip(Auth::None) else {
        return;
    };
    let base = registry.push_index("team/base", "1.2", &["linux/amd64", "linux/arm64"]);
    let tools = registry.push_image("team/tools", "7");
    let host = registry.host();
    let fixture = format!(
        "ARG VERSION=1.2\nFROM {host}/team/base:${{VERSION}}\nCOPY --from={host}/team/tools:7 /bin/tool /bin/tool\n"
    );
    let (result, context) = run_nvim(
        nvim,
        "pin_all.lua",
        &[("Dockerfile", &fixture)],
        &[(
            "DLSP_SETTINGS",
            serde_json::json!({ "registry": { "timeoutMs": 10000 } }).to_string(),
        )],
    );
    assert_eq!(result["first"]["ok"], true, "{result}\n{context}");
    assert_eq!(result["changed"], true, "{result}");
    assert_eq!(
        result["text"],
        format!(
            "ARG VERSION=1.2\nFROM {host}/team/base:${{VERSION}}@{}\nCOPY --from={host}/team/tools:7@{} /bin/tool /bin/tool\n",
            base.digest, tools.digest
        ),
        "{context}"
    );
    // The server's message reached the user: the variable note.
    let messages: Vec<&str> = strings(&result["messages"]);
    assert_eq!(messages.len(), 1, "{result}");
    assert!(messages[0].contains("`VERSION`"), "{messages:?}");
    // Run again, the server knows both digests are current: nothing to pin, and the
    // command says so.
    assert_eq!(result["second"]["ok"], false, "{result}\n{context}");
    assert!(
        result["second"]["msg"]
            .as_str()
            .is_some_and(|m| m.starts_with("nothing to pin")),
        "{result}\n{context}"
    );
    assert_eq!(result["changed_again"], false, "{result}");
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
}

/// `setup()` attaches Dockerfiles opened before it ran (the hidden one too), each to the
/// client of its root. Run twice: on Neovim 0.7's own path (`vim.lsp.start_client`),
/// and with a stand-in `vim.lsp.start` behaving as 0.8's (it attaches the current
/// buffer), so the plugin's 0.8+ branch runs too and must make each buffer current.
fn neovim_plugin_attaches_buffers_opened_before_setup(nvim: &Nvim) {
    let names = ["a/Dockerfile", "b/Containerfile"];
    // The stand-in imitates 0.8's `vim.lsp.start` on 0.7; on 0.11 the real one runs.
    let variants: &[bool] = if nvim.is_0_11() {
        &[false]
    } else {
        &[false, true]
    };
    for &shim in variants {
        let mut env = vec![("DLSP_FILES", serde_json::json!(names).to_string())];
        if shim {
            env.push(("DLSP_SHIM", "1".to_string()));
        }
        let (result, context) = run_nvim(
            nvim,
            "preopened.lua",
            &[
                (names[0], "FROM alpine:3.20\n"),
                (names[1], "FROM alpine:3.20\n"),
            ],
            &env,
        );
        let buffers = result["buffers"].as_array().cloned().unwrap_or_default();
        assert_eq!(buffers.len(), 2, "{result}");
        for (b, name) in buffers.iter().zip(names) {
            assert_eq!(b["attached"], true, "{b} (shim: {shim})\n{context}");
            let folder = name.split('/').next().unwrap_or_default();
            let root = b["root"].as_str().unwrap_or_default();
            assert!(root.ends_with(&format!("/{folder}")), "{b}");
        }
        assert_ne!(buffers[0]["client_id"], buffers[1]["client_id"]);
        // The first buffer was hidden behind the second when setup() ran.
        assert_eq!(result["current"], buffers[1]["buf"], "{result}");
        let starts = result["starts"].as_array().cloned().unwrap_or_default();
        if shim {
            assert_eq!(starts.len(), 2, "{result}");
            for (s, b) in starts.iter().zip(&buffers) {
                assert_eq!(s["current"], b["buf"], "{s}");
                assert_eq!(s["bufnr"], b["buf"], "{s}");
                assert_eq!(s["root"], b["root"], "{s}");
            }
        } else {
            assert!(starts.is_empty(), "{result}");
        }
        assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
    }
}

/// The Dockerfile of the `vim.lsp.enable` test: an untagged image, a `cd` in a RUN, a
/// shell-form CMD (its fix is applied) and a MAINTAINER (its rule is off).
const ENABLE_FIXTURE: &str =
    "FROM alpine\nRUN cd /tmp && make\nCMD node server.js\nMAINTAINER me\n";

/// Neovim 0.11 as its documentation says, with no `setup()`: the plugin on the
/// runtimepath, `vim.lsp.config('dockerfile_lsp', { cmd, settings })` turning one rule
/// off, `vim.lsp.enable('dockerfile_lsp')`, `:edit`. The client is `dockerfile_lsp`, one
/// per root found by `root_markers`; the pulled diagnostics equal the core analysis with
/// that rule off (the settings reached the server) for a Dockerfile and a
/// Containerfile; hover answers; the preferred quick fix from the code-action menu
/// applies; keys typed one by one end with the diagnostics of a fresh open; new
/// settings reach the diagnostics without an edit.
fn neovim_0_11_enables_the_server_without_setup(nvim: &Nvim) {
    const RULE_OFF: &str = "maintainer-deprecated";
    let steps = serde_json::json!([
        // Tag the image.
        { "cursor": [1, 0], "keys": "A:3.20<Esc>", "settle": true },
        // An ENV line with a typo taken back, then an ENV without a value.
        { "cursor": [4, 0], "keys": "oENV GREETINF<BS>G=hi<Esc>", "settle": false },
        { "keys": "oENV X<Esc>", "settle": true },
    ]);
    let containerfile = "FROM alpine:3.20\nMAINTAINER me\nRUN cd /tmp && make\n";
    let (result, context) = run_nvim(
        nvim,
        "enable.lua",
        &[
            ("proj/sub/Dockerfile", ENABLE_FIXTURE),
            ("proj/.git/HEAD", "ref: refs/heads/main\n"),
            // Keeps the build-context rules quiet, as the core analysis (which has no
            // build context) is.
            ("proj/sub/.dockerignore", ".git\n"),
            ("fresh/.git/HEAD", "ref: refs/heads/main\n"),
            ("fresh/.dockerignore", ".git\n"),
            ("other/Containerfile", containerfile),
            ("other/dockerfile-lsp.toml", "# the project's settings\n"),
            ("other/.dockerignore", ".git\n"),
        ],
        &[
            ("DLSP_RULE_OFF", RULE_OFF.to_string()),
            ("DLSP_FIX", "json-args-recommended".to_string()),
            ("DLSP_STEPS", steps.to_string()),
            ("DLSP_FRESH", "fresh/Dockerfile".to_string()),
            ("DLSP_CONTAINERFILE", "other/Containerfile".to_string()),
        ],
    );
    let mut off = Config::default();
    off.rules
        .insert(RULE_OFF.to_string(), dockerfile_lsp::rules::Level::Off);
    // What Neovim shows (bytes) and what it pulled (UTF-8, which 0.11 negotiates).
    let files = result["files"].as_array().cloned().unwrap_or_default();
    assert_eq!(files.len(), 3, "{result}\n{context}");
    let roots: Vec<&str> = files
        .iter()
        .map(|f| {
            let root = f["root"].as_str().unwrap_or_default();
            root.rsplit('/').next().unwrap_or_default()
        })
        .collect();
    // proj/sub/Dockerfile belongs to proj (its .git), the others to their folders.
    assert_eq!(roots, ["proj", "fresh", "other"], "{result}\n{context}");
    let ids: BTreeSet<u64> = files
        .iter()
        .filter_map(|f| f["client_id"].as_u64())
        .collect();
    assert_eq!(ids.len(), 3, "one client per root: {result}");
    for f in &files {
        assert_eq!(f["client_name"], "dockerfile_lsp", "{f}");
        assert_eq!(f["filetype"], "dockerfile", "{f}");
        assert_eq!(f["offset_encoding"], "utf-8", "{f}");
        let text = f["text"].as_str().unwrap_or_default();
        let expected = analysed_with(text, ColumnUnit::Utf8, &off);
        assert!(!expected.is_empty(), "{f}");
        assert_eq!(
            without_shellcheck(&f["pulled"], WIRE_KEYS),
            expected,
            "pulled for {}\n{context}",
            f["name"]
        );
        assert_eq!(
            without_shellcheck(&f["shown"], SHOWN_KEYS),
            expected,
            "shown for {}\n{context}",
            f["name"]
        );
        // The rule the settings turned off would fire without them.
        assert!(
            analysed(text, ColumnUnit::Utf8)
                .iter()
                .any(|d| d.0 == RULE_OFF),
            "{text}"
        );
    }
    assert_eq!(files[0]["text"], ENABLE_FIXTURE, "{context}");
    assert_eq!(files[2]["text"], containerfile, "{context}");
    // The rule back on for the Containerfile's client: its diagnostics come back
    // without an edit (workspace/diagnostic/refresh) and include the rule again.
    assert_eq!(result["rule_back_on"], true, "{result}\n{context}");
    let after: BTreeSet<_> = without_shellcheck(&result["after_settings"], SHOWN_KEYS);
    assert_eq!(
        after,
        analysed(containerfile, ColumnUnit::Utf8),
        "{context}"
    );

    // The keyword hover explains the instruction.
    let hover = &result["hover"];
    assert_eq!(hover["kind"], "markdown", "{result}\n{context}");
    assert!(
        hover["value"]
            .as_str()
            .unwrap_or_default()
            .contains("**FROM**"),
        "{hover}"
    );

    // The preferred fix for the shell-form CMD, picked from the menu.
    let fix = &result["fix"];
    assert_eq!(fix["title"], "Convert to exec form", "{fix}\n{context}");
    assert_eq!(fix["preferred"], true, "{fix}");
    assert_eq!(
        fix["text"],
        ENABLE_FIXTURE.replace("CMD node server.js", "CMD [\"node\", \"server.js\"]"),
        "{context}"
    );

    // The keys: the image tagged, two ENV lines; then the diagnostics Neovim shows equal
    // those of the same text opened fresh (files[1]) and the core analysis.
    let final_text = "FROM alpine:3.20\nRUN cd /tmp && make\nCMD [\"node\", \"server.js\"]\nMAINTAINER me\nENV GREETING=hi\nENV X\n";
    let typed = &result["typed"];
    assert_eq!(typed["text"], final_text, "{result}\n{context}");
    assert_eq!(files[1]["text"], final_text, "{context}");
    assert_eq!(
        typed["shown"], files[1]["shown"],
        "typed vs fresh\n{context}"
    );
    let expected = analysed_with(final_text, ColumnUnit::Utf8, &off);
    assert_eq!(
        without_shellcheck(&typed["shown"], SHOWN_KEYS),
        expected,
        "{context}"
    );
    let codes: BTreeSet<&str> = expected.iter().map(|d| d.0.as_str()).collect();
    assert!(codes.contains("invalid-arguments"), "{codes:?}");
    assert!(!codes.contains("image-untagged"), "{codes:?}");
    assert!(!codes.contains("json-args-recommended"), "{codes:?}");
    assert_eq!(result["exit_code"], 0, "server exit code\n{context}");
    // Without setup(), `lsp/dockerfile_lsp.lua` defined the commands that need no
    // setup(); :DockerfileLspPinImages found the buffer's client (the Containerfile's,
    // same root) and asked the server, which had nothing to pin in `FROM scratch`.
    assert_eq!(
        result["commands"],
        serde_json::json!({ "pin": 2, "log": 2, "info": 0 }),
        "{result}"
    );
    assert_eq!(result["pin_client"], files[2]["client_id"], "{result}");
    let notes = result["pin_notes"].as_array().cloned().unwrap_or_default();
    assert_eq!(notes.len(), 1, "{result}\n{context}");
    assert!(
        notes[0]["msg"]
            .as_str()
            .is_some_and(|m| m.starts_with("dockerfile-lsp: nothing to pin")),
        "{notes:?}\n{context}"
    );
    // No error reached the user (the refresh after shutdown pulled nothing).
    let messages = result["messages_log"].as_str().unwrap_or_default();
    assert!(
        !messages.contains("Invalid request") && !messages.contains("rror"),
        "{messages}\n{context}"
    );
}

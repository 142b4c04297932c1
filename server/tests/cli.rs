//! End-to-end tests of the `dockerfile-lsp` binary's command line: `check` in every output
//! format with its exit codes, stdin, directory walks, configuration files, and `rules`.

mod common;

use std::fs;
use std::io::Write;
use std::process::{Output, Stdio};

use common::*;

use serde_json::Value;

/// A file with one finding that exists from the start: `ENV X` is an invalid-arguments error.
const ENV_ERROR: &str = "FROM alpine:3.20\nENV X\n";

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", stdout(output)))
}

/// The JSON findings of one rule.
fn findings_of<'a>(findings: &'a Value, rule: &str) -> Vec<&'a Value> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn text_output_exit_one_on_error() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), ENV_ERROR).unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Dockerfile:2:5: error[invalid-arguments] "),
        "{text}"
    );
    assert!(text.contains("2 | ENV X\n  |     ^\n"), "{text}");
    assert!(text.contains("Checked 1 file: "), "{text}");
    // stdout is a pipe here, so no colour.
    assert!(!text.contains('\x1b'), "{text}");
}

#[test]
fn exit_zero_below_fail_on() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), ENV_ERROR).unwrap();
    let out = run(
        dir.path(),
        &[
            "check",
            "--rule",
            "invalid-arguments=info",
            "--format",
            "json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let findings = json(&out);
    let errors = findings_of(&findings, "invalid-arguments");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["severity"], "info");

    let out = run(dir.path(), &["check", "--fail-on", "none"]);
    assert_eq!(code(&out), 0);
    let out = run(
        dir.path(),
        &[
            "check",
            "--rule",
            "invalid-arguments=info",
            "--fail-on",
            "info",
        ],
    );
    assert_eq!(code(&out), 1);
}

#[test]
fn missing_path_is_exit_two_but_other_files_are_checked() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), ENV_ERROR).unwrap();
    let out = run(
        dir.path(),
        &["check", "no-such-dir", "Dockerfile", "--format", "json"],
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no-such-dir"), "{}", stderr(&out));
    let findings = json(&out);
    assert_eq!(findings_of(&findings, "invalid-arguments").len(), 1);
}

#[test]
fn usage_errors_are_exit_two() {
    let dir = project();
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--rule", "no-such-rule=off"],
        &["check", "--rule", "invalid-arguments=loud"],
        &["frobnicate"],
    ] {
        let out = run(dir.path(), args);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn stdin_is_checked_with_its_name() {
    let dir = project();
    let out = run_with_stdin(
        dir.path(),
        &["check", "-", "--format", "json"],
        ENV_ERROR.as_bytes(),
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let findings = json(&out);
    let errors = findings_of(&findings, "invalid-arguments");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["path"], "-");
    assert_eq!(errors[0]["range"]["start"]["line"], 2);

    let out = run_with_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "web/Dockerfile",
            "--format",
            "github",
        ],
        ENV_ERROR.as_bytes(),
    );
    assert!(
        stdout(&out).contains("::error file=web/Dockerfile,line=2,col=5,"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn directory_walk_finds_dockerfiles_only() {
    let dir = project();
    let root = dir.path();
    fs::create_dir_all(root.join("svc/api")).unwrap();
    fs::create_dir_all(root.join("node_modules/pkg")).unwrap();
    fs::create_dir_all(root.join(".git")).unwrap();
    for file in [
        "Dockerfile.dev",
        "svc/app.dockerfile",
        "svc/api/Containerfile",
        "README.md",
        "notes.txt",
        "node_modules/pkg/Dockerfile",
        ".git/Dockerfile",
    ] {
        fs::write(root.join(file), ENV_ERROR).unwrap();
    }
    let out = run(root, &["check", "--format", "json"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let findings = json(&out);
    let mut paths: Vec<&str> = findings_of(&findings, "invalid-arguments")
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "Dockerfile.dev",
            "svc/api/Containerfile",
            "svc/app.dockerfile"
        ]
    );

    // A directory named explicitly is walked the same way, with its prefix kept.
    let out = run(root, &["check", "svc", "--format", "json"]);
    let findings = json(&out);
    let mut paths: Vec<&str> = findings_of(&findings, "invalid-arguments")
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, ["svc/api/Containerfile", "svc/app.dockerfile"]);
}

#[test]
fn empty_directory_warns_and_passes() {
    let dir = project();
    fs::write(dir.path().join("README.md"), "hi\n").unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!(code(&out), 0);
    assert!(
        stderr(&out).contains("no Dockerfiles found"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_columns_count_characters() {
    let dir = project();
    // `é` is two bytes and `😀` four bytes (two UTF-16 units); the error is on `X`.
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:3.20\nENV é😀=1 X\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check", "--format", "json"]);
    let findings = json(&out);
    let errors = findings_of(&findings, "invalid-arguments");
    assert_eq!(errors.len(), 1, "{findings:#}");
    let f = errors[0];
    assert_eq!(f["path"], "Dockerfile");
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains('X'));
    assert_eq!(f["range"]["start"]["line"], 2);
    assert_eq!(f["range"]["start"]["column"], 10);
    assert_eq!(f["range"]["end"]["line"], 2);
    assert_eq!(f["range"]["end"]["column"], 11);
    assert!(f["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|fix| fix["edits"].is_array() && fix["title"].is_string()));
    let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
    let mut expected = ["fixes", "message", "path", "range", "rule", "severity"];
    expected.sort();
    let mut keys_sorted = keys.clone();
    keys_sorted.sort();
    assert_eq!(keys_sorted, expected);
}

#[test]
fn sarif_has_the_required_fields() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), ENV_ERROR).unwrap();
    let out = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code(&out), 1);
    let log = json(&out);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "dockerfile-lsp");
    let rules = driver["rules"].as_array().unwrap();
    let rule_index = rules
        .iter()
        .position(|r| r["id"] == "invalid-arguments")
        .expect("invalid-arguments is listed");
    for rule in rules {
        assert!(rule["shortDescription"]["text"].is_string(), "{rule}");
        assert!(
            rule["helpUri"].as_str().unwrap().starts_with("https://"),
            "{rule}"
        );
    }
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "invalid-arguments")
        .expect("a invalid-arguments result");
    assert_eq!(result["ruleIndex"], rule_index);
    assert_eq!(result["level"], "error");
    assert!(result["message"]["text"].is_string());
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "Dockerfile");
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 5);
    assert_eq!(location["region"]["endLine"], 2);
    assert_eq!(location["region"]["endColumn"], 6);
}

#[test]
fn github_workflow_commands() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), ENV_ERROR).unwrap();
    let out = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("title=invalid-arguments"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.starts_with(
            "::error file=Dockerfile,line=2,col=5,endLine=2,endColumn=6,title=invalid-arguments::"
        ),
        "{line}"
    );
    assert!(text.lines().all(|l| l.starts_with("::")), "{text}");
}

#[test]
fn invalid_utf8_does_not_crash() {
    let dir = project();
    fs::write(
        dir.path().join("Dockerfile"),
        b"FROM alpine:3.20\n# caf\xe9 \xff\xfe\nLABEL x=\"\xc3\"\nENV X\n",
    )
    .unwrap();
    for format in ["text", "json", "sarif", "github"] {
        let out = run(dir.path(), &["check", "--format", format]);
        assert_eq!(code(&out), 1, "{format}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
    let out = run(dir.path(), &["check", "--format", "json"]);
    let findings = json(&out);
    let errors = findings_of(&findings, "invalid-arguments");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["range"]["start"]["line"], 4);

    let out = run_with_stdin(dir.path(), &["check", "-"], b"\xff\xfe\x00\x01ENV\n\xc3");
    assert_ne!(code(&out), 101, "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

#[test]
fn own_config_file_is_found_walking_up() {
    let dir = project();
    let root = dir.path();
    fs::create_dir_all(root.join("svc")).unwrap();
    fs::write(root.join("svc/Dockerfile"), ENV_ERROR).unwrap();
    fs::write(
        root.join(".dockerfile-lsp.toml"),
        "[rules]\ninvalid-arguments = \"off\"\nno-such-rule = \"error\"\n",
    )
    .unwrap();
    let out = run(root, &["check", "svc", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(findings_of(&json(&out), "invalid-arguments").is_empty());
    // The unknown rule is a warning on stderr, printed once.
    let err = stderr(&out);
    assert_eq!(
        err.matches("unknown rule `no-such-rule`").count(),
        1,
        "{err}"
    );

    // The command line wins over the file.
    let out = run(
        root,
        &["check", "svc", "--rule", "invalid-arguments=warning"],
    );
    assert_eq!(code(&out), 1);
    assert!(
        stdout(&out).contains("warning[invalid-arguments]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn broken_config_is_exit_two() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), "FROM alpine:3.20\n").unwrap();
    fs::write(dir.path().join("dockerfile-lsp.toml"), "[rules\n").unwrap();
    let out = run(dir.path(), &["check"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("invalid TOML"), "{}", stderr(&out));

    let out = run(dir.path(), &["check", "--config", "missing.toml"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("missing.toml"), "{}", stderr(&out));
}

#[test]
fn explicit_config_replaces_discovery() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), ENV_ERROR).unwrap();
    fs::write(
        dir.path().join("dockerfile-lsp.toml"),
        "[rules]\ninvalid-arguments = \"off\"\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("ci.toml"),
        "[rules]\ninvalid-arguments = \"hint\"\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["check", "--config", "ci.toml", "--fail-on", "hint"],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(
        stdout(&out).contains("hint[invalid-arguments]"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn hadolint_config_is_honoured_without_own_config() {
    let dir = project();
    fs::write(dir.path().join("Dockerfile"), ENV_ERROR).unwrap();
    fs::write(
        dir.path().join(".hadolint.yaml"),
        "ignored:\n  - SC2086\ntrustedRegistries: docker.io\n",
    )
    .unwrap();
    let out = run(dir.path(), &["check"]);
    // The file is read without complaint and does not change the syntax error.
    assert_eq!(code(&out), 1);
    assert_eq!(stderr(&out), "");

    // A rule with a hadolint code is turned off by `ignored`.
    let rules = json(&run(dir.path(), &["rules", "--format", "json"]));
    let Some(rule) = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| !r["hadolint"].as_array().unwrap().is_empty())
    else {
        return;
    };
    let id = rule["id"].as_str().unwrap();
    let dl = rule["hadolint"][0].as_str().unwrap();
    fs::write(
        dir.path().join(".hadolint.yaml"),
        format!("ignored: [{dl}]\n"),
    )
    .unwrap();
    let out = run(dir.path(), &["check", "--format", "json"]);
    // An unmapped code would be reported on stderr; this one maps to `id`, now off.
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert!(
        findings_of(&json(&out), id).is_empty(),
        "{id} should be off"
    );
    fs::write(dir.path().join(".hadolint.yaml"), "ignored: [DL9999]\n").unwrap();
    let out = run(dir.path(), &["check"]);
    assert!(stderr(&out).contains("DL9999"), "{}", stderr(&out));
}

#[test]
fn rules_table_and_documentation() {
    let dir = project();
    let out = run(dir.path(), &["rules"]);
    assert_eq!(code(&out), 0);
    let table = stdout(&out);
    assert!(table.starts_with("RULE "), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("syntax-error ") && l.contains("error")),
        "{table}"
    );

    let out = run(dir.path(), &["rules", "syntax-error"]);
    assert_eq!(code(&out), 0);
    let doc = stdout(&out);
    assert!(doc.starts_with("# syntax-error\n"), "{doc}");
    assert!(doc.contains("## What it does"), "{doc}");

    let out = run(dir.path(), &["rules", "--format", "json"]);
    let rules = json(&out);
    let rules = rules.as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "syntax-error"
        && r["defaultLevel"] == "error"
        && r["documentation"]
            .as_str()
            .unwrap()
            .contains("## What it does")));

    // Every hadolint code and BuildKit check name shows its rule.
    for rule in rules {
        let aliases = rule["hadolint"]
            .as_array()
            .unwrap()
            .iter()
            .chain(rule["buildkit"].as_array().unwrap());
        for alias in aliases {
            let out = run(
                dir.path(),
                &["rules", alias.as_str().unwrap(), "--format", "json"],
            );
            assert_eq!(code(&out), 0);
            assert_eq!(json(&out)["id"], rule["id"]);
        }
    }

    let out = run(dir.path(), &["rules", "syntax-eror"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("did you mean `syntax-error`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_and_version() {
    let dir = project();
    let out = run(dir.path(), &["--help"]);
    assert_eq!(code(&out), 0);
    for command in ["serve", "check", "rules"] {
        assert!(stdout(&out).contains(command));
    }
    let out = run(dir.path(), &["--version"]);
    assert_eq!(code(&out), 0);
    assert!(stdout(&out).starts_with("dockerfile-lsp "));
}

/// Frames one JSON-RPC message with its `Content-Length` header.
fn lsp_message(body: &Value) -> Vec<u8> {
    let body = body.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads one framed JSON-RPC message.
fn read_lsp_message(reader: &mut impl std::io::BufRead) -> Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "server closed stdout"
        );
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = Some(value.trim().parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    std::io::Read::read_exact(reader, &mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

#[test]
fn every_spelling_of_serve_speaks_lsp_on_stdio() {
    let dir = project();
    for args in [&[][..], &["--stdio"], &["serve"], &["serve", "--stdio"]] {
        let mut child = cmd(dir.path(), args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let initialize = serde_json::json!({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": { "capabilities": {}, "processId": null, "rootUri": null },
        });
        stdin.write_all(&lsp_message(&initialize)).unwrap();
        stdin.flush().unwrap();
        let reply = read_lsp_message(&mut stdout);
        assert_eq!(reply["id"], 1, "{args:?}: {reply}");
        assert!(
            reply["result"]["capabilities"].is_object(),
            "{args:?}: {reply}"
        );
        for message in [
            serde_json::json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
            serde_json::json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
        ] {
            stdin.write_all(&lsp_message(&message)).unwrap();
        }
        stdin.flush().unwrap();
        let reply = read_lsp_message(&mut stdout);
        assert_eq!(reply["id"], 2, "{args:?}: {reply}");
        stdin
            .write_all(&lsp_message(
                &serde_json::json!({ "jsonrpc": "2.0", "method": "exit" }),
            ))
            .unwrap();
        drop(stdin);
        let status = child.wait().unwrap();
        assert!(status.success(), "{args:?}: {status}");
    }
}

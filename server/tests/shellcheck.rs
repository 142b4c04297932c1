//! `dockerfile-lsp check` with ShellCheck: findings with exact positions and the wiki
//! link, per-code ignores, the configured path, and a broken ShellCheck that yields no
//! findings. The first test needs Debian's `shellcheck`: it skips with a note when it is
//! missing and fails when `DOCKERFILE_LSP_REQUIRE_SHELLCHECK=1` (set by `.ci/run`).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const REQUIRE: &str = "DOCKERFILE_LSP_REQUIRE_SHELLCHECK";

fn shellcheck_available() -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("shellcheck").is_file()));
    if !found {
        if std::env::var(REQUIRE).is_ok_and(|v| v == "1") {
            panic!("shellcheck is not on PATH (required because {REQUIRE}=1)");
        }
        eprintln!("SKIPPED: shellcheck is not on PATH (set {REQUIRE}=1 to make this a failure)");
    }
    found
}

fn check(dir: &Path, args: &[&str]) -> (Output, Vec<Value>) {
    let out = Command::new(env!("CARGO_BIN_EXE_dockerfile-lsp"))
        .arg("check")
        .args(["--format", "json", "--fail-on", "none"])
        .args(args)
        .current_dir(dir)
        .env("XDG_CONFIG_HOME", dir.join(".no-xdg"))
        .env("HOME", dir.join(".no-home"))
        .output()
        .expect("run dockerfile-lsp");
    let items: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON output");
    let sc = items
        .into_iter()
        .filter(|d| d["rule"] == "shellcheck")
        .collect();
    (out, sc)
}

/// `(line, column, end column, message prefix)` of each finding.
fn summary(sc: &[Value]) -> Vec<(u64, u64, u64, String)> {
    sc.iter()
        .map(|d| {
            let r = &d["range"];
            (
                r["start"]["line"].as_u64().unwrap(),
                r["start"]["column"].as_u64().unwrap(),
                r["end"]["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap()[..6].to_string(),
            )
        })
        .collect()
}

const DOCKERFILE: &str = "FROM debian:12\nARG ver=1\nRUN echo \"é\" $1 $ver | \\\n\tgrep x\n# hadolint ignore=SC2086\nRUN echo $2\nRUN <<EOF\necho $3\nEOF\n";

#[test]
fn check_reports_shellcheck_findings_at_exact_positions() {
    if !shellcheck_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    let (out, sc) = check(dir.path(), &["Dockerfile"]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        summary(&sc),
        [
            // `$1` after a multi-byte character; `$ver` is declared (no SC2154), and
            // ShellCheck sees its value `1` cannot split; `$2` is ignored by the comment.
            (3, 14, 16, "SC2086".to_string()),
            (8, 6, 8, "SC2086".to_string()),
        ],
        "{sc:?}"
    );
    assert_eq!(sc[0]["severity"], "info");
    assert!(sc[0]["message"]
        .as_str()
        .unwrap()
        .ends_with("See https://www.shellcheck.net/wiki/SC2086"));
    assert_eq!(sc[0]["fixes"][0]["applicability"], "unsafe");

    // A level for the rule applies to every finding; `ignored` in .hadolint.yaml and the
    // TOML ignore list drop codes.
    let (_, sc) = check(dir.path(), &["--rule", "shellcheck=error", "Dockerfile"]);
    assert!(sc.iter().all(|d| d["severity"] == "error"));
    std::fs::write(dir.path().join(".hadolint.yaml"), "ignored: [SC2086]\n").unwrap();
    let (_, sc) = check(dir.path(), &["Dockerfile"]);
    assert_eq!(sc.len(), 0, "{sc:?}");
    let (_, sc) = check(dir.path(), &["--rule", "shellcheck=off", "Dockerfile"]);
    assert_eq!(sc.len(), 0);
}

#[test]
fn a_broken_or_missing_shellcheck_gives_no_findings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), DOCKERFILE).unwrap();
    let fake = dir.path().join("fake-shellcheck");
    std::fs::write(&fake, "#!/bin/sh\necho not json\n").unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    for path in [
        fake.display().to_string(),
        "/no/such/shellcheck".to_string(),
    ] {
        std::fs::write(
            dir.path().join("dockerfile-lsp.toml"),
            format!("[shellcheck]\npath = {path:?}\n"),
        )
        .unwrap();
        let (out, sc) = check(dir.path(), &["Dockerfile"]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(sc.len(), 0, "{path}: {sc:?}");
    }
}

#[test]
fn rules_shellcheck_says_whether_shellcheck_was_found() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dockerfile-lsp"))
        .args(["rules", "shellcheck"])
        .current_dir(dir.path())
        .env("PATH", dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("ShellCheck not found: `shellcheck` is not on PATH"),
        "{text}"
    );
    if shellcheck_available() {
        let out = Command::new(env!("CARGO_BIN_EXE_dockerfile-lsp"))
            .args(["rules", "shellcheck"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("the `shellcheck` rule is active"), "{text}");
    }
}

/// The scripts of many files go to ShellCheck together (a process per file spent most
/// of its time starting): 40 files of 2 scripts each, 40 distinct and 10 shared, take
/// ceil(50 / 16) = 4 processes, and every file still gets the findings of its own
/// scripts, at its own lines.
#[test]
fn check_batches_shellcheck_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("calls.log");
    // Reports one SC2086 on the line of every script that says `unquoted`, as the
    // real program's json1 does, and logs each call's script count.
    let fake = dir.path().join("fake-shellcheck");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\nn=0; out=''\nfor f in \"$@\"; do case \"$f\" in --*) continue;; esac; n=$((n+1))\n  l=$(grep -n unquoted \"$f\" | cut -d: -f1); if [ -n \"$l\" ]; then out=\"$out${{out:+,}}{{\\\"file\\\":\\\"$f\\\",\\\"line\\\":$l,\\\"endLine\\\":$l,\\\"column\\\":6,\\\"endColumn\\\":8,\\\"level\\\":\\\"info\\\",\\\"code\\\":2086,\\\"message\\\":\\\"Double quote to prevent globbing and word splitting.\\\"}}\"; fi\ndone\necho $n >> {}\necho \"{{\\\"comments\\\":[$out]}}\"\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::write(
        dir.path().join("dockerfile-lsp.toml"),
        format!("[shellcheck]\npath = {:?}\n", fake.display().to_string()),
    )
    .unwrap();
    let mut names = Vec::new();
    for i in 0..40 {
        let name = format!("{i:02}.Dockerfile");
        let own = if i % 3 == 0 {
            format!("echo $unquoted{i}")
        } else {
            format!("echo quoted{i}")
        };
        let shared = format!("echo shared{}", i % 10);
        std::fs::write(
            dir.path().join(&name),
            format!("FROM debian:12\nRUN {own}\nRUN {shared}\n"),
        )
        .unwrap();
        names.push(name);
    }
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    let (out, sc) = check(dir.path(), &args);
    assert!(out.status.success(), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls: Vec<usize> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    assert_eq!(
        calls.iter().sum::<usize>(),
        50,
        "each distinct script once: {calls:?}"
    );
    assert_eq!(calls.len(), 4, "batches of 16 across files: {calls:?}");
    let mut flagged: Vec<(String, u64)> = sc
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    flagged.sort();
    let expected: Vec<(String, u64)> = (0..40)
        .filter(|i| i % 3 == 0)
        .map(|i| (format!("{i:02}.Dockerfile"), 2))
        .collect();
    assert_eq!(flagged, expected);
}

//! `dockerfile-lsp pin [--check]` against loopback registries the tests control: the
//! command line parsed as the binary parses it, files rewritten (or checked) and the exit
//! status CI relies on.

use std::path::Path;

use clap::Parser;
use dockerfile_lsp::cli::{Cli, Command};
use dockerfile_lsp_tests::fake_registry::{sha256, FakeRegistry, Response};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn manifest(seed: &str) -> Vec<u8> {
    format!(r#"{{"schemaVersion":2,"mediaType":"{OCI_MANIFEST}","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":1}},"layers":[]}}"#, sha256(seed.as_bytes())).into_bytes()
}

/// A registry serving `app:1` and `tools:2`; the digests are computed here from the
/// bytes served.
fn registry() -> (FakeRegistry, String, String) {
    let (app, tools) = (manifest("app"), manifest("tools"));
    let (app_digest, tools_digest) = (sha256(&app), sha256(&tools));
    let server = FakeRegistry::start(move |req| match req.path.as_str() {
        "/v2/app/manifests/1" => Response::manifest(OCI_MANIFEST, app.clone()),
        "/v2/tools/manifests/2" => Response::manifest(OCI_MANIFEST, tools.clone()),
        _ => Response::new(404),
    });
    (server, app_digest, tools_digest)
}

/// Runs `dockerfile-lsp <args>` in-process; returns (status, stdout, stderr).
async fn run(args: &[&str], docker_config: &Path) -> (u8, String, String) {
    let mut argv = vec!["dockerfile-lsp", "pin"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(&argv).expect("the arguments parse");
    let Some(Command::Pin(mut pin)) = cli.command else {
        panic!("not the pin command: {argv:?}");
    };
    // The machine's own ~/.docker must not matter.
    pin.docker_config = Some(docker_config.display().to_string());
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let status =
        dockerfile_lsp::cli::pin::pin_files(&pin, &mut std::io::empty(), &mut out, &mut err).await;
    (
        status,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[tokio::test]
async fn pin_rewrites_every_image_reference_and_check_then_passes() {
    let (server, app, tools) = registry();
    let host = server.host();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    let text = format!(
        "ARG TAG=1\nFROM {host}/app:${{TAG}} AS build\nCOPY --from={host}/tools:2 /t /t\nFROM scratch\nCOPY --from=build /a /a\nFROM $UNSET\n"
    );
    std::fs::write(&file, &text).unwrap();
    let path = file.to_str().unwrap();

    let (status, stdout, stderr) = run(&["--check", path], dir.path()).await;
    assert_eq!(
        status, 1,
        "unpinned references fail the check\n{stdout}\n{stderr}"
    );
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.contains(&format!("{path}:2:6: `{host}/app:1` is not pinned")),
        "{stdout}"
    );
    assert!(stdout.contains(&tools), "{stdout}");
    assert!(
        stderr.contains("skipped") && stderr.contains("UNSET"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        text,
        "--check writes nothing"
    );

    let (status, _, stderr) = run(&[path], dir.path()).await;
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!(
            "ARG TAG=1\nFROM {host}/app:${{TAG}}@{app} AS build\nCOPY --from={host}/tools:2@{tools} /t /t\nFROM scratch\nCOPY --from=build /a /a\nFROM $UNSET\n"
        )
    );
    assert!(stderr.contains("2 references pinned"), "{stderr}");

    let (status, stdout, stderr) = run(&["--check", path], dir.path()).await;
    assert_eq!(status, 0, "pinned and current\n{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
}

#[tokio::test]
async fn check_reports_a_digest_the_tag_no_longer_points_to() {
    let (server, app, _) = registry();
    let host = server.host();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    let old = sha256(b"last month");
    std::fs::write(&file, format!("FROM {host}/app:1@{old}\n")).unwrap();
    let path = file.to_str().unwrap();
    let (status, stdout, _) = run(&["--check", path], dir.path()).await;
    assert_eq!(status, 1, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "is pinned to {old}, but its tag now points to {app}"
        )),
        "{stdout}"
    );
    // Without --check the digest is updated.
    let (status, _, stderr) = run(&[path], dir.path()).await;
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!("FROM {host}/app:1@{app}\n")
    );
}

#[tokio::test]
async fn a_failed_lookup_is_an_error_naming_the_host_and_nothing_is_written() {
    let server = FakeRegistry::start(|_| Response::new(404));
    let host = server.host();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    let text = format!("FROM {host}/gone:1\n");
    std::fs::write(&file, &text).unwrap();
    let (status, _, stderr) = run(&[file.to_str().unwrap()], dir.path()).await;
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains(&host) && stderr.contains("not found"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

/// The real binary against a real registry with token auth (the Docker Hub flow), its
/// credentials found through `$DOCKER_CONFIG`, as a CI job would run it.
#[test]
fn the_binary_pins_against_a_token_auth_registry_with_docker_config_credentials() {
    use dockerfile_lsp_tests::registry::{start_or_skip, Auth};
    let Some(registry) = start_or_skip(Auth::token("ci", "t0ken-pass")) else {
        return;
    };
    let image = registry.push_image("team/runtime", "3");
    let index = registry.push_index("team/base", "1", &["linux/amd64", "linux/arm/v7"]);
    let host = registry.host();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(
        &file,
        format!("FROM {host}/team/base:1 AS build\nFROM {host}/team/runtime:3\nCOPY --from=build /a /a\n"),
    )
    .unwrap();
    let bin = dockerfile_lsp_tests::server_binary();
    let run = |args: &[&str], config: &Path| {
        let out = std::process::Command::new(&bin)
            .arg("pin")
            .args(args)
            .arg(&file)
            .env("DOCKER_CONFIG", config)
            .output()
            .expect("running dockerfile-lsp");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Without credentials: the registry refuses, the error names the host, nothing written.
    let empty = registry.empty_docker_config();
    let (code, _, stderr) = run(&[], &empty);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains(&host), "{stderr}");
    assert!(!stderr.contains("t0ken-pass"), "{stderr}");

    let config = registry.docker_config();
    let (code, stdout, stderr) = run(&["--check"], &config);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    let (code, _, stderr) = run(&[], &config);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        format!(
            "FROM {host}/team/base:1@{} AS build\nFROM {host}/team/runtime:3@{}\nCOPY --from=build /a /a\n",
            index.digest, image.digest
        )
    );
    let (code, stdout, stderr) = run(&["--check"], &config);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
}

/// `HTTPS_PROXY` is honoured: the lookup of a remote registry goes through the proxy
/// (a loopback server that records the `CONNECT` and refuses it), never straight out.
#[test]
fn the_binary_reaches_remote_registries_through_https_proxy() {
    let proxy = FakeRegistry::start(|_| Response::new(502));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("Dockerfile");
    std::fs::write(&file, "FROM registry.example.com/team/app:1\n").unwrap();
    let out = std::process::Command::new(dockerfile_lsp_tests::server_binary())
        .args(["pin", "--check", "--timeout-ms", "5000"])
        .arg(&file)
        .env("HTTPS_PROXY", proxy.url(""))
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("DOCKER_CONFIG", dir.path())
        .output()
        .expect("running dockerfile-lsp");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("registry.example.com"), "{stderr}");
    let requests = proxy.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].method, "CONNECT", "{requests:?}");
    assert_eq!(requests[0].path, "registry.example.com:443", "{requests:?}");
}

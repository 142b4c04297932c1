//! Settings from `initializationOptions`, `didChangeConfiguration` and
//! `workspace/configuration`: the debounce delay and rule levels take effect and open
//! documents are republished.

use std::time::Duration;

use dockerfile_lsp_tests::lsp_client::{capabilities, with_code, TestClient, WAIT};
use serde_json::{json, Value};

const URI: &str = "file:///project/Dockerfile";
const BROKEN: &str = "FROM alpine:3.20\nENV X\n";

#[tokio::test]
async fn pushed_settings_change_delay_and_rule_levels() {
    // A one-minute debounce from the initialization options: nothing is published soon.
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "diagnostics": { "delayMs": 60000 } })),
    )
    .await;
    client.did_open(URI, BROKEN, 1).await;
    let early = client
        .drain_diagnostics(URI, Duration::from_millis(600))
        .await;
    assert!(
        early.is_empty(),
        "the delay holds publication back: {early:?}"
    );

    // Delay 0 through didChangeConfiguration: the open document is republished now.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "dockerfileLsp": { "diagnostics": { "delayMs": 0 } } } }),
        )
        .await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 1);
    assert_eq!(
        with_code(&published["diagnostics"], "invalid-arguments").len(),
        1
    );

    // Turning the rule off makes the diagnostic disappear for the same version.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "dockerfileLsp": {
                "diagnostics": { "delayMs": 0 },
                "rules": { "invalid-arguments": "off" }
            } } }),
        )
        .await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 1);
    assert!(
        with_code(&published["diagnostics"], "invalid-arguments").is_empty(),
        "{published}"
    );

    // A severity override changes the severity.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "rules": { "invalid-arguments": "hint" }, "diagnostics": { "delayMs": 0 } } }),
        )
        .await;
    let published = client.diagnostics(URI).await;
    let errors = with_code(&published["diagnostics"], "invalid-arguments");
    assert_eq!(errors.len(), 1, "{published}");
    assert_eq!(errors[0]["severity"], 4);
    client.shutdown_and_exit().await;
}

#[tokio::test]
async fn settings_are_pulled_from_the_client() {
    let mut client = TestClient::start();
    client.set_settings(
        json!({ "rules": { "invalid-arguments": "off" }, "diagnostics": { "delayMs": 0 } }),
    );
    client
        .initialize(capabilities(false, false, true), None)
        .await;
    let asked = client
        .server_request("workspace/configuration", WAIT)
        .await
        .expect("the server asks for its settings");
    assert_eq!(asked["params"]["items"][0]["section"], "dockerfileLsp");

    client.did_open(URI, BROKEN, 1).await;
    // Whichever comes first (the open or the settings), the rule ends up off.
    loop {
        let published = client.diagnostics(URI).await;
        if with_code(&published["diagnostics"], "invalid-arguments").is_empty() {
            break;
        }
    }
    for later in client
        .drain_diagnostics(URI, Duration::from_millis(300))
        .await
    {
        assert!(
            with_code(&later["diagnostics"], "invalid-arguments").is_empty(),
            "{later}"
        );
    }

    // The user turns the rule back on; the notification carries no settings, so the
    // server asks again.
    client.set_settings(json!({ "diagnostics": { "delayMs": 0 } }));
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": null }),
        )
        .await;
    client
        .server_request("workspace/configuration", WAIT)
        .await
        .expect("the server asks again");
    let published = client.diagnostics(URI).await;
    assert_eq!(
        with_code(&published["diagnostics"], "invalid-arguments").len(),
        1,
        "{published}"
    );
    client.shutdown_and_exit().await;
}

/// A mistyped or ill-typed setting reaches the user as one warning naming it (instead of
/// silently doing nothing), once per distinct set of problems; the valid settings beside
/// it still apply.
#[tokio::test]
async fn ignored_settings_are_reported_to_the_user_once() {
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "dockerfileLsp": {
            "diagnostics": { "delayMs": 0 },
            "diagnostic": { "delayMs": 0 },
            "rules": { "invalid-arguments": "loud" }
        } })),
    )
    .await;
    let shown = client
        .wait_for("window/showMessage", WAIT, |_| true)
        .await
        .expect("a warning about the settings");
    assert_eq!(shown["type"], 2, "a warning: {shown}");
    let message = shown["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("unknown setting `diagnostic`")
            && message.contains("rule `invalid-arguments`")
            && message.contains("\"loud\""),
        "{message}"
    );
    // The valid delay applies: diagnostics arrive at once.
    client.did_open(URI, BROKEN, 1).await;
    let published = client.diagnostics(URI).await;
    assert_eq!(
        with_code(&published["diagnostics"], "invalid-arguments").len(),
        1
    );

    // The same settings again: no second message. New problems: a new message.
    let same = json!({ "settings": { "dockerfileLsp": {
        "diagnostics": { "delayMs": 0 },
        "diagnostic": { "delayMs": 0 },
        "rules": { "invalid-arguments": "loud" }
    } } });
    client
        .notify("workspace/didChangeConfiguration", same)
        .await;
    client.diagnostics(URI).await;
    assert!(
        client
            .wait_for("window/showMessage", Duration::from_millis(300), |_| true)
            .await
            .is_none(),
        "the same warning was shown twice"
    );
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({ "settings": { "registry": { "timeoutMs": "soon" } } }),
        )
        .await;
    let shown = client
        .wait_for("window/showMessage", WAIT, |_| true)
        .await
        .expect("a warning about the new settings");
    let message = shown["message"].as_str().unwrap_or_default();
    assert!(message.contains("`registry.timeoutMs`"), "{message}");
    assert!(!message.contains("`diagnostic`"), "{message}");
    client.shutdown_and_exit().await;
}

/// Settings changes in quick succession (each recomputing every open document's
/// configuration, concurrently): the diagnostics end up following the last settings,
/// never an older set that happened to finish later.
#[tokio::test]
async fn a_burst_of_settings_changes_ends_with_the_last_settings() {
    // Pushed settings (in the notification), then pulled ones (`workspace/configuration`
    // after a notification without settings).
    for round in 0..8 {
        let pull = round >= 4;
        let settings = |level: &str| json!({ "diagnostics": { "delayMs": 0 }, "rules": { "invalid-arguments": level } });
        let mut client = TestClient::start();
        client.set_settings(settings("warning"));
        client
            .initialize(capabilities(false, false, pull), Some(settings("warning")))
            .await;
        client.did_open(URI, BROKEN, 1).await;
        client.diagnostics(URI).await;
        let level = |i: usize| if i.is_multiple_of(2) { "off" } else { "hint" };
        let last = 19 + round % 2;
        for i in 0..=last {
            let pushed = if pull {
                client.set_settings(settings(level(i)));
                Value::Null
            } else {
                json!({ "dockerfileLsp": settings(level(i)) })
            };
            client
                .notify(
                    "workspace/didChangeConfiguration",
                    json!({ "settings": pushed }),
                )
                .await;
        }
        // What is published once things settle follows the last settings.
        let settled = client
            .drain_diagnostics(URI, Duration::from_millis(400))
            .await;
        let final_push = settled.last().expect("diagnostics after the changes");
        let shown = with_code(&final_push["diagnostics"], "invalid-arguments");
        match level(last) {
            "off" => assert!(shown.is_empty(), "round {round}: {final_push}"),
            _ => {
                assert_eq!(shown.len(), 1, "round {round}: {final_push}");
                assert_eq!(shown[0]["severity"], 4, "round {round}: {final_push}");
            }
        }
        client.shutdown_and_exit().await;
    }
}

/// Eglot pushes `didChangeConfiguration` with `{}` on every connect (and a shared
/// configuration may hold only other servers' sections): that keeps the settings the
/// server was started with instead of resetting them to their defaults.
#[tokio::test]
async fn a_push_without_our_settings_keeps_the_initialization_options() {
    let (mut client, _) = TestClient::initialized(
        capabilities(false, false, false),
        Some(json!({ "dockerfileLsp": {
            "diagnostics": { "delayMs": 0 },
            "rules": { "invalid-arguments": "off" }
        } })),
    )
    .await;
    client.did_open(URI, BROKEN, 1).await;
    for pushed in [json!({}), json!({ "yaml": { "schemas": {} } })] {
        client
            .notify(
                "workspace/didChangeConfiguration",
                json!({ "settings": pushed }),
            )
            .await;
        let published = client.diagnostics(URI).await;
        assert!(
            with_code(&published["diagnostics"], "invalid-arguments").is_empty(),
            "after pushing {pushed}: {published}"
        );
    }
    client.shutdown_and_exit().await;
}

/// Once the server has answered `shutdown`, it sends the client no more requests: a
/// settings change still in flight does not end with a `workspace/diagnostic/refresh`
/// (Neovim shows an "Invalid request" error for a request to a stopping client).
#[tokio::test]
async fn no_diagnostic_refresh_after_shutdown() {
    for round in 0..10 {
        let mut client = TestClient::start();
        client.set_settings(json!({ "diagnostics": { "delayMs": 0 } }));
        let mut caps = capabilities(false, true, true);
        caps["workspace"]["diagnostics"] = json!({ "refreshSupport": true });
        client.initialize(caps, None).await;
        client.did_open(URI, BROKEN, 1).await;
        client
            .notify(
                "workspace/didChangeConfiguration",
                json!({ "settings": null }),
            )
            .await;
        let response = client.request("shutdown", Value::Null).await;
        assert_eq!(response.get("result"), Some(&Value::Null), "{response}");
        client.forget_received();
        let late = client
            .server_request("workspace/diagnostic/refresh", Duration::from_millis(300))
            .await;
        assert!(
            late.is_none(),
            "round {round}: a refresh after shutdown: {late:?}"
        );
        client.notify("exit", Value::Null).await;
    }
}

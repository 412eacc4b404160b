//! Secrets (API key, user token, acting user) never appear in `Debug`, `Display`, errors or
//! logs, even when the server echoes them; and one `tracing` span per attempt with
//! operation, attempt, status and duration.

mod client_support;

use client_support::{Capture, KEY, timerless_http, token_response, user_token_body};
use hyperspell::{Client, ClientBuilder, RequestOptions};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const USER: &str = "acting-user-secret-42";
const TOKEN: &str = "jwt-user-token-abcdef";

fn assert_clean(what: &str, text: &str) {
    for secret in [KEY, USER, TOKEN] {
        assert!(!text.contains(secret), "{what} contains a secret: {text}");
    }
}

#[tokio::test(start_paused = true)]
async fn secrets_stay_out_of_debug_errors_and_logs() {
    let server = MockServer::start().await;
    let echo = json!({"error": "InvalidKey", "message": format!("key {KEY} cannot act as {USER}")});
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("x-echo", format!("Bearer {KEY}").as_str())
                .set_body_json(&echo),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(ResponseTemplate::new(401).set_body_json(&echo))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/auth/user_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_response()))
        .mount(&server)
        .await;

    let capture = Capture::default();
    let _guard = capture.install();
    let builder = ClientBuilder::default()
        .api_key(KEY)
        .as_user(USER)
        .base_url(server.uri())
        .no_timeout()
        .http_client(timerless_http());
    assert_clean("builder Debug", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    let err = client.memories().status().send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));

    let token = client
        .auth()
        .user_token()
        .body(user_token_body())
        .send()
        .await
        .unwrap();
    let user_client = client.with_user_token(&token.token);
    let err_as_user = user_client.memories().status().send().await.unwrap_err();

    for (what, text) in [
        ("client Debug", format!("{client:?}")),
        ("client Debug (pretty)", format!("{client:#?}")),
        ("user client Debug", format!("{user_client:?}")),
        ("state Debug", format!("{:?}", client.state())),
        (
            "request builder Debug",
            format!("{:?}", client.memories().status()),
        ),
        (
            "options Debug",
            format!("{:?}", RequestOptions::new().as_user(USER)),
        ),
        ("error Display", err.to_string()),
        ("error Debug", format!("{err:?}")),
        ("error message", err.message().to_owned()),
        ("error body", err.body().unwrap_or_default().to_owned()),
        ("error headers", format!("{:?}", err.headers())),
        ("user error Debug", format!("{err_as_user:?}")),
        ("log output", capture.text()),
    ] {
        assert_clean(what, &text);
    }
    // the scrubbed error still says what happened
    assert_eq!(
        err.message(),
        "InvalidKey: key [redacted] cannot act as [redacted]"
    );
    // and the secrets did go to the server
    let sent = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        sent.headers["authorization"],
        format!("Bearer {KEY}").as_str()
    );
    assert_eq!(sent.headers["x-as-user"], USER);
}

#[tokio::test(start_paused = true)]
async fn one_span_per_attempt_with_operation_attempt_status_and_duration() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(client_support::indexing_status()))
        .mount(&server)
        .await;
    let capture = Capture::default();
    let _guard = capture.install();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .no_timeout()
        .http_client(timerless_http())
        .build()
        .unwrap();
    client.memories().status().send().await.unwrap();
    let log = capture.text();
    let spans: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("hyperspell.request"))
        .collect();
    assert_eq!(spans.len(), 2, "{log}");
    assert!(spans[0].contains("operation=\"memories.status\""), "{log}");
    assert!(
        spans[0].contains("method=\"GET\"") && spans[0].contains("path=\"/memories/status\""),
        "{log}"
    );
    assert!(
        spans[0].contains("attempt=1") && spans[1].contains("attempt=2"),
        "{log}"
    );
    assert!(
        log.contains("status=500") && log.contains("status=200"),
        "{log}"
    );
    assert!(log.contains("duration_ms="), "{log}");
    assert!(
        log.contains("retrying") && log.contains("delay_ms="),
        "{log}"
    );
}

/// A client for `server` acting as [`USER`], with no retries.
fn acting_client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .as_user(USER)
        .base_url(server.uri())
        .no_timeout()
        .max_retries(0)
        .http_client(timerless_http())
        .build()
        .unwrap()
}

async fn answering(route: &str, http_method: &str, response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .and(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    server
}

// Every test of this file installs a `Capture`: a span first seen on a thread without a
// subscriber would otherwise be cached as disabled for the tests that look at spans.

/// Everything an error shows.
fn shown(err: &hyperspell::Error) -> Vec<(&'static str, String)> {
    vec![
        ("Display", err.to_string()),
        ("Debug", format!("{err:?}")),
        ("message", err.message().to_owned()),
        ("body", err.body().unwrap_or_default().to_owned()),
        ("headers", format!("{:?}", err.headers())),
        ("validation", format!("{:?}", err.validation_errors())),
        (
            "source",
            std::error::Error::source(err)
                .map(|s| format!("{s} {s:?}"))
                .unwrap_or_default(),
        ),
    ]
}

#[tokio::test]
async fn a_minted_token_that_does_not_decode_stays_out_of_the_error() {
    let capture = Capture::default();
    let _log = capture.install();
    // The token is not one of the client's secrets: the body's field name says it is one.
    let body = json!({"token": TOKEN, "expires_at": "not a date"});
    let server = answering(
        "/auth/user_token",
        "POST",
        ResponseTemplate::new(200).set_body_json(&body),
    )
    .await;
    let err = acting_client(&server)
        .auth()
        .user_token()
        .body(user_token_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), hyperspell::ErrorKind::Decode, "{err}");
    for (what, text) in shown(&err) {
        assert_clean(what, &text);
    }
    assert!(err.body().unwrap().contains("not a date"), "{err:?}");
    assert_clean("log output", &capture.text());
}

#[tokio::test]
async fn credential_fields_of_error_bodies_are_scrubbed() {
    let _log = Capture::default().install();
    const OTHER: &str = "someone-elses-refresh-token-9";
    let body = json!({
        "error": "Leaky",
        "message": format!("cannot use {OTHER}"),
        "access_token": TOKEN,
        "detail": {"client": {"client_secret": "cs-live-12345", "password": "hunter2-pass"},
                   "refresh_token": OTHER, "next_token": "page-2"},
    });
    let server = answering(
        "/memories/status",
        "GET",
        ResponseTemplate::new(400).set_body_json(&body),
    )
    .await;
    let err = acting_client(&server)
        .memories()
        .status()
        .send()
        .await
        .unwrap_err();
    for (what, text) in shown(&err) {
        for secret in [TOKEN, OTHER, "cs-live-12345", "hunter2-pass"] {
            assert!(!text.contains(secret), "{what} contains {secret}: {text}");
        }
    }
    // What is not a credential stays.
    assert!(err.body().unwrap().contains("page-2"), "{err:?}");
    assert_eq!(err.message(), "Leaky: cannot use [redacted]");
}

#[tokio::test]
async fn secrets_are_scrubbed_before_the_excerpt_is_cut() {
    let _log = Capture::default().install();
    let excerpt = hyperspell::constants::MAX_BODY_EXCERPT;
    // The client's key, and a credential field's value, each cut in half by the excerpt.
    let key_across = format!("{}{KEY} and more", "x".repeat(excerpt - 6));
    let field_across = format!(
        r#"{{"pad": "{}", "token": "{TOKEN}"}}"#,
        "y".repeat(excerpt - 24)
    );
    for body in [key_across, field_across] {
        let server = answering(
            "/memories/status",
            "GET",
            ResponseTemplate::new(500).set_body_string(body.clone()),
        )
        .await;
        let err = acting_client(&server)
            .memories()
            .status()
            .send()
            .await
            .unwrap_err();
        let excerpt_text = err.body().unwrap();
        assert!(excerpt_text.ends_with("…[truncated]"), "{excerpt_text}");
        for secret in [KEY, TOKEN] {
            let half = &secret[..secret.len() / 2];
            for (what, text) in shown(&err) {
                assert!(!text.contains(half), "{what} keeps half a secret: {text}");
            }
        }
    }
}

#[tokio::test]
async fn validation_errors_are_scrubbed_entirely() {
    let _log = Capture::default().install();
    let body = json!({"detail": [
        {"loc": ["body", KEY], "msg": format!("user {USER} unknown"), "type": format!("t-{KEY}")},
        {"loc": ["body", "token"], "msg": "bad", "type": "x", "input": {"token": TOKEN}}
    ]});
    let server = answering(
        "/auth/user_token",
        "POST",
        ResponseTemplate::new(422).set_body_json(&body),
    )
    .await;
    let err = acting_client(&server)
        .auth()
        .user_token()
        .body(user_token_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.validation_errors().len(), 2, "{err:?}");
    assert_eq!(err.validation_errors()[1].msg, "bad");
    for (what, text) in shown(&err) {
        assert_clean(what, &text);
    }
}

#[tokio::test]
async fn header_values_that_are_not_utf8_are_scrubbed_too() {
    let _log = Capture::default().install();
    let mut value = b"\xffBearer ".to_vec();
    value.extend_from_slice(KEY.as_bytes());
    let value = http::HeaderValue::from_bytes(&value).unwrap();
    let server = answering(
        "/memories/status",
        "GET",
        ResponseTemplate::new(401).insert_header("x-echo", value),
    )
    .await;
    let err = acting_client(&server)
        .memories()
        .status()
        .send()
        .await
        .unwrap_err();
    assert!(err.headers().contains_key("x-echo"));
    let raw = String::from_utf8_lossy(err.headers()["x-echo"].as_bytes()).into_owned();
    assert_clean("non-UTF-8 header", &raw);
    for (what, text) in shown(&err) {
        assert_clean(what, &text);
    }
}

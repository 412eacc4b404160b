//! Date-time setters take an RFC 3339 string as well as a `chrono` value; a string that does
//! not parse fails the call, naming the field, before anything is sent.

mod client_support;

use client_support::client;
use hyperspell::ErrorKind;
use hyperspell::chrono::{TimeZone, Utc};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn add_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/add"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                json!({"source": "vault", "resource_id": "r1", "status": "pending"}),
            ),
        )
        .mount(&server)
        .await;
    server
}

async fn sent_date(server: &MockServer) -> Value {
    let requests = server.received_requests().await.unwrap();
    let body: Value = serde_json::from_slice(&requests.last().unwrap().body).unwrap();
    body["date"].clone()
}

#[tokio::test]
async fn a_date_time_setter_takes_a_string_or_a_chrono_value() {
    let server = add_server().await;
    let c = client(&server);
    c.memories()
        .add()
        .text("notes")
        .date("2026-07-01T09:30:00+02:00")
        .send()
        .await
        .unwrap();
    assert_eq!(sent_date(&server).await, "2026-07-01T07:30:00Z");

    let at = Utc.with_ymd_and_hms(2026, 7, 1, 7, 30, 0).unwrap();
    c.memories()
        .add()
        .text("notes")
        .date(at)
        .send()
        .await
        .unwrap();
    assert_eq!(sent_date(&server).await, "2026-07-01T07:30:00Z");
}

#[tokio::test]
async fn a_string_that_is_not_a_date_time_fails_naming_the_field() {
    let server = add_server().await;
    let error = client(&server)
        .memories()
        .add()
        .text("notes")
        .date("last tuesday")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    let message = error.to_string();
    assert!(
        message.contains("date") && message.contains("`last tuesday` is not an RFC 3339 date-time"),
        "{message}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

//! Credentials and headers: `Authorization: Bearer` (API key or user token), `X-As-User` per
//! client and per request, operations whose security excludes a scheme, User-Agent and
//! default headers; the user-token flow.

mod client_support;

use client_support::{KEY, client, indexing_status, token_response, user_token_body};
use hyperspell::constants::USER_AGENT_VALUE;
use hyperspell::{Client, ClientBuilder, RequestOptions};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_with_status() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(indexing_status()))
        .mount(&server)
        .await;
    server
}

/// Headers of the `n`th request the server received.
async fn headers(server: &MockServer, n: usize) -> wiremock::http::HeaderMap {
    server.received_requests().await.unwrap()[n].headers.clone()
}

/// The one value of header `name` (a header sent twice fails the test).
fn header<'a>(headers: &'a wiremock::http::HeaderMap, name: &str) -> Option<&'a str> {
    let values: Vec<_> = headers.get_all(name).iter().collect();
    assert!(values.len() <= 1, "{name} sent {} times", values.len());
    values.first().map(|v| v.to_str().unwrap())
}

#[tokio::test]
async fn api_key_is_sent_as_bearer_without_acting_user() {
    let server = server_with_status().await;
    let status = client(&server).memories().status().send().await.unwrap();
    assert_eq!(status.status(), 200);
    let h = headers(&server, 0).await;
    assert_eq!(
        header(&h, "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(header(&h, "x-as-user"), None);
    assert_eq!(header(&h, "user-agent"), Some(USER_AGENT_VALUE));
    assert!(USER_AGENT_VALUE.starts_with("hyperspell-rust/"));
}

#[tokio::test]
async fn as_user_is_a_scoped_clone_and_per_request_override_wins() {
    let server = server_with_status().await;
    let app = client(&server);
    let alice = app.as_user("alice");

    alice.memories().status().send().await.unwrap();
    app.memories().status().send().await.unwrap();
    alice
        .with_options(RequestOptions::new().as_user("bob"))
        .memories()
        .status()
        .send()
        .await
        .unwrap();
    alice
        .without_acting_user()
        .memories()
        .status()
        .send()
        .await
        .unwrap();

    assert_eq!(
        header(&headers(&server, 0).await, "x-as-user"),
        Some("alice")
    );
    assert_eq!(header(&headers(&server, 1).await, "x-as-user"), None);
    assert_eq!(header(&headers(&server, 2).await, "x-as-user"), Some("bob"));
    assert_eq!(header(&headers(&server, 3).await, "x-as-user"), None);
    for n in 0..4 {
        assert_eq!(
            header(&headers(&server, n).await, "authorization"),
            Some(format!("Bearer {KEY}").as_str())
        );
    }
}

#[tokio::test]
async fn api_key_only_operations_never_send_acting_user() {
    // POST /admin/daemon/install-token: security [{APIKey: []}]
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/admin/daemon/install-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "install_token": "it", "install_command": "curl …", "expires_in": 3600
        })))
        .mount(&server)
        .await;
    let op = hyperspell::operations::by_name("create_install_token").unwrap();
    assert_eq!(op.security, &[&["APIKey"][..]]);
    client(&server)
        .as_user("alice")
        .daemon()
        .create_install_token()
        .body(hyperspell::types::CreateInstallTokenRequest::builder())
        .send()
        .await
        .unwrap();
    let h = headers(&server, 0).await;
    assert_eq!(header(&h, "x-as-user"), None);
    assert_eq!(
        header(&h, "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn every_operation_takes_the_bearer_and_security_metadata_is_complete() {
    use hyperspell::{SecurityKind, operations};
    assert_eq!(
        operations::SECURITY_SCHEMES
            .iter()
            .map(|s| (s.name, s.kind))
            .collect::<Vec<_>>(),
        [
            ("APIKey", SecurityKind::HttpBearer),
            ("AsUser", SecurityKind::ApiKeyHeader("X-As-User"))
        ]
    );
    for op in operations::ALL {
        assert_eq!(operations::by_name(op.name), Some(*op));
        let usage = op.credential_use(operations::SECURITY_SCHEMES);
        assert!(usage.bearer, "{}", op.name);
    }
}

#[tokio::test]
async fn user_token_flow_mints_and_uses_a_token() {
    let server = server_with_status().await;
    Mock::given(method("POST"))
        .and(path("/auth/user_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_response()))
        .mount(&server)
        .await;
    let app = client(&server).as_user("someone");

    // the two lines of the flow
    let token = app
        .auth()
        .user_token()
        .body(user_token_body())
        .send()
        .await
        .unwrap();
    let user = app.with_user_token(&token.token);

    assert_eq!(token.expires_at.to_rfc3339(), "2030-01-02T03:04:05+00:00");
    user.memories().status().send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body, json!({"user_id": "user_1"}));
    let h = &requests[1].headers;
    assert_eq!(
        header(h, "authorization"),
        Some("Bearer jwt-user-token-abcdef")
    );
    assert_eq!(
        header(h, "x-as-user"),
        None,
        "a user token is already scoped to its user"
    );
}

#[tokio::test]
async fn user_token_client_from_builder() {
    let server = server_with_status().await;
    let c = Client::builder()
        .user_token("jwt-direct")
        .base_url(server.uri())
        .build()
        .unwrap();
    c.memories().status().send().await.unwrap();
    assert_eq!(
        header(&headers(&server, 0).await, "authorization"),
        Some("Bearer jwt-direct")
    );
}

#[tokio::test]
async fn custom_headers_from_environment_and_builder() {
    let server = server_with_status().await;
    let uri = server.uri();
    let c = ClientBuilder::from_lookup(|name| match name {
        "HYPERSPELL_API_KEY" => Some(KEY.to_owned()),
        "HYPERSPELL_BASE_URL" => Some(uri.clone()),
        "HYPERSPELL_CUSTOM_HEADERS" => Some("X-Team: infra\nX-Env: test".to_owned()),
        _ => None,
    })
    .default_header("X-Env", "override")
    .default_header("Authorization", "Bearer not-this-one")
    .default_header("User-Agent", "my-service/1.0")
    .build()
    .unwrap();
    c.memories().status().send().await.unwrap();
    let h = headers(&server, 0).await;
    assert_eq!(header(&h, "x-team"), Some("infra"));
    assert_eq!(header(&h, "x-env"), Some("override"));
    assert_eq!(header(&h, "user-agent"), Some("my-service/1.0"));
    assert_eq!(
        header(&h, "authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}

#[test]
fn missing_key_fails_at_construction_with_a_clear_message() {
    let err = ClientBuilder::from_lookup(|_| None).build().unwrap_err();
    assert!(matches!(err, hyperspell::ConfigError::MissingApiKey));
    assert!(err.to_string().contains("HYPERSPELL_API_KEY"));
    // converts into the crate error for `?` in functions returning hyperspell::Error
    let err: hyperspell::Error = err.into();
    assert_eq!(err.kind(), hyperspell::ErrorKind::Config);
}

#[test]
fn default_and_eu_base_urls() {
    let c = Client::builder().api_key("k").build().unwrap();
    assert_eq!(c.base_url(), "https://api.hyperspell.com");
    assert_eq!(
        Client::builder()
            .api_key("k")
            .eu()
            .build()
            .unwrap()
            .base_url(),
        "https://api.eu.hyperspell.com"
    );
    assert_eq!(
        c.state().timeout(),
        Some(std::time::Duration::from_secs(60))
    );
    assert_eq!(c.state().max_retries(), 2);
}

#[tokio::test]
async fn user_token_helper_keeps_the_token_out_of_debug() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/user_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_response()))
        .mount(&server)
        .await;
    let token = client(&server).mint_user_token("user_1").await.unwrap();
    assert_eq!(token.token.expose(), "jwt-user-token-abcdef");
    assert!(!format!("{token:?}").contains("jwt-user-token"));
    assert!(!token.is_expired());
    let body: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[0].body).unwrap();
    assert_eq!(body, json!({"user_id": "user_1"}));
    let with_options = client(&server)
        .mint_user_token_with(
            hyperspell::types::UserTokenRequest::builder()
                .user_id("u2".to_owned())
                .expires_in("2h"),
        )
        .await
        .unwrap();
    assert_eq!(with_options.expires_at, token.expires_at);
    let body: serde_json::Value =
        serde_json::from_slice(&server.received_requests().await.unwrap()[1].body).unwrap();
    assert_eq!(body, json!({"user_id": "u2", "expires_in": "2h"}));
}

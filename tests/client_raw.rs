//! `client.raw(&operation)`: untyped requests through the same runtime as the typed builders
//! (credentials per the operation's security, `X-As-User`, retries, typed errors, paging).

mod client_support;

use client_support::{KEY, client};
use futures::TryStreamExt;
use hyperspell::multipart::FilePart;
use hyperspell::{ErrorKind, FormValue, RawResponse, operations};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn json_body_with_credentials_and_acting_user() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/user_token"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("x-as-user", "acting-1"))
        .and(header("api-version", "0.32.1"))
        .and(body_json(json!({"user_id": "u1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token": "t"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server).as_user("acting-1");
    let response = client
        .raw(&operations::GENERATE_USER_TOKEN)
        .json(json!({"user_id": "u1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.into_inner(),
        RawResponse::Json(json!({"token": "t"}))
    );
}

#[tokio::test]
async fn path_and_query_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memories/get/vault/doc%201"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let response = client(&server)
        .raw(&operations::GET_MEMORY)
        .path_param("source", "vault")
        .path_param("resource_id", "doc 1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.into_inner(),
        RawResponse::Json(json!({"ok": true}))
    );
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/memories/get/vault/doc%201");
}

#[tokio::test]
async fn error_status_is_the_typed_error_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(
            ResponseTemplate::new(503)
                .insert_header("retry-after", "0")
                .set_body_json(json!({"detail": "busy"})),
        )
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server)
        .raw(&operations::GET_INDEXING_STATUS)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InternalServer, "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.attempts(), 3);
    assert!(error.body().unwrap().contains("busy"));
    assert_eq!(error.operation().map(|o| o.call), Some("memories.status"));
}

#[tokio::test]
async fn non_json_and_empty_bodies() {
    let server = MockServer::start().await;
    Mock::given(path("/memories/status"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("plain", "text/plain"))
        .mount(&server)
        .await;
    Mock::given(path("/auth/me"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    let text = client.raw(&operations::GET_INDEXING_STATUS).send().await;
    assert_eq!(
        text.unwrap().into_inner(),
        RawResponse::Bytes("plain".into())
    );
    let empty = client.raw(&operations::USER_INFO).send().await.unwrap();
    assert_eq!(
        empty.into_inner(),
        RawResponse::Json(serde_json::Value::Null)
    );
}

#[tokio::test]
async fn missing_path_parameter_is_an_invalid_request() {
    let server = MockServer::start().await;
    let error = client(&server)
        .raw(&operations::GET_MEMORY)
        .path_param("source", "vault")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    assert!(error.to_string().contains("resource_id"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn multipart_upload_and_inspect_sees_redacted_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "pending"})))
        .mount(&server)
        .await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let log = seen.clone();
    client(&server)
        .raw(&operations::UPLOAD)
        .form(
            "file",
            FormValue::File(FilePart::bytes("hello world").file_name("a.txt")),
        )
        .form("collection", FormValue::Text("c1".into()))
        .inspect(move |request| {
            let auth = &request.headers()["authorization"];
            *log.lock().unwrap() = format!("{} {}", request.method(), auth.is_sensitive());
        })
        .send()
        .await
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), "POST true");
    let requests: Vec<Request> = server.received_requests().await.unwrap();
    let body = String::from_utf8_lossy(&requests[0].body);
    assert!(body.contains("filename=\"a.txt\""), "{body}");
    assert!(body.contains("hello world"));
    assert!(body.contains("name=\"collection\"\r\n\r\nc1"), "{body}");
}

#[tokio::test]
async fn into_stream_follows_cursors_and_repeats_the_query() {
    let server = MockServer::start().await;
    Mock::given(path("/memories/list"))
        .and(query_param("cursor", "c2"))
        .and(query_param("collection", "x"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [{"n": 3}], "next_cursor": null})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/memories/list"))
        .and(query_param("collection", "x"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"items": [{"n": 1}, {"n": 2}], "next_cursor": "c2"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<serde_json::Value> = client
        .raw(&operations::LIST_MEMORIES)
        .query("collection", "x")
        .into_stream("items")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        items,
        vec![json!({"n": 1}), json!({"n": 2}), json!({"n": 3})]
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

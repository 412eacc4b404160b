//! The one error type: a kind per status class (documented 422 with its parsed `detail`,
//! undocumented statuses, error bodies that do not parse), decode errors, undocumented
//! success statuses; status, headers and a bounded body excerpt kept; `Display` names the
//! operation, method, path, status and message. Successful responses keep status and headers.

mod client_support;

use client_support::{client, indexing_status};
use hyperspell::constants::MAX_BODY_EXCERPT;
use hyperspell::{Client, ErrorKind, RequestOptions};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering(
    http_method: &str,
    route: &str,
    response: ResponseTemplate,
) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .and(path(route))
        .respond_with(response)
        .mount(&server)
        .await;
    let c = client(&server).with_options(RequestOptions::new().max_retries(0));
    (server, c)
}

fn add_body() -> hyperspell::types::builder::IngestRequest {
    hyperspell::types::IngestRequest::builder().text("hello")
}

#[tokio::test]
async fn validation_errors_are_parsed_and_displayed() {
    let body = json!({"detail": [
        {"loc": ["body", "text"], "msg": "Field required", "type": "missing"},
        {"loc": ["body", "metadata", "bad key"], "msg": "Invalid key", "type": "value_error"}
    ]});
    let (_server, c) = answering(
        "POST",
        "/memories/add",
        ResponseTemplate::new(422).set_body_json(&body),
    )
    .await;
    let err = c
        .memories()
        .add()
        .body(add_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    let details = err.validation_errors();
    assert_eq!(details.len(), 2);
    assert_eq!(details[0].msg, "Field required");
    assert_eq!(details[1].type_, "value_error");
    assert_eq!(
        err.to_string(),
        "memories.add (POST /memories/add): 422 validation failed: body.text: Field required; \
         body.metadata.bad key: Invalid key"
    );
    assert_eq!(
        err.operation().map(|op| op.operation_id),
        Some("add_memories_add_post")
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_422_body_of_another_shape_is_still_a_422() {
    let response =
        ResponseTemplate::new(422).set_body_json(json!({"detail": "text must not be empty"}));
    let (_server, c) = answering("POST", "/memories/add", response).await;
    let err = c
        .memories()
        .add()
        .body(add_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(err.message(), "text must not be empty");
    assert!(err.validation_errors().is_empty());
}

#[tokio::test]
async fn undocumented_statuses_map_to_their_kinds_and_keep_the_response() {
    let cases = [
        (400, ErrorKind::BadRequest, false),
        (401, ErrorKind::Authentication, false),
        (403, ErrorKind::PermissionDenied, false),
        (404, ErrorKind::NotFound, false),
        (409, ErrorKind::Conflict, true),
        (410, ErrorKind::OtherStatus, false),
        (429, ErrorKind::RateLimited, true),
        (500, ErrorKind::InternalServer, true),
        (503, ErrorKind::InternalServer, true),
    ];
    for (status, kind, retryable) in cases {
        let response = ResponseTemplate::new(status)
            .insert_header("x-request-id", "req-123")
            .set_body_json(json!({"error": "SomeCode", "message": "what happened"}));
        let (_server, c) = answering("GET", "/memories/status", response).await;
        let err = c.memories().status().send().await.unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert_eq!(err.is_retryable(), retryable, "{status}");
        assert_eq!(err.status().unwrap().as_u16(), status);
        assert_eq!(err.headers()["x-request-id"], "req-123");
        assert_eq!(err.message(), "SomeCode: what happened");
        assert_eq!(err.error_code().as_deref(), Some("SomeCode"));
        assert_eq!(
            err.body_json(),
            Some(json!({"error": "SomeCode", "message": "what happened"}))
        );
        let text = err.to_string();
        assert!(
            text.starts_with(&format!(
                "memories.status (GET /memories/status): {status} "
            )),
            "{text}"
        );
        assert!(text.ends_with("SomeCode: what happened"), "{text}");
    }
}

#[tokio::test]
async fn body_excerpts_are_bounded() {
    let huge = "x".repeat(200_000);
    let (_server, c) = answering(
        "GET",
        "/memories/status",
        ResponseTemplate::new(500).set_body_string(huge),
    )
    .await;
    let err = c.memories().status().send().await.unwrap_err();
    let body = err.body().unwrap();
    assert!(body.len() <= MAX_BODY_EXCERPT + 32, "{}", body.len());
    assert!(body.starts_with("xxxx"));
    assert!(err.message().len() < 1000);
}

#[tokio::test]
async fn a_success_body_that_does_not_match_the_spec_is_a_decode_error() {
    let response = ResponseTemplate::new(200)
        .insert_header("x-request-id", "r9")
        .set_body_json(json!({"total": "many"}));
    let (_server, c) = answering("GET", "/memories/status", response).await;
    let err = c.memories().status().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(!err.is_retryable());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.headers()["x-request-id"], "r9");
    assert_eq!(err.body(), Some(r#"{"total":"many"}"#));
    assert!(
        err.to_string().contains("200 invalid response body"),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn an_undocumented_success_status_is_reported() {
    let (_server, c) = answering("GET", "/memories/status", ResponseTemplate::new(204)).await;
    let err = c.memories().status().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::OtherStatus);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(204));
    assert!(err.message().contains("not documented"), "{err}");
}

#[tokio::test]
async fn connection_errors_have_a_cause() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::builder()
        .api_key("k-123456")
        .base_url(format!("http://127.0.0.1:{port}"))
        .max_retries(0)
        .build()
        .unwrap();
    let err = c.memories().status().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.is_connection());
    assert!(err.headers().is_empty() && err.body().is_none());
    assert!(std::error::Error::source(&err).is_some());
    assert!(
        err.to_string()
            .starts_with("memories.status (GET /memories/status): connection error: "),
        "{err}"
    );
}

#[tokio::test]
async fn invalid_requests_are_reported_before_sending() {
    let (server, c) = answering("POST", "/auth/user_token", ResponseTemplate::new(200)).await;
    // no body set: the builder reports it, nothing is sent
    let err = c.auth().user_token().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(!err.is_retryable());
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn successful_responses_keep_status_and_headers() {
    let response = ResponseTemplate::new(200)
        .insert_header("x-request-id", "ok-1")
        .set_body_json(indexing_status());
    let (_server, c) = answering("GET", "/memories/status", response).await;
    let status = c.memories().status().send().await.unwrap();
    assert_eq!(status.status(), 200);
    assert_eq!(status.headers()["x-request-id"], "ok-1");
    assert_eq!(status.total["completed"], 3);
    let inner: hyperspell::types::IndexingStatus = status.into_inner();
    assert!(inner.providers.is_empty());
}

#[tokio::test]
async fn successful_responses_keep_every_header_in_order() {
    let template = ResponseTemplate::new(200)
        .append_header("x-multi", "one")
        .append_header("x-multi", "two")
        .insert_header("x-request-id", "ok-1")
        .set_body_json(json!({"providers": {}, "total": {}}));
    let (_server, c) = answering("GET", "/memories/status", template).await;
    let value = c.memories().status().send().await.unwrap();
    assert_eq!(value.status(), 200);
    assert_eq!(value.headers()["x-request-id"], "ok-1");
    let multi: Vec<_> = value.headers().get_all("x-multi").iter().collect();
    assert_eq!(multi, ["one", "two"]);
    assert_eq!(value.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn documented_error_responses_keep_their_headers() {
    let body = json!({"detail": [{"loc": ["body"], "msg": "bad", "type": "x"}]});
    let template = ResponseTemplate::new(422)
        .insert_header("x-request-id", "req-422")
        .set_body_json(body);
    let (_server, c) = answering("POST", "/memories/add", template).await;
    let error = c
        .memories()
        .add()
        .body(add_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(error.status().map(|s| s.as_u16()), Some(422));
    assert_eq!(error.headers()["x-request-id"], "req-422");
    assert_eq!(error.validation_errors().len(), 1);

    // A documented error status whose body is not the documented shape.
    let template = ResponseTemplate::new(422)
        .insert_header("x-request-id", "req-other")
        .set_body_string("not json");
    let (_server, c) = answering("POST", "/memories/add", template).await;
    let error = c
        .memories()
        .add()
        .body(add_body())
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(error.headers()["x-request-id"], "req-other");
    assert_eq!(error.body(), Some("not json"));
}

#[test]
fn futures_streams_and_errors_work_across_threads() {
    fn send<T: Send>(_: &T) {}
    fn send_sync_static<T: Send + Sync + 'static>() {}
    let c = Client::builder().api_key("k-123456").build().unwrap();
    send(&c.memories().status().send());
    send(&c.memories().list().into_stream());
    send(
        &c.memories()
            .upload()
            .file(hyperspell::multipart::FilePart::bytes("x"))
            .send(),
    );
    send_sync_static::<hyperspell::Error>();
    send_sync_static::<Client>();
}

//! Per-request options like the SDKs' `extra_headers` / `extra_query` / `extra_body`: what the
//! spec does not (yet) describe still reaches the server, replacing same-named values, on every
//! attempt; what cannot be applied is an error, never dropped.

mod client_support;

use client_support::{KEY, client};
use hyperspell::multipart::FilePart;
use hyperspell::{ErrorKind, RequestOptions};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

async fn server_answering(verb: &str, at: &str, body: Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "one request expected");
    requests.remove(0)
}

fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect()
}

fn page() -> Value {
    json!({"items": [], "next_cursor": null})
}

#[tokio::test]
async fn extra_header_query_and_body_fields_reach_the_server() {
    let server = server_answering("POST", "/memories/query", json!({"documents": []})).await;
    let options = RequestOptions::new()
        .header("X-Feature-Flag", "beta")
        .unwrap()
        .query("trace", "1")
        .body_field("rerank", true)
        .body_field("options", json!({"new_knob": 3}));
    let result = client(&server)
        .with_options(options)
        .memories()
        .search()
        .query("what did we decide?")
        .send()
        .await;
    assert!(result.is_ok(), "{result:?}");

    let request = only_request(&server).await;
    assert_eq!(request.headers["x-feature-flag"], "beta");
    assert_eq!(request.headers["authorization"], format!("Bearer {KEY}"));
    assert_eq!(query_pairs(&request), [("trace".into(), "1".into())]);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    // The extra `options` replaces the field of that name; the caller's own field stays.
    assert_eq!(
        body,
        json!({"query": "what did we decide?", "rerank": true, "options": {"new_knob": 3}})
    );
}

#[tokio::test]
async fn an_extra_query_parameter_replaces_the_generated_one_and_later_options_win() {
    let server = server_answering("GET", "/memories/list", page()).await;
    let client = client(&server)
        .with_options(RequestOptions::new().query("size", "5").query("tag", "a"))
        .with_options(RequestOptions::new().query("tag", "b"));
    client
        .memories()
        .list()
        .size(50)
        .collection("notes")
        .send()
        .await
        .unwrap();

    let mut pairs = query_pairs(&only_request(&server).await);
    pairs.sort();
    assert_eq!(
        pairs,
        [
            ("collection".into(), "notes".into()),
            ("size".into(), "5".into()),
            ("tag".into(), "b".into()),
        ]
    );
}

#[tokio::test]
async fn an_extra_header_replaces_a_credential_header_and_is_hidden_from_debug() {
    let server = server_answering("GET", "/memories/list", page()).await;
    let options = RequestOptions::new()
        .header("Authorization", "Bearer other-secret-token")
        .unwrap();
    let debug = format!("{options:?}");
    assert!(!debug.contains("other-secret-token"), "{debug}");
    assert!(debug.contains("authorization"), "{debug}");

    client(&server)
        .with_options(options)
        .memories()
        .list()
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    let values: Vec<_> = request.headers.get_all("authorization").iter().collect();
    assert_eq!(values, ["Bearer other-secret-token"]);
}

#[tokio::test]
async fn a_request_without_a_body_gets_the_extra_fields_as_its_json_body() {
    let server = server_answering("GET", "/memories/list", page()).await;
    client(&server)
        .with_options(RequestOptions::new().body_field("hint", "x"))
        .memories()
        .list()
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.headers["content-type"], "application/json");
    assert_eq!(
        serde_json::from_slice::<Value>(&request.body).unwrap(),
        json!({"hint": "x"})
    );
}

#[tokio::test]
async fn extra_body_fields_on_an_upload_are_an_error_and_nothing_is_sent() {
    let server = server_answering("POST", "/memories/upload", json!({})).await;
    let error = client(&server)
        .with_options(RequestOptions::new().body_field("hint", "x"))
        .memories()
        .upload()
        .file(FilePart::bytes(&b"# notes"[..]).file_name("notes.md"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    let message = error.to_string();
    assert!(
        message.contains("hint") && message.contains("not JSON"),
        "{message}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn an_invalid_extra_header_is_refused_with_its_name() {
    let error = RequestOptions::new().header("Bad Header", "v").unwrap_err();
    assert!(error.to_string().contains("`Bad Header`"), "{error}");
    let error = RequestOptions::new()
        .header("X-Ok", "line\nbreak")
        .unwrap_err();
    assert!(error.to_string().contains("`X-Ok`"), "{error}");
}

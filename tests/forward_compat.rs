//! A client built from today's spec against a server that has moved on: new enum values,
//! new fields, values it never knew. Bodies follow the next state of the API
//! (`../shared/spec/history/hyperspell-0.32.1-2026-07.yaml`: `DocumentProviders` gains `pylon`
//! and `clickup`, `UserDeletionResponse` a required `workflow_id`).
//!
//! And the other direction: what goes on the wire is what the caller set, not the spec's
//! defaults.

mod client_support;

use client_support::client;
use hyperspell::types::{self, DocumentProviders};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn document(source: &str, resource_id: &str) -> Value {
    json!({
        "resource_id": resource_id,
        "source": source,
        "type": "document",
        "status": "completed",
        "title": "Standup",
        "metadata": {"team": "infra"},
        "document": {"type": "document", "title": "Standup", "children": [
            {"type": "paragraph", "children": [{"type": "text", "text": "shipped"}]}
        ]},
        // A field this client's spec does not have.
        "sync_cursor": {"page": 3, "etag": "abc"}
    })
}

async fn answer(server: &MockServer, http_method: &str, at: &str, body: Value) {
    Mock::given(method(http_method))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

async fn sent_body(server: &MockServer, n: usize) -> Value {
    serde_json::from_slice(&server.received_requests().await.unwrap()[n].body).unwrap()
}

#[tokio::test]
async fn a_document_from_a_newer_provider_decodes_and_round_trips() {
    let server = MockServer::start().await;
    let body = document("pylon", "doc-1");
    answer(&server, "GET", "/memories/get/pylon/doc-1", body.clone()).await;

    let response = client(&server)
        .memories()
        .get()
        // A value the server accepts but this client's spec does not list.
        .source("pylon")
        .resource_id("doc-1")
        .send()
        .await
        .expect("a newer provider decodes");
    assert_eq!(
        response.source,
        DocumentProviders::Unknown("pylon".to_owned())
    );
    assert_eq!(response.source.as_str(), "pylon");
    assert_eq!(response.source.to_string(), "pylon");
    assert_eq!(
        response.extra_fields["sync_cursor"],
        json!({"page": 3, "etag": "abc"})
    );
    // Nothing the server sent is lost when the value is serialized again.
    assert_eq!(serde_json::to_value(&*response).unwrap(), body);
}

#[tokio::test]
async fn a_page_with_a_newer_provider_decodes_whole() {
    let server = MockServer::start().await;
    let page = json!({
        "items": [document("slack", "a"), document("clickup", "b"), document("pylon", "c")],
        "next_cursor": null
    });
    Mock::given(method("GET"))
        .and(path("/memories/list"))
        .and(query_param("source", "clickup"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page.clone()))
        .mount(&server)
        .await;

    let response = client(&server)
        .memories()
        .list()
        .source("clickup")
        .send()
        .await
        .expect("one unknown item does not fail the page");
    let sources: Vec<&str> = response.items.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(sources, ["slack", "clickup", "pylon"]);
    assert_eq!(response.items[0].source, DocumentProviders::Slack);
    assert_eq!(
        serde_json::to_value(&*response).unwrap()["items"],
        page["items"]
    );
}

#[test]
fn open_enums_convert_from_any_string_and_keep_it() {
    for (text, known) in [("slack", true), ("pylon", false), ("", false)] {
        let parsed: DocumentProviders = text.parse().unwrap();
        assert_eq!(parsed.as_str(), text);
        assert_eq!(matches!(parsed, DocumentProviders::Unknown(_)), !known);
        assert_eq!(DocumentProviders::from(text.to_owned()), parsed);
        let wire = serde_json::to_value(&parsed).unwrap();
        assert_eq!(wire, json!(text));
        assert_eq!(
            serde_json::from_value::<DocumentProviders>(wire).unwrap(),
            parsed
        );
    }
    // Still a string on the wire: anything else is refused.
    assert!(serde_json::from_value::<DocumentProviders>(json!(3)).is_err());
}

#[tokio::test]
async fn a_query_with_only_the_query_sends_only_the_query() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/memories/query",
        json!({"documents": [], "query_id": "q1"}),
    )
    .await;
    let c = client(&server);
    c.memories()
        .search()
        .body(types::QueryRequest::builder().query("what did we decide?"))
        .send()
        .await
        .unwrap();
    // No `answer: false`, `effort: minimal`, deprecated `max_results: 10`: the server's
    // defaults stay the server's.
    assert_eq!(
        sent_body(&server, 0).await,
        json!({"query": "what did we decide?"})
    );
}

#[tokio::test]
async fn feedback_and_traces_send_nothing_the_caller_did_not_set() {
    let server = MockServer::start().await;
    answer(
        &server,
        "POST",
        "/evaluate/query/q1",
        json!({"success": true, "message": "ok"}),
    )
    .await;
    let c = client(&server);
    c.evaluate()
        .score_query()
        .query_id("q1")
        .body(types::FeedbackRequest::builder())
        .send()
        .await
        .unwrap();
    assert_eq!(sent_body(&server, 0).await, json!({}));

    c.evaluate()
        .score_query()
        .query_id("q1")
        .body(types::FeedbackRequest::builder().score(0.5))
        .send()
        .await
        .unwrap();
    assert_eq!(sent_body(&server, 1).await, json!({"score": 0.5}));

    answer(
        &server,
        "POST",
        "/trace/add",
        json!({"resource_id": "s1", "source": "trace", "status": "pending"}),
    )
    .await;
    c.sessions()
        .add()
        .body(
            types::TraceRequest::builder()
                .session_id("s1".to_owned())
                .history("[]"),
        )
        .send()
        .await
        .unwrap();
    // No `extract: ["procedure"]`.
    assert_eq!(
        sent_body(&server, 2).await,
        json!({"session_id": "s1", "history": "[]"})
    );
}

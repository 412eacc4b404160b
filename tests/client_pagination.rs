//! Cursor pagination streams: follow `next_cursor`, repeat the other query parameters on
//! every page, stop on an empty page, a null or empty cursor (or a cursor that repeats), and
//! end after yielding an error.

mod client_support;

use client_support::client;
use futures::{StreamExt, TryStreamExt};
use hyperspell::{ErrorKind, RequestOptions};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn item(id: &str) -> Value {
    json!({"query": format!("query {id}"), "query_id": id, "time": "2025-01-01T00:00:00Z", "user_id": "u1"})
}

fn page(ids: &[&str], next: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "items": ids.iter().map(|id| item(id)).collect::<Vec<_>>(),
        "next_cursor": next,
    }))
}

/// `/evaluate/queries`: the first page (no cursor) and then one page per `(cursor, page)`.
async fn pages(first: ResponseTemplate, rest: Vec<(&str, ResponseTemplate)>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/evaluate/queries"))
        .and(query_param_is_missing("cursor"))
        .respond_with(first)
        .mount(&server)
        .await;
    for (cursor, response) in rest {
        Mock::given(method("GET"))
            .and(path("/evaluate/queries"))
            .and(query_param("cursor", cursor))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    server
}

async fn collect_ids(server: &MockServer) -> Vec<String> {
    client(server)
        .evaluate()
        .list_queries()
        .user_id("u1")
        .size(2)
        .into_stream()
        .map_ok(|q| q.query_id)
        .try_collect()
        .await
        .unwrap()
}

async fn cursors_sent(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "cursor")
                .map(|(_, v)| v.into_owned())
        })
        .collect()
}

#[tokio::test]
async fn follows_cursors_and_repeats_the_filters_on_every_page() {
    let server = pages(
        page(&["q1", "q2"], json!("c2")),
        vec![
            ("c2", page(&["q3", "q4"], json!("c3"))),
            ("c3", page(&["q5"], Value::Null)),
        ],
    )
    .await;
    assert_eq!(collect_ids(&server).await, ["q1", "q2", "q3", "q4", "q5"]);
    assert_eq!(
        cursors_sent(&server).await,
        [None, Some("c2".into()), Some("c3".into())]
    );
    for request in server.received_requests().await.unwrap() {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        assert!(
            query.contains(&("user_id".into(), "u1".into())),
            "{query:?}"
        );
        assert!(query.contains(&("size".into(), "2".into())), "{query:?}");
    }
}

#[tokio::test]
async fn stops_on_an_empty_page_even_with_a_cursor() {
    let server = pages(
        page(&["q1"], json!("c2")),
        vec![("c2", page(&[], json!("c3")))],
    )
    .await;
    assert_eq!(collect_ids(&server).await, ["q1"]);
    assert_eq!(cursors_sent(&server).await.len(), 2);
}

#[tokio::test]
async fn stops_on_an_empty_cursor() {
    let server = pages(page(&["q1"], json!("")), vec![]).await;
    assert_eq!(collect_ids(&server).await, ["q1"]);
    assert_eq!(cursors_sent(&server).await, [None]);
}

#[tokio::test]
async fn stops_on_a_null_cursor() {
    let server = pages(page(&["q1", "q2"], Value::Null), vec![]).await;
    assert_eq!(collect_ids(&server).await, ["q1", "q2"]);
    assert_eq!(cursors_sent(&server).await, [None]);
}

#[tokio::test]
async fn stops_when_the_server_repeats_a_cursor() {
    let server = pages(
        page(&["q1"], json!("c2")),
        vec![("c2", page(&["q2"], json!("c2")))],
    )
    .await;
    assert_eq!(collect_ids(&server).await, ["q1", "q2"]);
    assert_eq!(cursors_sent(&server).await.len(), 2);
}

#[tokio::test]
async fn starts_from_a_given_cursor() {
    let server = pages(
        page(&["q0"], json!("c2")),
        vec![("c2", page(&["q3"], Value::Null))],
    )
    .await;
    let ids: Vec<String> = client(&server)
        .evaluate()
        .list_queries()
        .cursor("c2")
        .into_stream()
        .map_ok(|q| q.query_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["q3"]);
}

#[tokio::test]
async fn an_error_is_yielded_and_ends_the_stream() {
    let server = pages(
        page(&["q1"], json!("c2")),
        vec![("c2", ResponseTemplate::new(500))],
    )
    .await;
    let results: Vec<_> = client(&server)
        .with_options(RequestOptions::new().max_retries(0))
        .evaluate()
        .list_queries()
        .into_stream()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().query_id, "q1");
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert_eq!(err.operation().unwrap().path, "/evaluate/queries");
}

#[tokio::test]
async fn the_stream_is_lazy() {
    let server = pages(
        page(&["q1", "q2"], json!("c2")),
        vec![("c2", page(&["q3"], Value::Null))],
    )
    .await;
    let c = client(&server);
    let mut stream = c.evaluate().list_queries().into_stream();
    assert_eq!(stream.next().await.unwrap().unwrap().query_id, "q1");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn vault_list_streams_too() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/vault/list"))
        .and(query_param("size", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "items": [{"collection": null, "document_count": 4}], "next_cursor": null
        })))
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server)
        .vaults()
        .list()
        .size(1)
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].document_count, 4);
}

fn memory(id: &str) -> Value {
    json!({"resource_id": id, "source": "slack", "type": "document", "document": {"type": "document"}})
}

#[tokio::test]
async fn memories_list_repeats_its_filters_and_live_resources_their_path() {
    let server = MockServer::start().await;
    for (route, first_items, second_items) in [
        ("/memories/list", ["m1", "m2"], ["m3"]),
        ("/live/slack/resources", ["l1", "l2"], ["l3"]),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param_is_missing("cursor"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": first_items.iter().map(|id| memory(id)).collect::<Vec<_>>(), "next_cursor": "p2"
            })))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(route))
            .and(query_param("cursor", "p2"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": second_items.iter().map(|id| memory(id)).collect::<Vec<_>>(), "next_cursor": null
            })))
            .mount(&server)
            .await;
    }
    let c = client(&server);
    let memories: Vec<_> = c
        .memories()
        .list()
        .source("slack")
        .collection("team-notes")
        .size(2)
        .into_stream()
        .map_ok(|m| m.resource_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(memories, ["m1", "m2", "m3"]);
    let live: Vec<_> = c
        .live()
        .list_resources()
        .source("slack")
        .into_stream()
        .map_ok(|m| m.resource_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(live, ["l1", "l2", "l3"]);

    let requests = server.received_requests().await.unwrap();
    for request in &requests[..2] {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        for pair in [
            ("source", "slack"),
            ("collection", "team-notes"),
            ("size", "2"),
        ] {
            assert!(query.contains(&(pair.0.into(), pair.1.into())), "{query:?}");
        }
    }
    assert!(
        requests[2..]
            .iter()
            .all(|r| r.url.path() == "/live/slack/resources")
    );
}

#[test]
fn all_six_cursor_operations_stream() {
    let c = hyperspell::Client::builder()
        .api_key("k-123456")
        .build()
        .unwrap();
    let _memories = c.memories().list().into_stream();
    let _live = c.live().list_resources().source("slack").into_stream();
    let _queries = c.evaluate().list_queries().into_stream();
    let _vaults = c.vaults().list().into_stream();
    let _entities = c.entities().list().into_stream();
    let _documents = c.context_documents().list().into_stream();
}

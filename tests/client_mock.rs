//! The typed httpmock helpers (`mock` feature) a service uses to test its own Hyperspell
//! calls without network: typed request matchers and typed responses per operation.
#![cfg(feature = "mock")]

use hyperspell::mock::MockServerExt;
use hyperspell::{Client, ErrorKind, RequestOptions, types};

fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn typed_mocks_answer_the_client() {
    let server = httpmock::MockServer::start_async().await;
    let request = types::UserTokenRequest::builder()
        .user_id("user_1".to_owned())
        .try_into()
        .unwrap();
    let minted = server.generate_user_token(|when, then| {
        when.body(&request);
        then.ok(&typed(
            serde_json::json!({"token": "mock-token", "expires_at": "2030-01-01T00:00:00Z"}),
        ));
    });
    let rejected = server.add(|_, then| {
        then.unprocessable_entity(&typed(serde_json::json!({
            "detail": [{"loc": ["body", "text"], "msg": "Field required", "type": "missing"}]
        })));
    });
    let client = Client::builder()
        .api_key("hs-0-mock")
        .base_url(server.base_url())
        .build()
        .unwrap();

    let token = client.mint_user_token("user_1").await.unwrap();
    assert_eq!(token.token.expose(), "mock-token");
    minted.assert_async().await;

    let err = client
        .with_options(RequestOptions::new().max_retries(0))
        .memories()
        .add()
        .body(types::IngestRequest::builder().text("".to_owned()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(err.validation_errors()[0].msg, "Field required");
    rejected.assert_async().await;
}

#[tokio::test]
async fn typed_query_matchers_drive_pagination() {
    let server = httpmock::MockServer::start_async().await;
    let page =
        |items: serde_json::Value, next: serde_json::Value| -> types::CursorPageQueryListItem {
            typed(serde_json::json!({"items": items, "next_cursor": next}))
        };
    let item = |id: &str| serde_json::json!({"query": "q", "query_id": id, "time": "2025-01-01T00:00:00Z"});
    let first = page(serde_json::json!([item("a")]), serde_json::json!("next"));
    let second = page(serde_json::json!([item("b")]), serde_json::Value::Null);
    server.list_queries(|when, then| {
        when.cursor(None).size(1);
        then.ok(&first);
    });
    server.list_queries(|when, then| {
        when.cursor("next").size(1);
        then.ok(&second);
    });
    let client = Client::builder()
        .api_key("hs-0-mock")
        .base_url(server.base_url())
        .build()
        .unwrap();
    use futures::TryStreamExt;
    let ids: Vec<String> = client
        .evaluate()
        .list_queries()
        .size(1)
        .into_stream()
        .map_ok(|q| q.query_id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b"]);
}

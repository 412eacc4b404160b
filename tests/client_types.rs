//! Request and response shapes: `UpdateRequest` fields sent as absent, `null` or a value
//! (the generated type, `Patch<T>` fields from the spec), and document-tree unions keeping a variant
//! they do not know (a `type` added to the API later) as raw JSON instead of failing.

mod client_support;

use client_support::client;
use std::collections::HashMap;

use hyperspell::{MetadataValue, Patch};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn status_response() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"resource_id": "doc-1", "source": "vault", "status": "pending"}))
}

async fn update_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/update/vault/doc-1"))
        .respond_with(status_response())
        .mount(&server)
        .await;
    server
}

async fn sent_body(server: &MockServer, n: usize) -> Value {
    serde_json::from_slice(&server.received_requests().await.unwrap()[n].body).unwrap()
}

#[tokio::test]
async fn update_fields_are_sent_absent_null_or_with_a_value() {
    let server = update_server().await;
    let c = client(&server);
    let update = || c.memories().update().source("vault").resource_id("doc-1");

    update()
        .title("New title")
        .collection(Patch::Null)
        .send()
        .await
        .unwrap();
    update().send().await.unwrap();
    let date = "2025-03-04T05:06:07Z"
        .parse::<hyperspell::chrono::DateTime<hyperspell::chrono::Utc>>()
        .unwrap();
    let metadata: HashMap<String, Option<MetadataValue>> = [
        ("team".to_owned(), Some(MetadataValue::from("infra"))),
        ("stale".to_owned(), None),
        ("n".to_owned(), Some(2.into())),
    ]
    .into();
    update()
        .text(None)
        .date(date)
        .metadata(metadata)
        .send()
        .await
        .unwrap();
    update().metadata(Patch::Null).send().await.unwrap();

    assert_eq!(
        sent_body(&server, 0).await,
        json!({"title": "New title", "collection": null})
    );
    assert_eq!(sent_body(&server, 1).await, json!({}));
    assert_eq!(
        sent_body(&server, 2).await,
        json!({"text": null, "date": "2025-03-04T05:06:07Z", "metadata": {"n": 2, "stale": null, "team": "infra"}})
    );
    assert_eq!(sent_body(&server, 3).await, json!({"metadata": null}));
}

#[tokio::test]
async fn the_generated_update_type_keeps_the_three_states_too() {
    let server = update_server().await;
    let body = hyperspell::types::UpdateRequest {
        title: Patch::Value("t".to_owned()),
        collection: Patch::Null,
        text: Patch::Absent,
        date: Patch::Absent,
        metadata: Patch::Absent,
        extra_fields: Default::default(),
    };
    // Decoding gives the same three states back.
    let decoded: hyperspell::types::UpdateRequest =
        serde_json::from_value(json!({"title": "t", "collection": null})).unwrap();
    assert_eq!(decoded, body);
    client(&server)
        .memories()
        .update()
        .source("vault")
        .resource_id("doc-1")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        sent_body(&server, 0).await,
        json!({"title": "t", "collection": null})
    );
}

fn document_response(document: Value) -> Value {
    json!({"resource_id": "doc-1", "source": "vault", "type": "document", "document": document})
}

#[tokio::test]
async fn unknown_union_variants_are_kept_as_json() {
    let hologram = json!({"type": "hologram", "id": "h1", "frames": [1, 2, 3]});
    let sparkle = json!({"type": "sparkle", "intensity": 9});
    let document = json!({
        "type": "document",
        "title": "Notes",
        "children": [
            {"type": "paragraph", "children": [{"type": "text", "text": "hello"}, sparkle]},
            hologram,
        ]
    });
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memories/get/vault/doc-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(document_response(document)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/memories/get/vault/doc-2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(document_response(json!({"type": "brand_new_kind", "x": 1}))),
        )
        .mount(&server)
        .await;

    let c = client(&server);
    let response = c
        .memories()
        .get()
        .source("vault")
        .resource_id("doc-1")
        .send()
        .await
        .unwrap();
    // The union types are named by the generator (shared by every node that has children), so
    // this test matches on their Debug form and JSON instead of naming them.
    let document = serde_json::to_value(&response.document).unwrap();
    assert_eq!(document["title"], "Notes");
    let debug = format!("{:?}", response.document);
    assert!(debug.starts_with("Document(Document {"), "{debug}");
    assert!(debug.contains(&format!("Unknown({hologram:?})")), "{debug}");
    assert!(debug.contains(&format!("Unknown({sparkle:?})")), "{debug}");
    assert!(debug.contains("Text(Text {"), "{debug}");
    // kept verbatim: serializing gives the same JSON back
    assert_eq!(document["children"][1], hologram);
    assert_eq!(document["children"][0]["children"][1], sparkle);
    assert_eq!(document["children"][0]["children"][0]["text"], "hello");

    let response = c
        .memories()
        .get()
        .source("vault")
        .resource_id("doc-2")
        .send()
        .await
        .unwrap();
    assert_eq!(
        format!("{:?}", response.document),
        format!("Unknown({:?})", json!({"type": "brand_new_kind", "x": 1}))
    );
}

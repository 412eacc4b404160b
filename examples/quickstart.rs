//! Quickstart: mint a user token, add a memory, query, list every page and upload a file.
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With `HYPERSPELL_API_KEY` set (and `HYPERSPELL_BASE_URL` for another region or a local
//! server) it talks to that API. Otherwise it starts the crate's typed mock server (feature
//! `mock`, which this crate's examples and tests turn on) and talks to that.

use futures::TryStreamExt;
use hyperspell::multipart::FilePart;
use hyperspell::{Client, MetadataValue, types};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let api_key_set =
        std::env::var(hyperspell::constants::ENV_API_KEY).is_ok_and(|k| !k.trim().is_empty());
    // The mock server (kept alive until the end of `main`) is set up before the runtime starts.
    let mut _mock_server = None;
    let client = if api_key_set {
        Client::from_env()?
    } else {
        let (server, client) = mock::start()?;
        println!("HYPERSPELL_API_KEY is not set: using the embedded mock");
        _mock_server = Some(server);
        client
    };
    tokio::runtime::Runtime::new()?.block_on(run(client))
}

async fn run(client: Client) -> Result<(), Box<dyn std::error::Error>> {
    println!("Hyperspell at {}", client.base_url());

    // 1. A user token: everything below acts as this user.
    let token = client.mint_user_token("quickstart-user").await?;
    println!(
        "minted a user token, valid until {} ({} s left)",
        token.expires_at,
        token.expires_in().as_secs()
    );
    let user = client.with_user_token(&token);

    // 2. Add a memory.
    let added = user
        .memories()
        .add()
        .title("Quickstart note")
        .text("The quarterly planning meeting moved to Thursday at 10:00.")
        .send()
        .await?;
    println!(
        "added memory {} ({}): {}",
        added.resource_id, added.source, added.status
    );

    // 3. Query.
    let result = user
        .memories()
        .search()
        .query("When is the planning meeting?")
        .send()
        .await?;
    println!("query found {} document(s)", result.documents.len());
    for document in &result.documents {
        println!(
            "  - {} {} (score {:?})",
            document.source,
            document.title.as_deref().unwrap_or(&document.resource_id),
            document.score
        );
    }

    // 4. List every memory, page after page (2 per page).
    let memories: Vec<types::DocumentResponse> = user
        .memories()
        .list()
        .size(2)
        .into_stream()
        .try_collect()
        .await?;
    println!("listed {} memories:", memories.len());
    for memory in &memories {
        println!(
            "  - {}/{}: {}",
            memory.source,
            memory.resource_id,
            memory.title.as_deref().unwrap_or("(untitled)")
        );
    }

    // 5. Upload a file, streamed from disk, with typed metadata.
    let path = std::env::temp_dir().join("hyperspell-quickstart.md");
    std::fs::write(
        &path,
        "# Quickstart\n\nUploaded by the Hyperspell Rust client.\n",
    )?;
    let uploaded = user
        .memories()
        .upload()
        .file(FilePart::path(&path).mime_type("text/markdown"))
        .metadata_map([
            ("origin", MetadataValue::from("quickstart")),
            ("version", 1.into()),
        ])?
        .send()
        .await?;
    println!(
        "uploaded {} as {} ({}): {}",
        path.display(),
        uploaded.resource_id,
        uploaded.source,
        uploaded.status
    );
    std::fs::remove_file(&path)?;
    Ok(())
}

/// The embedded mock: the crate's typed httpmock helpers answering every call above.
#[cfg(feature = "mock")]
mod mock {
    use hyperspell::mock::MockServerExt;
    use hyperspell::{Client, types};
    use serde_json::json;

    fn typed<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_value(value).expect("mock data matches the spec")
    }

    fn memory(id: &str, title: &str) -> serde_json::Value {
        json!({
            "resource_id": id,
            "source": "vault",
            "type": "document",
            "title": title,
            "status": "completed",
            "document": {"type": "document", "title": title, "children": [
                {"type": "paragraph", "children": [{"type": "text", "text": "…"}]}
            ]}
        })
    }

    pub fn start() -> Result<(httpmock::MockServer, Client), Box<dyn std::error::Error>> {
        let server = httpmock::MockServer::start();
        let expires_at = (chrono::Utc::now() + chrono::Duration::hours(24)).to_rfc3339();
        server.generate_user_token(|when, then| {
            when.into_inner()
                .json_body_includes(r#"{"user_id": "quickstart-user"}"#);
            then.ok(&typed(
                json!({"token": "mock-user-token", "expires_at": expires_at}),
            ));
        });
        let added = typed::<types::DocumentStatusResponse>(
            json!({"resource_id": "note-1", "source": "vault", "status": "pending"}),
        );
        server.add(|_, then| {
            then.ok(&added);
        });
        server.query_memories(|_, then| {
            let mut scored = memory("note-1", "Quickstart note");
            scored["score"] = json!(0.92);
            then.ok(&typed(json!({"documents": [scored], "query_id": "q-1"})));
        });
        server.list_memories(|when, then| {
            when.cursor(None);
            then.ok(&typed(json!({
                "items": [memory("note-1", "Quickstart note"), memory("note-0", "Onboarding checklist")],
                "next_cursor": "page-2"
            })));
        });
        server.list_memories(|when, then| {
            when.cursor("page-2");
            then.ok(&typed(
                json!({"items": [memory("note-x", "Team offsite")], "next_cursor": null}),
            ));
        });
        // multipart operations have no typed helper: a plain httpmock matcher
        server.mock(|when, then| {
            when.method(httpmock::Method::POST)
                .path("/memories/upload")
                .body_includes("name=\"metadata\"");
            then.status(200)
                .header("content-type", "application/json")
                .json_body(
                    json!({"resource_id": "upload-1", "source": "vault", "status": "pending"}),
                );
        });
        let client = Client::builder()
            .api_key("hs-0-quickstart-mock")
            .base_url(server.base_url())
            .build()?;
        Ok((server, client))
    }
}

#[cfg(not(feature = "mock"))]
mod mock {
    pub fn start() -> Result<((), hyperspell::Client), Box<dyn std::error::Error>> {
        Err("set HYPERSPELL_API_KEY, or build with the `mock` feature for the embedded mock".into())
    }
}

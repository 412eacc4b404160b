//! `POST /memories/upload`: the file streamed from a path or a reader, metadata given as a
//! typed map and sent as the JSON-encoded `metadata` form field, invalid keys refused before
//! anything is sent.

mod client_support;

use client_support::client;
use hyperspell::multipart::FilePart;
use hyperspell::{ErrorKind, MetadataValue};
use serde_json::json;
use wiremock::matchers::{header_regex, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn upload_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/upload"))
        .and(header_regex(
            "content-type",
            "^multipart/form-data; boundary=",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "resource_id": "doc-1", "source": "vault", "status": "pending"
        })))
        .mount(&server)
        .await;
    server
}

/// The text of form field `name` in a multipart body.
fn form_field(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let start = body.find(&marker)?;
    let rest = &body[start..];
    let value_start = rest.find("\r\n\r\n")? + 4;
    let value_end = rest[value_start..].find("\r\n--")?;
    Some(rest[value_start..value_start + value_end].to_owned())
}

#[tokio::test]
async fn uploads_a_file_from_a_path_with_typed_metadata() {
    let server = upload_server().await;
    let file = std::env::temp_dir().join(format!("hyperspell-upload-{}.md", std::process::id()));
    std::fs::write(&file, "# Notes\nremember this\n").unwrap();

    let response = client(&server)
        .memories()
        .upload()
        .file(FilePart::path(&file).mime_type("text/markdown"))
        .metadata_map([
            ("team", MetadataValue::from("infra")),
            ("year", 2025.into()),
            ("score", 0.75.into()),
            ("public", false.into()),
        ])
        .unwrap()
        .send()
        .await
        .unwrap();
    assert_eq!(response.resource_id, "doc-1");
    assert_eq!(response.status.to_string(), "pending");

    // Like every generated operation, it says which API version it was generated from.
    let _ = client(&server).memories().status().send().await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers.get("api-version"),
        requests[1].headers.get("api-version")
    );
    assert!(requests[0].headers.get("api-version").is_some());

    let request = &requests[0];
    let body = String::from_utf8_lossy(&request.body);
    let metadata = form_field(&body, "metadata").expect("metadata field");
    let metadata: serde_json::Value = serde_json::from_str(&metadata).unwrap();
    assert_eq!(
        metadata,
        json!({"team": "infra", "year": 2025, "score": 0.75, "public": false})
    );
    assert_eq!(
        form_field(&body, "file").as_deref(),
        Some("# Notes\nremember this\n")
    );
    assert!(body.contains("Content-Type: text/markdown"), "{body}");
    assert!(body.contains(&format!(
        "filename=\"{}\"",
        file.file_name().unwrap().to_string_lossy()
    )));
    assert!(
        form_field(&body, "collection").is_none(),
        "unset fields are not sent"
    );
    std::fs::remove_file(file).unwrap();
}

#[tokio::test]
async fn uploads_from_any_async_reader() {
    let server = upload_server().await;
    let (mut writer, reader) = tokio::io::duplex(64);
    let producer = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        for n in 0..100 {
            writer
                .write_all(format!("chunk {n}\n").as_bytes())
                .await
                .unwrap();
        }
    });
    client(&server)
        .memories()
        .upload()
        .file(FilePart::reader(reader).file_name("stream.txt"))
        .collection("legacy")
        .send()
        .await
        .unwrap();
    producer.await.unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    let body = String::from_utf8_lossy(&request.body);
    let file = form_field(&body, "file").unwrap();
    assert!(file.starts_with("chunk 0\n") && file.ends_with("chunk 99\n"));
    assert_eq!(form_field(&body, "collection").as_deref(), Some("legacy"));
    assert!(body.contains("filename=\"stream.txt\""));
}

#[tokio::test]
async fn invalid_metadata_is_refused_before_sending() {
    let server = upload_server().await;
    let c = client(&server);
    for key in ["has space", "dash-key", "", &"k".repeat(65)] {
        let err = c
            .memories()
            .upload()
            .file(FilePart::bytes("x"))
            .metadata_map([(key, 1)])
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidRequest);
        assert!(err.to_string().contains("metadata key"), "{err}");
    }
    let err = c
        .memories()
        .upload()
        .file(FilePart::bytes("x"))
        .metadata_map([("ratio", f64::INFINITY)])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_file_is_an_invalid_request() {
    let server = upload_server().await;
    let err = client(&server)
        .memories()
        .upload()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("file"), "{err}");
    let err = client(&server)
        .memories()
        .upload()
        .file(FilePart::path("/nonexistent/hyperspell-test-file"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(err.message().contains("cannot open"), "{err}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// The part headers (`Content-Disposition`, `Content-Type`) of form field `name`.
fn part_headers(body: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\"");
    let start = body.find(&marker)?;
    let line_start = body[..start].rfind("\r\n").map_or(0, |i| i + 2);
    let end = start + body[start..].find("\r\n\r\n")?;
    Some(body[line_start..end].to_owned())
}

#[tokio::test]
async fn a_file_part_goes_out_with_the_type_of_its_name() {
    let dir = std::env::temp_dir().join(format!("hyperspell-mime-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join("report.pdf");
    let bare = dir.join("README");
    std::fs::write(&pdf, b"%PDF-1.7").unwrap();
    std::fs::write(&bare, b"plain").unwrap();
    let cases = [
        (FilePart::path(&pdf), "report.pdf", "application/pdf"),
        (FilePart::path(&bare), "README", "application/octet-stream"),
        (
            FilePart::bytes("# hi").file_name("notes.md"),
            "notes.md",
            "text/markdown",
        ),
        (FilePart::bytes("x"), "file", "application/octet-stream"),
        (
            FilePart::path(&pdf).mime_type("application/x-custom"),
            "report.pdf",
            "application/x-custom",
        ),
    ];
    for (part, file_name, content_type) in cases {
        let server = upload_server().await;
        client(&server)
            .memories()
            .upload()
            .file(part)
            .send()
            .await
            .unwrap();
        let request = &server.received_requests().await.unwrap()[0];
        let body = String::from_utf8_lossy(&request.body);
        let headers = part_headers(&body, "file").expect("a file part");
        assert!(
            headers.contains(&format!("filename=\"{file_name}\"")),
            "{headers}"
        );
        let types: Vec<&str> = headers
            .lines()
            .filter_map(|line| line.strip_prefix("Content-Type: "))
            .collect();
        assert_eq!(types, [content_type], "{headers}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

//! What goes on the wire besides the operation itself: compressed responses (asked for,
//! decoded, error bodies still bounded in memory) and redirects (none to another origin, so
//! no credential or acting-user header leaves the API's origin).
//!
//! This test binary counts its heap allocations (peak bytes) to show that a huge compressed
//! error body is not decompressed whole.

mod client_support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use client_support::{KEY, indexing_status};
use hyperspell::constants::MAX_BODY_EXCERPT;
use hyperspell::{Client, ErrorKind};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const USER: &str = "acting-user-secret-42";

/// A client as users build it (its own reqwest client: default features, redirect policy).
fn client_for(base_url: &str) -> Client {
    Client::builder()
        .api_key(KEY)
        .as_user(USER)
        .base_url(base_url)
        .max_retries(0)
        .build()
        .unwrap()
}

/// `body` compressed with `codec` (an HTTP content coding).
fn compress(codec: &str, body: &[u8]) -> Vec<u8> {
    compress_repeated(codec, body, &[], 0)
}

/// `head` then `chunk` repeated `times`, compressed with `codec`, without holding the
/// uncompressed whole.
fn compress_repeated(codec: &str, head: &[u8], chunk: &[u8], times: usize) -> Vec<u8> {
    let output = Shared::default();
    let sink = SharedSink(output.clone());
    let mut writer: Box<dyn Write> = match codec {
        "gzip" => Box::new(flate2::write::GzEncoder::new(
            sink,
            flate2::Compression::fast(),
        )),
        "deflate" => Box::new(flate2::write::ZlibEncoder::new(
            sink,
            flate2::Compression::fast(),
        )),
        "br" => Box::new(brotli::CompressorWriter::new(sink, 4096, 1, 16)),
        "zstd" => Box::new(zstd::Encoder::new(sink, 1).unwrap().auto_finish()),
        other => panic!("unknown codec {other}"),
    };
    writer.write_all(head).unwrap();
    for _ in 0..times {
        writer.write_all(chunk).unwrap();
    }
    drop(writer); // finishes the stream
    std::mem::take(&mut *output.lock().unwrap())
}

type Shared = std::sync::Arc<std::sync::Mutex<Vec<u8>>>;

/// A `Write` into a buffer that outlives the encoder holding it (encoders finish on drop).
struct SharedSink(Shared);

impl Write for SharedSink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether the request lists `codec` in its `Accept-Encoding`.
fn asks_for(codec: &'static str) -> impl Fn(&Request) -> bool + Send + Sync + 'static {
    move |request: &Request| {
        request
            .headers
            .get_all("accept-encoding")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .any(|coding| coding.split(';').next().unwrap_or("").trim() == codec)
    }
}

#[tokio::test]
async fn compressed_responses_are_asked_for_and_decoded() {
    let plain = serde_json::to_vec(&indexing_status()).unwrap();
    let expected: hyperspell::types::IndexingStatus = serde_json::from_slice(&plain).unwrap();
    for codec in ["gzip", "br", "zstd", "deflate"] {
        let server = MockServer::start().await;
        // Compressed only when asked; plain otherwise.
        Mock::given(method("GET"))
            .and(path("/memories/status"))
            .and(asks_for(codec))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("content-encoding", codec)
                    .insert_header("content-type", "application/json")
                    .set_body_raw(compress(codec, &plain), "application/json"),
            )
            .with_priority(1)
            .expect(1)
            .named(format!("{codec} answer"))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/memories/status"))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(plain.clone(), "application/json"),
            )
            .with_priority(5)
            .expect(0)
            .mount(&server)
            .await;
        let response = client_for(&server.uri())
            .memories()
            .status()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{codec}: {e:?}"));
        assert_eq!(response.into_inner(), expected, "{codec}");
        server.verify().await;
    }
}

/// A ~50 MB error body compressed to well under a megabyte: the client reads (and so
/// decompresses) no more than its bound, whatever the status, documented (422) or not.
#[tokio::test]
async fn a_huge_compressed_error_body_stays_bounded() {
    const TOTAL: usize = 50 << 20;
    let chunk = [b'a'; 64 * 1024];
    let times = TOTAL / chunk.len();
    // A JSON body whose message runs on for 50 MB (no end within reach).
    let head = br#"{"detail":[{"loc":["body","text"],"msg":""#;
    let compressed = compress_repeated("gzip", head, &chunk, times);
    assert!(compressed.len() < 1 << 20, "{} bytes", compressed.len());

    for (route, http_method, status) in [
        ("/memories/add", "POST", 422), // documented: decoded as `HTTPValidationError` before
        ("/memories/status", "GET", 500),
    ] {
        let server = MockServer::start().await;
        Mock::given(method(http_method))
            .and(path(route))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("content-encoding", "gzip")
                    .set_body_raw(compressed.clone(), "application/json"),
            )
            .mount(&server)
            .await;
        let client = client_for(&server.uri());
        let before = CURRENT.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let err = if http_method == "POST" {
            client
                .memories()
                .add()
                .body(hyperspell::types::IngestRequest::builder().text("hello"))
                .send()
                .await
                .unwrap_err()
        } else {
            client.memories().status().send().await.unwrap_err()
        };
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(before);
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err}");
        assert!(
            peak < 16 << 20,
            "{route}: {peak} bytes allocated at the peak for a {TOTAL}-byte error body"
        );
        let body = err.body().unwrap();
        assert!(body.len() <= MAX_BODY_EXCERPT + 20, "{}", body.len());
        assert!(body.starts_with(r#"{"detail""#), "{}", &body[..40]);
        assert!(body.ends_with("…[truncated]"));
        assert!(err.message().len() <= 2048, "{}", err.message().len());
        let validation: usize = err.validation_errors().iter().map(|v| v.msg.len()).sum();
        assert!(validation <= MAX_BODY_EXCERPT, "{validation}");
    }
}

#[tokio::test]
async fn a_documented_error_keeps_the_raw_body() {
    // FastAPI's `input` and `ctx`, and its spacing, are not in `HTTPValidationError`.
    let raw = r#"{"detail": [{"type": "missing", "loc": ["body", "text"], "msg": "Field required", "input": {"x": 1}, "ctx": {"min": 1}}]}"#;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/add"))
        .respond_with(ResponseTemplate::new(422).set_body_raw(raw, "application/json"))
        .mount(&server)
        .await;
    let err = client_for(&server.uri())
        .memories()
        .add()
        .body(hyperspell::types::IngestRequest::builder().text("hello"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnprocessableEntity);
    assert_eq!(err.body(), Some(raw));
    assert_eq!(err.validation_errors().len(), 1);
    assert_eq!(err.message(), "body.text: Field required");
}

/// Server `origin` answering `GET /memories/status` with a redirect to `target`.
async fn redirecting(origin: &MockServer, status: u16, target: &str) {
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(ResponseTemplate::new(status).insert_header("location", target))
        .mount(origin)
        .await;
}

async fn answering_status(server: &MockServer, route: &str) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(indexing_status()))
        .mount(server)
        .await;
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_origin() {
    for status in [301, 302, 303, 307, 308] {
        let api = MockServer::start().await;
        let elsewhere = MockServer::start().await; // another port: another origin
        answering_status(&elsewhere, "/memories/status").await;
        redirecting(
            &api,
            status,
            &format!("{}/memories/status", elsewhere.uri()),
        )
        .await;

        let err = client_for(&api.uri())
            .memories()
            .status()
            .send()
            .await
            .unwrap_err();

        for request in elsewhere.received_requests().await.unwrap() {
            for header in ["authorization", "x-as-user"] {
                assert!(
                    !request.headers.contains_key(header),
                    "{status}: {header} reached another origin: {:?}",
                    request.headers
                );
            }
        }
        assert_eq!(err.kind(), ErrorKind::OtherStatus, "{status}: {err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert!(err.message().contains(&elsewhere.uri()), "{err}");
        assert!(!err.is_retryable());
    }
}

#[tokio::test]
async fn redirects_within_the_origin_are_followed_with_credentials() {
    let api = MockServer::start().await;
    redirecting(&api, 307, "/v2/memories/status").await;
    answering_status(&api, "/v2/memories/status").await;
    let response = client_for(&api.uri())
        .memories()
        .status()
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let requests = api.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].url.path(), "/v2/memories/status");
    assert_eq!(
        requests[1].headers["authorization"],
        format!("Bearer {KEY}").as_str()
    );
    assert_eq!(requests[1].headers["x-as-user"], USER);
}

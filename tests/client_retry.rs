//! Retries as the official SDKs do them, measured on a paused tokio clock (the only timers
//! are the retry delays, so elapsed virtual time is their sum): statuses, `x-should-retry`,
//! `retry-after-ms` / `Retry-After` (seconds, HTTP date, out of range), backoff and its 8 s
//! cap, retry counts per client and per request, connection errors, timeouts, and request
//! bodies (multipart streams included) rebuilt for every attempt.

mod client_support;

use std::time::{Duration, SystemTime};

use client_support::{KEY, client, indexing_status, timerless_http};
use hyperspell::multipart::FilePart;
use hyperspell::{Client, ErrorKind, RequestOptions};
use serde_json::json;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A server answering `GET /memories/status` with `failure` `times` times, then 200.
async fn flaky(failure: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(failure)
        .up_to_n_times(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/memories/status"))
        .respond_with(ResponseTemplate::new(200).set_body_json(indexing_status()))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn assert_between(elapsed: Duration, low_ms: u64, high_ms: u64) {
    assert!(
        elapsed >= Duration::from_millis(low_ms) && elapsed <= Duration::from_millis(high_ms),
        "{elapsed:?} not in [{low_ms} ms, {high_ms} ms]"
    );
}

#[tokio::test(start_paused = true)]
async fn retryable_statuses_are_retried() {
    for status in [408, 409, 429, 500, 502, 503, 504] {
        let server = flaky(ResponseTemplate::new(status), 1).await;
        let response = client(&server).memories().status().send().await;
        assert!(response.is_ok(), "{status}: {response:?}");
        assert_eq!(requests(&server).await, 2, "{status}");
    }
}

#[tokio::test(start_paused = true)]
async fn client_errors_are_not_retried() {
    let detail = json!({"detail": [{"loc": ["query", "size"], "msg": "too big", "type": "less_than_equal"}]});
    for (status, kind) in [
        (400, ErrorKind::BadRequest),
        (401, ErrorKind::Authentication),
        (403, ErrorKind::PermissionDenied),
        (404, ErrorKind::NotFound),
        (422, ErrorKind::UnprocessableEntity),
    ] {
        let server = flaky(ResponseTemplate::new(status).set_body_json(&detail), 5).await;
        let started = Instant::now();
        let err = client(&server)
            .memories()
            .status()
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), kind, "{status}");
        assert!(!err.is_retryable());
        assert_eq!(err.attempts(), 1);
        assert_eq!(requests(&server).await, 1, "{status}");
        assert_eq!(started.elapsed(), Duration::ZERO);
    }
}

#[tokio::test(start_paused = true)]
async fn x_should_retry_overrides_the_status() {
    let server = flaky(
        ResponseTemplate::new(400).insert_header("x-should-retry", "true"),
        1,
    )
    .await;
    client(&server).memories().status().send().await.unwrap();
    assert_eq!(requests(&server).await, 2);

    let server = flaky(
        ResponseTemplate::new(503).insert_header("x-should-retry", "false"),
        1,
    )
    .await;
    let err = client(&server)
        .memories()
        .status()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InternalServer);
    assert!(!err.is_retryable());
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test(start_paused = true)]
async fn two_retries_by_default_with_exponential_backoff() {
    let server = flaky(ResponseTemplate::new(500), 100).await;
    let started = Instant::now();
    let err = client(&server)
        .memories()
        .status()
        .send()
        .await
        .unwrap_err();
    assert_eq!(requests(&server).await, 3);
    assert_eq!(err.attempts(), 3);
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    // 0.5 s + 1 s, minus up to 25 % jitter
    assert_between(started.elapsed(), 1125, 1500);
}

#[tokio::test(start_paused = true)]
async fn backoff_is_capped_at_8_seconds() {
    let server = flaky(ResponseTemplate::new(503), 100).await;
    let started = Instant::now();
    let c = client(&server).with_options(RequestOptions::new().max_retries(6));
    c.memories().status().send().await.unwrap_err();
    assert_eq!(requests(&server).await, 7);
    // 0.5 + 1 + 2 + 4 + 8 + 8 = 23.5 s (uncapped, the last would be 16 s: at least 23.6 s)
    assert_between(started.elapsed(), 17_625, 23_500);
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds() {
    let server = flaky(
        ResponseTemplate::new(429).insert_header("retry-after", "3"),
        1,
    )
    .await;
    let started = Instant::now();
    client(&server).memories().status().send().await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn retry_after_ms_wins_over_retry_after() {
    let failure = ResponseTemplate::new(503)
        .insert_header("retry-after-ms", "1500")
        .insert_header("retry-after", "9");
    let server = flaky(failure, 1).await;
    let started = Instant::now();
    client(&server).memories().status().send().await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_millis(1500));
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date() {
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(6));
    // The date has second resolution, and the wall clock goes on while the (paused) test
    // clock waits: the delay is the date minus the wall-clock time the client read, which
    // lies between the two readings around the call.
    let date = httpdate::parse_http_date(&at).unwrap();
    let server = flaky(
        ResponseTemplate::new(503).insert_header("retry-after", at.as_str()),
        1,
    )
    .await;
    let started = Instant::now();
    let before = SystemTime::now();
    client(&server).memories().status().send().await.unwrap();
    let after = SystemTime::now();
    let shortest = date.duration_since(after).unwrap_or_default();
    let longest = date.duration_since(before).unwrap();
    assert!(longest >= Duration::from_secs(4), "{longest:?}");
    assert_between(
        started.elapsed(),
        shortest.as_millis() as u64,
        longest.as_millis() as u64 + 1,
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_beyond_60_seconds_falls_back_to_backoff() {
    let server = flaky(
        ResponseTemplate::new(503).insert_header("retry-after", "120"),
        1,
    )
    .await;
    let started = Instant::now();
    client(&server).memories().status().send().await.unwrap();
    assert_between(started.elapsed(), 375, 500);
}

#[tokio::test(start_paused = true)]
async fn max_retries_per_client_and_per_request() {
    let server = flaky(ResponseTemplate::new(500), 100).await;
    let none = Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .max_retries(0)
        .no_timeout()
        .http_client(timerless_http())
        .build()
        .unwrap();
    none.memories().status().send().await.unwrap_err();
    assert_eq!(requests(&server).await, 1);

    let err = none
        .with_options(RequestOptions::new().max_retries(3))
        .memories()
        .status()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.attempts(), 4);
    assert_eq!(requests(&server).await, 5);
}

#[tokio::test(start_paused = true)]
async fn connection_errors_are_retried() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let c = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .no_timeout()
        .http_client(timerless_http())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.memories().status().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection);
    assert!(err.is_retryable());
    assert_eq!(err.attempts(), 3);
    assert_eq!(err.status(), None);
    assert_between(started.elapsed(), 1125, 1500);
}

fn timing_out_client(server: &MockServer, timeout: Duration, max_retries: u32) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .timeout(timeout)
        .max_retries(max_retries)
        .build()
        .unwrap()
}

#[tokio::test]
async fn timeouts_are_per_attempt_and_retried() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(indexing_status())
        .set_delay(Duration::from_secs(5));
    let server = flaky(slow, 1).await;
    let started = std::time::Instant::now();
    let response = timing_out_client(&server, Duration::from_millis(150), 2)
        .memories()
        .status()
        .send()
        .await;
    assert!(response.is_ok(), "{response:?}");
    assert_eq!(requests(&server).await, 2);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn timeout_error_after_the_last_attempt() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(indexing_status())
        .set_delay(Duration::from_secs(5));
    let server = flaky(slow, 100).await;
    let err = timing_out_client(&server, Duration::from_millis(100), 1)
        .memories()
        .status()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(err.is_timeout() && err.is_retryable());
    assert_eq!(err.attempts(), 2);
    assert!(err.to_string().contains("timed out"), "{err}");
}

#[tokio::test]
async fn per_request_timeout_overrides_the_client() {
    let slow = ResponseTemplate::new(200)
        .set_body_json(indexing_status())
        .set_delay(Duration::from_secs(5));
    let server = flaky(slow, 100).await;
    let c = timing_out_client(&server, Duration::from_secs(60), 0);
    let started = std::time::Instant::now();
    let err = c
        .with_options(RequestOptions::new().timeout(Duration::from_millis(100)))
        .memories()
        .status()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < Duration::from_secs(2));
}

fn upload_ok() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"resource_id": "r1", "source": "vault", "status": "pending"}))
}

async fn flaky_upload() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/upload"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/memories/upload"))
        .respond_with(upload_ok())
        .mount(&server)
        .await;
    server
}

#[tokio::test(start_paused = true)]
async fn multipart_bodies_are_rebuilt_for_each_attempt() {
    let server = flaky_upload().await;
    let file = std::env::temp_dir().join(format!("hyperspell-retry-{}.txt", std::process::id()));
    let content = "line of the uploaded file\n".repeat(10_000);
    std::fs::write(&file, &content).unwrap();

    let status = client(&server)
        .memories()
        .upload()
        .file(FilePart::path(&file))
        .send()
        .await
        .unwrap();
    assert_eq!(status.resource_id, "r1");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    for request in &received {
        let body = String::from_utf8_lossy(&request.body);
        assert!(
            body.contains(&content),
            "attempt sent {} bytes",
            request.body.len()
        );
        assert!(body.contains(&format!(
            "filename=\"{}\"",
            file.file_name().unwrap().to_string_lossy()
        )));
    }
    std::fs::remove_file(file).unwrap();
}

#[tokio::test(start_paused = true)]
async fn reader_factories_are_recreated_and_one_shot_readers_fail_clearly() {
    let server = flaky_upload().await;
    client(&server)
        .memories()
        .upload()
        .file(
            FilePart::reader_fn(|| std::io::Cursor::new(b"made again".to_vec())).file_name("a.txt"),
        )
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(
        received
            .iter()
            .all(|r| String::from_utf8_lossy(&r.body).contains("made again"))
    );

    let server = flaky_upload().await;
    let err = client(&server)
        .memories()
        .upload()
        .file(FilePart::reader(std::io::Cursor::new(b"only once".to_vec())).file_name("b.txt"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidRequest);
    assert!(!err.is_retryable());
    assert!(err.message().contains("reader_fn"), "{err}");
    assert!(
        err.message()
            .contains("the previous attempt failed: memories.upload (POST /memories/upload): 503"),
        "{err}"
    );
    assert_eq!(requests(&server).await, 1);
}

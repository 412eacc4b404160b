//! What every generated `send()` goes through: retries, timeouts, tracing and the mapping of
//! progenitor's errors to [`Error`]; and the cursor pagination behind `into_stream()`.
//!
//! Generated code calls these; applications use the builders' `send()` and `into_stream()`.
//!
//! Every request pays for what happens here, so the hot path is kept lean (the throughput
//! bench compares it with plain reqwest; `scripts/bench-instructions.sh` counts instructions):
//!
//! * the futures stay small: the attempt's request future is boxed (872 bytes for
//!   `get_indexing_status`, within what glibc's `malloc` serves from its per-thread cache,
//!   thanks to [`decode`]), the error path is boxed, nothing large is held across an await;
//! * the response's headers are moved, never copied, into the [`ResponseValue`] or the
//!   [`Error`] ([`decode`]);
//! * a span nobody listens to is neither entered nor recorded.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use futures::{Stream, StreamExt};
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use crate::error::{BODY_READ_LIMIT, Error, ErrorKind};
use crate::operation::Operation;
use crate::{Client, retry};

/// Status and headers of a response whose body could not be read or decoded.
type FailedResponse = (StatusCode, HeaderMap);

/// Why [`decode`] could not decode a response. Progenitor's errors for these cases
/// (`ResponseBodyError`, `InvalidResponsePayload`) have no room for the status and headers, so
/// [`decode`] hands back the response itself (`UnexpectedResponse`: status, headers, no body)
/// with this in its extensions, and [`map_error`] takes it out again.
#[derive(Clone)]
struct Undecoded(Arc<Mutex<Option<UndecodedCause>>>);

enum UndecodedCause {
    /// The body could not be read.
    Read(reqwest::Error),
    /// The body (all of it) is not the documented JSON.
    Json(bytes::Bytes, serde_json::Error),
}

/// Out of line: kept out of the code every successful request runs through.
#[cold]
#[inline(never)]
fn undecoded<E>(
    status: StatusCode,
    headers: HeaderMap,
    cause: UndecodedCause,
) -> progenitor_client::Error<E> {
    let mut response = http::Response::new(reqwest::Body::from(Vec::new()));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
        .extensions_mut()
        .insert(Undecoded(Arc::new(Mutex::new(Some(cause)))));
    progenitor_client::Error::UnexpectedResponse(response.into())
}

/// Progenitor's error for what [`decode`] could not decode, with the response's status and
/// headers; any other error as it is.
fn undecoded_cause<E>(
    error: progenitor_client::Error<E>,
) -> (progenitor_client::Error<E>, Option<FailedResponse>) {
    use progenitor_client::Error as P;
    let mut response = match error {
        P::UnexpectedResponse(response) => response,
        other => return (other, None),
    };
    let cause = response
        .extensions_mut()
        .remove::<Undecoded>()
        .and_then(|Undecoded(cause)| cause.lock().ok()?.take());
    let error = match cause {
        Some(UndecodedCause::Read(e)) => P::ResponseBodyError(e),
        Some(UndecodedCause::Json(body, e)) => P::InvalidResponsePayload(body, e),
        None => return (P::UnexpectedResponse(response), None),
    };
    let headers = std::mem::take(response.headers_mut());
    (error, Some((response.status(), headers)))
}

/// One attempt's request future, boxed (moving it, and the `send()` future around it, then
/// copies a pointer, not the whole request state), polled and dropped inside the attempt's
/// span when someone listens to it.
///
/// It enters the span itself rather than through [`Instrument`], which would take a clone of
/// the span.
struct InSpan<'s, Fut> {
    /// `None` once finished.
    request: Option<Pin<Box<Fut>>>,
    span: &'s tracing::Span,
}

impl<Fut: Future> Future for InSpan<'_, Fut> {
    type Output = Fut::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let _entered = enter(this.span);
        let request = this
            .request
            .as_mut()
            .expect("attempt polled after completion");
        let output = std::task::ready!(request.as_mut().poll(cx));
        this.request = None;
        Poll::Ready(output)
    }
}

impl<Fut> Drop for InSpan<'_, Fut> {
    fn drop(&mut self) {
        if self.request.is_some() {
            let _entered = enter(self.span);
            self.request = None;
        }
    }
}

/// Enters `span` unless it is disabled (no subscriber wants it): entering a disabled span
/// still costs calls on every poll of every request (with `tracing`'s `log` feature, one
/// `log` check each), for a trace-level `log` line nobody asked for.
#[inline]
fn enter(span: &tracing::Span) -> Option<tracing::span::Entered<'_>> {
    (!span.is_disabled()).then(|| span.enter())
}

/// Sends one operation with the client's retry policy: calls `attempt` for every attempt
/// (so the whole request, multipart bodies included, is rebuilt each time), waits between
/// attempts as the policy says and maps failures to [`Error`].
///
/// (Not an `async fn`: it returns the future of the retry loop itself rather than one more
/// layer around it.)
pub fn send<T, E, F, Fut>(
    client: &Client,
    operation: &'static Operation,
    attempt: F,
) -> impl Future<Output = Result<ResponseValue<T>, Error>>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: serde::Serialize + std::fmt::Debug,
{
    let max_retries = client.state().max_retries();
    send_with_retries(client, operation, max_retries, attempt)
}

/// Sends one operation once (for builders that cannot be cloned, hence not retried).
#[allow(
    dead_code,
    reason = "generated for builders that cannot be cloned; a spec may have none"
)]
pub fn send_unretried<T, E, Fut>(
    client: &Client,
    operation: &'static Operation,
    attempt: Fut,
) -> impl Future<Output = Result<ResponseValue<T>, Error>>
where
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: serde::Serialize + std::fmt::Debug,
{
    let mut attempt = Some(attempt);
    let once = move || attempt.take().expect("an unretried request is sent once");
    send_with_retries(client, operation, 0, once)
}

/// The retry loop of [`send`]: each attempt inside its tracing span, its error mapped.
///
/// Kept to one `async fn` whose state holds little across its awaits (the attempt's request
/// future and its error path are boxed, results are not bound across awaits): the future of
/// every generated `send()` is made of it.
async fn send_with_retries<T, E, F, Fut>(
    client: &Client,
    operation: &'static Operation,
    max_retries: u32,
    mut attempt: F,
) -> Result<ResponseValue<T>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: serde::Serialize + std::fmt::Debug,
{
    let mut retries = 0u32;
    let mut previous: Option<String> = None;
    loop {
        let number = retries + 1;
        let span = tracing::info_span!(
            "hyperspell.request",
            operation = operation.call,
            method = operation.method,
            path = operation.path,
            attempt = number,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // `std`, not `tokio`, time: it is only reported, and tokio's clock (pausable in tests)
        // costs a runtime lookup.
        let started = std::time::Instant::now();
        // Allocated before the attempt's future is made, which can then be written in place.
        let request = Box::into_pin(Box::write(Box::new_uninit(), attempt()));
        let in_span = InSpan {
            request: Some(request),
            span: &span,
        };
        let failed = match in_span.await {
            Ok(value) => {
                record_success(&span, started, value.status());
                return Ok(value);
            }
            Err(error) => Box::pin(map_error(client, operation, error, started.elapsed())),
        };
        let mut error = failed.instrument(span.clone()).await;
        record_failure(&span, started, &error);
        drop(span);
        // A retry that cannot even be built (a one-shot upload reader already consumed) would
        // hide why it was retried.
        if let (ErrorKind::InvalidRequest, Some(previous)) = (error.kind(), &previous) {
            error.append_message(&format!("; the previous attempt failed: {previous}"));
        }
        if retries >= max_retries || !error.is_retryable() {
            return Err(error.with_attempts(number));
        }
        previous = Some(error.to_string());
        let headers = error.status().map(|_| error.headers());
        let delay = retry::retry_delay(retries, headers, SystemTime::now());
        tracing::debug!(
            operation = operation.call,
            attempt = number,
            delay_ms = delay.as_millis() as u64,
            error = %error,
            "hyperspell request failed; retrying"
        );
        tokio::time::sleep(delay).await;
        retries += 1;
    }
}

/// The parts joined, allocated once at the exact size: what the generated code builds an
/// operation's URL with (progenitor writes `format!`).
#[doc(hidden)]
pub fn concat(parts: &[&str]) -> String {
    let mut joined = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        joined.push_str(part);
    }
    joined
}

/// Decodes a JSON response body into `T`: what the generated code calls where progenitor
/// calls `ResponseValue::from_response`, with the same result and errors.
///
/// Its future holds the status, the headers (moved, not copied) and the body's stream, about
/// 290 bytes where progenitor's holds about 950 (its `bytes()` future and the whole
/// response): that keeps every attempt's future (which holds this one) under the size that
/// `malloc` serves from its per-thread cache. When the body cannot be read or decoded, the
/// error carries the status and headers (see [`Undecoded`]).
///
/// The body of a documented error status is not decoded: at most [`BODY_READ_LIMIT`] bytes
/// of it are read (decompressed, when the response is compressed) and handed on raw, so that
/// every error body is bounded alike and its excerpt is what the server sent.
#[doc(hidden)]
pub fn decode<T, E>(
    mut response: reqwest::Response,
) -> impl Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>
where
    T: serde::de::DeserializeOwned,
{
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    // Sized by `Content-Length` when given, within reason (the header is the server's word).
    let expected = response.content_length().unwrap_or(0).min(64 << 20) as usize;
    let body = response.bytes_stream();
    async move {
        if !status.is_success() {
            // Boxed: the cold path does not grow the future every request is made of.
            return Err(Box::pin(error_status(status, headers, body)).await);
        }
        let body = match read_body(body, expected).await {
            Ok(body) => body,
            Err(e) => return Err(undecoded(status, headers, UndecodedCause::Read(e))),
        };
        match serde_json::from_slice(&body) {
            Ok(inner) => Ok(ResponseValue::new(inner, status, headers)),
            Err(e) => Err(undecoded(status, headers, UndecodedCause::Json(body, e))),
        }
    }
}

/// The first [`BODY_READ_LIMIT`] + 1 bytes of an error status's body, as an undecoded payload
/// (which [`map_error`] turns into the status's [`Error`]).
#[cold]
#[inline(never)]
async fn error_status<E>(
    status: StatusCode,
    headers: HeaderMap,
    body: impl Stream<Item = reqwest::Result<bytes::Bytes>>,
) -> progenitor_client::Error<E> {
    let body = read_bounded(body, BODY_READ_LIMIT + 1).await;
    let not_decoded = <serde_json::Error as serde::de::Error>::custom("an error status");
    undecoded(
        status,
        headers,
        UndecodedCause::Json(body.into(), not_decoded),
    )
}

/// The whole body: a body of one chunk as it came, more chunks copied into one buffer.
async fn read_body(
    body: impl Stream<Item = reqwest::Result<bytes::Bytes>>,
    expected: usize,
) -> reqwest::Result<bytes::Bytes> {
    let mut body = std::pin::pin!(body);
    let Some(first) = body.next().await.transpose()? else {
        return Ok(bytes::Bytes::new());
    };
    let Some(second) = body.next().await.transpose()? else {
        return Ok(first);
    };
    let mut buffer = Vec::with_capacity(expected.max(first.len() + second.len()));
    buffer.extend_from_slice(&first);
    buffer.extend_from_slice(&second);
    drop((first, second));
    while let Some(chunk) = body.next().await.transpose()? {
        buffer.extend_from_slice(&chunk);
    }
    Ok(buffer.into())
}

/// Records status and duration on the attempt's span and logs the outcome (an event with the
/// span as its parent, carrying status and duration itself for `log` users, who see no span).
fn record_success(span: &tracing::Span, started: std::time::Instant, status: StatusCode) {
    let status = status.as_u16();
    let duration_ms = record_on_span(span, started, Some(status));
    tracing::debug!(parent: span, status, duration_ms, "hyperspell request succeeded");
}

/// [`record_success`] for a failed attempt (out of line: every successful request runs
/// through the code around its call).
#[cold]
#[inline(never)]
fn record_failure(span: &tracing::Span, started: std::time::Instant, error: &Error) {
    let status = error.status().map(|status| status.as_u16());
    let duration_ms = record_on_span(span, started, status);
    tracing::debug!(
        parent: span,
        status,
        duration_ms,
        kind = ?error.kind(),
        error = %error,
        "hyperspell request failed"
    );
}

/// Puts status and duration on the span (if anyone listens); returns the duration.
fn record_on_span(span: &tracing::Span, started: std::time::Instant, status: Option<u16>) -> u64 {
    let duration_ms = started.elapsed().as_millis() as u64;
    if !span.is_disabled() {
        if let Some(status) = status {
            span.record("status", status);
        }
        span.record("duration_ms", duration_ms);
    }
    duration_ms
}

/// Maps a progenitor error to an [`Error`], reading at most [`BODY_READ_LIMIT`] bytes of an
/// undocumented response's body, and scrubs the client's secrets and every credential-like
/// field from it. `response` is what [`decode`] left of a response whose body it could not
/// read or decode (or did not decode: an error status).
async fn map_error<E: serde::Serialize + std::fmt::Debug>(
    client: &Client,
    operation: &'static Operation,
    error: progenitor_client::Error<E>,
    elapsed: Duration,
) -> Error {
    use progenitor_client::Error as P;
    // `response`: the status and headers of a response `decode` could not read or decode.
    let (error, response) = undecoded_cause(error);
    let state = client.state();
    let scrub = |text: &str| state.scrub(text);
    let mut mapped = match error {
        P::InvalidRequest(message) | P::Custom(message) => {
            Error::new(ErrorKind::InvalidRequest, message)
        }
        P::CommunicationError(e) => transport_error(e, client, elapsed),
        P::InvalidUpgrade(e) => transport_error(e, client, elapsed),
        P::ResponseBodyError(e) => {
            let error = transport_error(e, client, elapsed);
            match response {
                Some((status, headers)) => error.with_status(status, headers),
                None => error,
            }
        }
        // Not produced by `decode` (which hands error statuses on raw); kept for code that
        // decodes with progenitor's own `from_response`.
        P::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            let body = serde_json::to_vec(value.as_ref()).unwrap_or_default();
            Error::from_response_scrubbed(status, headers, &body, &scrub)
        }
        P::UnexpectedResponse(mut unexpected) => {
            let status = unexpected.status();
            let headers = std::mem::take(unexpected.headers_mut());
            let body = read_bounded(unexpected.bytes_stream(), BODY_READ_LIMIT + 1).await;
            let mut error = Error::from_response_scrubbed(status, headers, &body, &scrub);
            if status.is_success() {
                let mut message = format!("status {status} is not documented for this operation");
                if let Some(body) = error.body() {
                    message.push_str(": ");
                    message.extend(body.chars().take(200));
                }
                let headers = std::mem::take(error.headers_mut());
                error = Error::new(ErrorKind::OtherStatus, message).with_status(status, headers);
                error.set_body(&body, &scrub);
            }
            error
        }
        P::InvalidResponsePayload(body, e) => match response {
            // An error status (whose body `decode` does not decode): still that status.
            Some((status, headers)) if !status.is_success() => {
                Error::from_response_scrubbed(status, headers, &body, &scrub)
            }
            response => {
                let mut error = Error::new(
                    ErrorKind::Decode,
                    format!("the response body does not match the spec: {e}"),
                );
                error.set_body(&body, &scrub);
                if let Some((status, headers)) = response {
                    error = error.with_status(status, headers);
                }
                error.with_source(e)
            }
        },
    };
    if mapped.kind() == ErrorKind::Decode {
        mapped.set_retryable(false);
    }
    mapped.scrub(&scrub);
    mapped.with_operation(operation)
}

fn transport_error(error: reqwest::Error, client: &Client, elapsed: Duration) -> Error {
    let error = error.without_url();
    if error.is_timeout() {
        let limit = client.state().timeout().unwrap_or(elapsed);
        Error::new(
            ErrorKind::Timeout,
            format!("no complete response within {limit:?}"),
        )
        .with_source(error)
    } else if error.is_builder() {
        Error::new(ErrorKind::InvalidRequest, error.to_string()).with_source(error)
    } else {
        Error::new(ErrorKind::Connection, describe_chain(&error)).with_source(error)
    }
}

/// `error: cause: cause`, for messages that say what actually failed.
fn describe_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Reads at most `limit` bytes of the body: the rest is neither downloaded nor, when the
/// response is compressed, decompressed (reqwest decompresses chunk by chunk, as it is read).
async fn read_bounded(
    body: impl Stream<Item = reqwest::Result<bytes::Bytes>>,
    limit: usize,
) -> Vec<u8> {
    let mut body = std::pin::pin!(body);
    let mut read = Vec::new();
    while read.len() < limit {
        match body.next().await {
            Some(Ok(chunk)) => {
                read.extend_from_slice(&chunk[..chunk.len().min(limit - read.len())])
            }
            _ => break,
        }
    }
    read
}

/// All items of a cursor-paginated operation, page after page.
///
/// Each page is fetched with a clone of `first` (so every other query parameter is repeated)
/// with the cursor set by `set_cursor`. It stops after a page with no items, or without a
/// next cursor (`null` or empty), or whose next cursor is the one just sent. An error ends the
/// stream after being yielded.
pub fn paginate<'a, B, P, I, SetCursor, Send, Fut, Split>(
    first: B,
    set_cursor: SetCursor,
    send: Send,
    split: Split,
) -> impl Stream<Item = Result<I, Error>> + Unpin + 'a
where
    B: Clone + 'a,
    P: 'a,
    I: 'a,
    SetCursor: Fn(B, String) -> B + 'a,
    Send: Fn(B) -> Fut + 'a,
    Fut: Future<Output = Result<ResponseValue<P>, Error>> + 'a,
    Split: FnMut(P) -> (Vec<I>, Option<String>) + 'a,
{
    enum Next<B> {
        Page(B, Option<String>),
        Done,
    }
    let state = (
        Next::Page(first.clone(), None),
        first,
        set_cursor,
        send,
        split,
    );
    let pages = futures::stream::unfold(
        state,
        |(next, first, set_cursor, send, mut split)| async move {
            let (builder, sent_cursor) = match next {
                Next::Page(builder, cursor) => (builder, cursor),
                Next::Done => return None,
            };
            let (items, next) = match send(builder).await {
                Ok(page) => {
                    let (items, next_cursor) = split(page.into_inner());
                    let next = match next_cursor.filter(|c| !c.is_empty()) {
                        Some(cursor)
                            if !items.is_empty() && Some(&cursor) != sent_cursor.as_ref() =>
                        {
                            Next::Page(set_cursor(first.clone(), cursor.clone()), Some(cursor))
                        }
                        _ => Next::Done,
                    };
                    (items.into_iter().map(Ok).collect::<Vec<_>>(), next)
                }
                Err(error) => (vec![Err(error)], Next::Done),
            };
            Some((
                futures::stream::iter(items),
                (next, first, set_cursor, send, split),
            ))
        },
    );
    Box::pin(pages.flatten())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations;

    /// A response whose body arrives in these chunks (an `Err` chunk breaks the stream).
    fn streamed(chunks: Vec<Result<&'static str, &'static str>>) -> reqwest::Response {
        let chunks = chunks
            .into_iter()
            .map(|chunk| chunk.map(bytes::Bytes::from).map_err(std::io::Error::other));
        let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks));
        let response = http::Response::builder()
            .status(201)
            .header("x-request-id", "r-1")
            .body(body)
            .unwrap();
        reqwest::Response::from(response)
    }

    #[tokio::test]
    async fn decode_joins_the_chunks_and_keeps_status_and_headers() {
        let response = streamed(vec![
            Ok(r#"{"total":{"a":1"#),
            Ok("},"),
            Ok(r#""providers":{}}"#),
        ]);
        let value = decode::<crate::types::IndexingStatus, ()>(response)
            .await
            .unwrap();
        assert_eq!(value.status(), StatusCode::CREATED);
        assert_eq!(value.headers()["x-request-id"], "r-1");
        assert_eq!(value.total.len(), 1);
        assert!(value.providers.is_empty());
    }

    #[tokio::test]
    async fn decode_reports_the_body_that_does_not_parse() {
        for (chunks, body) in [
            (vec![], ""),
            (vec![Ok("not json")], "not json"),
            (vec![Ok("{\"total\":"), Ok("[]}")], "{\"total\":[]}"),
        ] {
            let error = decode::<crate::types::IndexingStatus, ()>(streamed(chunks))
                .await
                .unwrap_err();
            let (error, response) = undecoded_cause(error);
            match error {
                progenitor_client::Error::InvalidResponsePayload(got, _) => assert_eq!(got, body),
                other => panic!("{other:?}"),
            }
            let (status, headers) = response.expect("status and headers kept");
            assert_eq!(status, StatusCode::CREATED);
            assert_eq!(headers["x-request-id"], "r-1");
        }
        let broken = streamed(vec![Ok("{"), Err("connection reset")]);
        let error = decode::<crate::types::IndexingStatus, ()>(broken)
            .await
            .unwrap_err();
        let (error, response) = undecoded_cause(error);
        assert!(
            matches!(error, progenitor_client::Error::ResponseBodyError(_)),
            "{error:?}"
        );
        assert_eq!(response.unwrap().1["x-request-id"], "r-1");
    }

    #[tokio::test]
    async fn an_unexpected_response_is_not_taken_for_an_undecoded_one() {
        let error = progenitor_client::Error::<()>::UnexpectedResponse(streamed(vec![Ok("x")]));
        let (error, response) = undecoded_cause(error);
        assert!(response.is_none());
        match error {
            progenitor_client::Error::UnexpectedResponse(unexpected) => {
                assert_eq!(unexpected.status(), StatusCode::CREATED);
                assert_eq!(unexpected.text().await.unwrap(), "x", "body left to read");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_broken_body_keeps_status_and_headers_in_the_error() {
        let client = Client::builder()
            .api_key("test-key")
            .base_url("http://127.0.0.1:9")
            .max_retries(0)
            .build()
            .unwrap();
        let attempt = decode::<crate::types::IndexingStatus, ()>(streamed(vec![
            Ok("{"),
            Err("connection reset"),
        ]));
        let error = send_unretried(&client, &operations::GET_INDEXING_STATUS, attempt)
            .await
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Connection, "{error}");
        assert_eq!(error.status(), Some(StatusCode::CREATED));
        assert_eq!(error.headers()["x-request-id"], "r-1");
    }

    #[test]
    fn concat_joins_url_parts() {
        assert_eq!(concat(&["http://h", "/a/", "b%2Fc"]), "http://h/a/b%2Fc");
        assert_eq!(concat(&[]), "");
    }

    #[tokio::test(start_paused = true)]
    async fn unretried_requests_are_sent_once() {
        let client = Client::builder()
            .api_key("test-key")
            .base_url("http://127.0.0.1:9")
            .max_retries(3)
            .build()
            .unwrap();
        let started = tokio::time::Instant::now();
        let unavailable = ResponseValue::new((), StatusCode::SERVICE_UNAVAILABLE, HeaderMap::new());
        let attempt = async {
            Err::<ResponseValue<()>, _>(progenitor_client::Error::<()>::ErrorResponse(unavailable))
        };
        let error = send_unretried(&client, &operations::GET_INDEXING_STATUS, attempt)
            .await
            .unwrap_err();
        assert!(error.is_retryable());
        assert_eq!(error.attempts(), 1);
        assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(started.elapsed(), Duration::ZERO);
    }
}

//! What every generated `send()` goes through: retries, timeouts, tracing and the mapping of
//! progenitor's errors to [`Error`]; and the cursor pagination behind `into_stream()`.
//!
//! Generated code calls these; applications use the builders' `send()` and `into_stream()`.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::{Stream, StreamExt};
use progenitor_client::ResponseValue;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use crate::error::{Error, ErrorKind, MAX_BODY_EXCERPT};
use crate::operation::Operation;
use crate::{Client, retry};

/// What the `post` hook saw of the response of the current attempt.
#[derive(Default)]
struct AttemptRecord {
    response: Option<(StatusCode, HeaderMap)>,
}

tokio::task_local! {
    static ATTEMPT: Arc<Mutex<AttemptRecord>>;
}

/// Called by the `post` hook: keeps status and headers of the attempt's response, so that
/// errors progenitor reports without them (an error body that does not parse) still have them.
pub(crate) fn record_response(status: StatusCode, headers: &HeaderMap) {
    let _ = ATTEMPT.try_with(|record| {
        if let Ok(mut record) = record.lock() {
            record.response = Some((status, headers.clone()));
        }
    });
}

/// Sends one operation with the client's retry policy: calls `attempt` for every attempt
/// (so the whole request, multipart bodies included, is rebuilt each time), waits between
/// attempts as the policy says and maps failures to [`Error`].
pub async fn send<T, E, F, Fut>(
    client: &Client,
    operation: &'static Operation,
    mut attempt: F,
) -> Result<ResponseValue<T>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: serde::Serialize + std::fmt::Debug,
{
    let max_retries = client.state().max_retries();
    let mut retries = 0u32;
    let mut previous: Option<String> = None;
    loop {
        let result = run_attempt(client, operation, retries + 1, attempt()).await;
        let mut error = match result {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        // A retry that cannot even be built (a one-shot upload reader already consumed) would
        // hide why it was retried.
        if let (ErrorKind::InvalidRequest, Some(previous)) = (error.kind(), &previous) {
            error.append_message(&format!("; the previous attempt failed: {previous}"));
        }
        if retries >= max_retries || !error.is_retryable() {
            return Err(error.with_attempts(retries + 1));
        }
        previous = Some(error.to_string());
        let headers = error.status().map(|_| error.headers());
        let delay = retry::retry_delay(retries, headers, SystemTime::now());
        tracing::debug!(
            operation = operation.name,
            attempt = retries + 1,
            delay_ms = delay.as_millis() as u64,
            error = %error,
            "hyperspell request failed; retrying"
        );
        tokio::time::sleep(delay).await;
        retries += 1;
    }
}

/// Sends one operation once (for builders that cannot be cloned, hence not retried).
pub async fn send_unretried<T, E, Fut>(
    client: &Client,
    operation: &'static Operation,
    attempt: Fut,
) -> Result<ResponseValue<T>, Error>
where
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: serde::Serialize + std::fmt::Debug,
{
    run_attempt(client, operation, 1, attempt)
        .await
        .map_err(|e| e.with_attempts(1))
}

/// One attempt inside its tracing span, with its error mapped.
async fn run_attempt<T, E, Fut>(
    client: &Client,
    operation: &'static Operation,
    number: u32,
    attempt: Fut,
) -> Result<ResponseValue<T>, Error>
where
    Fut: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
    E: serde::Serialize + std::fmt::Debug,
{
    let span = tracing::info_span!(
        "hyperspell.request",
        operation = operation.name,
        method = operation.method,
        path = operation.path,
        attempt = number,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let record = Arc::new(Mutex::new(AttemptRecord::default()));
    let started = tokio::time::Instant::now();
    let result = ATTEMPT
        .scope(record.clone(), attempt)
        .instrument(span.clone())
        .await;
    let response = record.lock().ok().and_then(|mut r| r.response.take());
    let result = match result {
        Ok(value) => Ok(value),
        Err(error) => Err(
            map_error(client, operation, error, response, started.elapsed())
                .instrument(span.clone())
                .await,
        ),
    };
    let status = match &result {
        Ok(value) => Some(value.status()),
        Err(error) => error.status(),
    };
    if let Some(status) = status {
        span.record("status", status.as_u16());
    }
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    span.in_scope(|| match &result {
        Ok(_) => tracing::debug!("hyperspell request succeeded"),
        Err(error) => {
            tracing::debug!(kind = ?error.kind(), error = %error, "hyperspell request failed")
        }
    });
    result
}

/// Maps a progenitor error to an [`Error`], reading at most [`MAX_BODY_EXCERPT`] bytes of an
/// undocumented response's body, and scrubs the client's secrets from it.
async fn map_error<E: serde::Serialize + std::fmt::Debug>(
    client: &Client,
    operation: &'static Operation,
    error: progenitor_client::Error<E>,
    response: Option<(StatusCode, HeaderMap)>,
    elapsed: Duration,
) -> Error {
    use progenitor_client::Error as P;
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
        P::ErrorResponse(value) => {
            let status = value.status();
            let headers = value.headers().clone();
            let body = serde_json::to_vec(value.as_ref()).unwrap_or_default();
            Error::from_response(status, headers, &body)
        }
        P::UnexpectedResponse(response) => {
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_bounded(response, MAX_BODY_EXCERPT + 1).await;
            let mut error = Error::from_response(status, headers, &body);
            if status.is_success() {
                let mut message = format!("status {status} is not documented for this operation");
                if !body.is_empty() {
                    message.push_str(": ");
                    message.push_str(&crate::error::excerpt(&body[..body.len().min(200)]));
                }
                error = Error::new(ErrorKind::OtherStatus, message)
                    .with_status(status, error.headers().clone());
                error.set_body(&body);
            }
            error
        }
        P::InvalidResponsePayload(body, e) => match response {
            // An error status whose body is not the documented shape: still that status.
            Some((status, headers)) if !status.is_success() => {
                Error::from_response(status, headers, &body)
            }
            response => {
                let mut error = Error::new(
                    ErrorKind::Decode,
                    format!("the response body does not match the spec: {e}"),
                );
                error.set_body(&body);
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
    let state = client.state();
    mapped.scrub(&|text| state.scrub(text));
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

/// Reads at most `limit` bytes of the body (the rest is not downloaded).
async fn read_bounded(mut response: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < limit {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk[..chunk.len().min(limit - body.len())])
            }
            _ => break,
        }
    }
    body
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

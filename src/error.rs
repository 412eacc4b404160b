//! The crate's one error type.

use std::error::Error as StdError;
use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::operation::Operation;
use crate::secret::REDACTED;
use crate::types::ValidationError;

/// How much of a response body an [`Error`] keeps.
pub const MAX_BODY_EXCERPT: usize = 4096;
/// How much of an error body is read at most, whatever its status: the excerpt and room for a
/// secret that starts inside it, so that it is scrubbed whole before the excerpt is cut.
pub(crate) const BODY_READ_LIMIT: usize = MAX_BODY_EXCERPT + 4096;
/// How long [`Error::message`] gets at most (characters).
const MAX_MESSAGE: usize = 500;

/// What went wrong, by class. Status kinds follow the official SDKs' error classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400.
    BadRequest,
    /// 401: missing, wrong or expired API key or user token.
    Authentication,
    /// 403.
    PermissionDenied,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 422: the request did not validate; see [`Error::validation_errors`].
    UnprocessableEntity,
    /// 429.
    RateLimited,
    /// ≥ 500.
    InternalServer,
    /// Any other unsuccessful status (e.g. 408, 410, 413) or a success status the spec does
    /// not document for the operation.
    OtherStatus,
    /// The connection failed (DNS, connect, TLS, reset, broken body stream).
    Connection,
    /// The attempt took longer than its timeout.
    Timeout,
    /// The response arrived but its body is not what the spec says.
    Decode,
    /// The request could not be built (missing required field, bad value, a one-shot upload
    /// reader already consumed, invalid metadata).
    InvalidRequest,
    /// The client is misconfigured (see [`crate::ConfigError`]).
    Config,
}

impl ErrorKind {
    /// The kind for an unsuccessful HTTP status.
    pub fn from_status(status: StatusCode) -> ErrorKind {
        match status.as_u16() {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Authentication,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            422 => ErrorKind::UnprocessableEntity,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::InternalServer,
            _ => ErrorKind::OtherStatus,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad request",
            ErrorKind::Authentication => "authentication failed",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::UnprocessableEntity => "validation failed",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::InternalServer => "server error",
            ErrorKind::OtherStatus => "unexpected status",
            ErrorKind::Connection => "connection error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Decode => "invalid response body",
            ErrorKind::InvalidRequest => "invalid request",
            ErrorKind::Config => "invalid configuration",
        }
    }
}

/// An error from the Hyperspell client: a status class, connection, timeout, decode, invalid
/// request or configuration problem.
///
/// Response errors keep the status, the headers and a bounded excerpt of the raw body
/// ([`MAX_BODY_EXCERPT`] bytes). API keys, user tokens and acting-user ids are never part of
/// it: they are scrubbed from body excerpts and messages.
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    operation: Option<&'static Operation>,
    status: Option<StatusCode>,
    headers: HeaderMap,
    body: Option<String>,
    message: String,
    validation: Vec<ValidationError>,
    /// Values of credential-like fields found in the body: scrubbed from everything else too.
    found_secrets: Vec<String>,
    retryable: bool,
    attempts: u32,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        let retryable = matches!(kind, ErrorKind::Connection | ErrorKind::Timeout);
        Error {
            inner: Box::new(Inner {
                kind,
                operation: None,
                status: None,
                headers: HeaderMap::new(),
                body: None,
                message: message.into(),
                validation: Vec::new(),
                found_secrets: Vec::new(),
                retryable,
                attempts: 0,
                source: None,
            }),
        }
    }

    /// An error for an unsuccessful response (credential-like fields of its body scrubbed).
    #[cfg(test)]
    pub(crate) fn from_response(status: StatusCode, headers: HeaderMap, body: &[u8]) -> Error {
        Error::from_response_scrubbed(status, headers, body, &|_| None)
    }

    /// [`Error::from_response`], with `scrub` (the client's secrets) applied to the body
    /// before the excerpt and the message are cut from it.
    pub(crate) fn from_response_scrubbed(
        status: StatusCode,
        headers: HeaderMap,
        body: &[u8],
        scrub: &dyn Fn(&str) -> Option<String>,
    ) -> Error {
        let kind = if status.is_success() || status.is_informational() || status.is_redirection() {
            ErrorKind::OtherStatus
        } else {
            ErrorKind::from_status(status)
        };
        let mut error = Error::new(kind, "");
        error.inner.retryable = crate::retry::should_retry_response(status, &headers);
        error.inner.status = Some(status);
        error.inner.headers = headers;
        let (text, complete) = error.set_body(body, scrub);
        if status.as_u16() == 422
            && complete
            && let Ok(parsed) = serde_json::from_str::<crate::types::HttpValidationError>(&text)
        {
            error.inner.validation = parsed.detail;
        }
        let text = if complete {
            text
        } else {
            // Not the whole body: only its text, never a field of a JSON cut in half.
            excerpt(&text, true)
        };
        error.inner.message = message_from_body(&text, &error.inner.validation)
            .unwrap_or_else(|| status.canonical_reason().unwrap_or("").to_owned());
        if status.is_redirection()
            && let Some(location) = error.inner.headers.get(reqwest::header::LOCATION)
        {
            let location = String::from_utf8_lossy(location.as_bytes());
            error.inner.message = format!("redirect to {location} not followed");
        }
        error
    }

    /// Keeps a bounded excerpt of `body`: at most [`BODY_READ_LIMIT`] bytes of it are looked
    /// at, credential-like fields and `scrub`'s secrets are replaced, and then the excerpt is
    /// cut. Returns the scrubbed text and whether it is the whole body.
    pub(crate) fn set_body(
        &mut self,
        body: &[u8],
        scrub: &dyn Fn(&str) -> Option<String>,
    ) -> (String, bool) {
        let read = &body[..body.len().min(BODY_READ_LIMIT)];
        let complete = read.len() == body.len();
        let scrubbed = crate::scrub::credential_fields(read);
        let mut text = String::from_utf8_lossy(&scrubbed.body).into_owned();
        // A credential value may be repeated outside its field (echoed in a message).
        for secret in scrubbed.secrets.iter().filter(|s| s.len() >= 4) {
            text = text.replace(secret.as_str(), REDACTED);
        }
        if let Some(clean) = scrub(&text) {
            text = clean;
        }
        self.inner.found_secrets.extend(scrubbed.secrets);
        self.inner.body = (!text.is_empty()).then(|| excerpt(&text, !complete));
        (text, complete)
    }

    pub(crate) fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Error {
        self.inner.source = Some(Box::new(source));
        self
    }

    pub(crate) fn with_status(mut self, status: StatusCode, headers: HeaderMap) -> Error {
        self.inner.status = Some(status);
        self.inner.headers = headers;
        self
    }

    pub(crate) fn headers_mut(&mut self) -> &mut HeaderMap {
        &mut self.inner.headers
    }

    pub(crate) fn with_operation(mut self, operation: &'static Operation) -> Error {
        self.inner.operation = Some(operation);
        self
    }

    pub(crate) fn with_attempts(mut self, attempts: u32) -> Error {
        self.inner.attempts = attempts;
        self
    }

    pub(crate) fn append_message(&mut self, text: &str) {
        self.inner.message.push_str(text);
    }

    pub(crate) fn set_retryable(&mut self, retryable: bool) {
        self.inner.retryable = retryable;
    }

    /// Replaces secrets (`scrub`'s and the credential values found in the body) in
    /// everything the error shows.
    pub(crate) fn scrub(&mut self, scrub: &dyn Fn(&str) -> Option<String>) {
        let found = std::mem::take(&mut self.inner.found_secrets);
        let scrub = |text: &str| -> Option<String> {
            let mut out: Option<String> = None;
            for secret in found.iter().filter(|s| s.len() >= 4) {
                let current = out.as_deref().unwrap_or(text);
                if current.contains(secret.as_str()) {
                    out = Some(current.replace(secret.as_str(), REDACTED));
                }
            }
            match scrub(out.as_deref().unwrap_or(text)) {
                Some(clean) => Some(clean),
                None => out,
            }
        };
        if let Some(clean) = scrub(&self.inner.message) {
            self.inner.message = clean;
        }
        if let Some(body) = &self.inner.body
            && let Some(clean) = scrub(body)
        {
            self.inner.body = Some(clean);
        }
        for value in self.inner.headers.values_mut() {
            // Values that are not UTF-8 are looked at too (as lossy text).
            let text = String::from_utf8_lossy(value.as_bytes());
            if let Some(clean) = scrub(&text) {
                *value = reqwest::header::HeaderValue::from_bytes(clean.as_bytes())
                    .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(REDACTED));
            }
        }
        for detail in &mut self.inner.validation {
            // Every field (`loc`, `msg`, `type`, FastAPI's `input` and `ctx`), through its JSON.
            let Ok(json) = serde_json::to_string(&*detail) else {
                continue;
            };
            let fields = crate::scrub::credential_fields(json.as_bytes());
            let json = String::from_utf8_lossy(&fields.body).into_owned();
            let json = scrub(&json).unwrap_or(json);
            match serde_json::from_str(&json) {
                Ok(clean) => *detail = clean,
                Err(_) => detail.msg = REDACTED.to_owned(),
            }
        }
        if let Some(source) = &self.inner.source
            && scrub(&source.to_string()).is_some()
        {
            self.inner.source = None;
        }
    }

    /// The class of the error.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The operation that failed, when the error comes from one.
    pub fn operation(&self) -> Option<&'static Operation> {
        self.inner.operation
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        self.inner.status
    }

    /// The response headers (empty when no response arrived).
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The first [`MAX_BODY_EXCERPT`] bytes of the response body, as text.
    pub fn body(&self) -> Option<&str> {
        self.inner.body.as_deref()
    }

    /// The response body parsed as JSON, when the excerpt is complete JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(self.inner.body.as_deref()?).ok()
    }

    /// The server's message (from a JSON `message`, `detail` or `error` field), or a
    /// description of the failure.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The application error code of bodies like `{"error": "WrongUser", "message": …}`.
    pub fn error_code(&self) -> Option<String> {
        let body = self.body_json()?;
        let code = body.get("error")?.as_str()?;
        Some(code.to_owned())
    }

    /// For 422 responses: FastAPI's `detail` list (location, message, type per problem).
    pub fn validation_errors(&self) -> &[ValidationError] {
        &self.inner.validation
    }

    /// Whether retrying could help: connection errors, timeouts, 408, 409, 429, ≥ 500,
    /// unless the response said otherwise with `x-should-retry`.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// How many attempts were made (0 when the request was never sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    pub fn is_connection(&self) -> bool {
        self.inner.kind == ErrorKind::Connection
    }
}

/// `loc.joined: msg` for each FastAPI validation problem.
pub(crate) fn describe_validation(details: &[ValidationError]) -> String {
    details
        .iter()
        .map(|d| {
            let loc: Vec<String> = d
                .loc
                .iter()
                .map(|part| match serde_json::to_value(part) {
                    Ok(serde_json::Value::String(s)) => s,
                    Ok(other) => other.to_string(),
                    Err(_) => "?".to_owned(),
                })
                .collect();
            if loc.is_empty() {
                d.msg.clone()
            } else {
                format!("{}: {}", loc.join("."), d.msg)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn message_from_body(body: &str, validation: &[ValidationError]) -> Option<String> {
    if !validation.is_empty() {
        return Some(truncate(&describe_validation(validation), MAX_MESSAGE));
    }
    let text = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(json) => {
            let field = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            match (
                field("error"),
                field("message")
                    .or_else(|| field("detail"))
                    .or_else(|| field("msg")),
            ) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (None, Some(message)) => message,
                (Some(code), None) => code,
                (None, None) => match json.get("detail") {
                    Some(detail) if !detail.is_null() => detail.to_string(),
                    _ => body.to_owned(),
                },
            }
        }
        Err(_) => body.to_owned(),
    };
    let text = text.trim();
    (!text.is_empty()).then(|| truncate(text, MAX_MESSAGE))
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// The body's text cut to [`MAX_BODY_EXCERPT`] bytes, marked when anything was cut (`cut`:
/// `text` is already not the whole body; the rest of a long body is not even downloaded, so
/// its length is unknown).
pub(crate) fn excerpt(text: &str, cut: bool) -> String {
    if text.len() <= MAX_BODY_EXCERPT && !cut {
        return text.to_owned();
    }
    let mut end = MAX_BODY_EXCERPT.min(text.len());
    // do not split a UTF-8 sequence
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…[truncated]", &text[..end])
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        if let Some(op) = inner.operation {
            write!(f, "{} ({} {}): ", op.call, op.method, op.path)?;
        }
        match inner.status {
            Some(status) => write!(f, "{} {}", status.as_u16(), inner.kind.describe())?,
            None => f.write_str(inner.kind.describe())?,
        }
        if !inner.message.is_empty() {
            write!(f, ": {}", inner.message)?;
        }
        if inner.attempts > 1 {
            write!(f, " (after {} attempts)", inner.attempts)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        let mut s = f.debug_struct("Error");
        s.field("kind", &inner.kind);
        if let Some(op) = inner.operation {
            s.field(
                "operation",
                &format_args!("{} ({} {})", op.call, op.method, op.path),
            );
        }
        s.field("status", &inner.status)
            .field("message", &inner.message)
            .field("retryable", &inner.retryable)
            .field("attempts", &inner.attempts);
        if !inner.headers.is_empty() {
            s.field("headers", &inner.headers);
        }
        if let Some(body) = &inner.body {
            s.field("body", body);
        }
        if let Some(source) = &inner.source {
            s.field("source", source);
        }
        s.finish()
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// A value that does not convert into a generated type (`TryFrom` of a builder or a string):
/// `?` works in a function returning [`crate::Result`].
impl From<crate::types::error::ConversionError> for Error {
    fn from(error: crate::types::error::ConversionError) -> Self {
        Error::new(ErrorKind::InvalidRequest, error.to_string())
    }
}

impl From<crate::ConfigError> for Error {
    fn from(error: crate::ConfigError) -> Error {
        Error::new(ErrorKind::Config, error.to_string()).with_source(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_status() {
        let cases = [
            (400, ErrorKind::BadRequest),
            (401, ErrorKind::Authentication),
            (403, ErrorKind::PermissionDenied),
            (404, ErrorKind::NotFound),
            (409, ErrorKind::Conflict),
            (422, ErrorKind::UnprocessableEntity),
            (429, ErrorKind::RateLimited),
            (500, ErrorKind::InternalServer),
            (503, ErrorKind::InternalServer),
            (408, ErrorKind::OtherStatus),
            (410, ErrorKind::OtherStatus),
        ];
        for (code, kind) in cases {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(
                Error::from_response(status, HeaderMap::new(), b"").kind(),
                kind,
                "{code}"
            );
        }
    }

    #[test]
    fn validation_detail_is_parsed() {
        let body = br#"{"detail":[{"loc":["body","items",0,"text"],"msg":"Field required","type":"missing"}]}"#;
        let e = Error::from_response(StatusCode::UNPROCESSABLE_ENTITY, HeaderMap::new(), body);
        assert_eq!(e.validation_errors().len(), 1);
        assert_eq!(e.validation_errors()[0].msg, "Field required");
        assert_eq!(e.message(), "body.items.0.text: Field required");
        assert!(!e.is_retryable());
    }

    #[test]
    fn messages_from_application_errors() {
        let body = br#"{"error":"WrongUser","message":"X-As-User must match"}"#;
        let e = Error::from_response(StatusCode::FORBIDDEN, HeaderMap::new(), body);
        assert_eq!(e.message(), "WrongUser: X-As-User must match");
        assert_eq!(e.error_code().as_deref(), Some("WrongUser"));
        let e = Error::from_response(
            StatusCode::NOT_FOUND,
            HeaderMap::new(),
            br#"{"detail":"Not Found"}"#,
        );
        assert_eq!(e.message(), "Not Found");
        let e = Error::from_response(
            StatusCode::BAD_GATEWAY,
            HeaderMap::new(),
            b"<html>bad gateway</html>",
        );
        assert_eq!(e.message(), "<html>bad gateway</html>");
        let e = Error::from_response(StatusCode::BAD_GATEWAY, HeaderMap::new(), b"");
        assert_eq!(e.message(), "Bad Gateway");
    }

    #[test]
    fn body_excerpt_is_bounded() {
        let body = "é".repeat(MAX_BODY_EXCERPT); // 2 bytes each
        let e = Error::from_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            HeaderMap::new(),
            body.as_bytes(),
        );
        let excerpt = e.body().unwrap();
        assert!(excerpt.len() < MAX_BODY_EXCERPT + 40, "{}", excerpt.len());
        assert!(excerpt.ends_with("…[truncated]"));
        assert!(!excerpt.contains('\u{FFFD}'));
        assert!(e.message().chars().count() <= MAX_MESSAGE + 1);
    }

    #[test]
    fn display_without_operation() {
        let e = Error::from_response(
            StatusCode::NOT_FOUND,
            HeaderMap::new(),
            br#"{"message":"gone"}"#,
        );
        assert_eq!(e.to_string(), "404 not found: gone");
        let e = Error::new(ErrorKind::Timeout, "no response within 60s");
        assert_eq!(e.to_string(), "timed out: no response within 60s");
        assert!(e.is_retryable() && e.is_timeout());
    }
}

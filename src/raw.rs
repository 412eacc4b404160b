//! Untyped requests for any operation of [`crate::operations`]: path parameters, query pairs
//! and a JSON or multipart body given as data, the response handed back as JSON (or bytes).
//!
//! For tools that are driven by the spec rather than by Rust types (the `hyperspell` command
//! line). A request goes through the same runtime as a typed builder's `send()`: the
//! client's hooks (credentials as the operation's security says, `X-As-User`, `User-Agent`,
//! per-attempt timeout), the retry loop, the tracing span and the typed [`Error`]; paging
//! follows the same rule as `into_stream()` ([`crate::runtime::paginate`]).

use std::fmt;
use std::sync::Arc;

use futures::Stream;
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};

use crate::file_part::FilePart;
use crate::operation::Operation;
use crate::{Client, Error};

/// A successful response's body: JSON (`null` for an empty body), or the bytes of any other
/// content type.
#[derive(Debug, Clone, PartialEq)]
pub enum RawResponse {
    Json(serde_json::Value),
    Bytes(bytes::Bytes),
}

/// A multipart form field.
#[derive(Clone)]
pub enum FormValue {
    Text(String),
    File(FilePart),
}

#[derive(Clone)]
enum Body {
    Empty,
    Json(serde_json::Value),
    Form(Vec<(String, FormValue)>),
}

type Inspect = Arc<dyn Fn(&reqwest::Request) + Send + Sync>;

/// A request for one operation, built from data ([`Client::raw`]): path parameters, query
/// pairs and a JSON or multipart body; sent through the same runtime as a typed builder's
/// `send()` (the client's hooks, the retry loop, the tracing span, the typed [`Error`]).
///
/// ```no_run
/// # async fn f(client: hyperspell::Client) -> Result<(), hyperspell::Error> {
/// let token = client
///     .raw(&hyperspell::operations::GENERATE_USER_TOKEN)
///     .json(serde_json::json!({"user_id": "u1"}))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RawRequest<'a> {
    client: &'a Client,
    operation: &'static Operation,
    path: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Body,
    inspect: Option<Inspect>,
}

impl fmt::Debug for RawRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawRequest")
            .field("operation", &self.operation.call)
            .field("path", &self.path)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// An untyped request for `operation` (one of [`crate::operations::ALL`]), sent through
    /// the same runtime as the typed builders.
    pub fn raw(&self, operation: &'static Operation) -> RawRequest<'_> {
        RawRequest {
            client: self,
            operation,
            path: Vec::new(),
            query: Vec::new(),
            body: Body::Empty,
            inspect: None,
        }
    }
}

impl<'a> RawRequest<'a> {
    /// The value of path parameter `{name}` (percent-encoded when sent).
    pub fn path_param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.path.push((name.into(), value.into()));
        self
    }

    /// A query pair (repeat the name for an array).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    /// The query pairs named `name` replaced by this one.
    pub fn set_query(mut self, name: &str, value: impl Into<String>) -> Self {
        self.query.retain(|(n, _)| n != name);
        self.query.push((name.to_owned(), value.into()));
        self
    }

    /// A JSON body.
    pub fn json(mut self, body: serde_json::Value) -> Self {
        self.body = Body::Json(body);
        self
    }

    /// A multipart form field (the body becomes `multipart/form-data`).
    pub fn form(mut self, name: impl Into<String>, value: FormValue) -> Self {
        let field = (name.into(), value);
        match &mut self.body {
            Body::Form(fields) => fields.push(field),
            _ => self.body = Body::Form(vec![field]),
        }
        self
    }

    /// Called with every attempt's request as it is sent (after the client's hooks: its
    /// credential headers are marked sensitive), e.g. to log it.
    pub fn inspect(mut self, f: impl Fn(&reqwest::Request) + Send + Sync + 'static) -> Self {
        self.inspect = Some(Arc::new(f));
        self
    }

    /// Sends the request with the client's retry policy.
    pub fn send(self) -> impl Future<Output = Result<ResponseValue<RawResponse>, Error>> + 'a {
        let (client, operation) = (self.client, self.operation);
        crate::runtime::send(client, operation, move || self.clone().send_once())
    }

    /// Every item of every page of a cursor-paginated operation: the array `items_field` of
    /// each page, following `next_cursor` (the same rule as the typed `into_stream()`).
    pub fn into_stream(
        self,
        items_field: &'a str,
    ) -> impl Stream<Item = Result<serde_json::Value, Error>> + Unpin + 'a {
        crate::runtime::paginate(
            self,
            |request: RawRequest<'a>, cursor: String| request.set_query("cursor", cursor),
            |request| request.send(),
            move |page: RawResponse| {
                let RawResponse::Json(mut page) = page else {
                    return (Vec::new(), None);
                };
                let items = match page.get_mut(items_field).map(serde_json::Value::take) {
                    Some(serde_json::Value::Array(items)) => items,
                    _ => Vec::new(),
                };
                let next = page
                    .get("next_cursor")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned);
                (items, next)
            },
        )
    }

    fn url(&self) -> Result<String, String> {
        let mut url = self.client.baseurl().to_owned();
        let mut rest = self.operation.path;
        while let Some(start) = rest.find('{') {
            url.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .map(|e| start + e)
                .ok_or_else(|| format!("bad path template {}", self.operation.path))?;
            let name = &rest[start + 1..end];
            let value = self
                .path
                .iter()
                .rev()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .ok_or_else(|| format!("path parameter `{name}` is not set"))?;
            url.push_str(&progenitor_client::encode_path(value));
            rest = &rest[end + 1..];
        }
        url.push_str(rest);
        Ok(url)
    }

    async fn send_once(self) -> Result<ResponseValue<RawResponse>, progenitor_client::Error<()>> {
        use progenitor_client::Error as P;
        let client = self.client;
        let url = self.url().map_err(P::InvalidRequest)?;
        let method = reqwest::Method::from_bytes(self.operation.method.as_bytes())
            .map_err(|e| P::InvalidRequest(e.to_string()))?;
        let mut builder = ClientInfo::client(client)
            .request(method, url)
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .header(
                HeaderName::from_static("api-version"),
                HeaderValue::from_static(<Client as ClientInfo<_>>::api_version()),
            );
        if !self.query.is_empty() {
            builder = builder.query(&self.query);
        }
        builder = match self.body {
            Body::Empty => builder,
            Body::Json(value) => builder.json(&value),
            Body::Form(fields) => {
                let mut form = reqwest::multipart::Form::new();
                for (name, value) in fields {
                    form = match value {
                        FormValue::Text(text) => form.text(name, text),
                        FormValue::File(file) => form.part(
                            name,
                            file.to_part()
                                .await
                                .map_err(|e| P::InvalidRequest(e.to_string()))?,
                        ),
                    };
                }
                builder.multipart(form)
            }
        };
        let mut request = builder.build()?;
        let info = OperationInfo {
            operation_id: self.operation.name,
        };
        client.pre(&mut request, &info).await?;
        if let Some(inspect) = &self.inspect {
            inspect(&request);
        }
        let result = client.exec(request, &info).await;
        client.post(&result, &info).await?;
        let response = result?;
        if !response.status().is_success() {
            // An error status: read bounded and mapped to the typed `Error` like any other.
            let value = crate::runtime::decode::<serde_json::Value, ()>(response).await?;
            return value.map(RawResponse::Json);
        }
        let status = response.status();
        let headers = response.headers().clone();
        let is_json = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(is_json_content_type);
        let body = response.bytes().await.map_err(P::ResponseBodyError)?;
        let body = if !is_json {
            RawResponse::Bytes(body)
        } else if body.iter().all(u8::is_ascii_whitespace) {
            RawResponse::Json(serde_json::Value::Null)
        } else {
            match serde_json::from_slice(&body) {
                Ok(value) => RawResponse::Json(value),
                Err(e) => return Err(P::InvalidResponsePayload(body, e)),
            }
        };
        Ok(ResponseValue::new(body, status, headers))
    }
}

/// `application/json` or `application/<x>+json`, parameters ignored.
pub(crate) fn is_json_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or("").trim();
    let Some((kind, sub)) = essence.split_once('/') else {
        return false;
    };
    kind.eq_ignore_ascii_case("application")
        && (sub.eq_ignore_ascii_case("json") || sub.to_ascii_lowercase().ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        assert!(is_json_content_type("application/json"));
        assert!(is_json_content_type("Application/JSON; charset=utf-8"));
        assert!(is_json_content_type("application/problem+json"));
        assert!(!is_json_content_type("text/plain"));
        assert!(!is_json_content_type("application/octet-stream"));
    }

    #[test]
    fn path_parameters_are_encoded_and_required() {
        let client = Client::builder()
            .api_key("k")
            .base_url("http://h")
            .build()
            .unwrap();
        let op = &crate::operations::GET_MEMORY;
        let request = client
            .raw(op)
            .path_param("source", "vault")
            .path_param("resource_id", "a/b c");
        assert_eq!(
            request.url().unwrap(),
            "http://h/memories/get/vault/a%2Fb%20c"
        );
        let err = client.raw(op).path_param("source", "x").url().unwrap_err();
        assert!(err.contains("`resource_id`"), "{err}");
    }
}

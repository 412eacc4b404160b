//! Building clients, per-client state (credentials, acting user, retry and timeout settings)
//! and the hooks that put it on every request.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::Client;
use crate::config::{self, ConfigError, Region};
use crate::operation::CredentialUse;
use crate::retry::DEFAULT_MAX_RETRIES;
use crate::secret::Secret;

/// Per-attempt timeout unless configured otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Connect timeout unless configured otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// `User-Agent` of every request.
pub const USER_AGENT_VALUE: &str = concat!("hyperspell-rust/", env!("CARGO_PKG_VERSION"));
/// [`crate::constants::AS_USER_HEADER`] as a header name (spelled in lowercase, as `from_static` wants).
const X_AS_USER: HeaderName = HeaderName::from_static("x-as-user");

/// What the client authenticates with.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// An app API key (may act as a user with `X-As-User`).
    ApiKey(Secret),
    /// A JWT user token from `POST /auth/user_token` (always scoped to one user).
    UserToken(Secret),
}

impl Credential {
    pub fn secret(&self) -> &Secret {
        match self {
            Credential::ApiKey(s) | Credential::UserToken(s) => s,
        }
    }
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credential::ApiKey(s) => f.debug_tuple("ApiKey").field(s).finish(),
            Credential::UserToken(s) => f.debug_tuple("UserToken").field(s).finish(),
        }
    }
}

/// The per-client state the generated [`Client`] carries: credentials, the acting user and
/// the retry/timeout settings. Cloning is cheap. `Debug` shows no secret.
#[derive(Clone)]
pub struct ClientState {
    credential: Option<Credential>,
    as_user: Option<Secret>,
    /// The headers of `credential` and `as_user` (marked sensitive), built once by
    /// [`ClientState::with_headers`] rather than for every request.
    headers: CredentialHeaders,
    max_retries: u32,
    timeout: Option<Duration>,
    /// Credentials and acting users this client was derived from (by `as_user`,
    /// `with_user_token`, …): still scrubbed from errors, since a server may echo them.
    retired: Arc<[Secret]>,
    /// Extra headers, query parameters and body fields of [`RequestOptions`] (`None`: none,
    /// the common case, which costs one branch per request).
    extras: Option<Arc<RequestExtras>>,
    shared: Arc<Shared>,
}

/// `Authorization: Bearer <credential>` and `X-As-User: <user>`, when set and valid.
#[derive(Clone, Default)]
struct CredentialHeaders {
    bearer: Option<HeaderValue>,
    as_user: Option<HeaderValue>,
}

/// How many replaced secrets a derived client keeps scrubbing.
const MAX_RETIRED_SECRETS: usize = 16;

/// Settings every clone of a client shares.
struct Shared {
    /// `HYPERSPELL_CUSTOM_HEADERS` and [`ClientBuilder::default_header`].
    default_headers: HeaderMap,
    /// Whether `default_headers` name `Authorization` or `X-As-User`: the only way a request
    /// can carry them before [`ClientState::apply`] (generated requests never set them).
    defaults_name_credentials: bool,
    /// Whether `default_headers` name `User-Agent` (which then replaces ours).
    defaults_name_user_agent: bool,
}

impl Shared {
    /// Out of line: most clients have no default headers, and every request goes through
    /// [`ClientState::apply`].
    #[inline(never)]
    fn apply_default_headers(&self, headers: &mut HeaderMap) {
        replace_headers(headers, &self.default_headers);
    }

    fn new(default_headers: HeaderMap) -> Shared {
        let defaults_name_credentials =
            default_headers.contains_key(AUTHORIZATION) || default_headers.contains_key(&X_AS_USER);
        let defaults_name_user_agent = default_headers.contains_key(USER_AGENT);
        Shared {
            default_headers,
            defaults_name_credentials,
            defaults_name_user_agent,
        }
    }
}

impl fmt::Debug for ClientState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientState")
            .field("credential", &self.credential)
            .field("as_user", &self.as_user)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field(
                "default_headers",
                &self.shared.default_headers.keys().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl ClientState {
    pub fn credential(&self) -> Option<&Credential> {
        self.credential.as_ref()
    }

    /// The user requests act as (`X-As-User`), if any.
    pub fn as_user(&self) -> Option<&Secret> {
        self.as_user.as_ref()
    }

    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The per-attempt timeout (`None`: no timeout).
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// Every secret this state holds, for scrubbing error texts.
    pub(crate) fn scrub(&self, text: &str) -> Option<String> {
        let secrets = self
            .credential
            .iter()
            .map(Credential::secret)
            .chain(self.as_user.iter())
            .chain(self.retired.iter());
        let mut out: Option<String> = None;
        for secret in secrets {
            let current = out.as_deref().unwrap_or(text);
            if let Some(clean) = secret.scrub(current) {
                out = Some(clean);
            }
        }
        out
    }

    /// The state with its credential headers built from `credential` and `as_user`: every
    /// constructor of a state ends with it.
    fn with_headers(mut self) -> ClientState {
        self.headers = CredentialHeaders {
            bearer: self
                .credential
                .as_ref()
                .and_then(|c| c.secret().header_value("Bearer ")),
            as_user: self.as_user.as_ref().and_then(|u| u.header_value("")),
        };
        self
    }

    /// Puts credentials, default headers, `User-Agent` and the timeout on one request.
    pub(crate) fn apply(&self, request: &mut reqwest::Request, usage: CredentialUse) {
        let headers = request.headers_mut();
        if !self.shared.default_headers.is_empty() {
            self.shared.apply_default_headers(headers);
        }
        // The generated request carries none of the headers set below, so each is appended
        // unless a default header put it there (appending is also what the generated code
        // does: one code path for every header of a request).
        if !self.shared.defaults_name_user_agent {
            headers.append(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        }
        // Credentials come from the state only, never from default headers.
        let bearer = self.headers.bearer.as_ref().filter(|_| usage.bearer);
        let as_user = self.headers.as_user.as_ref().filter(|_| usage.as_user);
        if self.shared.defaults_name_credentials {
            replace_credentials(headers, bearer, as_user);
        } else {
            for (name, value) in [(AUTHORIZATION, bearer), (X_AS_USER, as_user)] {
                if let Some(value) = value {
                    headers.append(name, value.clone());
                }
            }
        }
        *request.timeout_mut() = self.timeout;
    }
}

/// Every header `from` names replaces those of its name in `headers` (all of its values).
fn replace_headers(headers: &mut HeaderMap, from: &HeaderMap) {
    for name in from.keys() {
        headers.remove(name);
        for value in from.get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
}

/// Sets (or removes) the credential headers that default headers also named, replacing their
/// values. Out of line: rare, and [`ClientState::apply`] runs for every request.
#[inline(never)]
fn replace_credentials(
    headers: &mut HeaderMap,
    bearer: Option<&HeaderValue>,
    as_user: Option<&HeaderValue>,
) {
    for (name, value) in [(AUTHORIZATION, bearer), (X_AS_USER, as_user)] {
        match value {
            Some(value) => drop(headers.insert(name, value.clone())),
            None => drop(headers.remove(name)),
        }
    }
}

/// Per-request settings: apply with [`Client::with_options`], which returns a cheap clone
/// of the client for the request(s) at hand.
///
/// ```no_run
/// # async fn f(client: hyperspell::Client) -> Result<(), hyperspell::Error> {
/// use std::time::Duration;
/// use hyperspell::RequestOptions;
///
/// let status = client
///     .with_options(RequestOptions::new().max_retries(5).timeout(Duration::from_secs(300)))
///     .memories().status()
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct RequestOptions {
    /// Retries after the first attempt.
    pub max_retries: Option<u32>,
    /// Per-attempt timeout.
    pub timeout: Option<Duration>,
    /// Act as this user (`X-As-User`).
    pub as_user: Option<String>,
    /// Headers, query parameters and JSON body fields the spec does not (yet) describe: the
    /// official SDKs' `extra_headers` / `extra_query` / `extra_body`.
    pub extras: RequestExtras,
}

/// What [`RequestOptions::header`], [`query`](RequestOptions::query) and
/// [`body_field`](RequestOptions::body_field) add to every request of a client.
///
/// They are applied last, on every attempt: an extra header replaces one of the same name
/// (credentials included), an extra query parameter replaces the parameters of its name, an
/// extra body field replaces the top-level field of its name in a JSON object body (a request
/// without a body gets a JSON object of the extra fields, as the SDKs send it). A request whose
/// body is not a JSON object (an upload) fails with [`ErrorKind::InvalidRequest`](crate::ErrorKind)
/// rather than dropping the fields.
#[derive(Clone, Default, PartialEq)]
pub struct RequestExtras {
    headers: HeaderMap,
    query: Vec<(String, String)>,
    body: serde_json::Map<String, serde_json::Value>,
}

impl RequestExtras {
    fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.query.is_empty() && self.body.is_empty()
    }

    /// `other`'s entries over `self`'s (later options win, name by name).
    fn merged(&self, other: &RequestExtras) -> RequestExtras {
        let mut out = self.clone();
        replace_headers(&mut out.headers, &other.headers);
        out.query
            .retain(|(name, _)| !other.query.iter().any(|(n, _)| n == name));
        out.query.extend(other.query.iter().cloned());
        for (name, value) in &other.body {
            out.body.insert(name.clone(), value.clone());
        }
        out
    }

    /// Puts the extras on one request. The error says what could not be applied.
    fn apply(&self, request: &mut reqwest::Request) -> Result<(), String> {
        if !self.headers.is_empty() {
            replace_headers(request.headers_mut(), &self.headers);
        }
        if !self.query.is_empty() {
            let url = request.url_mut();
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(name, _)| !self.query.iter().any(|(n, _)| n == name))
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect();
            let mut pairs = url.query_pairs_mut();
            pairs.clear();
            for (name, value) in kept.iter().chain(&self.query) {
                pairs.append_pair(name, value);
            }
        }
        if !self.body.is_empty() {
            self.apply_body(request)?;
        }
        Ok(())
    }

    fn apply_body(&self, request: &mut reqwest::Request) -> Result<(), String> {
        let fields = || self.body.keys().cloned().collect::<Vec<_>>().join(", ");
        let mut object = match request.body() {
            None => serde_json::Map::new(),
            Some(body) => {
                let is_json = request
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("application/json"));
                let bytes = body.as_bytes().filter(|_| is_json).ok_or_else(|| {
                    format!(
                        "extra body fields ({}) apply to JSON bodies; this request's body is not JSON",
                        fields()
                    )
                })?;
                match serde_json::from_slice(bytes) {
                    Ok(serde_json::Value::Object(object)) => object,
                    _ => {
                        return Err(format!(
                            "extra body fields ({}) apply to a JSON object body; this request's body is not an object",
                            fields()
                        ));
                    }
                }
            }
        };
        for (name, value) in &self.body {
            object.insert(name.clone(), value.clone());
        }
        let bytes = serde_json::to_vec(&object).map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            reqwest::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        *request.body_mut() = Some(bytes.into());
        Ok(())
    }
}

impl fmt::Debug for RequestExtras {
    /// Names only: values may be credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestExtras")
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field(
                "query",
                &self.query.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("body", &self.body.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl RequestOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    pub fn as_user(mut self, user_id: impl Into<String>) -> Self {
        self.as_user = Some(user_id.into());
        self
    }

    /// An extra header on every request (replacing one of the same name). Values of
    /// credential-like headers are marked sensitive (hidden from `Debug`).
    ///
    /// # Errors
    /// [`ConfigError::InvalidHeader`] when the name or value is not a valid header.
    pub fn header(
        mut self,
        name: impl AsRef<str>,
        value: impl AsRef<str>,
    ) -> Result<Self, ConfigError> {
        let (name, value) = (name.as_ref(), value.as_ref());
        let invalid = || ConfigError::InvalidHeader {
            name: name.to_owned(),
        };
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let mut header_value = HeaderValue::from_str(value).map_err(|_| invalid())?;
        header_value.set_sensitive(crate::scrub::is_credential_key(name.as_bytes()));
        self.extras.headers.insert(header_name, header_value);
        Ok(self)
    }

    /// An extra query parameter on every request (replacing the parameters of that name).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.extras.query.retain(|(n, _)| *n != name);
        self.extras.query.push((name, value.into()));
        self
    }

    /// An extra top-level field of the JSON body (replacing the field of that name).
    pub fn body_field(
        mut self,
        name: impl Into<String>,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        self.extras.body.insert(name.into(), value.into());
        self
    }
}

impl fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestOptions")
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field(
                "as_user",
                &self.as_user.as_ref().map(|_| crate::secret::REDACTED),
            )
            .field("extras", &self.extras)
            .finish()
    }
}

/// Builds a [`Client`]. Start from [`Client::builder`] (nothing set) or
/// [`ClientBuilder::from_env`] (`HYPERSPELL_API_KEY`, `HYPERSPELL_BASE_URL`,
/// `HYPERSPELL_CUSTOM_HEADERS`).
#[derive(Clone)]
pub struct ClientBuilder {
    credential: Option<Credential>,
    as_user: Option<Secret>,
    base_url: String,
    max_retries: u32,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    default_headers: Vec<(String, Secret)>,
    custom_headers_env: Option<Secret>,
    http_client: Option<reqwest::Client>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credential: None,
            as_user: None,
            base_url: Region::Default.base_url().to_owned(),
            max_retries: DEFAULT_MAX_RETRIES,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            default_headers: Vec::new(),
            custom_headers_env: None,
            http_client: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credential", &self.credential)
            .field("as_user", &self.as_user)
            .field("base_url", &self.base_url)
            .field("max_retries", &self.max_retries)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field(
                "default_headers",
                &self
                    .default_headers
                    .iter()
                    .map(|(n, _)| n)
                    .collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with the settings of the environment: `HYPERSPELL_API_KEY`,
    /// `HYPERSPELL_BASE_URL` and `HYPERSPELL_CUSTOM_HEADERS` (empty variables count as unset).
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mut builder = ClientBuilder::default();
        if let Some(key) = var(config::ENV_API_KEY) {
            builder = builder.api_key(key.trim());
        }
        if let Some(url) = var(config::ENV_BASE_URL) {
            builder = builder.base_url(url);
        }
        builder.custom_headers_env = var(config::ENV_CUSTOM_HEADERS).map(Secret::from);
        builder
    }

    /// Authenticate with an app API key.
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.credential = Some(Credential::ApiKey(key.into()));
        self
    }

    /// Authenticate with a JWT user token (see [`Client::with_user_token`]).
    pub fn user_token(mut self, token: impl Into<Secret>) -> Self {
        self.credential = Some(Credential::UserToken(token.into()));
        self
    }

    /// Act as this user on every request (`X-As-User`, with an API key).
    pub fn as_user(mut self, user_id: impl Into<Secret>) -> Self {
        self.as_user = Some(user_id.into());
        self
    }

    /// Send requests to this base URL (e.g. a local mock server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Send requests to the base URL of `region`.
    pub fn region(self, region: Region) -> Self {
        self.base_url(region.base_url())
    }

    /// EU data residency: `https://api.eu.hyperspell.com`.
    pub fn eu(self) -> Self {
        self.region(Region::Eu)
    }

    /// Retries after the first attempt (default 2).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Timeout of each attempt, from sending to the end of the response body (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No per-attempt timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }

    /// Timeout for establishing a connection (default 5 s; `None`: none). Ignored with
    /// [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// A header for every request (added after those of `HYPERSPELL_CUSTOM_HEADERS`). It
    /// cannot replace `Authorization` or `X-As-User`.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers
            .push((name.into(), Secret::new(value.into())));
        self
    }

    /// Use this `reqwest::Client` (proxies, TLS settings, connection pool); the connect
    /// timeout and the redirect policy are then its own: build it with
    /// `.redirect(ClientBuilder::redirect_policy())` to keep credentials on the API's origin.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The redirects the client follows: up to 10 within the origin (scheme, host and port) of
    /// the request, none to another origin. A redirect to another origin comes back as an
    /// [`ErrorKind::OtherStatus`](crate::ErrorKind::OtherStatus) error with its status and
    /// `Location`, so neither `Authorization` nor `X-As-User` (which reqwest's own policy
    /// would forward) reaches a host the client was not pointed at. (The official Python SDK
    /// follows no redirect at all.)
    pub fn redirect_policy() -> reqwest::redirect::Policy {
        const MAX_REDIRECTS: usize = 10;
        reqwest::redirect::Policy::custom(|attempt| {
            let same_origin = attempt
                .previous()
                .first()
                .is_some_and(|first| first.origin() == attempt.url().origin());
            if !same_origin {
                attempt.stop()
            } else if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
            } else {
                attempt.follow()
            }
        })
    }

    /// Builds the client. Fails when no API key or user token is set, or when a setting is
    /// invalid.
    pub fn build(self) -> Result<Client, ConfigError> {
        let credential = self.credential.ok_or(ConfigError::MissingApiKey)?;
        if credential.secret().expose().trim().is_empty() {
            return Err(ConfigError::MissingApiKey);
        }
        if credential.secret().header_value("Bearer ").is_none() {
            return Err(ConfigError::InvalidCredential);
        }
        if let Some(user) = &self.as_user
            && user.header_value("").is_none()
        {
            return Err(ConfigError::InvalidUserId);
        }
        let base_url = config::normalize_base_url(&self.base_url)?;
        let mut default_headers = match &self.custom_headers_env {
            Some(text) => config::parse_custom_headers(text.expose())?,
            None => HeaderMap::new(),
        };
        for (name, value) in &self.default_headers {
            let (name, value) = config::header(name, value.expose())?;
            default_headers.insert(name, value);
        }
        let http = match self.http_client {
            Some(client) => client,
            None => {
                // No `user_agent` here: `apply` sets it on every request (also through a
                // client of the user's), and reqwest would only look for it again.
                let mut builder = reqwest::Client::builder().redirect(Self::redirect_policy());
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(ConfigError::HttpClient)?
            }
        };
        let state = ClientState {
            credential: Some(credential),
            as_user: self.as_user,
            headers: CredentialHeaders::default(),
            max_retries: self.max_retries,
            timeout: self.timeout,
            retired: Arc::from(Vec::new()),
            extras: None,
            shared: Arc::new(Shared::new(default_headers)),
        }
        .with_headers();
        Ok(Client::new_with_client(&base_url, http, state))
    }
}

impl Client {
    /// A builder with nothing set (default base URL, 2 retries, 60 s timeout).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from `HYPERSPELL_API_KEY` (required), `HYPERSPELL_BASE_URL` and
    /// `HYPERSPELL_CUSTOM_HEADERS`.
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env().build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        ClientInfo::baseurl(self)
    }

    /// The client's state: credential, acting user, retry and timeout settings.
    pub fn state(&self) -> &ClientState {
        ClientInfo::inner(self)
    }

    fn with_state(&self, change: impl FnOnce(&mut ClientState)) -> Client {
        let before = self.state();
        let mut state = before.clone();
        change(&mut state);
        if state.credential != before.credential || state.as_user != before.as_user {
            state = state.with_headers();
        }
        let replaced: Vec<&Secret> = [
            before
                .credential
                .as_ref()
                .map(Credential::secret)
                .filter(|_| state.credential != before.credential),
            before
                .as_user
                .as_ref()
                .filter(|_| state.as_user != before.as_user),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !replaced.is_empty() {
            let mut retired: Vec<Secret> = replaced.into_iter().cloned().collect();
            for secret in before.retired.iter() {
                if !retired.contains(secret) {
                    retired.push(secret.clone());
                }
            }
            retired.truncate(MAX_RETIRED_SECRETS);
            state.retired = Arc::from(retired);
        }
        Client::new_with_client(self.base_url(), ClientInfo::client(self).clone(), state)
    }

    /// A clone acting as `user_id` (`X-As-User`) on every request. Cheap: the connection
    /// pool is shared.
    pub fn as_user(&self, user_id: impl Into<Secret>) -> Client {
        let user = user_id.into();
        self.with_state(|s| s.as_user = Some(user))
    }

    /// A clone without an acting user: requests run app-scoped.
    pub fn without_acting_user(&self) -> Client {
        self.with_state(|s| s.as_user = None)
    }

    /// A clone that authenticates with a user token (from
    /// `client.auth().user_token()`, or [`mint_user_token`](Client::mint_user_token)) instead,
    /// with no `X-As-User`.
    ///
    /// ```no_run
    /// # async fn f(client: hyperspell::Client) -> Result<(), hyperspell::Error> {
    /// let token = client.auth().user_token().user_id("u1").send().await?;
    /// let user_client = client.with_user_token(&token.token);
    /// # Ok(()) }
    /// ```
    pub fn with_user_token(&self, token: impl Into<Secret>) -> Client {
        let token = token.into();
        self.with_state(|s| {
            s.credential = Some(Credential::UserToken(token));
            s.as_user = None;
        })
    }

    /// A clone with per-request settings (retries, timeout, acting user) overridden and the
    /// extra headers, query parameters and body fields added to those it had.
    pub fn with_options(&self, options: RequestOptions) -> Client {
        self.with_state(|s| {
            if let Some(n) = options.max_retries {
                s.max_retries = n;
            }
            if let Some(timeout) = options.timeout {
                s.timeout = Some(timeout);
            }
            if let Some(user) = options.as_user {
                s.as_user = Some(Secret::new(user));
            }
            if !options.extras.is_empty() {
                let merged = match &s.extras {
                    Some(before) => before.merged(&options.extras),
                    None => options.extras,
                };
                s.extras = Some(Arc::new(merged));
            }
        })
    }
}

/// The credentials an operation takes, from the generated metadata (worked out per operation
/// when the crate is compiled). Operations unknown to the metadata get the spec's global
/// requirement (bearer and acting user).
pub(crate) fn credential_use(operation_name: &str) -> CredentialUse {
    match crate::operations::by_name(operation_name) {
        Some(operation) => operation.credentials,
        None => CredentialUse {
            bearer: true,
            as_user: true,
        },
    }
}

// Plain functions returning futures rather than `async fn`s: the work is done when the
// generated code calls them, and `exec` hands back reqwest's own future rather than one more
// state machine around it (these run on every request).
impl ClientHooks<ClientState> for Client {
    fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> impl Future<Output = Result<(), progenitor_client::Error<E>>> {
        let state = self.state();
        state.apply(request, credential_use(info.operation_id));
        let result = match &state.extras {
            None => Ok(()),
            Some(extras) => extras.apply(request).map_err(|message| {
                progenitor_client::Error::InvalidRequest(format!(
                    "{}: {message}",
                    info.operation_id
                ))
            }),
        };
        std::future::ready(result)
    }

    fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> {
        ClientInfo::client(self).execute(request)
    }

    fn post<E>(
        &self,
        _result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> impl Future<Output = Result<(), progenitor_client::Error<E>>> {
        std::future::ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn missing_key_is_an_error_at_construction() {
        let err = ClientBuilder::from_lookup(env(&[])).build().unwrap_err();
        assert!(matches!(err, ConfigError::MissingApiKey));
        let err = ClientBuilder::from_lookup(env(&[("HYPERSPELL_API_KEY", "  ")]))
            .build()
            .unwrap_err();
        assert!(matches!(err, ConfigError::MissingApiKey));
    }

    #[test]
    fn environment_settings() {
        let client = ClientBuilder::from_lookup(env(&[
            ("HYPERSPELL_API_KEY", "hs-0-envkey"),
            ("HYPERSPELL_BASE_URL", "http://localhost:4010/"),
            ("HYPERSPELL_CUSTOM_HEADERS", "X-Team: infra"),
        ]))
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "http://localhost:4010");
        assert_eq!(
            client.state().credential(),
            Some(&Credential::ApiKey(Secret::new("hs-0-envkey")))
        );
        assert_eq!(client.state().shared.default_headers["x-team"], "infra");
        assert_eq!(client.state().max_retries(), 2);
        assert_eq!(client.state().timeout(), Some(Duration::from_secs(60)));
    }

    #[test]
    fn regions_and_overrides() {
        let c = Client::builder().api_key("k").build().unwrap();
        assert_eq!(c.base_url(), "https://api.hyperspell.com");
        let c = Client::builder().api_key("k").eu().build().unwrap();
        assert_eq!(c.base_url(), "https://api.eu.hyperspell.com");
        let c = ClientBuilder::from_lookup(env(&[
            ("HYPERSPELL_API_KEY", "k"),
            ("HYPERSPELL_BASE_URL", "http://x"),
        ]))
        .eu()
        .build()
        .unwrap();
        assert_eq!(c.base_url(), "https://api.eu.hyperspell.com");
    }

    #[test]
    fn clones_override_state() {
        let c = Client::builder().api_key("key-1234").build().unwrap();
        let u = c.as_user("user-42");
        assert_eq!(u.state().as_user().map(Secret::expose), Some("user-42"));
        assert!(c.state().as_user().is_none());
        assert!(u.without_acting_user().state().as_user().is_none());
        let o = u.with_options(
            RequestOptions::new()
                .max_retries(0)
                .timeout(Duration::from_secs(1)),
        );
        assert_eq!(
            (o.state().max_retries(), o.state().timeout()),
            (0, Some(Duration::from_secs(1)))
        );
        assert_eq!(o.state().as_user().map(Secret::expose), Some("user-42"));
        let t = u.with_user_token("jwt-abc");
        assert_eq!(
            t.state().credential(),
            Some(&Credential::UserToken(Secret::new("jwt-abc")))
        );
        assert!(t.state().as_user().is_none());
        assert_eq!(t.base_url(), c.base_url());
        // the derived client still scrubs what it was derived from
        assert_eq!(
            t.state().scrub("key-1234 user-42 jwt-abc").as_deref(),
            Some("[redacted] [redacted] [redacted]")
        );
    }

    #[test]
    fn invalid_settings() {
        assert!(matches!(
            Client::builder().api_key("a\nb").build().unwrap_err(),
            ConfigError::InvalidCredential
        ));
        assert!(matches!(
            Client::builder()
                .api_key("k")
                .as_user("u\n1")
                .build()
                .unwrap_err(),
            ConfigError::InvalidUserId
        ));
        assert!(matches!(
            Client::builder()
                .api_key("k")
                .default_header("X-A", "v\u{0}")
                .build()
                .unwrap_err(),
            ConfigError::InvalidHeader { .. }
        ));
    }

    #[test]
    fn apply_sets_headers_by_credential_use() {
        let c = Client::builder()
            .api_key("hs-0-secretkey")
            .as_user("user-secret")
            .default_header("X-Team", "infra")
            .default_header("Authorization", "Bearer wrong")
            .build()
            .unwrap();
        let request = || reqwest::Request::new(reqwest::Method::GET, "http://x/y".parse().unwrap());

        let mut r = request();
        c.state().apply(
            &mut r,
            CredentialUse {
                bearer: true,
                as_user: true,
            },
        );
        assert_eq!(r.headers()["authorization"], "Bearer hs-0-secretkey");
        assert!(r.headers()["authorization"].is_sensitive());
        assert_eq!(r.headers()["x-as-user"], "user-secret");
        assert_eq!(r.headers()["x-team"], "infra");
        assert_eq!(r.headers()["user-agent"], USER_AGENT_VALUE);
        assert_eq!(r.timeout(), Some(&Duration::from_secs(60)));
        assert!(!format!("{r:?}").contains("secret"));

        let mut r = request();
        c.state().apply(
            &mut r,
            CredentialUse {
                bearer: true,
                as_user: false,
            },
        );
        assert!(r.headers().get("x-as-user").is_none());

        let mut r = request();
        c.state().apply(&mut r, CredentialUse::default());
        assert!(r.headers().get("authorization").is_none());
        assert!(r.headers().get("x-as-user").is_none());
    }

    #[test]
    fn derived_clients_send_their_own_credentials() {
        let c = Client::builder().api_key("key-1").build().unwrap();
        let both = CredentialUse {
            bearer: true,
            as_user: true,
        };
        let sent = |client: &Client| {
            let mut r = reqwest::Request::new(reqwest::Method::GET, "http://x/y".parse().unwrap());
            client.state().apply(&mut r, both);
            let header = |name: &str| {
                let value = r.headers().get(name)?;
                assert!(value.is_sensitive(), "{name}");
                Some(value.to_str().unwrap().to_owned())
            };
            (header("authorization"), header("x-as-user"))
        };
        let bearer = |value: &str| Some(value.to_owned());
        assert_eq!(sent(&c), (bearer("Bearer key-1"), None));
        let u = c.as_user("user-1");
        assert_eq!(sent(&u), (bearer("Bearer key-1"), bearer("user-1")));
        let o = u.with_options(RequestOptions::new().as_user("user-2").max_retries(1));
        assert_eq!(sent(&o), (bearer("Bearer key-1"), bearer("user-2")));
        assert_eq!(
            sent(&o.without_acting_user()),
            (bearer("Bearer key-1"), None)
        );
        let t = o.with_user_token("jwt-1");
        assert_eq!(sent(&t), (bearer("Bearer jwt-1"), None));
        // the originals are unchanged
        assert_eq!(sent(&c), (bearer("Bearer key-1"), None));
        assert_eq!(sent(&u), (bearer("Bearer key-1"), bearer("user-1")));
        // an acting user that is no valid header value is not sent
        assert_eq!(
            sent(&c.as_user("bad\nuser")),
            (bearer("Bearer key-1"), None)
        );
    }

    #[test]
    fn debug_output_has_no_secrets() {
        let b = Client::builder()
            .api_key("hs-0-secretkey")
            .as_user("user-secret")
            .default_header("X-K", "hdr-secret");
        let c = b.clone().build().unwrap();
        let opts = RequestOptions::new().as_user("user-secret");
        for text in [
            format!("{b:?}"),
            format!("{c:?}"),
            format!("{:?}", c.state()),
            format!("{opts:?}"),
            format!("{c:#?}"),
        ] {
            assert!(!text.contains("secret"), "{text}");
        }
    }

    #[test]
    fn generated_credentials_match_the_operations_security() {
        for op in crate::operations::ALL {
            let expected = op.credential_use(crate::operations::SECURITY_SCHEMES);
            assert_eq!(op.credentials, expected, "{}", op.name);
            assert_eq!(credential_use(op.name), expected, "{}", op.name);
        }
        // not every operation takes the same: the metadata is per operation
        let distinct: std::collections::HashSet<_> = crate::operations::ALL
            .iter()
            .map(|op| (op.credentials.bearer, op.credentials.as_user))
            .collect();
        assert!(distinct.len() > 1, "{distinct:?}");
    }
}

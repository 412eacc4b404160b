//! Rust client for the [Hyperspell](https://hyperspell.com) API, the memory layer for AI apps
//! and agents.
//!
//! Every operation of the API is reached through a resource handle, the way the official SDKs
//! group them: `client.auth().user_token()`, `client.memories().search()`,
//! `client.integrations().slack().list()` (see [`resources`]). Each returns a builder (see
//! [`builder`]) with a setter per parameter and per top-level body field; request and
//! response types are in [`types`]. Both are generated from the vendored OpenAPI
//! document at build time. This crate adds what a production service needs around them:
//!
//! * construction from the environment or a [`ClientBuilder`], with a clear [`ConfigError`]
//!   when the API key is missing;
//! * credentials as the spec's security schemes say: `Authorization: Bearer` with an API key
//!   or a user token, and `X-As-User` ([`Client::as_user`]);
//! * retries and timeouts like the official SDKs, per client and per request
//!   ([`Client::with_options`]);
//! * one [`Error`] type with the status class, headers and a body excerpt;
//! * `into_stream()` on the cursor-paginated operations;
//! * streamed uploads ([`multipart::FilePart`]) with typed metadata;
//! * a `tracing` span per attempt; secrets never appear in `Debug`, errors or logs;
//! * typed httpmock helpers for tests behind the `mock` feature.
//!
//! ```no_run
//! # async fn run() -> Result<(), hyperspell::Error> {
//! let client = hyperspell::Client::from_env()?;
//! let token = client
//!     .auth()
//!     .user_token()
//!     .user_id("user_123")
//!     .send()
//!     .await?;
//! println!("{}", token.token);
//! # Ok(()) }
//! ```
//!
//! # When the API moves
//!
//! A service built on this crate keeps running while the Hyperspell server gains values,
//! fields and operations. The generated types are written for that:
//!
//! * **Open enums.** Every string enum of more than one value (`types::DocumentProviders`,
//!   ...) is `#[non_exhaustive]` and has an `Unknown(String)` variant (`UnknownValue` where
//!   the API has a value named `unknown`) for a value this client does not know yet: it
//!   decodes, serializes back unchanged, and can be sent (`.source("pylon")` works with a
//!   client built before `pylon` existed: enums convert from any `&str`/`String`).
//!   `as_str()` and `Display` give the wire string. Match on the known variants with a
//!   `_` arm. Single-value enums (discriminator tags) stay closed, and discriminated unions
//!   keep unknown variants as `Unknown(serde_json::Value)`.
//! * **Unknown fields are kept.** Every object type has an `extra_fields` map (flattened)
//!   holding the fields the server sent that this client does not know; serializing the
//!   value writes them back, so proxying or storing an object loses nothing. Builders take
//!   `.extra_field(key, value)` for a field the spec does not describe yet.
//! * **Only what you set goes on the wire.** A default in the spec is the server's: it is
//!   documented on the field (`Server default: ...`), not sent. An optional field you do not
//!   set is absent from the request, and `None` when a response omits it.
//! * **One type per schema.** Inline types are named after their place (`QueryRequestEffort`:
//!   property `effort` of `QueryRequest`), never after a title two schemas could share, so a
//!   spec sync never merges two types or renames one because another schema was added.

/// The generated client (`build.rs` → `hyperspell-codegen` → progenitor).
#[allow(clippy::all, missing_docs, unused_imports, unused_mut, dead_code)]
// Descriptions come from the spec as written (brackets, bare URLs, `<data>`).
#[allow(
    rustdoc::broken_intra_doc_links,
    rustdoc::invalid_html_tags,
    rustdoc::bare_urls
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/hyperspell_client.rs"));
}

/// Typed [httpmock](https://docs.rs/httpmock) helpers: `MockServerExt` adds one method per
/// operation to `httpmock::MockServer`, taking typed request matchers and responses.
#[cfg(feature = "mock")]
#[allow(clippy::all, missing_docs, unused_imports, dead_code)]
pub mod mock {
    #[allow(unused_imports)]
    use crate::{Client, types};
    include!(concat!(env!("OUT_DIR"), "/hyperspell_mock.rs"));
}

mod client;
mod config;
mod date_time;
mod error;
mod file_part;
mod operation;
mod patch;
mod raw;
mod retry;
mod runtime;
mod scrub;
mod secret;
mod token;
mod upload;

pub use generated::{Client, builder, multipart, resources, types};

/// The date-time and UUID crates the generated types use, so callers need not pin their own.
pub use chrono;
pub use uuid;

pub use client::{ClientBuilder, ClientState, Credential, RequestExtras, RequestOptions};
pub use config::{ConfigError, Region};
pub use date_time::{DateTimeError, IntoDateTime};
pub use error::{Error, ErrorKind};
pub use patch::Patch;
pub use progenitor_client::{ByteStream, ResponseValue};
pub use raw::{FormValue, RawRequest, RawResponse};
pub use secret::Secret;
pub use token::UserToken;
pub use upload::MetadataValue;

/// The documented values behind the client's behaviour: defaults, limits, header and
/// environment variable names.
pub mod constants {
    pub use crate::client::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT_VALUE};
    pub use crate::config::{ENV_API_KEY, ENV_BASE_URL, ENV_CUSTOM_HEADERS};
    pub use crate::error::MAX_BODY_EXCERPT;
    pub use crate::operation::AS_USER_HEADER;
    pub use crate::retry::{
        DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY,
    };
    pub use crate::upload::MAX_METADATA_KEY_LEN;
}

// The generated operation metadata and what it is made of: named by path from the generated
// code (`crate::Operation`, `crate::CredentialUse::of`, ...) and read by the runtime and the
// tests; public only because the generated `operations` statics are.
#[doc(hidden)]
pub use generated::operations;
#[doc(hidden)]
pub use operation::{CredentialUse, Operation, SecurityKind, SecurityScheme};

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Re-exports for code that uses the crate: `use hyperspell::prelude::*;`.
pub mod prelude {
    pub use crate::{Client, ClientBuilder, Error, ErrorKind, Patch, RequestOptions};
    pub use futures::{StreamExt, TryStreamExt};
}

//! Rust client for the [Hyperspell](https://hyperspell.com) API, the memory layer for AI apps
//! and agents.
//!
//! Every operation of the API is a method on [`Client`] returning a builder (see [`builder`]);
//! request and response types are in [`types`]. Both are generated from the vendored OpenAPI
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
//!     .generate_user_token()
//!     .body(hyperspell::types::UserTokenRequest::builder().user_id("user_123"))
//!     .send()
//!     .await?;
//! println!("{}", token.token);
//! # Ok(()) }
//! ```

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
mod error;
mod file_part;
mod operation;
mod patch;
mod retry;
pub mod runtime;
mod scrub;
mod secret;
mod token;
mod update;
mod upload;

pub use generated::{Client, builder, multipart, operations, types};

pub use client::{
    ClientBuilder, ClientState, Credential, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
    RequestOptions, USER_AGENT_VALUE,
};
pub use config::{ConfigError, ENV_API_KEY, ENV_BASE_URL, ENV_CUSTOM_HEADERS, Region};
pub use error::{Error, ErrorKind, MAX_BODY_EXCERPT};
pub use operation::{AS_USER_HEADER, CredentialUse, Operation, SecurityKind, SecurityScheme};
pub use patch::Patch;
pub use progenitor_client::{ByteStream, ResponseValue};
pub use retry::{DEFAULT_MAX_RETRIES, INITIAL_RETRY_DELAY, MAX_RETRY_AFTER, MAX_RETRY_DELAY};
pub use secret::Secret;
pub use token::UserToken;
pub use update::MemoryUpdate;
pub use upload::{MAX_METADATA_KEY_LEN, MetadataValue, encode_metadata, is_valid_metadata_key};

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Re-exports for code that uses the crate: `use hyperspell::prelude::*;`.
pub mod prelude {
    pub use crate::{Client, ClientBuilder, Error, ErrorKind, MemoryUpdate, Patch, RequestOptions};
    pub use futures::{StreamExt, TryStreamExt};
}

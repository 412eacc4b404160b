//! Shared helpers of the `client_*` tests.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use hyperspell::Client;
use serde_json::json;
use wiremock::MockServer;

/// The API key of test clients; tests search output for it.
pub const KEY: &str = "hs-0-test-secret-key-123456";

/// A reqwest client without timers (no pool idle sweep, no connect timeout), so that a
/// paused tokio clock only advances through the retry delays.
pub fn timerless_http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .unwrap()
}

/// A client for `server` with no per-attempt timeout and no other timers.
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.uri())
        .no_timeout()
        .http_client(timerless_http())
        .build()
        .unwrap()
}

pub fn user_token_body() -> hyperspell::types::builder::UserTokenRequest {
    hyperspell::types::UserTokenRequest::builder().user_id("user_1")
}

pub fn token_response() -> serde_json::Value {
    json!({"token": "jwt-user-token-abcdef", "expires_at": "2030-01-02T03:04:05Z"})
}

pub fn indexing_status() -> serde_json::Value {
    json!({"providers": {}, "total": {"completed": 3}})
}

/// Everything `tracing` records while installed: span names and fields, events and fields.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<String>>, Arc<AtomicU64>);

impl Capture {
    pub fn text(&self) -> String {
        self.0.lock().unwrap().clone()
    }

    /// Installs the capture for the current thread until the guard drops.
    pub fn install(&self) -> tracing::subscriber::DefaultGuard {
        tracing::subscriber::set_default(self.clone())
    }

    fn push(&self, line: String) {
        let mut text = self.0.lock().unwrap();
        text.push_str(&line);
        text.push('\n');
    }
}

struct Fields(String);

impl tracing::field::Visit for Fields {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = Fields(String::new());
        span.record(&mut fields);
        let id = self.1.fetch_add(1, Ordering::Relaxed) + 1;
        self.push(format!("span#{id} {}{}", span.metadata().name(), fields.0));
        tracing::span::Id::from_u64(id)
    }

    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut fields = Fields(String::new());
        values.record(&mut fields);
        self.push(format!("record#{}{}", span.into_u64(), fields.0));
    }

    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}

    fn event(&self, event: &tracing::Event<'_>) {
        let mut fields = Fields(String::new());
        event.record(&mut fields);
        self.push(format!("event {}{}", event.metadata().level(), fields.0));
    }

    fn enter(&self, _: &tracing::span::Id) {}

    fn exit(&self, _: &tracing::span::Id) {}
}

//! A string that never shows itself in `Debug`, `Display` or logs.

use std::fmt;
use std::sync::Arc;

/// An API key, user token or acting-user id.
///
/// `Debug` and `Display` print `[redacted]`; the value is only reachable through
/// [`Secret::expose`]. Cloning is cheap (reference counted).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The secret value itself. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A header value marked sensitive (hidden from `reqwest`/`http` debug output).
    pub(crate) fn header_value(&self, prefix: &str) -> Option<reqwest::header::HeaderValue> {
        let mut value =
            reqwest::header::HeaderValue::from_str(&format!("{prefix}{}", self.expose())).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// Replaces every occurrence of the secret in `text` (secrets shorter than 4 characters
    /// are left alone: they would match everywhere and protect nothing).
    pub(crate) fn scrub(&self, text: &str) -> Option<String> {
        let secret = self.expose();
        (secret.len() >= 4 && text.contains(secret)).then(|| text.replace(secret, REDACTED))
    }
}

pub(crate) const REDACTED: &str = "[redacted]";

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret::new(value.as_str())
    }
}

/// Serializes as the plain string: request bodies need the value.
impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_itself() {
        let s = Secret::new("hs-0-supersecret");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(
            format!("{:#?}", Some(s.clone())),
            "Some(\n    [redacted],\n)"
        );
        assert_eq!(s.expose(), "hs-0-supersecret");
    }

    #[test]
    fn header_values_are_sensitive() {
        let v = Secret::new("tok").header_value("Bearer ").unwrap();
        assert!(v.is_sensitive());
        assert_eq!(v.to_str().unwrap(), "Bearer tok");
        assert!(!format!("{v:?}").contains("tok"));
        assert!(Secret::new("bad\nvalue").header_value("").is_none());
    }

    #[test]
    fn scrubbing() {
        let s = Secret::new("hs-0-abc");
        assert_eq!(
            s.scrub("key hs-0-abc is invalid").as_deref(),
            Some("key [redacted] is invalid")
        );
        assert_eq!(s.scrub("nothing here"), None);
        assert_eq!(Secret::new("u1").scrub("u1 u1"), None);
    }

    #[test]
    fn serde_round_trip() {
        let s: Secret = serde_json::from_str("\"t\"").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"t\"");
    }
}

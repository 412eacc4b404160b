//! Credential-like JSON fields of response bodies (`token`, `access_token`, `api_key`,
//! `client_secret`, `password`, `authorization`, ...) replaced by `"[redacted]"` before a body
//! becomes part of an [`Error`](crate::Error).
//!
//! The scan is lexical, not a JSON parse: error bodies are cut to a bound before they are
//! read whole, so it must work on a prefix. A value that the cut leaves open is redacted to
//! the end; a field's value of any type (object, array, number) is replaced whole.

use std::borrow::Cow;

use crate::secret::REDACTED;

/// What [`credential_fields`] found.
pub(crate) struct Scrubbed<'a> {
    /// The body with every credential-like field's value replaced.
    pub body: Cow<'a, [u8]>,
    /// The string values it replaced (to scrub copies of them from messages elsewhere).
    pub secrets: Vec<String>,
}

/// Replaces the value of every credential-like field of `body`, wherever it is nested.
pub(crate) fn credential_fields(body: &[u8]) -> Scrubbed<'_> {
    let mut out: Vec<u8> = Vec::new();
    let mut copied = 0; // body[..copied] is in `out` (once something was replaced)
    let mut secrets = Vec::new();
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'"' {
            i += 1;
            continue;
        }
        let (key_end, closed) = string_end(body, i);
        let colon = skip_whitespace(body, key_end);
        let is_key = closed && body.get(colon) == Some(&b':');
        if !(is_key && is_credential_key(&body[i + 1..key_end - 1])) {
            i = key_end;
            continue;
        }
        let start = skip_whitespace(body, colon + 1);
        if start >= body.len() {
            break;
        }
        let end = value_end(body, start);
        if body[start] == b'"' {
            let (stop, closed) = string_end(body, start);
            let inner = &body[start + 1..if closed { stop - 1 } else { stop }];
            if let Ok(text) = std::str::from_utf8(inner)
                && !text.is_empty()
            {
                secrets.push(text.to_owned());
            }
        }
        out.extend_from_slice(&body[copied..start]);
        out.push(b'"');
        out.extend_from_slice(REDACTED.as_bytes());
        out.push(b'"');
        copied = end;
        i = end;
    }
    if copied == 0 {
        return Scrubbed {
            body: Cow::Borrowed(body),
            secrets,
        };
    }
    out.extend_from_slice(&body[copied..]);
    Scrubbed {
        body: Cow::Owned(out),
        secrets,
    }
}

/// Whether a JSON key names a credential: `token`, `access_token`, `accessToken`,
/// `client-secret`, `api_key`, `password`, `authorization`, ...; not pagination tokens
/// (`next_token`, `page_token`) nor counts (`tokens`, `max_tokens`, `token_count`).
pub(crate) fn is_credential_key(key: &[u8]) -> bool {
    let Ok(key) = std::str::from_utf8(key) else {
        return false;
    };
    let name = snake_case(key);
    let exact = [
        "authorization",
        "proxy_authorization",
        "cookie",
        "set_cookie",
        "x_as_user",
        "apikey",
    ];
    let suffixes = [
        "token",
        "secret",
        "password",
        "passwd",
        "api_key",
        "private_key",
        "secret_key",
        "access_key",
        "signing_key",
        "user_key",
        "credential",
        "credentials",
    ];
    let pagination = [
        "page_",
        "next_",
        "prev_",
        "previous_",
        "continuation_",
        "cursor",
    ]
    .iter()
    .any(|prefix| name.starts_with(prefix));
    exact.contains(&name.as_str())
        || (!pagination
            && suffixes
                .iter()
                .any(|suffix| name == *suffix || name.ends_with(&format!("_{suffix}"))))
}

/// `accessToken`, `Access-Token`, `ACCESS_TOKEN` → `access_token`.
fn snake_case(key: &str) -> String {
    let mut name = String::with_capacity(key.len() + 4);
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            name.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        name.push(match c {
            '-' | ' ' => '_',
            c => c.to_ascii_lowercase(),
        });
    }
    name
}

/// The index after the string starting at `body[start] == '"'`, and whether it is closed
/// (an unclosed string runs to the end).
fn string_end(body: &[u8], start: usize) -> (usize, bool) {
    let mut i = start + 1;
    while i < body.len() {
        match body[i] {
            b'\\' => i += 2,
            b'"' => return (i + 1, true),
            _ => i += 1,
        }
    }
    (body.len(), false)
}

fn skip_whitespace(body: &[u8], mut i: usize) -> usize {
    while i < body.len() && body[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The index after the JSON value starting at `body[start]` (or the end of the body).
fn value_end(body: &[u8], start: usize) -> usize {
    match body[start] {
        b'"' => string_end(body, start).0,
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = start;
            while i < body.len() {
                match body[i] {
                    b'"' => {
                        i = string_end(body, i).0;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            body.len()
        }
        _ => {
            let mut i = start;
            while i < body.len() && !matches!(body[i], b',' | b'}' | b']') {
                i += 1;
            }
            // Keep the whitespace before the delimiter.
            while i > start && body[i - 1].is_ascii_whitespace() {
                i -= 1;
            }
            i
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(body: &str) -> (String, Vec<String>) {
        let scrubbed = credential_fields(body.as_bytes());
        (
            String::from_utf8(scrubbed.body.into_owned()).unwrap(),
            scrubbed.secrets,
        )
    }

    #[test]
    fn credential_values_are_replaced_wherever_they_are() {
        let (body, secrets) = clean(
            r#"{"token": "jwt-1", "expires_at": "2030", "detail": [{"input": {"accessToken":"a\"b", "api_key": 42, "password": {"x": ["y"]}, "n": 1}}]}"#,
        );
        assert_eq!(
            body,
            r#"{"token": "[redacted]", "expires_at": "2030", "detail": [{"input": {"accessToken":"[redacted]", "api_key": "[redacted]", "password": "[redacted]", "n": 1}}]}"#
        );
        assert_eq!(secrets, ["jwt-1", "a\\\"b"]);
    }

    #[test]
    fn a_value_cut_by_the_bound_is_redacted_to_the_end() {
        assert_eq!(
            clean(r#"{"a": 1, "client_secret": "abc"#).0,
            r#"{"a": 1, "client_secret": "[redacted]""#
        );
        assert_eq!(
            clean(r#"{"refresh_token": {"a": ["#).0,
            r#"{"refresh_token": "[redacted]""#
        );
        assert_eq!(clean(r#"{"token":"#).0, r#"{"token":"#);
    }

    #[test]
    fn other_fields_and_texts_are_left_alone() {
        for body in [
            r#"{"next_token": "c1", "tokens": 5, "max_tokens": 9, "token_count": 1, "msg": "token: x"}"#,
            "not json at all: token=abc",
            r#"["token", "secret"]"#,
            "",
        ] {
            let scrubbed = credential_fields(body.as_bytes());
            assert!(matches!(scrubbed.body, Cow::Borrowed(_)), "{body}");
        }
    }

    #[test]
    fn key_spellings() {
        for key in [
            "token",
            "access_token",
            "AccessToken",
            "refresh-token",
            "id_token",
            "api_key",
            "apiKey",
            "apikey",
            "client_secret",
            "password",
            "secret",
            "Authorization",
            "X-As-User",
        ] {
            assert!(is_credential_key(key.as_bytes()), "{key}");
        }
        for key in [
            "next_token",
            "page_token",
            "tokens",
            "token_type",
            "user_id",
            "key",
        ] {
            assert!(!is_credential_key(key.as_bytes()), "{key}");
        }
    }
}

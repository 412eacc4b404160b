//! Client configuration: regions, environment variables and configuration errors.

use std::fmt;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// `HYPERSPELL_API_KEY`: the API key (required by [`crate::Client::from_env`]).
pub const ENV_API_KEY: &str = "HYPERSPELL_API_KEY";
/// `HYPERSPELL_BASE_URL`: overrides the base URL.
pub const ENV_BASE_URL: &str = "HYPERSPELL_BASE_URL";
/// `HYPERSPELL_CUSTOM_HEADERS`: extra headers, one `Name: value` per line.
pub const ENV_CUSTOM_HEADERS: &str = "HYPERSPELL_CUSTOM_HEADERS";

/// Where the account's data lives. API keys only work in their own region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Region {
    /// `https://api.hyperspell.com`
    #[default]
    Default,
    /// EU data residency: `https://api.eu.hyperspell.com`
    Eu,
}

impl Region {
    pub const fn base_url(self) -> &'static str {
        match self {
            Region::Default => "https://api.hyperspell.com",
            Region::Eu => "https://api.eu.hyperspell.com",
        }
    }
}

/// Why a client could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// No API key or user token was given (nor found in `HYPERSPELL_API_KEY`).
    MissingApiKey,
    /// The credential cannot be sent in a header (e.g. it contains a line break).
    InvalidCredential,
    /// The acting user id cannot be sent in a header.
    InvalidUserId,
    /// The base URL is not an absolute `http(s)` URL.
    InvalidBaseUrl { url: String, reason: String },
    /// A default header, an extra header of `RequestOptions` or a line of
    /// `HYPERSPELL_CUSTOM_HEADERS` is not a valid `Name: value`.
    InvalidHeader { name: String },
    /// The HTTP client could not be built (e.g. no TLS backend).
    HttpClient(reqwest::Error),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::MissingApiKey => write!(
                f,
                "no Hyperspell API key: set the {ENV_API_KEY} environment variable or call \
                 ClientBuilder::api_key (or user_token)"
            ),
            ConfigError::InvalidCredential => {
                f.write_str("the API key or user token contains characters not allowed in a header")
            }
            ConfigError::InvalidUserId => {
                f.write_str("the acting user id contains characters not allowed in a header")
            }
            ConfigError::InvalidBaseUrl { url, reason } => {
                write!(f, "invalid Hyperspell base URL `{url}`: {reason}")
            }
            ConfigError::InvalidHeader { name } => write!(
                f,
                "invalid header `{name}` (a default header, a request option, or a \
                 `Name: value` line of {ENV_CUSTOM_HEADERS})"
            ),
            ConfigError::HttpClient(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::HttpClient(e) => Some(e),
            _ => None,
        }
    }
}

/// Checks and normalizes a base URL (no trailing slash: paths are appended to it).
pub(crate) fn normalize_base_url(url: &str) -> Result<String, ConfigError> {
    let trimmed = url.trim().trim_end_matches('/');
    let invalid = |reason: &str| ConfigError::InvalidBaseUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(trimmed).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a base URL takes no query or fragment"));
    }
    Ok(trimmed.to_owned())
}

/// One header from a name and a value.
pub(crate) fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ConfigError> {
    let invalid = || ConfigError::InvalidHeader {
        name: name.to_owned(),
    };
    let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| invalid())?;
    let value = HeaderValue::from_str(value.trim()).map_err(|_| invalid())?;
    Ok((name, value))
}

/// `HYPERSPELL_CUSTOM_HEADERS`: one `Name: value` per line; blank lines are ignored.
pub(crate) fn parse_custom_headers(text: &str) -> Result<HeaderMap, ConfigError> {
    let mut headers = HeaderMap::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // The line itself is not quoted in the error: it may hold a secret.
        let Some((name, value)) = line.split_once(':') else {
            return Err(ConfigError::InvalidHeader {
                name: format!("line {}", number + 1),
            });
        };
        let (name, value) = header(name, value)?;
        headers.append(name, value);
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls() {
        assert_eq!(Region::default().base_url(), "https://api.hyperspell.com");
        assert_eq!(Region::Eu.base_url(), "https://api.eu.hyperspell.com");
        assert_eq!(
            normalize_base_url("http://localhost:8080/").unwrap(),
            "http://localhost:8080"
        );
        assert_eq!(
            normalize_base_url(" https://x.test/api/v1/ ").unwrap(),
            "https://x.test/api/v1"
        );
        for bad in ["", "api.hyperspell.com", "ftp://x", "https://x?y=1"] {
            let err = normalize_base_url(bad).unwrap_err();
            assert!(matches!(err, ConfigError::InvalidBaseUrl { .. }), "{bad}");
        }
    }

    #[test]
    fn custom_headers() {
        let h =
            parse_custom_headers("X-Team: infra\n\n  X-Trace-Id:  abc  \nX-Team: ops\n").unwrap();
        assert_eq!(h.get_all("x-team").iter().count(), 2);
        assert_eq!(h["x-trace-id"], "abc");
        assert!(parse_custom_headers("").unwrap().is_empty());
        let err = parse_custom_headers("X-A: 1\nAuthorization Bearer secret-value").unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
        assert!(!err.to_string().contains("secret-value"));
        assert!(parse_custom_headers("Bad Name: x").is_err());
    }

    #[test]
    fn missing_key_message_says_what_to_do() {
        let msg = ConfigError::MissingApiKey.to_string();
        assert!(
            msg.contains("HYPERSPELL_API_KEY") && msg.contains("api_key"),
            "{msg}"
        );
    }
}

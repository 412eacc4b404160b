//! Per-operation metadata (generated from the spec into [`crate::operations`]) and the
//! credential rules derived from the spec's security requirements.

/// One operation of the API, as the spec declares it.
///
/// The generated module [`crate::operations`] holds one `static` per operation (named after
/// the Rust method in upper snake case, e.g. [`crate::operations::ADD_BULK`]), the list
/// [`crate::operations::ALL`] and the lookup [`crate::operations::by_name`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`, e.g. `add_bulk_memories_add_bulk_post`.
    pub operation_id: &'static str,
    /// The generated client method, e.g. `add_bulk`.
    pub name: &'static str,
    /// Upper-case HTTP method, e.g. `POST`.
    pub method: &'static str,
    /// The path template, e.g. `/memories/add/bulk`.
    pub path: &'static str,
    /// Security requirement alternatives, each a list of scheme names (all of which apply
    /// together). Empty: the operation takes no credentials.
    pub security: &'static [&'static [&'static str]],
}

/// A security scheme of the spec (`components.securitySchemes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityScheme {
    pub name: &'static str,
    pub kind: SecurityKind,
}

/// What a security scheme asks the client to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecurityKind {
    /// `Authorization: Bearer <token>`.
    HttpBearer,
    /// `Authorization: Basic …`.
    HttpBasic,
    /// An API key in the named header.
    ApiKeyHeader(&'static str),
    /// An API key in the named query parameter.
    ApiKeyQuery(&'static str),
    /// An API key in the named cookie.
    ApiKeyCookie(&'static str),
    /// Anything else (OAuth2, OpenID Connect, mutual TLS).
    Other,
}

/// The header that names the user an API key acts as.
pub const AS_USER_HEADER: &str = "X-As-User";

/// Which credentials a request for one operation carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CredentialUse {
    /// Send `Authorization: Bearer <api key or user token>`.
    pub bearer: bool,
    /// Send `X-As-User` (when the client has an acting user).
    pub as_user: bool,
}

impl Operation {
    /// Which credentials this operation takes, given the spec's security schemes.
    ///
    /// The bearer token is sent when some requirement alternative names an HTTP bearer scheme;
    /// `X-As-User` when some alternative names an API-key header scheme for that header.
    /// An operation with empty `security` gets neither.
    pub fn credential_use(&self, schemes: &[SecurityScheme]) -> CredentialUse {
        let kinds = self
            .security
            .iter()
            .flat_map(|alternative| alternative.iter())
            .filter_map(|name| schemes.iter().find(|s| s.name == *name))
            .map(|s| s.kind);
        let mut usage = CredentialUse::default();
        for kind in kinds {
            match kind {
                SecurityKind::HttpBearer => usage.bearer = true,
                SecurityKind::ApiKeyHeader(header)
                    if header.eq_ignore_ascii_case(AS_USER_HEADER) =>
                {
                    usage.as_user = true
                }
                _ => {}
            }
        }
        usage
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMES: &[SecurityScheme] = &[
        SecurityScheme {
            name: "APIKey",
            kind: SecurityKind::HttpBearer,
        },
        SecurityScheme {
            name: "AsUser",
            kind: SecurityKind::ApiKeyHeader("X-As-User"),
        },
        SecurityScheme {
            name: "Other",
            kind: SecurityKind::ApiKeyHeader("X-Other"),
        },
    ];

    fn op(security: &'static [&'static [&'static str]]) -> Operation {
        Operation {
            operation_id: "x_get",
            name: "x",
            method: "GET",
            path: "/x",
            security,
        }
    }

    #[test]
    fn alternatives_and_global_requirement() {
        // per-operation SDK style: two alternatives
        assert_eq!(
            op(&[&["APIKey"], &["AsUser"]]).credential_use(SCHEMES),
            CredentialUse {
                bearer: true,
                as_user: true
            }
        );
        // global style: one alternative with both
        assert_eq!(
            op(&[&["APIKey", "AsUser"]]).credential_use(SCHEMES),
            CredentialUse {
                bearer: true,
                as_user: true
            }
        );
    }

    #[test]
    fn api_key_only_operations_send_no_acting_user() {
        assert_eq!(
            op(&[&["APIKey"]]).credential_use(SCHEMES),
            CredentialUse {
                bearer: true,
                as_user: false
            }
        );
    }

    #[test]
    fn empty_security_sends_nothing() {
        assert_eq!(op(&[]).credential_use(SCHEMES), CredentialUse::default());
        // `{}` as an alternative (optional auth) names no scheme either
        assert_eq!(op(&[&[]]).credential_use(SCHEMES), CredentialUse::default());
    }

    #[test]
    fn unknown_and_other_schemes_are_ignored() {
        assert_eq!(
            op(&[&["Nope"], &["Other"]]).credential_use(SCHEMES),
            CredentialUse::default()
        );
    }
}

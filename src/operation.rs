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
    /// The operation's own name (its builder and mock method), e.g. `add_bulk`.
    pub name: &'static str,
    /// Where it is reached, resources then method, e.g. `memories.add_bulk` for
    /// `client.memories().add_bulk()`.
    pub call: &'static str,
    /// Upper-case HTTP method, e.g. `POST`.
    pub method: &'static str,
    /// The path template, e.g. `/memories/add/bulk`.
    pub path: &'static str,
    /// Security requirement alternatives, each a list of scheme names (all of which apply
    /// together). Empty: the operation takes no credentials.
    pub security: &'static [&'static [&'static str]],
    /// The credentials a request for it carries: [`CredentialUse::of`] the kinds of the schemes
    /// `security` names, worked out when the crate is compiled.
    pub credentials: CredentialUse,
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

impl CredentialUse {
    /// What a request carries for an operation whose security requirements name schemes of
    /// these kinds: the bearer token for an HTTP bearer scheme, `X-As-User` for an API-key
    /// header scheme of that header; no kinds (empty `security`), neither.
    ///
    /// A `const fn`: the generated metadata calls it in each operation's `static`, so it runs
    /// when the crate is compiled, not per request.
    pub const fn of(kinds: &[SecurityKind]) -> CredentialUse {
        let mut usage = CredentialUse {
            bearer: false,
            as_user: false,
        };
        let mut i = 0;
        while i < kinds.len() {
            match kinds[i] {
                SecurityKind::HttpBearer => usage.bearer = true,
                SecurityKind::ApiKeyHeader(header)
                    if eq_ignore_ascii_case(header, AS_USER_HEADER) =>
                {
                    usage.as_user = true
                }
                _ => {}
            }
            i += 1;
        }
        usage
    }
}

/// `str::eq_ignore_ascii_case`, usable in a `const fn`.
const fn eq_ignore_ascii_case(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !a[i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

impl Operation {
    /// Which credentials this operation takes, worked out from its `security` and the spec's
    /// schemes at run time: what [`Operation::credentials`] holds (the tests compare them).
    pub fn credential_use(&self, schemes: &[SecurityScheme]) -> CredentialUse {
        let kinds: Vec<SecurityKind> = self
            .security
            .iter()
            .flat_map(|alternative| alternative.iter())
            .filter_map(|name| schemes.iter().find(|s| s.name == *name))
            .map(|s| s.kind)
            .collect();
        CredentialUse::of(&kinds)
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
            call: "things.x",
            method: "GET",
            path: "/x",
            security,
            credentials: CredentialUse::of(&[]),
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
    fn the_header_name_matches_in_any_case_and_only_in_full() {
        let kinds = |header| [SecurityKind::ApiKeyHeader(header)];
        assert!(CredentialUse::of(&kinds("x-as-user")).as_user);
        assert!(CredentialUse::of(&kinds("X-AS-USER")).as_user);
        assert!(!CredentialUse::of(&kinds("X-As-Use")).as_user);
        assert!(!CredentialUse::of(&kinds("X-As-Users")).as_user);
        assert!(!CredentialUse::of(&[SecurityKind::ApiKeyQuery("X-As-User")]).as_user);
    }

    #[test]
    fn unknown_and_other_schemes_are_ignored() {
        assert_eq!(
            op(&[&["Nope"], &["Other"]]).credential_use(SCHEMES),
            CredentialUse::default()
        );
    }
}

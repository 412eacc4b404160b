//! Per-operation metadata the runtime needs and progenitor does not emit: the spec's
//! operationId, method, path and security requirements, and the security schemes.
//!
//! Each operation also carries the credentials it takes, worked out when the client is
//! compiled: `crate::CredentialUse::of(&[kinds])`, a `const fn` of the kinds of the security
//! schemes its requirements name (which kind means which credential is the runtime's rule).

use proc_macro2::TokenStream;
use quote::quote;
use serde_json::Value;

use super::operation_const;
use crate::naming::Operation;

/// `pub mod operations { pub static ADD: crate::Operation = ...; ... }`.
pub fn metadata(doc: &Value, operations: &[Operation]) -> TokenStream {
    let global = doc.get("security");
    let schemes = security_schemes(doc);
    let kind_of: std::collections::HashMap<&str, &TokenStream> = schemes
        .iter()
        .map(|(name, kind)| (name.as_str(), kind))
        .collect();
    let statics = operations.iter().map(|operation| {
        let ident = operation_const(operation);
        let operation_id = operation.operation_id.clone().unwrap_or_default();
        let name = &operation.rust_name;
        let call = operation.call_path();
        let method = &operation.method;
        let path = &operation.path;
        let own = doc
            .pointer(&operation.pointer)
            .and_then(|op| op.get("security"));
        let alternatives = requirement_alternatives(own.or(global));
        // The kind of every scheme some alternative names, once per scheme (a name the
        // document does not declare is no credential).
        let mut named: Vec<&str> = Vec::new();
        for name in alternatives.iter().flatten() {
            if kind_of.contains_key(name.as_str()) && !named.contains(&name.as_str()) {
                named.push(name.as_str());
            }
        }
        let kinds = named.iter().map(|name| kind_of[name]);
        let alternatives = alternatives
            .iter()
            .map(|schemes| quote! { &[#(#schemes),*] });
        let doc_line = format!("`{method} {path}`");
        quote! {
            #[doc = #doc_line]
            pub static #ident: crate::Operation = crate::Operation {
                operation_id: #operation_id,
                name: #name,
                call: #call,
                method: #method,
                path: #path,
                security: &[#(#alternatives),*],
                credentials: crate::CredentialUse::of(&[#(#kinds),*]),
            };
        }
    });
    let all = operations.iter().map(operation_const);
    let by_name = operations.iter().map(|operation| {
        let ident = operation_const(operation);
        let name = &operation.rust_name;
        quote! { #name => Some(&#ident), }
    });
    let schemes = schemes
        .iter()
        .map(|(name, kind)| quote! { crate::SecurityScheme { name: #name, kind: #kind } });
    quote! {
        /// What the spec says about each operation, for the runtime (auth, errors, tracing).
        pub mod operations {
            #(#statics)*

            /// Every operation, in the spec's order.
            pub static ALL: &[&crate::Operation] = &[#(&#all),*];

            /// The operation whose Rust method is `name`.
            pub fn by_name(name: &str) -> Option<&'static crate::Operation> {
                match name {
                    #(#by_name)*
                    _ => None,
                }
            }

            /// The spec's `components.securitySchemes`.
            pub static SECURITY_SCHEMES: &[crate::SecurityScheme] = &[#(#schemes),*];
        }
    }
}

/// `[{A: [], B: []}, {C: []}]` → `[[A, B], [C]]`; absent → no requirement.
fn requirement_alternatives(security: Option<&Value>) -> Vec<Vec<String>> {
    security
        .and_then(Value::as_array)
        .map(|alternatives| {
            alternatives
                .iter()
                .filter_map(Value::as_object)
                .map(|requirement| requirement.keys().cloned().collect())
                .collect()
        })
        .unwrap_or_default()
}

/// (name, `crate::SecurityKind` expression) of every scheme in `components.securitySchemes`.
fn security_schemes(doc: &Value) -> Vec<(String, TokenStream)> {
    let Some(schemes) = doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemes
        .iter()
        .map(|(name, scheme)| {
            let field = |key: &str| scheme.get(key).and_then(Value::as_str).unwrap_or_default();
            let kind = match (
                field("type"),
                field("scheme").to_ascii_lowercase().as_str(),
                field("in"),
            ) {
                ("http", "bearer", _) => quote! { crate::SecurityKind::HttpBearer },
                ("http", "basic", _) => quote! { crate::SecurityKind::HttpBasic },
                ("apiKey", _, location) => {
                    let header = field("name");
                    match location {
                        "header" => quote! { crate::SecurityKind::ApiKeyHeader(#header) },
                        "query" => quote! { crate::SecurityKind::ApiKeyQuery(#header) },
                        _ => quote! { crate::SecurityKind::ApiKeyCookie(#header) },
                    }
                }
                _ => quote! { crate::SecurityKind::Other },
            };
            (name.clone(), kind)
        })
        .collect()
}

//! Secrets in generated types never reach `Debug` output.
//!
//! A response such as `{token, expires_at}` derives `Debug`, so logging it would print the
//! token. Struct fields whose name says they hold a credential (`token`, `install_token`,
//! `client_secret`, `password`, `api_key`, `user_key`, ...; not pagination tokens or token
//! counts) and
//! whose type is a string get a hand-written `Debug` that prints `"[redacted]"` instead.

use quote::quote;
use syn::{Fields, Item, ItemStruct, Type};

/// Rewrites `Debug` of every struct in `mod types` that has a credential field; returns how
/// many structs were changed.
pub fn redact_secrets(file: &mut syn::File) -> usize {
    let Some(types) = super::types_module(file) else {
        return 0;
    };
    let mut impls = Vec::new();
    for item in types.iter_mut() {
        let Item::Struct(structure) = item else {
            continue;
        };
        if let Some(debug) = redacting_debug(structure) {
            impls.push(debug);
        }
    }
    let count = impls.len();
    types.extend(impls);
    count
}

fn redacting_debug(structure: &mut ItemStruct) -> Option<Item> {
    let Fields::Named(fields) = &structure.fields else {
        return None;
    };
    let secret: Vec<bool> = fields
        .named
        .iter()
        .map(|f| {
            f.ident
                .as_ref()
                .is_some_and(|i| is_credential_name(&i.to_string()))
                && is_string(&f.ty)
        })
        .collect();
    if !secret.contains(&true) || !super::remove_derive(&mut structure.attrs, "Debug") {
        return None;
    }
    let Fields::Named(fields) = &structure.fields else {
        return None;
    };
    let entries = fields.named.iter().zip(&secret).map(|(field, secret)| {
        let ident = field.ident.as_ref().expect("named field");
        let name = ident.to_string();
        let name = name.strip_suffix('_').unwrap_or(&name);
        if *secret {
            if is_option(&field.ty) {
                quote! { .field(#name, &self.#ident.as_ref().map(|_| "[redacted]")) }
            } else {
                quote! { .field(#name, &"[redacted]") }
            }
        } else {
            quote! { .field(#name, &self.#ident) }
        }
    });
    let ident = &structure.ident;
    let title = ident.to_string();
    Some(syn::parse_quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#title) #(#entries)* .finish()
            }
        }
    })
}

/// `token`, `user_token`, `client_secret`, `api_key`, `password`...; not `page_token`,
/// `next_token` (pagination) nor `tokens`, `token_count` (counts).
fn is_credential_name(name: &str) -> bool {
    let name = name.trim_end_matches('_');
    let pagination = ["page_", "next_", "continuation_", "cursor"]
        .iter()
        .any(|p| name.starts_with(p));
    let credential = [
        "token",
        "secret",
        "password",
        "api_key",
        "apikey",
        "private_key",
        "secret_key",
        "access_key",
        "signing_key",
        "user_key",
    ]
    .iter()
    .any(|suffix| name == *suffix || name.ends_with(&format!("_{suffix}")));
    credential && !pagination
}

fn is_string(ty: &Type) -> bool {
    let text = quote!(#ty).to_string().replace(' ', "");
    text.ends_with("String") || text.ends_with("String>")
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

#[cfg(test)]
mod tests {
    use super::is_credential_name;

    #[test]
    fn credential_names() {
        for name in [
            "token",
            "install_token",
            "access_token",
            "client_secret",
            "api_key",
            "password",
            "type_",
        ] {
            assert_eq!(is_credential_name(name), name != "type_", "{name}");
        }
        for name in [
            "page_token",
            "next_token",
            "tokens",
            "token_count",
            "token_usage",
            "max_tokens",
        ] {
            assert!(!is_credential_name(name), "{name}");
        }
    }
}

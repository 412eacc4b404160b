//! Secrets in generated types never reach `Debug` output.
//!
//! A response such as `{token, expires_at}` derives `Debug`, so logging it would print the
//! token. Struct fields whose name says they hold a credential (`token`, `install_token`,
//! `client_secret`, `password`, `api_key`, `user_key`, ...; not pagination tokens or token
//! counts) and
//! whose type is a string get a hand-written `Debug` that prints `"[redacted]"` instead.
//! The same goes for the builders of those types (`types::builder`, whose fields are
//! `Result<String, String>`): a builder filled from a response must not print it either.

use quote::quote;
use syn::{Fields, Item, ItemStruct, Type};

/// Rewrites `Debug` of every struct in `mod types` and its inner modules (`mod builder`) that
/// has a credential field; returns how many structs were changed.
pub fn redact_secrets(file: &mut syn::File) -> usize {
    let Some(types) = super::types_module(file) else {
        return 0;
    };
    redact_items(types)
}

fn redact_items(items: &mut Vec<Item>) -> usize {
    let mut count = 0;
    let mut impls = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Struct(structure) => {
                if let Some(debug) = redacting_debug(structure) {
                    impls.push(debug);
                }
            }
            Item::Mod(module) => {
                if let Some((_, inner)) = &mut module.content {
                    count += redact_items(inner);
                }
            }
            _ => {}
        }
    }
    count += impls.len();
    items.extend(impls);
    count
}

fn redacting_debug(structure: &mut ItemStruct) -> Option<Item> {
    let Fields::Named(fields) = &structure.fields else {
        return None;
    };
    let secret: Vec<Option<Shape>> = fields
        .named
        .iter()
        .map(|f| {
            let credential = f
                .ident
                .as_ref()
                .is_some_and(|i| is_credential_name(&i.to_string()));
            credential.then(|| string_shape(&f.ty)).flatten()
        })
        .collect();
    if secret.iter().all(Option::is_none) || !super::remove_derive(&mut structure.attrs, "Debug") {
        return None;
    }
    let Fields::Named(fields) = &structure.fields else {
        return None;
    };
    let entries = fields.named.iter().zip(&secret).map(|(field, secret)| {
        let ident = field.ident.as_ref().expect("named field");
        let name = ident.to_string();
        let name = name.strip_suffix('_').unwrap_or(&name);
        match secret {
            Some(Shape::Plain) => quote! { .field(#name, &"[redacted]") },
            Some(Shape::Option) => {
                quote! { .field(#name, &self.#ident.as_ref().map(|_| "[redacted]")) }
            }
            // A builder's field: its error (what went wrong setting it) stays readable.
            Some(Shape::Result) => {
                quote! { .field(#name, &self.#ident.as_ref().map(|_| "[redacted]")) }
            }
            Some(Shape::ResultOption) => quote! {
                .field(#name, &self.#ident.as_ref().map(|v| v.as_ref().map(|_| "[redacted]")))
            },
            None => quote! { .field(#name, &self.#ident) },
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

/// How a credential string is held: `String`, `Option<String>`, or a builder's
/// `Result<String, _>` / `Result<Option<String>, _>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Plain,
    Option,
    Result,
    ResultOption,
}

fn string_shape(ty: &Type) -> Option<Shape> {
    match last_segment(ty) {
        Some((name, _)) if name == "String" => Some(Shape::Plain),
        Some((name, Some(inner))) if name == "Option" => {
            (string_shape(inner)? == Shape::Plain).then_some(Shape::Option)
        }
        Some((name, Some(inner))) if name == "Result" => match string_shape(inner)? {
            Shape::Plain => Some(Shape::Result),
            Shape::Option => Some(Shape::ResultOption),
            _ => None,
        },
        _ => None,
    }
}

/// The last path segment's name and its first type argument.
fn last_segment(ty: &Type) -> Option<(String, Option<&Type>)> {
    let Type::Path(path) = ty else {
        return None;
    };
    let segment = path.path.segments.last()?;
    let first = match &segment.arguments {
        syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    };
    Some((segment.ident.to_string(), first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_their_builders_get_a_redacting_debug() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(Clone, Debug)]
                pub struct TokenResponse {
                    pub token: ::std::string::String,
                    pub refresh_token: Option<String>,
                    pub token_count: i64,
                }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct TokenResponse {
                        token: ::std::result::Result<::std::string::String, ::std::string::String>,
                        refresh_token: Result<Option<String>, String>,
                        expires_at: Result<::chrono::DateTime<::chrono::offset::Utc>, String>,
                    }
                    #[derive(Clone, Debug)]
                    pub struct Other {
                        name: Result<String, String>,
                        token: Result<i64, String>,
                    }
                }
            }
        };
        assert_eq!(redact_secrets(&mut file), 2);
        let code = quote!(#file).to_string().replace(' ', "");
        assert_eq!(code.matches("[redacted]").count(), 4, "{code}");
        assert!(code.contains(".field(\"token\",&self.token.as_ref().map(|_|\"[redacted]\"))"));
        assert!(
            code.contains(".field(\"expires_at\",&self.expires_at)"),
            "{code}"
        );
        // `Other` has no string credential: its derive stays.
        assert_eq!(code.matches("#[derive(Clone,Debug)]").count(), 1, "{code}");
    }

    #[test]
    fn string_shapes() {
        let shape = |ty: syn::Type| string_shape(&ty);
        assert_eq!(
            shape(syn::parse_quote!(::std::string::String)),
            Some(Shape::Plain)
        );
        assert_eq!(
            shape(syn::parse_quote!(Option<String>)),
            Some(Shape::Option)
        );
        assert_eq!(
            shape(syn::parse_quote!(Result<String, String>)),
            Some(Shape::Result)
        );
        assert_eq!(
            shape(syn::parse_quote!(Result<Option<String>, String>)),
            Some(Shape::ResultOption)
        );
        assert_eq!(
            shape(syn::parse_quote!(Result<DateTime<Utc>, String>)),
            None
        );
        assert_eq!(shape(syn::parse_quote!(i64)), None);
    }

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

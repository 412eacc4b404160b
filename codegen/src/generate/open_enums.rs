//! Open string enums: a value the server adds later decodes, and can be sent.
//!
//! typify renders a string `enum` as a closed Rust enum: a response carrying a value the spec
//! did not list fails to decode, and a builder refuses a value the client does not know. The
//! server moves on while a deployed client does not, so every string enum with more than one
//! value is rewritten to keep its known values as variants plus one variant (`Unknown`, or
//! `UnknownValue` when a known value already takes that name) that carries any other string
//! verbatim:
//! - `Deserialize` accepts any string (a known one without allocating), `Serialize` writes back
//!   exactly what was read;
//! - `From<&str>`, `From<String>`, `FromStr` (infallible) and so `TryFrom<&str>` accept any
//!   string: a builder's `TryInto<T>` setter takes a value the server added later;
//! - `as_str()` and `Display` give the wire string;
//! - the enum is `#[non_exhaustive]`: a new known value in a later release is not a breaking
//!   change for callers that match on it.
//!
//! Single-value enums (discriminator tags, `const`) stay closed: a union is told apart by them.
//!
//! typify's own `Display`, `FromStr` and `TryFrom` impls of a rewritten enum are replaced; if
//! one of them is not where it is expected, typify's output has changed and generation fails
//! rather than emitting a half-open enum.

use std::collections::BTreeMap;

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemEnum, ItemImpl, LitStr, Type};

use crate::diagnostic::Diagnostic;
use crate::load::Spec;

/// The typify impls an open enum replaces, by the trait's last path segment.
const REPLACED_IMPLS: [&str; 3] = ["Display", "FromStr", "TryFrom"];
/// The two of them every typify string enum has: their absence means typify's output changed.
const EXPECTED_IMPLS: [&str; 2] = ["Display", "FromStr"];

/// Rewrites every string enum of more than one value in `mod types`. Returns how many.
pub fn open(spec: &Spec, file: &mut syn::File) -> Result<usize, Diagnostic> {
    let Some(types) = super::types_module(file) else {
        return Ok(0);
    };
    let mut plans: BTreeMap<String, Vec<(syn::Ident, String)>> = BTreeMap::new();
    for item in types.iter() {
        if let Item::Enum(e) = item
            && let Some(values) = string_values(e)
            && values.len() > 1
        {
            plans.insert(e.ident.to_string(), values);
        }
    }
    if plans.is_empty() {
        return Ok(0);
    }

    // typify's impls of the rewritten enums go; count what was found per enum.
    let mut found: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    types.retain(|item| {
        let Item::Impl(block) = item else { return true };
        let Some((name, trait_name)) = impl_of(block) else {
            return true;
        };
        match plans.get_key_value(&name) {
            Some((key, _)) if REPLACED_IMPLS.contains(&trait_name.as_str()) => {
                found.entry(key.as_str()).or_default().push(trait_name);
                false
            }
            _ => true,
        }
    });
    for name in plans.keys() {
        let traits = found.get(name.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(missing) = EXPECTED_IMPLS
            .iter()
            .find(|expected| !traits.iter().any(|t| t == *expected))
        {
            return Err(Diagnostic::new(
                &spec.file,
                format!(
                    "internal error: typify's string enum `{name}` has no `{missing}` impl where \
                     the open-enum pass expects one: the generator's output has changed"
                ),
            )
            .help(
                "the pinned typify version produces it; check the versions in codegen/Cargo.toml",
            ));
        }
    }

    let mut added = vec![visitor_module()];
    for item in types.iter_mut() {
        let Item::Enum(e) = item else { continue };
        let Some(values) = plans.get(&e.ident.to_string()) else {
            continue;
        };
        added.push(rewrite(e, values));
    }
    let count = plans.len();
    for tokens in added {
        let file: syn::File = syn::parse2(tokens).map_err(|e| {
            Diagnostic::new(&spec.file, format!("internal error: open enum code: {e}"))
        })?;
        types.extend(file.items);
    }
    Ok(count)
}

/// The variants and wire values of a typify string enum: unit variants only, each with its
/// `#[serde(rename = "..")]` (or named as its value), and no serde attribute on the enum.
fn string_values(e: &ItemEnum) -> Option<Vec<(syn::Ident, String)>> {
    if !super::derive_names(&e.attrs)
        .iter()
        .any(|d| d == "Deserialize")
        || e.attrs.iter().any(|a| a.path().is_ident("serde"))
    {
        return None;
    }
    e.variants
        .iter()
        .map(|variant| {
            if !matches!(variant.fields, Fields::Unit) {
                return None;
            }
            let mut wire = variant.ident.to_string();
            for attr in variant.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                let mut renamed = None;
                attr.parse_nested_meta(|meta| {
                    if meta.path.is_ident("rename") {
                        renamed = Some(meta.value()?.parse::<LitStr>()?.value());
                        Ok(())
                    } else {
                        Err(meta.error("not a rename"))
                    }
                })
                .ok()?;
                wire = renamed?;
            }
            Some((variant.ident.clone(), wire))
        })
        .collect()
}

/// `impl Trait for Name` → (`Name`, `Trait`'s last segment).
fn impl_of(block: &ItemImpl) -> Option<(String, String)> {
    let (_, trait_path, _) = block.trait_.as_ref()?;
    let Type::Path(self_ty) = &*block.self_ty else {
        return None;
    };
    Some((
        self_ty.path.segments.last()?.ident.to_string(),
        trait_path.segments.last()?.ident.to_string(),
    ))
}

/// The name of the catch-all variant: `Unknown`, unless a known value took it.
fn catch_all_name(values: &[(syn::Ident, String)]) -> syn::Ident {
    ["Unknown", "UnknownValue", "UnknownWireValue"]
        .into_iter()
        .map(|name| syn::Ident::new(name, Span::call_site()))
        .find(|candidate| values.iter().all(|(ident, _)| ident != candidate))
        .unwrap_or_else(|| format_ident!("UnknownValue{}", values.len()))
}

/// Rewrites the enum in place; returns its new impls.
fn rewrite(e: &mut ItemEnum, values: &[(syn::Ident, String)]) -> TokenStream {
    for name in ["Serialize", "Deserialize", "Copy"] {
        super::remove_derive(&mut e.attrs, name);
    }
    e.attrs.push(syn::parse_quote! { #[non_exhaustive] });
    for variant in e.variants.iter_mut() {
        variant.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    let unknown = catch_all_name(values);
    e.variants.push(syn::parse_quote! {
        /// A value this client does not know (the API added it later), kept verbatim.
        #unknown(::std::string::String)
    });

    let name = &e.ident;
    let idents: Vec<&syn::Ident> = values.iter().map(|(ident, _)| ident).collect();
    let wires: Vec<&String> = values.iter().map(|(_, wire)| wire).collect();
    let expecting = format!("a `{name}` string");
    quote! {
        impl #name {
            /// The value as it is sent and received.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    _ => Self::#unknown(value.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#wires => Self::#idents,)*
                    _ => Self::#unknown(value),
                }
            }
        }
        impl ::std::convert::From<&::std::string::String> for #name {
            fn from(value: &::std::string::String) -> Self {
                Self::from(value.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(Self::from(value))
            }
        }
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                deserializer.deserialize_str(open_enum::StringVisitor::<Self>::new(#expecting))
            }
        }
    }
}

/// One `Visitor` for every open enum: a borrowed string is matched without allocating.
fn visitor_module() -> TokenStream {
    quote! {
        /// Decoding shared by the open string enums.
        mod open_enum {
            pub(super) struct StringVisitor<T> {
                expecting: &'static str,
                target: ::std::marker::PhantomData<T>,
            }
            impl<T> StringVisitor<T> {
                pub(super) fn new(expecting: &'static str) -> Self {
                    StringVisitor { expecting, target: ::std::marker::PhantomData }
                }
            }
            impl<'de, T> ::serde::de::Visitor<'de> for StringVisitor<T>
            where
                T: for<'a> ::std::convert::From<&'a str> + ::std::convert::From<::std::string::String>,
            {
                type Value = T;
                fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.expecting)
                }
                fn visit_str<E: ::serde::de::Error>(self, value: &str) -> ::std::result::Result<T, E> {
                    ::std::result::Result::Ok(T::from(value))
                }
                fn visit_string<E: ::serde::de::Error>(
                    self,
                    value: ::std::string::String,
                ) -> ::std::result::Result<T, E> {
                    ::std::result::Result::Ok(T::from(value))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        crate::normalize::test_support::spec(crate::normalize::test_support::with_paths(
            serde_json::json!({}),
        ))
    }

    fn types(items: TokenStream) -> syn::File {
        syn::parse2(quote! { pub mod types { #items } }).unwrap()
    }

    fn typify_enum(name: &str, values: &[&str]) -> TokenStream {
        let ident = format_ident!("{name}");
        let variants: Vec<syn::Ident> = values
            .iter()
            .map(|v| format_ident!("{}", heck::ToUpperCamelCase::to_upper_camel_case(*v)))
            .collect();
        quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug, Eq, Hash, PartialEq)]
            pub enum #ident { #( #[serde(rename = #values)] #variants, )* }
            impl ::std::fmt::Display for #ident {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() }
            }
            impl ::std::str::FromStr for #ident {
                type Err = self::error::ConversionError;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> { todo!() }
            }
            impl ::std::convert::TryFrom<&str> for #ident {
                type Error = self::error::ConversionError;
                fn try_from(value: &str) -> ::std::result::Result<Self, Self::Error> { value.parse() }
            }
            impl ::std::convert::From<&#ident> for #ident {
                fn from(value: &#ident) -> Self { value.clone() }
            }
        }
    }

    fn text(file: &syn::File) -> String {
        prettyplease::unparse(file)
    }

    #[test]
    fn a_string_enum_gets_a_catch_all_variant_and_its_own_impls() {
        let mut file = types(typify_enum("Provider", &["slack", "google_drive"]));
        assert_eq!(open(&spec(), &mut file).unwrap(), 1);
        let code = text(&file);
        assert!(code.contains("#[non_exhaustive]"), "{code}");
        assert!(code.contains("Unknown(::std::string::String)"), "{code}");
        assert!(!code.contains("Copy"), "{code}");
        assert!(!code.contains("#[serde(rename"), "{code}");
        assert!(
            !code.contains("ConversionError"),
            "typify's impls stay: {code}"
        );
        assert!(
            code.contains("\"google_drive\" => Self::GoogleDrive"),
            "{code}"
        );
        // The clone conversion typify adds to every type is kept.
        assert!(code.contains("From<&Provider> for Provider"), "{code}");
        assert!(code.contains("mod open_enum"), "{code}");
    }

    #[test]
    fn single_value_enums_and_tagged_enums_stay_closed() {
        let tag = typify_enum("Kind", &["document"]);
        let untagged = quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(untagged)]
            pub enum Either { A(String), B(i64) }
        };
        let mut file = types(quote! { #tag #untagged });
        let before = text(&file);
        assert_eq!(open(&spec(), &mut file).unwrap(), 0);
        assert_eq!(text(&file), before);
    }

    #[test]
    fn a_known_value_named_unknown_moves_the_catch_all() {
        let mut file = types(typify_enum("State", &["known", "unknown"]));
        open(&spec(), &mut file).unwrap();
        let code = text(&file);
        assert!(
            code.contains("UnknownValue(::std::string::String)"),
            "{code}"
        );
        assert!(code.contains("\"unknown\" => Self::Unknown"), "{code}");
    }

    #[test]
    fn a_string_enum_without_typify_impls_is_an_error() {
        let mut file = types(quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum Bare { #[serde(rename = "a")] A, #[serde(rename = "b")] B }
        });
        let error = open(&spec(), &mut file).unwrap_err().to_string();
        assert!(error.contains("`Bare` has no `Display` impl"), "{error}");
    }
}

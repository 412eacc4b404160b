//! Lossless objects: the fields of a response this client does not know are kept.
//!
//! serde ignores unknown fields on decode, so a value decoded and serialized again (a service
//! that proxies, caches or stores API objects) silently loses whatever the server added after
//! the client was built. Every generated struct that accepts unknown fields (no
//! `deny_unknown_fields`, i.e. the schema does not say `additionalProperties: false`) gets
//!
//! ```text
//! #[serde(flatten)]
//! pub extra_fields: serde_json::Map<String, serde_json::Value>,
//! ```
//!
//! (`extra_fields_` if a property already has that name), which holds them on decode and
//! writes them back on encode; it is empty unless the server sent more than the spec says or
//! the caller set some (the builder's `extra_field(key, value)`: a request field the spec does
//! not describe yet).
//!
//! Structs deriving `Hash` or `Ord` (a map has neither) are left closed.
//!
//! typify's builder for each struct is extended to carry the map through: its struct, its
//! `Default`, and both conversions. When one of these is not where it is expected, typify's
//! output has changed and generation fails rather than dropping fields.

use std::collections::BTreeMap;

use quote::{format_ident, quote};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Fields, Item, ItemStruct, Type};

use crate::diagnostic::Diagnostic;
use crate::load::Spec;

/// Adds the extra-fields map to every open struct of `mod types` and its builder.
/// Returns how many structs got one.
pub fn keep(spec: &Spec, file: &mut syn::File) -> Result<usize, Diagnostic> {
    let Some(types) = super::types_module(file) else {
        return Ok(0);
    };
    let mut opened: BTreeMap<String, syn::Ident> = BTreeMap::new();
    for item in types.iter_mut() {
        if let Item::Struct(s) = item
            && let Some(field) = open(s)
        {
            opened.insert(s.ident.to_string(), field);
        }
    }

    // typify's own literals of an opened struct (`impl Default for X`) start it empty.
    for item in types.iter_mut() {
        if let Item::Impl(block) = item
            && let Some(name) = last_ident(&block.self_ty)
            && let Some(field) = opened.get(&name)
        {
            AddField {
                field: syn::parse_quote! { #field: ::std::default::Default::default() },
                added: false,
            }
            .visit_item_impl_mut(block);
        }
    }

    let Some(builders) = types.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        return Ok(opened.len());
    };
    // Per struct: (builder struct, Default, TryFrom<builder>, From<struct>) found.
    let mut found: BTreeMap<String, [bool; 4]> = BTreeMap::new();
    let mut setters = Vec::new();
    for item in builders.iter_mut() {
        match item {
            Item::Struct(s) => {
                let Some(field) = opened.get(&s.ident.to_string()) else {
                    continue;
                };
                let Fields::Named(fields) = &mut s.fields else {
                    continue;
                };
                fields.named.push(syn::parse_quote! {
                    #field: ::serde_json::Map<::std::string::String, ::serde_json::Value>
                });
                found.entry(s.ident.to_string()).or_default()[0] = true;
                let builder = &s.ident;
                setters.push(quote! {
                    impl #builder {
                        /// Adds a field the API description does not list (yet); sent as is.
                        pub fn extra_field(
                            mut self,
                            key: impl ::std::convert::Into<::std::string::String>,
                            value: impl ::std::convert::Into<::serde_json::Value>,
                        ) -> Self {
                            self.#field.insert(key.into(), value.into());
                            self
                        }
                    }
                });
            }
            Item::Impl(block) => {
                let Some((target, slot, value)) = conversion(block, &opened) else {
                    continue;
                };
                let field = &opened[&target];
                let value = match value {
                    Conversion::Default => quote! { ::std::default::Default::default() },
                    Conversion::Moved => quote! { value.#field },
                };
                let mut add = AddField {
                    field: syn::parse_quote! { #field: #value },
                    added: false,
                };
                add.visit_item_impl_mut(block);
                if add.added {
                    found.entry(target).or_default()[slot] = true;
                }
            }
            _ => {}
        }
    }
    for (name, _) in opened.iter() {
        let parts = found.get(name).copied().unwrap_or_default();
        // A struct typify made no builder for has nothing to extend.
        if parts == [false; 4] {
            continue;
        }
        if let Some(missing) = parts.iter().position(|done| !done) {
            let what = ["struct", "Default impl", "TryFrom impl", "From impl"][missing];
            return Err(Diagnostic::new(
                &spec.file,
                format!(
                    "internal error: the builder {what} of `{name}` is not shaped as the \
                     extra-fields pass expects: the generator's output has changed"
                ),
            )
            .help(
                "the pinned typify version produces it; check the versions in codegen/Cargo.toml",
            ));
        }
    }
    for tokens in setters {
        builders.push(syn::parse2(tokens).expect("setter parses"));
    }
    Ok(opened.len())
}

/// Adds the map to `s` if it is open; returns the field's name.
fn open(s: &mut ItemStruct) -> Option<syn::Ident> {
    let derives = super::derive_names(&s.attrs);
    if !derives.iter().any(|d| d == "Deserialize")
        || derives.iter().any(|d| d == "Hash" || d == "Ord")
        || s.attrs.iter().any(|a| {
            a.path().is_ident("serde") && quote!(#a).to_string().contains("deny_unknown_fields")
        })
    {
        return None;
    }
    let Fields::Named(fields) = &mut s.fields else {
        return None;
    };
    if fields.named.iter().any(|f| {
        f.attrs
            .iter()
            .any(|a| a.path().is_ident("serde") && quote!(#a).to_string().contains("flatten"))
    }) {
        return None;
    }
    let taken = |name: &str| {
        fields
            .named
            .iter()
            .any(|f| f.ident.as_ref().is_some_and(|i| i == name))
    };
    let field = if taken("extra_fields") {
        format_ident!("extra_fields_")
    } else {
        format_ident!("extra_fields")
    };
    fields.named.push(syn::parse_quote! {
        /// Fields the server sent that this client does not know, kept as received (and sent
        /// back when the value is serialized).
        #[serde(flatten)]
        pub #field: ::serde_json::Map<::std::string::String, ::serde_json::Value>
    });
    Some(field)
}

enum Conversion {
    /// `impl Default for builder::X`: an empty map.
    Default,
    /// `TryFrom<builder::X> for super::X` / `From<super::X> for builder::X`: the map moves.
    Moved,
}

/// Which builder impl `block` is: (struct name, slot in the `found` array, how the map is set).
fn conversion(
    block: &syn::ItemImpl,
    opened: &BTreeMap<String, syn::Ident>,
) -> Option<(String, usize, Conversion)> {
    let (_, trait_path, _) = block.trait_.as_ref()?;
    let trait_name = trait_path.segments.last()?;
    let self_name = last_ident(&block.self_ty)?;
    let is_super = matches!(&*block.self_ty, Type::Path(p) if p.path.segments.len() > 1);
    match trait_name.ident.to_string().as_str() {
        "Default" if opened.contains_key(&self_name) => Some((self_name, 1, Conversion::Default)),
        "TryFrom" if is_super && opened.contains_key(&self_name) => {
            Some((self_name, 2, Conversion::Moved))
        }
        "From" if !is_super && opened.contains_key(&self_name) => {
            // `From<super::X> for X`, not typify's `From<&X> for X`.
            let text = quote!(#trait_name).to_string();
            text.contains("super")
                .then_some((self_name, 3, Conversion::Moved))
        }
        _ => None,
    }
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Adds a field to the `Self { .. }` struct expression of an impl.
struct AddField {
    field: syn::FieldValue,
    added: bool,
}

impl VisitMut for AddField {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        if let Expr::Struct(literal) = expr
            && literal.path.is_ident("Self")
            && literal.rest.is_none()
        {
            literal.fields.push(self.field.clone());
            self.added = true;
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

    fn typify_struct(derives: proc_macro2::TokenStream) -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                #[derive(#derives)]
                pub struct Doc { pub id: String }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct Doc { id: Result<String, String> }
                    impl ::std::default::Default for Doc {
                        fn default() -> Self { Self { id: Err("no value".to_string()) } }
                    }
                    impl ::std::convert::TryFrom<Doc> for super::Doc {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Doc) -> Result<Self, super::error::ConversionError> {
                            Ok(Self { id: value.id? })
                        }
                    }
                    impl ::std::convert::From<super::Doc> for Doc {
                        fn from(value: super::Doc) -> Self { Self { id: Ok(value.id) } }
                    }
                }
            }
        })
        .unwrap()
    }

    fn compact(file: &syn::File) -> String {
        prettyplease::unparse(file).replace(char::is_whitespace, "")
    }

    #[test]
    fn open_structs_keep_unknown_fields_through_their_builders() {
        let mut file = typify_struct(quote! { ::serde::Deserialize, ::serde::Serialize, Clone });
        assert_eq!(keep(&spec(), &mut file).unwrap(), 1);
        let code = compact(&file);
        for expected in [
            "#[serde(flatten)]pubextra_fields:::serde_json::Map<",
            "id:Err(\"novalue\".to_string()),extra_fields:::std::default::Default::default(),}",
            "Ok(Self{id:value.id?,extra_fields:value.extra_fields,})",
            "Self{id:Ok(value.id),extra_fields:value.extra_fields,}",
            "pubfnextra_field(",
        ] {
            assert!(code.contains(expected), "`{expected}` not in {code}");
        }
    }

    #[test]
    fn hashable_structs_stay_closed() {
        let mut file = typify_struct(quote! { ::serde::Deserialize, Clone, Hash, Eq, PartialEq });
        let before = compact(&file);
        assert_eq!(keep(&spec(), &mut file).unwrap(), 0);
        assert_eq!(compact(&file), before);
    }

    #[test]
    fn a_builder_conversion_of_another_shape_is_an_error() {
        let mut file = typify_struct(quote! { ::serde::Deserialize });
        // Remove the From impl: the builder no longer has the expected shape.
        let syn::Item::Mod(types) = &mut file.items[0] else {
            unreachable!()
        };
        let syn::Item::Mod(builder) = &mut types.content.as_mut().unwrap().1[1] else {
            unreachable!()
        };
        builder.content.as_mut().unwrap().1.pop();
        let error = keep(&spec(), &mut file).unwrap_err().to_string();
        assert!(error.contains("From impl of `Doc`"), "{error}");
    }
}

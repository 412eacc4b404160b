//! Discriminated unions: decode by tag, keep unknown variants.
//!
//! typify renders `oneOf` + `discriminator` as an *untagged* enum of struct variants. Untagged
//! decoding tries every variant in turn, which on recursive document trees costs
//! (variants tried)^(depth), and a variant the server adds later fails the whole response.
//!
//! The union is recognized from the generated types themselves, so the rule holds for any
//! spec: an untagged enum whose variants are all structs carrying the same property, each of
//! whose types is a single-value enum (the tag), distinct per variant, with a default (the
//! struct still gets its tag when serde has consumed it). Such an enum is rewritten to:
//! - `#[serde(tag = "<property>")]` for decoding, each variant renamed to its tag value;
//! - a last `#[serde(untagged)] Unknown(serde_json::Value)` variant that keeps anything else
//!   (an unknown tag, or a known tag whose body no longer fits: a tolerant reader);
//! - a hand-written `Serialize` that writes the inner struct as is (it carries its own tag).

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::{Fields, GenericArgument, Item, ItemEnum, ItemStruct, PathArguments, Type};

/// Rewrites every recognized union in `mod types`. Returns how many were rewritten.
pub fn tag_unions(file: &mut syn::File) -> usize {
    let Some(types) = super::types_module(file) else {
        return 0;
    };

    let single_value_enums: BTreeMap<String, String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) => single_value(e).map(|tag| (e.ident.to_string(), tag)),
            _ => None,
        })
        .collect();
    let structs: BTreeMap<String, &ItemStruct> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) => Some((s.ident.to_string(), s)),
            _ => None,
        })
        .collect();

    let mut rewrites = Vec::new();
    for (index, item) in types.iter().enumerate() {
        let Item::Enum(union) = item else { continue };
        if let Some(plan) = plan(union, &structs, &single_value_enums) {
            rewrites.push((index, plan));
        }
    }
    let count = rewrites.len();
    let mut serialize_impls = Vec::new();
    for (index, plan) in rewrites {
        let Item::Enum(union) = &mut types[index] else {
            continue;
        };
        serialize_impls.push(rewrite(union, &plan));
    }
    types.extend(serialize_impls);
    count
}

/// The tag property and each variant's tag value.
struct Plan {
    property: String,
    tags: Vec<String>,
}

fn plan(
    union: &ItemEnum,
    structs: &BTreeMap<String, &ItemStruct>,
    single_value_enums: &BTreeMap<String, String>,
) -> Option<Plan> {
    if !has_serde_word(&union.attrs, "untagged") || union.variants.is_empty() {
        return None;
    }
    // Per variant: property name → tag value, for every candidate tag field.
    let mut candidates: Vec<BTreeMap<String, String>> = Vec::new();
    for variant in &union.variants {
        let Fields::Unnamed(fields) = &variant.fields else {
            return None;
        };
        let [field] = fields.unnamed.iter().collect::<Vec<_>>()[..] else {
            return None;
        };
        let inner = innermost_ident(&field.ty)?;
        let body = structs.get(&inner)?;
        let Fields::Named(named) = &body.fields else {
            return None;
        };
        let mut tags = BTreeMap::new();
        for field in &named.named {
            let Some(type_name) = innermost_ident(&field.ty) else {
                continue;
            };
            let Some(tag) = single_value_enums.get(&type_name) else {
                continue;
            };
            let has_default = serde_value(&field.attrs, "default").is_some()
                || has_serde_word(&field.attrs, "default");
            if !has_default {
                continue;
            }
            let property = serde_value(&field.attrs, "rename").unwrap_or_else(|| {
                field
                    .ident
                    .as_ref()
                    .map(|i| i.to_string())
                    .unwrap_or_default()
            });
            tags.insert(property, tag.clone());
        }
        candidates.push(tags);
    }
    let common: BTreeSet<&String> = candidates
        .iter()
        .map(|tags| tags.keys().collect::<BTreeSet<_>>())
        .reduce(|a, b| a.intersection(&b).copied().collect())?;
    let property = common.into_iter().find(|property| {
        let values: BTreeSet<&String> = candidates.iter().map(|tags| &tags[*property]).collect();
        values.len() == candidates.len()
    })?;
    Some(Plan {
        property: property.clone(),
        tags: candidates
            .iter()
            .map(|tags| tags[property].clone())
            .collect(),
    })
}

fn rewrite(union: &mut ItemEnum, plan: &Plan) -> Item {
    union.attrs.retain(|attr| !is_serde_word(attr, "untagged"));
    super::remove_derive(&mut union.attrs, "Serialize");
    let property = &plan.property;
    union
        .attrs
        .push(syn::parse_quote! { #[serde(tag = #property)] });
    for (variant, tag) in union.variants.iter_mut().zip(&plan.tags) {
        variant
            .attrs
            .push(syn::parse_quote! { #[serde(rename = #tag)] });
    }
    union.variants.push(syn::parse_quote! {
        /// A variant this client does not know (e.g. added to the API later), kept as JSON.
        #[serde(untagged)]
        Unknown(::serde_json::Value)
    });
    let name = &union.ident;
    let arms = union.variants.iter().map(|variant| {
        let ident = &variant.ident;
        quote! { Self::#ident(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    syn::parse_quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#arms)*
                }
            }
        }
    }
}

/// The only value of a unit-variant enum with one variant, from its `#[serde(rename)]`.
fn single_value(e: &ItemEnum) -> Option<String> {
    let [variant] = e.variants.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    if !matches!(variant.fields, Fields::Unit) {
        return None;
    }
    Some(serde_value(&variant.attrs, "rename").unwrap_or_else(|| variant.ident.to_string()))
}

/// `Foo`, `Box<Foo>`, `Option<Foo>`, `::std::boxed::Box<Foo>` → `Foo`.
fn innermost_ident(ty: &Type) -> Option<String> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let wrapper = matches!(last.ident.to_string().as_str(), "Box" | "Option");
    match &last.arguments {
        PathArguments::AngleBracketed(args) if wrapper => {
            args.args.iter().find_map(|arg| match arg {
                GenericArgument::Type(inner) => innermost_ident(inner),
                _ => None,
            })
        }
        PathArguments::None => Some(last.ident.to_string()),
        _ => None,
    }
}

fn is_serde_word(attr: &syn::Attribute, word: &str) -> bool {
    attr.path().is_ident("serde")
        && attr
            .parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            )
            .is_ok_and(|metas| {
                metas
                    .iter()
                    .any(|m| matches!(m, syn::Meta::Path(p) if p.is_ident(word)))
            })
}

fn has_serde_word(attrs: &[syn::Attribute], word: &str) -> bool {
    attrs.iter().any(|attr| is_serde_word(attr, word))
}

/// `#[serde(key = "value")]` → `value`.
fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .find_map(|attr| {
            let metas = attr
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            metas.into_iter().find_map(|meta| match meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident(key) => match nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value()),
                    _ => None,
                },
                _ => None,
            })
        })
}

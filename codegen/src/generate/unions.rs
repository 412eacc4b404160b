//! Discriminated unions: decode by tag in one pass, keep unknown variants.
//!
//! typify renders `oneOf` + `discriminator` as an *untagged* enum of struct variants. Untagged
//! decoding tries every variant in turn, which on recursive document trees costs
//! (variants tried)^(depth), and a variant the server adds later fails the whole response.
//!
//! The union is recognized from the generated types themselves, so the rule holds for any
//! spec: an untagged enum whose variants are all structs carrying the same property, each of
//! whose types is a single-value enum (the tag), distinct per variant, with a default (the
//! struct still gets its tag when the union has consumed it). Such an enum loses its serde
//! derives and attributes and gets:
//! - a hand-written `Deserialize` that reads the tag and decodes the variant's struct from the
//!   rest of the object, or keeps the node as `Unknown(serde_json::Value)` (a last variant) when
//!   the tag is unknown, missing, or not a string, or when the node is not an object;
//! - a known tag whose body no longer fits is kept as `Unknown` too (a tolerant reader);
//! - a hand-written `Serialize` that writes the inner struct as is (it carries its own tag).
//!
//! Why not serde's `#[serde(tag)]` with an `#[serde(untagged)] Unknown` variant (what this
//! pass generated before): serde buffers such an enum into its private `Content` and decodes
//! the variant from that buffer; a nested union buffers its subtree again, so a document tree
//! was copied once per level of depth (2.3× the time of decoding it into a `Value`).
//!
//! How the generated `Deserialize` stays one pass and tolerant (the `tagged_union` module it
//! emits once into `mod types`, shared by every union):
//! - The outermost union of a decode buffers its node once: from serde_json's reader as the
//!   JSON text (serde_json's raw-value protocol, feature `raw_value`; a borrowed slice when
//!   decoding from bytes or a string, i.e. a scan, no allocation), from any other deserializer
//!   as a `serde_json::Value` (the protocol is a newtype struct other deserializers pass
//!   through).
//! - It then decodes the node from that buffer *streaming*: a thread-local flag tells the unions
//!   nested inside to read their tag from the object directly (entries before the tag, rarely
//!   any, are buffered as `Value`s and replayed) and decode their variant from the rest of the
//!   same object, with no buffer of their own.
//! - If anything in that pass fails (a known tag whose body does not fit, at any depth), the
//!   node is decoded again from a `Value` the slow way: each node by its tag, `Unknown` when
//!   its variant fails; nested unions then start over as outermost ones. The result is the
//!   same as decoding every node tolerantly; only a document that does not fit pays twice.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::{Fields, GenericArgument, Item, ItemEnum, ItemStruct, PathArguments, Type};

use crate::diagnostic::Diagnostic;
use crate::load::Spec;

/// Rewrites every recognized union in `mod types` and adds the `tagged_union` support module
/// when there is one. Returns how many were rewritten.
pub fn tag_unions(spec: &Spec, file: &mut syn::File) -> Result<usize, Diagnostic> {
    let Some(types) = super::types_module(file) else {
        return Ok(0);
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
    let mut impls = Vec::new();
    for (index, plan) in rewrites {
        let Item::Enum(union) = &mut types[index] else {
            continue;
        };
        impls.extend(rewrite(union, &plan).map_err(|missing| {
            Diagnostic::new(
                &spec.file,
                format!(
                    "internal error: the union `{}` does not derive `{missing}` as the unions \
                     pass expects: the generator's output has changed",
                    union.ident
                ),
            )
            .help("the pinned typify version produces it; check the versions in codegen/Cargo.toml")
        })?);
    }
    if count > 0 {
        types.extend(impls);
        types.push(syn::parse2(support()).expect("the tagged_union module parses"));
    }
    Ok(count)
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

/// Replaces the union's serde derives and attributes with hand-written impls (returned);
/// `Err` names a derive the union should have had.
fn rewrite(union: &mut ItemEnum, plan: &Plan) -> Result<Vec<Item>, &'static str> {
    for derive in ["Deserialize", "Serialize"] {
        if !super::remove_derive(&mut union.attrs, derive) {
            return Err(derive);
        }
    }
    union.attrs.retain(|attr| !attr.path().is_ident("serde"));
    for variant in union.variants.iter_mut() {
        variant.attrs.retain(|attr| !attr.path().is_ident("serde"));
    }
    union.variants.push(syn::parse_quote! {
        /// A variant this client does not know (e.g. added to the API later), or a known one
        /// whose body no longer fits, kept as JSON.
        Unknown(::serde_json::Value)
    });
    let name = &union.ident;
    let property = &plan.property;
    let variants: Vec<&syn::Ident> = union.variants.iter().map(|v| &v.ident).collect();
    let known = &variants[..plan.tags.len()];
    let tags = &plan.tags;
    let serialize_arms = variants.iter().map(|ident| {
        quote! { Self::#ident(value) => ::serde::Serialize::serialize(value, serializer), }
    });
    let impls = quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                }
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                tagged_union::deserialize(deserializer)
            }
        }
        impl tagged_union::Union for #name {
            const PROPERTY: &'static str = #property;
            fn is_known(tag: &str) -> bool {
                matches!(tag, #(#tags)|*)
            }
            fn variant<'de, D: ::serde::Deserializer<'de>>(tag: &str, body: D) -> ::std::result::Result<Self, D::Error> {
                match tag {
                    #(#tags => ::serde::Deserialize::deserialize(body).map(Self::#known),)*
                    _ => ::std::result::Result::Err(<D::Error as ::serde::de::Error>::unknown_variant(tag, &[#(#tags),*])),
                }
            }
            fn unknown(value: ::serde_json::Value) -> Self {
                Self::Unknown(value)
            }
        }
    };
    let file: syn::File = syn::parse2(impls).expect("union impls parse");
    Ok(file.items)
}

/// The module every rewritten union's `Deserialize` goes through (see the module docs).
fn support() -> proc_macro2::TokenStream {
    quote! {
        /// Decoding of the discriminated unions: one pass over a node tree, tolerant of nodes
        /// this client does not know (generated by the codegen's `unions` pass, which explains
        /// the scheme).
        mod tagged_union {
            use ::serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
            use ::serde::Deserialize;
            use ::serde_json::{Map, Value};
            use ::std::borrow::Cow;
            use ::std::cell::Cell;
            use ::std::fmt;
            use ::std::marker::PhantomData;
            use ::std::string::String;
            use ::std::vec::Vec;

            /// What the generated code knows of one union.
            pub(super) trait Union: Sized {
                /// The tag property.
                const PROPERTY: &'static str;
                fn is_known(tag: &str) -> bool;
                /// Decodes the variant of a known `tag` from the node (with or without its tag).
                fn variant<'de, D: Deserializer<'de>>(tag: &str, body: D) -> ::std::result::Result<Self, D::Error>;
                fn unknown(value: Value) -> Self;
            }

            ::std::thread_local! {
                /// Set while an outermost union decodes its buffered node in one pass.
                static STREAMING: Cell<bool> = const { Cell::new(false) };
            }

            /// Sets [`STREAMING`] until dropped (also when a decode panics).
            struct Streaming(bool);

            impl Streaming {
                fn enter() -> Self {
                    Self(STREAMING.with(|streaming| streaming.replace(true)))
                }
            }

            impl Drop for Streaming {
                fn drop(&mut self) {
                    let previous = self.0;
                    STREAMING.with(|streaming| streaming.set(previous));
                }
            }

            /// serde_json's name for its raw-value protocol (feature `raw_value`): its reader
            /// answers this newtype struct with the value's JSON text; other deserializers pass
            /// the newtype through, and the node is buffered as a `Value` instead.
            const RAW_VALUE: &str = "$serde_json::private::RawValue";

            pub(super) fn deserialize<'de, D: Deserializer<'de>, U: Union>(deserializer: D) -> ::std::result::Result<U, D::Error> {
                if STREAMING.with(Cell::get) {
                    return deserializer.deserialize_map(Stream(PhantomData));
                }
                match deserializer.deserialize_newtype_struct(RAW_VALUE, Buffer)? {
                    Buffered::Json(text) => {
                        let streamed = {
                            let _streaming = Streaming::enter();
                            let mut json = ::serde_json::Deserializer::from_str(&text);
                            json.deserialize_map(Stream::<U>(PhantomData))
                                .and_then(|union| json.end().map(|()| union))
                        };
                        match streamed {
                            Ok(union) => Ok(union),
                            Err(_) => ::serde_json::from_str(&text)
                                .map(tolerant)
                                .map_err(de::Error::custom),
                        }
                    }
                    Buffered::Value(value) => {
                        let streamed = {
                            let _streaming = Streaming::enter();
                            (&value).deserialize_map(Stream::<U>(PhantomData))
                        };
                        Ok(streamed.unwrap_or_else(|_| tolerant(value)))
                    }
                }
            }

            /// The slow way, after the one-pass decode failed: this node by its tag, `Unknown`
            /// when its variant does not decode; the unions inside start over.
            fn tolerant<U: Union>(value: Value) -> U {
                let decoded = match value.get(U::PROPERTY).and_then(Value::as_str) {
                    Some(tag) if U::is_known(tag) => U::variant(tag, &value).ok(),
                    _ => None,
                };
                decoded.unwrap_or_else(|| U::unknown(value))
            }

            enum Buffered<'de> {
                Json(Cow<'de, str>),
                Value(Value),
            }

            struct Buffer;

            impl<'de> Visitor<'de> for Buffer {
                type Value = Buffered<'de>;

                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a JSON value")
                }

                fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<Self::Value, D::Error> {
                    Value::deserialize(deserializer).map(Buffered::Value)
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<Self::Value, A::Error> {
                    let Some(key) = map.next_key::<String>()? else {
                        return Ok(Buffered::Value(Value::Object(Map::new())));
                    };
                    if key == RAW_VALUE {
                        return map.next_value_seed(Text).map(Buffered::Json);
                    }
                    // A deserializer that answers a newtype struct with its map: buffer it.
                    let mut object = Map::new();
                    object.insert(key, map.next_value()?);
                    while let Some((key, value)) = map.next_entry()? {
                        object.insert(key, value);
                    }
                    Ok(Buffered::Value(Value::Object(object)))
                }
            }

            /// The raw JSON text, borrowed when the input is.
            struct Text;

            impl<'de> DeserializeSeed<'de> for Text {
                type Value = Cow<'de, str>;

                fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<Self::Value, D::Error> {
                    deserializer.deserialize_str(self)
                }
            }

            impl<'de> Visitor<'de> for Text {
                type Value = Cow<'de, str>;

                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("JSON text")
                }

                fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> ::std::result::Result<Self::Value, E> {
                    Ok(Cow::Borrowed(text))
                }

                fn visit_str<E: de::Error>(self, text: &str) -> ::std::result::Result<Self::Value, E> {
                    Ok(Cow::Owned(text.to_owned()))
                }

                fn visit_string<E: de::Error>(self, text: String) -> ::std::result::Result<Self::Value, E> {
                    Ok(Cow::Owned(text))
                }
            }

            /// One union node read from its object directly: the tag, then the variant from the
            /// rest of the same object.
            struct Stream<U>(PhantomData<U>);

            impl<'de, U: Union> Visitor<'de> for Stream<U> {
                type Value = U;

                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    write!(f, "an object with a `{}` property", U::PROPERTY)
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> ::std::result::Result<U, A::Error> {
                    // Entries before the tag (usually none) wait as `Value`s.
                    let mut before = Vec::new();
                    loop {
                        match map.next_key_seed(Key(U::PROPERTY))? {
                            None => return Ok(U::unknown(Value::Object(before.into_iter().collect()))),
                            Some(None) => break,
                            Some(Some(key)) => {
                                let value: Value = map.next_value()?;
                                before.push((key, value));
                            }
                        }
                    }
                    let tag: Value = map.next_value()?;
                    match tag.as_str() {
                        Some(known) if U::is_known(known) => U::variant(
                            known,
                            de::value::MapAccessDeserializer::new(Replayed {
                                before: before.into_iter(),
                                value: None,
                                rest: map,
                            }),
                        ),
                        _ => {
                            let mut object: Map<String, Value> = before.into_iter().collect();
                            object.insert(U::PROPERTY.to_owned(), tag);
                            while let Some((key, value)) = map.next_entry::<String, Value>()? {
                                object.insert(key, value);
                            }
                            Ok(U::unknown(Value::Object(object)))
                        }
                    }
                }
            }

            /// A key: `None` if it is the tag property, else the key.
            struct Key(&'static str);

            impl<'de> DeserializeSeed<'de> for Key {
                type Value = Option<String>;

                fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> ::std::result::Result<Self::Value, D::Error> {
                    deserializer.deserialize_str(self)
                }
            }

            impl<'de> Visitor<'de> for Key {
                type Value = Option<String>;

                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a property name")
                }

                fn visit_str<E: de::Error>(self, key: &str) -> ::std::result::Result<Self::Value, E> {
                    Ok((key != self.0).then(|| key.to_owned()))
                }

                fn visit_string<E: de::Error>(self, key: String) -> ::std::result::Result<Self::Value, E> {
                    Ok((key != self.0).then_some(key))
                }
            }

            /// The entries read before the tag, then the rest of the object.
            struct Replayed<A> {
                before: ::std::vec::IntoIter<(String, Value)>,
                value: Option<Value>,
                rest: A,
            }

            impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replayed<A> {
                type Error = A::Error;

                fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> ::std::result::Result<Option<K::Value>, A::Error> {
                    match self.before.next() {
                        Some((key, value)) => {
                            self.value = Some(value);
                            seed.deserialize(de::value::StringDeserializer::<A::Error>::new(key)).map(Some)
                        }
                        None => self.rest.next_key_seed(seed),
                    }
                }

                fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> ::std::result::Result<V::Value, A::Error> {
                    match self.value.take() {
                        Some(value) => seed.deserialize(value).map_err(de::Error::custom),
                        None => self.rest.next_value_seed(seed),
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Spec {
        crate::normalize::test_support::spec(crate::normalize::test_support::with_paths(
            serde_json::json!({}),
        ))
    }

    /// typify's shape of `oneOf: [Text, Link]` with `discriminator: type`.
    fn typify_union(derives: proc_macro2::TokenStream) -> syn::File {
        syn::parse2(quote! {
            pub mod types {
                #[derive(#derives)]
                #[serde(untagged)]
                pub enum Node {
                    Text(Text),
                    Link(::std::boxed::Box<Link>),
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Text {
                    #[serde(rename = "type", default = "defaults::text_type")]
                    pub type_: TextType,
                    pub text: String,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Link {
                    #[serde(rename = "type", default = "defaults::link_type")]
                    pub type_: LinkType,
                }
                pub enum TextType {
                    #[serde(rename = "text")]
                    Text,
                }
                pub enum LinkType {
                    #[serde(rename = "link")]
                    Link,
                }
            }
        })
        .unwrap()
    }

    fn compact(file: &syn::File) -> String {
        prettyplease::unparse(file).replace(char::is_whitespace, "")
    }

    #[test]
    fn a_union_decodes_by_tag_through_the_shared_module() {
        let mut file = typify_union(quote! { ::serde::Deserialize, ::serde::Serialize, Clone });
        assert_eq!(tag_unions(&spec(), &mut file).unwrap(), 1);
        let code = compact(&file);
        let union = &code[code.find("pubenumNode").unwrap()..code.find("pubstructText").unwrap()];
        assert!(
            !union.contains("serde("),
            "no serde attributes left: {union}"
        );
        for expected in [
            "#[derive(Clone)]pubenumNode",
            "Unknown(::serde_json::Value),}",
            "impl<'de>::serde::Deserialize<'de>forNode",
            "tagged_union::deserialize(deserializer)",
            "constPROPERTY:&'staticstr=\"type\";",
            "matches!(tag,\"text\"|\"link\")",
            "\"link\"=>::serde::Deserialize::deserialize(body).map(Self::Link),",
            "Self::Unknown(value)=>::serde::Serialize::serialize(value,serializer),",
            "modtagged_union{",
        ] {
            assert!(code.contains(expected), "`{expected}` not in {code}");
        }
        assert_eq!(code.matches("modtagged_union{").count(), 1);
    }

    #[test]
    fn no_union_no_support_module() {
        let mut file: syn::File = syn::parse2(quote! {
            pub mod types {
                #[derive(::serde::Deserialize)]
                #[serde(untagged)]
                pub enum Scalar { S(String), N(i64) }
            }
        })
        .unwrap();
        assert_eq!(tag_unions(&spec(), &mut file).unwrap(), 0);
        assert!(!compact(&file).contains("tagged_union"));
    }

    #[test]
    fn a_union_without_the_serde_derives_is_an_error() {
        let mut file = typify_union(quote! { ::serde::Deserialize, Clone });
        let error = tag_unions(&spec(), &mut file).unwrap_err().to_string();
        assert!(
            error.contains("`Node` does not derive `Serialize`"),
            "{error}"
        );
    }
}

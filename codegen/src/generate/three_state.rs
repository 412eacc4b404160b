//! Three-state properties as `crate::Patch<T>`: absent, `null` or a value.
//!
//! typify types an optional nullable property as `Option<T>`: `None` is left out of the
//! request, so `null` ("clear it") cannot be sent. A property normalization marked
//! [`THREE_STATE`] (FastAPI's "not set" marker, see `normalize/schema.rs`) means all three, so
//! its field becomes `crate::Patch<T>` (`#[serde(default, skip_serializing_if =
//! "crate::Patch::is_absent")]`), its builder field `Result<crate::Patch<T>, String>` and its
//! setter takes `impl Into<crate::Patch<T>>` (a value, `Patch::Null`, or `None` for null).
//!
//! Only for the `hyperspell` crate, whose runtime has `Patch`; a standalone client keeps
//! `Option<T>`. A marked property whose field or setter is not shaped as expected means the
//! generator's output has changed: an error naming it.

use std::collections::BTreeSet;

use serde_json::Value;
use syn::{Fields, ImplItem, Item, Type};

use crate::naming::typify_type_name;
use crate::normalize::THREE_STATE;

/// `(Rust struct, property)` of every marked property of a component or titled schema.
pub fn marked_properties(doc: &Value) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return found;
    };
    for (name, schema) in schemas {
        collect(schema, Some(&typify_type_name(name)), &mut found);
    }
    if let Some(paths) = doc.get("paths") {
        collect(paths, None, &mut found);
    }
    found
}

fn collect(value: &Value, name: Option<&str>, found: &mut BTreeSet<(String, String)>) {
    match value {
        Value::Object(object) => {
            let own = object
                .get("title")
                .and_then(Value::as_str)
                .map(typify_type_name);
            let name = own.as_deref().or(name);
            if let (Some(name), Some(properties)) =
                (name, object.get("properties").and_then(Value::as_object))
            {
                for (property, schema) in properties {
                    if schema.get(THREE_STATE) == Some(&Value::Bool(true)) {
                        found.insert((name.to_owned(), property.clone()));
                    }
                }
            }
            // A nested schema is named by its own title, never by its parent's.
            for (key, child) in object {
                match (key.as_str(), child.as_object()) {
                    ("properties", Some(properties)) => {
                        for schema in properties.values() {
                            collect(schema, None, found);
                        }
                    }
                    _ => collect(child, None, found),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, None, found)),
        _ => {}
    }
}

/// Rewrites the marked fields; `Err` names a `Struct.property` not shaped as expected.
pub fn patch_fields(
    file: &mut syn::File,
    marked: &BTreeSet<(String, String)>,
) -> Result<(), String> {
    if marked.is_empty() {
        return Ok(());
    }
    let Some(types) = super::types_module(file) else {
        return Err(describe(marked.iter().next().expect("not empty")));
    };
    let mut done: BTreeSet<(String, String)> = BTreeSet::new();
    // (struct, Rust field ident) for the builder pass.
    let mut fields: BTreeSet<(String, String)> = BTreeSet::new();
    for item in types.iter_mut() {
        let Item::Struct(s) = item else { continue };
        let name = s.ident.to_string();
        let Fields::Named(named) = &mut s.fields else {
            continue;
        };
        for field in named.named.iter_mut() {
            let ident = field.ident.as_ref().expect("named").to_string();
            let wire = wire_name(field).unwrap_or_else(|| ident.trim_start_matches("r#").into());
            let key = (name.clone(), wire);
            if !marked.contains(&key) {
                continue;
            }
            let Some(inner) = option_inner(&field.ty) else {
                return Err(describe(&key));
            };
            field.ty = syn::parse_quote!(crate::Patch<#inner>);
            field.attrs.retain(|a| !is_skip_serializing_if(a));
            field.attrs.push(syn::parse_quote!(
                #[serde(default, skip_serializing_if = "crate::Patch::is_absent")]
            ));
            fields.insert((name.clone(), ident));
            done.insert(key);
        }
    }
    if let Some(missing) = marked.difference(&done).next() {
        return Err(describe(missing));
    }
    let builders = types
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| describe(marked.iter().next().expect("not empty")))?;
    let mut rewritten: BTreeSet<(String, String)> = BTreeSet::new();
    for item in builders.iter_mut() {
        match item {
            Item::Struct(s) => {
                let name = s.ident.to_string();
                let Fields::Named(named) = &mut s.fields else {
                    continue;
                };
                for field in named.named.iter_mut() {
                    let ident = field.ident.as_ref().expect("named").to_string();
                    if !fields.contains(&(name.clone(), ident.clone())) {
                        continue;
                    }
                    // `Result<Option<T>, String>` → `Result<crate::Patch<T>, String>`
                    let Some(inner) = result_option_inner(&field.ty) else {
                        return Err(format!("builder field {name}.{ident}"));
                    };
                    field.ty = syn::parse_quote!(
                        ::std::result::Result<crate::Patch<#inner>, ::std::string::String>
                    );
                }
            }
            Item::Impl(block) if block.trait_.is_none() => {
                let Some(name) = last_ident(&block.self_ty) else {
                    continue;
                };
                for impl_item in &mut block.items {
                    let ImplItem::Fn(function) = impl_item else {
                        continue;
                    };
                    let ident = function.sig.ident.to_string();
                    if !fields.contains(&(name.clone(), ident.clone())) {
                        continue;
                    }
                    let Some(inner) = setter_target(function) else {
                        return Err(format!("setter {name}::{ident}"));
                    };
                    let field = &function.sig.ident;
                    let doc = "Absent unless set: a value, or `Patch::Null` (or `None`) to send \
                               `null`.";
                    *function = syn::parse_quote! {
                        #[doc = #doc]
                        pub fn #field<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::Into<crate::Patch<#inner>>,
                        {
                            self.#field = Ok(value.into());
                            self
                        }
                    };
                    rewritten.insert((name.clone(), ident));
                }
            }
            _ => {}
        }
    }
    if let Some((name, field)) = fields.difference(&rewritten).next() {
        return Err(format!("setter {name}::{field}"));
    }
    Ok(())
}

fn describe((name, property): &(String, String)) -> String {
    format!("{name}.{property}")
}

/// `#[serde(rename = "x")]`'s `x`.
fn wire_name(field: &syn::Field) -> Option<String> {
    let mut name = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                name = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        });
    }
    name
}

fn is_skip_serializing_if(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("serde") {
        return false;
    }
    let mut found = false;
    let _ = attr.parse_nested_meta(|meta| {
        if meta.path.is_ident("skip_serializing_if") {
            found = true;
        }
        if meta.input.peek(syn::Token![=]) {
            let _: syn::Expr = meta.value()?.parse()?;
        }
        Ok(())
    });
    found
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn generic_args(ty: &Type, outer: &str) -> Option<Vec<Type>> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != outer {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args
        .iter()
        .map(|arg| match arg {
            syn::GenericArgument::Type(ty) => Some(ty.clone()),
            _ => None,
        })
        .collect()
}

fn option_inner(ty: &Type) -> Option<Type> {
    match generic_args(ty, "Option")?.as_slice() {
        [inner] => Some(inner.clone()),
        _ => None,
    }
}

fn result_option_inner(ty: &Type) -> Option<Type> {
    match generic_args(ty, "Result")?.as_slice() {
        [ok, _] => option_inner(ok),
        _ => None,
    }
}

/// typify's `T: TryInto<Option<X>>` setter bound's `X`.
fn setter_target(function: &syn::ImplItemFn) -> Option<Type> {
    for predicate in &function.sig.generics.where_clause.as_ref()?.predicates {
        let syn::WherePredicate::Type(bound) = predicate else {
            continue;
        };
        for param_bound in &bound.bounds {
            let syn::TypeParamBound::Trait(trait_bound) = param_bound else {
                continue;
            };
            let last = trait_bound.path.segments.last()?;
            if last.ident != "TryInto" {
                continue;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                continue;
            };
            if let Some(syn::GenericArgument::Type(target)) = args.args.first() {
                return option_inner(target);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn marked_properties_are_found_by_their_struct() {
        let doc = json!({
            "components": {"schemas": {"update-request": {"type": "object", "properties": {
                "title": {"type": "string", "nullable": true, "x-codegen-three-state": true},
                "text": {"type": "string"}
            }}}},
            "paths": {"/a": {"post": {"requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "title": "ABody", "properties": {
                    "note": {"type": "string", "x-codegen-three-state": true}
                }
            }}}}}}}
        });
        let found = marked_properties(&doc);
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            [
                ("ABody".to_owned(), "note".to_owned()),
                ("UpdateRequest".to_owned(), "title".to_owned())
            ]
        );
    }

    fn file() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub struct UpdateRequest {
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub title: ::std::option::Option<::std::string::String>,
                    #[serde(rename = "type", skip_serializing_if = "::std::option::Option::is_none")]
                    pub type_: ::std::option::Option<i64>,
                }
                pub mod builder {
                    pub struct UpdateRequest {
                        title: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                        type_: ::std::result::Result<::std::option::Option<i64>, ::std::string::String>,
                    }
                    impl UpdateRequest {
                        pub fn title<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.title = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                        pub fn type_<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<i64>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.type_ = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn marked_fields_become_patches_with_their_builder() {
        let mut file = file();
        let marked = BTreeSet::from([
            ("UpdateRequest".to_owned(), "title".to_owned()),
            ("UpdateRequest".to_owned(), "type".to_owned()),
        ]);
        patch_fields(&mut file, &marked).unwrap();
        let code = prettyplease::unparse(&file).replace(['\n', ' '], "");
        for expected in [
            "#[serde(default,skip_serializing_if=\"crate::Patch::is_absent\")]pubtitle:crate::Patch<::std::string::String>",
            "#[serde(default,skip_serializing_if=\"crate::Patch::is_absent\")]pubtype_:crate::Patch<i64>",
            "title:::std::result::Result<crate::Patch<::std::string::String>,::std::string::String",
            "pubfntitle<T>(mutself,value:T)->SelfwhereT:::std::convert::Into<crate::Patch<::std::string::String>>,{self.title=Ok(value.into());self}",
        ] {
            assert!(code.contains(expected), "{expected}\n{code}");
        }
        assert!(!code.contains("is_none"), "{code}");
    }

    #[test]
    fn a_marked_property_without_its_field_is_an_error() {
        let mut file = file();
        let marked = BTreeSet::from([("UpdateRequest".to_owned(), "gone".to_owned())]);
        assert_eq!(
            patch_fields(&mut file, &marked).unwrap_err(),
            "UpdateRequest.gone"
        );
    }
}

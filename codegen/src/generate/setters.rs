//! Setters that take what callers have, and body fields on the operation's own builder.
//!
//! 1. typify's builder setter of an optional field takes `TryInto<Option<X>>`, so `&str` does
//!    not convert into `Option<String>` and a nested builder does not convert into
//!    `Option<Nested>`. Each such setter takes `TryInto<X>`, like a required field's, and sets
//!    `Some`; an unset optional field stays `None` (absent from the request).
//! 2. The top-level fields of an operation's JSON body become setters of the operation's
//!    builder, as the official SDKs flatten body fields into the call's params:
//!    `client.auth().user_token().user_id("u")` is
//!    `….body_map(|body| body.user_id("u"))`. `.body(T)` still takes a whole body.
//!    A body field whose setter name the operation builder already has (a path or query
//!    parameter, or `body`, `send`, ...) is named `body_<field>` instead.
//!
//! A body setter is forwarded with the exact signature of the body builder's setter, so its
//! conversions are the same. An operation builder with a `body_map` whose body builder cannot
//! be found means typify's or progenitor's output has changed: that is an error.

use std::collections::{BTreeMap, BTreeSet};

use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{GenericArgument, ImplItem, ImplItemFn, Item, PathArguments, Type, WherePredicate};

/// Rewrites optional setters of every typify builder in `mod types::builder`.
pub fn optional_setters_take_the_value(file: &mut syn::File) {
    let Some(builders) = types_builder_items(file) else {
        return;
    };
    for item in builders.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        for impl_item in &mut block.items {
            if let ImplItem::Fn(function) = impl_item {
                unwrap_option_bound(function);
            }
        }
    }
}

/// `T: TryInto<Option<X>>` → `T: TryInto<X>`, and the assignment wrapped in `Some`.
fn unwrap_option_bound(function: &mut ImplItemFn) {
    let Some(where_clause) = &mut function.sig.generics.where_clause else {
        return;
    };
    let mut changed = false;
    for predicate in &mut where_clause.predicates {
        let WherePredicate::Type(bound) = predicate else {
            continue;
        };
        for param_bound in &mut bound.bounds {
            let syn::TypeParamBound::Trait(trait_bound) = param_bound else {
                continue;
            };
            let Some(last) = trait_bound.path.segments.last_mut() else {
                continue;
            };
            if last.ident != "TryInto" {
                continue;
            }
            let PathArguments::AngleBracketed(args) = &mut last.arguments else {
                continue;
            };
            let Some(GenericArgument::Type(target)) = args.args.first_mut() else {
                continue;
            };
            if let Some(inner) = option_inner(target) {
                *target = inner;
                changed = true;
            }
        }
    }
    if !changed {
        return;
    }
    // typify: `self.f = value.try_into().map_err(|e| ...); self`
    struct WrapSome;
    impl syn::visit_mut::VisitMut for WrapSome {
        fn visit_expr_method_call_mut(&mut self, call: &mut syn::ExprMethodCall) {
            syn::visit_mut::visit_expr_method_call_mut(self, call);
            if call.method == "try_into" && call.args.is_empty() {
                let receiver = &call.receiver;
                *call = syn::parse_quote!(#receiver.try_into().map(::std::option::Option::Some));
            }
        }
    }
    syn::visit_mut::VisitMut::visit_block_mut(&mut WrapSome, &mut function.block);
}

/// `X` of `Option<X>` (any path ending in `Option`).
fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner.clone()),
        _ => None,
    }
}

/// An untagged union with one `String` variant (`MetadataValue`: string, integer, number or
/// boolean) converts from `&str` and `String` too; typify only writes `From` for the other
/// variants.
pub fn string_conversions(file: &mut syn::File) {
    let Some(types) = module_items(&mut file.items, "types") else {
        return;
    };
    let has_from: BTreeSet<(String, String)> = types
        .iter()
        .filter_map(|item| match item {
            Item::Impl(block) => {
                let trait_path = &block.trait_.as_ref()?.1;
                let last = trait_path.segments.last()?;
                if last.ident != "From" {
                    return None;
                }
                let PathArguments::AngleBracketed(args) = &last.arguments else {
                    return None;
                };
                let source = quote::ToTokens::to_token_stream(args.args.first()?).to_string();
                Some((last_ident(&block.self_ty)?, source.replace(' ', "")))
            }
            _ => None,
        })
        .collect();
    let mut added: Vec<Item> = Vec::new();
    for item in types.iter() {
        let Item::Enum(e) = item else { continue };
        let untagged = e.attrs.iter().any(|a| {
            a.path().is_ident("serde")
                && quote::ToTokens::to_token_stream(&a.meta)
                    .to_string()
                    .contains("untagged")
        });
        let strings: Vec<&syn::Variant> = e
            .variants
            .iter()
            .filter(|v| match &v.fields {
                syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                    last_ident(&f.unnamed[0].ty).as_deref() == Some("String")
                }
                _ => false,
            })
            .collect();
        let name = e.ident.to_string();
        let [variant] = strings.as_slice() else {
            continue;
        };
        if !untagged
            || has_from.contains(&(name.clone(), "::std::string::String".into()))
            || has_from.contains(&(name.clone(), "String".into()))
            || has_from.contains(&(name.clone(), "&str".into()))
        {
            continue;
        }
        let ty = &e.ident;
        let variant = &variant.ident;
        added.push(syn::parse_quote! {
            impl ::std::convert::From<::std::string::String> for #ty {
                fn from(value: ::std::string::String) -> Self {
                    Self::#variant(value)
                }
            }
        });
        added.push(syn::parse_quote! {
            impl ::std::convert::From<&str> for #ty {
                fn from(value: &str) -> Self {
                    Self::#variant(value.to_owned())
                }
            }
        });
    }
    types.extend(added);
}

/// Setters of `format: date-time` / `format: date` values (`T: TryInto<chrono::DateTime<Utc>>`
/// or `TryInto<chrono::NaiveDate>`) take `T: crate::IntoDateTime<X>` instead, so an RFC 3339
/// string works as well as a `chrono` value; the conversion error still names the field.
/// Hyperspell flavor only (the trait is the runtime's). `Err` names a setter with such a bound
/// whose body does not convert `value.try_into()` as expected.
pub fn date_time_setters_take_strings(file: &mut syn::File) -> Result<usize, String> {
    let mut rewriter = DateTimeSetters::default();
    rewriter.visit_file_mut(file);
    match rewriter.misshapen {
        Some(setter) => Err(setter),
        None => Ok(rewriter.rewritten),
    }
}

#[derive(Default)]
struct DateTimeSetters {
    rewritten: usize,
    misshapen: Option<String>,
}

impl VisitMut for DateTimeSetters {
    fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
        let Some(where_clause) = &mut function.sig.generics.where_clause else {
            return;
        };
        let mut params = Vec::new();
        for predicate in where_clause.predicates.iter_mut() {
            let WherePredicate::Type(bound) = predicate else {
                continue;
            };
            let Type::Path(bounded) = &bound.bounded_ty else {
                continue;
            };
            let Some(param) = bounded.path.get_ident().cloned() else {
                continue;
            };
            for param_bound in &mut bound.bounds {
                let syn::TypeParamBound::Trait(trait_bound) = param_bound else {
                    continue;
                };
                let Some(target) = try_into_chrono_target(&trait_bound.path) else {
                    continue;
                };
                trait_bound.path = syn::parse_quote!(crate::IntoDateTime<#target>);
                params.push(param.clone());
            }
        }
        if params.is_empty() {
            return;
        }
        // `T::Error: Display` went with `TryInto`; `DateTimeError` is `Display`.
        where_clause.predicates = std::mem::take(&mut where_clause.predicates)
            .into_iter()
            .filter(|predicate| match predicate {
                WherePredicate::Type(bound) => !matches!(&bound.bounded_ty,
                    Type::Path(p) if p.path.segments.len() == 2
                        && params.iter().any(|param| p.path.segments[0].ident == *param)
                        && p.path.segments[1].ident == "Error"),
                _ => true,
            })
            .collect();
        // The arguments of those types, by name.
        let arguments: Vec<syn::Ident> = function
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => match (typed.pat.as_ref(), typed.ty.as_ref()) {
                    (syn::Pat::Ident(pat), Type::Path(ty))
                        if params.iter().any(|param| ty.path.is_ident(param)) =>
                    {
                        Some(pat.ident.clone())
                    }
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let mut conversions = TryIntoCalls {
            arguments,
            replaced: 0,
        };
        conversions.visit_block_mut(&mut function.block);
        if conversions.replaced == 0 {
            self.misshapen
                .get_or_insert_with(|| function.sig.ident.to_string());
        } else {
            self.rewritten += 1;
        }
    }
}

/// `X` of `[::]std::convert::TryInto<X>` when `X` is `chrono::…::DateTime<…>` or `NaiveDate`.
fn try_into_chrono_target(path: &syn::Path) -> Option<Type> {
    let last = path.segments.last()?;
    if last.ident != "TryInto" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let Some(GenericArgument::Type(Type::Path(target))) = args.args.first() else {
        return None;
    };
    let segments = &target.path.segments;
    let is_chrono = segments.first().is_some_and(|s| s.ident == "chrono");
    let name = segments.last()?.ident.to_string();
    (is_chrono && (name == "DateTime" || name == "NaiveDate")).then(|| Type::Path(target.clone()))
}

/// `value.try_into()` → `crate::IntoDateTime::into_date_time(value)` for the given arguments.
struct TryIntoCalls {
    arguments: Vec<syn::Ident>,
    replaced: usize,
}

impl VisitMut for TryIntoCalls {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        if let syn::Expr::MethodCall(call) = expr
            && call.method == "try_into"
            && call.args.is_empty()
            && let syn::Expr::Path(receiver) = call.receiver.as_ref()
            && let Some(argument) = receiver.path.get_ident()
            && self.arguments.contains(argument)
        {
            let argument = argument.clone();
            *expr = syn::parse_quote!(crate::IntoDateTime::into_date_time(#argument));
            self.replaced += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// Adds a setter per body field to every operation builder with a JSON body. `Err` names the
/// builder whose body builder is missing.
pub fn body_fields_on_the_call(file: &mut syn::File) -> Result<(), String> {
    // Body builder name → its setters (typify's, already rewritten).
    let mut body_setters: BTreeMap<String, Vec<ImplItemFn>> = BTreeMap::new();
    if let Some(builders) = types_builder_items(file) {
        for item in builders.iter() {
            if let Item::Struct(s) = item {
                body_setters.entry(s.ident.to_string()).or_default();
            }
            let Item::Impl(block) = item else { continue };
            if block.trait_.is_some() {
                continue;
            }
            let Some(name) = last_ident(&block.self_ty) else {
                continue;
            };
            let setters = body_setters.entry(name).or_default();
            for impl_item in &block.items {
                if let ImplItem::Fn(function) = impl_item
                    && is_setter(function)
                {
                    setters.push(function.clone());
                }
            }
        }
    }
    let Some(builders) = module_items(&mut file.items, "builder") else {
        return Ok(());
    };
    for item in builders.iter_mut() {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() {
            continue;
        }
        let Some(operation) = last_ident(&block.self_ty) else {
            continue;
        };
        let Some(body) = block.items.iter().find_map(|item| match item {
            ImplItem::Fn(function) if function.sig.ident == "body_map" => {
                body_map_builder(function)
            }
            _ => None,
        }) else {
            continue;
        };
        let Some(setters) = body_setters.get(&body) else {
            return Err(format!(
                "builder::{operation} (its body builder `types::builder::{body}`)"
            ));
        };
        let taken: BTreeSet<String> = block
            .items
            .iter()
            .filter_map(|item| match item {
                ImplItem::Fn(function) => Some(function.sig.ident.to_string()),
                _ => None,
            })
            .collect();
        let mut added = Vec::new();
        for setter in setters {
            let field = setter.sig.ident.to_string();
            let name = if taken.contains(&field) {
                format_ident!("body_{}", field)
            } else {
                setter.sig.ident.clone()
            };
            let body_setter = &setter.sig.ident;
            // Paths in typify's setters are relative to `types::builder`.
            let mut signature = setter.sig.clone();
            SuperIsTypes.visit_signature_mut(&mut signature);
            let generics = &signature.generics;
            let where_clause = &signature.generics.where_clause;
            let inputs: Vec<_> = signature.inputs.iter().skip(1).collect();
            let mut args = Vec::new();
            for input in &inputs {
                match input {
                    syn::FnArg::Typed(typed) => match typed.pat.as_ref() {
                        syn::Pat::Ident(pat) => args.push(pat.ident.clone()),
                        _ => return Err(format!("types::builder::{body}::{field}")),
                    },
                    syn::FnArg::Receiver(_) => {
                        return Err(format!("types::builder::{body}::{field}"));
                    }
                }
            }
            let doc = format!("Sets the body field `{field}` (see [`types::{body}`]).");
            added.push(ImplItem::Fn(syn::parse_quote! {
                #[doc = #doc]
                pub fn #name #generics (self, #(#inputs),*) -> Self #where_clause {
                    self.body_map(|body| body.#body_setter(#(#args),*))
                }
            }));
        }
        block.items.extend(added);
    }
    Ok(())
}

/// `super::X` (seen from `types::builder`) → `types::X` (seen from `builder`).
struct SuperIsTypes;

impl VisitMut for SuperIsTypes {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if path.leading_colon.is_none()
            && path.segments.len() > 1
            && path.segments[0].ident == "super"
        {
            path.segments[0].ident = format_ident!("types");
        }
        syn::visit_mut::visit_path_mut(self, path);
    }
}

/// `fn f<..>(mut self, value: T) -> Self`: a builder setter (not `builder()`, not a conversion).
fn is_setter(function: &ImplItemFn) -> bool {
    matches!(function.vis, syn::Visibility::Public(_))
        && matches!(function.sig.inputs.first(), Some(syn::FnArg::Receiver(r)) if r.reference.is_none())
        && function.sig.inputs.len() >= 2
        && matches!(&function.sig.output, syn::ReturnType::Type(_, ty) if matches!(ty.as_ref(), Type::Path(p) if p.path.is_ident("Self")))
}

/// `X` of `body_map<F>(..) where F: FnOnce(types::builder::X) -> types::builder::X`.
fn body_map_builder(function: &ImplItemFn) -> Option<String> {
    let where_clause = function.sig.generics.where_clause.as_ref()?;
    for predicate in &where_clause.predicates {
        let WherePredicate::Type(bound) = predicate else {
            continue;
        };
        for param_bound in &bound.bounds {
            let syn::TypeParamBound::Trait(trait_bound) = param_bound else {
                continue;
            };
            let last = trait_bound.path.segments.last()?;
            if let PathArguments::Parenthesized(args) = &last.arguments
                && let Some(input) = args.inputs.first()
            {
                return last_ident(input);
            }
        }
    }
    None
}

fn last_ident(ty: &Type) -> Option<String> {
    match ty {
        Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn module_items<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut Vec<Item>> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(m) if m.ident == name => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    })
}

fn types_builder_items(file: &mut syn::File) -> Option<&mut Vec<Item>> {
    let types = module_items(&mut file.items, "types")?;
    module_items(types, "builder")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> syn::File {
        syn::parse_quote! {
            pub mod types {
                pub mod builder {
                    pub struct UserTokenRequest {}
                    impl UserTokenRequest {
                        pub fn origin<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.origin = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                        pub fn extra_field(mut self, key: impl Into<String>, mut value: u8) -> Self {
                            self
                        }
                        pub fn kind<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<super::Kind>,
                        {
                            self
                        }
                        pub fn user_id<T>(mut self, value: T) -> Self
                        where
                            T: ::std::convert::TryInto<::std::string::String>,
                            T::Error: ::std::fmt::Display,
                        {
                            self.user_id = value.try_into().map_err(|e| format!("{e}"));
                            self
                        }
                    }
                }
            }
            pub mod builder {
                pub struct GenerateUserToken<'a> {}
                impl<'a> GenerateUserToken<'a> {
                    pub fn origin<V>(mut self, value: V) -> Self { self }
                    pub fn body_map<F>(mut self, f: F) -> Self
                    where
                        F: std::ops::FnOnce(types::builder::UserTokenRequest) -> types::builder::UserTokenRequest,
                    {
                        self
                    }
                }
            }
        }
    }

    #[test]
    fn optional_setters_take_the_inner_value() {
        let mut file = file();
        optional_setters_take_the_value(&mut file);
        let code = prettyplease::unparse(&file).replace(['\n', ' '], "");
        assert!(
            code.contains("T:::std::convert::TryInto<::std::string::String>,T::Error:::std::fmt::Display,{self.origin=value.try_into().map(::std::option::Option::Some)"),
            "{code}"
        );
        assert!(
            code.contains("self.user_id=value.try_into().map_err"),
            "required setters are unchanged: {code}"
        );
    }

    #[test]
    fn body_fields_become_setters_and_clashes_get_a_prefix() {
        let mut file = file();
        body_fields_on_the_call(&mut file).unwrap();
        let code = prettyplease::unparse(&file).replace(['\n', ' '], "");
        assert!(
            code.contains("pubfnuser_id<T>(self,value:T)->SelfwhereT:::std::convert::TryInto<::std::string::String>,T::Error:::std::fmt::Display,{self.body_map(|body|body.user_id(value))}"),
            "{code}"
        );
        assert!(
            code.contains("pubfnextra_field(self,key:implInto<String>,mutvalue:u8)->Self{self.body_map(|body|body.extra_field(key,value))}"),
            "{code}"
        );
        assert!(
            code.contains(
                "pubfnkind<T>(self,value:T)->SelfwhereT:::std::convert::TryInto<types::Kind>,"
            ),
            "{code}"
        );
        assert!(
            code.contains("pubfnbody_origin<T>(self,value:T)"),
            "the parameter setter `origin` keeps its name: {code}"
        );
    }

    #[test]
    fn untagged_unions_with_a_string_variant_convert_from_strings() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[serde(untagged)]
                pub enum MetadataValue { String(::std::string::String), Integer(i64) }
                impl ::std::convert::From<i64> for MetadataValue {
                    fn from(value: i64) -> Self { Self::Integer(value) }
                }
                #[serde(untagged)]
                pub enum Already { String(::std::string::String), Integer(i64) }
                impl ::std::convert::From<&str> for Already {
                    fn from(value: &str) -> Self { todo!() }
                }
                #[serde(untagged)]
                pub enum TwoStrings { A(::std::string::String), B(::std::string::String) }
            }
        };
        string_conversions(&mut file);
        let code = prettyplease::unparse(&file).replace(['\n', ' '], "");
        assert!(code.contains("impl::std::convert::From<::std::string::String>forMetadataValue{fnfrom(value:::std::string::String)->Self{Self::String(value)}}"), "{code}");
        assert!(
            code.contains("impl::std::convert::From<&str>forMetadataValue"),
            "{code}"
        );
        assert!(
            !code.contains("From<::std::string::String>forAlready"),
            "{code}"
        );
        assert!(!code.contains("forTwoStrings"), "{code}");
    }

    #[test]
    fn a_missing_body_builder_is_an_error() {
        let mut file = file();
        let types = module_items(&mut file.items, "types").unwrap();
        let builders = module_items(types, "builder").unwrap();
        builders.clear();
        let error = body_fields_on_the_call(&mut file).unwrap_err();
        assert!(error.contains("builder::GenerateUserToken"), "{error}");
    }

    #[test]
    fn date_time_setters_take_into_date_time_and_others_are_untouched() {
        let mut file: syn::File = syn::parse_quote! {
            impl Event {
                pub fn at<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                    T::Error: ::std::fmt::Display,
                {
                    self.at = value.try_into().map(Some).map_err(|e| format!("at: {e}"));
                    self
                }
                pub fn day<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<chrono::naive::NaiveDate>,
                {
                    self.day = value.try_into().map_err(|_| "day".to_string());
                    self
                }
                pub fn count<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<i64>,
                    T::Error: ::std::fmt::Display,
                {
                    self.count = value.try_into().map_err(|e| format!("{e}"));
                    self
                }
            }
        };
        assert_eq!(date_time_setters_take_strings(&mut file), Ok(2));
        let code = quote::quote!(#file).to_string().replace(' ', "");
        assert!(
            code.contains("T:crate::IntoDateTime<::chrono::DateTime<::chrono::offset::Utc>>{"),
            "{code}"
        );
        assert!(
            code.contains("V:crate::IntoDateTime<chrono::naive::NaiveDate>{"),
            "{code}"
        );
        assert_eq!(
            code.matches("crate::IntoDateTime::into_date_time(value)")
                .count(),
            2
        );
        // Other setters keep `TryInto` and their `T::Error` bound.
        assert!(code.contains("T:::std::convert::TryInto<i64>,T::Error:::std::fmt::Display"));
    }

    #[test]
    fn a_date_time_setter_that_does_not_convert_its_value_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            impl Event {
                pub fn at<T>(mut self, value: T) -> Self
                where
                    T: ::std::convert::TryInto<::chrono::DateTime<::chrono::offset::Utc>>,
                {
                    self.at = convert(value);
                    self
                }
            }
        };
        assert_eq!(
            date_time_setters_take_strings(&mut file),
            Err("at".to_owned())
        );
    }
}

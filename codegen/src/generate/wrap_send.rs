//! Routes every builder's `send()` through `crate::runtime` (retries, typed errors, tracing).
//!
//! progenitor's `send` becomes the private `send_once` (one attempt); the new `send` calls the
//! runtime with the operation's metadata and a closure that re-sends a clone of the builder, so
//! each attempt rebuilds its request, bodies included.
//!
//! Inside `send_once`, two calls made on every request become cheaper runtime calls with the
//! same result: progenitor's `ResponseValue::from_response` becomes `crate::runtime::decode`
//! (its future is a quarter of the size, so the attempt's future fits a small allocation), and
//! the URL's `format!("{}/a/{}", client.baseurl, p)` becomes
//! `crate::runtime::concat(&[&client.baseurl, "/a/", &p])` (one allocation of the exact size, no
//! formatting machinery).

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Token, Type};

use super::{builder_name, operation_const};
use crate::naming::Operation;

pub fn wrap(file: &mut syn::File, operations: &[Operation]) {
    let by_builder: BTreeMap<String, &Operation> =
        operations.iter().map(|op| (builder_name(op), op)).collect();
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "builder"
            && let Some((_, items)) = &mut module.content
        {
            wrap_builders(items, &by_builder);
        }
    }
}

fn wrap_builders(items: &mut [Item], by_builder: &BTreeMap<String, &Operation>) {
    let cloneable: BTreeSet<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if derives_clone(&s.attrs) => Some(s.ident.to_string()),
            _ => None,
        })
        .collect();
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let Type::Path(self_ty) = &*block.self_ty else {
            continue;
        };
        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string()) else {
            continue;
        };
        let Some(operation) = by_builder.get(&name) else {
            continue;
        };
        let Some(position) = block.items.iter().position(is_send) else {
            continue;
        };
        let ImplItem::Fn(original) = &mut block.items[position] else {
            continue;
        };
        let Some(success) = success_type(&original.sig.output) else {
            continue;
        };
        original.sig.ident = syn::Ident::new("send_once", original.sig.ident.span());
        original.vis = syn::Visibility::Inherited;
        original.attrs.retain(|attr| !attr.path().is_ident("doc"));
        RuntimeCalls.visit_block_mut(&mut original.block);
        let constant = operation_const(operation);
        let doc = format!(
            "Sends `{} {}`, retrying as the client's options say.",
            operation.method, operation.path
        );
        let body = if cloneable.contains(&name) {
            quote! {
                let client = self.client;
                crate::runtime::send(client, &super::operations::#constant, move || self.clone().send_once()).await
            }
        } else {
            quote! {
                let client = self.client;
                crate::runtime::send_unretried(client, &super::operations::#constant, self.send_once()).await
            }
        };
        let wrapper: ImplItem = syn::parse_quote! {
            #[doc = #doc]
            pub async fn send(self) -> Result<ResponseValue<#success>, crate::Error> {
                #body
            }
        };
        block.items.insert(position, wrapper);
    }
}

/// `ResponseValue::from_response(x)` → `crate::runtime::decode(x)`, and `format!` with only
/// `{}` placeholders → `crate::runtime::concat(&[..])`.
struct RuntimeCalls;

impl VisitMut for RuntimeCalls {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        match expr {
            Expr::Call(call) => {
                if let Expr::Path(function) = &*call.func
                    && is_from_response(function)
                {
                    *call.func = syn::parse_quote!(crate::runtime::decode);
                }
            }
            Expr::Macro(mac) if mac.mac.path.is_ident("format") => {
                if let Some(concat) = format_as_concat(&mac.mac) {
                    *expr = concat;
                }
            }
            _ => {}
        }
    }
}

fn is_from_response(function: &syn::ExprPath) -> bool {
    let segments = &function.path.segments;
    function.qself.is_none()
        && segments.len() >= 2
        && segments.iter().all(|s| s.arguments.is_none())
        && segments[segments.len() - 2].ident == "ResponseValue"
        && segments[segments.len() - 1].ident == "from_response"
}

/// `format!("{}/a/{}", x, y)` → `crate::runtime::concat(&[&x, "/a/", &y])`, when every
/// placeholder is a bare `{}` matched by one argument that is a string (progenitor's
/// `client.baseurl` or `encode_path(..)`); anything else is left to `format!`.
fn format_as_concat(mac: &syn::Macro) -> Option<Expr> {
    let args = mac
        .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
        .ok()?;
    let mut args = args.into_iter();
    let Some(Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(template),
        ..
    })) = args.next()
    else {
        return None;
    };
    let template = template.value();
    let literals: Vec<&str> = template.split("{}").collect();
    if literals.iter().any(|l| l.contains(['{', '}'])) || literals.len() != args.len() + 1 {
        return None;
    }
    let mut parts: Vec<Expr> = Vec::new();
    for (i, literal) in literals.iter().enumerate() {
        if i > 0 {
            let arg = args.next().filter(is_string)?;
            parts.push(syn::parse_quote!(&#arg));
        }
        if !literal.is_empty() {
            parts.push(syn::parse_quote!(#literal));
        }
    }
    Some(syn::parse_quote!(crate::runtime::concat(&[#(#parts),*])))
}

fn is_string(expr: &Expr) -> bool {
    match expr {
        Expr::Field(field) => {
            matches!(&field.member, syn::Member::Named(name) if name == "baseurl")
        }
        Expr::Call(call) => matches!(&*call.func, Expr::Path(f) if f.path.is_ident("encode_path")),
        _ => false,
    }
}

fn is_send(item: &ImplItem) -> bool {
    matches!(item, ImplItem::Fn(f) if f.sig.ident == "send" && f.sig.asyncness.is_some())
}

fn derives_clone(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        attr.path().is_ident("derive")
            && attr.meta.require_list().is_ok_and(|list| {
                list.tokens
                    .clone()
                    .into_iter()
                    .any(|t| t.to_string() == "Clone")
            })
    })
}

/// `Result<ResponseValue<T>, Error<E>>` → `T`.
fn success_type(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    let first = first_generic(ty)?;
    first_generic(&first)
}

fn first_generic(ty: &Type) -> Option<Type> {
    let Type::Path(path) = ty else { return None };
    let PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty.clone()),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(expr: &str) -> String {
        let mut expr: Expr = syn::parse_str(expr).unwrap();
        RuntimeCalls.visit_expr_mut(&mut expr);
        quote!(#expr).to_string().replace(' ', "")
    }

    #[test]
    fn urls_are_concatenated() {
        assert_eq!(
            rewritten(r#"format!("{}/memories/status", client.baseurl,)"#),
            r#"crate::runtime::concat(&[&client.baseurl,"/memories/status"])"#
        );
        assert_eq!(
            rewritten(
                r#"format!("{}/memories/get/{}/{}", client.baseurl, encode_path(&source.to_string()), encode_path(&id.to_string()),)"#
            ),
            r#"crate::runtime::concat(&[&client.baseurl,"/memories/get/",&encode_path(&source.to_string()),"/",&encode_path(&id.to_string())])"#
        );
    }

    #[test]
    fn other_formats_are_left_alone() {
        for kept in [
            r#"format!("{}/a/{}", client.baseurl, count)"#,
            r#"format!("{}/a/{:?}", client.baseurl, encode_path(&x))"#,
            r#"format!("{}/a/{{}}", client.baseurl)"#,
            r#"format!("{}/a/{}", client.baseurl)"#,
            r#"format!(template, client.baseurl)"#,
        ] {
            let expected = syn::parse_str::<Expr>(kept).unwrap();
            assert_eq!(
                rewritten(kept),
                quote!(#expected).to_string().replace(' ', "")
            );
        }
    }

    #[test]
    fn responses_are_decoded_by_the_runtime() {
        assert_eq!(
            rewritten(
                "match s { 200u16 => ResponseValue::from_response(response).await, _ => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)) }"
            ),
            "matchs{200u16=>crate::runtime::decode(response).await,_=>Err(Error::ErrorResponse(crate::runtime::decode(response).await?))}"
        );
        assert_eq!(
            rewritten("ResponseValue::stream(response)"),
            "ResponseValue::stream(response)"
        );
    }
}

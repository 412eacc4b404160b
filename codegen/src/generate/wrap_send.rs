//! Routes every builder's `send()` through `crate::runtime` (retries, typed errors, tracing).
//!
//! progenitor's `send` becomes the private `send_once` (one attempt); the new `send` calls the
//! runtime with the operation's metadata and a closure that re-sends a clone of the builder, so
//! each attempt rebuilds its request, bodies included.

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::{GenericArgument, ImplItem, Item, PathArguments, ReturnType, Type};

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

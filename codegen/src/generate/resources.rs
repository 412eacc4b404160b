//! Resource handles: `client.auth().user_token()` instead of a flat `client.<operation>()`.
//!
//! Progenitor (and our multipart code) give `Client` one method per operation,
//! `pub fn generate_user_token(&self) -> builder::GenerateUserToken<'_>`. This pass moves each
//! of them, with its docs, onto the handle of the operation's resource
//! ([`crate::resources`]), so every operation has exactly one name:
//!
//! ```text
//! impl Client { pub fn auth(&self) -> resources::Auth<'_> }
//! pub mod resources {
//!     pub struct Auth<'a> { client: &'a Client }
//!     impl<'a> Auth<'a> { pub fn user_token(&self) -> builder::GenerateUserToken<'a> }
//! }
//! ```
//!
//! A flat method that is not shaped `builder::X::new(self)`, or an operation without one, means
//! the generator's output has changed: generation fails rather than losing an operation.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Attribute, ImplItem, Item, Type};

use crate::naming::Operation;
use crate::resources::resource_type_name;

/// The `Client` methods progenitor writes (and the `ClientInfo` ones its users call).
pub const PROGENITOR_CLIENT_METHODS: &[&str] = &[
    "new",
    "new_with_client",
    "baseurl",
    "client",
    "api_version",
    "inner",
];

/// The `hyperspell` crate's own `Client` methods (`src/client.rs`, `src/token.rs`).
pub const HYPERSPELL_CLIENT_METHODS: &[&str] = &[
    "builder",
    "from_env",
    "base_url",
    "state",
    "as_user",
    "without_acting_user",
    "with_user_token",
    "with_options",
    "mint_user_token",
    "mint_user_token_with",
];

/// A flat method taken off `Client`.
struct Flat {
    docs: Vec<Attribute>,
    builder: syn::Ident,
}

/// Moves every operation's `Client` method onto its resource handle. `Err` names an operation
/// whose flat method is missing or not shaped as expected.
pub fn group(file: &mut syn::File, operations: &[Operation]) -> Result<(), String> {
    let mut flat = take_flat_methods(file, operations)?;
    // Resources as a tree: path → (sub-resources, methods in document order).
    let mut tree: BTreeMap<Vec<String>, Node> = BTreeMap::new();
    for operation in operations {
        let Some(method) = flat.remove(&operation.rust_name) else {
            return Err(operation.label());
        };
        let (name, resources) = operation
            .call
            .split_last()
            .ok_or_else(|| operation.label())?;
        for end in 1..=resources.len() {
            let node = tree.entry(resources[..end].to_vec()).or_default();
            if end < resources.len() {
                node.children.insert(resources[end].clone());
            }
        }
        let node = tree.entry(resources.to_vec()).or_default();
        node.methods
            .push((name.clone(), method, operation.call_path()));
    }
    let type_names = unique_type_names(tree.keys());
    let mut items = Vec::new();
    let mut roots = Vec::new();
    for (path, node) in &tree {
        let ty = &type_names[path];
        let doc = format!("The `{}` resource.", path.join("."));
        let children = node.children.iter().map(|child| {
            let mut child_path = path.clone();
            child_path.push(child.clone());
            let child_ty = &type_names[&child_path];
            let ident = format_ident!("{}", child);
            let doc = format!("The `{}` resource.", child_path.join("."));
            quote! {
                #[doc = #doc]
                pub fn #ident(&self) -> #child_ty<'a> {
                    #child_ty { client: self.client }
                }
            }
        });
        let methods = node.methods.iter().map(|(name, flat, call_path)| {
            let ident = format_ident!("{}", name);
            let builder = &flat.builder;
            let docs = flat.docs.iter().map(|attr| rewrite_doc(attr, call_path));
            quote! {
                #(#docs)*
                pub fn #ident(&self) -> super::builder::#builder<'a> {
                    super::builder::#builder::new(self.client)
                }
            }
        });
        items.push(quote! {
            #[doc = #doc]
            #[derive(Clone, Copy)]
            pub struct #ty<'a> {
                pub(super) client: &'a super::Client,
            }
            impl<'a> #ty<'a> {
                #(#children)*
                #(#methods)*
            }
            impl std::fmt::Debug for #ty<'_> {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(stringify!(#ty))
                }
            }
        });
        if path.len() == 1 {
            let ident = format_ident!("{}", path[0]);
            roots.push(quote! {
                #[doc = #doc]
                pub fn #ident(&self) -> resources::#ty<'_> {
                    resources::#ty { client: self }
                }
            });
        }
    }
    let tokens: TokenStream = quote! {
        /// Resource handles: each groups the operations of one part of the API, as the official
        /// SDKs do (`client.auth().user_token()`).
        pub mod resources {
            #(#items)*
        }
        impl Client {
            #(#roots)*
        }
    };
    let generated: syn::File =
        syn::parse2(tokens).map_err(|e| format!("resource handles do not parse: {e}"))?;
    file.items.extend(generated.items);
    Ok(())
}

#[derive(Default)]
struct Node {
    children: std::collections::BTreeSet<String>,
    methods: Vec<(String, Flat, String)>,
}

/// Removes `pub fn <operation>(&self) -> builder::X<'_> { builder::X::new(self) }` from every
/// `impl Client` block.
fn take_flat_methods(
    file: &mut syn::File,
    operations: &[Operation],
) -> Result<BTreeMap<String, Flat>, String> {
    let names: BTreeMap<&str, &Operation> = operations
        .iter()
        .map(|o| (o.rust_name.as_str(), o))
        .collect();
    let mut taken = BTreeMap::new();
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        if block.trait_.is_some() || !is_client(&block.self_ty) {
            continue;
        }
        let mut kept = Vec::new();
        for impl_item in std::mem::take(&mut block.items) {
            let ImplItem::Fn(function) = &impl_item else {
                kept.push(impl_item);
                continue;
            };
            let name = function.sig.ident.to_string();
            let Some(operation) = names.get(name.as_str()) else {
                kept.push(impl_item);
                continue;
            };
            let builder = builder_of(function).ok_or_else(|| operation.label())?;
            let docs = function
                .attrs
                .iter()
                .filter(|a| a.path().is_ident("doc"))
                .cloned()
                .collect();
            if taken.insert(name, Flat { docs, builder }).is_some() {
                return Err(operation.label());
            }
        }
        block.items = kept;
    }
    file.items.retain(|item| match item {
        Item::Impl(block) => {
            !(block.trait_.is_none() && is_client(&block.self_ty) && block.items.is_empty())
        }
        _ => true,
    });
    Ok(taken)
}

fn is_client(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.is_ident("Client"))
}

/// `X` of a body that is exactly `builder::X::new(self)`.
fn builder_of(function: &syn::ImplItemFn) -> Option<syn::Ident> {
    let [syn::Stmt::Expr(syn::Expr::Call(call), None)] = function.block.stmts.as_slice() else {
        return None;
    };
    let syn::Expr::Path(callee) = call.func.as_ref() else {
        return None;
    };
    let segments: Vec<_> = callee.path.segments.iter().collect();
    let [module, builder, new] = segments.as_slice() else {
        return None;
    };
    let is_self = matches!(call.args.iter().collect::<Vec<_>>().as_slice(),
        [syn::Expr::Path(arg)] if arg.path.is_ident("self"));
    (module.ident == "builder" && new.ident == "new" && is_self).then(|| builder.ident.clone())
}

/// The flat call in progenitor's doc example (`client.generate_user_token()`) written as the
/// resource path (`client.auth().user_token()`).
fn rewrite_doc(attr: &Attribute, call_path: &str) -> Attribute {
    let syn::Meta::NameValue(meta) = &attr.meta else {
        return attr.clone();
    };
    let syn::Expr::Lit(syn::ExprLit {
        lit: syn::Lit::Str(text),
        ..
    }) = &meta.value
    else {
        return attr.clone();
    };
    let value = text.value();
    let Some(start) = value.find("let response = client.") else {
        return attr.clone();
    };
    let call_start = start + "let response = client.".len();
    let Some(end) = value[call_start..].find("()") else {
        return attr.clone();
    };
    let chain = call_path.replace('.', "().");
    let rewritten = format!(
        "{}{chain}(){}",
        &value[..call_start],
        &value[call_start + end + 2..]
    );
    syn::parse_quote!(#[doc = #rewritten])
}

/// One Rust type name per resource path; a name two paths would share gets a number.
fn unique_type_names<'a>(
    paths: impl Iterator<Item = &'a Vec<String>>,
) -> BTreeMap<Vec<String>, syn::Ident> {
    let mut used = std::collections::BTreeSet::new();
    paths
        .map(|path| {
            let base = resource_type_name(path);
            let name = std::iter::once(base.clone())
                .chain((2..).map(|n| format!("{base}{n}")))
                .find(|name| used.insert(name.clone()))
                .expect("an unbounded sequence");
            (path.clone(), format_ident!("{}", name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(rust_name: &str, call: &[&str]) -> Operation {
        Operation {
            method: "GET".into(),
            path: format!("/{rust_name}"),
            operation_id: Some(rust_name.into()),
            rust_name: rust_name.into(),
            call: call.iter().map(|s| s.to_string()).collect(),
            pointer: format!("/paths/~1{rust_name}/get"),
        }
    }

    #[test]
    fn flat_methods_move_onto_their_resources() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo!() }
            }
            impl Client {
                ///Sends a `GET` request to `/a`
                ///
                ///```ignore
                ///let response = client.list_a()
                ///    .send()
                ///```
                pub fn list_a(&self) -> builder::ListA<'_> { builder::ListA::new(self) }
                pub fn slack_list(&self) -> builder::SlackList<'_> { builder::SlackList::new(self) }
            }
        };
        let operations = [
            operation("list_a", &["things", "list"]),
            operation("slack_list", &["things", "slack", "list"]),
        ];
        group(&mut file, &operations).unwrap();
        let code = prettyplease::unparse(&file);
        assert!(code.contains("pub fn new(baseurl: &str)"), "{code}");
        assert!(!code.contains("pub fn list_a"), "{code}");
        assert!(
            code.contains("pub fn things(&self) -> resources::Things<'_>"),
            "{code}"
        );
        assert!(
            code.contains("pub fn slack(&self) -> ThingsSlack<'a>"),
            "{code}"
        );
        assert!(
            code.contains(
                "pub fn list(&self) -> super::builder::SlackList<'a> {\n            super::builder::SlackList::new(self.client)"
            ),
            "{code}"
        );
        assert!(
            code.contains("let response = client.things().list()"),
            "{code}"
        );
    }

    #[test]
    fn a_missing_or_misshapen_flat_method_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn list_a(&self) -> builder::ListA<'_> { builder::ListA::new(self) }
                pub fn odd(&self) -> builder::Odd<'_> { builder::Odd::with(self) }
            }
        };
        let error = group(
            &mut file.clone(),
            &[
                operation("list_a", &["a", "list"]),
                operation("gone", &["a", "gone"]),
            ],
        )
        .unwrap_err();
        assert!(error.contains("(gone)"), "{error}");
        let error = group(&mut file, &[operation("odd", &["a", "odd"])]).unwrap_err();
        assert!(error.contains("(odd)"), "{error}");
    }

    #[test]
    fn type_names_that_would_clash_get_numbers() {
        let paths = [vec!["a_b".to_owned()], vec!["a".to_owned(), "b".to_owned()]];
        let names = unique_type_names(paths.iter());
        assert_eq!(names[&paths[0]].to_string(), "AB");
        assert_eq!(names[&paths[1]].to_string(), "AB2");
    }
}

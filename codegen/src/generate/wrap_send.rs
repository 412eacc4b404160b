//! Routes every builder's `send()` through `crate::runtime` (retries, typed errors, tracing).
//!
//! progenitor's `send` becomes the private `send_once` (one attempt); the new `send` returns the
//! runtime's future, given the operation's metadata and a closure that re-sends a clone of the
//! builder, so each attempt rebuilds its request, bodies included.
//!
//! Inside `send_once`, two calls made on every request become cheaper runtime calls with the
//! same result: progenitor's `ResponseValue::from_response` becomes `crate::runtime::decode`
//! (its future is a quarter of the size, so the attempt's future fits a small allocation), and
//! the URL's `format!("{}/a/{}", client.baseurl, p)` becomes
//! `crate::runtime::concat(&[&client.baseurl, "/a/", &p])` (one allocation of the exact size, no
//! formatting machinery), and a `header_map` of unconditional headers (progenitor's
//! `api-version`) becomes `.header(name, value)` calls on the request builder (no map to
//! allocate and merge).

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, GenericArgument, ImplItem, Item, PathArguments, ReturnType, Token, Type};

use super::{builder_name, operation_const};
use crate::naming::Operation;

/// Wraps every operation's `send`. Fails, naming the operation, when an operation's builder
/// has no `send` of the expected shape: progenitor's output changed, and an unwrapped
/// operation would silently lose retries and typed errors.
pub fn wrap(file: &mut syn::File, operations: &[Operation]) -> Result<(), String> {
    let by_builder: BTreeMap<String, &Operation> =
        operations.iter().map(|op| (builder_name(op), op)).collect();
    let mut wrapped = BTreeSet::new();
    for item in &mut file.items {
        if let Item::Mod(module) = item
            && module.ident == "builder"
            && let Some((_, items)) = &mut module.content
        {
            wrap_builders(items, &by_builder, &mut wrapped);
        }
    }
    match operations
        .iter()
        .find(|op| !wrapped.contains(&builder_name(op)))
    {
        Some(missing) => Err(missing.label()),
        None => Ok(()),
    }
}

fn wrap_builders(
    items: &mut [Item],
    by_builder: &BTreeMap<String, &Operation>,
    wrapped: &mut BTreeSet<String>,
) {
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
        inline_static_headers(&mut original.block);
        let constant = operation_const(operation);
        let doc = format!(
            "Sends `{} {}`, retrying as the client's options say.",
            operation.method, operation.path
        );
        let body = if cloneable.contains(&name) {
            quote! {
                crate::runtime::send(self.client, &super::operations::#constant, move || self.clone().send_once())
            }
        } else {
            quote! {
                crate::runtime::send_unretried(self.client, &super::operations::#constant, self.send_once())
            }
        };
        // Not an `async fn`: it returns the runtime's future itself rather than one more state
        // machine around it (callers write `.send().await` all the same).
        let wrapper: ImplItem = syn::parse_quote! {
            #[doc = #doc]
            pub fn send(self) -> impl ::std::future::Future<Output = Result<ResponseValue<#success>, crate::Error>> {
                #body
            }
        };
        block.items.insert(position, wrapper);
        wrapped.insert(name);
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

/// `let mut header_map = HeaderMap::with_capacity(n); header_map.append(k, v); ...` followed by
/// `.headers(header_map)` → `.header(k, v)...`, when every other use of `header_map` is such an
/// unconditional `append` of a `from_static` name and value (progenitor's `api-version`;
/// headers from parameters are converted at run time or appended under an `if`: such a map is
/// left as it is). The request builder starts with no headers of those names, so appending to
/// it is what merging the map did.
fn inline_static_headers(block: &mut syn::Block) {
    const MAP: &str = "header_map";
    let mut declared = None;
    let mut appends = Vec::new();
    for (index, stmt) in block.stmts.iter().enumerate() {
        match stmt {
            syn::Stmt::Local(local) if pattern_names(&local.pat, MAP) => declared = Some(index),
            syn::Stmt::Expr(Expr::MethodCall(call), Some(_))
                if call.method == "append"
                    && is_ident(&call.receiver, MAP)
                    && call.args.iter().all(is_from_static) =>
            {
                appends.push((index, call.args.clone()))
            }
            _ => {}
        }
    }
    let Some(declared) = declared else { return };
    let removed: BTreeSet<usize> = std::iter::once(declared)
        .chain(appends.iter().map(|(index, _)| *index))
        .collect();
    // Any other mention of the map (a conditional append, ...) keeps it.
    let mut mentions = CountMentions(MAP, 0);
    for (index, stmt) in block.stmts.iter().enumerate() {
        if !removed.contains(&index) {
            syn::visit::Visit::visit_stmt(&mut mentions, stmt);
        }
    }
    if mentions.1 != 1 {
        return;
    }
    let mut replace = ReplaceHeadersCall {
        headers: appends.into_iter().map(|(_, args)| args).collect(),
        done: false,
    };
    let mut stmts: Vec<syn::Stmt> = block
        .stmts
        .iter()
        .enumerate()
        .filter(|(index, _)| !removed.contains(index))
        .map(|(_, stmt)| stmt.clone())
        .collect();
    for stmt in &mut stmts {
        replace.visit_stmt_mut(stmt);
    }
    if replace.done {
        block.stmts = stmts;
    }
}

/// `HeaderName::from_static(..)`, `HeaderValue::from_static(..)` and the like.
fn is_from_static(expr: &Expr) -> bool {
    matches!(expr, Expr::Call(call)
        if matches!(&*call.func, Expr::Path(f)
            if f.path.segments.last().is_some_and(|s| s.ident == "from_static")))
}

fn pattern_names(pat: &syn::Pat, name: &str) -> bool {
    matches!(pat, syn::Pat::Ident(ident) if ident.ident == name)
}

fn is_ident(expr: &Expr, name: &str) -> bool {
    matches!(expr, Expr::Path(path) if path.path.is_ident(name))
}

struct CountMentions(&'static str, usize);

impl<'ast> syn::visit::Visit<'ast> for CountMentions {
    fn visit_ident(&mut self, ident: &'ast syn::Ident) {
        if ident == self.0 {
            self.1 += 1;
        }
    }
}

struct ReplaceHeadersCall {
    headers: Vec<Punctuated<Expr, Token![,]>>,
    done: bool,
}

impl VisitMut for ReplaceHeadersCall {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        if let Expr::MethodCall(call) = expr
            && call.method == "headers"
            && call.args.len() == 1
            && is_ident(&call.args[0], "header_map")
        {
            let mut chain = (*call.receiver).clone();
            for args in &self.headers {
                chain = syn::parse_quote!(#chain.header(#args));
            }
            *expr = chain;
            self.done = true;
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

    /// Tokens as compact text, for comparing code.
    fn compact(tokens: impl quote::ToTokens) -> String {
        tokens.to_token_stream().to_string().replace(' ', "")
    }

    fn operation(rust_name: &str) -> Operation {
        Operation {
            method: "GET".into(),
            path: "/a".into(),
            operation_id: Some(rust_name.into()),
            rust_name: rust_name.into(),
            call: vec!["a".into(), rust_name.into()],
            pointer: "/paths/~1a/get".into(),
        }
    }

    #[test]
    fn a_builder_without_the_expected_send_is_an_error() {
        let builder = |send: proc_macro2::TokenStream| -> syn::File {
            syn::parse2(quote! {
                pub mod builder {
                    #[derive(Clone)]
                    pub struct GetA<'a> { client: &'a super::Client }
                    impl<'a> GetA<'a> { #send }
                }
            })
            .unwrap()
        };
        let mut good = builder(quote! {
            pub async fn send(self) -> Result<ResponseValue<types::A>, Error<()>> { todo!() }
        });
        assert_eq!(wrap(&mut good, &[operation("get_a")]), Ok(()));
        assert!(compact(&good).contains("fnsend_once"));

        // progenitor renamed it, or changed its return type: no silent pass-through.
        for send in [
            quote! { pub async fn execute(self) -> Result<ResponseValue<types::A>, Error<()>> { todo!() } },
            quote! { pub async fn send(self) -> types::A { todo!() } },
        ] {
            let mut changed = builder(send);
            assert_eq!(
                wrap(&mut changed, &[operation("get_a")]),
                Err("GET /a (get_a)".to_owned())
            );
        }
    }

    fn rewritten(expr: &str) -> String {
        let mut expr: Expr = syn::parse_str(expr).unwrap();
        RuntimeCalls.visit_expr_mut(&mut expr);
        compact(expr)
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
            assert_eq!(
                rewritten(kept),
                compact(syn::parse_str::<Expr>(kept).unwrap())
            );
        }
    }

    fn inlined(block: &str) -> String {
        let mut block: syn::Block = syn::parse_str(block).unwrap();
        inline_static_headers(&mut block);
        compact(block)
    }

    #[test]
    fn unconditional_headers_go_straight_onto_the_request() {
        let block = r#"{
            let url = u;
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
            header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static(V));
            header_map.append(HeaderName::from_static("x-b"), HeaderValue::from_static("b"));
            let request = client.client.get(url).header(ACCEPT, A).headers(header_map).build()?;
        }"#;
        assert_eq!(
            inlined(block),
            r#"{leturl=u;letrequest=client.client.get(url).header(ACCEPT,A).header(HeaderName::from_static("api-version"),HeaderValue::from_static(V)).header(HeaderName::from_static("x-b"),HeaderValue::from_static("b")).build()?;}"#
        );
    }

    #[test]
    fn header_maps_with_conditional_headers_are_kept() {
        for kept in [
            r#"{
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(2usize);
                header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static(V));
                if let Some(v) = x { header_map.append("x-opt", v.to_string().try_into()?); }
                let request = client.client.get(url).headers(header_map).build()?;
            }"#,
            // A required header parameter: converted at run time.
            r#"{
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append("x-req", x.to_string().try_into()?);
                let request = client.client.get(url).headers(header_map).build()?;
            }"#,
        ] {
            let expected: syn::Block = syn::parse_str(kept).unwrap();
            assert_eq!(inlined(kept), compact(expected));
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

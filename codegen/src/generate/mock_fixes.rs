//! Repairs for two bugs in progenitor 0.15's httpmock generator, so the `mock` feature builds:
//! - an array query parameter is matched with `value.to_string()` on a `&Vec<_>` (no
//!   `Display`): match each item instead, as the client sends one pair per item;
//! - a nullable JSON response is written with `json_body_obj(value)` where `value` is an
//!   `Option<&T>`: pass `&value` (serializes `null` or the value).

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, FnArg, ImplItemFn, Pat, Type};

pub fn repair(file: &mut syn::File) {
    Repair.visit_file_mut(file);
}

struct Repair;

impl VisitMut for Repair {
    fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
        let signature = function.sig.to_token_stream().to_string();
        let takes_vec = signature.contains("Vec <");
        let value_is_option = function.sig.inputs.iter().any(|input| {
            matches!(input, FnArg::Typed(arg)
                if matches!(&*arg.pat, Pat::Ident(p) if p.ident == "value")
                    && matches!(&*arg.ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option")))
        });
        if takes_vec || value_is_option {
            FixCalls {
                takes_vec,
                value_is_option,
            }
            .visit_block_mut(&mut function.block);
        }
        visit_mut::visit_impl_item_fn_mut(self, function);
    }
}

struct FixCalls {
    takes_vec: bool,
    value_is_option: bool,
}

impl VisitMut for FixCalls {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else { return };
        if self.takes_vec && call.method == "query_param" && call.args.len() == 2 {
            let second = call.args[1].to_token_stream().to_string();
            if second == "value . to_string ()" {
                let receiver = &call.receiver;
                let name = &call.args[0];
                *expr = syn::parse_quote! {
                    value.iter().fold(#receiver, |when, item| when.query_param(#name, item.to_string()))
                };
            }
        } else if self.value_is_option
            && call.method == "json_body_obj"
            && call.args.len() == 1
            && call.args[0].to_token_stream().to_string() == "value"
        {
            call.args[0] = syn::parse_quote! { &value };
        }
    }
}

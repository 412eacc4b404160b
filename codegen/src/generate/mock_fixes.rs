//! Repairs for two bugs in progenitor 0.15's httpmock generator, so the `mock` feature builds:
//! - an array query parameter is matched with `value.to_string()` on a `&Vec<_>` (no
//!   `Display`): match each item instead, as the client sends one pair per item;
//! - a nullable JSON response is written with `json_body_obj(value)` where `value` is an
//!   `Option<&T>`: pass `&value` (serializes `null` or the value).
//!
//! A function that has the signature of one of these cases but not the call to repair means
//! progenitor's output changed: that is an error (naming the function), not a silent no-op.

use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, FnArg, ImplItemFn, Pat, Type};

/// Repairs `file`; the error names a function whose shape was not the expected one.
pub fn repair(file: &mut syn::File) -> Result<(), String> {
    let mut repair = Repair { unexpected: None };
    repair.visit_file_mut(file);
    match repair.unexpected {
        Some(function) => Err(function),
        None => Ok(()),
    }
}

struct Repair {
    /// The first function of a known signature without the call to repair.
    unexpected: Option<String>,
}

impl VisitMut for Repair {
    fn visit_impl_item_fn_mut(&mut self, function: &mut ImplItemFn) {
        let signature = function.sig.to_token_stream().to_string();
        let takes_vec = signature.contains("Vec <") && mentions(&function.block, "query_param");
        let value_is_option = function.sig.inputs.iter().any(|input| {
            matches!(input, FnArg::Typed(arg)
                if matches!(&*arg.pat, Pat::Ident(p) if p.ident == "value")
                    && matches!(&*arg.ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option")))
        });
        if takes_vec || value_is_option {
            let mut fix = FixCalls {
                takes_vec,
                value_is_option,
                fixed: false,
            };
            fix.visit_block_mut(&mut function.block);
            if !fix.fixed && self.unexpected.is_none() {
                self.unexpected = Some(function.sig.ident.to_string());
            }
        }
        visit_mut::visit_impl_item_fn_mut(self, function);
    }
}

fn mentions(block: &syn::Block, method: &str) -> bool {
    block.to_token_stream().to_string().contains(method)
}

struct FixCalls {
    takes_vec: bool,
    value_is_option: bool,
    /// Whether a call was repaired.
    fixed: bool,
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
                self.fixed = true;
            }
        } else if self.value_is_option
            && call.method == "json_body_obj"
            && call.args.len() == 1
            && call.args[0].to_token_stream().to_string() == "value"
        {
            call.args[0] = syn::parse_quote! { &value };
            self.fixed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn compact(file: &syn::File) -> String {
        file.to_token_stream().to_string().replace(' ', "")
    }

    #[test]
    fn both_bugs_are_repaired() {
        let mut file: syn::File = syn::parse2(quote! {
            impl When {
                pub fn channels<'a, T>(self, value: T) -> Self where T: Into<Option<&'a Vec<String>>> {
                    if let Some(value) = value.into() {
                        Self(self.0.query_param("channels", value.to_string()))
                    } else {
                        Self(self.0.query_param_missing("channels"))
                    }
                }
            }
            impl Then {
                pub fn ok(self, value: Option<&types::A>) -> Self { Self(self.0.json_body_obj(value)) }
            }
        })
        .unwrap();
        assert_eq!(repair(&mut file), Ok(()));
        let code = compact(&file);
        assert!(code.contains("value.iter().fold(self.0,|when,item|when.query_param(\"channels\",item.to_string()))"), "{code}");
        assert!(code.contains("json_body_obj(&value)"), "{code}");
    }

    #[test]
    fn a_known_signature_without_the_known_call_is_an_error() {
        let mut file: syn::File = syn::parse2(quote! {
            impl Then {
                pub fn ok(self, value: Option<&types::A>) -> Self { Self(self.0.json_body(value)) }
            }
        })
        .unwrap();
        assert_eq!(repair(&mut file), Err("ok".to_owned()));
    }
}

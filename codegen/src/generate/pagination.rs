//! Cursor pagination: an `into_stream()` for every operation that pages by cursor.
//!
//! Recognized generally: a GET with a `cursor` query parameter whose success response is an
//! object with a `next_cursor` string and exactly one array property (the items).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::{builder_name, ref_type};
use crate::naming::Operation;

pub fn streams(
    doc: &Value,
    operations: &[Operation],
    type_space: &typify::TypeSpace,
) -> TokenStream {
    let impls = operations.iter().filter_map(|operation| {
        let page = cursor_page(doc, operation)?;
        let page_type = ref_type(type_space, &page.page_ref)?;
        let item_type = ref_type(type_space, &page.item_ref)?;
        let builder = format_ident!("{}", builder_name(operation));
        let items = format_ident!("{}", page.items_field);
        let next_cursor = if page.cursor_optional {
            quote! { page.next_cursor }
        } else {
            quote! { Some(page.next_cursor) }
        };
        let doc = format!(
            "Streams every item of every page of `{} {}`, following `next_cursor` and \
             repeating the other parameters on each page.",
            operation.method, operation.path
        );
        Some(quote! {
            impl<'a> builder::#builder<'a> {
                #[doc = #doc]
                pub fn into_stream(
                    self,
                ) -> impl futures::Stream<Item = Result<#item_type, crate::Error>> + Unpin + 'a {
                    crate::runtime::paginate(
                        self,
                        |builder, cursor: String| builder.cursor(cursor),
                        |builder| builder.send(),
                        |page: #page_type| (page.#items, #next_cursor),
                    )
                }
            }
        })
    });
    quote! { #(#impls)* }
}

struct CursorPage {
    page_ref: String,
    item_ref: String,
    items_field: String,
    cursor_optional: bool,
}

fn cursor_page(doc: &Value, operation: &Operation) -> Option<CursorPage> {
    if operation.method != "GET" {
        return None;
    }
    let op = doc.pointer(&operation.pointer)?;
    let path_item = doc.pointer(operation.pointer.rsplit_once('/')?.0)?;
    let has_cursor = [op.get("parameters"), path_item.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .any(|p| {
            let p = crate::refs::resolve(doc, p);
            p["name"] == "cursor" && p["in"] == "query"
        });
    if !has_cursor {
        return None;
    }
    let responses = op.get("responses")?.as_object()?;
    let success = responses.iter().find(|(code, _)| code.starts_with('2'))?.1;
    let page_ref = crate::refs::resolve(doc, success)
        .pointer("/content/application~1json/schema/$ref")?
        .as_str()?
        .to_owned();
    let page = doc.pointer(page_ref.strip_prefix('#')?)?;
    let properties = page.get("properties")?.as_object()?;
    let cursor = properties.get("next_cursor")?;
    let required = page
        .get("required")
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|n| n == "next_cursor"));
    let nullable = cursor.get("nullable") == Some(&Value::Bool(true));
    let arrays: Vec<(&String, &Value)> = properties
        .iter()
        .filter(|(_, schema)| schema.get("type") == Some(&Value::String("array".into())))
        .collect();
    let [(items_field, items)] = arrays.as_slice() else {
        return None;
    };
    let item_ref = items.pointer("/items/$ref")?.as_str()?.to_owned();
    Some(CursorPage {
        page_ref,
        item_ref,
        items_field: heck::ToSnakeCase::to_snake_case(items_field.as_str()),
        cursor_optional: nullable || !required,
    })
}

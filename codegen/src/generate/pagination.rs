//! Cursor pagination streams (placeholder).

use proc_macro2::TokenStream;
use serde_json::Value;

use crate::naming::Operation;

pub fn streams(_doc: &Value, _operations: &[Operation], _type_space: &typify::TypeSpace) -> TokenStream {
    TokenStream::new()
}

//! Per-operation metadata for the runtime (placeholder).

use proc_macro2::TokenStream;
use serde_json::Value;

use crate::load::Spec;
use crate::naming::Operation;

pub fn metadata(_spec: &Spec, _doc: &Value, _operations: &[Operation]) -> TokenStream {
    TokenStream::new()
}

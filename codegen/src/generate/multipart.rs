//! `multipart/form-data` operations, which progenitor cannot generate (placeholder).

use proc_macro2::TokenStream;
use serde_json::Value;

use super::Flavor;
use crate::diagnostic::Diagnostic;
use crate::load::Spec;
use crate::naming::Operation;

/// A multipart operation taken out of the document before progenitor sees it.
#[derive(Debug, Clone)]
pub struct MultipartOperation {
    pub operation: Operation,
    /// The operation object as it was in the normalized document.
    pub object: Value,
}

/// Removes the operations whose request body is `multipart/form-data` and returns them.
pub fn take_multipart_operations(
    _spec: &Spec,
    _doc: &mut Value,
    _operations: &[Operation],
) -> Result<Vec<MultipartOperation>, Diagnostic> {
    Ok(Vec::new())
}

/// Builder structs and `Client` methods for the multipart operations.
pub fn generate(
    _spec: &Spec,
    _doc: &Value,
    _operations: &[MultipartOperation],
    _type_space: &typify::TypeSpace,
    _flavor: Flavor,
) -> Result<TokenStream, Diagnostic> {
    Ok(TokenStream::new())
}

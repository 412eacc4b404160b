//! OpenAPI 3.1 → 3.0 normalization (placeholder; being written).

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Note};
use crate::load::Spec;

/// Returns a copy of `spec.doc` that progenitor and `openapiv3` accept, with notes on what changed.
pub fn normalize(spec: &Spec) -> Result<(Value, Vec<Note>), Diagnostic> {
    let mut doc = spec.doc.clone();
    if let Some(object) = doc.as_object_mut() {
        object.insert("openapi".into(), Value::String("3.0.3".into()));
    }
    Ok((doc, Vec::new()))
}

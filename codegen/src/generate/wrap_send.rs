//! Routes every builder's `send()` through the runtime (placeholder).

use crate::naming::Operation;

pub fn wrap(_file: &mut syn::File, _operations: &[Operation]) {}

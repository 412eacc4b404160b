//! progenitor's limits.

use serde_json::Value;

use super::Ctx;

pub(super) fn compat(_ctx: &mut Ctx, _doc: &mut Value) {}

//! Defaults typify cannot express.

use serde_json::{Map, Value};

use super::Ctx;

pub(super) fn defaults(_ctx: &mut Ctx, _object: &mut Map<String, Value>, _pointer: &str) {}

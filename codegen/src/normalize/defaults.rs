//! `default` values typify cannot express.
//!
//! typify checks every default against the type it generates and rejects the whole document
//! when one does not fit. A default that does not fit its own schema's `type`, `enum` or
//! nullability is removed (with a note): the property stays optional, so the client sends
//! nothing unless the user sets it, and the server applies its own default.

use serde_json::{Map, Value};

use super::{Ctx, join};

pub(super) fn defaults(ctx: &mut Ctx, object: &mut Map<String, Value>, pointer: &str) {
    let Some(default) = object.get("default") else {
        return;
    };
    let schema = Value::Object(object.clone());
    if may_accept(&schema, default) {
        return;
    }
    let default = object.remove("default").expect("checked");
    ctx.note(
        &join(pointer, "default"),
        format!("removed `default: {default}`: the schema does not accept it"),
    );
}

/// Whether the (normalized) `schema` may accept `value`, judging by its `type`, `nullable` and
/// `enum` only; references and compositions are assumed to accept it.
fn may_accept(schema: &Value, value: &Value) -> bool {
    let Some(object) = schema.as_object() else {
        return true;
    };
    if ["$ref", "allOf", "anyOf", "oneOf", "not"]
        .iter()
        .any(|k| object.contains_key(*k))
    {
        return true;
    }
    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        return values.contains(value) || (value.is_null() && nullable && values.is_empty());
    }
    if value.is_null() {
        return nullable || !object.contains_key("type");
    }
    match object.get("type").and_then(Value::as_str) {
        None => true,
        Some("string") => value.is_string(),
        Some("integer") => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("array") => value.is_array(),
        Some("object") => value.is_object(),
        Some(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    #[test]
    fn defaults_that_fit_are_kept() {
        for schema in [
            json!({"type": "string", "enum": ["a", "b"], "default": "a"}),
            json!({"type": "integer", "default": 3}),
            json!({"type": "string", "nullable": true, "default": null}),
            json!({"allOf": [{"$ref": "#/components/schemas/S"}], "default": "x"}),
        ] {
            assert_eq!(normalize_schema(schema.clone()).0, schema);
        }
    }

    #[test]
    fn defaults_that_do_not_fit_are_removed_with_a_note() {
        let (out, notes) = normalize_schema(json!({"type": "string", "default": {}}));
        assert_eq!(out, json!({"type": "string"}));
        assert_eq!(notes[0].pointer, "/components/schemas/S/default");
        assert_eq!(
            schema(json!({"type": "string", "enum": ["a"], "default": "b"})),
            json!({"type": "string", "enum": ["a"]})
        );
        assert_eq!(
            schema(json!({"type": "integer", "default": null})),
            json!({"type": "integer"})
        );
    }

    /// FastAPI's "unset" sentinel: `anyOf: [T, {}, null]` + `default: {}`. Absent, null and a
    /// value must stay three different things: the schema accepts anything (so the field is
    /// an optional `serde_json::Value`), and the default goes so that nothing is sent unless set.
    #[test]
    fn unset_sentinel_default_is_removed() {
        let (out, notes) = normalize_schema(json!({
            "anyOf": [{"type": "string"}, {}, {"type": "null"}],
            "title": "Text", "description": "Full text.", "default": {}
        }));
        assert_eq!(out, json!({"title": "Text", "description": "Full text."}));
        assert!(
            notes
                .iter()
                .any(|n| n.pointer == "/components/schemas/S/default"),
            "{notes:?}"
        );
    }

    #[test]
    fn sentinel_default_goes_even_when_a_branch_accepts_it() {
        let (out, notes) = normalize_schema(json!({
            "anyOf": [{"type": "object", "additionalProperties": true}, {}, {"type": "null"}],
            "default": {}
        }));
        assert_eq!(out, json!({}));
        assert!(
            notes
                .iter()
                .any(|n| n.message.contains("removed `default: {}`")),
            "{notes:?}"
        );
    }
}

//! `default` values: the server's to apply, not the client's to send.
//!
//! A `default` in an API description says what the *server* does when a value is absent.
//! typify would make it the client's: a property with a default becomes a non-optional field
//! filled with it, so every request carries it (the server could never change a default for
//! Rust callers) and a response that omits it decodes as if the server had sent it. So every
//! default is moved into the schema's description (`Server default: `10`.`, which becomes the
//! doc of the field and its setter), and the property stays optional: sent only when the caller
//! sets it, `None` when the server leaves it out.
//!
//! Kept: the default of a single-value enum that is that value (a discriminator tag: the only
//! value the property can have, which lets a tagged struct keep its tag once serde consumed it).
//!
//! A `null` default goes without a word (absent means null to the server).
//!
//! A default that does not even fit its own schema's `type`, `enum` or nullability (typify
//! would reject the whole document) is removed with a note.

use serde_json::{Map, Value};

use super::{Ctx, join};

pub(super) fn defaults(ctx: &mut Ctx, object: &mut Map<String, Value>, pointer: &str) {
    let Some(default) = object.get("default") else {
        return;
    };
    let schema = Value::Object(object.clone());
    if !may_accept(&schema, default) {
        let default = object.remove("default").expect("checked");
        ctx.note(
            &join(pointer, "default"),
            format!("removed `default: {default}`: the schema does not accept it"),
        );
        return;
    }
    if is_tag(object) {
        return;
    }
    let default = object.remove("default").expect("checked");
    // `null`: absent and null are the same to the server, nothing to document.
    if default.is_null() {
        return;
    }
    let line = format!("Server default: `{default}`.");
    let description = match object.get("description").and_then(Value::as_str) {
        Some(text) if text.contains(&line) => return,
        Some(text) if !text.trim().is_empty() => format!("{}\n\n{line}", text.trim_end()),
        _ => line,
    };
    object.insert("description".into(), Value::String(description));
}

/// A single-value enum whose default is its value.
fn is_tag(object: &Map<String, Value>) -> bool {
    matches!(object.get("enum").and_then(Value::as_array), Some(values)
        if values.len() == 1 && object.get("default") == Some(&values[0]))
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
    fn defaults_become_documentation() {
        for (schema, described) in [
            (
                json!({"type": "string", "enum": ["a", "b"], "default": "a"}),
                json!({"type": "string", "enum": ["a", "b"], "description": "Server default: `\"a\"`."}),
            ),
            (
                json!({"type": "integer", "default": 10, "description": "How many."}),
                json!({"type": "integer", "description": "How many.\n\nServer default: `10`."}),
            ),
            (
                json!({"type": "string", "nullable": true, "default": null}),
                json!({"type": "string", "nullable": true}),
            ),
            (
                json!({"allOf": [{"$ref": "#/components/schemas/S"}], "default": "x"}),
                json!({"allOf": [{"$ref": "#/components/schemas/S"}], "description": "Server default: `\"x\"`."}),
            ),
        ] {
            let (out, notes) = normalize_schema(schema);
            assert_eq!(out, described);
            assert!(notes.is_empty(), "{notes:?}");
            // Normalizing again changes nothing.
            assert_eq!(normalize_schema(out.clone()).0, out);
        }
    }

    #[test]
    fn a_tag_keeps_its_default() {
        let tag = json!({"type": "string", "enum": ["message"], "default": "message"});
        assert_eq!(normalize_schema(tag.clone()).0, tag);
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

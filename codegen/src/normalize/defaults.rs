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
//! A default that does not even fit its schema (its `type`, `enum`, nullability, and what its
//! `$ref`s and compositions accept; typify would reject the whole document) is removed with a
//! note.
//!
//! An `enum` value of another type than the schema's `type` (typically YAML 1.1 reading an
//! unquoted `no` as `false`) is removed with a degraded note: the client cannot send it.

use serde_json::{Map, Value};

use super::{Ctx, join};

/// How deep `$ref`s and compositions are followed before a value is assumed to fit.
const MAX_DEPTH: usize = 16;

pub(super) fn defaults(ctx: &mut Ctx, object: &mut Map<String, Value>, pointer: &str) {
    enum_values(ctx, object, pointer);
    let Some(default) = object.get("default") else {
        return;
    };
    let schema = Value::Object(object.clone());
    if !may_accept(ctx.original(), &schema, default, 0) {
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

fn enum_values(ctx: &mut Ctx, object: &mut Map<String, Value>, pointer: &str) {
    let Some(kind) = object
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let Some(values) = object.get_mut("enum").and_then(Value::as_array_mut) else {
        return;
    };
    let mut removed = Vec::new();
    values.retain(|value| {
        let fits = value.is_null() || fits_type(&kind, value);
        if !fits {
            removed.push(value.to_string());
        }
        fits
    });
    if removed.is_empty() {
        return;
    }
    if values.is_empty() {
        object.remove("enum");
    }
    ctx.degrade(
        &join(pointer, "enum"),
        format!(
            "removed enum values {} that are not of `type: {kind}`: the client cannot send or \
             read them (in YAML, quote values such as `no`, `yes`, `on`, `off`)",
            removed.join(", ")
        ),
    );
}

fn fits_type(kind: &str, value: &Value) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    }
}

/// Whether `schema` may accept `value`, judging by its `type` (a 3.1 list too), `nullable`,
/// `enum` and `const`, following `$ref`s into `root` and compositions (`allOf`: every branch,
/// `anyOf`/`oneOf`: some branch). What it cannot judge is assumed to accept.
fn may_accept(root: &Value, schema: &Value, value: &Value, depth: usize) -> bool {
    let Some(object) = schema.as_object() else {
        return true;
    };
    if depth > MAX_DEPTH || object.contains_key("not") {
        return true;
    }
    let nullable = object.get("nullable") == Some(&Value::Bool(true));
    if value.is_null() && nullable {
        return true;
    }
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        return match super::refs::local_pointer(reference).and_then(|p| root.pointer(&p)) {
            Some(target) => may_accept(root, target, value, depth + 1),
            None => true,
        };
    }
    let branches = |key: &str| object.get(key).and_then(Value::as_array);
    if let Some(all) = branches("allOf")
        && !all.iter().all(|b| may_accept(root, b, value, depth + 1))
    {
        return false;
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(any) = branches(key)
            && !any.iter().any(|b| may_accept(root, b, value, depth + 1))
        {
            return false;
        }
    }
    if let Some(constant) = object.get("const") {
        return constant == value;
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        return values.contains(value) || (value.is_null() && values.is_empty());
    }
    match object.get("type") {
        Some(Value::String(kind)) if value.is_null() => kind == "null",
        Some(Value::String(kind)) => fits_type(kind, value),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).any(|kind| {
            if value.is_null() {
                kind == "null"
            } else {
                fits_type(kind, value)
            }
        }),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    /// Failure class "type error value does not conform to the given schema": a default that
    /// its referenced schema does not accept (utoipa writes `'null'` as a string).
    #[test]
    fn defaults_are_checked_through_refs_and_compositions() {
        let doc = with_schemas(json!({
            "Grammar": {"oneOf": [
                {"type": "object", "properties": {"type": {"type": "string"}}},
                {"type": "object", "properties": {"value": {"type": "string"}}}
            ]},
            "Choice": {"type": "string", "enum": ["auto", "none"]},
            "P": {"type": "object", "properties": {
                "grammar": {"allOf": [{"$ref": "#/components/schemas/Grammar"}], "nullable": true, "default": "null"},
                "choice": {"allOf": [{"$ref": "#/components/schemas/Choice"}], "default": "auto"},
                "or_text": {"anyOf": [{"$ref": "#/components/schemas/Choice"}, {"type": "string"}], "default": "x"},
                "none": {"anyOf": [{"$ref": "#/components/schemas/Grammar"}, {"type": "null"}], "default": null}
            }}
        }));
        let (out, notes) = ok(doc);
        let p = &out["components"]["schemas"]["P"]["properties"];
        assert!(p["grammar"].get("default").is_none(), "{p}");
        // Defaults that fit are the server's: documented, not kept (see the module docs).
        for (property, default) in [("choice", "\"auto\""), ("or_text", "\"x\"")] {
            assert!(p[property].get("default").is_none(), "{p}");
            let described = p[property]["description"].as_str().unwrap_or_default();
            assert!(
                described.contains(&format!("Server default: `{default}`.")),
                "{p}"
            );
        }
        assert!(notes.iter().any(|n| n.pointer
            == "/components/schemas/P/properties/grammar/default"
            && !n.degraded));
    }

    /// Failure class "type error unexpected value type": YAML 1.1 reads `- no` as `false` in
    /// an enum of strings; typify rejects the schema.
    #[test]
    fn enum_values_of_another_type_are_removed_as_degraded() {
        let (out, notes) = normalize_schema(json!({"type": "string", "enum": ["nl", false, "pt"]}));
        assert_eq!(out, json!({"type": "string", "enum": ["nl", "pt"]}));
        assert!(notes[0].degraded, "{notes:?}");
        assert_eq!(notes[0].pointer, "/components/schemas/S/enum");
        assert!(notes[0].message.contains("removed enum values false"));
        // Fitting values (and null, which nullability governs) are left alone.
        let fine = json!({"type": "string", "nullable": true, "enum": ["a", null]});
        assert_eq!(normalize_schema(fine.clone()).0, fine);
    }

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
    /// value must stay three different things: the schema becomes nullable `T` marked
    /// three-state (a `Patch<T>` in the client), and the default goes so that nothing is sent
    /// unless set.
    #[test]
    fn unset_sentinel_default_is_removed() {
        let (out, notes) = normalize_schema(json!({
            "anyOf": [{"type": "string"}, {}, {"type": "null"}],
            "title": "Text", "description": "Full text.", "default": {}
        }));
        assert_eq!(
            out,
            json!({"type": "string", "nullable": true, "x-codegen-three-state": true,
                   "title": "Text", "description": "Full text."})
        );
        assert!(
            notes
                .iter()
                .any(|n| n.pointer == "/components/schemas/S/anyOf"
                    && n.message.contains("\"not set\" marker")),
            "{notes:?}"
        );
    }

    #[test]
    fn sentinel_is_recognized_even_when_a_branch_accepts_its_default() {
        let (out, notes) = normalize_schema(json!({
            "anyOf": [{"type": "object", "additionalProperties": true}, {}, {"type": "null"}],
            "default": {}
        }));
        assert_eq!(
            out,
            json!({"type": "object", "additionalProperties": true, "nullable": true,
                   "x-codegen-three-state": true})
        );
        assert!(
            notes
                .iter()
                .any(|n| n.message.contains("\"not set\" marker")),
            "{notes:?}"
        );
    }
}

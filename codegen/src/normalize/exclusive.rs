//! `anyOf` whose branches exclude each other becomes `oneOf`.
//!
//! typify renders `anyOf` as a struct of flattened optional fields, one per branch: a value
//! then decodes as *every* branch whose fields are all optional (a `list_item` node becomes a
//! `ListItem` and an empty `ToDo`) and re-encodes with both. When each branch is an object whose
//! property P is pinned to one value (`type: {enum: [list_item]}`), distinct per branch, no value
//! can match two branches, so `anyOf` and `oneOf` accept the same values and `oneOf` (an enum
//! in Rust) is the faithful type.

use serde_json::{Map, Value};

use super::Ctx;
use super::visit::for_each_schema;

pub(super) fn exclusive_unions(ctx: &mut Ctx, doc: &mut Value) {
    // The schemas branches refer to (`doc` itself is being changed by the walk).
    let components = serde_json::json!({"components": {
        "schemas": doc.pointer("/components/schemas").cloned().unwrap_or(Value::Null)
    }});
    let mut changed = Vec::new();
    for_each_schema(doc, &mut |pointer, object, _| {
        if object.contains_key("discriminator") {
            return;
        }
        let Some(Value::Array(branches)) = object.get("anyOf") else {
            return;
        };
        if branches.len() < 2 || !pinned_property_excludes(branches, &components) {
            return;
        }
        let branches = object.remove("anyOf").expect("checked above");
        object.insert("oneOf".into(), branches);
        changed.push(pointer.to_owned());
    });
    if let Some(first) = changed.first() {
        ctx.note(
            first,
            format!(
                "{} `anyOf` union(s) whose branches are told apart by a property with one value \
                 each are generated as `oneOf` (they accept the same values)",
                changed.len()
            ),
        );
    }
}

/// Whether some property is pinned to one value in every branch, a different value each.
fn pinned_property_excludes(branches: &[Value], components: &Value) -> bool {
    let objects: Option<Vec<&Map<String, Value>>> = branches
        .iter()
        .map(|b| crate::refs::resolve(components, b).as_object())
        .collect();
    let Some(objects) = objects else {
        return false;
    };
    let Some(first) = objects[0].get("properties").and_then(Value::as_object) else {
        return false;
    };
    first.keys().any(|property| {
        let values: Option<Vec<&Value>> = objects
            .iter()
            .map(|object| pinned_value(object, property))
            .collect();
        values.is_some_and(|values| {
            values
                .iter()
                .enumerate()
                .all(|(i, v)| !values[..i].contains(v))
        })
    })
}

fn pinned_value<'a>(object: &'a Map<String, Value>, property: &str) -> Option<&'a Value> {
    let schema = object.get("properties")?.get(property)?;
    match schema.get("enum")?.as_array()?.as_slice() {
        [only] if !only.is_null() => Some(only),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    fn tagged(tag: &str) -> serde_json::Value {
        json!({"type": "object", "properties": {"type": {"const": tag, "default": tag}, "x": {"type": "string"}}})
    }

    #[test]
    fn branches_pinned_to_distinct_values_become_one_of() {
        let (doc, notes) = ok(with_schemas(json!({
            "A": tagged("a"),
            "B": tagged("b"),
            "U": {"type": "array", "items": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]}}
        })));
        let items = &doc["components"]["schemas"]["U"]["items"];
        assert!(items.get("anyOf").is_none(), "{items:#}");
        assert_eq!(items["oneOf"].as_array().unwrap().len(), 2);
        assert!(
            notes.iter().any(|n| n.message.contains("as `oneOf`")),
            "{notes:?}"
        );
    }

    #[test]
    fn overlapping_branches_stay_any_of() {
        let (doc, _) = ok(with_schemas(json!({
            "A": tagged("a"),
            "A2": tagged("a"),
            "Free": {"type": "object", "properties": {"x": {"type": "string"}}},
            "Same": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/A2"}]},
            "Untagged": {"anyOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/Free"}]}
        })));
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["Same"].get("anyOf").is_some(), "{schemas:#}");
        assert!(schemas["Untagged"].get("anyOf").is_some(), "{schemas:#}");
    }
}

//! Titles that would give two different types the same name.
//!
//! typify names the type of an inline schema after its `title` when it has one, and when two
//! different schemas get the same name it silently reuses the first type for both. FastAPI
//! titles every property after its name, so `type: {const: tool_call, title: Type}` and
//! `type: {const: tool_result, title: Type}` would share one Rust type — which then rejects
//! `tool_result` (typify reports "value does not conform to the given schema" on the default)
//! or, worse, serializes the wrong value.
//!
//! The same happens to a component: typify names the type *inside* a nullable component
//! after its title, so `nullable-team-simple` titled "Team Simple" defines a second
//! `TeamSimple` next to the `team-simple` component's (and `auto_merge` titled "Auto merge"
//! defines `AutoMerge` twice: the component and the type inside it).
//!
//! So a title is removed when another schema with a different content gets the same name from
//! its title, or when a component has that name. The type is then named after where it is
//! (`ToolResultType`). A removed title becomes the description when there is none.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::Ctx;
use super::visit::{Place, for_each_schema};
use crate::naming::typify_type_name;

pub(super) fn titles(ctx: &mut Ctx, doc: &mut Value) {
    let components: Vec<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(|k| typify_type_name(k)).collect())
        .unwrap_or_default();

    // Type name → the distinct schemas titled so, and where.
    let mut groups: BTreeMap<String, (Vec<Value>, Vec<String>)> = BTreeMap::new();
    for_each_schema(doc, &mut |pointer, object, place| {
        let named = [
            titled_name(object, place).map(|name| (name, Value::Object(object.clone()))),
            titled_item_name(object),
        ];
        for (name, value) in named.into_iter().flatten() {
            let (schemas, pointers) = groups.entry(name).or_default();
            if !schemas.contains(&value) {
                schemas.push(value);
            }
            pointers.push(pointer.to_owned());
        }
    });

    let clashing: BTreeMap<String, (usize, String)> = groups
        .into_iter()
        .filter(|(name, (schemas, _))| schemas.len() > 1 || components.contains(name))
        .map(|(name, (_, pointers))| (name, (pointers.len(), pointers[0].clone())))
        .collect();
    if let Some((_, first)) = clashing.values().next() {
        let count: usize = clashing.values().map(|(n, _)| n).sum();
        let names: Vec<&str> = clashing.keys().map(String::as_str).collect();
        ctx.note(
            first,
            format!(
                "removed the title of {count} schema(s) whose titles would give different types \
                 the same name ({}): the generator names types after titles",
                names.join(", ")
            ),
        );
    }
    if clashing.is_empty() {
        return;
    }
    for_each_schema(doc, &mut |_, object, place| {
        let clashes = titled_name(object, place)
            .into_iter()
            .chain(titled_item_name(object).map(|(name, _)| name))
            .any(|name| clashing.contains_key(&name));
        if clashes {
            untitle(object);
        }
    });
}

/// The type name the title of this schema gives typify, if it gives one.
fn titled_name(object: &Map<String, Value>, place: Place) -> Option<String> {
    let name = typify_type_name(object.get("title")?.as_str()?);
    if !is_named_type(object) {
        return None;
    }
    // A component's type is named after the component; only a nullable component's title names
    // a type: the one inside its `Option` (even the component's own name clashes then).
    if place == Place::Component && object.get("nullable") != Some(&Value::Bool(true)) {
        return None;
    }
    Some(name)
}

/// typify names the inline item type of a titled array `<Title>Item` (`children: {title:
/// Children, items: {anyOf: [...]}}` → `ChildrenItem`): that name and the item schema.
fn titled_item_name(object: &Map<String, Value>) -> Option<(String, Value)> {
    let title = object.get("title")?.as_str()?;
    let items = object.get("items")?.as_object()?;
    if object.get("type").is_some_and(|t| t != "array")
        || items.contains_key("title")
        || items.contains_key("$ref")
        || !is_named_type(items)
    {
        return None;
    }
    Some((
        format!("{}Item", typify_type_name(title)),
        Value::Object(items.clone()),
    ))
}

/// Whether typify generates a named type (struct, enum, newtype) for this schema, as opposed
/// to a primitive, `Vec`, map or `Option` of one. Errs on the side of "named".
pub(super) fn is_named_type(object: &Map<String, Value>) -> bool {
    const NAMING: [&str; 10] = [
        "enum",
        "properties",
        "additionalProperties",
        "oneOf",
        "anyOf",
        "allOf",
        "not",
        "pattern",
        "minLength",
        "maxLength",
    ];
    NAMING.iter().any(|k| object.contains_key(*k))
        || object.get("type").is_some_and(|t| t == "object")
        || !object.contains_key("type") && !object.contains_key("$ref")
}

fn untitle(object: &mut Map<String, Value>) {
    if let Some(title) = object.remove("title")
        && !object.contains_key("description")
    {
        object.insert("description".into(), title);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    #[test]
    fn clashing_inline_titles_are_removed() {
        let (doc, notes) = ok(with_schemas(json!({
            "A": {"type": "object", "properties": {"type": {"const": "a", "title": "Type", "default": "a"}}},
            "B": {"type": "object", "properties": {"type": {"const": "b", "title": "Type", "default": "b"}}}
        })));
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["A"]["properties"]["type"],
            json!({"enum": ["a"], "type": "string", "default": "a", "description": "Type"})
        );
        assert_eq!(
            schemas["B"]["properties"]["type"],
            json!({"enum": ["b"], "type": "string", "default": "b", "description": "Type"})
        );
        assert!(
            notes.iter().any(|n| n.message.contains("same name (Type)")),
            "{notes:?}"
        );
    }

    #[test]
    fn arrays_whose_item_types_would_share_a_name_lose_their_titles() {
        // Both item unions would be named `ChildrenItem`; typify keeps the first for both.
        let (doc, notes) = ok(with_schemas(json!({
            "A": {"type": "object", "properties": {"children": {"type": "array", "title": "Children",
                "items": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/C"}]}}}},
            "B": {"type": "object", "properties": {"children": {"type": "array", "title": "Children",
                "items": {"anyOf": [{"$ref": "#/components/schemas/C"}, {"type": "string"}]}}}},
            "C": {"type": "object"}
        })));
        for parent in ["A", "B"] {
            assert!(
                doc["components"]["schemas"][parent]["properties"]["children"]
                    .get("title")
                    .is_none(),
                "{doc:#}"
            );
        }
        assert!(
            notes.iter().any(|n| n.message.contains("ChildrenItem")),
            "{notes:?}"
        );
    }

    #[test]
    fn titles_naming_a_component_are_removed() {
        let (doc, _) = ok(with_schemas(json!({
            "Metadata": {"type": "object", "properties": {"x": {"type": "string"}}},
            "A": {"type": "object", "properties": {
                "metadata": {"type": "object", "title": "Metadata", "description": "d", "additionalProperties": true}
            }}
        })));
        assert_eq!(
            doc["components"]["schemas"]["A"]["properties"]["metadata"],
            json!({"type": "object", "description": "d", "additionalProperties": true})
        );
        assert_eq!(
            doc["components"]["schemas"]["Metadata"]["properties"]["x"],
            json!({"type": "string"})
        );
    }

    #[test]
    fn identical_or_unique_titles_stay() {
        let same =
            json!({"type": "object", "title": "Point", "properties": {"x": {"type": "number"}}});
        let (doc, _) = ok(with_schemas(json!({
            "A": {"type": "object", "title": "A", "properties": {"p": same.clone(), "q": same.clone()}}
        })));
        assert_eq!(doc["components"]["schemas"]["A"]["properties"]["p"], same);
        assert_eq!(doc["components"]["schemas"]["A"]["title"], "A");
    }

    #[test]
    fn component_titles_naming_another_component_are_removed() {
        let team = json!({"type": "object", "properties": {"id": {"type": "integer"}}});
        let mut nullable = team.clone();
        nullable["title"] = json!("Team Simple");
        nullable["nullable"] = json!(true);
        let mut own = team.clone();
        own["title"] = json!("Team Simple");
        let (doc, _) = ok(with_schemas(
            json!({"team-simple": own.clone(), "nullable-team-simple": nullable}),
        ));
        assert_eq!(doc["components"]["schemas"]["team-simple"], own);
        assert!(
            doc["components"]["schemas"]["nullable-team-simple"]
                .get("title")
                .is_none(),
            "{doc:#}"
        );
    }

    #[test]
    fn nullable_component_titled_like_itself_loses_the_title() {
        let (doc, _) = ok(with_schemas(json!({
            "auto_merge": {"title": "Auto merge", "type": "object", "nullable": true},
            "plain": {"title": "Plain", "type": "object"}
        })));
        assert!(
            doc["components"]["schemas"]["auto_merge"]
                .get("title")
                .is_none()
        );
        assert_eq!(doc["components"]["schemas"]["plain"]["title"], "Plain");
    }

    #[test]
    fn titles_of_primitives_are_not_names() {
        let (doc, notes) = ok(with_schemas(json!({
            "A": {"type": "object", "properties": {"id": {"type": "string", "title": "Id"}}},
            "B": {"type": "object", "properties": {"id": {"type": "integer", "title": "Id"}}}
        })));
        assert_eq!(
            doc["components"]["schemas"]["B"]["properties"]["id"]["title"],
            "Id"
        );
        assert!(notes.is_empty(), "{notes:?}");
    }
}

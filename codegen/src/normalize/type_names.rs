//! One Rust type per schema: every type the generator names gets a name no other schema has.
//!
//! typify names a component's type after the component, and an inline schema's type after its
//! `title` or, without one, after where it is (`<Parent>_<property>`, `<Parent>Item`, ...).
//! When two different schemas end up with one name, typify silently uses the first type for
//! both (`Message.type` and `TraceMessage.message_type`, titled "Message Type", both become
//! `MessageType`, and one of them rejects every value of the other), or emits the name twice
//! and the crate does not compile.
//!
//! The rule, for any document:
//! - a component keeps its own name (`typify_type_name(key)`);
//! - every other schema that becomes a named type (struct, enum, newtype, union) is named after
//!   its place: its parent's name plus the property (`TraceMessageMessageType`), `Item` for
//!   array items, `Value` for map values; an operation's parameter, body and response schemas
//!   start from the operation (`<Operation><Param>`, `<Operation>Body`, `<Operation>Response`
//!   for its success responses, `<Operation>ErrorResponse` for the others: progenitor takes one
//!   type of each per operation), those of shared `components/{parameters,requestBodies,
//!   responses}` from their key;
//! - a name already taken (by a component, or by another place that derives the same name)
//!   gets the next free `2`, `3`, ... in document order, with a note.
//!
//! Names come from places, not titles: adding an unrelated schema never renames a type users
//! import (a title-based name would change as soon as another schema took the same title). The
//! name is written as the schema's `title`, which is what typify names an inline type after.
//!
//! Members of `oneOf`/`anyOf`/`allOf` are not titled (typify derives variant names from their
//! titles): a member's title is kept unless its name is taken, then removed; members' own
//! properties are named like any others, after `<Parent>Variant<index>`.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::join;
use crate::diagnostic::Note;
use crate::naming::{METHODS, typify_type_name};

/// Names every named type of `doc` (a normalized document whose operationIds are the final
/// Rust names); returns a note for each name that had to be made unique.
pub(crate) fn type_names(doc: &mut Value) -> Vec<Note> {
    let mut namer = Namer::default();
    hoist_nullable_unions(doc);
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        namer.taken = schemas.keys().map(|key| typify_type_name(key)).collect();
    }

    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (section, entries) in components.iter_mut() {
            let Some(entries) = entries.as_object_mut() else {
                continue;
            };
            let at = join("/components", section);
            for (key, value) in entries.iter_mut() {
                let at = join(&at, key);
                let base = typify_type_name(key);
                match section.as_str() {
                    "schemas" => namer.component(value, &at, &base),
                    "parameters" => namer.parameter(value, &at, &base),
                    "requestBodies" | "responses" => namer.content(value, &at, &base),
                    _ => {}
                }
            }
        }
    }

    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            let at = join("/paths", path);
            for method in METHODS {
                let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
                    continue;
                };
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let id = id.to_owned();
                namer.operation(operation, &join(&at, method), &id);
            }
            // Path-level parameters are copied into each operation by progenitor; name them
            // after the path.
            if let Some(parameters) = item.get_mut("parameters").and_then(Value::as_array_mut) {
                let base = typify_type_name(path);
                for (index, parameter) in parameters.iter_mut().enumerate() {
                    let at = join(&join(&at, "parameters"), &index.to_string());
                    let name = parameter_base(&base, parameter);
                    namer.parameter(parameter, &at, &name);
                }
            }
        }
    }
    let mut notes = namer.notes;
    notes.extend(share_identical_leaf_types(doc));
    notes
}

/// Inline schemas that are the same type in several places (every request's `metadata` map
/// takes `string | integer | number | boolean`) become one component, so callers have one
/// type, not one per place (`IngestRequestMetadataValue`, `TraceRequestMetadataValue`, ...).
///
/// Only leaf types (no named type inside) are shared, only when their place names end in the
/// same two or more words, and the component is named by those words (`MetadataValue`) when
/// that name is free; otherwise each place keeps its own type. Annotations (title,
/// description, examples) do not make schemas different; `nullable` does, and stays at the
/// place (`allOf: [$ref]` + `nullable`).
fn share_identical_leaf_types(doc: &mut Value) -> Vec<Note> {
    const IGNORED: [&str; 5] = ["title", "description", "example", "examples", "nullable"];
    // canonical schema → [(pointer, place name)], in document order.
    let mut groups: Vec<(Value, Vec<(String, String)>)> = Vec::new();
    let mut taken: BTreeSet<String> = BTreeSet::new();
    super::visit::for_each_schema(doc, &mut |pointer, schema, place| {
        let Some(title) = schema.get("title").and_then(Value::as_str) else {
            return;
        };
        taken.insert(typify_type_name(title));
        // An enum listing `null` is typified as a wrapper plus an inner type of the same
        // title: as a component it would define its name twice.
        let null_in_enum = schema
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.contains(&Value::Null));
        if place == super::visit::Place::Component || !is_leaf_type(schema) || null_in_enum {
            return;
        }
        let canonical: Map<String, Value> = schema
            .iter()
            .filter(|(k, _)| !IGNORED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let canonical = Value::Object(canonical);
        let entry = (pointer.to_owned(), title.to_owned());
        match groups.iter_mut().find(|(c, _)| *c == canonical) {
            Some((_, places)) => places.push(entry),
            None => groups.push((canonical, vec![entry])),
        }
    });
    if let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        taken.extend(schemas.keys().map(|k| typify_type_name(k)));
    }
    // Within one schema, the places whose names end in the same two words.
    let groups: Vec<(Value, Vec<(String, String)>)> = groups
        .into_iter()
        .flat_map(|(canonical, places)| {
            let mut by_ending: Vec<(String, Vec<(String, String)>)> = Vec::new();
            for place in places {
                let words = pascal_words(&place.1);
                let ending = words[words.len().saturating_sub(2)..].concat();
                match by_ending.iter_mut().find(|(e, _)| *e == ending) {
                    Some((_, places)) => places.push(place),
                    None => by_ending.push((ending, vec![place])),
                }
            }
            by_ending
                .into_iter()
                .map(move |(_, places)| (canonical.clone(), places))
        })
        .collect();
    let mut notes = Vec::new();
    for (canonical, places) in groups {
        if places.len() < 2 {
            continue;
        }
        let names: Vec<&str> = places.iter().map(|(_, name)| name.as_str()).collect();
        let Some(shared) = common_word_suffix(&names) else {
            continue;
        };
        if !taken.insert(shared.clone()) {
            continue;
        }
        let reference = format!("#/components/schemas/{shared}");
        for (pointer, _) in &places {
            let Some(Value::Object(schema)) = doc.pointer_mut(pointer) else {
                continue;
            };
            // A `$ref`'s siblings are ignored in 3.0: a nullable place refers through `allOf`.
            let mut replacement = Map::new();
            if schema.get("nullable") == Some(&Value::Bool(true)) {
                if let Some(description) = schema.get("description") {
                    replacement.insert("description".into(), description.clone());
                }
                replacement.insert("allOf".into(), serde_json::json!([{ "$ref": reference }]));
                replacement.insert("nullable".into(), Value::Bool(true));
            } else {
                replacement.insert("$ref".into(), Value::String(reference.clone()));
            }
            *schema = replacement;
        }
        let mut component = canonical;
        if let Value::Object(component) = &mut component {
            component.insert("title".into(), Value::String(shared.clone()));
        }
        if let Some(schemas) = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            schemas.insert(shared.clone(), component);
        }
        notes.push(Note::new(
            format!("/components/schemas/{shared}"),
            format!(
                "one type `{shared}` for the identical schemas of {}",
                places
                    .iter()
                    .map(|(_, name)| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
    notes
}

/// A schema typify makes a type of its own (an enum or a union; a titled plain string stays a
/// `String`) and that names nothing inside: no object properties, no titled or referenced
/// subschema.
fn is_leaf_type(schema: &Map<String, Value>) -> bool {
    let own_type = ["enum", "anyOf", "oneOf"]
        .iter()
        .any(|k| schema.contains_key(*k));
    if !own_type {
        return false;
    }
    fn nested_named(value: &Value) -> bool {
        match value {
            Value::Object(o) => {
                o.contains_key("title")
                    || o.contains_key("$ref")
                    || o.contains_key("properties")
                    || o.values().any(nested_named)
            }
            Value::Array(items) => items.iter().any(nested_named),
            _ => false,
        }
    }
    !schema.contains_key("properties")
        && !schema.contains_key("$ref")
        && schema
            .iter()
            .filter(|(k, _)| k.as_str() != "title")
            .all(|(_, v)| !nested_named(v))
}

/// `IngestRequestMetadataValue` → `Ingest`, `Request`, `Metadata`, `Value`.
fn pascal_words(name: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for c in name.chars() {
        match words.last_mut() {
            Some(word) if !c.is_uppercase() => word.push(c),
            _ => words.push(c.to_string()),
        }
    }
    words
}

/// The PascalCase words all `names` end with, when there are at least two.
fn common_word_suffix(names: &[&str]) -> Option<String> {
    let all: Vec<Vec<String>> = names.iter().map(|n| pascal_words(n)).collect();
    let shortest = all.iter().map(Vec::len).min()?;
    let mut common = 0;
    while common < shortest {
        let word = &all[0][all[0].len() - 1 - common];
        if all.iter().all(|w| &w[w.len() - 1 - common] == word) {
            common += 1;
        } else {
            break;
        }
    }
    // A name that is all of one place's name would be that place's own type name.
    if common < 2 || common == shortest {
        return None;
    }
    let first = &all[0];
    Some(first[first.len() - common..].concat())
}

/// A nullable composed component (`X: {oneOf: [A, B], nullable: true}`, or `allOf` of more than
/// one reference) becomes `Option` of its composition, and typify gives both the component's
/// name: `struct X(Option<X>)` next to
/// `enum X`, which does not compile. The union moves to a component of its own,
/// `<X>Inner` (the next free name), and `X` becomes a nullable reference to it, which typify
/// renders as `struct X(Option<XInner>)`.
fn hoist_nullable_unions(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let mut taken: BTreeSet<String> = schemas.keys().map(|k| typify_type_name(k)).collect();
    let keys: Vec<String> = schemas
        .iter()
        .filter(|(_, schema)| {
            schema.get("nullable") == Some(&Value::Bool(true))
                && (schema.get("oneOf").is_some()
                    || schema.get("anyOf").is_some()
                    || schema.get("allOf").is_some() && !is_single_reference(schema.get("allOf")))
        })
        .map(|(key, _)| key.clone())
        .collect();
    for key in keys {
        let mut inner_key = format!("{key}Inner");
        let mut n = 2;
        while taken.contains(&typify_type_name(&inner_key)) || schemas.contains_key(&inner_key) {
            inner_key = format!("{key}Inner{n}");
            n += 1;
        }
        taken.insert(typify_type_name(&inner_key));
        let Some(Value::Object(mut union)) = schemas.remove(&key) else {
            continue;
        };
        union.remove("nullable");
        let mut outer = Map::new();
        outer.insert(
            "allOf".into(),
            serde_json::json!([{ "$ref": format!("#/components/schemas/{}", crate::diagnostic::escape_pointer_segment(&inner_key)) }]),
        );
        outer.insert("nullable".into(), Value::Bool(true));
        if let Some(description) = union.get("description") {
            outer.insert("description".into(), description.clone());
        }
        schemas.insert(key, Value::Object(outer));
        schemas.insert(inner_key, Value::Object(union));
    }
}

#[derive(Default)]
struct Namer {
    /// Type names given so far (components first).
    taken: BTreeSet<String>,
    notes: Vec<Note>,
}

impl Namer {
    /// A free name derived from `wanted`: itself, else `<wanted>2`, `<wanted>3`, ...
    fn claim(&mut self, wanted: &str, pointer: &str) -> String {
        let wanted = typify_type_name(wanted);
        let mut name = wanted.clone();
        let mut n = 2;
        while self.taken.contains(&name) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        if name != wanted {
            self.notes.push(Note::new(
                pointer.to_owned(),
                format!(
                    "named the type of this schema `{name}`: `{wanted}`, the name its place \
                     gives it, is already another type's"
                ),
            ));
        }
        self.taken.insert(name.clone());
        name
    }

    fn component(&mut self, value: &mut Value, at: &str, name: &str) {
        let Some(object) = value.as_object_mut() else {
            return;
        };
        // A nullable component is an `Option` of an inner type, which typify names after the
        // component's title, else `<Name>Inner`.
        if object.get("nullable") == Some(&Value::Bool(true))
            && is_named_type(object)
            && !is_single_reference(object.get("allOf"))
        {
            let inner = self.claim(&format!("{name}Inner"), at);
            object.insert("title".into(), Value::String(inner));
        }
        self.children(object, at, name);
    }

    fn operation(&mut self, operation: &mut Map<String, Value>, at: &str, id: &str) {
        if let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(Value::as_array_mut)
        {
            for (index, parameter) in parameters.iter_mut().enumerate() {
                let at = join(&join(at, "parameters"), &index.to_string());
                let name = parameter_base(id, parameter);
                self.parameter(parameter, &at, &name);
            }
        }
        if let Some(body) = operation.get_mut("requestBody") {
            self.content(body, &join(at, "requestBody"), &format!("{id}-body"));
        }
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            // progenitor takes one success type and one error type per operation (and names
            // both `<op>-response`): the success responses share `<op>-response`, the others
            // `<op>-error-response`, each claimed once.
            let mut claimed: [Option<String>; 2] = [None, None];
            for (code, response) in responses.iter_mut() {
                let success = code.starts_with('2');
                let at = join(&join(at, "responses"), code);
                let slot = &mut claimed[usize::from(!success)];
                let name = match slot {
                    Some(name) => name.clone(),
                    None if has_named_schema(response) => {
                        let wanted = if success {
                            format!("{id}-response")
                        } else {
                            format!("{id}-error-response")
                        };
                        let name = self.claim(&wanted, &at);
                        *slot = Some(name.clone());
                        name
                    }
                    None => continue,
                };
                self.content_named(response, &at, &name);
            }
        }
    }

    fn parameter(&mut self, parameter: &mut Value, at: &str, name: &str) {
        if let Some(schema) = parameter.get_mut("schema") {
            self.inline(schema, &join(at, "schema"), name);
        }
        self.content(parameter, at, name);
    }

    /// The schemas of `object.content.*`.
    fn content(&mut self, object: &mut Value, at: &str, name: &str) {
        let Some(content) = object.get_mut("content").and_then(Value::as_object_mut) else {
            return;
        };
        for (media_type, value) in content.iter_mut() {
            if let Some(schema) = value.get_mut("schema") {
                let at = join(&join(&join(at, "content"), media_type), "schema");
                self.inline(schema, &at, name);
            }
        }
    }

    /// The schemas of `object.content.*`, whose type is `name` (already claimed).
    fn content_named(&mut self, object: &mut Value, at: &str, name: &str) {
        let Some(content) = object.get_mut("content").and_then(Value::as_object_mut) else {
            return;
        };
        for (media_type, value) in content.iter_mut() {
            let at = join(&join(&join(at, "content"), media_type), "schema");
            if let Some(object) = value.get_mut("schema").and_then(Value::as_object_mut)
                && !object.contains_key("$ref")
            {
                if is_named_type(object) {
                    object.insert("title".into(), Value::String(name.to_owned()));
                }
                self.children(object, &at, name);
            }
        }
    }

    /// An inline schema at a place named `wanted`: titled with a free name if it becomes a
    /// named type; its children named after it either way.
    fn inline(&mut self, value: &mut Value, at: &str, wanted: &str) {
        let Some(object) = value.as_object_mut() else {
            return;
        };
        if object.contains_key("$ref") {
            return;
        }
        let name = if is_named_type(object) {
            let name = self.claim(wanted, at);
            object.insert("title".into(), Value::String(name.clone()));
            name
        } else {
            // An array or primitive: typify names its item types after its title, when any.
            let name = typify_type_name(wanted);
            if object.contains_key("title") {
                object.insert("title".into(), Value::String(name.clone()));
            }
            name
        };
        self.children(object, at, &name);
    }

    fn children(&mut self, object: &mut Map<String, Value>, at: &str, name: &str) {
        if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
            for (property, value) in properties.iter_mut() {
                let at = join(&join(at, "properties"), property);
                self.inline(value, &at, &format!("{name}_{property}"));
            }
        }
        if let Some(items) = object.get_mut("items") {
            self.inline(items, &join(at, "items"), &format!("{name}Item"));
        }
        if let Some(values) = object.get_mut("additionalProperties") {
            self.inline(
                values,
                &join(at, "additionalProperties"),
                &format!("{name}Value"),
            );
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            let Some(members) = object.get_mut(key).and_then(Value::as_array_mut) else {
                continue;
            };
            for (index, member) in members.iter_mut().enumerate() {
                let at = join(&join(at, key), &index.to_string());
                self.member(member, &at, &format!("{name}Variant{index}"));
            }
        }
    }

    /// A union member: its title, if any, names its variant and type; it stays unless taken.
    fn member(&mut self, value: &mut Value, at: &str, base: &str) {
        let Some(object) = value.as_object_mut() else {
            return;
        };
        if object.contains_key("$ref") {
            return;
        }
        let name = match object.get("title").and_then(Value::as_str) {
            Some(title) if is_named_type(object) => {
                let titled = typify_type_name(title);
                if self.taken.insert(titled.clone()) {
                    titled
                } else {
                    untitle(object);
                    self.notes.push(Note::new(
                        at.to_owned(),
                        format!(
                            "removed the title of this union member: `{titled}` is already \
                             another type's name"
                        ),
                    ));
                    typify_type_name(base)
                }
            }
            _ => typify_type_name(base),
        };
        self.children(object, at, &name);
    }
}

/// Whether a response has an inline schema that becomes a named type.
fn has_named_schema(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|content| {
            content.values().any(|media| {
                media
                    .get("schema")
                    .and_then(Value::as_object)
                    .is_some_and(|s| !s.contains_key("$ref") && is_named_type(s))
            })
        })
}

/// An `allOf` of one `$ref`: typify renders it as that type (an `Option` of it when nullable).
fn is_single_reference(all_of: Option<&Value>) -> bool {
    matches!(all_of.and_then(Value::as_array),
        Some(members) if members.len() == 1 && members[0].get("$ref").is_some())
}

/// progenitor's name for a parameter's type: `<operation>-<parameter name>`.
fn parameter_base(operation: &str, parameter: &Value) -> String {
    match parameter.get("name").and_then(Value::as_str) {
        Some(name) => format!("{operation}-{name}"),
        None => operation.to_owned(),
    }
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

    use super::*;

    fn doc(schemas: Value, paths: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": paths,
            "components": {"schemas": schemas}
        })
    }

    fn title(doc: &Value, pointer: &str) -> Option<String> {
        doc.pointer(pointer)
            .and_then(|schema| schema.get("title"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    }

    #[test]
    fn inline_types_are_named_after_their_place_not_their_title() {
        // `Message.type` and `TraceMessage.message_type` (titled "Message Type") both became
        // `MessageType`: one type for two different enums.
        let mut doc = doc(
            json!({
                "Message": {"type": "object", "properties": {
                    "type": {"type": "string", "enum": ["message", "note"]}}},
                "TraceMessage": {"type": "object", "properties": {
                    "message_type": {"title": "Message Type", "type": "string", "enum": ["message", "thinking"]}}}
            }),
            json!({}),
        );
        let notes = type_names(&mut doc);
        assert_eq!(
            title(&doc, "/components/schemas/Message/properties/type").as_deref(),
            Some("MessageType")
        );
        assert_eq!(
            title(
                &doc,
                "/components/schemas/TraceMessage/properties/message_type"
            )
            .as_deref(),
            Some("TraceMessageMessageType")
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn identical_leaf_types_in_several_places_share_one_component() {
        let value = json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}], "nullable": true});
        let map = |description: &str| json!({"type": "object", "description": description, "additionalProperties": value.clone()});
        let mut doc = doc(
            json!({
                "IngestRequest": {"type": "object", "properties": {"metadata": map("a")}},
                "MessageItem": {"type": "object", "properties": {"metadata": map("b")}},
                "Other": {"type": "object", "properties": {"labels": map("c")}}
            }),
            json!({}),
        );
        let notes = type_names(&mut doc);
        let shared = "/components/schemas/MetadataValue";
        assert_eq!(
            doc.pointer(shared),
            Some(
                &json!({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}], "title": "MetadataValue"})
            ),
            "{doc:#}"
        );
        for owner in ["IngestRequest", "MessageItem"] {
            assert_eq!(
                doc.pointer(&format!(
                    "/components/schemas/{owner}/properties/metadata/additionalProperties"
                )),
                Some(
                    &json!({"allOf": [{"$ref": "#/components/schemas/MetadataValue"}], "nullable": true})
                ),
                "{doc:#}"
            );
        }
        // `OtherLabelsValue` ends in one common word only (`Value`): it keeps its own type.
        assert_eq!(
            title(
                &doc,
                "/components/schemas/Other/properties/labels/additionalProperties"
            )
            .as_deref(),
            Some("OtherLabelsValue")
        );
        assert!(notes.iter().any(|n| n.pointer == shared), "{notes:?}");
    }

    /// typify turns an enum listing `null` into a wrapper and an inner type with the same
    /// title; shared, both would be named after the component (seen in two corpus specs).
    #[test]
    fn enums_listing_null_are_not_shared() {
        let tier = json!({"type": "string", "nullable": true, "enum": ["auto", "flex", null]});
        let mut doc = doc(
            json!({
                "ChatRequest": {"type": "object", "properties": {"service_tier": tier.clone()}},
                "EmbedRequest": {"type": "object", "properties": {"service_tier": tier}}
            }),
            json!({}),
        );
        type_names(&mut doc);
        assert_eq!(
            doc.pointer("/components/schemas/ServiceTier"),
            None,
            "{doc:#}"
        );
        for owner in ["ChatRequest", "EmbedRequest"] {
            let place = format!("/components/schemas/{owner}/properties/service_tier");
            assert_eq!(
                title(&doc, &place).as_deref(),
                Some(format!("{owner}ServiceTier").as_str())
            );
        }
    }

    #[test]
    fn common_word_suffixes() {
        assert_eq!(
            common_word_suffix(&["IngestRequestMetadataValue", "MessageItemMetadataValue"])
                .as_deref(),
            Some("MetadataValue")
        );
        assert_eq!(common_word_suffix(&["AValue", "BValue"]), None);
        assert_eq!(
            common_word_suffix(&["MetadataValue", "XMetadataValue"]),
            None
        );
    }

    #[test]
    fn a_place_name_taken_by_a_component_gets_the_next_number() {
        let mut doc = doc(
            json!({
                "MessageType": {"type": "string", "enum": ["a", "b"]},
                "Message": {"type": "object", "properties": {
                    "type": {"type": "string", "enum": ["c", "d"]}}}
            }),
            json!({}),
        );
        let notes = type_names(&mut doc);
        assert_eq!(
            title(&doc, "/components/schemas/Message/properties/type").as_deref(),
            Some("MessageType2")
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(
            notes[0].pointer,
            "/components/schemas/Message/properties/type"
        );
        // The component keeps its name: typify names components after their key.
        assert_eq!(title(&doc, "/components/schemas/MessageType"), None);
    }

    #[test]
    fn names_are_stable_when_an_unrelated_schema_is_added() {
        let schemas = json!({
            "Query": {"type": "object", "properties": {
                "effort": {"title": "Effort", "type": "string", "enum": ["low", "high"]},
                "items": {"type": "array", "title": "Items", "items": {"type": "object", "properties": {"x": {"type": "string"}}}}
            }}
        });
        let mut before = doc(schemas.clone(), json!({}));
        type_names(&mut before);
        let mut added = schemas;
        added["Other"] = json!({"type": "object", "properties": {
            "effort": {"title": "Effort", "type": "string", "enum": ["x", "y"]}}});
        let mut after = doc(added, json!({}));
        type_names(&mut after);
        for pointer in [
            "/components/schemas/Query/properties/effort",
            "/components/schemas/Query/properties/items/items",
        ] {
            assert_eq!(title(&before, pointer), title(&after, pointer), "{pointer}");
        }
        assert_eq!(
            title(&after, "/components/schemas/Query/properties/items/items").as_deref(),
            Some("QueryItemsItem")
        );
        assert_eq!(
            title(&after, "/components/schemas/Other/properties/effort").as_deref(),
            Some("OtherEffort")
        );
    }

    #[test]
    fn operation_schemas_start_from_the_operation() {
        let mut doc = doc(
            json!({}),
            json!({"/q": {"get": {
                "operationId": "search",
                "parameters": [{"name": "mode", "in": "query", "schema": {"title": "Mode", "type": "string", "enum": ["a", "b"]}}],
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"n": {"type": "integer"}}}}}},
                    "422": {"description": "bad", "content": {"application/json": {"schema": {"type": "object", "properties": {"m": {"type": "string"}}}}}}
                }
            }}}),
        );
        type_names(&mut doc);
        let op = "/paths/~1q/get";
        assert_eq!(
            title(&doc, &format!("{op}/parameters/0/schema")).as_deref(),
            Some("SearchMode")
        );
        assert_eq!(
            title(
                &doc,
                &format!("{op}/responses/200/content/application~1json/schema")
            )
            .as_deref(),
            Some("SearchResponse")
        );
        assert_eq!(
            title(
                &doc,
                &format!("{op}/responses/422/content/application~1json/schema")
            )
            .as_deref(),
            Some("SearchErrorResponse")
        );
    }

    #[test]
    fn nullable_components_name_their_inner_type_and_union_members_keep_free_titles() {
        let mut doc = doc(
            json!({
                "Team": {"type": "object", "properties": {"id": {"type": "integer"}}},
                "nullable-team": {"type": "object", "nullable": true, "title": "Team", "properties": {"id": {"type": "integer"}}},
                "Shape": {"oneOf": [
                    {"title": "Circle", "type": "object", "properties": {"r": {"type": "number"}}},
                    {"title": "Team", "type": "object", "properties": {"k": {"type": "string", "enum": ["a", "b"]}}}
                ]}
            }),
            json!({}),
        );
        let notes = type_names(&mut doc);
        assert_eq!(
            title(&doc, "/components/schemas/nullable-team").as_deref(),
            Some("NullableTeamInner")
        );
        assert_eq!(
            title(&doc, "/components/schemas/Shape/oneOf/0").as_deref(),
            Some("Circle")
        );
        assert_eq!(title(&doc, "/components/schemas/Shape/oneOf/1"), None);
        assert_eq!(
            title(&doc, "/components/schemas/Shape/oneOf/1/properties/k").as_deref(),
            Some("ShapeVariant1K")
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn a_nullable_composed_component_refers_to_its_composition() {
        // typify named both the `Option` newtype and the union `VariableValue`.
        let union = json!({"oneOf": [{"type": "boolean"}, {"type": "string"}], "description": "d"});
        let mut nullable = union.clone();
        nullable["nullable"] = json!(true);
        let mut doc = doc(
            json!({"VariableValue": nullable, "Plain": {"allOf": [{"$ref": "#/components/schemas/VariableValue"}], "nullable": true}}),
            json!({}),
        );
        type_names(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["VariableValueInner"], union);
        assert_eq!(
            schemas["VariableValue"],
            json!({"allOf": [{"$ref": "#/components/schemas/VariableValueInner"}], "nullable": true, "description": "d"})
        );
        // A nullable reference is what typify handles: left alone.
        assert_eq!(
            schemas["Plain"],
            json!({"allOf": [{"$ref": "#/components/schemas/VariableValue"}], "nullable": true})
        );
        let again = doc.clone();
        type_names(&mut doc);
        assert_eq!(doc, again);
    }

    #[test]
    fn naming_twice_changes_nothing() {
        let mut once = doc(
            json!({"A": {"type": "object", "properties": {
                "b": {"type": "object", "properties": {"c": {"type": "string", "enum": ["x", "y"]}}}}}}),
            json!({}),
        );
        type_names(&mut once);
        let mut twice = once.clone();
        let notes = type_names(&mut twice);
        assert_eq!(once, twice);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            title(&once, "/components/schemas/A/properties/b/properties/c").as_deref(),
            // typify writes every name through the same Pascal-case conversion.
            Some("AbC")
        );
    }
}

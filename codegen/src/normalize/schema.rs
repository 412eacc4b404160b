//! Schema Object rules: JSON Schema 2020-12 (OpenAPI 3.1) → the OpenAPI 3.0 Schema Object.
//!
//! A schema is normalized bottom-up: its subschemas first, so that a parent sees its
//! branches in their final form (e.g. every "only null" branch as `{enum: [null], nullable:
//! true}`), then the node itself:
//!
//! | 3.1 | 3.0 |
//! |---|---|
//! | `true` / `false` schema | `{}` / `{not: {}}` |
//! | `$ref` with siblings | `allOf: [{$ref}]` + the siblings |
//! | `prefixItems` (tuple) | `items` (the item type, or `anyOf` of them) |
//! | `const: X` | `enum: [X]` |
//! | `examples: [a, ...]` | `example: a` |
//! | `exclusiveMinimum: n` | `minimum: n` + `exclusiveMinimum: true` (same for maximum) |
//! | `contentEncoding: base64` / `contentMediaType` | `format: byte` / `format: binary` |
//! | `type: [T, 'null']` | `type: T` + `nullable: true` |
//! | `type: [T1, T2]` | `anyOf: [{type: T1, ...}, {type: T2, ...}]` |
//! | `type: 'null'` | `enum: [null]` + `nullable: true` |
//! | `enum` containing `null` | + `nullable: true` |
//! | `anyOf`/`oneOf` with a null branch | `nullable: true` (+ `allOf: [{$ref}]` for one `$ref`) |
//! | other keywords (`$schema`, `if`, `unevaluatedProperties`, ...) | removed (noted) |
//! | Swagger's `type: file` | `type: string` + `format: binary` |
//!
//! and what typify and progenitor cannot take:
//!
//! - a union with an unconstrained branch (`anyOf: [T, {}]`) accepts anything: it becomes
//!   `{}`, without its `default` (FastAPI's `{}` "not set" marker);
//! - `anyOf: [{type: T, ...}, {type: T}]` is `{type: T}`;
//! - a nullable schema without `type` gets one from its keywords or `enum`, or loses
//!   `nullable` when it has no constraint (progenitor would make it "only null");
//! - a string `enum` whose values do not make distinct Rust variant names stays a string;
//! - a `$ref` to anything but `#/components/schemas/<name>` gets a component ([`refs`]).
//!
//! Then [`super::defaults`] removes the defaults that do not fit their schema.

use serde_json::{Map, Value, json};

use super::{Ctx, defaults, is_extension, join, refs};
use crate::diagnostic::Diagnostic;

/// The keywords of the OpenAPI 3.0 Schema Object.
const OAS30_KEYWORDS: [&str; 36] = [
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "$ref",
];

/// Keywords removed without a note: identifiers and comments, or handled by a rule here.
const SILENT: [&str; 11] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "$defs",
    "definitions",
    "examples",
    "contentSchema",
    "summary",
];

/// Keywords that describe rather than constrain: on a `$ref` they need no `allOf` wrapper
/// to be kept, and when two schemas are merged the outer one's win.
const ANNOTATIONS: [&str; 9] = [
    "title",
    "description",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
];

/// The JSON types a 3.0 `type` may name.
const TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "array", "object"];

type Object = Map<String, Value>;

/// Normalizes the schema at `pointer` (and its subschemas) in place.
pub(super) fn schema(ctx: &mut Ctx, value: &mut Value, pointer: &str) -> Result<(), Diagnostic> {
    match value {
        Value::Bool(true) => {
            *value = json!({});
            return Ok(());
        }
        Value::Bool(false) => {
            *value = json!({"not": {}});
            return Ok(());
        }
        Value::Object(_) => {}
        // Not a schema: the OpenAPI model reports it, located.
        _ => return Ok(()),
    }
    let object = value.as_object_mut().expect("checked");

    if let Some(reference) = object
        .get("$ref")
        .and_then(Value::as_str)
        .map(str::to_owned)
    {
        let target = refs::check(ctx, pointer, &reference)?;
        if !refs::is_component(&target, "schemas") {
            let hoisted = refs::hoist_schema(ctx, &target);
            object.insert("$ref".into(), Value::String(hoisted));
        }
    }
    prefix_items(ctx, object, pointer);
    subschemas(ctx, object, pointer)?;

    ref_siblings(object);
    remove_unknown_keywords(ctx, object, pointer);
    fix_value_types(ctx, object, pointer);
    constant(object);
    examples(object);
    exclusive_bounds(object);
    content_encoding(object);
    types(ctx, object, pointer);
    nullable_enum(object);
    unset_marker(ctx, object, pointer);
    null_branches(object);
    any_branches(ctx, object, pointer);
    subsumed_branches(object);
    enum_variant_names(ctx, object, pointer);
    infer_nullable_type(object);
    defaults::defaults(ctx, object, pointer);
    Ok(())
}

/// Normalizes every subschema of `object`.
fn subschemas(ctx: &mut Ctx, object: &mut Object, pointer: &str) -> Result<(), Diagnostic> {
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        let at = join(pointer, "properties");
        for (name, value) in properties.iter_mut() {
            schema(ctx, value, &join(&at, name))?;
        }
    }
    for key in ["items", "not"] {
        if let Some(value) = object.get_mut(key) {
            schema(ctx, value, &join(pointer, key))?;
        }
    }
    if let Some(value) = object.get_mut("additionalProperties") {
        // `true`/`false` are valid 3.0 here.
        if !value.is_boolean() {
            schema(ctx, value, &join(pointer, "additionalProperties"))?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = object.get_mut(key).and_then(Value::as_array_mut) {
            let at = join(pointer, key);
            for (index, value) in list.iter_mut().enumerate() {
                schema(ctx, value, &join(&at, &index.to_string()))?;
            }
        }
    }
    Ok(())
}

/// Tuples: `prefixItems` (or draft-4 `items: [...]`) → `items` accepting each item type.
/// 3.0 has no tuples, so the positions are lost; `items: false` becomes `maxItems`.
fn prefix_items(ctx: &mut Ctx, object: &mut Object, pointer: &str) {
    let (prefix, rest) = match (object.remove("prefixItems"), object.remove("items")) {
        (Some(Value::Array(prefix)), rest) => (prefix, rest),
        (None, Some(Value::Array(prefix))) => (prefix, None),
        (other, rest) => {
            if let Some(rest) = rest {
                object.insert("items".into(), rest);
            }
            if other.is_some() {
                ctx.removed_keyword("prefixItems", pointer);
            }
            return;
        }
    };
    let count = prefix.len();
    let mut branches: Vec<Value> = Vec::new();
    for item in prefix.into_iter().chain(match rest {
        Some(Value::Bool(false)) => {
            let max = object
                .get("maxItems")
                .and_then(Value::as_u64)
                .map_or(count as u64, |m| m.min(count as u64));
            object.insert("maxItems".into(), json!(max));
            None
        }
        Some(Value::Bool(true)) | None => None,
        Some(schema) => Some(schema),
    }) {
        if !branches.contains(&item) {
            branches.push(item);
        }
    }
    let items = match branches.len() {
        0 => json!({}),
        1 => branches.pop().expect("one"),
        _ => json!({ "anyOf": branches }),
    };
    object.insert("items".into(), items);
    ctx.note(
        pointer,
        format!("tuple of {count} items (`prefixItems`) became an array of its item types: OpenAPI 3.0 has no tuples"),
    );
}

/// In 3.1 a `$ref`'s siblings apply too; in 3.0 they are ignored. Keep them through `allOf`.
fn ref_siblings(object: &mut Object) {
    if !object.contains_key("$ref") || object.len() == 1 {
        return;
    }
    for key in ["$comment", "summary", "$schema", "$id", "$anchor"] {
        object.remove(key);
    }
    if object.len() == 1 {
        return;
    }
    let reference = object.remove("$ref").expect("checked");
    let mut all_of = vec![json!({ "$ref": reference })];
    if let Some(Value::Array(existing)) = object.remove("allOf") {
        all_of.extend(existing);
    }
    object.insert("allOf".into(), Value::Array(all_of));
}

fn remove_unknown_keywords(ctx: &mut Ctx, object: &mut Object, pointer: &str) {
    // Handled (converted) by the rules below.
    const CONVERTED: [&str; 3] = ["const", "contentEncoding", "contentMediaType"];
    let unknown: Vec<String> = object
        .keys()
        .filter(|k| {
            !OAS30_KEYWORDS.contains(&k.as_str())
                && !CONVERTED.contains(&k.as_str())
                && !SILENT.contains(&k.as_str())
                && !is_extension(k)
        })
        .cloned()
        .collect();
    for key in unknown {
        object.remove(&key);
        ctx.removed_keyword(&key, pointer);
    }
    // Converted by `examples` / `content_encoding`, or meaningless in 3.0.
    for key in [
        "$schema",
        "$id",
        "$anchor",
        "$dynamicAnchor",
        "$comment",
        "$vocabulary",
        "$defs",
        "definitions",
        "contentSchema",
        "summary",
    ] {
        object.remove(key);
    }
}

/// Keywords whose value has the wrong JSON type for the OpenAPI model are removed rather than
/// failing the whole document (`minLength: 1.0` is fixed).
fn fix_value_types(ctx: &mut Ctx, object: &mut Object, pointer: &str) {
    for key in [
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
    ] {
        match object.get(key) {
            None => {}
            Some(Value::Number(n)) if n.is_u64() => {}
            Some(Value::Number(n)) if n.as_f64().is_some_and(|f| f >= 0.0 && f.fract() == 0.0) => {
                let whole = n.as_f64().expect("checked") as u64;
                object.insert(key.into(), json!(whole));
            }
            Some(_) => {
                object.remove(key);
                ctx.removed_keyword(key, pointer);
            }
        }
    }
    for key in ["minimum", "maximum", "multipleOf"] {
        if object.get(key).is_some_and(|v| !v.is_number()) {
            object.remove(key);
            ctx.removed_keyword(key, pointer);
        }
    }
    for key in [
        "nullable",
        "readOnly",
        "writeOnly",
        "deprecated",
        "uniqueItems",
    ] {
        if object.get(key).is_some_and(|v| !v.is_boolean()) {
            object.remove(key);
            ctx.removed_keyword(key, pointer);
        }
    }
    for key in ["title", "description", "format", "pattern"] {
        if object.get(key).is_some_and(|v| !v.is_string()) {
            object.remove(key);
            ctx.removed_keyword(key, pointer);
        }
    }
    for key in ["properties", "xml", "externalDocs"] {
        if object.get(key).is_some_and(|v| !v.is_object()) {
            object.remove(key);
            ctx.removed_keyword(key, pointer);
        }
    }
    for key in ["allOf", "anyOf", "oneOf", "enum"] {
        if object.get(key).is_some_and(|v| !v.is_array()) {
            object.remove(key);
            ctx.removed_keyword(key, pointer);
        }
    }
    match object.get_mut("required") {
        Some(Value::Array(names)) => {
            names.retain(Value::is_string);
            if names.is_empty() {
                object.remove("required");
            }
        }
        Some(_) => {
            // `required: true` on a property (Swagger 2 style): the property list decides.
            object.remove("required");
            ctx.removed_keyword("required", pointer);
        }
        None => {}
    }
    if let Some(discriminator) = object.get("discriminator") {
        if !discriminator
            .get("propertyName")
            .is_some_and(Value::is_string)
        {
            object.remove("discriminator");
            ctx.removed_keyword("discriminator", pointer);
        } else if let Some(mapping) = object
            .get_mut("discriminator")
            .and_then(|d| d.get_mut("mapping"))
            .and_then(Value::as_object_mut)
        {
            mapping.retain(|_, target| target.is_string());
        }
    }
}

/// `const: X` → `enum: [X]` (with the type, when missing, from the value).
fn constant(object: &mut Object) {
    let Some(value) = object.remove("const") else {
        return;
    };
    object.insert("enum".into(), Value::Array(vec![value.clone()]));
    let composed = ["$ref", "allOf", "anyOf", "oneOf"]
        .iter()
        .any(|k| object.contains_key(*k));
    if !object.contains_key("type") && !composed {
        let typ = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(typ) = typ {
            object.insert("type".into(), json!(typ));
        }
    }
}

/// `examples: [a, ...]` → `example: a`.
fn examples(object: &mut Object) {
    if let Some(examples) = object.remove("examples")
        && !object.contains_key("example")
        && let Some(first) = examples.as_array().and_then(|a| a.first())
    {
        object.insert("example".into(), first.clone());
    }
}

/// Numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (keeping the stricter
/// bound when both are given), and the same for the maximum. A boolean flag without its bound
/// is removed (progenitor panics on it).
fn exclusive_bounds(object: &mut Object) {
    for (exclusive, bound, lower) in [
        ("exclusiveMinimum", "minimum", true),
        ("exclusiveMaximum", "maximum", false),
    ] {
        match object.get(exclusive).cloned() {
            Some(Value::Number(n)) => {
                let inclusive_is_stricter =
                    match (object.get(bound).and_then(Value::as_f64), n.as_f64()) {
                        (Some(m), Some(x)) => {
                            if lower {
                                m > x
                            } else {
                                m < x
                            }
                        }
                        _ => false,
                    };
                if inclusive_is_stricter {
                    object.remove(exclusive);
                } else {
                    object.insert(bound.into(), Value::Number(n));
                    object.insert(exclusive.into(), json!(true));
                }
            }
            Some(Value::Bool(true)) if object.contains_key(bound) => {}
            Some(_) => {
                object.remove(exclusive);
            }
            None => {}
        }
    }
}

/// `contentEncoding: base64` → `format: byte`; `contentMediaType` of binary data → `format:
/// binary` (3.0's way to say "a file").
fn content_encoding(object: &mut Object) {
    let encoding = object.remove("contentEncoding");
    let media_type = object.remove("contentMediaType");
    let is_string = match object.get("type") {
        None => true,
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        Some(_) => false,
    };
    if object.contains_key("format") || !is_string {
        return;
    }
    let format = match (
        encoding.as_ref().and_then(Value::as_str),
        media_type.as_ref().and_then(Value::as_str),
    ) {
        (Some("base64" | "base64url"), _) => "byte",
        (None, Some(media_type)) if !is_textual(media_type) => "binary",
        _ => return,
    };
    object.insert("format".into(), json!(format));
    if !object.contains_key("type") {
        object.insert("type".into(), json!("string"));
    }
}

/// Media types whose content is text (a JSON string holds it as is).
pub(super) fn is_textual(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence.starts_with("text/")
        || essence.ends_with("json")
        || essence.ends_with("xml")
        || essence.ends_with("yaml")
        || essence == "application/x-www-form-urlencoded"
        || essence == "application/javascript"
}

/// Keywords that only apply to values of one type, moved to that type's branch when a type
/// array is split.
fn applies_to(keyword: &str) -> Option<&'static [&'static str]> {
    Some(match keyword {
        "pattern" | "minLength" | "maxLength" => &["string"],
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => {
            &["number", "integer"]
        }
        "items" | "minItems" | "maxItems" | "uniqueItems" => &["array"],
        "properties" | "required" | "additionalProperties" | "minProperties" | "maxProperties" => {
            &["object"]
        }
        _ => return None,
    })
}

fn format_applies_to(format: &str) -> &'static [&'static str] {
    match format {
        "int32" | "int64" | "int8" | "int16" | "uint8" | "uint16" | "uint32" | "uint64" => {
            &["integer", "number"]
        }
        "float" | "double" | "decimal" => &["number", "integer"],
        _ => &["string"],
    }
}

fn json_type_matches(value: &Value, typ: &str) -> bool {
    match typ {
        "string" => value.is_string(),
        "integer" => value.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => false,
    }
}

/// The `type` keyword: arrays, `'null'`, and names 3.0 does not know.
fn types(ctx: &mut Ctx, object: &mut Object, pointer: &str) {
    let types: Vec<String> = match object.get("type") {
        None => return,
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(_) => Vec::new(),
    };
    object.remove("type");
    let mut nullable = false;
    let mut kept: Vec<&str> = Vec::new();
    for typ in &types {
        match typ.as_str() {
            "null" => nullable = true,
            // Swagger 2's file type.
            "file" => {
                if !object.contains_key("format") {
                    object.insert("format".into(), json!("binary"));
                }
                if !kept.contains(&"string") {
                    kept.push("string");
                }
            }
            t if TYPES.contains(&t) => {
                let t = TYPES.iter().find(|k| **k == t).expect("checked");
                if !kept.contains(t) {
                    kept.push(t);
                }
            }
            other => {
                ctx.note(
                    &join(pointer, "type"),
                    format!("removed unknown type `{other}`"),
                );
            }
        }
    }
    // `integer` values are `number`s too.
    if kept.contains(&"number") && kept.contains(&"integer") {
        kept.retain(|t| *t != "integer");
    }
    if nullable {
        object.insert("nullable".into(), json!(true));
    }
    match kept.len() {
        0 if nullable => make_null(object),
        0 => {}
        1 => {
            object.insert("type".into(), json!(kept[0]));
        }
        // All JSON types but null: no constraint.
        n if n == TYPES.len() - 1 => {}
        _ => split_types(object, &kept),
    }
}

/// `type: [T1, T2, ...]` → `anyOf` of one branch per type, each with the keywords that apply
/// to it (and the `enum` values of its type).
fn split_types(object: &mut Object, types: &[&str]) {
    let enumeration = object.remove("enum").and_then(|e| e.as_array().cloned());
    let format = object
        .get("format")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let specific: Vec<String> = object
        .keys()
        .filter(|k| applies_to(k).is_some())
        .cloned()
        .collect();
    let mut branches = Vec::new();
    for typ in types {
        let mut branch = Object::new();
        branch.insert("type".into(), json!(typ));
        for key in &specific {
            if applies_to(key).is_some_and(|ts| ts.contains(typ)) {
                branch.insert(key.clone(), object[key].clone());
            }
        }
        if let Some(format) = &format
            && format_applies_to(format).contains(typ)
        {
            branch.insert("format".into(), json!(format));
        }
        if let Some(values) = &enumeration {
            let values: Vec<Value> = values
                .iter()
                .filter(|v| json_type_matches(v, typ))
                .cloned()
                .collect();
            if values.is_empty() {
                continue;
            }
            branch.insert("enum".into(), Value::Array(values));
        }
        branches.push(Value::Object(branch));
    }
    for key in &specific {
        object.remove(key);
    }
    object.remove("format");
    if let Some(values) = enumeration
        && values.contains(&Value::Null)
    {
        object.insert("nullable".into(), json!(true));
    }
    let any_of = json!({ "anyOf": branches });
    if object.contains_key("anyOf") || object.contains_key("oneOf") {
        let all_of = object.entry("allOf").or_insert_with(|| json!([]));
        if let Some(all_of) = all_of.as_array_mut() {
            all_of.push(any_of);
        }
    } else {
        object.insert("anyOf".into(), any_of["anyOf"].clone());
    }
}

/// The canonical "only null" schema of 3.0.
fn make_null(object: &mut Object) {
    object.remove("type");
    object.insert("enum".into(), json!([null]));
    object.insert("nullable".into(), json!(true));
}

/// `enum: [..., null]` → `nullable: true` (3.0.3 wants both).
fn nullable_enum(object: &mut Object) {
    let Some(values) = object.get("enum").and_then(Value::as_array) else {
        return;
    };
    if values.contains(&Value::Null) {
        if values.iter().all(Value::is_null) {
            make_null(object);
        } else {
            object.insert("nullable".into(), json!(true));
        }
    }
}

/// Whether `value` (normalized) accepts only `null`.
pub(super) fn is_null_schema(value: &Value) -> bool {
    let Some(object) = value.as_object() else {
        return false;
    };
    let structural = object
        .keys()
        .filter(|k| !ANNOTATIONS.contains(&k.as_str()) && !is_extension(k) && *k != "title")
        .all(|k| matches!(k.as_str(), "type" | "enum" | "const" | "nullable"));
    let null_only = match (object.get("type"), object.get("enum"), object.get("const")) {
        (Some(Value::String(t)), _, _) => t == "null",
        (Some(Value::Array(t)), _, _) => t.iter().all(|t| t == "null") && !t.is_empty(),
        (None, Some(Value::Array(e)), _) => !e.is_empty() && e.iter().all(Value::is_null),
        (None, None, Some(Value::Null)) => true,
        _ => false,
    };
    structural && null_only
}

/// Whether `value` accepts anything (`{}`, possibly with annotations).
pub(super) fn is_any_schema(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.keys()
            .all(|k| ANNOTATIONS.contains(&k.as_str()) || is_extension(k))
    })
}

/// Marks a property whose absence, `null` and value are three different requests.
pub const THREE_STATE: &str = "x-codegen-three-state";

/// FastAPI's "not set" marker: `anyOf: [T, {}, null]` with `default: {}`. The `{}` branch and
/// the default only say "absent means: leave it as it is", so they go and the schema is a
/// nullable `T` marked [`THREE_STATE`]: absent, `null` (clear it) and a value are all meant.
/// The generator types such a property as absent / null / value (`Patch<T>`).
fn unset_marker(ctx: &mut Ctx, object: &mut Object, pointer: &str) {
    if object.get("default") != Some(&json!({})) {
        return;
    }
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = object.get(key).and_then(Value::as_array) else {
            continue;
        };
        let (any, rest): (Vec<&Value>, Vec<&Value>) =
            branches.iter().partition(|b| is_any_schema(b));
        let has_null = rest.iter().any(|b| is_null_schema(b));
        let typed = rest.iter().filter(|b| !is_null_schema(b)).count();
        if any.is_empty() || !has_null || typed == 0 {
            continue;
        }
        let kept: Vec<Value> = rest.into_iter().cloned().collect();
        object.insert(key.into(), Value::Array(kept));
        object.remove("default");
        object.insert(THREE_STATE.into(), json!(true));
        ctx.note(
            &join(pointer, key),
            format!(
                "`{key}` with an unconstrained branch, a null branch and `default: {{}}` is a \
                 \"not set\" marker: absent, null and a value are three requests"
            ),
        );
        return;
    }
}

/// `anyOf`/`oneOf` with an unconstrained branch (`{}`) accepts any value: the union goes (typify
/// cannot generate it). Its `default` goes too: it is the "not set" marker of FastAPI's
/// `anyOf: [T, {}, null]` + `default: {}`, and kept on a schema that accepts anything it would
/// make typify generate a plain `serde_json::Value` field that is always sent. Without it the
/// field is an optional value: absent, `null` and a value stay three different things.
fn any_branches(ctx: &mut Ctx, object: &mut Object, pointer: &str) {
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = object.get(key).and_then(Value::as_array) else {
            continue;
        };
        if !branches.iter().any(is_any_schema) {
            continue;
        }
        object.remove(key);
        ctx.note(
            &join(pointer, key),
            format!(
                "`{key}` with an unconstrained branch accepts any value: removed the other branches"
            ),
        );
        if let Some(default) = object.remove("default") {
            ctx.note(
                &join(pointer, "default"),
                format!(
                    "removed `default: {default}` of a union with an unconstrained branch (a \
                     \"not set\" marker): the property is optional and only sent when set"
                ),
            );
        }
    }
}

/// `anyOf` where one branch is just `{type: T}` and every other branch also has type `T`: the
/// bare branch accepts everything the others do, so the union is that type (typify would
/// otherwise make a struct of it, which progenitor cannot use as a parameter).
fn subsumed_branches(object: &mut Object) {
    let Some(branches) = object.get("anyOf").and_then(Value::as_array) else {
        return;
    };
    let bare = |b: &Value| {
        b.as_object().is_some_and(|o| {
            o.get("type").is_some_and(Value::is_string)
                && o.keys()
                    .all(|k| k == "type" || ANNOTATIONS.contains(&k.as_str()) || is_extension(k))
        })
    };
    let Some(widest) = branches.iter().find(|b| bare(b)).cloned() else {
        return;
    };
    if !branches.iter().all(|b| b.get("type") == widest.get("type")) {
        return;
    }
    object.remove("anyOf");
    absorb(object, widest);
}

/// typify names enum variants after the values; when two values get the same name even after
/// its fallback (`"."` and `"X"` are both `X`), it panics. Such an enum stays a plain string.
fn enum_variant_names(ctx: &mut Ctx, object: &mut Object, pointer: &str) {
    let Some(values) = object.get("enum").and_then(Value::as_array) else {
        return;
    };
    let strings: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
    if strings.len() < 2 {
        return;
    }
    let unique = |names: Vec<String>| {
        let mut seen = std::collections::BTreeSet::new();
        names.into_iter().all(|n| seen.insert(n))
    };
    if unique(
        strings
            .iter()
            .map(|v| crate::naming::typify_type_name(v))
            .collect(),
    ) || unique(
        strings
            .iter()
            .map(|v| {
                let replaced: String = v
                    .chars()
                    .map(|c| {
                        if c == '_' || !c.is_alphanumeric() {
                            'X'
                        } else {
                            c
                        }
                    })
                    .collect();
                crate::naming::typify_type_name(&replaced)
            })
            .collect(),
    ) {
        return;
    }
    let values = object.remove("enum").expect("checked");
    ctx.note(
        &join(pointer, "enum"),
        format!("removed `enum: {values}`: its values do not make distinct Rust names; the value is a plain string"),
    );
}

/// A nullable schema without `type`: progenitor infers the type from the keywords present
/// (wrongly for strings and numbers) and, when there are none, makes it "only null". So the
/// type is set from the keywords or the `enum` values when they agree on one; with no
/// constraint at all, `nullable` goes (any value already includes null).
fn infer_nullable_type(object: &mut Object) {
    if object.get("nullable") != Some(&Value::Bool(true))
        || object.contains_key("type")
        || ["$ref", "allOf", "anyOf", "oneOf", "not"]
            .iter()
            .any(|k| object.contains_key(*k))
    {
        return;
    }
    let mut inferred: Vec<&str> = Vec::new();
    let mut add = |t: &'static str| {
        if !inferred.contains(&t) {
            inferred.push(t);
        }
    };
    for key in object.keys() {
        if let Some(types) = applies_to(key) {
            add(types[0]);
        }
    }
    if let Some(format) = object.get("format").and_then(Value::as_str) {
        add(format_applies_to(format)[0]);
    }
    if let Some(values) = object.get("enum").and_then(Value::as_array) {
        for value in values {
            match value {
                Value::Null => {}
                Value::String(_) => add("string"),
                Value::Bool(_) => add("boolean"),
                Value::Number(n) if n.is_f64() => add("number"),
                Value::Number(_) => add("integer"),
                Value::Array(_) => add("array"),
                Value::Object(_) => add("object"),
            }
        }
    }
    match inferred.as_slice() {
        [] if !object.contains_key("enum") => {
            object.remove("nullable");
        }
        [typ] => {
            object.insert("type".into(), json!(typ));
        }
        _ => {}
    }
}

/// `anyOf`/`oneOf` with a null branch → `nullable: true` on the schema; a single remaining
/// branch is merged into the schema (a `$ref` through `allOf`, since 3.0 ignores a `$ref`'s
/// siblings).
fn null_branches(object: &mut Object) {
    for key in ["anyOf", "oneOf"] {
        let Some(branches) = object.get_mut(key).and_then(Value::as_array_mut) else {
            continue;
        };
        let before = branches.len();
        branches.retain(|b| !is_null_schema(b));
        if branches.len() == before {
            continue;
        }
        object.insert("nullable".into(), json!(true));
        let branches = object
            .get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        match branches.len() {
            0 => {
                object.remove(key);
                if !["type", "allOf", "anyOf", "oneOf", "$ref"]
                    .iter()
                    .any(|k| object.contains_key(*k))
                {
                    make_null(object);
                }
            }
            1 => {
                object.remove(key);
                let branch = branches.into_iter().next().expect("one");
                absorb(object, branch);
            }
            _ => {}
        }
    }
}

/// Merges the schema `branch` into `object`, which must then satisfy both. Falls back to
/// `allOf` when they conflict or when `branch` is a `$ref`.
fn absorb(object: &mut Object, branch: Value) {
    let Value::Object(branch) = branch else {
        return;
    };
    let conflict = branch.contains_key("$ref")
        || branch.iter().any(|(k, v)| {
            !ANNOTATIONS.contains(&k.as_str())
                && k != "nullable"
                && object.get(k).is_some_and(|mine| mine != v)
        });
    if conflict {
        let all_of = object.entry("allOf").or_insert_with(|| json!([]));
        if let Some(all_of) = all_of.as_array_mut() {
            all_of.push(Value::Object(branch));
        }
        return;
    }
    for (key, value) in branch {
        if key == "nullable" {
            continue;
        }
        object.entry(key).or_insert(value);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    #[test]
    fn boolean_schemas() {
        assert_eq!(
            schema(json!({"type": "object", "properties": {"a": true, "b": false}})),
            json!({"type": "object", "properties": {"a": {}, "b": {"not": {}}}})
        );
    }

    #[test]
    fn type_array_with_null_becomes_nullable() {
        assert_eq!(
            schema(json!({"type": ["string", "null"], "format": "date-time"})),
            json!({"type": "string", "format": "date-time", "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["null", "integer"]})),
            json!({"type": "integer", "nullable": true})
        );
    }

    #[test]
    fn type_array_of_several_types_becomes_any_of() {
        assert_eq!(
            schema(
                json!({"type": ["integer", "string"], "format": "int32", "pattern": "^-?[0-9]+$", "description": "n"})
            ),
            json!({"description": "n", "anyOf": [
                {"type": "integer", "format": "int32"},
                {"type": "string", "pattern": "^-?[0-9]+$"}
            ]})
        );
        assert_eq!(
            schema(
                json!({"type": ["string", "array", "null"], "items": {"type": "string"}, "enum": null})
            ),
            json!({"nullable": true, "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
        );
    }

    #[test]
    fn integer_and_number_is_number() {
        assert_eq!(
            schema(json!({"type": ["integer", "number"]})),
            json!({"type": "number"})
        );
    }

    #[test]
    fn type_array_enum_values_go_to_their_branch() {
        assert_eq!(
            schema(json!({"type": ["string", "integer"], "enum": ["a", 1, null]})),
            json!({"nullable": true, "anyOf": [{"type": "string", "enum": ["a"]}, {"type": "integer", "enum": [1]}]})
        );
    }

    #[test]
    fn type_null_alone() {
        assert_eq!(
            schema(json!({"type": "null", "description": "nothing"})),
            json!({"description": "nothing", "enum": [null], "nullable": true})
        );
        assert_eq!(
            schema(json!({"type": ["null"]})),
            json!({"enum": [null], "nullable": true})
        );
    }

    #[test]
    fn enum_with_null_is_nullable() {
        assert_eq!(
            schema(json!({"type": "string", "enum": ["a", null]})),
            json!({"type": "string", "enum": ["a", null], "nullable": true})
        );
    }

    #[test]
    fn any_of_null_and_one_schema_is_merged() {
        assert_eq!(
            schema(
                json!({"anyOf": [{"type": "string", "maxLength": 3}, {"type": "null"}], "title": "T", "default": null})
            ),
            json!({"title": "T", "nullable": true, "type": "string", "maxLength": 3})
        );
    }

    #[test]
    fn any_of_null_and_a_ref_is_a_nullable_all_of() {
        let (doc, _) = ok(with_schemas(json!({
            "A": {"type": "object"},
            "S": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}], "description": "d"}
        })));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"description": "d", "nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
        );
        assert_openapiv3(&doc);
    }

    #[test]
    fn any_of_null_and_several_keeps_the_union() {
        let (doc, _) = ok(with_schemas(json!({
            "A": {"type": "object"}, "B": {"type": "object"},
            "S": {
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}, {"type": "null"}],
                "discriminator": {"propertyName": "kind", "mapping": {"a": "#/components/schemas/A"}}
            }
        })));
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({
                "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                "discriminator": {"propertyName": "kind", "mapping": {"a": "#/components/schemas/A"}},
                "nullable": true
            })
        );
    }

    #[test]
    fn any_of_conflicting_branch_goes_to_all_of() {
        assert_eq!(
            schema(json!({"type": "object", "anyOf": [{"type": "string"}, {"type": "null"}]})),
            json!({"type": "object", "nullable": true, "allOf": [{"type": "string"}]})
        );
    }

    #[test]
    fn const_becomes_enum() {
        assert_eq!(
            schema(json!({"const": "blob"})),
            json!({"enum": ["blob"], "type": "string"})
        );
        assert_eq!(
            schema(json!({"type": "integer", "const": 3})),
            json!({"type": "integer", "enum": [3]})
        );
        assert_eq!(
            schema(json!({"const": null})),
            json!({"enum": [null], "nullable": true})
        );
    }

    #[test]
    fn examples_become_example() {
        assert_eq!(
            schema(json!({"type": "string", "examples": ["a", "b"]})),
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            schema(json!({"type": "string", "example": "x", "examples": ["a"]})),
            json!({"type": "string", "example": "x"})
        );
        assert_eq!(
            schema(json!({"type": "string", "examples": []})),
            json!({"type": "string"})
        );
    }

    #[test]
    fn numeric_exclusive_bounds() {
        assert_eq!(
            schema(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1.5})),
            json!({"type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 1.5})
        );
        // The inclusive bound is stricter.
        assert_eq!(
            schema(json!({"type": "integer", "minimum": 5, "exclusiveMinimum": 1})),
            json!({"type": "integer", "minimum": 5})
        );
        // 3.0 flags stay; a flag without bound goes.
        assert_eq!(
            schema(
                json!({"type": "integer", "minimum": 5, "exclusiveMinimum": true, "exclusiveMaximum": true})
            ),
            json!({"type": "integer", "minimum": 5, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn ref_siblings_are_kept_through_all_of() {
        let (doc, _) = ok(with_schemas(json!({
            "A": {"type": "string"},
            "S": {"type": "object", "properties": {
                "a": {"$ref": "#/components/schemas/A", "description": "the a", "summary": "x"},
                "b": {"$ref": "#/components/schemas/A", "$comment": "plain"}
            }}
        })));
        assert_eq!(
            doc["components"]["schemas"]["S"]["properties"],
            json!({
                "a": {"description": "the a", "allOf": [{"$ref": "#/components/schemas/A"}]},
                "b": {"$ref": "#/components/schemas/A"}
            })
        );
    }

    #[test]
    fn content_media_type_and_encoding() {
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/octet-stream"})),
            json!({"type": "string", "format": "binary"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentEncoding": "base64"})),
            json!({"type": "string", "format": "byte"})
        );
        assert_eq!(
            schema(json!({"type": "string", "contentMediaType": "application/json"})),
            json!({"type": "string"})
        );
    }

    #[test]
    fn prefix_items_become_items() {
        assert_eq!(
            schema(
                json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "string"}], "minItems": 2, "maxItems": 2})
            ),
            json!({"type": "array", "minItems": 2, "maxItems": 2,
                   "items": {"anyOf": [{"type": "number"}, {"type": "string"}]}})
        );
        assert_eq!(
            schema(
                json!({"type": "array", "prefixItems": [{"type": "number"}, {"type": "number"}], "items": false})
            ),
            json!({"type": "array", "maxItems": 2, "items": {"type": "number"}})
        );
    }

    #[test]
    fn unknown_keywords_are_removed_extensions_kept() {
        let (out, notes) = normalize_schema(json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x",
            "type": "object", "chunkable": true, "index": 1, "x-keep": 1,
            "unevaluatedProperties": false, "propertyNames": {"format": "date-time"},
            "dependentRequired": {"a": ["b"]}, "if": {}, "then": {}, "else": {},
            "properties": {"a": {"type": "string"}}
        }));
        assert_eq!(
            out,
            json!({"type": "object", "x-keep": 1, "properties": {"a": {"type": "string"}}})
        );
        for keyword in [
            "chunkable",
            "index",
            "unevaluatedProperties",
            "propertyNames",
            "dependentRequired",
            "if",
        ] {
            assert!(
                notes
                    .iter()
                    .any(|n| n.message.contains(&format!("`{keyword}`"))),
                "{keyword}: {notes:?}"
            );
        }
        assert!(
            !notes.iter().any(|n| n.message.contains("$schema")),
            "{notes:?}"
        );
    }

    #[test]
    fn bad_value_types_are_fixed_or_removed() {
        assert_eq!(
            schema(json!({"type": "string", "minLength": 1.0, "maxLength": -1, "required": true})),
            json!({"type": "string", "minLength": 1})
        );
    }

    #[test]
    fn swagger_file_type() {
        assert_eq!(
            schema(json!({"type": "file"})),
            json!({"type": "string", "format": "binary"})
        );
    }

    #[test]
    fn nested_schemas_are_normalized() {
        assert_eq!(
            schema(
                json!({"type": "object", "additionalProperties": {"type": ["string", "null"]},
                "properties": {"a": {"type": "array", "items": {"const": 1}}},
                "not": {"type": ["string"]}, "allOf": [{"examples": [1]}]})
            ),
            json!({"type": "object", "additionalProperties": {"type": "string", "nullable": true},
                "properties": {"a": {"type": "array", "items": {"enum": [1], "type": "integer"}}},
                "not": {"type": "string"}, "allOf": [{"example": 1}]})
        );
    }

    #[test]
    fn three_0_documents_get_the_same_rules() {
        let mut doc = with_schemas(json!({"S": {"type": ["string", "null"]}}));
        doc["openapi"] = json!("3.0.3");
        let (doc, _) = ok(doc);
        assert_eq!(
            doc["components"]["schemas"]["S"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn union_with_an_unconstrained_branch_accepts_anything() {
        let (out, notes) = normalize_schema(
            json!({"anyOf": [{"type": "string"}, {"description": "any"}], "description": "d"}),
        );
        assert_eq!(out, json!({"description": "d"}));
        assert!(
            notes
                .iter()
                .any(|n| n.pointer == "/components/schemas/S/anyOf"),
            "{notes:?}"
        );
    }

    #[test]
    fn fastapi_unset_marker_makes_a_three_state_property() {
        let (out, notes) = normalize_schema(json!({
            "anyOf": [{"type": "string", "format": "date-time"}, {}, {"type": "null"}],
            "default": {},
            "description": "d"
        }));
        assert_eq!(
            out,
            json!({"type": "string", "format": "date-time", "nullable": true, "description": "d", "x-codegen-three-state": true})
        );
        assert!(
            notes
                .iter()
                .any(|n| n.message.contains("\"not set\" marker")),
            "{notes:?}"
        );
        // Without the null branch or the `{}` default it is not the marker: anything goes.
        assert_eq!(
            schema(json!({"anyOf": [{"type": "string"}, {}], "default": {}, "description": "d"})),
            json!({"description": "d"})
        );
        assert_eq!(
            schema(
                json!({"anyOf": [{"type": "string"}, {}, {"type": "null"}], "description": "d"})
            ),
            json!({"description": "d"})
        );
    }

    #[test]
    fn nullable_without_type_gets_one_or_loses_nullable() {
        // progenitor would make these "only null" or infer `array` for a string.
        assert_eq!(
            schema(json!({"nullable": true, "maxLength": 3})),
            json!({"nullable": true, "maxLength": 3, "type": "string"})
        );
        assert_eq!(
            schema(json!({"enum": ["a", "b", null]})),
            json!({"enum": ["a", "b", null], "nullable": true, "type": "string"})
        );
        assert_eq!(
            schema(json!({"anyOf": [{}, {"type": "null"}], "description": "d"})),
            json!({"description": "d"})
        );
        assert_eq!(
            schema(json!({"nullable": true, "description": "d"})),
            json!({"description": "d"})
        );
    }

    #[test]
    fn union_of_a_type_and_its_narrowings_is_the_type() {
        assert_eq!(
            schema(
                json!({"anyOf": [{"type": "string", "format": "uuid"}, {"type": "string"}], "description": "id or name"})
            ),
            json!({"description": "id or name", "type": "string"})
        );
        // Different types stay a union.
        assert_eq!(
            schema(json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})),
            json!({"anyOf": [{"type": "integer"}, {"type": "string"}]})
        );
    }

    #[test]
    fn enum_values_with_clashing_names_become_a_string() {
        let (out, notes) = normalize_schema(json!({"type": "string", "enum": [".", "X", "O"]}));
        assert_eq!(out, json!({"type": "string"}));
        assert_eq!(notes[0].pointer, "/components/schemas/S/enum");
        // typify's fallback separates these: kept.
        assert_eq!(
            schema(json!({"type": "string", "enum": ["a-b", "aB"]})),
            json!({"type": "string", "enum": ["a-b", "aB"]})
        );
    }
}

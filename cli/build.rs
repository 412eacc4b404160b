//! Reads the spec the `hyperspell` crate is generated from (`../spec/hyperspell.yaml`, or
//! `$HYPERSPELL_SPEC`, like the library's build.rs) with `hyperspell-codegen` and writes the
//! command table `$OUT_DIR/commands.json`: for every operation (by its Rust name, which the
//! binary joins with `hyperspell::operations`) its summary and description, its path and
//! query parameters and its top-level body fields with their kinds, enum values and whether
//! they are required, and, for cursor-paginated operations, the items field.
//!
//! Kinds: `string`, `integer`, `number`, `boolean`, `json` (anything else: objects, unions of
//! different kinds), `file` (a binary multipart field); `array` says the flag repeats.

#![allow(clippy::result_large_err)]

use std::path::PathBuf;

use serde_json::{Map, Value, json};

fn main() {
    println!("cargo::rerun-if-env-changed=HYPERSPELL_SPEC");
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("run by cargo"));
    let spec = match std::env::var_os("HYPERSPELL_SPEC") {
        Some(path) => PathBuf::from(path),
        None => manifest.join("../spec/hyperspell.yaml"),
    };
    println!("cargo::rerun-if-changed={}", spec.display());
    let loaded = hyperspell_codegen::load_file(&spec)
        .and_then(|spec| hyperspell_codegen::normalize::normalize(&spec));
    let doc = match loaded {
        Ok((doc, _notes)) => doc,
        Err(diagnostic) => {
            for line in diagnostic.to_string().lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    };
    let (operations, _) = hyperspell_codegen::naming::name_operations(&doc);
    let mut table = Vec::new();
    for op in &operations {
        let Some(node) = doc.pointer(&op.pointer) else {
            continue;
        };
        let path_item = op
            .pointer
            .rsplit_once('/')
            .and_then(|(parent, _)| doc.pointer(parent));
        let mut params = Vec::new();
        let declared = [
            path_item.and_then(|p| p.get("parameters")),
            node.get("parameters"),
        ];
        for p in declared
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
            .flatten()
        {
            let p = resolve(&doc, p);
            let (Some(name), Some(place)) = (p["name"].as_str(), p["in"].as_str()) else {
                continue;
            };
            if place != "path" && place != "query" {
                println!(
                    "cargo::warning={} {}: {place} parameter `{name}` has no CLI flag",
                    op.method, op.path
                );
                continue;
            }
            let mut input = describe(&doc, p.get("schema").unwrap_or(&Value::Null), 0);
            input.insert("name".into(), json!(name));
            input.insert("in".into(), json!(place));
            input.insert(
                "required".into(),
                json!(place == "path" || p["required"] == true),
            );
            if let Some(text) = p.get("description").and_then(Value::as_str) {
                input.insert("description".into(), json!(text));
            }
            // a parameter declared again by the operation replaces the path item's
            params.retain(|q: &Value| !(q["name"] == name && q["in"] == place));
            params.push(Value::Object(input));
        }
        let body = node
            .get("requestBody")
            .map(|b| resolve(&doc, b))
            .and_then(|body| {
                let content = body.get("content")?.as_object()?;
                let (media, entry) = content.iter().next()?;
                let multipart = media.starts_with("multipart/form-data");
                let schema = resolve(&doc, entry.get("schema").unwrap_or(&Value::Null));
                let required: Vec<&str> = schema
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|r| r.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let mut fields = Vec::new();
                for (name, field) in schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let mut input = describe(&doc, field, 0);
                    if multipart && resolve(&doc, field)["format"] == "binary" {
                        input.insert("kind".into(), json!("file"));
                    }
                    input.insert("name".into(), json!(name));
                    input.insert("in".into(), json!("body"));
                    input.insert("required".into(), json!(required.contains(&name.as_str())));
                    let text = field
                        .get("description")
                        .or_else(|| resolve(&doc, field).get("description"));
                    if let Some(text) = text.and_then(Value::as_str) {
                        input.insert("description".into(), json!(text));
                    }
                    fields.push(Value::Object(input));
                }
                Some(json!({
                    "media": if multipart { "multipart" } else { "json" },
                    "required": body["required"] == true,
                    "fields": fields,
                }))
            });
        table.push(json!({
            "name": op.rust_name,
            "summary": node.get("summary"),
            "description": node.get("description"),
            "deprecated": node["deprecated"] == true,
            "params": params,
            "body": body,
            "items": cursor_items(&doc, &op.method, node, &params),
        }));
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("run by cargo")).join("commands.json");
    let text = serde_json::to_string(&table).expect("a JSON value serializes");
    if let Err(e) = std::fs::write(&out, text) {
        println!("cargo::error=cannot write {}: {e}", out.display());
        std::process::exit(1);
    }
}

fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    hyperspell_codegen::refs::resolve(doc, value)
}

/// `kind`, `array` and `enum` of a schema (see the crate docs).
fn describe(doc: &Value, schema: &Value, depth: usize) -> Map<String, Value> {
    let schema = resolve(doc, schema);
    let mut out = Map::new();
    out.insert("kind".into(), json!("json"));
    out.insert("array".into(), json!(false));
    if depth > 8 {
        return out;
    }
    let branches: Vec<&Value> = ["anyOf", "oneOf", "allOf"]
        .iter()
        .filter_map(|k| schema.get(*k).and_then(Value::as_array))
        .flatten()
        .filter(|b| resolve(doc, b).get("type") != Some(&json!("null")))
        .collect();
    if !branches.is_empty() {
        let described: Vec<Map<String, Value>> = branches
            .iter()
            .map(|b| describe(doc, b, depth + 1))
            .collect();
        if described.len() == 1 {
            return described.into_iter().next().unwrap_or_default();
        }
        let first = &described[0];
        if described
            .iter()
            .all(|d| d["kind"] == first["kind"] && d["array"] == first["array"])
            && first["kind"] != "json"
        {
            // one kind: the enum values of all branches (an open set anyway)
            let mut values: Vec<Value> = Vec::new();
            for d in &described {
                if let Some(Value::Array(v)) = d.get("enum") {
                    values.extend(v.iter().cloned());
                }
            }
            let mut merged = first.clone();
            merged.remove("enum");
            if !values.is_empty() {
                merged.insert("enum".into(), Value::Array(values));
            }
            return merged;
        }
        return out;
    }
    let ty = schema.get("type").and_then(Value::as_str);
    match ty {
        Some("array") => {
            let items = describe(doc, schema.get("items").unwrap_or(&Value::Null), depth + 1);
            if items["array"] == false && items["kind"] != "json" {
                let mut out = items;
                out.insert("array".into(), json!(true));
                return out;
            }
        }
        Some(kind @ ("string" | "integer" | "number" | "boolean")) => {
            out.insert("kind".into(), json!(kind));
        }
        None if schema.get("enum").is_some() => {
            out.insert("kind".into(), json!("string"));
        }
        _ => {}
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        out.insert("enum".into(), json!(values));
    }
    out
}

/// The items field of a cursor-paginated operation: the rule of codegen's `into_stream()`
/// (a GET with a `cursor` query parameter whose success response is an object with a
/// `next_cursor` and exactly one array property).
fn cursor_items(doc: &Value, method: &str, op: &Value, params: &[Value]) -> Option<String> {
    if method != "GET"
        || !params
            .iter()
            .any(|p| p["name"] == "cursor" && p["in"] == "query")
    {
        return None;
    }
    let responses = op.get("responses")?.as_object()?;
    let success = responses.iter().find(|(code, _)| code.starts_with('2'))?.1;
    let schema = resolve(doc, success).pointer("/content/application~1json/schema")?;
    let properties = resolve(doc, schema).get("properties")?.as_object()?;
    properties.get("next_cursor")?;
    let arrays: Vec<&String> = properties
        .iter()
        .filter(|(_, s)| resolve(doc, s).get("type") == Some(&json!("array")))
        .map(|(name, _)| name)
        .collect();
    match arrays.as_slice() {
        [items] => Some((*items).clone()),
        _ => None,
    }
}

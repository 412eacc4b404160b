//! What progenitor 0.15 cannot take, made into what it can, keeping as much meaning as it can
//! express. Each change is noted.
//!
//! - Parameters: no cookie parameters (progenitor refuses them); path parameters are
//!   `required`, not nullable, and exactly those of the path template (a missing one is added
//!   as a string, one the template lacks is removed); header parameters are not nullable;
//!   `content` parameters get the schema of their media type (or a string); styles other than
//!   progenitor's (`form` in query, `simple` in path and header) are dropped; an object
//!   parameter (progenitor crashes on it) becomes one query parameter per property when it is
//!   an exploded `form` query object — which is how it is sent — and a string otherwise.
//! - Request bodies: one media type (progenitor panics on more): `application/json`, else a
//!   `*json` one, else the first; `*+json` is sent as `application/json`, other text as
//!   `text/plain` and anything else as `application/octet-stream` (the kinds progenitor knows),
//!   with the schemas it requires for them. `multipart/form-data` bodies are left alone: the
//!   multipart generator takes those operations.
//! - Responses: one media type each (same preference), `*+json` read as JSON, a JSON response
//!   has a schema.
//! - Per operation, progenitor wants one success type and one error type. A `default`
//!   response whose kind differs from the success responses becomes `4XX` + `5XX`; different
//!   JSON schemas become one `oneOf`; content-less or non-JSON responses mixed with JSON ones
//!   are removed (the client returns them as unexpected responses); content-less responses
//!   mixed with non-JSON ones become byte streams. An inline error schema unlike an inline
//!   success schema becomes a component (progenitor would name both `<operation>Response`).
//! - An operation without responses gets a `default` response without content.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::type_names::is_named_type;
use super::{Ctx, is_extension, join};
use crate::naming::METHODS;
use crate::naming::typify_type_name;

type Object = Map<String, Value>;

pub(super) fn compat(ctx: &mut Ctx, doc: &mut Value) {
    // Components first: operations resolve their references against the fixed ones.
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (section, map) in components.iter_mut() {
            let Some(map) = map.as_object_mut() else {
                continue;
            };
            let at = join("/components", section);
            for (name, value) in map.iter_mut() {
                let at = join(&at, name);
                let Some(object) = value.as_object_mut() else {
                    continue;
                };
                if object.contains_key("$ref") {
                    continue;
                }
                match section.as_str() {
                    "parameters" => parameter(ctx, object, &at),
                    "requestBodies" => request_body(ctx, object, &at),
                    "responses" => response(ctx, object, &at),
                    _ => {}
                }
            }
        }
    }
    let snapshot = doc.clone();
    let mut hoisted = Hoisted {
        names: snapshot
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|m| m.keys().map(|k| typify_type_name(k)).collect())
            .unwrap_or_default(),
        schemas: Vec::new(),
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let at = join("/paths", path);
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        if let Some(parameters) = item.get_mut("parameters") {
            parameter_list(ctx, &snapshot, parameters, &join(&at, "parameters"));
        }
        let template = template_names(path);
        let mut shared = Vec::new();
        if let Some(parameters) = item.get_mut("parameters") {
            shared = path_parameters(
                ctx,
                &snapshot,
                parameters,
                &template,
                &join(&at, "parameters"),
            );
        }
        for method in METHODS {
            if let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) {
                let at = join(&at, method);
                self::operation(ctx, &snapshot, operation, &at, &mut hoisted);
                let parameters = operation.entry("parameters").or_insert_with(|| json!([]));
                let mut defined = path_parameters(
                    ctx,
                    &snapshot,
                    parameters,
                    &template,
                    &join(&at, "parameters"),
                );
                defined.extend(shared.iter().cloned());
                for name in template.iter().filter(|n| !defined.contains(n)) {
                    if let Some(list) = parameters.as_array_mut() {
                        list.push(json!({
                            "name": name, "in": "path", "required": true, "schema": {"type": "string"}
                        }));
                    }
                    ctx.note(
                        &at,
                        format!("added string path parameter `{name}`: the path has it, the operation did not define it"),
                    );
                }
                if parameters.as_array().is_some_and(Vec::is_empty) {
                    operation.remove("parameters");
                }
            }
        }
    }
    if !hoisted.schemas.is_empty() {
        let root = doc.as_object_mut().expect("document is an object");
        let components = root.entry("components").or_insert_with(|| json!({}));
        if let Some(components) = components.as_object_mut() {
            let schemas = components.entry("schemas").or_insert_with(|| json!({}));
            if let Some(schemas) = schemas.as_object_mut() {
                schemas.extend(hoisted.schemas);
            }
        }
    }
}

/// Error response schemas given a component of their own (see [`separate_error_type`]).
struct Hoisted {
    /// Type names taken (components' and the new ones).
    names: BTreeSet<String>,
    schemas: Vec<(String, Value)>,
}

/// The `{name}`s of a path template.
fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Removes the path parameters of `parameters` that the template does not have (progenitor
/// panics on them) and returns the names of the others.
fn path_parameters(
    ctx: &mut Ctx,
    root: &Value,
    parameters: &mut Value,
    template: &[String],
    at: &str,
) -> Vec<String> {
    let mut kept = Vec::new();
    let Some(list) = parameters.as_array_mut() else {
        return kept;
    };
    let mut index = 0;
    list.retain(|value| {
        let resolved = resolve(root, value);
        let at = join(at, &index.to_string());
        index += 1;
        if resolved.get("in").and_then(Value::as_str) != Some("path") {
            return true;
        }
        let name = resolved
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        if template.contains(&name) {
            kept.push(name);
            true
        } else {
            ctx.note(
                &at,
                format!("removed path parameter `{name}`: the path has no `{{{name}}}`"),
            );
            false
        }
    });
    kept
}

use crate::refs::resolve;

fn operation(ctx: &mut Ctx, root: &Value, operation: &mut Object, at: &str, hoisted: &mut Hoisted) {
    if let Some(parameters) = operation.get_mut("parameters") {
        parameter_list(ctx, root, parameters, &join(at, "parameters"));
    }
    if let Some(body) = operation
        .get_mut("requestBody")
        .and_then(Value::as_object_mut)
        && !body.contains_key("$ref")
    {
        request_body(ctx, body, &join(at, "requestBody"));
    }
    let responses_at = join(at, "responses");
    let responses = operation.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else {
        return;
    };
    for (code, value) in responses.iter_mut() {
        if let Some(object) = value.as_object_mut().filter(|o| !o.contains_key("$ref"))
            && !is_extension(code)
        {
            response(ctx, object, &join(&responses_at, code));
        }
    }
    if !responses.keys().any(|k| !is_extension(k)) {
        responses.insert("default".into(), json!({"description": ""}));
        return;
    }
    unify_responses(ctx, root, responses, &responses_at);
    separate_error_type(ctx, root, operation, at, hoisted);
}

// ----- parameters -----

fn parameter_list(ctx: &mut Ctx, root: &Value, parameters: &mut Value, at: &str) {
    let Some(list) = parameters.as_array_mut() else {
        return;
    };
    distinct_field_names(ctx, root, list, at);
    object_parameters(ctx, root, list, at);
    let mut index = 0;
    let mut removed = 0;
    list.retain_mut(|value| {
        let at = join(at, &(index + removed).to_string());
        let location = resolve(root, value)
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or("");
        if location == "cookie" {
            let name = resolve(root, value)
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?");
            ctx.note(
                &at,
                format!(
                    "removed cookie parameter `{name}`: the generator does not support cookie \
                     parameters (set the cookie on the reqwest client instead)"
                ),
            );
            removed += 1;
            return false;
        }
        if let Some(object) = value.as_object_mut().filter(|o| !o.contains_key("$ref")) {
            parameter(ctx, object, &at);
        }
        index += 1;
        true
    });
}

/// progenitor makes one builder field per parameter, named in snake case: two parameters of
/// one list with one snake-case name (`frontendApi`, `frontend_api`) do not compile. The
/// deprecated one goes (else the later one), with a degraded note.
fn distinct_field_names(ctx: &mut Ctx, root: &Value, list: &mut Vec<Value>, at: &str) {
    use heck::ToSnakeCase;
    let field = |value: &Value| {
        resolve(root, value)
            .get("name")
            .and_then(Value::as_str)
            .map(|name| name.to_snake_case())
    };
    let deprecated = |value: &Value| resolve(root, value).get("deprecated") == Some(&json!(true));
    let mut drop = BTreeSet::new();
    for (i, a) in list.iter().enumerate() {
        for (j, b) in list.iter().enumerate().skip(i + 1) {
            if field(a).is_some()
                && field(a) == field(b)
                && !drop.contains(&i)
                && !drop.contains(&j)
            {
                let (keep, gone) = if deprecated(b) || !deprecated(a) {
                    (i, j)
                } else {
                    (j, i)
                };
                drop.insert(gone);
                let name = |k: usize| {
                    resolve(root, &list[k])
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                };
                ctx.degrade(
                    &join(at, &gone.to_string()),
                    format!(
                        "removed parameter `{}`: its Rust name is that of parameter `{}`, which is kept",
                        name(gone),
                        name(keep)
                    ),
                );
            }
        }
    }
    let mut index = 0;
    list.retain(|_| {
        index += 1;
        !drop.contains(&(index - 1))
    });
}

/// The schema a parameter's schema stands for: through `$ref`s and single-`allOf` wrappers.
fn parameter_schema<'a>(root: &'a Value, parameter: &'a Value) -> Option<&'a Value> {
    let mut schema = resolve(root, parameter.get("schema")?);
    while let Some([single]) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        schema = resolve(root, single);
    }
    Some(schema)
}

/// progenitor cannot take a parameter whose type is a struct (it crashes). A query object in
/// the default style (`form`, exploded) is sent as one query parameter per property — so it
/// becomes those parameters; any other object parameter becomes a string.
fn object_parameters(ctx: &mut Ctx, root: &Value, list: &mut Vec<Value>, at: &str) {
    let is_struct = |schema: &Value| {
        schema
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| !p.is_empty())
    };
    let mut out: Vec<Value> = Vec::with_capacity(list.len());
    let mut names: Vec<String> = list
        .iter()
        .filter_map(|p| {
            resolve(root, p)
                .get("name")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .collect();
    for (index, value) in list.drain(..).enumerate() {
        let at = join(at, &index.to_string());
        let parameter = resolve(root, &value).clone();
        let Some(schema) = parameter_schema(root, &parameter)
            .filter(|s| is_struct(s))
            .cloned()
        else {
            out.push(value);
            continue;
        };
        let name = parameter
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let form = parameter.get("in").and_then(Value::as_str) == Some("query")
            && parameter.get("style").is_none_or(|s| s == "form")
            && parameter.get("explode") != Some(&Value::Bool(false));
        let properties = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let clash = properties.keys().any(|p| names.contains(p) && *p != name);
        if form && !clash {
            names.extend(properties.keys().cloned());
            let required_object = parameter.get("required") == Some(&Value::Bool(true));
            let required: Vec<&Value> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().collect())
                .unwrap_or_default();
            for (property, mut property_schema) in properties {
                if is_struct(&property_schema) {
                    property_schema = json!({"type": "string"});
                }
                let mut expanded = json!({
                    "name": property,
                    "in": "query",
                    "required": required_object && required.contains(&&Value::String(property.clone())),
                    "schema": property_schema,
                });
                if let Some(description) = expanded["schema"].get("description").cloned() {
                    expanded["description"] = description;
                }
                out.push(expanded);
            }
            ctx.note(
                &at,
                format!(
                    "query parameter `{name}` (an object, sent as one query parameter per \
                     property) became those parameters: the generator cannot take an object \
                     parameter"
                ),
            );
        } else {
            let mut parameter = parameter;
            parameter["schema"] = json!({"type": "string"});
            ctx.note(
                &at,
                format!(
                    "parameter `{name}` is an object the generator cannot take: it became a \
                     string (pass it serialized)"
                ),
            );
            out.push(parameter);
        }
    }
    *list = out;
}

fn parameter(ctx: &mut Ctx, parameter: &mut Object, at: &str) {
    let location = parameter
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if location == "path" && parameter.get("required") != Some(&Value::Bool(true)) {
        parameter.insert("required".into(), json!(true));
        ctx.note(
            at,
            "path parameter made `required` (path parameters always are)",
        );
    }
    if let Some(content) = parameter.remove("content") {
        let schema = content
            .as_object()
            .and_then(|c| c.values().next())
            .and_then(|m| m.get("schema"))
            .cloned();
        let scalar = schema.as_ref().is_some_and(|s| {
            matches!(
                s.get("type").and_then(Value::as_str),
                Some("string" | "integer" | "number" | "boolean")
            )
        });
        let schema = if scalar {
            schema.expect("checked")
        } else {
            json!({"type": "string"})
        };
        ctx.note(
            at,
            if scalar {
                "parameter `content` replaced by its schema (the generator only reads `schema`)"
            } else {
                "parameter `content` replaced by a string: the generator only reads `schema`; \
                 pass the value already serialized"
            },
        );
        parameter.insert("schema".into(), schema);
    }
    if !parameter.contains_key("schema") {
        parameter.insert("schema".into(), json!({"type": "string"}));
    }
    // A header or a path segment cannot be null, and progenitor formats them with `Display`,
    // which its `Option` types lack (query parameters are unwrapped by progenitor).
    if matches!(location.as_str(), "header" | "path")
        && let Some(schema) = parameter.get_mut("schema").and_then(Value::as_object_mut)
    {
        schema.remove("nullable");
        // progenitor formats header and path values with `Display`, which `Vec`s and structs
        // lack: the caller passes them serialized (`style: simple`: comma-separated).
        if let Some(kind @ ("array" | "object")) = schema.get("type").and_then(Value::as_str) {
            let kind = kind.to_owned();
            let mut string = json!({"type": "string"});
            if let Some(description) = schema.get("description") {
                string["description"] = description.clone();
            }
            *schema = string.as_object().expect("an object").clone();
            ctx.degrade(
                &join(at, "schema"),
                format!(
                    "{location} parameter of type `{kind}` is taken as a string: the generator \
                     formats {location} values with `Display`; pass it serialized \
                     (comma-separated values)"
                ),
            );
        }
    }
    let supported = match location.as_str() {
        "query" => "form",
        "path" | "header" => "simple",
        _ => return,
    };
    if let Some(style) = parameter.get("style").and_then(Value::as_str)
        && style != supported
    {
        let style = style.to_owned();
        parameter.remove("style");
        ctx.note(
            &join(at, "style"),
            format!(
                "removed `style: {style}`: the generator only serializes {location} parameters \
                     as `{supported}`"
            ),
        );
    }
}

// ----- request bodies -----

use crate::refs::{is_json_media_type as is_json, media_type_essence as essence};

/// The media type to keep of several: `application/json`, then another JSON one, then the first.
fn preferred(content: &Object) -> Option<String> {
    content
        .keys()
        .find(|k| essence(k) == "application/json")
        .or_else(|| content.keys().find(|k| is_json(k)))
        .or_else(|| content.keys().next())
        .cloned()
}

/// Keeps only the preferred media type of `content`.
fn keep_one(ctx: &mut Ctx, content: &mut Object, at: &str, what: &str) {
    if content.len() < 2 {
        return;
    }
    let keep = preferred(content).expect("not empty");
    keep_only(ctx, content, at, what, &keep);
}

/// Keeps only `keep` of `content`: the others cannot be sent or read through the typed call,
/// so this is a degraded part.
fn keep_only(ctx: &mut Ctx, content: &mut Object, at: &str, what: &str, keep: &str) {
    let removed: Vec<String> = content.keys().filter(|k| *k != keep).cloned().collect();
    if removed.is_empty() {
        return;
    }
    content.retain(|k, _| k == keep);
    ctx.degrade(
        at,
        format!(
            "kept `{keep}` and removed {}: the generator handles one media type per {what}",
            removed
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
}

fn rename_media_type(content: &mut Object, from: &str, to: &str) {
    if let Some(value) = content.remove(from) {
        content.insert(to.to_owned(), value);
    }
}

fn request_body(ctx: &mut Ctx, body: &mut Object, at: &str) {
    let content_at = join(at, "content");
    let Some(content) = body.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    if content.is_empty() {
        return;
    }
    // With JSON beside it, progenitor takes the JSON body (below); else the multipart
    // generator takes operations whose only body is multipart.
    if content.keys().any(|k| essence(k) == "multipart/form-data")
        && (content.len() == 1 || !content.keys().any(|k| is_json(k)))
    {
        let multipart = content
            .keys()
            .find(|k| essence(k) == "multipart/form-data")
            .cloned()
            .expect("checked");
        keep_only(ctx, content, &content_at, "request body", &multipart);
        return;
    }
    keep_one(ctx, content, &content_at, "request body");
    let media_type = content.keys().next().cloned().expect("not empty");
    let essence = essence(&media_type);
    let (target, kind) = match essence.as_str() {
        "application/json" | "application/x-www-form-urlencoded" => {
            (media_type.clone(), Body::Typed)
        }
        "application/octet-stream" => (media_type.clone(), Body::Bytes),
        "text/plain" | "text/x-markdown" => (media_type.clone(), Body::Text),
        _ if is_json(&essence) => ("application/json".to_owned(), Body::Typed),
        _ if essence.starts_with("text/") => ("text/plain".to_owned(), Body::Text),
        _ => ("application/octet-stream".to_owned(), Body::Bytes),
    };
    if target != media_type {
        rename_media_type(content, &media_type, &target);
        ctx.note(
            &join(&content_at, &media_type),
            format!("request body `{media_type}` is sent as `{target}` (a media type the generator supports)"),
        );
    }
    let media_at = join(&content_at, &target);
    let Some(media) = content.get_mut(&target).and_then(Value::as_object_mut) else {
        return;
    };
    match kind {
        Body::Typed => {
            if media
                .get("encoding")
                .is_some_and(|e| e.as_object().is_some_and(|e| !e.is_empty()))
            {
                ctx.note(
                    &join(&media_at, "encoding"),
                    "removed `encoding`: the generator does not support it",
                );
            }
            media.remove("encoding");
            media.entry("schema").or_insert_with(|| json!({}));
        }
        Body::Bytes => raw_schema(media, json!({"type": "string", "format": "binary"})),
        Body::Text => raw_schema(media, json!({"type": "string"})),
    }
}

enum Body {
    /// JSON or form: the schema is a type.
    Typed,
    /// `application/octet-stream`: bytes.
    Bytes,
    /// `text/plain`: a string.
    Text,
}

/// progenitor accepts exactly this schema for a raw body; the description is kept.
fn raw_schema(media: &mut Object, mut schema: Value) {
    if let Some(description) = media.get("schema").and_then(|s| s.get("description")) {
        schema["description"] = description.clone();
    }
    media.remove("encoding");
    media.insert("schema".into(), schema);
}

// ----- responses -----

fn response(ctx: &mut Ctx, response: &mut Object, at: &str) {
    let content_at = join(at, "content");
    let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    keep_one(ctx, content, &content_at, "response");
    let Some(media_type) = content.keys().next().cloned() else {
        return;
    };
    if !is_json(&media_type) {
        return;
    }
    if essence(&media_type) != "application/json" {
        // progenitor only decodes `application/json`; the bytes are JSON all the same.
        rename_media_type(content, &media_type, "application/json");
    }
    if let Some(media) = content
        .get_mut("application/json")
        .and_then(Value::as_object_mut)
    {
        media.remove("encoding");
        media.entry("schema").or_insert_with(|| json!({}));
    }
}

/// What progenitor makes of a response.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// `application/json` with this schema.
    Json(Value),
    /// Other content: a byte stream.
    Raw,
    /// No content.
    None,
}

fn kind(response: &Value) -> Kind {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Kind::None;
    };
    if let Some((_, media)) = content
        .iter()
        .find(|(k, _)| essence(k) == "application/json")
    {
        return Kind::Json(media.get("schema").cloned().unwrap_or_else(|| json!({})));
    }
    if content.is_empty() {
        Kind::None
    } else {
        Kind::Raw
    }
}

fn is_success(code: &str) -> bool {
    code == "101" || code == "2XX" || code == "2xx" || (code.len() == 3 && code.starts_with('2'))
}

fn is_error(code: &str) -> bool {
    matches!(code, "4XX" | "5XX" | "4xx" | "5xx")
        || (code.len() == 3 && (code.starts_with('4') || code.starts_with('5')))
}

/// progenitor asserts one success type and one error type per operation (a `default`
/// response counts as both).
fn unify_responses(ctx: &mut Ctx, root: &Value, responses: &mut Object, at: &str) {
    let kind_of = |responses: &Object, code: &str| kind(resolve(root, &responses[code]));
    let codes: Vec<String> = responses
        .keys()
        .filter(|k| !is_extension(k))
        .cloned()
        .collect();
    let successes: Vec<String> = codes.iter().filter(|c| is_success(c)).cloned().collect();

    // A `default` unlike the success responses describes errors: say so with ranges.
    if responses.contains_key("default") && !successes.is_empty() {
        let default_kind = kind_of(responses, "default");
        if successes
            .iter()
            .any(|c| kind_of(responses, c) != default_kind)
        {
            let default = responses.remove("default").expect("checked");
            let mut added = Vec::new();
            for range in ["4XX", "5XX"] {
                if !responses.contains_key(range) && !responses.contains_key(&range.to_lowercase())
                {
                    responses.insert(range.to_owned(), default.clone());
                    added.push(range);
                }
            }
            ctx.note(
                &join(at, "default"),
                format!(
                    "the `default` response became {}: it differs from the success responses, \
                     and the generator gives an operation one success type",
                    if added.is_empty() {
                        "nothing (4XX and 5XX are defined)".to_owned()
                    } else {
                        added.join(" and ")
                    }
                ),
            );
        }
    }

    let with_default = |mut codes: Vec<String>, responses: &Object| {
        if responses.contains_key("default") {
            codes.push("default".to_owned());
        }
        codes
    };
    let successes: Vec<String> = with_default(
        responses
            .keys()
            .filter(|c| is_success(c))
            .cloned()
            .collect(),
        responses,
    );
    unify(ctx, root, responses, &successes, at, true);
    let errors: Vec<String> = with_default(
        responses.keys().filter(|c| is_error(c)).cloned().collect(),
        responses,
    );
    unify(ctx, root, responses, &errors, at, false);
}

fn unify(
    ctx: &mut Ctx,
    root: &Value,
    responses: &mut Object,
    codes: &[String],
    at: &str,
    success: bool,
) {
    let kinds: Vec<(String, Kind)> = codes
        .iter()
        .filter(|c| responses.contains_key(*c))
        .map(|c| (c.clone(), kind(resolve(root, &responses[c]))))
        .collect();
    let mut schemas: Vec<Value> = Vec::new();
    for (_, kind) in &kinds {
        if let Kind::Json(schema) = kind
            && !schemas.contains(schema)
        {
            schemas.push(schema.clone());
        }
    }
    let has = |k: &Kind| {
        kinds
            .iter()
            .any(|(_, x)| std::mem::discriminant(x) == std::mem::discriminant(k))
    };
    let what = if success { "success" } else { "error" };

    if schemas.len() > 1 {
        let union = if schemas.iter().any(super::schema::is_any_schema) {
            json!({})
        } else {
            json!({ "oneOf": schemas })
        };
        for (code, kind) in &kinds {
            if matches!(kind, Kind::Json(_)) {
                let mut inlined = resolve(root, &responses[code]).clone();
                inlined["content"]["application/json"]["schema"] = union.clone();
                responses.insert(code.clone(), inlined);
            }
        }
        ctx.note(
            at,
            format!(
                "the JSON {what} responses ({}) share one type, the `oneOf` of their schemas: the \
                 generator gives an operation one {what} type",
                kinds
                    .iter()
                    .filter(|(_, k)| matches!(k, Kind::Json(_)))
                    .map(|(c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if has(&Kind::Json(Value::Null)) {
        for (code, kind) in &kinds {
            if !matches!(kind, Kind::Json(_)) {
                responses.remove(code);
                ctx.note(
                    &join(at, code),
                    format!(
                        "removed {what} response {code} ({}): the other {what} responses are JSON \
                         and the generator gives an operation one {what} type; the client returns it \
                         as an unexpected response",
                        if *kind == Kind::Raw { "not JSON" } else { "no content" }
                    ),
                );
            }
        }
    } else if has(&Kind::Raw) && has(&Kind::None) {
        for (code, kind) in &kinds {
            if *kind == Kind::None {
                let mut inlined = resolve(root, &responses[code]).clone();
                inlined["content"] = json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}});
                responses.insert(code.clone(), inlined);
                ctx.note(
                    &join(at, code),
                    format!("{what} response {code} has no content; it is read as a (empty) byte stream like the other {what} responses"),
                );
            }
        }
    }
}

/// progenitor names the type of every inline response schema `<operationId>Response`, success
/// and error alike; when both are inline and differ, typify gives them one name and silently
/// uses the success type for the errors. The error schema becomes a component of its own.
fn separate_error_type(
    ctx: &mut Ctx,
    root: &Value,
    operation: &mut Object,
    at: &str,
    hoisted: &mut Hoisted,
) {
    let base = operation
        .get("operationId")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| crate::diagnostic::pointer_segments(at).join(" "));
    let Some(responses) = operation
        .get_mut("responses")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let json_schema = |responses: &Object, code: &str| match kind(resolve(root, &responses[code])) {
        Kind::Json(schema) => Some(schema),
        _ => None,
    };
    let first = |responses: &Object, class: fn(&str) -> bool| {
        responses
            .keys()
            .filter(|c| class(c) || *c == "default")
            .find_map(|c| json_schema(responses, c))
    };
    let (Some(success), Some(error)) = (first(responses, is_success), first(responses, is_error))
    else {
        return;
    };
    let inline_named =
        |s: &Value| s.get("$ref").is_none() && s.as_object().is_some_and(is_named_type);
    if success == error || !inline_named(&success) || !inline_named(&error) {
        return;
    }
    let stem = format!("{}ErrorResponse", typify_type_name(&base));
    let mut name = stem.clone();
    let mut n = 2;
    while hoisted.names.contains(&name) {
        name = format!("{stem}{n}");
        n += 1;
    }
    hoisted.names.insert(name.clone());
    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
    let codes: Vec<String> = responses.keys().filter(|c| is_error(c)).cloned().collect();
    for code in codes {
        if json_schema(responses, &code).as_ref() == Some(&error) {
            let mut inlined = resolve(root, &responses[&code]).clone();
            inlined["content"]["application/json"]["schema"] = reference.clone();
            responses.insert(code, inlined);
        }
    }
    ctx.note(
        &join(at, "responses"),
        format!(
            "the error response schema became component `{name}`: inline, it would get the same \
             type name as the success response's"
        ),
    );
    hoisted.schemas.push((name, error));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    fn op(operation: serde_json::Value) -> (serde_json::Value, Vec<crate::Note>) {
        let (doc, notes) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a/{id}": {"post": operation}},
            "components": {"schemas": {
                "A": {"type": "object"}, "B": {"type": "object"}, "E": {"type": "object"}
            }}
        }));
        assert_openapiv3(&doc);
        (doc["paths"]["/a/{id}"]["post"].clone(), notes)
    }

    fn json_response(schema: &str) -> serde_json::Value {
        json!({"description": "", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
    }

    #[test]
    fn missing_or_empty_responses_get_a_default() {
        let (out, _) = op(json!({}));
        assert_eq!(out["responses"], json!({"default": {"description": ""}}));
        let (out, _) = op(json!({"responses": {}}));
        assert_eq!(out["responses"], json!({"default": {"description": ""}}));
    }

    #[test]
    fn one_request_media_type_json_preferred() {
        let (out, notes) = op(json!({
            "requestBody": {"content": {
                "application/xml": {"schema": {"$ref": "#/components/schemas/A"}},
                "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
            }},
            "responses": {"204": {"description": "ok"}}
        }));
        assert_eq!(
            out["requestBody"]["content"],
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/A"}}})
        );
        assert!(
            notes
                .iter()
                .any(|n| n.message.contains("removed `application/xml`")),
            "{notes:?}"
        );
    }

    #[test]
    fn unsupported_request_media_types_are_mapped() {
        let body = |mt: &str, schema: serde_json::Value| {
            op(json!({"requestBody": {"content": {mt: {"schema": schema}}}, "responses": {"204": {"description": ""}}})).0
                ["requestBody"]["content"].clone()
        };
        assert_eq!(
            body("application/merge-patch+json", json!({"type": "object"})),
            json!({"application/json": {"schema": {"type": "object"}}})
        );
        assert_eq!(
            body("*/*", json!({"type": "string"})),
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
        assert_eq!(
            body(
                "text/csv",
                json!({"type": "string", "description": "rows", "pattern": "x"})
            ),
            json!({"text/plain": {"schema": {"type": "string", "description": "rows"}}})
        );
    }

    #[test]
    fn text_bodies_prefer_the_first_of_several() {
        let (out, _) = op(json!({
            "requestBody": {"content": {"text/plain": {"schema": {"type": "string"}}, "text/x-markdown": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": ""}}
        }));
        assert_eq!(
            out["requestBody"]["content"],
            json!({"text/plain": {"schema": {"type": "string"}}})
        );
    }

    /// Failure class "`Vec<..>` doesn't implement `Display`": an array header parameter.
    #[test]
    fn array_header_parameters_become_strings() {
        let (out, notes) = op(json!({
            "parameters": [{"name": "X-Modes", "in": "header", "schema": {
                "type": "array", "items": {"type": "string", "enum": ["a", "b"]}
            }}],
            "responses": {"200": {"description": ""}}
        }));
        assert_eq!(out["parameters"][0]["schema"], json!({"type": "string"}));
        let degraded: Vec<_> = notes.iter().filter(|n| n.degraded).collect();
        assert_eq!(degraded.len(), 1, "{notes:?}");
        assert_eq!(
            degraded[0].pointer,
            "/paths/~1a~1{id}/post/parameters/0/schema"
        );
    }

    /// Failure class "field specified more than once": two parameters with one snake-case name.
    #[test]
    fn parameters_with_one_rust_name_keep_the_current_one() {
        let (out, notes) = op(json!({
            "parameters": [
                {"name": "frontendApi", "in": "query", "deprecated": true, "schema": {"type": "string"}},
                {"name": "frontend_api", "in": "query", "schema": {"type": "string"}}
            ],
            "responses": {"200": {"description": ""}}
        }));
        let names: Vec<&str> = out["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(names, ["frontend_api", "id"]);
        let degraded: Vec<_> = notes.iter().filter(|n| n.degraded).collect();
        assert_eq!(degraded.len(), 1, "{notes:?}");
        assert_eq!(degraded[0].pointer, "/paths/~1a~1{id}/post/parameters/0");
    }

    #[test]
    fn multipart_only_bodies_are_left_alone() {
        let content = json!({
            "multipart/form-data": {"schema": {"type": "object"}, "encoding": {"file": {"contentType": "image/png"}}}
        });
        let (out, notes) = op(
            json!({"requestBody": {"content": content.clone()}, "responses": {"200": {"description": ""}}}),
        );
        assert_eq!(out["requestBody"]["content"], content);
        assert!(!notes.iter().any(|n| n.degraded), "{notes:?}");
    }

    /// Failure class "more media types than expected": progenitor panics on a body offering
    /// JSON and multipart. JSON is kept (progenitor's typed body), multipart noted as degraded.
    #[test]
    fn multipart_beside_json_keeps_json_and_is_degraded() {
        let multipart = json!({"schema": {"type": "object"}});
        let (out, notes) = op(json!({
            "requestBody": {"content": {
                "multipart/form-data": multipart.clone(),
                "application/json": {"schema": {"type": "object"}}
            }},
            "responses": {"200": {"description": ""}}
        }));
        assert_eq!(
            out["requestBody"]["content"],
            json!({"application/json": {"schema": {"type": "object"}}})
        );
        let degraded: Vec<_> = notes.iter().filter(|n| n.degraded).collect();
        assert_eq!(degraded.len(), 1, "{notes:?}");
        assert_eq!(
            degraded[0].pointer,
            "/paths/~1a~1{id}/post/requestBody/content"
        );
        assert!(
            degraded[0]
                .message
                .contains("removed `multipart/form-data`"),
            "{notes:?}"
        );

        // Without JSON, multipart is kept (our multipart generator takes it), the rest noted.
        let (out, notes) = op(json!({
            "requestBody": {"content": {
                "text/csv": {"schema": {"type": "string"}},
                "multipart/form-data": multipart.clone()
            }},
            "responses": {"200": {"description": ""}}
        }));
        assert_eq!(
            out["requestBody"]["content"],
            json!({"multipart/form-data": multipart})
        );
        let degraded: Vec<_> = notes.iter().filter(|n| n.degraded).collect();
        assert!(
            degraded.len() == 1 && degraded[0].message.contains("removed `text/csv`"),
            "{notes:?}"
        );
    }

    #[test]
    fn one_response_media_type_and_json_variants_are_json() {
        let (out, _) = op(json!({"responses": {
            "200": {"description": "", "content": {
                "application/xml": {"schema": {"type": "string"}},
                "application/vnd.api+json": {"schema": {"$ref": "#/components/schemas/A"}}
            }}
        }}));
        assert_eq!(
            out["responses"]["200"]["content"],
            json!({"application/json": {"schema": {"$ref": "#/components/schemas/A"}}})
        );
    }

    #[test]
    fn default_unlike_success_becomes_error_ranges() {
        let (out, notes) =
            op(json!({"responses": {"200": json_response("A"), "default": json_response("E")}}));
        assert_eq!(
            out["responses"],
            json!({"200": json_response("A"), "4XX": json_response("E"), "5XX": json_response("E")})
        );
        assert!(
            notes
                .iter()
                .any(|n| n.pointer.ends_with("/responses/default")),
            "{notes:?}"
        );
        // Same kind: stays.
        let (out, _) =
            op(json!({"responses": {"200": json_response("A"), "default": json_response("A")}}));
        assert_eq!(
            out["responses"],
            json!({"200": json_response("A"), "default": json_response("A")})
        );
    }

    #[test]
    fn different_json_types_become_one_of() {
        let (out, _) =
            op(json!({"responses": {"200": json_response("A"), "201": json_response("B")}}));
        let union = json!({"oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]});
        assert_eq!(
            out["responses"]["200"]["content"]["application/json"]["schema"],
            union
        );
        assert_eq!(
            out["responses"]["201"]["content"]["application/json"]["schema"],
            union
        );
    }

    #[test]
    fn non_json_mixed_with_json_is_removed() {
        let (out, notes) = op(json!({"responses": {
            "200": json_response("A"), "204": {"description": "none"},
            "400": json_response("E"), "404": {"description": "", "content": {"text/html": {}}}
        }}));
        assert_eq!(
            out["responses"],
            json!({"200": json_response("A"), "400": json_response("E")})
        );
        assert!(
            notes
                .iter()
                .any(|n| n.message.contains("removed success response 204")),
            "{notes:?}"
        );
    }

    #[test]
    fn no_content_mixed_with_bytes_becomes_bytes() {
        let (out, _) = op(json!({"responses": {
            "200": {"description": "", "content": {"image/png": {}}}, "204": {"description": ""}
        }}));
        assert_eq!(
            out["responses"]["204"]["content"],
            json!({"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}})
        );
    }

    #[test]
    fn referenced_responses_are_inlined_before_changing() {
        let (doc, _) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {"responses": {
                "200": {"$ref": "#/components/responses/A"}, "201": {"$ref": "#/components/responses/B"}
            }}}},
            "components": {
                "schemas": {"A": {"type": "object"}, "B": {"type": "object"}},
                "responses": {"A": json_response("A"), "B": json_response("B")}
            }
        }));
        assert!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
                ["oneOf"]
                .is_array()
        );
        assert_eq!(doc["components"]["responses"]["A"], json_response("A"));
    }

    #[test]
    fn cookie_parameters_are_removed() {
        let (doc, notes) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {
                "parameters": [{"$ref": "#/components/parameters/Session"}],
                "get": {
                    "parameters": [
                        {"name": "c", "in": "cookie", "schema": {"type": "string"}},
                        {"name": "q", "in": "query", "schema": {"type": "string"}}
                    ],
                    "responses": {"200": {"description": ""}}
                }
            }},
            "components": {"parameters": {"Session": {"name": "s", "in": "cookie", "schema": {"type": "string"}}}}
        }));
        assert_eq!(doc["paths"]["/a"]["parameters"], json!([]));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "q", "in": "query", "schema": {"type": "string"}}])
        );
        assert_eq!(
            notes
                .iter()
                .filter(|n| n.message.contains("cookie parameter"))
                .count(),
            2,
            "{notes:?}"
        );
    }

    #[test]
    fn parameters_are_made_acceptable() {
        let (out, _) = op(json!({
            "parameters": [
                {"name": "id", "in": "path", "schema": {"type": "string"}},
                {"name": "h", "in": "header", "schema": {"type": "boolean", "nullable": true}},
                {"name": "f", "in": "query", "style": "deepObject", "schema": {"type": "string"}},
                {"name": "j", "in": "query", "content": {"application/json": {"schema": {"type": "object"}}}},
                {"name": "n", "in": "query", "content": {"text/plain": {"schema": {"type": "integer"}}}}
            ],
            "responses": {"200": {"description": ""}}
        }));
        assert_eq!(
            out["parameters"],
            json!([
                {"name": "id", "in": "path", "schema": {"type": "string"}, "required": true},
                {"name": "h", "in": "header", "schema": {"type": "boolean"}},
                {"name": "f", "in": "query", "schema": {"type": "string"}},
                {"name": "j", "in": "query", "schema": {"type": "string"}},
                {"name": "n", "in": "query", "schema": {"type": "integer"}}
            ])
        );
    }

    #[test]
    fn path_parameters_match_the_template() {
        let (doc, notes) = ok(with_paths(json!({
            "/a/{id}/{kind}": {
                "parameters": [{"name": "kind", "in": "path", "required": true, "schema": {"type": "string"}}],
                "get": {
                    "parameters": [{"name": "gone", "in": "path", "required": true, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": ""}}
                }
            }
        })));
        assert_eq!(
            doc["paths"]["/a/{id}/{kind}"]["get"]["parameters"],
            json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
        );
        assert!(
            notes
                .iter()
                .any(|n| n.message.contains("removed path parameter `gone`")),
            "{notes:?}"
        );
        assert_openapiv3(&doc);
    }

    #[test]
    fn inline_error_type_unlike_the_success_type_becomes_a_component() {
        let object = |p: &str| json!({"type": "object", "properties": {p: {"type": "string"}}});
        let (doc, _) = ok(with_paths(json!({"/a": {"get": {
            "operationId": "getA",
            "responses": {
                "200": {"description": "", "content": {"application/json": {"schema": object("ok")}}},
                "404": {"description": "", "content": {"application/json": {"schema": object("error")}}}
            }
        }}})));
        let responses = &doc["paths"]["/a"]["get"]["responses"];
        assert_eq!(
            responses["200"]["content"]["application/json"]["schema"],
            object("ok")
        );
        assert_eq!(
            responses["404"]["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/GetAErrorResponse"})
        );
        assert_eq!(
            doc["components"]["schemas"]["GetAErrorResponse"],
            object("error")
        );
        assert_openapiv3(&doc);
    }

    #[test]
    fn object_parameters_are_expanded_or_strings() {
        let (doc, _) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "parameters": [
                    {"name": "filter", "in": "query", "required": true,
                     "schema": {"$ref": "#/components/schemas/Filter"}},
                    {"name": "deep", "in": "query", "style": "deepObject",
                     "schema": {"$ref": "#/components/schemas/Filter"}}
                ],
                "responses": {"200": {"description": ""}}
            }}},
            "components": {"schemas": {"Filter": {
                "type": "object", "required": ["q"],
                "properties": {"q": {"type": "string", "description": "text"}, "n": {"type": "integer"}}
            }}}
        }));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"],
            json!([
                {"name": "q", "in": "query", "required": true,
                 "schema": {"type": "string", "description": "text"}, "description": "text"},
                {"name": "n", "in": "query", "required": false, "schema": {"type": "integer"}},
                {"name": "deep", "in": "query", "schema": {"type": "string"}}
            ])
        );
        assert_openapiv3(&doc);
    }
}

//! The walk over the document's structure: every object kind of OpenAPI (path item,
//! operation, parameter, request body, response, header, media type, ...) is visited where it
//! can occur, so that `$ref`s and Schema Objects are found exactly where they are — never
//! inside `example` values or `x-` extensions, which may hold anything.
//!
//! Document-level 3.1 rules live here too: `openapi: 3.0.3`, no `webhooks`,
//! `components.pathItems`, `jsonSchemaDialect`, `info.summary`, `license.identifier`, no
//! `mutualTLS` security scheme, `paths` always present.

use serde_json::{Map, Value, json};

use super::{Ctx, is_extension, join, refs, schema};
use crate::diagnostic::Diagnostic;
use crate::naming::METHODS;

type Result<T = ()> = std::result::Result<T, Diagnostic>;

pub(super) fn document(ctx: &mut Ctx, doc: &mut Value) -> Result {
    let Some(root) = doc.as_object_mut() else {
        return Ok(());
    };
    root.insert("openapi".into(), json!("3.0.3"));
    if root.remove("jsonSchemaDialect").is_some() {
        // Only one dialect is understood anyway: the OpenAPI one.
    }
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        // Required, but nothing the client depends on: an empty one is as good as none.
        for field in ["title", "version"] {
            if !info.get(field).is_some_and(Value::is_string) {
                info.insert(field.into(), json!(""));
                ctx.note(
                    "/info",
                    format!("`info.{field}` is missing: the client uses an empty one"),
                );
            }
        }
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut)
            && let Some(identifier) = license.remove("identifier")
            && !license.contains_key("name")
        {
            license.insert("name".into(), identifier);
        }
    }
    if let Some(webhooks) = root.remove("webhooks") {
        let count = webhooks.as_object().map_or(0, Map::len);
        ctx.note(
            "/webhooks",
            format!(
                "removed `webhooks` ({count}): requests the API sends are not part of a client"
            ),
        );
    }
    if !root.get("paths").is_some_and(Value::is_object) {
        root.insert("paths".into(), json!({}));
    }

    let mutual_tls = remove_mutual_tls(ctx, root);
    complete_oauth2_flows(ctx, root);

    // In document order, so that the first error reported is the first in the file.
    let keys: Vec<String> = root.keys().cloned().collect();
    for key in keys {
        match key.as_str() {
            "components" => {
                if let Some(components) = root.get_mut("components") {
                    components_object(ctx, components)?;
                }
            }
            "paths" => {
                if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
                    for (path, item) in paths.iter_mut() {
                        path_item(ctx, item, &join("/paths", path))?;
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(security) = root.get_mut("security") {
        security_requirements(security, &mutual_tls);
    }
    if !mutual_tls.is_empty() {
        for_each_operation(root, |operation| {
            if let Some(security) = operation.get_mut("security") {
                security_requirements(security, &mutual_tls);
            }
        });
    }
    Ok(())
}

/// 3.1's `mutualTLS` scheme is unknown to 3.0 (and to the generator): TLS client certificates
/// are configured on the HTTP client instead.
fn remove_mutual_tls(ctx: &mut Ctx, root: &mut Map<String, Value>) -> Vec<String> {
    let mut removed = Vec::new();
    let Some(schemes) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(Value::as_object_mut)
    else {
        return removed;
    };
    schemes.retain(|name, scheme| {
        let mutual = scheme.get("type").and_then(Value::as_str) == Some("mutualTLS");
        if mutual {
            removed.push(name.clone());
        }
        !mutual
    });
    for name in &removed {
        ctx.note(
            &join("/components/securitySchemes", name),
            "removed `mutualTLS` security scheme (not in OpenAPI 3.0): configure the client \
             certificate on the reqwest client instead",
        );
    }
    removed
}

/// An OAuth2 flow without `scopes` (required, possibly empty) gets an empty map: the client
/// only sends the token, whatever its scopes.
fn complete_oauth2_flows(ctx: &mut Ctx, root: &mut Map<String, Value>) {
    let Some(schemes) = root
        .get_mut("components")
        .and_then(|c| c.get_mut("securitySchemes"))
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (name, scheme) in schemes.iter_mut() {
        if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
            continue;
        }
        let Some(flows) = scheme.get_mut("flows").and_then(Value::as_object_mut) else {
            continue;
        };
        for (flow_name, flow) in flows.iter_mut() {
            if let Some(flow) = flow.as_object_mut()
                && !flow.contains_key("scopes")
            {
                flow.insert("scopes".into(), json!({}));
                let at = join(
                    &join(&join("/components/securitySchemes", name), "flows"),
                    flow_name,
                );
                ctx.note(&at, "OAuth2 flow without `scopes`: taken as none");
            }
        }
    }
}

fn security_requirements(security: &mut Value, removed: &[String]) {
    if let Some(requirements) = security.as_array_mut() {
        for requirement in requirements.iter_mut() {
            if let Some(requirement) = requirement.as_object_mut() {
                requirement.retain(|name, _| !removed.contains(name));
            }
        }
    }
}

/// Calls `f` on every operation object under `paths`.
pub(super) fn for_each_operation(root: &mut Map<String, Value>, mut f: impl FnMut(&mut Value)) {
    if let Some(paths) = root.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            if let Some(item) = item.as_object_mut() {
                for method in METHODS {
                    if let Some(operation) = item.get_mut(method) {
                        f(operation);
                    }
                }
            }
        }
    }
}

fn components_object(ctx: &mut Ctx, components: &mut Value) -> Result {
    let Some(components) = components.as_object_mut() else {
        return Ok(());
    };
    // Path items are inlined where they are used (progenitor does not follow path-item
    // references) and 3.0 has no such section.
    components.remove("pathItems");
    let sections: Vec<String> = components.keys().cloned().collect();
    for section in sections {
        let at = join("/components", &section);
        let Some(map) = components.get_mut(&section).and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, value) in map.iter_mut() {
            let at = join(&at, name);
            match section.as_str() {
                "schemas" => schema::schema(ctx, value, &at)?,
                "responses" => response(ctx, value, &at)?,
                "parameters" => parameter(ctx, value, &at)?,
                "examples" => example(ctx, value, &at)?,
                "requestBodies" => request_body(ctx, value, &at)?,
                "headers" => header(ctx, value, &at)?,
                "securitySchemes" => {
                    refs::resolve_object_ref(ctx, value, &at, "securitySchemes")?;
                }
                "links" => link(ctx, value, &at)?,
                "callbacks" => callback(ctx, value, &at)?,
                _ => {}
            }
        }
    }
    Ok(())
}

/// Keys a Path Item may have in 3.0 (besides the methods and `x-`).
const PATH_ITEM_KEYS: [&str; 5] = ["$ref", "summary", "description", "servers", "parameters"];

fn path_item(ctx: &mut Ctx, item: &mut Value, at: &str) -> Result {
    // progenitor does not follow path-item references: always inline them.
    let mut hops = 0;
    while let Some(reference) = item.get("$ref").and_then(Value::as_str).map(str::to_owned) {
        let target = refs::check(ctx, at, &reference)?;
        hops += 1;
        if hops > 64 {
            return Err(ctx
                .spec
                .error_at(
                    &join(at, "$ref"),
                    "`$ref` chain does not end (a reference cycle)",
                )
                .help("make the chain of references end at a path item"));
        }
        let mut inlined = ctx
            .original()
            .pointer(&target)
            .cloned()
            .unwrap_or(Value::Null);
        if let (Some(inlined), Some(object)) = (inlined.as_object_mut(), item.as_object()) {
            for (key, value) in object {
                if key != "$ref" {
                    inlined.insert(key.clone(), value.clone());
                }
            }
        }
        // The target may itself be a reference: loop.
        *item = inlined;
    }
    let Some(object) = item.as_object_mut() else {
        return Ok(());
    };
    object.retain(|key, _| {
        METHODS.contains(&key.as_str())
            || PATH_ITEM_KEYS.contains(&key.as_str())
            || is_extension(key)
    });
    if let Some(parameters) = object.get_mut("parameters") {
        parameter_list(ctx, parameters, &join(at, "parameters"))?;
    }
    for method in METHODS {
        if let Some(operation) = object.get_mut(method) {
            self::operation(ctx, operation, &join(at, method))?;
        }
    }
    Ok(())
}

fn operation(ctx: &mut Ctx, operation: &mut Value, at: &str) -> Result {
    let Some(object) = operation.as_object_mut() else {
        return Ok(());
    };
    if let Some(tags) = object.get_mut("tags").and_then(Value::as_array_mut) {
        let mut seen = Vec::new();
        tags.retain(|tag| {
            let new = !seen.contains(tag);
            if new {
                seen.push(tag.clone());
            }
            new
        });
    }
    if let Some(parameters) = object.get_mut("parameters") {
        parameter_list(ctx, parameters, &join(at, "parameters"))?;
    }
    if let Some(body) = object.get_mut("requestBody") {
        request_body(ctx, body, &join(at, "requestBody"))?;
    }
    match object.get_mut("responses") {
        Some(responses) if responses.is_object() => {
            let responses_at = join(at, "responses");
            for (code, value) in responses.as_object_mut().expect("checked").iter_mut() {
                if !is_extension(code) {
                    response(ctx, value, &join(&responses_at, code))?;
                }
            }
        }
        _ => {
            // Required by 3.0; a client can still call the operation.
            object.insert("responses".into(), json!({}));
        }
    }
    if let Some(callbacks) = object.get_mut("callbacks").and_then(Value::as_object_mut) {
        let callbacks_at = join(at, "callbacks");
        for (name, value) in callbacks.iter_mut() {
            callback(ctx, value, &join(&callbacks_at, name))?;
        }
    }
    Ok(())
}

fn callback(ctx: &mut Ctx, callback: &mut Value, at: &str) -> Result {
    if refs::resolve_object_ref(ctx, callback, at, "callbacks")? {
        return Ok(());
    }
    if let Some(callback) = callback.as_object_mut() {
        for (expression, item) in callback.iter_mut() {
            if !is_extension(expression) {
                path_item(ctx, item, &join(at, expression))?;
            }
        }
    }
    Ok(())
}

fn parameter_list(ctx: &mut Ctx, parameters: &mut Value, at: &str) -> Result {
    if let Some(list) = parameters.as_array_mut() {
        for (index, parameter) in list.iter_mut().enumerate() {
            self::parameter(ctx, parameter, &join(at, &index.to_string()))?;
        }
    }
    Ok(())
}

fn parameter(ctx: &mut Ctx, parameter: &mut Value, at: &str) -> Result {
    if refs::resolve_object_ref(ctx, parameter, at, "parameters")? {
        return Ok(());
    }
    schema_or_content(ctx, parameter, at)
}

fn header(ctx: &mut Ctx, header: &mut Value, at: &str) -> Result {
    if refs::resolve_object_ref(ctx, header, at, "headers")? {
        return Ok(());
    }
    if let Some(object) = header.as_object_mut() {
        // A Header Object is a Parameter Object without these.
        object.remove("name");
        object.remove("in");
    }
    schema_or_content(ctx, header, at)
}

/// The `schema`, `content` and `examples` of a parameter or header.
fn schema_or_content(ctx: &mut Ctx, object: &mut Value, at: &str) -> Result {
    let Some(object) = object.as_object_mut() else {
        return Ok(());
    };
    if let Some(schema) = object.get_mut("schema") {
        schema::schema(ctx, schema, &join(at, "schema"))?;
    }
    if let Some(content) = object.get_mut("content") {
        content_map(ctx, content, &join(at, "content"))?;
    }
    if let Some(examples) = object.get_mut("examples") {
        example_map(ctx, examples, &join(at, "examples"))?;
    }
    Ok(())
}

fn request_body(ctx: &mut Ctx, body: &mut Value, at: &str) -> Result {
    if refs::resolve_object_ref(ctx, body, at, "requestBodies")? {
        return Ok(());
    }
    if let Some(content) = body.get_mut("content") {
        content_map(ctx, content, &join(at, "content"))?;
    }
    Ok(())
}

/// Keys of a 3.0 Response Object (besides `x-`); anything else is removed.
const RESPONSE_KEYS: [&str; 4] = ["description", "headers", "content", "links"];

fn response(ctx: &mut Ctx, response: &mut Value, at: &str) -> Result {
    if refs::resolve_object_ref(ctx, response, at, "responses")? {
        return Ok(());
    }
    let Some(object) = response.as_object_mut() else {
        return Ok(());
    };
    let stray: Vec<String> = object
        .keys()
        .filter(|k| !RESPONSE_KEYS.contains(&k.as_str()) && !is_extension(k))
        .cloned()
        .collect();
    for key in stray {
        object.remove(&key);
        ctx.note(
            &join(at, &key),
            format!("removed `{key}`: not a field of a Response Object"),
        );
    }
    if !object.get("description").is_some_and(Value::is_string) {
        object.insert("description".into(), json!(""));
    }
    if let Some(headers) = object.get_mut("headers").and_then(Value::as_object_mut) {
        let headers_at = join(at, "headers");
        for (name, value) in headers.iter_mut() {
            header(ctx, value, &join(&headers_at, name))?;
        }
    }
    if let Some(content) = object.get_mut("content") {
        content_map(ctx, content, &join(at, "content"))?;
    }
    if let Some(links) = object.get_mut("links").and_then(Value::as_object_mut) {
        let links_at = join(at, "links");
        for (name, value) in links.iter_mut() {
            link(ctx, value, &join(&links_at, name))?;
        }
    }
    Ok(())
}

fn content_map(ctx: &mut Ctx, content: &mut Value, at: &str) -> Result {
    let Some(content) = content.as_object_mut() else {
        return Ok(());
    };
    for (media_type, value) in content.iter_mut() {
        let at = join(at, media_type);
        let Some(object) = value.as_object_mut() else {
            continue;
        };
        if let Some(schema) = object.get_mut("schema") {
            schema::schema(ctx, schema, &join(&at, "schema"))?;
        }
        if let Some(examples) = object.get_mut("examples") {
            example_map(ctx, examples, &join(&at, "examples"))?;
        }
        if let Some(encoding) = object.get_mut("encoding").and_then(Value::as_object_mut) {
            let encoding_at = join(&at, "encoding");
            for (property, value) in encoding.iter_mut() {
                let at = join(&encoding_at, property);
                if let Some(headers) = value.get_mut("headers").and_then(Value::as_object_mut) {
                    let headers_at = join(&at, "headers");
                    for (name, value) in headers.iter_mut() {
                        header(ctx, value, &join(&headers_at, name))?;
                    }
                }
            }
        }
    }
    Ok(())
}

fn example_map(ctx: &mut Ctx, examples: &mut Value, at: &str) -> Result {
    if let Some(examples) = examples.as_object_mut() {
        for (name, value) in examples.iter_mut() {
            example(ctx, value, &join(at, name))?;
        }
    }
    Ok(())
}

fn example(ctx: &mut Ctx, example: &mut Value, at: &str) -> Result {
    refs::resolve_object_ref(ctx, example, at, "examples")?;
    Ok(())
}

fn link(ctx: &mut Ctx, link: &mut Value, at: &str) -> Result {
    refs::resolve_object_ref(ctx, link, at, "links")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;

    #[test]
    fn document_level_3_1_fields_are_removed() {
        let (doc, notes) = ok(json!({
            "openapi": "3.1.0",
            "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
            "info": {"title": "t", "version": "1", "summary": "s",
                     "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {"newPet": {"post": {"responses": {"200": {"description": "ok"}}}}}
        }));
        assert_eq!(
            doc,
            json!({
                "openapi": "3.0.3",
                "info": {"title": "t", "version": "1", "license": {"name": "MIT"}},
                "paths": {}
            })
        );
        assert!(notes.iter().any(|n| n.pointer == "/webhooks"), "{notes:?}");
        assert_openapiv3(&doc);
    }

    #[test]
    fn license_identifier_becomes_the_name_when_there_is_none() {
        let (doc, _) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "license": {"identifier": "Apache-2.0"}}
        }));
        assert_eq!(doc["info"]["license"], json!({"name": "Apache-2.0"}));
    }

    #[test]
    fn path_item_refs_are_inlined_and_path_items_removed() {
        let (doc, _) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/pets": {"$ref": "#/components/pathItems/Pets", "description": "here"}},
            "components": {"pathItems": {"Pets": {"get": {
                "responses": {"200": {"description": "ok",
                    "content": {"application/json": {"schema": {"type": ["string", "null"]}}}}}
            }}}}
        }));
        assert_eq!(
            doc["paths"]["/pets"],
            json!({"get": {"responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"type": "string", "nullable": true}}}}}},
                "description": "here"})
        );
        assert!(doc["components"].get("pathItems").is_none());
        assert_openapiv3(&doc);
    }

    #[test]
    fn dangling_path_item_ref_is_an_error() {
        let err = run(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/pets": {"$ref": "#/components/pathItems/Pets"}}
        }))
        .unwrap_err();
        assert_eq!(err.pointer.as_deref(), Some("/paths/~1pets/$ref"));
        assert!(
            err.message.contains("no `Pets` in `components/pathItems`"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_tags_are_removed() {
        let (doc, _) = ok(with_paths(json!({"/a": {"get": {
            "tags": ["x", "y", "x"], "responses": {"200": {"description": "ok"}}
        }}})));
        assert_eq!(doc["paths"]["/a"]["get"]["tags"], json!(["x", "y"]));
    }

    #[test]
    fn reference_siblings_are_dropped_outside_schemas() {
        let (doc, _) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/a": {"get": {
                "parameters": [{"$ref": "#/components/parameters/P", "description": "more"}],
                "responses": {"200": {"$ref": "#/components/responses/R", "summary": "s"}}
            }}},
            "components": {
                "parameters": {"P": {"name": "p", "in": "query", "schema": {"type": "string"}}},
                "responses": {"R": {"description": "ok"}}
            }
        }));
        let get = &doc["paths"]["/a"]["get"];
        assert_eq!(
            get["parameters"][0],
            json!({"$ref": "#/components/parameters/P"})
        );
        assert_eq!(
            get["responses"]["200"],
            json!({"$ref": "#/components/responses/R"})
        );
        assert_openapiv3(&doc);
    }

    #[test]
    fn stray_response_keys_are_removed() {
        let (doc, notes) = ok(with_paths(json!({"/a": {"get": {
            "responses": {"200": {"description": "ok", "type": "string"}}
        }}})));
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"],
            json!({"description": "ok"})
        );
        assert!(
            notes
                .iter()
                .any(|n| n.pointer == "/paths/~1a/get/responses/200/type"),
            "{notes:?}"
        );
    }

    #[test]
    fn mutual_tls_is_removed_with_its_requirements() {
        let (doc, notes) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "security": [{"mtls": []}, {"key": []}],
            "components": {"securitySchemes": {
                "mtls": {"type": "mutualTLS"},
                "key": {"type": "apiKey", "name": "k", "in": "header"}
            }}
        }));
        assert_eq!(doc["security"], json!([{}, {"key": []}]));
        assert!(doc["components"]["securitySchemes"].get("mtls").is_none());
        assert!(notes.iter().any(|n| n.message.contains("mutualTLS")));
        assert_openapiv3(&doc);
    }

    #[test]
    fn schemas_in_callbacks_are_normalized() {
        let (doc, _) = ok(with_paths(json!({"/a": {"post": {
            "responses": {"200": {"description": "ok"}},
            "callbacks": {"done": {"{$request.body#/url}": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"type": ["integer", "null"]}}}},
                "responses": {"200": {"description": "ok"}}
            }}}}
        }}})));
        assert_eq!(
            doc["paths"]["/a"]["post"]["callbacks"]["done"]["{$request.body#/url}"]["post"]["requestBody"]
                ["content"]["application/json"]["schema"],
            json!({"type": "integer", "nullable": true})
        );
        assert_openapiv3(&doc);
    }
}

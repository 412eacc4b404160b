//! A walk over every Schema Object of a normalized (3.0-shaped) document, for the passes that
//! look at schemas after normalization.

use serde_json::{Map, Value};

use super::join;
use crate::naming::METHODS;

/// Where a schema is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    /// `components.schemas.<name>`: typify names its type after the component.
    Component,
    /// Anywhere else.
    Inline,
}

pub(super) type Visitor<'f> = dyn FnMut(&str, &mut Map<String, Value>, Place) + 'f;

/// Calls `f` on every schema object of `doc`, parents before children.
pub(super) fn for_each_schema(doc: &mut Value, f: &mut Visitor) {
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        for (section, map) in components.iter_mut() {
            let at = join("/components", section);
            let Some(map) = map.as_object_mut() else {
                continue;
            };
            for (name, value) in map.iter_mut() {
                let at = join(&at, name);
                match section.as_str() {
                    "schemas" => schema(value, &at, Place::Component, f),
                    "parameters" | "headers" => schema_or_content(value, &at, f),
                    "responses" => response(value, &at, f),
                    "requestBodies" => content_of(value, &at, f),
                    "callbacks" => callback(value, &at, f),
                    _ => {}
                }
            }
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            path_item(item, &join("/paths", path), f);
        }
    }
}

fn path_item(item: &mut Value, at: &str, f: &mut Visitor) {
    let Some(item) = item.as_object_mut() else {
        return;
    };
    if let Some(parameters) = item.get_mut("parameters") {
        parameter_list(parameters, &join(at, "parameters"), f);
    }
    for method in METHODS {
        let Some(operation) = item.get_mut(method).and_then(Value::as_object_mut) else {
            continue;
        };
        let at = join(at, method);
        if let Some(parameters) = operation.get_mut("parameters") {
            parameter_list(parameters, &join(&at, "parameters"), f);
        }
        if let Some(body) = operation.get_mut("requestBody") {
            content_of(body, &join(&at, "requestBody"), f);
        }
        if let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        {
            for (code, value) in responses.iter_mut() {
                response(value, &join(&join(&at, "responses"), code), f);
            }
        }
        if let Some(callbacks) = operation
            .get_mut("callbacks")
            .and_then(Value::as_object_mut)
        {
            for (name, value) in callbacks.iter_mut() {
                callback(value, &join(&join(&at, "callbacks"), name), f);
            }
        }
    }
}

fn callback(callback: &mut Value, at: &str, f: &mut Visitor) {
    if let Some(callback) = callback.as_object_mut() {
        for (expression, item) in callback.iter_mut() {
            path_item(item, &join(at, expression), f);
        }
    }
}

fn parameter_list(parameters: &mut Value, at: &str, f: &mut Visitor) {
    if let Some(list) = parameters.as_array_mut() {
        for (index, parameter) in list.iter_mut().enumerate() {
            schema_or_content(parameter, &join(at, &index.to_string()), f);
        }
    }
}

fn schema_or_content(object: &mut Value, at: &str, f: &mut Visitor) {
    if let Some(value) = object.get_mut("schema") {
        schema(value, &join(at, "schema"), Place::Inline, f);
    }
    content_of(object, at, f);
}

fn response(response: &mut Value, at: &str, f: &mut Visitor) {
    if let Some(headers) = response.get_mut("headers").and_then(Value::as_object_mut) {
        for (name, header) in headers.iter_mut() {
            schema_or_content(header, &join(&join(at, "headers"), name), f);
        }
    }
    content_of(response, at, f);
}

/// The schemas of `object.content.*`.
fn content_of(object: &mut Value, at: &str, f: &mut Visitor) {
    let Some(content) = object.get_mut("content").and_then(Value::as_object_mut) else {
        return;
    };
    for (media_type, value) in content.iter_mut() {
        if let Some(value) = value.get_mut("schema") {
            schema(
                value,
                &join(&join(&join(at, "content"), media_type), "schema"),
                Place::Inline,
                f,
            );
        }
    }
}

fn schema(value: &mut Value, at: &str, place: Place, f: &mut Visitor) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    f(at, object, place);
    if let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, value) in properties.iter_mut() {
            schema(
                value,
                &join(&join(at, "properties"), name),
                Place::Inline,
                f,
            );
        }
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(value) = object.get_mut(key) {
            schema(value, &join(at, key), Place::Inline, f);
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(list) = object.get_mut(key).and_then(Value::as_array_mut) {
            for (index, value) in list.iter_mut().enumerate() {
                schema(
                    value,
                    &join(&join(at, key), &index.to_string()),
                    Place::Inline,
                    f,
                );
            }
        }
    }
}

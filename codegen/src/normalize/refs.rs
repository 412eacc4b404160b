//! `$ref` checking and resolution.
//!
//! Every `$ref` the walk meets is checked against the document as loaded: a reference to
//! another file or URL, or to a node that does not exist, is fatal. Progenitor resolves a
//! reference by its last segment inside the matching `components` section, so references
//! elsewhere (`#/components/schemas/A/properties/b`, `#/paths/...`) are rewritten:
//! schemas get a component of their own ("hoisted"), other objects are inlined.

use serde_json::{Map, Value};

use super::{Ctx, join};
use crate::diagnostic::{Diagnostic, pointer_segments};

pub(super) use crate::refs::local_pointer;

/// Checks the reference found at `at` (the object holding `$ref`) and returns the JSON pointer of
/// its target in the loaded document.
pub(super) fn check(ctx: &Ctx, at: &str, reference: &str) -> Result<String, Diagnostic> {
    let ref_pointer = join(at, "$ref");
    let Some(target) = local_pointer(reference) else {
        return Err(ctx
            .spec
            .error_at(
                &ref_pointer,
                format!(
                    "external `$ref` `{reference}` is not supported: the document must be \
                     self-contained"
                ),
            )
            .help(
                "bundle the spec into a single file first (e.g. `redocly bundle` or \
                 `swagger-cli bundle`), so that every `$ref` starts with `#/`",
            ));
    };
    if target.is_empty() || !target.starts_with('/') {
        return Err(ctx
            .spec
            .error_at(
                &ref_pointer,
                format!("`$ref` `{reference}` does not name a node of the document"),
            )
            .help("a local `$ref` is a JSON pointer such as `#/components/schemas/Name`"));
    }
    if ctx.original().pointer(&target).is_none() {
        let segments = pointer_segments(&target);
        let (name, section) = match segments.as_slice() {
            [first, section, name] if first == "components" => {
                (name.clone(), format!("`components/{section}`"))
            }
            _ => (
                segments.last().cloned().unwrap_or_default(),
                "the document".to_owned(),
            ),
        };
        return Err(ctx
            .spec
            .error_at(
                &ref_pointer,
                format!(
                    "`$ref` target `{reference}` does not exist: there is no `{name}` in {section}"
                ),
            )
            .help(format!(
                "define `{name}` in {section}, or correct the reference (a JSON pointer after `#`)"
            )));
    }
    Ok(target)
}

/// Whether `pointer` is `/components/<section>/<name>`, the only form progenitor resolves.
pub(super) fn is_component(pointer: &str, section: &str) -> bool {
    let segments = pointer_segments(pointer);
    segments.len() == 3 && segments[0] == "components" && segments[1] == section
}

/// Resolves a non-schema `$ref` held by `node` (at `at`) for an object of `section`
/// (`parameters`, `responses`, ...). References into the right section stay; any other local
/// reference is replaced by a copy of its target (which is then normalized where it now is).
///
/// Returns `true` when `node` is still a reference.
pub(super) fn resolve_object_ref(
    ctx: &mut Ctx,
    node: &mut Value,
    at: &str,
    section: &str,
) -> Result<bool, Diagnostic> {
    // A chain of references, each inlined in turn; a cycle would loop forever.
    for _ in 0..64 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_owned) else {
            return Ok(false);
        };
        let target = check(ctx, at, &reference)?;
        let object = node.as_object_mut().expect("has $ref");
        // Reference Objects may carry `summary` and `description` (3.1); nothing else.
        let siblings: Vec<String> = object.keys().filter(|k| *k != "$ref").cloned().collect();
        if is_component(&target, section) {
            for key in siblings {
                object.remove(&key);
            }
            return Ok(true);
        }
        let mut inlined = ctx
            .original()
            .pointer(&target)
            .cloned()
            .unwrap_or(Value::Null);
        if let (Some(inlined), Value::Object(object)) = (inlined.as_object_mut(), &*node) {
            for key in ["summary", "description"] {
                if let Some(value) = object.get(key)
                    && (inlined.contains_key(key) || section == "pathItems")
                {
                    inlined.insert(key.to_owned(), value.clone());
                }
            }
        }
        ctx.note(at, format!("inlined `$ref` `{reference}` (the generator only follows references to `components/{section}`)"));
        *node = inlined;
    }
    Err(ctx
        .spec
        .error_at(
            &join(at, "$ref"),
            "`$ref` chain does not end (a reference cycle)",
        )
        .help("make the chain of references end at an object"))
}

/// A schema `$ref` that is not `#/components/schemas/<name>`: gives its target a component
/// of its own and returns the new reference.
pub(super) fn hoist_schema(ctx: &mut Ctx, target: &str) -> String {
    if let Some(name) = ctx.hoisted.get(target) {
        return format!(
            "#/components/schemas/{}",
            crate::diagnostic::escape_pointer_segment(name)
        );
    }
    let existing: Vec<String> = ctx
        .original()
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let skip = [
        "components",
        "schemas",
        "properties",
        "items",
        "$defs",
        "definitions",
        "content",
        "schema",
        "paths",
        "allOf",
        "anyOf",
        "oneOf",
        "additionalProperties",
        "responses",
        "requestBody",
        "parameters",
    ];
    let words: Vec<String> = pointer_segments(target)
        .into_iter()
        .filter(|s| !skip.contains(&s.as_str()))
        .map(|s| {
            s.chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' })
                .collect()
        })
        .collect();
    let base = if words.is_empty() {
        "Schema".to_owned()
    } else {
        words.join("_")
    };
    let mut name = base.clone();
    let mut n = 2;
    while existing.contains(&name) || ctx.hoisted.values().any(|v| *v == name) {
        name = format!("{base}{n}");
        n += 1;
    }
    ctx.hoisted.insert(target.to_owned(), name.clone());
    format!(
        "#/components/schemas/{}",
        crate::diagnostic::escape_pointer_segment(&name)
    )
}

/// Adds the hoisted schemas to `components.schemas`, normalized by `normalize_schema` (the
/// schema pass, passed in so that it and this module do not depend on each other). Normalizing
/// one may hoist more, hence the loop.
pub(super) fn materialize_hoisted(
    ctx: &mut Ctx,
    doc: &mut Value,
    normalize_schema: impl Fn(&mut Ctx, &mut Value, &str) -> Result<(), Diagnostic>,
) -> Result<(), Diagnostic> {
    let mut done: Vec<String> = Vec::new();
    loop {
        let pending: Vec<(String, String)> = ctx
            .hoisted
            .iter()
            .filter(|(target, _)| !done.contains(target))
            .map(|(t, n)| (t.clone(), n.clone()))
            .collect();
        if pending.is_empty() {
            return Ok(());
        }
        for (target, name) in pending {
            let mut value = ctx
                .original()
                .pointer(&target)
                .cloned()
                .unwrap_or(Value::Null);
            normalize_schema(ctx, &mut value, &target)?;
            let root = doc.as_object_mut().expect("document is an object");
            let components = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Some(components) = components.as_object_mut() {
                let schemas = components
                    .entry("schemas")
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(schemas) = schemas.as_object_mut() {
                    schemas.insert(name.clone(), value);
                }
            }
            ctx.note(
                &target,
                format!(
                    "schema referenced from elsewhere became component `{name}` (the generator \
                     only follows references to `components/schemas/<name>`)"
                ),
            );
            done.push(target);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::test_support::*;
    use super::*;

    #[test]
    fn pointers_are_percent_decoded() {
        assert_eq!(
            local_pointer("#/components/schemas/a%20b").as_deref(),
            Some("/components/schemas/a b")
        );
        assert_eq!(local_pointer("other.yaml#/x"), None);
        assert_eq!(local_pointer("#/x%2"), Some("/x%2".to_owned()));
    }

    #[test]
    fn dangling_ref_is_an_error_at_the_ref() {
        let err = run(with_schemas(json!({
            "A": {"type": "object", "properties": {"b": {"$ref": "#/components/schemas/Missing"}}}
        })))
        .unwrap_err();
        assert_eq!(
            err.pointer.as_deref(),
            Some("/components/schemas/A/properties/b/$ref")
        );
        assert!(
            err.message
                .contains("`#/components/schemas/Missing` does not exist"),
            "{err}"
        );
        assert!(
            err.message.contains("no `Missing` in `components/schemas`"),
            "{err}"
        );
        assert!(err.help.is_some());
        assert!(err.line_col.is_some(), "{err}");
    }

    #[test]
    fn external_ref_is_an_error() {
        let err = run(with_schemas(
            json!({"A": {"$ref": "common.yaml#/components/schemas/A"}}),
        ))
        .unwrap_err();
        assert!(
            err.message
                .contains("external `$ref` `common.yaml#/components/schemas/A`"),
            "{err}"
        );
        assert!(err.help.as_deref().unwrap().contains("bundle"), "{err}");
    }

    #[test]
    fn refs_inside_examples_and_extensions_are_not_refs() {
        let (doc, _) = ok(json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "x-topics": [{"content": {"$ref": "./docs/intro.md"}}],
            "paths": {},
            "components": {"schemas": {"A": {
                "type": "object",
                "example": {"$ref": "https://example.com/users/1"},
                "default": {"$ref": "nowhere"}
            }}}
        }));
        assert_openapiv3(&doc);
    }

    #[test]
    fn deep_schema_refs_are_hoisted_to_components() {
        let (doc, notes) = ok(with_schemas(json!({
            "A": {"type": "object", "properties": {"b": {"type": ["string", "null"]}}},
            "C": {"$ref": "#/components/schemas/A/properties/b"}
        })));
        assert_eq!(
            doc["components"]["schemas"]["C"],
            json!({"$ref": "#/components/schemas/A_b"})
        );
        assert_eq!(
            doc["components"]["schemas"]["A_b"],
            json!({"type": "string", "nullable": true})
        );
        assert!(
            notes.iter().any(|n| n.message.contains("component `A_b`")),
            "{notes:?}"
        );
        assert_openapiv3(&doc);
    }

    #[test]
    fn parameter_refs_outside_components_are_inlined() {
        let (doc, _) = ok(with_paths(json!({
            "/a": {"get": {
                "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}
            }},
            "/b": {"get": {
                "parameters": [{"$ref": "#/paths/~1a/get/parameters/0"}],
                "responses": {"200": {"description": "ok"}}
            }}
        })));
        assert_eq!(doc["paths"]["/b"]["get"]["parameters"][0]["name"], "q");
        assert_openapiv3(&doc);
    }
}

//! OpenAPI 3.1 → 3.0.3 normalization, plus the rules that make a document acceptable to
//! progenitor 0.15 (and the `openapiv3` 2.2 model it reads).
//!
//! Every rule here is general: it applies to any OpenAPI document, whatever API it describes,
//! and 3.1 constructs met in documents labelled 3.0 (type arrays, `const`, ...) are treated the
//! same way. The rules keep the meaning of the document wherever progenitor can express it
//! (nullable stays nullable, required stays required, unions stay unions); whatever has to be
//! dropped or changed in meaning is reported as a [`Note`].
//!
//! The passes, in order:
//!
//! 1. `document`: walks the document structure (paths, operations, parameters, bodies,
//!    responses, headers, components, ...) — checks every `$ref` (`refs`), inlines path-item
//!    references, removes webhooks and the other 3.1-only document fields, and hands every
//!    Schema Object to `schema` (3.1 keywords → 3.0) and `defaults` (defaults typify cannot
//!    express).
//! 2. `compat`: progenitor's own limits — one media type per body and per response, one
//!    success type and one error type per operation, no cookie parameters, ...
//!
//! Fatal problems (a `$ref` to something that does not exist, a `$ref` to another file) are a
//! [`Diagnostic`] pointing at the offending node.

// `Diagnostic` is the pipeline's one error type; it is returned by value everywhere.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Note, escape_pointer_segment};
use crate::load::Spec;

pub(crate) use type_names::type_names;

mod compat;
mod defaults;
mod document;
mod exclusive;
mod refs;
mod schema;
pub use schema::THREE_STATE;
mod type_names;
mod visit;

/// Returns a copy of `spec.doc` that progenitor and `openapiv3` accept, with notes on what changed.
pub fn normalize(spec: &Spec) -> Result<(Value, Vec<Note>), Diagnostic> {
    let mut doc = spec.doc.clone();
    let mut ctx = Ctx::new(spec);
    document::document(&mut ctx, &mut doc)?;
    refs::materialize_hoisted(&mut ctx, &mut doc, schema::schema)?;
    exclusive::exclusive_unions(&mut ctx, &mut doc);
    compat::compat(&mut ctx, &mut doc);
    Ok((doc, ctx.finish()))
}

/// State shared by the passes: the source document (for `$ref` targets and error locations)
/// and the notes gathered so far.
pub(crate) struct Ctx<'a> {
    pub spec: &'a Spec,
    notes: Vec<Note>,
    /// Keywords removed because OpenAPI 3.0 has no equivalent: keyword → (first place, count).
    /// Reported once per keyword, so that a keyword used on every property is one note.
    removed_keywords: BTreeMap<String, (String, usize)>,
    /// Schema `$ref`s that progenitor cannot resolve (not `#/components/schemas/<name>`) and
    /// that were given a component of their own: target pointer → component name.
    hoisted: BTreeMap<String, String>,
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a Spec) -> Self {
        Ctx {
            spec,
            notes: Vec::new(),
            removed_keywords: BTreeMap::new(),
            hoisted: BTreeMap::new(),
        }
    }

    /// The document as loaded: where `$ref` targets are looked up.
    pub fn original(&self) -> &'a Value {
        &self.spec.doc
    }

    pub fn note(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note::new(pointer, message));
    }

    /// Notes a part generated with a fallback (counted, and refused by `--strict`).
    pub fn degrade(&mut self, pointer: &str, message: impl Into<String>) {
        self.notes.push(Note::fallback(pointer, message));
    }

    /// Records that `keyword` was removed at `pointer` (reported once per keyword).
    pub fn removed_keyword(&mut self, keyword: &str, pointer: &str) {
        self.removed_keywords
            .entry(keyword.to_owned())
            .and_modify(|(_, count)| *count += 1)
            .or_insert_with(|| (pointer.to_owned(), 1));
    }

    fn finish(mut self) -> Vec<Note> {
        for (keyword, (pointer, count)) in std::mem::take(&mut self.removed_keywords) {
            let places = if count == 1 {
                "1 place".to_owned()
            } else {
                format!("{count} places")
            };
            self.note(
                &pointer,
                format!(
                    "removed schema keyword `{keyword}` ({places}): OpenAPI 3.0 and the \
                     generator have no equivalent, so the client does not check it"
                ),
            );
        }
        self.notes
    }
}

/// `pointer` + `/segment`, escaping the segment.
pub(crate) fn join(pointer: &str, segment: &str) -> String {
    format!("{pointer}/{}", escape_pointer_segment(segment))
}

/// `x-...` specification extensions, kept everywhere.
pub(crate) fn is_extension(key: &str) -> bool {
    key.starts_with("x-")
}

#[cfg(test)]
pub(crate) mod test_support {
    use serde_json::Value;

    use crate::diagnostic::{Diagnostic, Note};
    use crate::load::Spec;

    pub fn spec(doc: Value) -> Spec {
        Spec {
            file: "test.json".into(),
            text: serde_json::to_string_pretty(&doc).unwrap(),
            doc,
        }
    }

    /// A 3.1 document around `components.schemas`.
    pub fn with_schemas(schemas: Value) -> Value {
        serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {"schemas": schemas}
        })
    }

    /// A 3.1 document around `paths`.
    pub fn with_paths(paths: Value) -> Value {
        serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": paths
        })
    }

    pub fn run(doc: Value) -> Result<(Value, Vec<Note>), Diagnostic> {
        super::normalize(&spec(doc))
    }

    pub fn ok(doc: Value) -> (Value, Vec<Note>) {
        match run(doc) {
            Ok(out) => out,
            Err(e) => panic!("normalize failed: {e}"),
        }
    }

    /// Normalizes `{components: {schemas: {S: schema}}}` and returns the resulting `S`.
    pub fn schema(schema: Value) -> Value {
        normalize_schema(schema).0
    }

    pub fn normalize_schema(schema: Value) -> (Value, Vec<Note>) {
        let (doc, notes) = ok(with_schemas(serde_json::json!({ "S": schema })));
        (doc["components"]["schemas"]["S"].clone(), notes)
    }

    /// The result must still be readable by progenitor's OpenAPI model.
    pub fn assert_openapiv3(doc: &Value) {
        if let Err(e) = serde_json::from_value::<openapiv3::OpenAPI>(doc.clone()) {
            panic!("openapiv3 rejects the result: {e}\n{doc:#}");
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::test_support::*;

    #[test]
    fn sets_openapi_3_0_3() {
        let (doc, _) = ok(with_paths(json!({})));
        assert_eq!(doc["openapi"], "3.0.3");
        assert_openapiv3(&doc);
    }

    #[test]
    fn removed_keywords_are_one_note_per_keyword() {
        let (_, notes) = ok(with_schemas(json!({
            "A": {"type": "object", "properties": {
                "a": {"type": "string", "chunkable": false},
                "b": {"type": "string", "chunkable": true}
            }}
        })));
        let chunkable: Vec<_> = notes
            .iter()
            .filter(|n| n.message.contains("`chunkable`"))
            .collect();
        assert_eq!(chunkable.len(), 1, "{notes:?}");
        assert!(chunkable[0].message.contains("2 places"), "{notes:?}");
        assert_eq!(chunkable[0].pointer, "/components/schemas/A/properties/a");
    }

    /// The FastAPI patterns of the Hyperspell spec, end to end through progenitor and typify:
    /// discriminated unions whose tag properties have a `const` + `default` (kept: typify
    /// accepts them once their `title: Type` no longer makes the tag enums one type), the
    /// `anyOf: [T, {}, null]` + `default: {}` "unset" sentinel (typed `T`, not sent unless set;
    /// absent, null and a value stay distinct as `crate::Patch<T>` in the Hyperspell flavor),
    /// nullable `$ref`s and type arrays.
    #[test]
    fn fastapi_patterns_generate() {
        let tagged = |tag: &str, extra: &str| {
            json!({
                "type": "object", "title": tag,
                "properties": {
                    "type": {"type": "string", "const": tag, "title": "Type", "default": tag},
                    extra: {"type": "string", "title": "Extra"}
                },
                "required": [extra]
            })
        };
        let doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {"/update": {"post": {
                "operationId": "update_update_post",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UpdateRequest"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Trace"}}}}}
            }}},
            "components": {"schemas": {
                "ToolCall": tagged("tool_call", "name"),
                "ToolResult": tagged("tool_result", "output"),
                "Trace": {"type": "object", "properties": {
                    "children": {"type": "array", "title": "Children", "items": {
                        "oneOf": [{"$ref": "#/components/schemas/ToolCall"}, {"$ref": "#/components/schemas/ToolResult"}],
                        "discriminator": {"propertyName": "type", "mapping": {
                            "tool_call": "#/components/schemas/ToolCall",
                            "tool_result": "#/components/schemas/ToolResult"
                        }}
                    }},
                    "parent": {"anyOf": [{"$ref": "#/components/schemas/ToolCall"}, {"type": "null"}]},
                    "count": {"type": ["integer", "null"]}
                }},
                "UpdateRequest": {"type": "object", "title": "UpdateRequest", "properties": {
                    "text": {"anyOf": [{"type": "string"}, {}, {"type": "null"}], "title": "Text", "default": {}},
                    "metadata": {
                        "anyOf": [{"type": "object", "additionalProperties": true}, {}, {"type": "null"}],
                        "title": "Metadata", "default": {}
                    }
                }}
            }}
        });
        let generate = |flavor| {
            let options = crate::Options {
                flavor,
                ..crate::Options::default()
            };
            match crate::generate(&spec(doc.clone()), &options) {
                Ok(generated) => generated.code.replace(char::is_whitespace, ""),
                Err(e) => panic!("generation failed: {e}"),
            }
        };
        let hyperspell = generate(crate::Flavor::Hyperspell);
        for expected in [
            "pubtext:crate::Patch<::std::string::String>",
            "pubmetadata:crate::Patch<::serde_json::Map<::std::string::String,::serde_json::Value>,>",
        ] {
            assert!(
                hyperspell.contains(expected),
                "`{expected}` not in the generated code"
            );
        }
        let code = generate(crate::Flavor::Standalone);
        for expected in [
            // The sentinel, typed; not sent unless set (a standalone client has no `Patch`).
            "pubtext:::std::option::Option<::std::string::String>",
            "pubmetadata:::std::option::Option<::serde_json::Map<::std::string::String,::serde_json::Value>,>",
            // Tag defaults kept, each tag its own type.
            "pubtype_:ToolCallType",
            "pubtype_:ToolResultType",
            "pubparent:::std::option::Option<ToolCall>",
            "pubcount:::std::option::Option<i64>",
        ] {
            assert!(
                code.contains(expected),
                "`{expected}` not in the generated code"
            );
        }
    }

    /// Every document of the shared corpus (`../shared/openapi-corpus`) and the Hyperspell
    /// spec: the result is a valid `openapiv3` document, and normalizing it again changes
    /// nothing and notes nothing.
    #[test]
    fn corpus_normalizes_idempotently() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let corpus = root.join("../shared/openapi-corpus");
        let mut files = vec![root.join("spec/hyperspell.yaml")];
        for dir in ["v30", "v31"] {
            let entries = std::fs::read_dir(corpus.join(dir)).unwrap_or_else(|e| {
                panic!("the shared corpus is missing ({}): {e}", corpus.display())
            });
            let mut names: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
            names.sort();
            files.extend(names);
        }
        let mut checked = 0;
        for file in files {
            let spec = crate::load_file(&file).unwrap();
            let (doc, _) = match super::normalize(&spec) {
                Ok(out) => out,
                // The one invalid document: pinned by xtask's corpus test.
                Err(e) if file.ends_with("19-swagger-parser-ref-siblings.yaml") => {
                    assert!(e.message.contains("does not exist"), "{e}");
                    continue;
                }
                Err(e) => panic!("{e}"),
            };
            assert_openapiv3(&doc);
            let again = super::test_support::spec(doc.clone());
            let (twice, notes) = super::normalize(&again).unwrap();
            assert!(
                twice == doc,
                "{}: a second normalization changes the document",
                file.display()
            );
            assert!(
                notes.is_empty(),
                "{}: a second normalization notes {notes:?}",
                file.display()
            );
            checked += 1;
        }
        // Every corpus document but the invalid one, and the Hyperspell spec.
        assert_eq!(checked, 40);
    }

    /// Malformed documents are the OpenAPI model's to report (located); normalization must
    /// not panic on them.
    #[test]
    fn malformed_documents_do_not_panic() {
        for doc in [
            json!({"openapi": "3.1.0", "paths": null, "components": []}),
            json!({"openapi": "3.1.0", "paths": {"/a": "x", "/b": {"get": 3, "parameters": {}}}}),
            json!({"openapi": "3.1.0", "paths": {"/a": {"get": {"responses": [], "requestBody": 1}}}}),
            json!({"openapi": "3.1.0", "paths": {"/a": {"get": {
                "parameters": [1, {"in": "cookie"}, {"$ref": 5}],
                "responses": {"200": {"content": {"application/json": 1}}, "x-y": 1}
            }}}}),
            json!({"openapi": "3.1.0", "components": {"schemas": {
                "A": "string", "B": {"type": 5, "properties": [], "items": [], "anyOf": {}},
                "C": {"allOf": [1, null], "enum": 3, "const": {"a": 1}, "examples": "x"},
                "D": {"exclusiveMinimum": "1", "prefixItems": 3, "type": ["null", 7]}
            }}}),
            json!({"openapi": "3.1.0", "webhooks": [], "info": 3}),
        ] {
            let _ = run(doc);
        }
    }
}

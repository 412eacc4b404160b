//! Operation names: one Rust method name per operation, deterministic and collision-checked.
//!
//! FastAPI operationIds are `<function>_<path with \W as _>_<method>`; when an id has that
//! suffix, the Rust name is `<function>`. Otherwise it is the operationId in snake case, and an
//! operation without an id is named from its method and path.
//!
//! Names are unique: a stripped name that collides falls back to the full operationId; an
//! operationId used twice (invalid, but real specs do it) keeps its name on the first
//! operation in document order, and the others get `<name>_<method>`, else
//! `<name>_<method>_<path words>`, else a number — each with a degraded [`Note`].

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use serde_json::Value;

use crate::diagnostic::{Note, escape_pointer_segment};

/// The HTTP methods an OpenAPI path item can hold, in document order of the spec.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of the document and the Rust name it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// Upper-case HTTP method.
    pub method: String,
    pub path: String,
    /// The spec's operationId, if any.
    pub operation_id: Option<String>,
    /// The operation's own name: its builder type and mock method (`generate_user_token`).
    pub rust_name: String,
    /// Where it is reached: resources, then the method (`["auth", "user_token"]`); set by
    /// [`crate::resources::assign`].
    pub call: Vec<String>,
    /// JSON pointer of the operation object.
    pub pointer: String,
}

impl Operation {
    /// `auth.user_token`: the resources and the method, as the SDKs print them.
    pub fn call_path(&self) -> String {
        self.call.join(".")
    }

    /// `METHOD /path (operationId)`, for messages.
    pub fn label(&self) -> String {
        match &self.operation_id {
            Some(id) => format!("{} {} ({id})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// Lists the operations of `paths` in document order and names them, uniquely; the notes say
/// which operations could not get the name their operationId asks for.
pub fn name_operations(doc: &Value) -> (Vec<Operation>, Vec<Note>) {
    let mut operations = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return (operations, Vec::new());
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let pointer = format!("/paths/{}/{method}", escape_pointer_segment(path));
            let operation_id = operation
                .get("operationId")
                .and_then(Value::as_str)
                .filter(|id| !id.trim().is_empty())
                .map(str::to_owned);
            let rust_name = rust_name(method, path, operation_id.as_deref());
            operations.push(Operation {
                method: method.to_uppercase(),
                path: path.clone(),
                operation_id,
                rust_name,
                call: Vec::new(),
                pointer,
            });
        }
    }
    let notes = make_unique(&mut operations);
    (operations, notes)
}

/// The Rust method name for one operation.
pub fn rust_name(method: &str, path: &str, operation_id: Option<&str>) -> String {
    let name = match operation_id {
        Some(id) => match strip_fastapi_suffix(id, method, path) {
            Some(function) => function.to_owned(),
            None => id.to_snake_case(),
        },
        None => format!("{method}_{}", path_words(path)).to_snake_case(),
    };
    make_identifier(&name)
}

/// `add_memories_add_post` for `POST /memories/add` → `add`... only when the id is exactly
/// FastAPI's `<function><path as \W→_>_<method>`.
fn strip_fastapi_suffix<'a>(id: &'a str, method: &str, path: &str) -> Option<&'a str> {
    let path_part = replace_non_word(path, '_');
    let suffix = format!("{path_part}_{method}");
    let function = id.strip_suffix(&suffix)?;
    (!function.is_empty() && function.chars().any(|c| c.is_alphanumeric())).then_some(function)
}

fn path_words(path: &str) -> String {
    let words: Vec<&str> = path
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        "root".to_owned()
    } else {
        words.join("_")
    }
}

/// The Rust type name typify gives a schema named or titled `name` (its
/// `sanitize(name, Pascal)`): used to find generated types and to foresee name clashes.
pub fn typify_type_name(name: &str) -> String {
    use heck::ToPascalCase;
    let out = replace_non_word(&name.replace('\'', ""), '-').to_pascal_case();
    match out.chars().next() {
        None => "X".to_owned(),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("X{out}"),
    }
}

/// `text` with every character other than a letter, digit or `_` replaced by `with`.
fn replace_non_word(text: &str, with: char) -> String {
    text.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                with
            }
        })
        .collect()
}

/// Makes `name` a valid, non-keyword Rust identifier in snake case.
fn make_identifier(name: &str) -> String {
    let mut name = name.to_snake_case();
    if name.is_empty() {
        name = "operation".to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if syn::parse_str::<syn::Ident>(&name).is_err() {
        name.push('_');
    }
    name
}

/// Stripped names that collide fall back to the full operationId; what still collides is
/// renamed (see the module doc), with a note naming both operations.
fn make_unique(operations: &mut [Operation]) -> Vec<Note> {
    let mut first: BTreeMap<String, usize> = BTreeMap::new();
    let mut collided = Vec::new();
    for (index, operation) in operations.iter().enumerate() {
        if let Some(&other) = first.get(&operation.rust_name) {
            collided.push(other);
            collided.push(index);
        } else {
            first.insert(operation.rust_name.clone(), index);
        }
    }
    for index in collided {
        let operation = &mut operations[index];
        if let Some(id) = &operation.operation_id {
            operation.rust_name = make_identifier(id);
        }
    }
    let mut taken: BTreeSet<String> = operations.iter().map(|o| o.rust_name.clone()).collect();
    let mut named: BTreeMap<String, usize> = BTreeMap::new();
    let mut notes = Vec::new();
    for index in 0..operations.len() {
        let name = operations[index].rust_name.clone();
        let Some(&other) = named.get(&name) else {
            named.insert(name, index);
            continue;
        };
        let operation = &operations[index];
        let method = operation.method.to_lowercase();
        let candidates = [
            format!("{name}_{method}"),
            format!("{name}_{method}_{}", path_words(&operation.path)),
        ];
        let unique = candidates
            .into_iter()
            .map(|c| make_identifier(&c))
            .chain((2..).map(|n| format!("{name}_{n}")))
            .find(|c| !taken.contains(c))
            .expect("an unbounded sequence");
        let what = match (&operation.operation_id, &operations[other].operation_id) {
            (Some(a), Some(b)) if a == b => format!("operationId `{a}` is also used by"),
            _ => format!("the name `{name}` is also taken by"),
        };
        notes.push(Note::fallback(
            format!("{}/operationId", operation.pointer),
            format!(
                "{what} {}: this operation is named `{unique}` instead",
                operations[other].label()
            ),
        ));
        taken.insert(unique.clone());
        named.insert(unique.clone(), index);
        operations[index].rust_name = unique;
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fastapi_ids_keep_the_function_part() {
        assert_eq!(
            rust_name(
                "post",
                "/auth/user_token",
                Some("generate_user_token_auth_user_token_post")
            ),
            "generate_user_token"
        );
        assert_eq!(
            rust_name(
                "post",
                "/memories/update/{source}/{resource_id}",
                Some("update_memories_update__source___resource_id__post")
            ),
            "update"
        );
    }

    #[test]
    fn other_ids_are_snake_cased() {
        assert_eq!(rust_name("get", "/pets", Some("listPets")), "list_pets");
        assert_eq!(
            rust_name("get", "/pets", Some("pets.list-all")),
            "pets_list_all"
        );
        assert_eq!(rust_name("get", "/x", Some("type")), "type_");
        assert_eq!(rust_name("get", "/x", Some("2fa")), "_2fa");
    }

    #[test]
    fn missing_ids_come_from_method_and_path() {
        assert_eq!(
            rust_name("get", "/pets/{petId}/toys", None),
            "get_pets_pet_id_toys"
        );
        assert_eq!(rust_name("delete", "/", None), "delete_root");
    }

    fn names(paths: Value) -> (Vec<String>, Vec<Note>) {
        let doc = serde_json::json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": paths});
        let (operations, notes) = name_operations(&doc);
        (operations.into_iter().map(|o| o.rust_name).collect(), notes)
    }

    #[test]
    fn stripped_collisions_fall_back_to_the_full_id() {
        let (names, notes) = names(serde_json::json!({
            "/a": {"get": {"operationId": "list_a_get"}},
            "/b": {"get": {"operationId": "list_b_get"}}
        }));
        assert_eq!(names, ["list_a_get", "list_b_get"]);
        assert!(notes.is_empty());
    }

    /// Failure class "duplicate operationId" (a GET and a HEAD of one path, one RPC on two
    /// routes): it used to refuse the document; now the later operations get distinct,
    /// deterministic names and a degraded note naming both.
    #[test]
    fn duplicate_ids_get_distinct_names_with_a_note() {
        let (names, notes) = names(serde_json::json!({
            "/a": {"get": {"operationId": "same"}, "head": {"operationId": "same"}},
            "/b": {"get": {"operationId": "same"}},
            "/c": {"get": {"operationId": "same_get"}}
        }));
        assert_eq!(names, ["same", "same_head", "same_get_b", "same_get"]);
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes.iter().all(|n| n.degraded));
        assert_eq!(notes[0].pointer, "/paths/~1a/head/operationId");
        assert!(
            notes[0]
                .message
                .contains("operationId `same` is also used by GET /a (same)"),
            "{notes:?}"
        );
        assert!(notes[1].message.contains("named `same_get_b`"), "{notes:?}");
    }
}

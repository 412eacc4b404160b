//! A loaded OpenAPI document with `$ref` resolution, and a read-only view of a schema that
//! understands both OpenAPI 3.0 and 3.1 spellings.

use std::sync::LazyLock;

use serde_json::{Map, Value};

use hyperspell_codegen::diagnostic::pointer_segments;

static EMPTY: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

/// One side of the comparison.
pub struct Doc {
    pub root: Value,
    /// OpenAPI 3.1 (JSON Schema 2020-12: `$ref` siblings apply, `type` arrays, numeric exclusive bounds).
    pub v31: bool,
}

impl Doc {
    pub fn new(root: Value) -> Doc {
        let v31 = root
            .get("openapi")
            .and_then(Value::as_str)
            .is_some_and(|v| !v.starts_with("3.0"));
        Doc { root, v31 }
    }

    /// Follows a chain of `$ref`s from `value`. Returns the target and the first `$ref` string.
    /// Unresolvable (external or dangling) references resolve to an empty object; reference
    /// loops end after a bounded number of hops.
    pub fn deref<'a>(&'a self, value: &'a Value) -> (&'a Value, Option<&'a str>) {
        let mut current = value;
        let mut first = None;
        for _ in 0..64 {
            let Some(reference) = current.get("$ref").and_then(Value::as_str) else {
                return (current, first);
            };
            first.get_or_insert(reference);
            match self.resolve_pointer(reference) {
                Some(target) => current = target,
                None => return (&EMPTY, first),
            }
        }
        (&EMPTY, first)
    }

    fn resolve_pointer(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.is_empty() {
            return Some(&self.root);
        }
        let mut node = &self.root;
        for segment in pointer_segments(pointer) {
            let segment = percent_decode(&segment);
            node = match node {
                Value::Object(map) => map.get(&segment)?,
                Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    /// A schema view of `value` (a schema object, a `$ref` to one, or a 3.1 boolean schema).
    pub fn schema<'a>(&'a self, value: &'a Value) -> S<'a> {
        let (target, reference) = self.deref(value);
        let sibling = if self.v31 && reference.is_some() && has_siblings(value) {
            Some(value)
        } else {
            None
        };
        S {
            value: target,
            sibling,
            reference,
        }
    }

    /// The object at `value` after following `$ref`s (parameters, responses, headers, ...).
    pub fn object<'a>(&'a self, value: &'a Value) -> &'a Value {
        self.deref(value).0
    }
}

fn has_siblings(value: &Value) -> bool {
    value.as_object().is_some_and(|map| {
        map.keys().any(|key| {
            key != "$ref" && key != "description" && key != "summary" && !key.starts_with("x-")
        })
    })
}

fn percent_decode(segment: &str) -> String {
    if !segment.contains('%') {
        return segment.to_owned();
    }
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let (Some(high), Some(low)) = (hex(bytes[index + 1]), hex(bytes[index + 2]))
        {
            out.push(high * 16 + low);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_owned())
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

/// A resolved schema: the target of any `$ref`, plus (in 3.1) the keywords written beside the
/// `$ref`, which take precedence.
#[derive(Clone, Copy)]
pub struct S<'a> {
    pub value: &'a Value,
    pub sibling: Option<&'a Value>,
    /// The `$ref` this schema was reached through, if any.
    pub reference: Option<&'a str>,
}

impl<'a> S<'a> {
    /// Identity for caching and cycle detection.
    pub fn key(&self) -> (usize, usize) {
        (
            self.value as *const Value as usize,
            self.sibling.map_or(0, |s| s as *const Value as usize),
        )
    }

    pub fn get(&self, key: &str) -> Option<&'a Value> {
        if let Some(found) = self.sibling.and_then(|s| s.get(key)) {
            return Some(found);
        }
        self.value.get(key)
    }

    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.get(key).and_then(Value::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    pub fn object(&self, key: &str) -> Option<&'a Map<String, Value>> {
        self.get(key).and_then(Value::as_object)
    }

    pub fn array(&self, key: &str) -> &'a [Value] {
        self.get(key)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// `type` as a list: `"string"` → `[string]`, `[string, "null"]` as written.
    pub fn types(&self) -> Vec<&'a str> {
        match self.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    pub fn title(&self) -> &'a str {
        self.str("title").unwrap_or("")
    }

    pub fn read_only(&self) -> bool {
        self.flag("readOnly")
    }

    pub fn write_only(&self) -> bool {
        self.flag("writeOnly")
    }

    /// The `required` list.
    pub fn required(&self) -> Vec<&'a str> {
        self.array("required")
            .iter()
            .filter_map(Value::as_str)
            .collect()
    }

    pub fn is_required(&self, name: &str) -> bool {
        self.array("required")
            .iter()
            .any(|v| v.as_str() == Some(name))
    }

    /// The raw (unresolved) value of property `name`.
    pub fn property(&self, name: &str) -> Option<&'a Value> {
        self.object("properties").and_then(|p| p.get(name))
    }

    /// Whether the schema accepts null: `nullable: true` (3.0) or `null` in its type list (3.1).
    pub fn accepts_null(&self) -> bool {
        self.flag("nullable") || self.types().contains(&"null")
    }

    /// Whether this is a 3.1 boolean schema (`true` / `false`).
    pub fn is_bool(&self) -> bool {
        self.value.is_boolean() && self.sibling.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn follows_ref_chains_and_stops_at_loops() {
        let doc = Doc::new(json!({
            "openapi": "3.1.0",
            "components": {"schemas": {
                "A": {"$ref": "#/components/schemas/B"},
                "B": {"type": "string"},
                "L": {"$ref": "#/components/schemas/M"},
                "M": {"$ref": "#/components/schemas/L"}
            }}
        }));
        let a = json!({"$ref": "#/components/schemas/A"});
        let s = doc.schema(&a);
        assert_eq!(s.types(), ["string"]);
        assert_eq!(s.reference, Some("#/components/schemas/A"));
        let l = json!({"$ref": "#/components/schemas/L"});
        assert!(doc.schema(&l).types().is_empty());
    }

    #[test]
    fn siblings_override_in_31() {
        let doc = Doc::new(json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"B": {"type": "string", "maxLength": 3}}}
        }));
        let v = json!({"$ref": "#/components/schemas/B", "maxLength": 5});
        assert_eq!(doc.schema(&v).get("maxLength"), Some(&json!(5)));
    }
}

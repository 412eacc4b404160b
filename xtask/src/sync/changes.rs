//! What a sync changed: a plain summary of operations and schemas added, removed and changed,
//! and whether that can break callers. (The place to call the diff-spec engine from.)

use std::collections::BTreeMap;
use std::fmt::Write;

use hyperspell_codegen::Spec;
use hyperspell_codegen::naming::METHODS;
use serde_json::Value;

/// A report of the differences between the previous spec and the new one, ending in a newline.
pub fn summarize_changes(old: &Spec, new: &Spec) -> String {
    let mut out = String::new();
    if old.text == new.text {
        out.push_str("the spec is unchanged\n");
        return out;
    }
    let version = |spec: &Spec| spec.version().unwrap_or("(none)").to_owned();
    let _ = writeln!(
        out,
        "changes against the previous spec ({} → {}):",
        version(old),
        version(new)
    );

    let old_ops = operations(&old.doc);
    let new_ops = operations(&new.doc);
    let ops = Changes::between(&old_ops, &new_ops);
    let _ = writeln!(
        out,
        "  operations: {} → {} ({} added, {} removed, {} changed)",
        old_ops.len(),
        new_ops.len(),
        ops.added.len(),
        ops.removed.len(),
        ops.changed.len()
    );
    for (sign, list) in [("+", &ops.added), ("-", &ops.removed), ("~", &ops.changed)] {
        for operation in list {
            let _ = writeln!(out, "    {sign} {operation}");
        }
    }

    let old_schemas = schemas(&old.doc);
    let new_schemas = schemas(&new.doc);
    let schema_changes = Changes::between(&old_schemas, &new_schemas);
    let _ = writeln!(
        out,
        "  schemas: {} → {} ({} added, {} removed, {} changed)",
        old_schemas.len(),
        new_schemas.len(),
        schema_changes.added.len(),
        schema_changes.removed.len(),
        schema_changes.changed.len()
    );
    for (sign, list) in [
        ("+", &schema_changes.added),
        ("-", &schema_changes.removed),
        ("~", &schema_changes.changed),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "    {sign} {}", list.join(", "));
        }
    }

    let verdict = if !ops.removed.is_empty() || !schema_changes.removed.is_empty() {
        "breaking: yes, operations or schemas were removed"
    } else if !ops.changed.is_empty() || !schema_changes.changed.is_empty() {
        "breaking: maybe, operations or schemas changed; `cargo xtask diff-spec` tells which changes break callers"
    } else if ops.added.is_empty() && schema_changes.added.is_empty() {
        "breaking: no, the operations and schemas are the same (only other parts of the document changed)"
    } else {
        "breaking: no, only additions"
    };
    let _ = writeln!(out, "  {verdict}");
    out
}

/// Added, removed and changed keys between two maps.
struct Changes {
    added: Vec<String>,
    removed: Vec<String>,
    changed: Vec<String>,
}

impl Changes {
    fn between(old: &BTreeMap<String, &Value>, new: &BTreeMap<String, &Value>) -> Changes {
        let mut changes = Changes {
            added: Vec::new(),
            removed: Vec::new(),
            changed: Vec::new(),
        };
        for (key, value) in new {
            match old.get(key) {
                None => changes.added.push(key.clone()),
                Some(previous) if previous != value => changes.changed.push(key.clone()),
                Some(_) => {}
            }
        }
        changes.removed = old
            .keys()
            .filter(|key| !new.contains_key(*key))
            .cloned()
            .collect();
        changes
    }
}

/// `METHOD /path` → operation object.
fn operations(doc: &Value) -> BTreeMap<String, &Value> {
    let mut operations = BTreeMap::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                operations.insert(format!("{} {path}", method.to_uppercase()), operation);
            }
        }
    }
    operations
}

/// Component schema name → schema.
fn schemas(doc: &Value) -> BTreeMap<String, &Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), schema))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Spec {
        hyperspell_codegen::load_bytes("t.yaml", text.as_bytes()).unwrap()
    }

    const OLD: &str = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {responses: {'200': {description: ok}}}}\n  /b: {post: {responses: {'200': {description: ok}}}}\ncomponents:\n  schemas:\n    A: {type: string}\n";

    #[test]
    fn additions_only_are_not_breaking() {
        let new = OLD.replace(
            "paths:\n",
            "paths:\n  /c: {get: {responses: {'200': {description: ok}}}}\n",
        );
        let summary = summarize_changes(&spec(OLD), &spec(&new));
        assert!(
            summary.contains("operations: 2 → 3 (1 added, 0 removed, 0 changed)"),
            "{summary}"
        );
        assert!(summary.contains("+ GET /c"), "{summary}");
        assert!(
            summary.contains("breaking: no, only additions"),
            "{summary}"
        );
    }

    #[test]
    fn removals_are_breaking_and_changes_are_listed() {
        let new = OLD
            .replace(
                "  /b: {post: {responses: {'200': {description: ok}}}}\n",
                "",
            )
            .replace(
                "/a: {get: {responses: {'200': {description: ok}}}}",
                "/a: {get: {responses: {'200': {description: fine}}}}",
            )
            .replace("version: '1'", "version: '2'")
            .replace(
                "A: {type: string}",
                "A: {type: integer}\n    B: {type: string}",
            );
        let summary = summarize_changes(&spec(OLD), &spec(&new));
        assert!(summary.contains("(1 → 2)"), "{summary}");
        assert!(
            summary.contains("operations: 2 → 1 (0 added, 1 removed, 1 changed)"),
            "{summary}"
        );
        assert!(
            summary.contains("- POST /b") && summary.contains("~ GET /a"),
            "{summary}"
        );
        assert!(
            summary.contains("schemas: 1 → 2 (1 added, 0 removed, 1 changed)"),
            "{summary}"
        );
        assert!(
            summary.contains("+ B") && summary.contains("~ A"),
            "{summary}"
        );
        assert!(summary.contains("breaking: yes"), "{summary}");
    }

    #[test]
    fn identical_text_is_unchanged() {
        assert_eq!(
            summarize_changes(&spec(OLD), &spec(OLD)),
            "the spec is unchanged\n"
        );
    }
}

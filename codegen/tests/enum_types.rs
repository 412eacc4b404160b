//! Every string enum schema of every real-world document (`../shared/openapi-corpus`) and of
//! the vendored Hyperspell spec gets a Rust type of its own that accepts exactly its values.
//!
//! Two different schemas sharing one type is the defect this guards against: typify keeps the
//! first type for a name, so the second schema's values would be refused (`TraceMessage.
//! message_type: "thinking"` did not decode because `Message.type` had taken `MessageType`).
//!
//! For each enum schema of the generated document, the type it is named to (its component,
//! or the `title` the naming pass gave it) is looked up in the generated `mod types`, and the
//! strings that type reads are compared with the schema's values: an open enum's `as_str`
//! arms (which its `From<&str>` and `Deserialize` mirror), a closed one's `serde(rename)`s.
//! Open enums of more than one value must also carry their catch-all variant.
//!
//! A schema typify makes no type of (a union's tag, a property it copies into each variant
//! of a union) is counted, not checked: it has no type another schema could share.
//!
//! Documents the pipeline refuses are listed (the corpus test in `xtask` owns them); every
//! other document must have no mismatch.

// `Diagnostic` is large by design (see codegen/src/lib.rs).
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hyperspell_codegen::naming::typify_type_name;
use serde_json::Value;
use syn::{Expr, ImplItem, Item, Lit, Pat};

fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = root.join("../shared/openapi-corpus");
    let mut files = vec![root.join("spec/hyperspell.yaml")];
    for dir in ["v30", "v31"] {
        let entries = std::fs::read_dir(corpus.join(dir))
            .unwrap_or_else(|e| panic!("the shared corpus is missing ({}): {e}", corpus.display()));
        let mut found: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        found.sort();
        files.extend(found);
    }
    files
}

/// The strings each generated enum reads, by type name, and whether it is open.
fn enum_values(code: &str) -> BTreeMap<String, (BTreeSet<String>, bool)> {
    let file = syn::parse_file(code).expect("generated code parses");
    let types = file
        .items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items),
            _ => None,
        })
        .expect("mod types");
    let mut enums = BTreeMap::new();
    for item in types {
        match item {
            Item::Enum(e) => {
                let open = e.variants.iter().any(|v| {
                    v.ident.to_string().starts_with("Unknown")
                        && matches!(v.fields, syn::Fields::Unnamed(_))
                });
                // A closed enum reads each unit variant's `serde(rename)`, or its name.
                let renamed: BTreeSet<String> = if open {
                    BTreeSet::new()
                } else {
                    e.variants
                        .iter()
                        .filter(|v| matches!(v.fields, syn::Fields::Unit))
                        .map(|v| {
                            let mut value = v.ident.to_string();
                            for a in v.attrs.iter().filter(|a| a.path().is_ident("serde")) {
                                let _ = a.parse_nested_meta(|meta| {
                                    if meta.path.is_ident("rename") {
                                        value = meta.value()?.parse::<syn::LitStr>()?.value();
                                    }
                                    Ok(())
                                });
                            }
                            value
                        })
                        .collect()
                };
                let entry = enums
                    .entry(e.ident.to_string())
                    .or_insert_with(|| (BTreeSet::new(), false));
                entry.0.extend(renamed);
                entry.1 = open;
            }
            // `impl X { pub fn as_str(&self) -> &str { match self { Self::A => "a", .. } } }`
            Item::Impl(block) if block.trait_.is_none() => {
                let syn::Type::Path(ty) = &*block.self_ty else {
                    continue;
                };
                let name = ty.path.segments.last().unwrap().ident.to_string();
                for item in &block.items {
                    let ImplItem::Fn(f) = item else { continue };
                    if f.sig.ident != "as_str" {
                        continue;
                    }
                    let Some(syn::Stmt::Expr(Expr::Match(m), _)) = f.block.stmts.first() else {
                        continue;
                    };
                    let strings = m.arms.iter().filter_map(|arm| {
                        let Pat::Path(_) = &arm.pat else { return None };
                        string_literal(&arm.body)
                    });
                    enums
                        .entry(name.clone())
                        .or_insert_with(|| (BTreeSet::new(), false))
                        .0
                        .extend(strings);
                }
            }
            _ => {}
        }
    }
    enums
}

/// `"a"`, or `{ "a" }` as prettyplease writes a long arm.
fn string_literal(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Some(s.value()),
        Expr::Block(block) => match block.block.stmts.as_slice() {
            [syn::Stmt::Expr(inner, None)] => string_literal(inner),
            _ => None,
        },
        _ => None,
    }
}

/// Every string-enum schema of `doc` with the type name it was given: (pointer, name, values).
fn enum_schemas(doc: &Value) -> Vec<(String, String, BTreeSet<String>)> {
    let mut found = Vec::new();
    walk(doc, String::new(), &mut found);
    found
}

fn walk(value: &Value, pointer: String, found: &mut Vec<(String, String, BTreeSet<String>)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get("enum")
                && !values.is_empty()
                && values.iter().all(|v| v.is_string() || v.is_null())
                && values.iter().any(Value::is_string)
            {
                let segments: Vec<&str> = pointer.split('/').collect();
                let name = match (
                    segments.as_slice(),
                    map.get("title").and_then(Value::as_str),
                ) {
                    // A nullable component's type is the `Option` of its titled inner type.
                    (_, Some(title)) => Some(typify_type_name(title)),
                    (["", "components", "schemas", key], None) => {
                        Some(typify_type_name(&key.replace("~1", "/").replace("~0", "~")))
                    }
                    _ => None,
                };
                if let Some(name) = name {
                    let strings = values
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                    found.push((pointer.clone(), name, strings));
                }
            }
            for (key, child) in map {
                // Response headers and callbacks are not generated (progenitor ignores them).
                if key == "headers" || key == "callbacks" || key == "examples" || key == "example" {
                    continue;
                }
                let segment = key.replace('~', "~0").replace('/', "~1");
                walk(child, format!("{pointer}/{segment}"), found);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                walk(child, format!("{pointer}/{index}"), found);
            }
        }
        _ => {}
    }
}

#[test]
#[ignore = "heavy (every corpus document generated, ~3 min in a debug build): `cargo xtask ci` runs it with the other heavy tests"]
fn every_enum_schema_has_a_type_that_reads_exactly_its_values() {
    // Generating the largest documents nests deeper than a test thread's default stack.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(check_every_document)
        .unwrap()
        .join()
        .unwrap();
}

fn check_every_document() {
    let mut refused = Vec::new();
    let mut mismatches = Vec::new();
    let mut checked = 0usize;
    // Schemas typify does not make a type of their own (a union's tag, properties it moves
    // into each variant of a union): no type, so no type to share.
    let mut folded = 0usize;
    for path in documents() {
        let label = path.file_name().unwrap().to_string_lossy().into_owned();
        let generated = hyperspell_codegen::load_file(&path)
            .and_then(|spec| hyperspell_codegen::generate(&spec, &Default::default()));
        let generated = match generated {
            Ok(generated) => generated,
            Err(e) => {
                refused.push(format!(
                    "{label}: {}",
                    e.to_string().lines().next().unwrap_or("")
                ));
                continue;
            }
        };
        let types = enum_values(&generated.code);
        for (pointer, name, values) in enum_schemas(&generated.document) {
            checked += 1;
            match types.get(&name) {
                None => folded += 1,
                Some((read, open)) => {
                    if read != &values {
                        mismatches.push(format!(
                            "{label} {pointer}: `{name}` reads {read:?}, the schema has {values:?}"
                        ));
                    } else if values.len() > 1 && !open {
                        mismatches.push(format!("{label} {pointer}: `{name}` is not open"));
                    }
                }
            }
        }
    }
    eprintln!(
        "{checked} enum schemas checked ({folded} folded into other types by typify); {} documents refused by the pipeline (the corpus test \
         in xtask reports them):\n  {}",
        refused.len(),
        refused.join("\n  ")
    );
    assert!(checked > folded);
    assert!(
        mismatches.is_empty(),
        "{} mismatches:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

//! Every operation of the vendored spec is generated, once, with a unique Rust method.
//!
//! The spec is read here independently of the pipeline (plain YAML walk), and compared with
//! both the generated metadata (`operations::ALL`) and the generated source's `Client` methods.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// (METHOD, path, operationId) for every operation in `spec/hyperspell.yaml`.
fn spec_operations() -> BTreeSet<(String, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/hyperspell.yaml");
    let text = std::fs::read_to_string(path).expect("read the vendored spec");
    let doc: Value = serde_saphyr::from_str(&text).expect("the vendored spec is YAML");
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                let id = operation["operationId"]
                    .as_str()
                    .expect("operationId")
                    .to_owned();
                operations.insert((method.to_uppercase(), path.clone(), id));
            }
        }
    }
    operations
}

/// Names of the `pub fn name(&self)` methods in the generated `impl Client` blocks.
fn generated_client_methods() -> Vec<String> {
    let path = concat!(env!("OUT_DIR"), "/hyperspell_client.rs");
    let source = std::fs::read_to_string(path).expect("read the generated client");
    let file = syn::parse_file(&source).expect("generated client parses");
    let mut methods = Vec::new();
    for item in file.items {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let syn::Type::Path(ty) = &*block.self_ty else {
            continue;
        };
        if block.trait_.is_some() || !ty.path.is_ident("Client") {
            continue;
        }
        for item in block.items {
            if let syn::ImplItem::Fn(f) = item
                && matches!(f.vis, syn::Visibility::Public(_))
                && f.sig.receiver().is_some()
            {
                methods.push(f.sig.ident.to_string());
            }
        }
    }
    methods
}

#[test]
fn every_spec_operation_is_generated_once() {
    let spec = spec_operations();
    // The count `sync-spec` recorded for the vendored spec: no literal to update per sync.
    let lock: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/spec/hyperspell.lock.json"
        ))
        .expect("spec/hyperspell.lock.json"),
    )
    .expect("the lock file is JSON");
    assert_eq!(
        Some(spec.len() as u64),
        lock["operations"].as_u64(),
        "operations in spec/hyperspell.yaml against its lock file"
    );

    let generated: BTreeSet<(String, String, String)> = hyperspell::operations::ALL
        .iter()
        .map(|op| {
            (
                op.method.to_owned(),
                op.path.to_owned(),
                op.operation_id.to_owned(),
            )
        })
        .collect();
    assert_eq!(
        hyperspell::operations::ALL.len(),
        generated.len(),
        "an operation is listed twice"
    );
    let missing: Vec<_> = spec.difference(&generated).collect();
    let extra: Vec<_> = generated.difference(&spec).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:?}\nextra: {extra:?}"
    );
}

#[test]
fn every_operation_has_one_client_method_with_a_unique_name() {
    let methods = generated_client_methods();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for method in &methods {
        *counts.entry(method).or_default() += 1;
    }
    let duplicated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        duplicated.is_empty(),
        "methods generated twice: {duplicated:?}"
    );

    for operation in hyperspell::operations::ALL {
        assert!(
            counts.contains_key(operation.name),
            "no Client::{} for {} {}",
            operation.name,
            operation.method,
            operation.path
        );
        let found = hyperspell::operations::by_name(operation.name).expect("by_name finds it");
        assert_eq!(found.operation_id, operation.operation_id);
    }
}

#[test]
fn fastapi_operation_ids_give_the_function_name() {
    let named = |id: &str| {
        hyperspell::operations::ALL
            .iter()
            .find(|op| op.operation_id == id)
            .map(|op| op.name)
    };
    assert_eq!(
        named("generate_user_token_auth_user_token_post"),
        Some("generate_user_token")
    );
    assert_eq!(named("upload_memories_upload_post"), Some("upload"));
    assert_eq!(named("add_memories_add_post"), Some("add"));
}

#[test]
fn security_requirements_follow_the_spec() {
    let token = hyperspell::operations::ALL
        .iter()
        .find(|op| op.path == "/auth/user_token")
        .expect("POST /auth/user_token is generated");
    assert!(!token.security.is_empty());
    let schemes: BTreeSet<&str> = hyperspell::operations::SECURITY_SCHEMES
        .iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(schemes, BTreeSet::from(["APIKey", "AsUser"]));
}

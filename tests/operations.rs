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
/// The calls the generated client offers, read from its source: `(auth.user_token,
/// GenerateUserToken)` for `client.auth().user_token()` returning `builder::GenerateUserToken`;
/// and the `Client` methods that return a builder directly (there should be none).
fn generated_calls() -> (Vec<(String, String)>, Vec<String>) {
    let path = concat!(env!("OUT_DIR"), "/hyperspell_client.rs");
    let source = std::fs::read_to_string(path).expect("read the generated client");
    let file = syn::parse_file(&source).expect("generated client parses");
    let last = |output: &syn::ReturnType| -> Option<(String, String)> {
        let syn::ReturnType::Type(_, ty) = output else {
            return None;
        };
        let syn::Type::Path(ty) = ty.as_ref() else {
            return None;
        };
        let segments: Vec<String> = ty
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let (name, module) = segments.split_last()?;
        Some((module.last().cloned().unwrap_or_default(), name.clone()))
    };
    // Handle type -> [(method, module of the return type, return type)].
    let mut handles: BTreeMap<String, Vec<(String, String, String)>> = BTreeMap::new();
    let mut roots = Vec::new();
    let mut flat = Vec::new();
    for item in &file.items {
        match item {
            syn::Item::Impl(block) if block.trait_.is_none() => {
                let syn::Type::Path(ty) = &*block.self_ty else {
                    continue;
                };
                if !ty.path.is_ident("Client") {
                    continue;
                }
                for item in &block.items {
                    let syn::ImplItem::Fn(f) = item else { continue };
                    match last(&f.sig.output) {
                        Some((module, ty)) if module == "resources" => {
                            roots.push((f.sig.ident.to_string(), ty))
                        }
                        Some((module, _)) if module == "builder" => {
                            flat.push(f.sig.ident.to_string())
                        }
                        _ => {}
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "resources" => {
                for item in &m.content.as_ref().expect("inline module").1 {
                    let syn::Item::Impl(block) = item else {
                        continue;
                    };
                    let syn::Type::Path(ty) = &*block.self_ty else {
                        continue;
                    };
                    if block.trait_.is_some() {
                        continue;
                    }
                    let handle = ty.path.segments.last().unwrap().ident.to_string();
                    for item in &block.items {
                        let syn::ImplItem::Fn(f) = item else { continue };
                        if let Some((module, ty)) = last(&f.sig.output) {
                            handles.entry(handle.clone()).or_default().push((
                                f.sig.ident.to_string(),
                                module,
                                ty,
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut calls = Vec::new();
    let mut pending: Vec<(String, String)> = roots;
    while let Some((prefix, handle)) = pending.pop() {
        for (method, module, ty) in handles.get(&handle).into_iter().flatten() {
            let call = format!("{prefix}.{method}");
            if module == "builder" {
                calls.push((call, ty.clone()));
            } else {
                pending.push((call, ty.clone()));
            }
        }
    }
    (calls, flat)
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

/// Each operation is reached by exactly one call through the resource handles, the one its
/// metadata names, and by no flat `Client` method.
#[test]
fn every_operation_has_exactly_one_call_through_the_resources() {
    let (calls, flat) = generated_calls();
    assert!(flat.is_empty(), "flat Client methods remain: {flat:?}");
    let mut by_call: BTreeMap<&str, &str> = BTreeMap::new();
    let mut by_builder: BTreeMap<&str, usize> = BTreeMap::new();
    for (call, builder) in &calls {
        assert!(
            by_call.insert(call, builder).is_none(),
            "{call} is generated twice"
        );
        *by_builder.entry(builder).or_default() += 1;
    }
    let twice: Vec<_> = by_builder.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "operations reachable twice: {twice:?}");
    assert_eq!(calls.len(), hyperspell::operations::ALL.len());
    for operation in hyperspell::operations::ALL {
        assert!(
            by_call.contains_key(operation.call),
            "no client.{}() for {} {}",
            operation.call.replace('.', "()."),
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

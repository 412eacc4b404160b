//! Generates the Hyperspell client from `spec/hyperspell.yaml` (or `$HYPERSPELL_SPEC`) into
//! `$OUT_DIR` with the shared pipeline in `hyperspell-codegen`. Never touches the network.

// `hyperspell_codegen::Diagnostic` is a large error by design (see codegen/src/lib.rs).
#![allow(clippy::result_large_err)]

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=HYPERSPELL_SPEC");
    let spec = match std::env::var_os("HYPERSPELL_SPEC") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env("CARGO_MANIFEST_DIR")).join("spec/hyperspell.yaml"),
    };
    println!("cargo::rerun-if-changed={}", spec.display());
    let out_dir = PathBuf::from(env("OUT_DIR"));
    // The reviewed resource map beside the spec (`spec/resources.yaml`).
    let resources = resource_map(&spec);
    let options = hyperspell_codegen::Options {
        flavor: hyperspell_codegen::Flavor::Hyperspell,
        mock: std::env::var_os("CARGO_FEATURE_MOCK").is_some(),
        // The contract-test calls are generated where those tests are built
        // (`contract-tests/build.rs`), never in a build of the client.
        contract: false,
        resources,
    };

    let generated = hyperspell_codegen::load_file(&spec)
        .and_then(|loaded| hyperspell_codegen::generate(&loaded, &options));
    let generated = match generated {
        Ok(generated) => generated,
        Err(diagnostic) => {
            // One clear message, no panic and no backtrace.
            for line in diagnostic.to_string().lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    };
    // Parts generated with a fallback: the build goes on, the user is told where and what.
    for note in generated.notes.iter().filter(|n| n.degraded) {
        println!(
            "cargo::warning={}",
            note.display_in(&spec.display().to_string())
        );
    }
    write(&out_dir.join("hyperspell_client.rs"), &generated.code);
    if let Some(mock) = &generated.mock {
        write(&out_dir.join("hyperspell_mock.rs"), mock);
    }
}

fn resource_map(spec: &std::path::Path) -> Option<hyperspell_codegen::ResourceMap> {
    let beside = spec
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join(hyperspell_codegen::resources::RESOURCE_MAP_FILE);
    println!("cargo::rerun-if-changed={}", beside.display());
    match hyperspell_codegen::ResourceMap::beside(spec) {
        Ok(map) => map,
        Err(diagnostic) => {
            for line in diagnostic.to_string().lines() {
                println!("cargo::error={line}");
            }
            std::process::exit(1);
        }
    }
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        println!("cargo::error={name} is not set: build.rs must run under cargo");
        std::process::exit(1)
    })
}

fn write(path: &std::path::Path, text: &str) {
    if let Err(e) = std::fs::write(path, text) {
        println!("cargo::error=cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}

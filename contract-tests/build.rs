//! Writes the contract calls (`$OUT_DIR/contract_calls.rs`) for `tests/contract.rs`: the same
//! spec as the `hyperspell` crate's `build.rs` (`../spec/hyperspell.yaml` or
//! `$HYPERSPELL_SPEC`) through the same pipeline, so the calls match the client's generated
//! builders and types.

// `hyperspell_codegen::Diagnostic` is a large error by design (see codegen/src/lib.rs).
#![allow(clippy::result_large_err)]

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-env-changed=HYPERSPELL_SPEC");
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let spec = match std::env::var_os("HYPERSPELL_SPEC") {
        Some(path) => PathBuf::from(path),
        None => manifest_dir.join("../spec/hyperspell.yaml"),
    };
    println!("cargo::rerun-if-changed={}", spec.display());
    let options = hyperspell_codegen::Options {
        flavor: hyperspell_codegen::Flavor::Hyperspell,
        mock: false,
        contract: true,
        resources: None,
    };
    let beside = spec
        .parent()
        .unwrap_or(std::path::Path::new("."))
        .join(hyperspell_codegen::resources::RESOURCE_MAP_FILE);
    println!("cargo::rerun-if-changed={}", beside.display());
    let generated = hyperspell_codegen::ResourceMap::beside(&spec).and_then(|resources| {
        let options = hyperspell_codegen::Options {
            resources,
            ..options
        };
        hyperspell_codegen::load_file(&spec)
            .and_then(|loaded| hyperspell_codegen::generate(&loaded, &options))
    });
    let contract = match generated.map(|generated| generated.contract) {
        Ok(Some(contract)) => contract,
        Ok(None) => fail("the pipeline returned no contract calls although asked for them"),
        Err(diagnostic) => fail(&diagnostic.to_string()),
    };
    let path = PathBuf::from(env("OUT_DIR")).join("contract_calls.rs");
    if let Err(e) = std::fs::write(&path, contract) {
        fail(&format!("cannot write {}: {e}", path.display()));
    }
}

fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| fail(&format!("{name} is not set: build.rs must run under cargo")))
}

/// One clear message, no panic and no backtrace.
fn fail(message: &str) -> ! {
    for line in message.lines() {
        println!("cargo::error={line}");
    }
    std::process::exit(1)
}

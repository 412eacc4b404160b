//! What the contract-call generator would cost every downstream build: generation of the
//! vendored spec as `build.rs` runs it (Hyperspell flavor, no contract calls) against the same
//! with the contract calls (what `contract-tests/build.rs` runs, and what `build.rs` ran before
//! the calls moved there), in one process, median of 7 each.
//! Run: `cargo bench -p hyperspell-codegen --bench generate` (debug build: `--profile dev`).

mod common;

use common::median_ms;
use hyperspell_codegen::{Flavor, Options, ResourceMap, generate, load_file};

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/hyperspell.yaml");
    let path = std::path::Path::new(path);
    let spec = load_file(path).expect("the vendored spec loads");
    let resources = ResourceMap::beside(path).expect("the resource map loads");
    let run = |contract: bool| {
        let options = Options {
            flavor: Flavor::Hyperspell,
            contract,
            resources: resources.clone(),
            ..Options::default()
        };
        let generated = generate(&spec, &options).expect("the vendored spec generates");
        generated.code.len() + generated.contract.as_ref().map_or(0, String::len)
    };
    let (mut client_bytes, mut contract_bytes) = (0, 0);
    let client_ms = median_ms(7, || client_bytes = run(false));
    let contract_ms = median_ms(7, || contract_bytes = run(true));
    println!("client only (build.rs):       {client_ms:7.0} ms, {client_bytes} bytes of code");
    println!("client + contract calls:      {contract_ms:7.0} ms, {contract_bytes} bytes of code");
    println!(
        "ratio client-only / with contract calls: {:.2}",
        client_ms / contract_ms
    );
}

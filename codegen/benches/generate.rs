//! What the contract-call generator would cost every downstream build: generation of the
//! vendored spec as `build.rs` runs it (Hyperspell flavor, no contract calls) against the same
//! with the contract calls (what `contract-tests/build.rs` runs, and what `build.rs` ran before
//! the calls moved there), in one process, median of 7 each.
//! Run: `cargo bench -p hyperspell-codegen --bench generate` (debug build: `--profile dev`).

use std::time::Instant;

use hyperspell_codegen::{Flavor, Options, ResourceMap, generate, load_file};

fn median_ms(run: &dyn Fn() -> usize) -> (f64, usize) {
    let mut bytes = 0;
    let mut samples: Vec<f64> = (0..7)
        .map(|_| {
            let start = Instant::now();
            bytes = run();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], bytes)
}

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
    let (client_ms, client_bytes) = median_ms(&|| run(false));
    let (contract_ms, contract_bytes) = median_ms(&|| run(true));
    println!("client only (build.rs):       {client_ms:7.0} ms, {client_bytes} bytes of code");
    println!("client + contract calls:      {contract_ms:7.0} ms, {contract_bytes} bytes of code");
    println!(
        "ratio client-only / with contract calls: {:.2}",
        client_ms / contract_ms
    );
}

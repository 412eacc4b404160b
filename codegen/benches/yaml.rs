//! Why serde-saphyr: parse time of the vendored spec (and a corpus file) with serde-saphyr,
//! which the pipeline uses, against the deprecated serde_yaml, in one process; both must give
//! the same `serde_json::Value`. Run: `cargo bench -p hyperspell-codegen --bench yaml`.

mod common;

use common::median_ms;

fn main() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    for path in [
        format!("{root}/spec/hyperspell.yaml"),
        format!("{root}/../shared/openapi-corpus/v31/06-train-travel-api.yaml"),
    ] {
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("{path}: not found, skipped");
            continue;
        };
        let saphyr: serde_json::Value = serde_saphyr::from_str(&text).expect("serde-saphyr parses");
        let yaml: serde_json::Value = serde_yaml::from_str(&text).expect("serde_yaml parses");
        assert_eq!(saphyr, yaml, "{path}: the parsers disagree");
        let saphyr_ms = median_ms(9, || {
            let _: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
        });
        let yaml_ms = median_ms(9, || {
            let _: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        });
        println!(
            "{path}: serde-saphyr {saphyr_ms:.1} ms, serde_yaml {yaml_ms:.1} ms, ratio {:.2} (same value)",
            saphyr_ms / yaml_ms
        );
    }
}

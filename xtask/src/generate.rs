//! `cargo xtask generate`: the build.rs pipeline on any spec, for review and for the corpus.
//!
//! Parts generated with a fallback (see `hyperspell_codegen::Note::degraded`) are printed on
//! stderr and counted; `--strict` refuses them.

use std::path::{Path, PathBuf};

use hyperspell_codegen::{Flavor, Note, Options, ResourceMap, generate, load_file};

use crate::Failure;

pub fn run(args: &[String]) -> Result<(), Failure> {
    let mut spec = None;
    let mut out = None;
    let mut list = false;
    let mut name = None;
    let mut time = false;
    let mut strict = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--spec" => spec = iter.next().map(PathBuf::from),
            "--out" => out = iter.next().map(PathBuf::from),
            "--name" => name = iter.next().cloned(),
            "--list" => list = true,
            "--time" => time = true,
            "--strict" => strict = true,
            other => {
                return Err(Failure::Usage(format!(
                    "generate: unexpected argument `{other}`"
                )));
            }
        }
    }
    let spec = spec.ok_or_else(|| Failure::Usage("generate needs --spec FILE".into()))?;
    if !list && !time && out.is_none() {
        return Err(Failure::Usage(
            "generate needs --list, --time or --out DIR".into(),
        ));
    }
    if time {
        return time_pipeline(&spec, strict);
    }
    let loaded = load_file(&spec)?;
    let generated = generate(
        &loaded,
        &Options {
            flavor: Flavor::Standalone,
            mock: false,
            contract: false,
            resources: ResourceMap::beside(&spec)?,
        },
    )?;
    let file = spec.display().to_string();
    check_degraded(&file, &generated.notes, strict)?;
    if list {
        for op in &generated.operations {
            println!(
                "{}\t{}\t{}\t{}",
                op.method,
                op.path,
                op.operation_id.as_deref().unwrap_or("-"),
                op.call_path()
            );
        }
    }
    if let Some(out) = out {
        let crate_name = name.unwrap_or_else(|| crate_name_for(&spec));
        write_crate(&out, &crate_name, &generated.code)?;
        eprintln!(
            "wrote crate `{crate_name}` to {} ({} operations)",
            out.display(),
            generated.operations.len()
        );
    }
    eprintln!(
        "{file}: {} operations, {} degraded parts",
        generated.operations.len(),
        generated.degraded()
    );
    Ok(())
}

/// Prints the degraded notes of `file` as warnings; with `strict`, they are the failure.
pub fn check_degraded(file: &str, notes: &[Note], strict: bool) -> Result<(), Failure> {
    let degraded: Vec<String> = notes
        .iter()
        .filter(|n| n.degraded)
        .map(|n| n.display_in(file))
        .collect();
    if degraded.is_empty() {
        return Ok(());
    }
    if strict {
        return Err(Failure::Failed(format!(
            "error: {} parts would be generated with a fallback (--strict refuses them):\n{}",
            degraded.len(),
            degraded.join("\n")
        )));
    }
    for line in &degraded {
        eprintln!("warning: {line}");
    }
    Ok(())
}

/// Median wall time of parsing alone and of the whole pipeline, in one process.
fn time_pipeline(spec: &Path, strict: bool) -> Result<(), Failure> {
    const RUNS: usize = 7;
    let bytes = std::fs::read(spec)
        .map_err(|e| Failure::Failed(format!("cannot read {}: {e}", spec.display())))?;
    let resources = ResourceMap::beside(spec)?;
    let file = spec.display().to_string();
    let median = |mut samples: Vec<f64>| {
        samples.sort_by(f64::total_cmp);
        samples[samples.len() / 2]
    };
    let mut parse = Vec::new();
    let mut whole = Vec::new();
    let mut operations = 0;
    let mut notes = Vec::new();
    let mut stages = Vec::new();
    for _ in 0..RUNS {
        let start = std::time::Instant::now();
        let loaded = hyperspell_codegen::load_bytes(&file, &bytes)?;
        parse.push(start.elapsed().as_secs_f64());
        let start = std::time::Instant::now();
        let loaded_again = hyperspell_codegen::load_bytes(&file, &bytes)?;
        let generated = generate(
            &loaded_again,
            &Options {
                flavor: Flavor::Hyperspell,
                mock: false,
                contract: false,
                resources: resources.clone(),
            },
        )?;
        whole.push(start.elapsed().as_secs_f64());
        operations = generated.operations.len();
        notes = generated.notes;
        stages = generated.timings;
        drop(loaded);
    }
    check_degraded(&file, &notes, strict)?;
    let degraded = notes.iter().filter(|n| n.degraded).count();
    let (parse, whole) = (median(parse), median(whole));
    println!(
        "{file}: {operations} operations, {degraded} degraded parts; parse {:.1} ms; parse+normalize+generate {:.1} ms ({:.1}x parse); median of {RUNS}",
        parse * 1e3,
        whole * 1e3,
        whole / parse
    );
    let stages: Vec<String> = stages
        .iter()
        .map(|(stage, time)| format!("{stage} {:.1} ms", time.as_secs_f64() * 1e3))
        .collect();
    println!("  last run by stage: {}", stages.join(", "));
    Ok(())
}

fn crate_name_for(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("client");
    let mut name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert_str(0, "api_");
    }
    name
}

/// The dependencies the generated code uses, pinned as in this workspace.
pub const STANDALONE_DEPENDENCIES: &str = r#"progenitor-client = "0.15.1"
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "multipart"] }
serde = { version = "1", features = ["derive"] }
# `raw_value`: discriminated unions decode in one pass (see codegen `generate/unions.rs`).
serde_json = { version = "1", features = ["raw_value"] }
bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "clock", "std"] }
futures = "0.3"
regress = "0.10"
uuid = { version = "1", features = ["serde"] }
tokio = { version = "1", features = ["fs"] }
tokio-util = { version = "0.7", features = ["io"] }
# progenitor's websocket operations (`x-dropshot-websocket`) use these.
base64 = "0.22"
rand = "0.9"
"#;

fn write_crate(out: &Path, name: &str, code: &str) -> Result<(), Failure> {
    let src = out.join("src");
    std::fs::create_dir_all(&src)
        .map_err(|e| Failure::Failed(format!("cannot create {}: {e}", src.display())))?;
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n{STANDALONE_DEPENDENCIES}"
    );
    let lib = format!(
        "//! Generated by `cargo xtask generate`; do not edit.\n#![allow(clippy::all, unused, non_camel_case_types, mismatched_lifetime_syntaxes)]\n\n{code}"
    );
    for (path, text) in [
        (out.join("Cargo.toml"), manifest),
        (src.join("lib.rs"), lib),
    ] {
        std::fs::write(&path, text)
            .map_err(|e| Failure::Failed(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}

//! Every operation through the `hyperspell` binary against Steady (the validating mock server
//! the official SDKs test against), once with only the required inputs and once with every
//! input, each given as the command-line flags a user would type. Inputs are synthesized from
//! the spec by `hyperspell-codegen`'s contract synthesizer (`input_samples`, feature
//! `contract`, a dev-dependency only). Steady answers 400 with its reasons when a request
//! breaks the spec, and notes values out of range in `x-steady-error-*` headers (which the
//! CLI prints with `--debug`): both are failures, listed together at the end.
//!
//! Steady is started by the client contract tests' launcher (`hyperspell_contract_tests::steady`:
//! `$STEADY_BIN`, which `.ci/run` exports, else the one installed in `target/steady`, else
//! `npx`); the test fails loudly, never skips, when none starts.

mod support;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

use hyperspell_contract_tests::steady::Steady;
use serde_json::Value;
use support::{KEY, hyperspell, run, stderr, stdout};

const COMMANDS: &str = include_str!(concat!(env!("OUT_DIR"), "/commands.json"));

fn kebab(name: &str) -> String {
    name.replace('_', "-")
}

/// The flag and kind of every input of an operation, as the CLI names them (see
/// `args::flags`): (place, name) → (flag, kind).
fn flags(entry: &Value) -> HashMap<(String, String), (String, String)> {
    let mut inputs: Vec<&Value> = entry["params"].as_array().unwrap().iter().collect();
    if let Some(fields) = entry["body"]["fields"].as_array() {
        inputs.extend(fields);
    }
    let params: Vec<String> = entry["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| kebab(p["name"].as_str().unwrap()))
        .collect();
    let mut taken = Vec::new();
    let mut out = HashMap::new();
    for input in inputs {
        let (name, place) = (
            input["name"].as_str().unwrap(),
            input["in"].as_str().unwrap(),
        );
        let mut flag = kebab(name);
        if place == "body" && params.contains(&flag) {
            flag = format!("body-{flag}");
        }
        if ["body", "all", "max-items", "help"].contains(&flag.as_str()) || taken.contains(&flag) {
            flag = format!("{place}-{flag}");
        }
        taken.push(flag.clone());
        out.insert(
            (place.to_owned(), name.to_owned()),
            (flag, input["kind"].as_str().unwrap().to_owned()),
        );
    }
    out
}

/// The command-line words for one value of an input of `kind`.
fn words(kind: &str, value: &Value) -> Vec<String> {
    match (kind, value) {
        ("json", value) => vec![value.to_string()],
        (_, Value::Array(items)) => items.iter().flat_map(|v| words(kind, v)).collect(),
        (_, Value::String(s)) => vec![s.clone()],
        (_, other) => vec![other.to_string()],
    }
}

#[test]
fn every_operation_through_the_cli_matches_the_spec_in_steady() {
    let steady = Steady::start(
        &support::spec_path(),
        Path::new(env!("CARGO_TARGET_TMPDIR")),
    );
    let base_url = steady.base_url();
    let spec = hyperspell_codegen::load_file(&support::spec_path()).unwrap();
    let (doc, _) = hyperspell_codegen::normalize::normalize(&spec).unwrap();
    let table: Vec<Value> = serde_json::from_str(COMMANDS).unwrap();
    let dir = std::env::temp_dir().join(format!("hyperspell-cli-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    // Canary: Steady rejects a body without the required `user_id`, and the CLI reports it
    // (an API error, exit 1), so a pass below means something.
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    let canary = run(hyperspell()
        .args([
            "--api-key",
            KEY,
            "--base-url",
            &base_url,
            "--max-retries",
            "0",
            "--debug",
        ])
        .args([
            "auth",
            "user-token",
            "--body",
            &format!("@{}", empty.display()),
        ]));
    assert_eq!(canary.status.code(), Some(1), "{}", stderr(&canary));
    assert!(stderr(&canary).contains("400"), "{}", stderr(&canary));
    assert!(
        stderr(&canary).contains("x-steady-request-valid: false"),
        "{}",
        stderr(&canary)
    );

    let mut failures = Vec::new();
    let mut passed = 0;
    let mut total = 0;
    for all in [false, true] {
        let samples = hyperspell_codegen::generate::input_samples(&doc, all);
        assert_eq!(samples.len(), hyperspell::operations::ALL.len());
        for (n, sample) in samples.iter().enumerate() {
            total += 1;
            let op = hyperspell::operations::ALL
                .iter()
                .find(|op| op.method == sample.method && op.path == sample.path)
                .unwrap_or_else(|| panic!("no operation {} {}", sample.method, sample.path));
            let entry = table
                .iter()
                .find(|e| e["name"] == op.name)
                .unwrap_or_else(|| panic!("{} is not in the command table", op.name));
            let flags = flags(entry);
            let mut command = hyperspell();
            command.args(["--api-key", KEY, "--as-user", "cli-contract-user"]);
            command.args(["--base-url", &base_url, "--max-retries", "0", "--debug"]);
            command.args(["--format", "jsonl"]);
            command.args(op.call.split('.').map(kebab));
            for (name, place, value) in &sample.params {
                let (flag, kind) = &flags[&(place.clone(), name.clone())];
                for word in words(kind, value) {
                    command.arg(format!("--{flag}")).arg(word);
                }
            }
            let mut null_fields = serde_json::Map::new();
            if let Some(Value::Object(body)) = &sample.body {
                for (name, value) in body {
                    let (flag, kind) = &flags[&("body".to_owned(), name.clone())];
                    if value.is_null() {
                        null_fields.insert(name.clone(), Value::Null);
                        continue;
                    }
                    if kind == "file" {
                        let path = dir.join(format!("upload-{n}.txt"));
                        std::fs::write(&path, value.as_str().unwrap_or("content")).unwrap();
                        command.arg(format!("--{flag}")).arg(&path);
                        continue;
                    }
                    for word in words(kind, value) {
                        command.arg(format!("--{flag}")).arg(word);
                    }
                }
                // A required nullable field is sent as `null`: no flag can say that, the
                // whole-body file can (flags are set over it).
                if !null_fields.is_empty() || (body.is_empty() && !sample.multipart) {
                    let path = dir.join(format!("body-{n}-{all}.json"));
                    std::fs::write(&path, Value::Object(null_fields).to_string()).unwrap();
                    command.arg("--body").arg(format!("@{}", path.display()));
                }
            }
            let output = run(&mut command);
            let err = stderr(&output);
            let mode = if all { "all" } else { "required" };
            let rejected = err.contains("x-steady-request-valid: false")
                || err.lines().any(|l| {
                    l.strip_prefix("< x-steady-error-count: ")
                        .is_some_and(|n| n.trim() != "0")
                });
            if output.status.success() && !rejected {
                passed += 1;
                continue;
            }
            let args: Vec<String> = command
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            let diagnostics: Vec<&str> = err
                .lines()
                .filter(|l| l.starts_with("error") || l.contains("x-steady-error"))
                .collect();
            failures.push(format!(
                "{} ({} {}) [{mode}] exit {:?}\n    hyperspell {}\n    {}\n    stdout: {}",
                op.call,
                op.method,
                op.path,
                output.status.code(),
                args.join(" "),
                diagnostics.join("\n    "),
                stdout(&output).chars().take(300).collect::<String>()
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("cli contract: {passed}/{total} commands passed");
    assert_eq!(total, 2 * hyperspell::operations::ALL.len());
    if !failures.is_empty() {
        let mut report = format!("{} of {total} CLI calls failed:\n", failures.len());
        for f in &failures {
            let _ = writeln!(report, "\n{f}");
        }
        let _ = writeln!(report, "Steady's log: {}", steady.log.display());
        panic!("{report}");
    }
}

//! Runs the diff engine (as `cargo xtask diff-spec --no-rust` does) on the spec-diff corpus made from oasdiff's own tests
//! (`../shared/diff-corpus`, rules in its README) and reports two figures:
//!
//! - agreement on breaking-or-not: whether the case's expected ids include a breaking one
//!   (oasdiff level ERR or WARN) and whether ours (after the same filtering) do (for a
//!   `contains` case, which names only part of the answer, among the ids it names);
//! - cases passed exactly: the case's `match` rule (`exact`, `contains`, `forbidden-only`) holds.
//!
//! The test fails when either figure drops below the floor reached so far.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use hyperspell_diff::{Format, Input, Options, Policy, Stability};
use serde_json::Value;

/// Floors: the figures this implementation reaches (percent, rounded down).
const AGREEMENT_FLOOR: f64 = 100.0;
const EXACT_FLOOR: f64 = 100.0;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/diff-corpus")
}

fn rank(level: &str) -> u8 {
    match level {
        "ERR" | "error" => 2,
        "WARN" | "warning" => 1,
        _ => 0,
    }
}

/// The policy a case's options ask for; `Err` names an option the engine does not support.
fn policy(case: &Value) -> Result<Policy, String> {
    let mut policy = Policy::default();
    for (key, value) in case["options"].as_object().into_iter().flatten() {
        let text = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let days = || text.parse::<i64>().map_err(|_| format!("{key}: {text}"));
        match key.as_str() {
            "deprecation_days_beta" => policy.beta_days = days()?,
            "deprecation_days_stable" => policy.stable_days = days()?,
            "stability_level" => {
                policy.threshold =
                    Stability::parse(&text).ok_or_else(|| format!("{key}: {text}"))?
            }
            other => return Err(other.to_owned()),
        }
    }
    Ok(policy)
}

/// The JSON report of one case, as `diff-spec --format json --no-rust` prints it.
fn report(root: &Path, case: &Value, policy: Policy) -> Result<Value, String> {
    let load = |key: &str| {
        let name = case[key].as_str().unwrap();
        Input::from_file(&root.join(name), name).map_err(|e| e.to_string())
    };
    let (base, revision) = (load("base")?, load("revision")?);
    let options = Options {
        policy,
        rust: false,
        crate_version: None,
        resources: None,
    };
    let result = hyperspell_diff::compare(&base, &revision, &options);
    let json = hyperspell_diff::render(&result, Format::Json, &revision.context());
    serde_json::from_str(&json).map_err(|e| e.to_string())
}

#[test]
fn oasdiff_corpus() {
    let root = corpus();
    let cases: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(root.join("cases.json")).expect("cases.json"),
    )
    .expect("cases.json is JSON");
    let checks: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(root.join("checks.json")).expect("checks.json"),
    )
    .unwrap();
    let level_of: BTreeMap<String, u8> = checks
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                rank(c["level"].as_str().unwrap()),
            )
        })
        .collect();

    let mut agree = 0;
    let mut exact = 0;
    let mut unsupported = Vec::new();
    let mut failures = Vec::new();
    let mut disagreements = Vec::new();
    let mut counted = 0;
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let policy = match policy(case) {
            Ok(policy) => policy,
            Err(option) => {
                unsupported.push(format!("{name} (option `{option}`)"));
                continue;
            }
        };
        counted += 1;
        let report = match report(&root, case, policy) {
            Ok(v) => v,
            Err(error) => {
                failures.push(format!("{name}: no report: {error}"));
                continue;
            }
        };
        let min_level = rank(case["level_filter"].as_str().unwrap_or("INFO"));
        let scope_ids: Option<BTreeSet<&str>> = (case["scope"] != "all").then(|| {
            case["scope_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect()
        });
        let reported: BTreeSet<String> = report["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .filter(|id| level_of.get(id).copied().unwrap_or(0) >= min_level)
            .filter(|id| scope_ids.as_ref().is_none_or(|s| s.contains(id.as_str())))
            .collect();
        let expected: BTreeSet<String> = case["expected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
        let forbidden: BTreeSet<String> = case["forbidden"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();

        let forbidden_hit: Vec<&String> = reported.intersection(&forbidden).collect();
        let passed = forbidden_hit.is_empty()
            && match case["match"].as_str().unwrap() {
                "exact" => reported == expected,
                "contains" => expected.is_subset(&reported),
                _ => true,
            };
        if passed {
            exact += 1;
        } else {
            failures.push(format!(
                "{name} [{} {} {}]: expected {expected:?}, got {reported:?}{}",
                case["match"].as_str().unwrap(),
                case["level_filter"].as_str().unwrap(),
                case["scope"].as_str().unwrap(),
                if forbidden_hit.is_empty() {
                    String::new()
                } else {
                    format!(", forbidden {forbidden_hit:?}")
                }
            ));
        }
        // Breaking-or-not: does the case expect a breaking (ERR/WARN) id, and do we report one?
        // `exact` and `forbidden-only` cases state the whole answer; a `contains` case only a
        // part of it, so there it is judged on the ids it names.
        let breaking = |ids: &BTreeSet<String>| {
            ids.iter()
                .any(|id| level_of.get(id).copied().unwrap_or(0) >= 1)
        };
        let judged: BTreeSet<String> = if case["match"] == "contains" {
            reported.intersection(&expected).cloned().collect()
        } else {
            reported.clone()
        };
        if breaking(&expected) == breaking(&judged) {
            agree += 1;
        } else {
            disagreements.push(name.to_owned());
        }
    }

    let agreement = 100.0 * agree as f64 / counted as f64;
    let exactness = 100.0 * exact as f64 / counted as f64;
    println!(
        "diff corpus: {counted} cases run, {} listed as unsupported",
        unsupported.len()
    );
    println!("agreement on breaking-or-not: {agree}/{counted} = {agreement:.1}%");
    println!("cases passed exactly:         {exact}/{counted} = {exactness:.1}%");
    if !unsupported.is_empty() {
        println!("unsupported (not counted):");
        for u in &unsupported {
            println!("  {u}");
        }
    }
    println!("breaking-or-not disagreements: {disagreements:?}");
    println!("failed cases:");
    for f in &failures {
        println!("  {f}");
    }
    assert!(
        agreement >= AGREEMENT_FLOOR,
        "agreement {agreement:.1}% fell below {AGREEMENT_FLOOR}%"
    );
    assert!(
        exactness >= EXACT_FLOOR,
        "exact {exactness:.1}% fell below {EXACT_FLOOR}%"
    );
}

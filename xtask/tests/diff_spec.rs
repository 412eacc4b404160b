//! `cargo xtask diff-spec` end to end: the real Hyperspell spec pairs, the output formats, exit
//! codes, git revisions as inputs, invalid input, and `$ref` cycles.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shared(path: &str) -> String {
    root().join("../shared").join(path).display().to_string()
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(root())
        .arg("diff-spec")
        .args(args)
        .output()
        .expect("run xtask")
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let output = xtask(&all);
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn ids(report: &Value) -> Vec<(String, String, String)> {
    report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["level"].as_str().unwrap().to_owned(),
                c["operation"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The JSON report of `old` → `new`, both written as files named after `name` in `dir`;
/// `flags` go before the two files.
fn json_of_texts(dir: &Path, name: &str, old: &str, new: &str, flags: &[&str]) -> Value {
    let (a, b) = (
        dir.join(format!("{name}-a.yaml")),
        dir.join(format!("{name}-b.yaml")),
    );
    std::fs::write(&a, old).unwrap();
    std::fs::write(&b, new).unwrap();
    let mut args = flags.to_vec();
    args.extend([a.to_str().unwrap(), b.to_str().unwrap()]);
    json(&args)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("diff-spec-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn hyperspell_one_release_step_adds_one_endpoint() {
    let report = json(&[
        &shared("spec/history/hyperspell-0.32.1-earlier.yaml"),
        &shared("spec/hyperspell.yaml"),
    ]);
    let changes = ids(&report);
    assert!(
        changes.contains(&(
            "endpoint-added".into(),
            "info".into(),
            "GET /emotional-state/recent".into()
        )),
        "{changes:?}"
    );
    assert!(
        changes.iter().all(|(_, level, _)| level == "info"),
        "nothing breaking: {changes:?}"
    );
    assert_eq!(report["summary"]["breaking"], false);
    let rust = &report["rust"];
    assert_eq!(rust["status"], "ok", "{rust}");
    assert!(
        rust["summary"]
            .as_str()
            .unwrap()
            .starts_with("1 method added"),
        "{rust}"
    );
    assert_eq!(
        rust["methods"]["added"].as_array().unwrap().len(),
        1,
        "{rust}"
    );
    assert_eq!(rust["bump"], "minor");
    assert_eq!(report["semver"], "minor");
}

#[test]
fn hyperspell_since_0_28_lists_the_breaking_changes() {
    let report = json(&[
        "--no-rust",
        &shared("spec/history/hyperspell-0.28.0-reconstructed.yaml"),
        &shared("spec/hyperspell.yaml"),
    ]);
    let changes = ids(&report);
    let has = |id: &str| changes.iter().any(|(i, _, _)| i == id);
    // Enum values dropped from a path parameter, a success status removed, a response property
    // no longer required, plus the new endpoints.
    assert!(has("request-parameter-enum-value-removed"), "{changes:?}");
    assert!(has("response-success-status-removed"), "{changes:?}");
    assert!(has("response-property-became-optional"), "{changes:?}");
    // Removed fields, on both sides.
    assert!(has("request-property-removed"), "{changes:?}");
    assert!(has("response-optional-property-removed"), "{changes:?}");
    assert!(has("endpoint-added"), "{changes:?}");
    assert_eq!(report["summary"]["breaking"], true);
    assert_eq!(report["semver"], "major");
}

#[test]
fn fail_on_sets_the_exit_code() {
    let earlier = shared("spec/history/hyperspell-0.32.1-earlier.yaml");
    let current = shared("spec/hyperspell.yaml");
    let old = shared("spec/history/hyperspell-0.28.0-reconstructed.yaml");
    let ok = xtask(&["--no-rust", "--fail-on", "warning", &earlier, &current]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let info = xtask(&["--no-rust", "--fail-on", "info", &earlier, &current]);
    assert_eq!(info.status.code(), Some(1));
    let broken = xtask(&["--no-rust", "--fail-on", "error", &old, &current]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("at or above `error`"));
    let no_threshold = xtask(&["--no-rust", &old, &current]);
    assert_eq!(no_threshold.status.code(), Some(0));
}

#[test]
fn formats() {
    let old = shared("spec/history/hyperspell-0.28.0-reconstructed.yaml");
    let current = shared("spec/hyperspell.yaml");
    let run = |format: &str| {
        let output = xtask(&["--no-rust", "--format", format, &old, &current]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let text = run("text");
    assert!(
        text.contains("API changes:") && text.contains("breaking changes:"),
        "{text}"
    );
    let markdown = run("markdown");
    assert!(
        markdown.starts_with("<!-- hyperspell-spec-diff -->"),
        "{markdown}"
    );
    let breaking = markdown
        .find("### Breaking changes")
        .expect("breaking section");
    let other = markdown.find("Other API changes").expect("other section");
    assert!(breaking < other, "breaking changes come first");
    let github = run("github");
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
    assert!(
        github
            .lines()
            .any(|l| l.starts_with("::error file=") && l.contains(",line=")),
        "{github}"
    );
    let report: Value = serde_json::from_str(&run("json")).unwrap();
    for change in report["changes"].as_array().unwrap() {
        for key in ["id", "level", "operation", "location", "message"] {
            assert!(change.get(key).is_some(), "{change}");
        }
    }
    assert!(report.get("rust").is_some() && report.get("semver").is_some());
}

#[test]
fn usage_and_input_errors_exit_2() {
    assert_eq!(xtask(&["--format", "xml"]).status.code(), Some(2));
    assert_eq!(xtask(&["a", "b", "c"]).status.code(), Some(2));
    let missing = xtask(&["--no-rust", "does-not-exist.yaml", "spec/hyperspell.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does-not-exist.yaml"));

    let dir = temp_dir("invalid");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: [unclosed\n",
    )
    .unwrap();
    let output = xtask(&["--no-rust", bad.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("bad.yaml:") && stderr.contains("invalid YAML"),
        "{stderr}"
    );
    let broken = dir.join("broken.yaml");
    std::fs::write(
        &broken,
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - in: query\n      responses: {}\n",
    )
    .unwrap();
    let output = xtask(&[
        "--no-rust",
        broken.to_str().unwrap(),
        broken.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("broken.yaml:7:") && stderr.contains("/paths/~1a/get/parameters/0"),
        "{stderr}"
    );
    let swagger = dir.join("swagger.json");
    std::fs::write(&swagger, r#"{"swagger": "2.0"}"#).unwrap();
    let output = xtask(&[
        "--no-rust",
        swagger.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Swagger 2.0"));
}

#[test]
fn git_revisions_as_inputs() {
    // The committed spec against itself, read through git twice: no change.
    let report = json(&[
        "--no-rust",
        "--base",
        "HEAD",
        "--revision",
        "HEAD:spec/hyperspell.yaml",
    ]);
    assert_eq!(report["changes"].as_array().unwrap().len(), 0, "{report}");
    assert_eq!(report["base"]["file"], "HEAD:spec/hyperspell.yaml");
    let bad = xtask(&["--no-rust", "--base", "no-such-revision-xyz"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no-such-revision-xyz"));
}

#[test]
fn ref_cycles_terminate_and_changes_inside_them_are_found() {
    let dir = temp_dir("cycles");
    let spec = |extra: &str| {
        format!(
            r#"openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /tree:
    post:
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Node'}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Node'}}
components:
  schemas:
    Node:
      type: object
      properties:
        children: {{type: array, items: {{$ref: '#/components/schemas/Node'}}}}
        parent: {{$ref: '#/components/schemas/Other'}}
        name: {{type: string{extra}}}
    Other:
      type: object
      properties:
        back: {{$ref: '#/components/schemas/Node'}}
"#
        )
    };
    let report = json_of_texts(
        &dir,
        "tree",
        &spec(""),
        &spec(", maxLength: 10"),
        &["--no-rust"],
    );
    let changes = ids(&report);
    assert!(
        changes
            .iter()
            .any(|(id, _, _)| id == "request-property-max-length-set"),
        "{changes:?}"
    );
    // The response side gained a constraint: narrower output, not reported as breaking.
    assert!(
        !changes
            .iter()
            .any(|(id, level, _)| id.starts_with("response-") && level != "info"),
        "{changes:?}"
    );
}

#[test]
fn nullability_in_every_spelling() {
    let dir = temp_dir("nullable");
    let spec = |prop: &str| {
        format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  x: {prop}\n"
        )
    };
    let cases = [
        ("{type: string}", "{type: [string, 'null']}"),
        (
            "{type: string}",
            "{anyOf: [{type: string}, {type: 'null'}]}",
        ),
        (
            "{type: string}",
            "{oneOf: [{type: 'null'}, {type: string}]}",
        ),
    ];
    for (i, (before, after)) in cases.iter().enumerate() {
        let report = json_of_texts(
            &dir,
            &i.to_string(),
            &spec(before),
            &spec(after),
            &["--no-rust"],
        );
        let changes = ids(&report);
        let found: Vec<&str> = changes.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(
            found,
            ["response-property-became-nullable"],
            "{before} -> {after}"
        );
    }
}

#[test]
fn generation_failure_is_reported_and_the_api_diff_stands() {
    let dir = temp_dir("generation");
    let spec = |second_id: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: list_a\n      responses:\n        '200': {{description: ok}}\n  /b:\n    get:\n      operationId: {second_id}\n      responses:\n        '200': {{description: ok}}\n"
        )
    };
    let report = json_of_texts(&dir, "ids", &spec("list_b"), &spec("list_a"), &[]);
    assert_eq!(report["rust"]["status"], "error", "{report}");
    let error = report["rust"]["error"].as_str().unwrap();
    assert!(
        error.contains("revision") && error.contains("list_a"),
        "{error}"
    );
    let changes = ids(&report);
    assert!(
        changes
            .iter()
            .any(|(id, _, op)| id == "api-operation-id-removed" && op == "GET /b"),
        "{changes:?}"
    );
    // Without a Rust comparison the bump follows the API diff (an info-level change: minor).
    assert_eq!(report["semver"], "minor");
}

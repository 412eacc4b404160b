//! `cargo xtask diff-spec`, the command line: output formats, `--fail-on` and exit codes, git
//! revisions as inputs, invalid input. What the engine finds is tested in `diff/tests/`.

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

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("diff-spec-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
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

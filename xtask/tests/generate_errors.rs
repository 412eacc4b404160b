//! Bad input to the generator: one clear message naming the file, the place and what to do;
//! never a panic or a backtrace. The same pipeline runs in build.rs (see `build_rs_failure`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hyperspell-generate-errors-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `xtask generate --spec <file> --list` and returns (exit code, stderr).
fn generate(file: &Path) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--spec"])
        .arg(file)
        .arg("--list")
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run xtask");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn write_spec(name: &str, file_name: &str, text: &str) -> PathBuf {
    let path = temp_dir(name).join(file_name);
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_clear_error(stderr: &str, file: &Path, expected: &[&str]) {
    assert!(!stderr.contains("panicked"), "panic leaked:\n{stderr}");
    assert!(
        !stderr.contains("stack backtrace"),
        "backtrace leaked:\n{stderr}"
    );
    assert!(
        stderr.contains(&file.display().to_string()),
        "message does not name the file:\n{stderr}"
    );
    for text in expected {
        assert!(stderr.contains(text), "message lacks {text:?}:\n{stderr}");
    }
    assert!(
        stderr.contains("help: "),
        "message does not say what to do:\n{stderr}"
    );
}

const HEAD: &str = "openapi: 3.1.0\ninfo:\n  title: Broken\n  version: '1'\n";

#[test]
fn invalid_yaml_names_line_and_column() {
    let file = write_spec(
        "yaml",
        "spec.yaml",
        &format!("{HEAD}paths:\n  /a:\n    get: [unclosed\n"),
    );
    let (code, stderr) = generate(&file);
    assert_eq!(code, 1, "{stderr}");
    assert_clear_error(&stderr, &file, &["invalid YAML", "spec.yaml:"]);
    // Line 7 holds the unclosed flow sequence; the parser reports at or after it.
    let location = stderr.split("spec.yaml:").nth(1).unwrap();
    let line: usize = location.split(':').next().unwrap().parse().unwrap();
    assert!(line >= 7, "{stderr}");
}

#[test]
fn invalid_json_names_line_and_column() {
    let file = write_spec(
        "json",
        "spec.json",
        "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}\n",
    );
    let (code, stderr) = generate(&file);
    assert_eq!(code, 1, "{stderr}");
    assert_clear_error(&stderr, &file, &["invalid JSON", "spec.json:3:"]);
}

#[test]
fn dangling_ref_names_the_pointer_and_target() {
    let file = write_spec(
        "dangling",
        "spec.yaml",
        &format!(
            "{HEAD}paths:\n  /pets:\n    get:\n      operationId: list_pets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Missing'\n"
        ),
    );
    let (code, stderr) = generate(&file);
    assert_eq!(code, 1, "{stderr}");
    assert_clear_error(
        &stderr,
        &file,
        &[
            "#/components/schemas/Missing",
            "/paths/~1pets/get/responses/200",
        ],
    );
}

/// A duplicated operationId is a degraded part, not a refusal: the client is generated with a
/// distinct name and a located warning; `--strict` refuses it with the same location.
#[test]
fn duplicate_operation_id_degrades_and_strict_refuses_it() {
    let file = write_spec(
        "duplicate",
        "spec.yaml",
        &format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: same\n      responses:\n        '200': {{description: ok}}\n  /b:\n    post:\n      operationId: same\n      responses:\n        '200': {{description: ok}}\n"
        ),
    );
    let (code, stderr) = generate(&file);
    assert_eq!(code, 0, "{stderr}");
    for text in [
        "warning: ",
        "spec.yaml:13:",
        "degraded: operationId `same` is also used by GET /a (same)",
        "named `same_post`",
        "/paths/~1b/post/operationId",
        "2 operations, 1 degraded parts",
    ] {
        assert!(stderr.contains(text), "lacks {text:?}:\n{stderr}");
    }

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["generate", "--strict", "--list", "--spec"])
        .arg(&file)
        .output()
        .expect("run xtask");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    for text in [
        "1 parts would be generated with a fallback (--strict refuses them)",
        "spec.yaml:13:",
        "operationId `same`",
    ] {
        assert!(stderr.contains(text), "lacks {text:?}:\n{stderr}");
    }
}

#[test]
fn not_an_openapi_document_is_refused() {
    let file = write_spec("notopenapi", "spec.yaml", "hello: world\n");
    let (code, stderr) = generate(&file);
    assert_eq!(code, 1, "{stderr}");
    assert_clear_error(&stderr, &file, &["no `openapi` field"]);

    let html = write_spec(
        "html",
        "spec.yaml",
        "<!DOCTYPE html><html><body>Sign in</body></html>",
    );
    let (code, stderr) = generate(&html);
    assert_eq!(code, 1, "{stderr}");
    assert_clear_error(&stderr, &html, &["HTML"]);
}

#[test]
fn invalid_openapi_structure_is_located() {
    // `responses` must be a map of response objects.
    let file = write_spec(
        "structure",
        "spec.yaml",
        &format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      parameters: 12\n      responses:\n        '200': {{description: ok}}\n"
        ),
    );
    let (code, stderr) = generate(&file);
    assert_eq!(code, 1, "{stderr}");
    assert_clear_error(&stderr, &file, &["/paths/~1a/get/parameters"]);
}

#[test]
fn missing_file_is_a_clear_error() {
    let file = temp_dir("missing").join("nope.yaml");
    let (code, stderr) = generate(&file);
    assert_eq!(code, 1, "{stderr}");
    assert_clear_error(&stderr, &file, &["cannot read the spec"]);
}

/// build.rs runs the same pipeline: a broken `HYPERSPELL_SPEC` fails the build with the same
/// message through `cargo::error`, no panic. Heavy: builds the crate's build script in its own
/// target directory so the main one is not invalidated.
#[test]
#[ignore = "heavy: compiles hyperspell's build script in a separate target dir; run by `cargo xtask ci`"]
fn build_rs_failure() {
    let file = write_spec(
        "buildrs",
        "spec.yaml",
        &format!(
            "{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Gone'}}\n"
        ),
    );
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let target = workspace.join("target").join("build-rs-failure");
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .args(["check", "--package", "hyperspell", "--lib", "--target-dir"])
        .arg(&target)
        .env("HYPERSPELL_SPEC", &file)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run cargo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the build must fail:\n{stderr}");
    assert!(stderr.contains("#/components/schemas/Gone"), "{stderr}");
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

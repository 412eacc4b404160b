//! The engine end to end on whole documents: the real Hyperspell spec pairs, `$ref` cycles,
//! nullability spellings, a generation failure, and what the generated API's open enums mean
//! for the Rust verdict (checked against the real generator). The command line around it
//! (flags, exit codes, git revisions) is tested in `xtask/tests/diff_spec.rs`.

use std::path::{Path, PathBuf};

use hyperspell_diff::{DiffResult, Format, Input, Options};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn shared(path: &str) -> PathBuf {
    root().join("../shared").join(path)
}

/// The JSON report (as `diff-spec --format json` prints it) of two inputs.
fn report(base: &Input, revision: &Input, rust: bool) -> Value {
    let json = hyperspell_diff::render(
        &compared(base, revision, rust),
        Format::Json,
        &revision.context(),
    );
    serde_json::from_str(&json).unwrap()
}

fn compared(base: &Input, revision: &Input, rust: bool) -> DiffResult {
    let options = Options {
        rust,
        ..Options::default()
    };
    // On the stack a main thread has (8 MiB, where `cargo xtask diff-spec` runs it): generating
    // the whole Hyperspell spec in a debug build recurses deeper than a test thread's 2 MiB.
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn_scoped(scope, || hyperspell_diff::compare(base, revision, &options))
            .unwrap()
            .join()
            .unwrap()
    })
}

fn load(path: &Path) -> Input {
    Input::from_file(path, &path.display().to_string()).unwrap()
}

fn files(base: &Path, revision: &Path, rust: bool) -> Value {
    report(&load(base), &load(revision), rust)
}

fn texts(old: &str, new: &str, rust: bool) -> Value {
    let load = |name: &str, text: &str| {
        Input::from_spec(hyperspell_codegen::load_bytes(name, text.as_bytes()).unwrap())
    };
    report(&load("old.yaml", old), &load("new.yaml", new), rust)
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

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn hyperspell_one_release_step_adds_one_endpoint() {
    let report = files(
        &shared("spec/history/hyperspell-0.32.1-earlier.yaml"),
        &shared("spec/hyperspell.yaml"),
        true,
    );
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
    let report = files(
        &shared("spec/history/hyperspell-0.28.0-reconstructed.yaml"),
        &shared("spec/hyperspell.yaml"),
        false,
    );
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
fn ref_cycles_terminate_and_changes_inside_them_are_found() {
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
    let report = texts(&spec(""), &spec(", maxLength: 10"), false);
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
    for (before, after) in cases {
        let report = texts(&spec(before), &spec(after), false);
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
    // The revision's `/b` header parameter refers to a component that does not exist: the
    // generator refuses the document (it is invalid), the API diff still compares what it can.
    let spec = |second_id: &str, header: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      operationId: list_a\n      responses:\n        '200': {{description: ok}}\n  /b:\n    get:\n      operationId: {second_id}\n      parameters:\n        - {{name: x-trace, in: header, schema: {header}}}\n      responses:\n        '200': {{description: ok}}\n"
        )
    };
    let report = texts(
        &spec("list_b", "{type: string}"),
        &spec("list_c", "{$ref: '#/components/schemas/Missing'}"),
        true,
    );
    assert_eq!(report["rust"]["status"], "error", "{report}");
    let error = report["rust"]["error"].as_str().unwrap();
    assert!(
        error.contains("revision") && error.contains("Missing"),
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

/// A small API with a response enum (`Kind`), a request enum (`Size`) and a single-value enum
/// (`Tag`), each a component so that its Rust name is its schema name.
fn pets(kind: &str, size: &str, tag: &str) -> String {
    format!(
        r#"openapi: 3.0.3
info: {{title: pets, version: '1'}}
paths:
  /pets:
    get:
      operationId: get_pet
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {{$ref: '#/components/schemas/Pet'}}
    post:
      operationId: create_pet
      requestBody:
        required: true
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/NewPet'}}
      responses:
        '204': {{description: created}}
components:
  schemas:
    Pet:
      type: object
      required: [kind, tag]
      properties:
        kind: {{$ref: '#/components/schemas/Kind'}}
        tag: {{$ref: '#/components/schemas/Tag'}}
    NewPet:
      type: object
      required: [size]
      properties:
        size: {{$ref: '#/components/schemas/Size'}}
    Kind: {{type: string, enum: [{kind}]}}
    Size: {{type: string, enum: [{size}]}}
    Tag: {{type: string, enum: [{tag}]}}
"#
    )
}

/// The Rust verdicts follow what the generator really emits (run here on both sides): string
/// enums with more than one value are open (`#[non_exhaustive]` with a catch-all variant), so a
/// gained value is additive and a lost one breaking; single-value enums stay closed. The API
/// check ids keep oasdiff's levels whatever the Rust verdict.
#[test]
fn open_enums_in_the_generated_api_decide_the_rust_verdict() {
    let base = pets("cat, dog, fish", "small, large", "pet");
    let verdict = |revision: &str| {
        let report = texts(&base, revision, true);
        assert_eq!(report["rust"]["status"], "ok", "{report}");
        report
    };

    // A response enum gains a value: a new variant of a non_exhaustive enum.
    let report = verdict(&pets("cat, dog, fish, bird", "small, large", "pet"));
    let rust = &report["rust"];
    assert_eq!(
        strings(&rust["variants"]["added"]),
        ["Kind::Bird"],
        "{rust}"
    );
    assert_eq!(strings(&rust["breaking"]), Vec::<&str>::new(), "{rust}");
    assert_eq!(report["semver"], "minor");
    assert!(
        ids(&report).contains(&(
            "response-property-enum-value-added".into(),
            "warning".into(),
            "GET /pets".into()
        )),
        "the API check keeps oasdiff's id and level: {report}"
    );

    // A request enum gains a value: the same, on the request side.
    let report = verdict(&pets("cat, dog, fish", "small, medium, large", "pet"));
    let rust = &report["rust"];
    assert_eq!(
        strings(&rust["variants"]["added"]),
        ["Size::Medium"],
        "{rust}"
    );
    assert_eq!(strings(&rust["breaking"]), Vec::<&str>::new(), "{rust}");
    assert_eq!(report["semver"], "minor");

    // A response enum loses a value (two stay, so it stays open): its variant disappears.
    let report = verdict(&pets("cat, dog", "small, large", "pet"));
    let rust = &report["rust"];
    assert_eq!(
        strings(&rust["variants"]["removed"]),
        ["Kind::Fish"],
        "{rust}"
    );
    assert_eq!(
        strings(&rust["breaking"]),
        ["variant `Kind::Fish` removed"],
        "{rust}"
    );
    assert_eq!(report["semver"], "major");

    // A single-value enum is closed; with a second value it becomes open, which breaks matches.
    let report = verdict(&pets("cat, dog, fish", "small, large", "pet, animal"));
    let rust = &report["rust"];
    assert_eq!(
        strings(&rust["breaking"]),
        ["enum `types::Tag` became #[non_exhaustive] (matches need a wildcard arm)"],
        "{rust}"
    );
    assert_eq!(report["semver"], "major");
}

/// The next real state of the API (`../shared/spec/history/hyperspell-0.32.1-2026-07.yaml`):
/// the two removed operations break Rust callers, `DocumentProviders`' new values do not.
#[test]
fn hyperspell_2026_07_breaks_by_its_removed_operations_only() {
    let (base, revision) = (
        load(&root().join("spec/hyperspell.yaml")),
        load(&shared("spec/history/hyperspell-0.32.1-2026-07.yaml")),
    );
    let result = compared(&base, &revision, true);
    let json = hyperspell_diff::render(&result, Format::Json, &revision.context());
    let report: Value = serde_json::from_str(&json).unwrap();
    let rust = &report["rust"];
    assert_eq!(rust["status"], "ok", "{rust}");
    let removed = strings(&rust["methods"]["removed"]);
    assert_eq!(removed.len(), 2, "{rust}");
    let breaking = strings(&rust["breaking"]);
    for method in &removed {
        assert!(
            breaking.contains(&format!("method `client.{method}()` removed").as_str()),
            "{rust}"
        );
    }
    let added = strings(&rust["variants"]["added"]);
    for variant in ["DocumentProviders::Pylon", "DocumentProviders::Clickup"] {
        assert!(added.contains(&variant), "{variant}: {rust}");
    }
    assert!(
        breaking
            .iter()
            .all(|line| !line.contains("DocumentProviders")),
        "new enum values are not breaking for Rust: {rust}"
    );
    // The removed operations are breaking API changes too.
    let errors: Vec<(String, String, String)> = ids(&report)
        .into_iter()
        .filter(|(id, level, _)| level == "error" && id.contains("removed"))
        .collect();
    assert!(!errors.is_empty(), "{report}");
    assert_eq!(report["semver"], "major");
    // The text report says the same: the removals under "breaking for Rust callers", the new
    // variants only as additions.
    let text = hyperspell_diff::render(&result, Format::Text, &revision.context());
    let rust_breaking = text
        .split("breaking for Rust callers:\n")
        .nth(1)
        .and_then(|rest| rest.split("semver:").next())
        .unwrap_or_else(|| panic!("no Rust breaking section: {text}"));
    for method in &removed {
        assert!(
            rust_breaking.contains(&format!("`client.{method}()` removed")),
            "{text}"
        );
    }
    assert!(!rust_breaking.contains("DocumentProviders"), "{text}");
    assert!(
        text.contains("+ variant DocumentProviders::Pylon"),
        "{text}"
    );
}

//! The generator against real-world OpenAPI documents: `../shared/openapi-corpus/{v30,v31}`
//! (see its MANIFEST.md) and the Hyperspell spec.
//!
//! - `every_spec_generates`: each document goes through `xtask generate --list --out`, with the
//!   number of operations it lists checked; the genuinely invalid ones fail with a pinned message.
//! - `every_generated_crate_compiles` (ignored, heavy): every generated crate in one temporary
//!   workspace, checked with one `cargo check --workspace` (type errors are what we look for;
//!   codegen of 40 clients would only cost CI time), printing per spec: operations, degraded
//!   parts, generation time and compile result.
//! - `hyperspell_has_no_degraded_part`: the Hyperspell spec generates with no fallback at all.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Every corpus document and the number of operations its client has (`None`: it is invalid
/// and `generate` must fail with the message in [`INVALID`]).
const CORPUS: &[(&str, Option<usize>)] = &[
    ("v30/01-progenitor-api.github.com.json", Some(767)),
    ("v30/02-progenitor-nexus.json", Some(193)),
    ("v30/03-progenitor-propolis-server.json", Some(7)),
    ("v30/04-progenitor-buildomat.json", Some(21)),
    ("v30/05-progenitor-keeper.json", Some(6)),
    ("v30/06-progenitor-param-collision.json", Some(1)),
    ("v30/07-progenitor-param-overrides.json", Some(1)),
    ("v30/08-progenitor-param-overrides.yaml", Some(1)),
    ("v30/09-progenitor-cli-gen.json", Some(1)),
    // 105 operationIds used twice (invalid): the second of each gets a distinct name (degraded).
    ("v30/10-gnostic-temporal.yaml", Some(226)),
    ("v30/11-typespec-switchbot.yaml", Some(8)),
    // Defaults of the wrong type (invalid): removed where typify would reject them.
    ("v30/12-utoipa4-tgi.json", Some(12)),
    ("v30/13-clerk-bapi-2025-11-10.yaml", Some(239)),
    ("v30/14-clerk-bapi-2026-05-12.yaml", Some(249)),
    ("v30/15-schemars-qdrant.json", Some(69)),
    // A path parameter its path lacks (invalid): removed, noted.
    ("v30/16-swashbuckle-sonarr-v5.json", Some(233)),
    // No `paths` at all, one webhook: a client without operations.
    ("v31/01-oai-webhook-example.yaml", Some(0)),
    ("v31/02-oai-tictactoe.yaml", Some(3)),
    ("v31/04-oai-spec-test-mega.yaml", Some(1)),
    ("v31/06-train-travel-api.yaml", Some(7)),
    ("v31/07-redocly-museum.yaml", Some(8)),
    ("v31/09-fastapi-fullstack-fork.json", Some(35)),
    ("v31/12-utoipa-oxicloud.json", Some(21)),
    ("v31/14-utoipa-pinglow.json", Some(6)),
    ("v31/15-fastapi-prefect.json", Some(179)),
    ("v31/19-swagger-parser-ref-siblings.yaml", None),
    ("v31/24-aspnetcore-eshop-catalog-v1.json", Some(13)),
    ("v31/25-aspnetcore-eshop-catalog-v2.json", Some(10)),
    // Compiles once the collision-free type naming lands (two schemas typed
    // `CompletionArgsStop`, two `WorkflowExecutionTraceSummaryAttributesValues`).
    ("v31/26-speakeasy-mistral.yaml", Some(173)),
    // `info.version` missing (invalid): an empty one stands in.
    ("v31/27-stainless-anthropic.yaml", Some(97)),
    ("v31/28-hand-iceberg-rest-catalog.yaml", Some(35)),
    ("v31/29-huma-steamsets.json", Some(36)),
    ("v31/30-hand-resend-webhooks.yaml", Some(104)),
    ("v31/31-drf-spectacular-pokeapi.yaml", Some(100)),
    // A boolean `exclusiveMinimum` in 3.1 (invalid) is read as 3.0's.
    ("v31/32-speakeasy-openrouter.yaml", Some(97)),
    ("v31/33-swagger-php-coolify.yaml", Some(275)),
    ("v31/34-fastapi-phoenix.json", Some(121)),
    // Compiles once the collision-free type naming lands (two schemas typed `VariableValue`).
    ("v31/35-hand-figma.yaml", Some(47)),
    // A default its own oneOf does not accept (invalid): removed.
    ("v31/36-hand-assemblyai.yaml", Some(10)),
    // OAuth2 flow without `scopes` (invalid): taken as none.
    ("v31/37-litestar-fullstack.json", Some(79)),
];

/// What the invalid documents fail with: (file, pieces of the message, in order).
const INVALID: &[(&str, &[&str])] = &[(
    // A parser test fixture cut out of its suite: its `$ref`s point at components it lacks.
    "v31/19-swagger-parser-ref-siblings.yaml",
    &[
        "19-swagger-parser-ref-siblings.yaml:7:7: error: `$ref` target `#/components/pathItems/Pets` does not exist",
        "at: /paths/~1pets/$ref",
        "help: define `Pets` in `components/pathItems`",
    ],
)];

const HYPERSPELL_OPERATIONS: usize = 101;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

fn corpus_dir() -> PathBuf {
    let dir = workspace_root().join("../shared/openapi-corpus");
    assert!(
        dir.join("MANIFEST.md").is_file(),
        "the shared corpus is missing: expected {} (next to the workspace)",
        dir.display()
    );
    dir
}

fn hyperspell_spec() -> PathBuf {
    workspace_root().join("spec/hyperspell.yaml")
}

/// The target directory this test binary was built in (`.../target`), honouring
/// `CARGO_TARGET_DIR`.
fn target_dir() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_xtask"));
    // .../target/<profile>/xtask
    exe.parent()
        .and_then(Path::parent)
        .expect("xtask binary is in <target>/<profile>")
        .to_path_buf()
}

/// A fresh directory under the target directory, removed first if it exists.
fn scratch(name: &str) -> PathBuf {
    let dir = target_dir().join("corpus-tests").join(name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).expect("remove old scratch dir");
    }
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask")
}

/// `v31/06-train-travel-api.yaml` → `v31_06_train_travel_api`.
fn member_name(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    stem.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Every spec that must generate: (member name, path, expected operation count).
fn valid_specs() -> Vec<(String, PathBuf, usize)> {
    let corpus = corpus_dir();
    let mut specs: Vec<(String, PathBuf, usize)> = CORPUS
        .iter()
        .filter_map(|(file, ops)| ops.map(|ops| (member_name(file), corpus.join(file), ops)))
        .collect();
    specs.push((
        "hyperspell".to_owned(),
        hyperspell_spec(),
        HYPERSPELL_OPERATIONS,
    ));
    specs
}

/// What `generate` made of one spec.
struct Figures {
    operations: usize,
    degraded: usize,
    seconds: f64,
}

/// Runs `generate --list --out DIR`, failing with stderr.
fn generate(spec: &Path, out: &Path, crate_name: &str) -> Figures {
    let started = std::time::Instant::now();
    let output = xtask(&[
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--list",
        "--out",
        out.to_str().unwrap(),
        "--name",
        crate_name,
    ]);
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "generate failed for {}:\n{stderr}",
        spec.display()
    );
    Figures {
        operations: String::from_utf8(output.stdout).unwrap().lines().count(),
        degraded: degraded_parts(&stderr),
        seconds,
    }
}

/// The `N degraded parts` that `generate` reports on stderr.
fn degraded_parts(stderr: &str) -> usize {
    stderr
        .lines()
        .find_map(|line| {
            let (_, tail) = line.rsplit_once(" operations, ")?;
            tail.strip_suffix(" degraded parts")?.parse().ok()
        })
        .unwrap_or_else(|| panic!("no degraded count in:\n{stderr}"))
}

#[test]
fn the_corpus_is_complete() {
    let corpus = corpus_dir();
    let mut on_disk = BTreeSet::new();
    for dir in ["v30", "v31"] {
        for entry in std::fs::read_dir(corpus.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".json") || name.ends_with(".yaml") || name.ends_with(".yml") {
                on_disk.insert(format!("{dir}/{name}"));
            }
        }
    }
    let listed: BTreeSet<String> = CORPUS.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        on_disk, listed,
        "CORPUS must list exactly the documents of the corpus"
    );
}

#[test]
fn every_spec_generates() {
    let dir = scratch("generate");
    let mut failures = Vec::new();
    for (name, spec, expected) in valid_specs() {
        let out = dir.join(&name);
        let output = xtask(&[
            "generate",
            "--spec",
            spec.to_str().unwrap(),
            "--list",
            "--out",
            out.to_str().unwrap(),
        ]);
        if !output.status.success() {
            failures.push(format!(
                "{name}: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
            continue;
        }
        let listed = String::from_utf8(output.stdout).unwrap().lines().count();
        if listed != expected {
            failures.push(format!(
                "{name}: {listed} operations listed, expected {expected}"
            ));
        }
        let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap_or_default();
        if !lib.contains("pub struct Client") || !out.join("Cargo.toml").is_file() {
            failures.push(format!(
                "{name}: no client crate written to {}",
                out.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn invalid_specs_fail_with_a_located_message() {
    let corpus = corpus_dir();
    let dir = scratch("invalid");
    for (file, pieces) in INVALID {
        for args in [vec!["--list"], vec!["--out", dir.to_str().unwrap()]] {
            let spec = corpus.join(file);
            let mut all = vec!["generate", "--spec", spec.to_str().unwrap()];
            all.extend(args);
            let output = xtask(&all);
            assert_eq!(output.status.code(), Some(1), "{file} must fail");
            let stderr = String::from_utf8_lossy(&output.stderr);
            let mut rest = stderr.as_ref();
            for piece in *pieces {
                let at = rest
                    .find(piece)
                    .unwrap_or_else(|| panic!("{file}: `{piece}` not in:\n{stderr}"));
                rest = &rest[at + piece.len()..];
            }
        }
    }
}

#[test]
fn hyperspell_operations_are_listed_with_unique_names() {
    let output = xtask(&[
        "generate",
        "--spec",
        hyperspell_spec().to_str().unwrap(),
        "--list",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(lines.len(), HYPERSPELL_OPERATIONS, "{stdout}");
    assert!(
        lines.iter().all(|l| l.len() == 4),
        "METHOD, PATH, operationId, call per line:\n{stdout}"
    );
    let names: BTreeSet<&str> = lines.iter().map(|l| l[3]).collect();
    assert_eq!(names.len(), lines.len(), "calls must be unique:\n{stdout}");
    let token = lines
        .iter()
        .find(|l| l[0] == "POST" && l[1] == "/auth/user_token")
        .expect("POST /auth/user_token is listed");
    assert_eq!(token[3], "auth.user_token");
}

/// Hyperspell's own spec needs no fallback anywhere: `--strict` accepts it and nothing is
/// reported degraded.
#[test]
fn hyperspell_has_no_degraded_part() {
    let output = xtask(&[
        "generate",
        "--spec",
        hyperspell_spec().to_str().unwrap(),
        "--list",
        "--strict",
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(degraded_parts(&stderr), 0, "{stderr}");
    assert!(!stderr.contains("warning:"), "{stderr}");
}

/// Every generated crate in one workspace, checked once (`cargo check`: type errors are what
/// we look for): what `generate` writes must compile. Prints per spec: operations, degraded
/// parts, generation time and compile result. Takes minutes (the GitHub client alone is
/// 11 MB of Rust).
#[test]
#[ignore = "heavy: compiles every generated crate; run by .ci/run with --ignored"]
fn every_generated_crate_compiles() {
    let dir = scratch("workspace");
    let specs = valid_specs();
    let figures: Vec<Figures> = specs
        .iter()
        .map(|(name, spec, _)| generate(spec, &dir.join(name), &format!("corpus_{name}")))
        .collect();
    let members: Vec<String> = specs
        .iter()
        .map(|(name, _, _)| format!("    \"{name}\","))
        .collect();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n",
            members.join("\n")
        ),
    )
    .unwrap();
    // Start from this workspace's lock file, so that the shared dependencies resolve to the
    // versions already built and tested here.
    let _ = std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"));

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let started = std::time::Instant::now();
    let output = Command::new(cargo)
        .current_dir(&dir)
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--message-format",
            "short",
        ])
        .env("CARGO_TARGET_DIR", target_dir().join("corpus"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let errors_of = |name: &str| {
        stderr
            .lines()
            .filter(|l| l.starts_with(&format!("{name}/")) && l.contains("error"))
            .count()
    };
    eprintln!(
        "{:<45} {:>6} {:>9} {:>9}  compile",
        "spec", "ops", "degraded", "gen s"
    );
    for ((name, _, _), figures) in specs.iter().zip(&figures) {
        let failed = stderr.contains(&format!("could not compile `corpus_{name}`"));
        let result = match (failed, errors_of(name)) {
            (false, _) => "ok".to_owned(),
            (true, errors) => format!("FAILED ({errors} errors)"),
        };
        eprintln!(
            "{name:<45} {:>6} {:>9} {:>9.1}  {result}",
            figures.operations, figures.degraded, figures.seconds
        );
    }
    eprintln!(
        "corpus: {} specs, {} operations, {} degraded parts, generated in {:.0} s, checked in {:.0?}",
        specs.len(),
        figures.iter().map(|f| f.operations).sum::<usize>(),
        figures.iter().map(|f| f.degraded).sum::<usize>(),
        figures.iter().map(|f| f.seconds).sum::<f64>(),
        started.elapsed()
    );
    if output.status.success() {
        return;
    }
    // Per crate: its errors, then the ones no crate claims (dependencies, cargo itself).
    let mut report = String::new();
    for (name, spec, _) in &specs {
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("{name}/")) && l.contains("error"))
            .collect();
        let failed = stderr.contains(&format!("could not compile `corpus_{name}`"));
        if failed || !errors.is_empty() {
            report.push_str(&format!(
                "\n== {name} ({}): {} errors\n",
                spec.display(),
                errors.len()
            ));
            for line in errors.iter().take(20) {
                report.push_str(&format!("  {line}\n"));
            }
        }
    }
    if report.is_empty() {
        report = stderr.to_string();
    }
    panic!("generated crates do not compile:{report}");
}

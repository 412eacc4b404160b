//! `cargo xtask sync-spec`: fetch (or read) the Hyperspell OpenAPI document, validate it with
//! the pipeline `build.rs` runs, vendor it byte for byte and atomically into `spec/`, record the
//! sync in `spec/hyperspell.lock.json`, and summarize what changed.
//!
//! Every failure leaves `spec/` as it was: nothing is written before the new document has been
//! fetched completely and accepted by the pipeline, and the write itself is temp file + rename.
//!
//! `--check` (what CI runs) needs no network: the vendored spec must match its lock and the
//! pipeline must accept it.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hyperspell_codegen::{
    Diagnostic, Flavor, Note, Operation, Options, ResourceMap, Spec, generate, load_bytes,
};

use crate::Failure;

mod changes;
mod fetch;
mod lock;

pub use changes::summarize_changes;
pub use lock::Lock;

/// Where Hyperspell's documentation says the spec is published.
pub const DEFAULT_URL: &str = "https://app.stainlessapi.com/api/spec/documented/hyperspell.yaml";
/// The vendored spec, inside the spec directory.
pub const SPEC_FILE: &str = "hyperspell.yaml";
/// The record of the last sync, inside the spec directory.
pub const LOCK_FILE: &str = "hyperspell.lock.json";

const DEFAULT_TIMEOUT_SECS: f64 = 30.0;
const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

const HELP: &str = "\
usage: cargo xtask sync-spec [--from URL|FILE] [--compile] [options]
       cargo xtask sync-spec --check [--spec-dir DIR]

Fetches the spec (default: the documented URL) or reads FILE, validates it with the pipeline
build.rs runs, then writes spec/hyperspell.yaml byte for byte and spec/hyperspell.lock.json.

options:
  --from URL|FILE     where to get the spec (http://, https://, file:// or a path)
  --compile           also `cargo check -p hyperspell` against the new spec before writing
  --strict            refuse a spec of which any part would be generated with a fallback
  --check             verify spec/ against its lock and the pipeline, without network
  --spec-dir DIR      the directory holding hyperspell.yaml (default: the workspace's spec/)
  --timeout SECS      connect and read timeout (default 30)
  --max-bytes N       refuse a spec larger than N bytes (default 20 MiB)

Proxies: HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (or lower case) are honoured.
";

#[derive(Debug)]
struct Args {
    from: Option<String>,
    spec_dir: PathBuf,
    timeout: Duration,
    max_bytes: u64,
    compile: bool,
    check: bool,
    strict: bool,
}

pub fn run(args: &[String]) -> Result<(), Failure> {
    let Some(args) = parse_args(args)? else {
        print!("{HELP}");
        return Ok(());
    };
    if args.check {
        return check(&args.spec_dir, args.strict);
    }
    sync(&args)
}

fn parse_args(args: &[String]) -> Result<Option<Args>, Failure> {
    let usage = |message: String| Failure::Usage(format!("sync-spec: {message}"));
    let mut parsed = Args {
        from: None,
        spec_dir: workspace_root().join("spec"),
        timeout: Duration::from_secs_f64(DEFAULT_TIMEOUT_SECS),
        max_bytes: DEFAULT_MAX_BYTES,
        compile: false,
        check: false,
        strict: false,
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--from" => parsed.from = Some(value("--from")?),
            "--spec-dir" => parsed.spec_dir = PathBuf::from(value("--spec-dir")?),
            "--timeout" => {
                let text = value("--timeout")?;
                let secs: f64 = text
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0)
                    .ok_or_else(|| {
                        usage(format!(
                            "--timeout takes a positive number of seconds, not `{text}`"
                        ))
                    })?;
                parsed.timeout = Duration::from_secs_f64(secs);
            }
            "--max-bytes" => {
                let text = value("--max-bytes")?;
                parsed.max_bytes = text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    usage(format!(
                        "--max-bytes takes a positive number of bytes, not `{text}`"
                    ))
                })?;
            }
            "--compile" => parsed.compile = true,
            "--check" => parsed.check = true,
            "--strict" => parsed.strict = true,
            "--help" | "-h" => return Ok(None),
            other => return Err(usage(format!("unexpected argument `{other}`"))),
        }
    }
    if parsed.check && (parsed.from.is_some() || parsed.compile) {
        return Err(usage(
            "--check reads only spec/: it takes no --from or --compile".into(),
        ));
    }
    Ok(Some(parsed))
}

/// The workspace this xtask belongs to.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// A failure message: what went wrong and what to do about it.
pub(crate) fn failed(what: impl Display, help: impl Display) -> Failure {
    Failure::Failed(format!("error: {what}\n  help: {help}"))
}

/// `1 operation`, `2 operations`.
pub(crate) fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Ends a failure's message with the promise every failed sync keeps.
pub(crate) fn left_unchanged(failure: Failure, spec_dir: &Path) -> Failure {
    match failure {
        Failure::Failed(message) => Failure::Failed(format!(
            "{message}\nsync-spec: nothing was written; {} is unchanged",
            spec_dir.display()
        )),
        usage => usage,
    }
}

/// A spec the pipeline accepted.
pub struct Validated {
    pub spec: Spec,
    pub operations: Vec<Operation>,
}

/// The pipeline `build.rs` runs (load, normalize, name, generate), on `bytes`; `name` is only
/// used in messages. A rejection is the pipeline's diagnostic, as a failure. Parts generated
/// with a fallback are printed as warnings, or refused when `strict`.
/// Validates `bytes` with the pipeline build.rs runs, with the resource map beside
/// `spec_path` (`spec/resources.yaml`): a map naming an operation the spec lacks is refused.
pub fn validate(
    name: &str,
    bytes: &[u8],
    spec_path: &Path,
    strict: bool,
) -> Result<Validated, Failure> {
    let (validated, notes) = validate_inner(name, bytes, spec_path).map_err(|diagnostic| {
        Failure::Failed(format!(
            "error: the spec was rejected by the pipeline build.rs runs:\n{diagnostic}"
        ))
    })?;
    crate::generate::check_degraded(name, &notes, strict)?;
    Ok(validated)
}

#[allow(clippy::result_large_err)] // the pipeline's own error type
fn validate_inner(
    name: &str,
    bytes: &[u8],
    spec_path: &Path,
) -> Result<(Validated, Vec<Note>), Diagnostic> {
    let spec = load_bytes(name, bytes)?;
    let generated = generate(
        &spec,
        &Options {
            flavor: Flavor::Hyperspell,
            mock: false,
            contract: false,
            resources: ResourceMap::beside(spec_path)?,
        },
    )?;
    Ok((
        Validated {
            spec,
            operations: generated.operations,
        },
        generated.notes,
    ))
}

fn sync(args: &Args) -> Result<(), Failure> {
    let unchanged = |failure| left_unchanged(failure, &args.spec_dir);
    let spec_path = args.spec_dir.join(SPEC_FILE);
    let lock_path = args.spec_dir.join(LOCK_FILE);

    // Everything that can fail before writing: the spec directory, the source, the pipeline.
    if !args.spec_dir.is_dir() {
        return Err(unchanged(failed(
            format!(
                "the spec directory {} does not exist or is not a directory",
                args.spec_dir.display()
            ),
            "run from the workspace, or pass --spec-dir DIR",
        )));
    }
    let previous = read_optional(&spec_path).map_err(unchanged)?;
    let previous_lock = read_optional(&lock_path).map_err(unchanged)?;

    let source =
        fetch::Source::parse(args.from.as_deref().unwrap_or(DEFAULT_URL)).map_err(unchanged)?;
    eprintln!("sync-spec: reading {source}");
    let limits = fetch::Limits {
        timeout: args.timeout,
        max_bytes: args.max_bytes,
    };
    let bytes = source.read(&limits).map_err(unchanged)?;
    let validated =
        validate(&source.to_string(), &bytes, &spec_path, args.strict).map_err(unchanged)?;
    if args.compile {
        compile_check(&bytes).map_err(unchanged)?;
    }

    let lock = Lock::new(&source.to_string(), &bytes, &validated);
    let up_to_date = previous.as_deref() == Some(&bytes[..])
        && previous_lock
            .as_deref()
            .and_then(|text| Lock::parse(text).ok())
            .is_some_and(|old| old.same_sync(&lock));
    if up_to_date {
        println!(
            "{} is up to date with {source} ({}); nothing written",
            spec_path.display(),
            lock.describe()
        );
        return Ok(());
    }

    let lock_text = lock.to_text();
    lock::replace_files(&[
        lock::Replacement {
            path: &spec_path,
            new: &bytes,
            old: previous.as_deref(),
        },
        lock::Replacement {
            path: &lock_path,
            new: lock_text.as_bytes(),
            old: previous_lock.as_deref(),
        },
    ])?;
    println!(
        "wrote {} ({}) and {}",
        spec_path.display(),
        lock.describe(),
        lock_path.display()
    );

    match previous.as_deref() {
        None => println!(
            "no previous spec: {}",
            count(validated.operations.len(), "operation")
        ),
        Some(old) => match load_bytes(&format!("previous {SPEC_FILE}"), old) {
            Ok(old) => {
                print!("{}", summarize_changes(&old, &validated.spec));
                if old.text != validated.spec.text {
                    println!("\ndiff-spec (what the change does to callers and to the Rust API):");
                    // Already read once by `validate`, which refused it if it was invalid.
                    let resources = ResourceMap::beside(&spec_path).ok().flatten();
                    print!(
                        "{}",
                        crate::diff::text_report(&old, &validated.spec, resources.as_ref())
                    );
                }
            }
            Err(diagnostic) => println!(
                "the previous spec could not be read, so there is no comparison:\n{diagnostic}"
            ),
        },
    }
    Ok(())
}

/// `Ok(None)` when `path` does not exist.
fn read_optional(path: &Path) -> Result<Option<Vec<u8>>, Failure> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(failed(
            format!("cannot read {}: {e}", path.display()),
            "check that it is a regular, readable file",
        )),
    }
}

/// `cargo check -p hyperspell` with `HYPERSPELL_SPEC` pointing at the candidate, which
/// `build.rs` generates from instead of `spec/hyperspell.yaml`.
fn compile_check(bytes: &[u8]) -> Result<(), Failure> {
    let candidate =
        std::env::temp_dir().join(format!("hyperspell-sync-{}.yaml", std::process::id()));
    std::fs::write(&candidate, bytes).map_err(|e| {
        failed(
            format!(
                "cannot write the candidate spec to {}: {e}",
                candidate.display()
            ),
            "set TMPDIR to a writable directory",
        )
    })?;
    eprintln!("sync-spec: cargo check -p hyperspell against the new spec");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["check", "-p", "hyperspell", "--lib"])
        .current_dir(workspace_root())
        .env("HYPERSPELL_SPEC", &candidate)
        .status();
    let _ = std::fs::remove_file(&candidate);
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(failed(
            format!(
                "the client generated from the new spec does not compile (cargo check: {status})"
            ),
            "see cargo's errors above: the crate or the generator needs changes before this spec can be vendored",
        )),
        Err(e) => Err(failed(
            format!("cannot run cargo: {e}"),
            "is cargo on PATH (or $CARGO set)?",
        )),
    }
}

/// `--check`: the vendored spec matches its lock and the pipeline accepts it. No network.
fn check(spec_dir: &Path, strict: bool) -> Result<(), Failure> {
    let spec_path = spec_dir.join(SPEC_FILE);
    let lock_path = spec_dir.join(LOCK_FILE);
    let resync = "vendor it again with `cargo xtask sync-spec --from URL|FILE` (never edit the spec by hand), \
                  or restore both files with `git checkout -- spec/`";
    let bytes = std::fs::read(&spec_path)
        .map_err(|e| failed(format!("cannot read {}: {e}", spec_path.display()), resync))?;
    let lock_text = std::fs::read(&lock_path)
        .map_err(|e| failed(format!("cannot read {}: {e}", lock_path.display()), resync))?;
    let lock = Lock::parse(&lock_text).map_err(|e| {
        failed(
            format!("{} is not a valid sync lock: {e}", lock_path.display()),
            resync,
        )
    })?;

    let sha256 = lock::sha256_hex(&bytes);
    if sha256 != lock.sha256 || bytes.len() as u64 != lock.bytes {
        return Err(failed(
            format!(
                "{} does not match {}: it has sha256 {sha256} ({} bytes), the lock records {} ({} bytes) synced from {} — was it edited by hand?",
                spec_path.display(),
                lock_path.display(),
                bytes.len(),
                lock.sha256,
                lock.bytes,
                lock.source
            ),
            resync,
        ));
    }
    let validated = validate(&spec_path.display().to_string(), &bytes, &spec_path, strict)?;
    let actual = Lock::new(&lock.source, &bytes, &validated);
    if actual.info_version != lock.info_version || actual.operations != lock.operations {
        return Err(failed(
            format!(
                "{} disagrees with the spec: it records {}, the spec has {}",
                lock_path.display(),
                lock.describe(),
                actual.describe()
            ),
            resync,
        ));
    }
    println!(
        "{} matches {} ({}, synced from {} at {}) and the pipeline accepts it",
        spec_path.display(),
        lock_path.display(),
        lock.describe(),
        lock.source,
        lock.synced_at
    );
    Ok(())
}

//! `cargo xtask diff-spec`: what changed between two versions of the OpenAPI document, what
//! breaks for API clients (oasdiff's checks, ids and levels), and what changes in the generated
//! Rust API (methods, builder setters, types, fields, variants) with the semver bump it needs.

use std::path::{Path, PathBuf};
use std::process::Command;

use hyperspell_codegen::{Spec, load_bytes};

use crate::Failure;

mod api;
mod body;
mod bundle;
mod catalog;
mod doc;
mod lifecycle;
mod media;
mod model;
mod out;
mod report;
mod rust_impact;
mod schema;

pub use model::{Change, Level};

pub const USAGE: &str = "\
usage: cargo xtask diff-spec [BASE] [REVISION] [options]

BASE and REVISION are spec files (OpenAPI 3.0 or 3.1, YAML or JSON) or git revisions
(`origin/main` reads spec/hyperspell.yaml at that revision, `REV:path` another file).
By default BASE is the committed spec (HEAD) and REVISION the working tree's.

options:
  --base X / --revision X         the same as the positional arguments
  --format text|markdown|json|github
                                  output format (default text; markdown fits a PR comment,
                                  github prints workflow annotations)
  --fail-on error|warning|info    exit 1 when a change at or above this level is found
  --no-rust                       skip the Rust impact (generation of both versions)
  --spec PATH                     the spec inside the repository (default spec/hyperspell.yaml)
  --deprecation-days-beta N       minimum days from deprecation to sunset for beta operations
  --deprecation-days-stable N     ... for stable operations (default 0: no policy)
  --stability-level LEVEL         lowest x-stability-level reported: draft|alpha|beta|stable
                                  (default beta)

exit status: 0 below the --fail-on level, 1 at or above it, 2 for usage or input errors

semver: major when the generated Rust API breaks for callers (something removed or changed, a
new required field, setter or enum variant), minor for additions only, patch otherwise. The
crate is pre-1.0, so Cargo reads a major change as a bump of the minor number (0.1 -> 0.2).
";

/// Parsed command line.
struct Args {
    base: Option<String>,
    revision: Option<String>,
    format: report::Format,
    fail_on: Option<Level>,
    rust: bool,
    spec_path: String,
    policy: lifecycle::Policy,
}

fn parse_args(args: &[String]) -> Result<Args, Failure> {
    let mut parsed = Args {
        base: None,
        revision: None,
        format: report::Format::Text,
        fail_on: None,
        rust: true,
        spec_path: "spec/hyperspell.yaml".to_owned(),
        policy: lifecycle::Policy::default(),
    };
    let mut positional = Vec::new();
    let mut iter = args.iter();
    let usage = |message: String| Failure::Usage(format!("diff-spec: {message}"));
    while let Some(arg) = iter.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, Failure> {
            inline
                .clone()
                .or_else(|| iter.next().cloned())
                .ok_or_else(|| usage(format!("{name} needs a value")))
        };
        match flag {
            "--base" => parsed.base = Some(value("--base")?),
            "--revision" | "--rev" => parsed.revision = Some(value("--revision")?),
            "--format" => {
                let v = value("--format")?;
                parsed.format = report::Format::parse(&v).ok_or_else(|| {
                    usage(format!(
                        "unknown format `{v}` (text, markdown, json or github)"
                    ))
                })?;
            }
            "--fail-on" => {
                let v = value("--fail-on")?;
                parsed.fail_on = Some(Level::parse(&v).ok_or_else(|| {
                    usage(format!("unknown level `{v}` (error, warning or info)"))
                })?);
            }
            "--no-rust" => parsed.rust = false,
            "--spec" => parsed.spec_path = value("--spec")?,
            "--deprecation-days-beta" | "--deprecation-days-stable" => {
                let v = value(flag)?;
                let days: i64 = v
                    .parse()
                    .map_err(|_| usage(format!("{flag} needs a number of days, not `{v}`")))?;
                if flag.ends_with("beta") {
                    parsed.policy.beta_days = days;
                } else {
                    parsed.policy.stable_days = days;
                }
            }
            "--stability-level" => {
                let v = value("--stability-level")?;
                parsed.policy.threshold = lifecycle::Stability::parse(&v).ok_or_else(|| {
                    usage(format!(
                        "unknown stability level `{v}` (draft, alpha, beta or stable)"
                    ))
                })?;
            }
            "-h" | "--help" => return Err(Failure::Usage("diff-spec --help".to_owned())),
            other if other.starts_with("--") => {
                return Err(usage(format!("unknown option `{other}`")));
            }
            other => positional.push(other.to_owned()),
        }
    }
    if positional.len() > 2 {
        return Err(usage(format!(
            "too many arguments: {}",
            positional.join(" ")
        )));
    }
    let mut positional = positional.into_iter();
    if let Some(base) = positional.next() {
        if parsed.base.is_some() {
            return Err(usage("BASE given twice (positional and --base)".to_owned()));
        }
        parsed.base = Some(base);
    }
    if let Some(revision) = positional.next() {
        if parsed.revision.is_some() {
            return Err(usage(
                "REVISION given twice (positional and --revision)".to_owned(),
            ));
        }
        parsed.revision = Some(revision);
    }
    Ok(parsed)
}

pub fn run(args: &[String]) -> Result<(), Failure> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{USAGE}");
        return Ok(());
    }
    let args = parse_args(args)?;
    let root = workspace_root();
    let base = load_input(
        &root,
        args.base.as_deref().unwrap_or("HEAD"),
        &args.spec_path,
    )?;
    let revision = match args.revision.as_deref() {
        Some(arg) => load_input(&root, arg, &args.spec_path)?,
        None => load_file(
            &root.join(&args.spec_path),
            &display_path(&root, &args.spec_path),
        )?,
    };

    let result = compare(&base, &revision, &args.policy, args.rust);
    let context = report::Context {
        revision_file: &revision.spec.file,
        revision_text: &revision.spec.text,
    };
    let rendered = report::render(&result, args.format, &context);
    print!("{rendered}");

    if let Some(threshold) = args.fail_on {
        let hits = result
            .changes
            .iter()
            .filter(|c| c.level >= threshold)
            .count();
        if hits > 0 {
            return Err(Failure::Failed(format!(
                "diff-spec: {hits} change{} at or above `{threshold}` (--fail-on {threshold})",
                if hits == 1 { "" } else { "s" }
            )));
        }
    }
    Ok(())
}

/// Everything one comparison found.
pub struct DiffResult {
    pub base_file: String,
    pub revision_file: String,
    pub base_version: Option<String>,
    pub revision_version: Option<String>,
    pub changes: Vec<Change>,
    pub rust: Option<rust_impact::RustImpact>,
    pub semver: rust_impact::Bump,
    pub crate_version: Option<String>,
}

/// A loaded spec, and the same document with the files it references bundled in.
pub struct Input {
    pub spec: Spec,
    pub bundled: serde_json::Value,
}

/// The diff-spec text report of `old` → `new` (API changes with check ids, Rust impact,
/// semver), for commands that change the vendored spec (`sync-spec`).
pub fn text_report(old: &Spec, new: &Spec) -> String {
    let input = |spec: &Spec| Input {
        spec: spec.clone(),
        bundled: spec.doc.clone(),
    };
    let (old, new) = (input(old), input(new));
    let result = compare(&old, &new, &lifecycle::Policy::default(), true);
    let context = report::Context {
        revision_file: &new.spec.file,
        revision_text: &new.spec.text,
    };
    report::render(&result, report::Format::Text, &context)
}

pub fn compare(
    base: &Input,
    revision: &Input,
    policy: &lifecycle::Policy,
    rust: bool,
) -> DiffResult {
    let base_doc = doc::Doc::new(base.bundled.clone());
    let revision_doc = doc::Doc::new(revision.bundled.clone());
    let changes = api::diff(&base_doc, &revision_doc, *policy);
    let rust = rust.then(|| rust_impact::compare(&base.spec, &revision.spec));
    let (base, revision) = (&base.spec, &revision.spec);
    let semver = rust_impact::bump(rust.as_ref(), &changes);
    DiffResult {
        base_file: base.file.clone(),
        revision_file: revision.file.clone(),
        base_version: base.version().map(str::to_owned),
        revision_version: revision.version().map(str::to_owned),
        changes,
        rust,
        semver,
        crate_version: crate_version(&workspace_root()),
    }
}

/// The repository root (the workspace this xtask belongs to).
fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

fn display_path(root: &Path, path: &str) -> String {
    let full = root.join(path);
    match std::env::current_dir() {
        Ok(cwd) => full
            .strip_prefix(&cwd)
            .map_or_else(|_| full.display().to_string(), |p| p.display().to_string()),
        Err(_) => full.display().to_string(),
    }
}

/// A file when `arg` names one; otherwise a git revision (`REV` or `REV:path`).
fn load_input(root: &Path, arg: &str, spec_path: &str) -> Result<Input, Failure> {
    let path = Path::new(arg);
    if path.is_file() {
        return load_file(path, arg);
    }
    if looks_like_file(arg) && !arg.contains(':') {
        return Err(Failure::Input(format!(
            "{arg}: error: no such file (and not a git revision)"
        )));
    }
    let (rev, file) = match arg.split_once(':') {
        Some((rev, file)) if !rev.is_empty() && !file.is_empty() => (rev, file),
        _ => (arg, spec_path),
    };
    let output = Command::new("git")
        .arg("-C")
        .arg(root)
        .arg("show")
        .arg(format!("{rev}:{file}"))
        .output()
        .map_err(|e| {
            Failure::Input(format!(
                "diff-spec: cannot run git to read {file} at `{rev}`: {e}"
            ))
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(Failure::Input(format!(
            "{rev}:{file}: error: cannot read the spec at git revision `{rev}`: {}\n  help: BASE and REVISION are spec files or git revisions (e.g. origin/main)",
            stderr.trim()
        )));
    }
    let spec = load_bytes(&format!("{rev}:{file}"), &output.stdout)
        .map_err(|d| Failure::Input(d.to_string()))?;
    check_structure(&spec)?;
    let mut bundled = spec.doc.clone();
    let read = |path: &Path| -> Option<serde_json::Value> {
        let output = Command::new("git")
            .arg("-C")
            .arg(root)
            .arg("show")
            .arg(format!("{rev}:{}", path.display()))
            .output()
            .ok()?;
        output
            .status
            .success()
            .then(|| bundle::parse(&output.stdout))
            .flatten()
    };
    bundle::bundle(
        &mut bundled,
        Path::new(file).parent().unwrap_or(Path::new("")),
        &read,
    );
    Ok(Input { spec, bundled })
}

fn looks_like_file(arg: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| arg.ends_with(ext))
}

fn load_file(path: &Path, name: &str) -> Result<Input, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::Input(format!("{name}: error: cannot read the spec: {e}")))?;
    let spec = load_bytes(name, &bytes).map_err(|d| Failure::Input(d.to_string()))?;
    check_structure(&spec)?;
    let mut bundled = spec.doc.clone();
    let read = |path: &Path| {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| bundle::parse(&bytes))
    };
    bundle::bundle(&mut bundled, path.parent().unwrap_or(Path::new("")), &read);
    Ok(Input { spec, bundled })
}

/// The parts of the document the diff walks must have the right shape: a clear error naming
/// the file, the line and the place beats a silently incomplete diff.
fn check_structure(spec: &Spec) -> Result<(), Failure> {
    use hyperspell_codegen::diagnostic::escape_pointer_segment as esc;
    use serde_json::Value;
    let fail = |pointer: String, what: &str| {
        Failure::Input(
            spec.error_at(
                &pointer,
                format!("not a valid OpenAPI document here: {what}"),
            )
            .help("fix the document at that place; see the OpenAPI specification for the field")
            .to_string(),
        )
    };
    let object = |v: &Value| v.is_object() || v.is_null();
    let doc = &spec.doc;
    for key in ["paths", "components", "webhooks"] {
        if let Some(v) = doc.get(key)
            && !object(v)
        {
            return Err(fail(
                format!("/{key}"),
                &format!("`{key}` must be a mapping"),
            ));
        }
    }
    let items = doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| (format!("/paths/{}", esc(k)), v))
        .chain(
            doc.get("webhooks")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, v)| (format!("/webhooks/{}", esc(k)), v)),
        );
    for (pointer, item) in items {
        if !object(item) {
            return Err(fail(pointer, "a path item must be a mapping"));
        }
        if let Some(p) = item.get("parameters")
            && !p.is_array()
            && !p.is_null()
        {
            return Err(fail(
                format!("{pointer}/parameters"),
                "`parameters` must be a list",
            ));
        }
        for method in api::METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("{pointer}/{method}");
            if !object(op) {
                return Err(fail(at, "an operation must be a mapping"));
            }
            if let Some(p) = op.get("parameters").filter(|p| !p.is_null()) {
                let Some(list) = p.as_array() else {
                    return Err(fail(
                        format!("{at}/parameters"),
                        "`parameters` must be a list",
                    ));
                };
                for (i, param) in list.iter().enumerate() {
                    let here = format!("{at}/parameters/{i}");
                    if !object(param) {
                        return Err(fail(here, "a parameter must be a mapping"));
                    }
                    if param.get("$ref").is_none()
                        && (param.get("name").is_none() || param.get("in").is_none())
                    {
                        return Err(fail(here, "a parameter needs `name` and `in`"));
                    }
                }
            }
            if let Some(r) = op.get("responses")
                && !object(r)
            {
                return Err(fail(
                    format!("{at}/responses"),
                    "`responses` must be a mapping",
                ));
            }
            if let Some(b) = op.get("requestBody")
                && !object(b)
            {
                return Err(fail(
                    format!("{at}/requestBody"),
                    "`requestBody` must be a mapping",
                ));
            }
        }
    }
    Ok(())
}

/// The `hyperspell` crate's version, for the "next version" hint.
fn crate_version(root: &Path) -> Option<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).ok()?;
    let package = manifest.split("[package]").nth(1)?;
    package
        .lines()
        .take_while(|l| !l.starts_with('['))
        .find_map(|l| {
            l.trim().strip_prefix("version").map(|rest| {
                rest.trim()
                    .trim_start_matches('=')
                    .trim()
                    .trim_matches('"')
                    .to_owned()
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_positional_and_flags() {
        let a = parse_args(&args(&[
            "a.yaml",
            "b.yaml",
            "--format",
            "json",
            "--fail-on=warning",
        ]))
        .ok()
        .unwrap();
        assert_eq!(a.base.as_deref(), Some("a.yaml"));
        assert_eq!(a.revision.as_deref(), Some("b.yaml"));
        assert_eq!(a.fail_on, Some(Level::Warning));
        assert!(matches!(a.format, report::Format::Json));
    }

    #[test]
    fn rejects_unknown_options() {
        assert!(matches!(
            parse_args(&args(&["--frobnicate"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            parse_args(&args(&["--format", "xml"])),
            Err(Failure::Usage(_))
        ));
        assert!(matches!(
            parse_args(&args(&["a", "b", "c"])),
            Err(Failure::Usage(_))
        ));
    }
}

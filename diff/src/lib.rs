//! The spec-diff engine behind `cargo xtask diff-spec`: what changed between two versions of an
//! OpenAPI document, what breaks for API clients (oasdiff's checks, ids and levels), and what
//! changes in the generated Rust API (methods, builder setters, types, fields, variants) with the
//! semver bump it needs.
//!
//! ```no_run
//! use hyperspell_diff::{Input, Options, Format, compare, render};
//!
//! let base = Input::from_file("old.yaml".as_ref(), "old.yaml")?;
//! let revision = Input::from_file("new.yaml".as_ref(), "new.yaml")?;
//! let result = compare(&base, &revision, &Options::default());
//! print!("{}", render(&result, Format::Text, &revision.context()));
//! # Ok::<(), hyperspell_diff::InputError>(())
//! ```
//!
//! Layers, each depending only on the ones before it:
//!
//! | module | concern |
//! |---|---|
//! | `model`, `catalog` | `Change`, `Level`, `Kind`; the check catalogue (oasdiff's ids and levels, data in `checks.tsv`) |
//! | `doc`, `bundle`, `media` | the document (`$ref` resolution, external files bundled), media types |
//! | `schema`, `out` | two schemas compared node by node; emitting changes |
//! | `lifecycle` | deprecation, sunset dates, stability levels |
//! | `body` | request/response body checks (properties, requiredness, types, values, lifecycle) |
//! | `api` | paths, operations, parameters, responses, security, document-level checks |
//! | `rust_impact` | both specs through `hyperspell-codegen`, the generated APIs compared with `syn`, semver |
//! | `report` | text, markdown, JSON and GitHub annotation output |
//!
//! This crate is a developer tool: neither `hyperspell` nor `hyperspell-codegen` depends on it.

// `hyperspell_codegen::Diagnostic` is a large error by design (see codegen/src/lib.rs).
#![allow(clippy::result_large_err)]

use std::fmt;
use std::path::Path;
use std::process::Command;

use hyperspell_codegen::{Spec, load_bytes};

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

pub use catalog::{Check, checks};
pub use lifecycle::{Policy, Stability};
pub use model::{Change, Kind, Level};
pub use report::{Context, Format, MARKER, render};
pub use rust_impact::{Bump, Delta, RustImpact};

/// Unreadable or invalid input: the message names the file (and line) and says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError(pub String);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// What a comparison looks at beyond the two documents.
#[derive(Debug, Clone)]
pub struct Options {
    /// Deprecation policy and the lowest stability level reported.
    pub policy: Policy,
    /// Generate both versions and compare the Rust APIs (off: API changes only).
    pub rust: bool,
    /// The crate's current version, for the "next version" hint.
    pub crate_version: Option<String>,
    /// The resource map both generated clients use (`spec/resources.yaml`).
    pub resources: Option<hyperspell_codegen::ResourceMap>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            policy: Policy::default(),
            rust: true,
            crate_version: None,
            resources: None,
        }
    }
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
pub fn text_report(
    old: &Spec,
    new: &Spec,
    crate_version: Option<&str>,
    resources: Option<&hyperspell_codegen::ResourceMap>,
) -> String {
    let (old, new) = (Input::from_spec(old.clone()), Input::from_spec(new.clone()));
    let options = Options {
        crate_version: crate_version.map(str::to_owned),
        resources: resources.cloned(),
        ..Options::default()
    };
    let result = compare(&old, &new, &options);
    report::render(&result, report::Format::Text, &new.context())
}

/// Compares `base` with `revision`: the API changes, the Rust impact (unless `options.rust` is
/// off) and the semver bump.
pub fn compare(base: &Input, revision: &Input, options: &Options) -> DiffResult {
    let base_doc = doc::Doc::new(base.bundled.clone());
    let revision_doc = doc::Doc::new(revision.bundled.clone());
    let changes = api::diff(&base_doc, &revision_doc, options.policy);
    let rust = options
        .rust
        .then(|| rust_impact::compare(&base.spec, &revision.spec, options.resources.as_ref()));
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
        crate_version: options.crate_version.clone(),
    }
}

impl Input {
    /// An already loaded spec, as it is (the files it references are not read).
    pub fn from_spec(spec: Spec) -> Input {
        let bundled = spec.doc.clone();
        Input { spec, bundled }
    }

    /// A file when `arg` names one; otherwise a git revision of the repository at `root`
    /// (`REV` reads `spec_path` at that revision, `REV:path` another file).
    pub fn from_file_or_git(root: &Path, arg: &str, spec_path: &str) -> Result<Input, InputError> {
        let path = Path::new(arg);
        if path.is_file() {
            return Input::from_file(path, arg);
        }
        if looks_like_file(arg) && !arg.contains(':') {
            return Err(InputError(format!(
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
                InputError(format!(
                    "diff-spec: cannot run git to read {file} at `{rev}`: {e}"
                ))
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(InputError(format!(
                "{rev}:{file}: error: cannot read the spec at git revision `{rev}`: {}\n  help: BASE and REVISION are spec files or git revisions (e.g. origin/main)",
                stderr.trim()
            )));
        }
        let spec = load_bytes(&format!("{rev}:{file}"), &output.stdout)
            .map_err(|d| InputError(d.to_string()))?;
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

    /// The spec at `path` (shown as `name` in messages), with the files it references bundled in.
    pub fn from_file(path: &Path, name: &str) -> Result<Input, InputError> {
        let bytes = std::fs::read(path)
            .map_err(|e| InputError(format!("{name}: error: cannot read the spec: {e}")))?;
        let spec = load_bytes(name, &bytes).map_err(|d| InputError(d.to_string()))?;
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

    /// Where annotations of changes in this document point (its file and text).
    pub fn context(&self) -> Context<'_> {
        Context {
            revision_file: &self.spec.file,
            revision_text: &self.spec.text,
        }
    }
}

fn looks_like_file(arg: &str) -> bool {
    [".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| arg.ends_with(ext))
}

/// The parts of the document the diff walks must have the right shape: a clear error naming
/// the file, the line and the place beats a silently incomplete diff.
fn check_structure(spec: &Spec) -> Result<(), InputError> {
    use hyperspell_codegen::diagnostic::escape_pointer_segment as esc;
    use serde_json::Value;
    let fail = |pointer: String, what: &str| {
        InputError(
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

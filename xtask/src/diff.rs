//! `cargo xtask diff-spec`: the command line of the `hyperspell-diff` engine (`diff/`): what changed between two versions of the OpenAPI document, what
//! breaks for API clients (oasdiff's checks, ids and levels), and what changes in the generated
//! Rust API (methods, builder setters, types, fields, variants) with the semver bump it needs.

use std::path::{Path, PathBuf};

use hyperspell_codegen::{ResourceMap, Spec};
use hyperspell_diff::{Format, Input, InputError, Level, Options, Policy, Stability};

use crate::Failure;

impl From<InputError> for Failure {
    fn from(error: InputError) -> Self {
        Failure::Input(error.0)
    }
}

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
new required field or setter, a new variant of an exhaustive enum), minor for additions only
(new values of #[non_exhaustive] enums included), patch otherwise. The
crate is pre-1.0, so Cargo reads a major change as a bump of the minor number (0.1 -> 0.2).
";

/// Parsed command line.
struct Args {
    base: Option<String>,
    revision: Option<String>,
    format: Format,
    fail_on: Option<Level>,
    rust: bool,
    spec_path: String,
    policy: Policy,
}

fn parse_args(args: &[String]) -> Result<Args, Failure> {
    let mut parsed = Args {
        base: None,
        revision: None,
        format: Format::Text,
        fail_on: None,
        rust: true,
        spec_path: "spec/hyperspell.yaml".to_owned(),
        policy: Policy::default(),
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
                parsed.format = Format::parse(&v).ok_or_else(|| {
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
                parsed.policy.threshold = Stability::parse(&v).ok_or_else(|| {
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
    let base = Input::from_file_or_git(
        &root,
        args.base.as_deref().unwrap_or("HEAD"),
        &args.spec_path,
    )?;
    let revision = match args.revision.as_deref() {
        Some(arg) => Input::from_file_or_git(&root, arg, &args.spec_path)?,
        None => Input::from_file(
            &root.join(&args.spec_path),
            &display_path(&root, &args.spec_path),
        )?,
    };

    let options = Options {
        policy: args.policy,
        rust: args.rust,
        crate_version: crate_version(&root),
        resources: ResourceMap::beside(&root.join(&args.spec_path))?,
    };
    let result = hyperspell_diff::compare(&base, &revision, &options);
    print!(
        "{}",
        hyperspell_diff::render(&result, args.format, &revision.context())
    );

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

/// The diff-spec text report of `old` → `new` (API changes with check ids, Rust impact,
/// semver), for commands that change the vendored spec (`sync-spec`).
pub fn text_report(old: &Spec, new: &Spec, resources: Option<&ResourceMap>) -> String {
    hyperspell_diff::text_report(
        old,
        new,
        crate_version(&workspace_root()).as_deref(),
        resources,
    )
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
        assert!(matches!(a.format, Format::Json));
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

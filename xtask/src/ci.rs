//! `cargo xtask ci`: the whole check suite, the one command `.ci/run` and the README name.
//!
//! Steps run in order and stop at the first failure; each prints what it runs.

use std::process::Command;

use crate::Failure;

/// (what, program, arguments)
const STEPS: &[(&str, &str, &[&str])] = &[
    ("formatting", "cargo", &["fmt", "--all", "--", "--check"]),
    (
        "lints",
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            "hyperspell/mock",
            "--",
            "-D",
            "warnings",
        ],
    ),
    (
        "vendored spec matches its lock",
        "cargo",
        &["xtask", "sync-spec", "--check"],
    ),
    (
        "tests",
        "cargo",
        &["test", "--workspace", "--features", "hyperspell/mock"],
    ),
    (
        "heavy tests (corpus crates compiled, build.rs failures)",
        "cargo",
        &[
            "test",
            "--workspace",
            "--features",
            "hyperspell/mock",
            "--",
            "--ignored",
        ],
    ),
];

pub fn run(args: &[String]) -> Result<(), Failure> {
    let quick = match args {
        [] => false,
        [flag] if flag == "--quick" => true,
        _ => {
            return Err(Failure::Usage(
                "ci takes only --quick (skips the heavy tests)".into(),
            ));
        }
    };
    let steps = if quick {
        &STEPS[..STEPS.len() - 1]
    } else {
        STEPS
    };
    for (what, program, arguments) in steps {
        eprintln!("==> {what}: {program} {}", arguments.join(" "));
        let status = Command::new(program)
            .args(*arguments)
            .status()
            .map_err(|e| Failure::Failed(format!("cannot run {program}: {e}")))?;
        if !status.success() {
            return Err(Failure::Failed(format!("ci: {what} failed ({status})")));
        }
    }
    eprintln!("==> ci: all steps passed");
    Ok(())
}

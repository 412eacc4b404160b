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
        "docs (rustdoc warnings are errors)",
        "cargo",
        &[
            "rustdoc",
            "-p",
            "hyperspell",
            "--features",
            "mock",
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
            // Only test targets: `--ignored` would also run the `ignore`d (non-compiling) doc
            // examples.
            "--tests",
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
    let mut totals = Totals::default();
    for (what, program, arguments) in steps {
        eprintln!("==> {what}: {program} {}", arguments.join(" "));
        let status = run_step(program, arguments, &mut totals)?;
        if !status.success() {
            println!(
                "ci: {} passed, {} failed",
                totals.passed,
                totals.failed.max(1)
            );
            return Err(Failure::Failed(format!("ci: {what} failed ({status})")));
        }
    }
    eprintln!("==> ci: all steps passed");
    // One closing line for the whole suite: the last `cargo test` line alone would describe only
    // the last test binary of the last step.
    println!("ci: {} passed, {} failed", totals.passed, totals.failed);
    Ok(())
}

/// Tests counted over every `cargo test` step.
#[derive(Default)]
struct Totals {
    passed: u64,
    failed: u64,
}

impl Totals {
    /// Adds a libtest summary: `test result: ok. 3 passed; 0 failed; 1 ignored; ...`.
    fn add_line(&mut self, line: &str) {
        let Some(summary) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in summary.split(';') {
            let mut words = part.split_whitespace().rev();
            let (Some(label), Some(count)) = (words.next(), words.next()) else {
                continue;
            };
            let Ok(count) = count.parse::<u64>() else {
                continue;
            };
            match label {
                "passed" => self.passed += count,
                "failed" => self.failed += count,
                _ => {}
            }
        }
    }
}

/// Runs one step with its output passed through, counting test results.
fn run_step(
    program: &str,
    arguments: &[&str],
    totals: &mut Totals,
) -> Result<std::process::ExitStatus, Failure> {
    use std::io::{BufRead, BufReader, Write};
    let mut child = Command::new(program)
        .args(arguments)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Failed(format!("cannot run {program}: {e}")))?;
    if let Some(stdout) = child.stdout.take() {
        let mut out = std::io::stdout().lock();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            totals.add_line(&line);
            let _ = writeln!(out, "{line}");
        }
    }
    child
        .wait()
        .map_err(|e| Failure::Failed(format!("cannot wait for {program}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::Totals;

    #[test]
    fn counts_libtest_summaries() {
        let mut totals = Totals::default();
        totals.add_line("test result: ok. 38 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.22s");
        totals.add_line(
            "test result: FAILED. 4 passed; 1 failed; 0 ignored; 0 measured; 3 filtered out",
        );
        totals.add_line("running 5 tests");
        assert_eq!((totals.passed, totals.failed), (42, 1));
    }
}

//! Project automation: `cargo xtask <command>`. See `cargo xtask help`.

// `hyperspell_codegen::Diagnostic` is a large error by design (see codegen/src/lib.rs).
#![allow(clippy::result_large_err)]

use std::process::ExitCode;

mod ci;
mod diff;
mod generate;
mod sync;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  ci                                run everything CI runs: fmt, clippy, sync-spec --check, all tests
  diff-spec [BASE] [REVISION]       API and Rust changes between two specs (files or git revisions)
  generate --spec FILE --list       print METHOD, PATH, operationId and Rust method per operation
  generate --spec FILE --out DIR    write a standalone client crate generated from FILE
  generate --spec FILE --time       time parsing and the whole pipeline (median of 7)
  generate ... --strict             refuse the spec if any part would be generated with a fallback
  sync-spec [--from URL|FILE]       fetch, validate and vendor spec/hyperspell.yaml (+ its lock)
  sync-spec --check                 verify spec/ against its lock and the pipeline (no network)
  sync-spec ... --strict            refuse the spec if any part would be generated with a fallback
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "ci" => ci::run(rest),
        "diff-spec" => diff::run(rest),
        "generate" => generate::run(rest),
        "sync-spec" => sync::run(rest),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Failed(message)) => {
            eprintln!("{message}");
            ExitCode::from(1)
        }
        Err(Failure::Input(message)) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

/// How a command failed: bad arguments (exit 2) or the work itself (exit 1).
#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Failed(String),
    /// Unreadable or invalid input (exit 2, without the usage text).
    Input(String),
}

impl From<hyperspell_codegen::Diagnostic> for Failure {
    fn from(diagnostic: hyperspell_codegen::Diagnostic) -> Self {
        Failure::Failed(diagnostic.to_string())
    }
}

//! Shared helpers of the CLI tests: running the built binary. (Steady comes from the client
//! contract tests' launcher, `hyperspell_contract_tests::steady`.)
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_hyperspell");
pub const KEY: &str = "hs-0-cli-test-secret-key-987";

/// The binary with a clean environment (no HYPERSPELL_* of the caller).
pub fn hyperspell() -> Command {
    let mut command = Command::new(BIN);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("HYPERSPELL_") || name == "NO_COLOR" {
            command.env_remove(name);
        }
    }
    command.stdin(Stdio::null());
    command
}

pub fn run(command: &mut Command) -> Output {
    command.output().expect("the hyperspell binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn spec_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/hyperspell.yaml")
}

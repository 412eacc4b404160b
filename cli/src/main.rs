//! `hyperspell`: every operation of the Hyperspell API from the command line,
//! `hyperspell <resource> <method> [--flags]`, generated from the spec the `hyperspell` crate
//! is built from and sent through that crate's client (`Client::raw`).

mod args;
mod output;
mod run;
mod table;

use std::process::ExitCode;

/// Exit codes (also listed in `--help`).
pub mod exit {
    pub const API: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CONNECTION: u8 = 3;
    pub const TIMEOUT: u8 = 4;
    pub const OTHER: u8 = 5;
}

/// A failure to report: the message (one line, or more for API errors) and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    pub fn other(message: impl Into<String>) -> Failure {
        Failure {
            code: exit::OTHER,
            message: message.into(),
        }
    }
}

fn main() -> ExitCode {
    let commands = table::commands();
    let mut cli = args::build(&commands);
    let matches = match cli.try_get_matches_from_mut(std::env::args_os()) {
        Ok(matches) => matches,
        Err(error) => {
            let code = if error.use_stderr() { exit::USAGE } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    if let Some(("completion", sub)) = matches.subcommand() {
        let shell = sub.get_one::<String>("shell").map(String::as_str);
        let shell = match shell {
            Some("bash") => clap_complete::Shell::Bash,
            Some("zsh") => clap_complete::Shell::Zsh,
            Some("fish") => clap_complete::Shell::Fish,
            Some("elvish") => clap_complete::Shell::Elvish,
            _ => clap_complete::Shell::PowerShell,
        };
        clap_complete::generate(shell, &mut cli, "hyperspell", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::OTHER);
        }
    };
    match runtime.block_on(run::run(&commands, &matches)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

//! Shared helpers of the CLI tests: running the built binary, a Steady contract server.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// A running Steady, killed (its process group) when dropped. Started from `$STEADY_BIN`
/// (`.ci/run` exports it); the tests fail, never skip, when it is not set.
pub struct Steady {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Drop for Steady {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        for signal in ["-TERM", "-KILL"] {
            let _ = Command::new("kill")
                .args([signal, "--", &group])
                .stderr(Stdio::null())
                .status();
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Steady {
    pub fn start() -> Steady {
        let bin = std::env::var_os("STEADY_BIN").unwrap_or_else(|| {
            panic!(
                "STEADY_BIN is not set: the CLI contract tests need Steady (they never skip). \
                 Run them through .ci/run, or install it with `npm install --prefix target/steady \
                 @stdy/cli@0.22.2` and export STEADY_BIN=$PWD/target/steady/node_modules/.bin/steady"
            )
        });
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-steady-{port}.log"));
        let file = std::fs::File::create(&log).expect("steady log");
        let child = Command::new(&bin)
            .args([
                "--host",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "--no-color",
                "--log-level=details",
                "--validator-query-array-format=auto",
                "--validator-form-array-format=auto",
                "--generator-seed=42",
            ])
            .arg(spec_path())
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run STEADY_BIN={}: {e}", bin.to_string_lossy()));
        let mut steady = Steady { child, port, log };
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Ok(Some(status)) = steady.child.try_wait() {
                panic!("Steady exited ({status}):\n{}", steady.log_text());
            }
            if answers(port) {
                return steady;
            }
            assert!(
                Instant::now() < deadline,
                "Steady did not answer within 90 s:\n{}",
                steady.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /auth/me HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    matches!(stream.read(&mut head), Ok(n) if n >= 5 && head.starts_with(b"HTTP/"))
}

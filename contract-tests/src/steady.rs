//! Steady, the validating mock server the official SDKs test against, started for a test:
//! the contract tests of the client (`tests/contract.rs`) and of the command line
//! (`cli/tests`) use this one launcher.

use std::io::{Read, Write as _};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The pinned version `.ci/run` installs (and `npx` falls back to).
pub const STEADY_PACKAGE: &str = "@stdy/cli@0.22.2";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(90);

/// A running Steady, killed (its whole process group) when dropped, panics included.
pub struct Steady {
    child: Child,
    pub port: u16,
    /// Where its output goes.
    pub log: PathBuf,
    /// The launcher that started it (`$STEADY_BIN`, the installed one, or `npx`).
    pub how: String,
}

impl Drop for Steady {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let kill = |signal: &str| {
        let _ = Command::new("kill")
            .args([signal, "--", &group])
            .stderr(Stdio::null())
            .status();
    };
    kill("-TERM");
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            // The group may outlive its leader (the node wrapper's native child).
            kill("-KILL");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    kill("-KILL");
    let _ = child.kill();
    let _ = child.wait();
}

impl Steady {
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Starts Steady on `spec`, logging into `log_dir`, with the first launcher that works;
    /// panics listing why each failed.
    pub fn start(spec: &Path, log_dir: &Path) -> Steady {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut launchers: Vec<(String, Vec<String>)> = Vec::new();
        if let Some(bin) = std::env::var_os("STEADY_BIN") {
            launchers.push((bin.to_string_lossy().into_owned(), Vec::new()));
        }
        let installed = workspace.join("target/steady/node_modules/.bin/steady");
        launchers.push((installed.to_string_lossy().into_owned(), Vec::new()));
        launchers.push((
            "npx".to_owned(),
            vec!["--yes".to_owned(), STEADY_PACKAGE.to_owned()],
        ));

        let mut reasons = Vec::new();
        for (program, prefix) in launchers {
            let how = format!("{program} {}", prefix.join(" ")).trim().to_owned();
            if program != "npx" && !Path::new(&program).exists() {
                reasons.push(format!("{how}: not found"));
                continue;
            }
            match Steady::try_start(&program, &prefix, spec, log_dir, &how) {
                Ok(steady) => return steady,
                Err(reason) => reasons.push(format!("{how}: {reason}")),
            }
        }
        panic!(
            "cannot start Steady, so the contract tests cannot run (they never skip).\n\
             Install it with `npm install --prefix target/steady {STEADY_PACKAGE}` or set \
             STEADY_BIN.\n{}",
            reasons.join("\n")
        );
    }

    fn try_start(
        program: &str,
        prefix: &[String],
        spec: &Path,
        log_dir: &Path,
        how: &str,
    ) -> Result<Steady, String> {
        let port = free_port().map_err(|e| format!("no free port: {e}"))?;
        let log = log_dir.join(format!("steady-{port}.log"));
        let log_file = std::fs::File::create(&log)
            .map_err(|e| format!("cannot create {}: {e}", log.display()))?;
        let log_err = log_file.try_clone().map_err(|e| e.to_string())?;
        let child = Command::new(program)
            .args(prefix)
            .args([
                "--host",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "--no-color",
                "--log-level=details",
                // Array formats: see the contract test's module documentation.
                "--validator-query-array-format=auto",
                "--validator-form-array-format=auto",
                "--generator-seed=42",
            ])
            .arg(spec)
            .stdin(Stdio::null())
            .stdout(log_file)
            .stderr(log_err)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot run: {e}"))?;
        let mut steady = Steady {
            child,
            port,
            log,
            how: how.to_owned(),
        };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Ok(Some(status)) = steady.child.try_wait() {
                return Err(format!(
                    "exited ({status}) before answering:\n{}",
                    steady.log_text()
                ));
            }
            if answers(port) {
                return Ok(steady);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "no answer on port {port} within {STARTUP_TIMEOUT:?}:\n{}",
                    steady.log_text()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Whether something on `port` answers an HTTP request.
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

//! `cargo xtask sync-spec` end to end: the xtask binary against temp project directories and a
//! tiny HTTP server on 127.0.0.1 serving `../shared/spec/` and broken variants of it.
//!
//! Every refused sync must exit non-zero with a clear message and leave the spec directory
//! byte-identical (compared by sha256 of every entry, before and after).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::thread;

use sha2::{Digest, Sha256};

// ---- data ----------------------------------------------------------------------------------

fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared")
        .join(relative)
}

fn real_spec_path() -> PathBuf {
    shared("spec/hyperspell.yaml")
}

fn real_spec() -> Vec<u8> {
    std::fs::read(real_spec_path()).expect("../shared/spec/hyperspell.yaml")
}

/// The lock of the vendored spec, which is `real_spec()` (same sha256): its counts, not
/// literals, so the tests survive the next sync.
fn real_lock() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/hyperspell.lock.json");
    let lock: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).expect("spec/hyperspell.lock.json")).unwrap();
    assert_eq!(
        lock["bytes"].as_u64(),
        Some(real_spec().len() as u64),
        "../shared/spec/hyperspell.yaml is no longer the vendored spec; update the test data"
    );
    lock
}

fn earlier_spec() -> Vec<u8> {
    std::fs::read(shared("spec/history/hyperspell-0.32.1-earlier.yaml")).expect("the earlier spec")
}

/// A small spec the pipeline accepts whatever the state of the normalizer: for the tests
/// about transport and writing rather than about the Hyperspell document.
const TINY: &str = "openapi: 3.1.0
info: {title: Tiny, version: 1.0.0}
paths:
  /items:
    get:
      operationId: list_items
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {type: string}}
";

/// A document the pipeline refuses (it is invalid): a `$ref` to a component that does not
/// exist. (What the generator cannot take faithfully, it degrades instead of refusing.)
fn dangling_ref() -> String {
    TINY.replace(
        "paths:\n",
        "paths:\n  /other:\n    get:\n      operationId: other_items\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Missing'}}}}}\n",
    )
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---- a project directory -------------------------------------------------------------------

struct Project {
    root: PathBuf,
}

impl Project {
    /// A fresh `<tmp>/<name>/spec/`.
    fn new(name: &str) -> Project {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("sync-spec")
            .join(name);
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("spec")).unwrap();
        Project { root }
    }

    /// A project whose spec/ already holds the real spec and a lock.
    fn seeded(name: &str) -> Project {
        let project = Project::new(name);
        std::fs::write(project.spec_file(), real_spec()).unwrap();
        std::fs::write(
            project.lock_file(),
            "{\"placeholder\": \"the lock of the previous sync\"}\n",
        )
        .unwrap();
        project
    }

    fn spec_dir(&self) -> PathBuf {
        self.root.join("spec")
    }

    fn spec_file(&self) -> PathBuf {
        self.spec_dir().join("hyperspell.yaml")
    }

    fn lock_file(&self) -> PathBuf {
        self.spec_dir().join("hyperspell.lock.json")
    }

    fn lock(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.lock_file()).expect("a lock"))
            .expect("the lock is JSON")
    }

    /// Writes a file beside spec/ (a source to sync from).
    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.root.join(name);
        std::fs::write(&path, content).unwrap();
        path
    }

    /// Every entry of spec/: name → sha256 of its bytes (or `<dir>`).
    fn snapshot(&self) -> BTreeMap<String, String> {
        std::fs::read_dir(self.spec_dir())
            .unwrap()
            .map(|entry| {
                let entry = entry.unwrap();
                let name = entry.file_name().to_string_lossy().into_owned();
                let hash = if entry.file_type().unwrap().is_dir() {
                    "<dir>".to_owned()
                } else {
                    sha256_hex(&std::fs::read(entry.path()).unwrap())
                };
                (name, hash)
            })
            .collect()
    }

    fn sync(&self, args: &[&str]) -> Run {
        self.sync_with_env(args, &[])
    }

    fn sync_with_env(&self, args: &[&str], env: &[(&str, String)]) -> Run {
        let spec_dir = self.spec_dir();
        let mut all = vec!["sync-spec", "--spec-dir", spec_dir.to_str().unwrap()];
        all.extend_from_slice(args);
        xtask(&all, env)
    }

    /// Runs a sync that must be refused; checks the exit code, that the message says
    /// `expected` and that spec/ did not change.
    fn refused(&self, args: &[&str], expected: &[&str]) -> Run {
        self.refused_with_env(args, &[], expected)
    }

    fn refused_with_env(&self, args: &[&str], env: &[(&str, String)], expected: &[&str]) -> Run {
        let before = self.snapshot();
        let run = self.sync_with_env(args, env);
        assert_eq!(
            run.code,
            Some(1),
            "sync-spec {args:?} must fail with exit 1\n{run}"
        );
        for phrase in expected {
            assert!(
                run.stderr.contains(phrase),
                "expected `{phrase}` in the message\n{run}"
            );
        }
        assert!(run.stderr.contains("nothing was written"), "{run}");
        assert_eq!(
            self.snapshot(),
            before,
            "spec/ changed although sync-spec {args:?} failed\n{run}"
        );
        run
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit: {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
];

/// Runs the xtask binary with no proxy variables but those in `env`.
fn xtask(args: &[&str], env: &[(&str, String)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.args(args);
    for name in PROXY_VARIABLES {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("run xtask");
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

// ---- a tiny HTTP server --------------------------------------------------------------------

#[derive(Clone)]
struct Reply {
    status: u16,
    content_type: Option<&'static str>,
    body: Vec<u8>,
    /// The Content-Length to announce, when not the body's.
    content_length: Option<usize>,
    /// Announce no Content-Length: the body ends when the connection closes.
    no_length: bool,
    /// Send the body in four parts, each once the client has read the one before
    /// (flushed; no wall-clock pause).
    parts: bool,
    /// Read the request and never answer.
    hang: bool,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200, Some(content_type), body)
    }

    fn status(status: u16, content_type: Option<&'static str>, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            content_type,
            body: body.into(),
            content_length: None,
            no_length: false,
            parts: false,
            hang: false,
        }
    }
}

struct Server {
    addr: SocketAddr,
    /// The request lines received.
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Serves `routes` (a request whose target ends with the path gets the reply; others 404).
    fn start(routes: Vec<(&'static str, Reply)>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let routes = Arc::new(routes);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (routes, seen) = (routes.clone(), seen.clone());
                thread::spawn(move || answer(stream, &routes, &seen));
            }
        });
        Server { addr, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

fn answer(mut stream: TcpStream, routes: &[(&str, Reply)], seen: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let request_line = head.lines().next().unwrap_or_default().to_owned();
    seen.lock().unwrap().push(request_line.clone());
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let reply = routes
        .iter()
        .find(|(path, _)| target.ends_with(path))
        .map(|(_, reply)| reply.clone())
        .unwrap_or_else(|| Reply::status(404, Some("text/plain"), "not found"));
    if reply.hang {
        // Never answers: waits until the client gives up and closes the connection.
        let _ = stream.read(&mut byte);
        return;
    }
    let mut response = format!("HTTP/1.1 {} Canned\r\n", reply.status);
    if let Some(content_type) = reply.content_type {
        response.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    if !reply.no_length {
        let length = reply.content_length.unwrap_or(reply.body.len());
        response.push_str(&format!("Content-Length: {length}\r\n"));
    }
    response.push_str("Connection: close\r\n\r\n");
    if stream.write_all(response.as_bytes()).is_err() {
        return;
    }
    match reply.parts {
        false => {
            let _ = stream.write_all(&reply.body);
        }
        true => {
            for part in reply.body.chunks(reply.body.len().div_ceil(4).max(1)) {
                if stream
                    .write_all(part)
                    .and_then(|()| stream.flush())
                    .is_err()
                {
                    return;
                }
            }
        }
    }
    let _ = stream.flush();
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// A port on 127.0.0.1 where nothing listens.
fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn assert_vendored(project: &Project, expected: &[u8], source: &str) -> serde_json::Value {
    let written = std::fs::read(project.spec_file()).unwrap();
    assert!(
        written == expected,
        "the vendored spec is not byte-identical to its source"
    );
    let lock = project.lock();
    assert_eq!(lock["source"], source);
    assert_eq!(lock["sha256"], sha256_hex(expected));
    assert_eq!(lock["bytes"], expected.len());
    let synced_at = lock["synced_at"].as_str().unwrap();
    assert!(
        synced_at.len() == 20 && synced_at.ends_with('Z') && synced_at.as_bytes()[10] == b'T',
        "{synced_at}"
    );
    assert_eq!(
        project.snapshot().keys().collect::<Vec<_>>(),
        ["hyperspell.lock.json", "hyperspell.yaml"],
        "no temp files are left behind"
    );
    lock
}

// ---- the real spec -------------------------------------------------------------------------

#[test]
fn a_good_url_is_vendored_byte_identical_with_its_lock_and_the_changes() {
    let project = Project::new("good-url");
    std::fs::write(project.spec_file(), earlier_spec()).unwrap();
    let server = Server::start(vec![(
        "/hyperspell.yaml",
        Reply::ok("application/x-yaml", real_spec()),
    )]);
    let url = server.url("/hyperspell.yaml");

    let run = project.sync(&["--from", &url]);
    assert_eq!(run.code, Some(0), "{run}");
    let lock = assert_vendored(&project, &real_spec(), &url);
    let expected = real_lock();
    for field in ["info_version", "openapi", "operations"] {
        assert_eq!(lock[field], expected[field], "{field}");
    }
    // What changed against the previous (earlier) spec: the same without one operation.
    let operations = expected["operations"].as_u64().unwrap();
    assert!(
        run.stdout.contains(&format!(
            "operations: {} → {operations} (1 added, 0 removed",
            operations - 1
        )),
        "{run}"
    );
    assert!(
        run.stdout.contains("+ GET /emotional-state/recent"),
        "{run}"
    );
    // ... and through the diff-spec engine: the check id, the Rust impact and the bump.
    assert!(run.stdout.contains("endpoint-added"), "{run}");
    assert!(run.stdout.contains("emotional_state().get_recent"), "{run}");
    assert!(run.stdout.to_lowercase().contains("minor"), "{run}");

    let check = project.sync(&["--check"]);
    assert_eq!(check.code, Some(0), "{check}");
}

#[test]
fn a_good_file_is_vendored_byte_identical_and_check_guards_it() {
    let project = Project::new("good-file");
    let source = real_spec_path();
    let run = project.sync(&["--from", source.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run}");
    let lock = assert_vendored(&project, &real_spec(), source.to_str().unwrap());
    let operations = &real_lock()["operations"];
    assert_eq!(lock["operations"], *operations);
    assert!(
        run.stdout
            .contains(&format!("no previous spec: {operations} operations")),
        "{run}"
    );

    let check = project.sync(&["--check"]);
    assert_eq!(check.code, Some(0), "{check}");
    assert!(check.stdout.contains("matches"), "{check}");

    // Touched by hand: the check fails.
    let mut touched = real_spec();
    touched.extend_from_slice(b"# edited by hand\n");
    std::fs::write(project.spec_file(), &touched).unwrap();
    let check = project.sync(&["--check"]);
    assert_eq!(check.code, Some(1), "{check}");
    assert!(
        check.stderr.contains("does not match") && check.stderr.contains("edited by hand"),
        "{check}"
    );
}

/// What CI runs: the repository's own spec/ matches its lock and the pipeline accepts it.
#[test]
fn the_repository_spec_matches_its_lock() {
    let run = xtask(&["sync-spec", "--check"], &[]);
    assert_eq!(run.code, Some(0), "{run}");
    let repository_spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/hyperspell.yaml");
    assert!(
        std::fs::read(repository_spec).unwrap() == real_spec(),
        "spec/ is the shared spec, byte for byte"
    );
}

// ---- transport and writing, with a small spec ----------------------------------------------

#[test]
fn a_sync_from_the_same_source_twice_writes_nothing_the_second_time() {
    let project = Project::new("twice");
    let source = project.file("tiny.yaml", TINY.as_bytes());
    let run = project.sync(&["--from", source.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run}");
    assert_vendored(&project, TINY.as_bytes(), source.to_str().unwrap());
    let before = project.snapshot();
    let lock_before = std::fs::read(project.lock_file()).unwrap();
    let run = project.sync(&["--from", source.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.contains("up to date"), "{run}");
    assert_eq!(project.snapshot(), before);
    assert_eq!(std::fs::read(project.lock_file()).unwrap(), lock_before);
}

#[test]
fn a_changed_spec_reports_its_changes() {
    let project = Project::new("changes");
    let first = project.file("v1.yaml", TINY.as_bytes());
    assert_eq!(
        project.sync(&["--from", first.to_str().unwrap()]).code,
        Some(0)
    );
    let v2 = TINY.replace("version: 1.0.0", "version: 2.0.0").replace(
        "paths:\n",
        "paths:\n  /health:\n    get:\n      operationId: health\n      responses: {'200': {description: ok}}\n",
    );
    let second = project.file("v2.yaml", v2.as_bytes());
    let run = project.sync(&["--from", second.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run}");
    assert_vendored(&project, v2.as_bytes(), second.to_str().unwrap());
    assert!(run.stdout.contains("(1.0.0 → 2.0.0)"), "{run}");
    assert!(run.stdout.contains("+ GET /health"), "{run}");
    assert!(run.stdout.contains("breaking: no"), "{run}");
}

#[test]
fn the_proxy_from_the_environment_is_used() {
    let project = Project::new("proxy");
    // The test server acts as the proxy for a host that does not resolve.
    let proxy = Server::start(vec![("/tiny.yaml", Reply::ok("text/yaml", TINY))]);
    let url = "http://spec.invalid/tiny.yaml";
    let run = project.sync_with_env(
        &["--from", url],
        &[("HTTP_PROXY", format!("http://{}", proxy.addr))],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert_vendored(&project, TINY.as_bytes(), url);
    let requests = proxy.requests.lock().unwrap();
    assert_eq!(
        requests.as_slice(),
        ["GET http://spec.invalid/tiny.yaml HTTP/1.1"]
    );
}

#[test]
fn no_proxy_bypasses_the_proxy() {
    let project = Project::new("no-proxy");
    let server = Server::start(vec![("/tiny.yaml", Reply::ok("application/yaml", TINY))]);
    let env = [
        ("HTTP_PROXY", format!("http://127.0.0.1:{}", refused_port())),
        ("NO_PROXY", "127.0.0.1,localhost".to_owned()),
    ];
    let run = project.sync_with_env(&["--from", &server.url("/tiny.yaml")], &env);
    assert_eq!(run.code, Some(0), "{run}");
    assert_vendored(&project, TINY.as_bytes(), &server.url("/tiny.yaml"));
}

#[test]
fn a_slow_download_shows_progress() {
    let project = Project::new("slow");
    let mut body = TINY.to_owned();
    body.push_str(&"# padding\n".repeat(20_000));
    let reply = Reply {
        parts: true,
        ..Reply::ok("application/octet-stream", body.clone())
    };
    let server = Server::start(vec![("/slow.yaml", reply)]);
    // Progress from the first chunk on, rather than a server slow enough for the default.
    let run = project.sync_with_env(
        &["--from", &server.url("/slow.yaml")],
        &[("SYNC_SPEC_PROGRESS_AFTER_MS", "0".to_owned())],
    );
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.stderr.contains("sync-spec: downloaded") && run.stderr.contains("MiB ("),
        "{run}"
    );
    assert_vendored(&project, body.as_bytes(), &server.url("/slow.yaml"));
}

// ---- every failure leaves spec/ unchanged --------------------------------------------------

#[test]
fn a_refused_connection_is_refused() {
    let url = format!("http://127.0.0.1:{}/hyperspell.yaml", refused_port());
    Project::seeded("refused").refused(&["--from", &url], &["connection refused"]);
}

#[test]
fn a_server_that_does_not_answer_times_out() {
    let server = Server::start(vec![(
        "/hang.yaml",
        Reply {
            hang: true,
            ..Reply::ok("application/yaml", TINY)
        },
    )]);
    // The server never answers, so only the client's timeout ends this (no wall clock here).
    Project::seeded("timeout").refused(
        &["--from", &server.url("/hang.yaml"), "--timeout", "1"],
        &["within 1 s"],
    );
}

#[test]
fn http_errors_are_refused() {
    let server = Server::start(vec![
        (
            "/missing.yaml",
            Reply::status(404, Some("application/json"), "{\"detail\": \"Not Found\"}"),
        ),
        (
            "/broken.yaml",
            Reply::status(500, Some("text/plain"), "Internal Server Error"),
        ),
        (
            "/secret.yaml",
            Reply::status(403, Some("application/json"), "{}"),
        ),
    ]);
    let project = Project::seeded("http-errors");
    project.refused(&["--from", &server.url("/missing.yaml")], &["HTTP 404"]);
    project.refused(
        &["--from", &server.url("/broken.yaml")],
        &["HTTP 500", "try again later"],
    );
    project.refused(
        &["--from", &server.url("/secret.yaml")],
        &["HTTP 403", "credentials"],
    );
}

#[test]
fn an_html_page_is_not_a_spec() {
    let page = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Log in</body></html>";
    let server = Server::start(vec![
        ("/login.yaml", Reply::ok("text/html; charset=utf-8", page)),
        ("/plain-login.yaml", Reply::ok("text/plain", page)),
        ("/image.yaml", Reply::ok("image/png", "\u{89}PNG")),
    ]);
    let project = Project::seeded("html");
    project.refused(
        &["--from", &server.url("/login.yaml")],
        &["HTML page", "Content-Type: text/html"],
    );
    // Served as text: the loader still recognizes HTML.
    project.refused(&["--from", &server.url("/plain-login.yaml")], &["HTML"]);
    project.refused(&["--from", &server.url("/image.yaml")], &["image/png"]);
}

#[test]
fn a_truncated_body_is_refused() {
    let spec = real_spec();
    let reply = Reply {
        content_length: Some(spec.len()),
        ..Reply::ok("application/yaml", spec[..spec.len() / 2].to_vec())
    };
    let server = Server::start(vec![("/hyperspell.yaml", reply)]);
    Project::seeded("truncated")
        .refused(&["--from", &server.url("/hyperspell.yaml")], &["truncated"]);
}

#[test]
fn a_spec_over_the_size_limit_is_refused() {
    let server = Server::start(vec![
        (
            "/hyperspell.yaml",
            Reply::ok("application/yaml", real_spec()),
        ),
        (
            "/unannounced.yaml",
            Reply {
                no_length: true,
                ..Reply::ok("application/yaml", real_spec())
            },
        ),
    ]);
    let project = Project::seeded("too-large");
    project.refused(
        &[
            "--from",
            &server.url("/hyperspell.yaml"),
            "--max-bytes",
            "1000",
        ],
        &["larger than the limit"],
    );
    // Without a Content-Length, the limit is enforced while reading; and for files too.
    project.refused(
        &[
            "--from",
            &server.url("/unannounced.yaml"),
            "--max-bytes",
            "100000",
        ],
        &["larger than the limit"],
    );
    let source = project.file("big.yaml", &real_spec());
    project.refused(
        &["--from", source.to_str().unwrap(), "--max-bytes", "1000"],
        &["larger than the limit"],
    );
}

#[test]
fn invalid_yaml_is_refused() {
    let broken = "openapi: 3.1.0\ninfo: {title: t, version: '1'\npaths:\n  /a: [unclosed\n";
    let server = Server::start(vec![(
        "/broken.yaml",
        Reply::ok("application/yaml", broken),
    )]);
    let project = Project::seeded("invalid-yaml");
    project.refused(
        &["--from", &server.url("/broken.yaml")],
        &["rejected by the pipeline", "invalid YAML"],
    );
    let source = project.file("broken.yaml", broken.as_bytes());
    project.refused(&["--from", source.to_str().unwrap()], &["invalid YAML"]);
}

#[test]
fn invalid_openapi_is_refused() {
    let server = Server::start(vec![
        (
            "/no-openapi.yaml",
            Reply::ok(
                "application/yaml",
                "info: {title: t, version: '1'}\npaths: {}\n",
            ),
        ),
        (
            "/swagger.json",
            Reply::ok("application/json", "{\"swagger\": \"2.0\", \"paths\": {}}"),
        ),
        (
            "/openapi-4.yaml",
            Reply::ok(
                "application/yaml",
                TINY.replace("openapi: 3.1.0", "openapi: 4.0.0"),
            ),
        ),
        (
            "/list.yaml",
            Reply::ok("application/yaml", "- openapi\n- 3.1.0\n"),
        ),
    ]);
    let project = Project::seeded("invalid-openapi");
    project.refused(
        &["--from", &server.url("/no-openapi.yaml")],
        &["no `openapi` field"],
    );
    project.refused(&["--from", &server.url("/swagger.json")], &["Swagger 2.0"]);
    project.refused(
        &["--from", &server.url("/openapi-4.yaml")],
        &["unsupported OpenAPI version"],
    );
    project.refused(&["--from", &server.url("/list.yaml")], &["not a mapping"]);
}

#[test]
fn a_spec_the_generator_cannot_handle_is_refused() {
    let project = Project::seeded("generator");
    let source = project.file("dangling.yaml", dangling_ref().as_bytes());
    project.refused(
        &["--from", source.to_str().unwrap()],
        &["`#/components/schemas/Missing` does not exist"],
    );
}

#[test]
fn an_unusable_source_is_refused() {
    let project = Project::seeded("bad-source");
    let missing = project.root.join("missing.yaml");
    project.refused(
        &["--from", missing.to_str().unwrap()],
        &["cannot read", "missing.yaml"],
    );
    project.refused(
        &["--from", project.root.to_str().unwrap()],
        &["not a regular file"],
    );
    project.refused(
        &["--from", "ftp://example.com/hyperspell.yaml"],
        &["ftp://"],
    );
}

#[test]
fn an_unwritable_spec_file_is_refused() {
    // Root ignores permission bits, so the temp file's path is taken by a directory instead.
    let project = Project::seeded("unwritable-spec");
    std::fs::create_dir(project.spec_dir().join("hyperspell.yaml.tmp")).unwrap();
    let source = project.file("tiny.yaml", TINY.as_bytes());
    project.refused(
        &["--from", source.to_str().unwrap()],
        &["cannot write", "hyperspell.yaml.tmp"],
    );
}

#[test]
fn an_unwritable_lock_is_refused_and_the_written_spec_temp_removed() {
    let project = Project::seeded("unwritable-lock");
    std::fs::create_dir(project.spec_dir().join("hyperspell.lock.json.tmp")).unwrap();
    let source = project.file("tiny.yaml", TINY.as_bytes());
    project.refused(
        &["--from", source.to_str().unwrap()],
        &["cannot write", "hyperspell.lock.json.tmp"],
    );
}

#[test]
fn a_spec_dir_that_cannot_exist_is_refused() {
    let project = Project::new("no-spec-dir");
    let file = project.file("regular-file", b"not a directory");
    let source = project.file("tiny.yaml", TINY.as_bytes());
    let run = xtask(
        &[
            "sync-spec",
            "--spec-dir",
            file.join("spec").to_str().unwrap(),
            "--from",
            source.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr.contains("does not exist or is not a directory"),
        "{run}"
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"not a directory");
}

// ---- --check -------------------------------------------------------------------------------

#[test]
fn check_passes_on_a_clean_tree_and_fails_after_a_hand_edit() {
    let project = Project::new("check");
    let source = project.file("tiny.yaml", TINY.as_bytes());
    assert_eq!(
        project.sync(&["--from", source.to_str().unwrap()]).code,
        Some(0)
    );
    let run = project.sync(&["--check"]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(
        run.stdout.contains("matches") && run.stdout.contains("pipeline accepts it"),
        "{run}"
    );

    std::fs::write(
        project.spec_file(),
        TINY.replace("version: 1.0.0", "version: 1.0.1"),
    )
    .unwrap();
    let run = project.sync(&["--check"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stderr.contains("does not match"), "{run}");

    std::fs::write(project.spec_file(), TINY).unwrap();
    assert_eq!(project.sync(&["--check"]).code, Some(0));
    std::fs::remove_file(project.lock_file()).unwrap();
    let run = project.sync(&["--check"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(run.stderr.contains("hyperspell.lock.json"), "{run}");
}

#[test]
fn check_fails_when_the_pipeline_rejects_the_spec() {
    // A lock that matches, over a spec the pipeline cannot handle.
    let project = Project::new("check-rejected");
    let spec = dangling_ref();
    std::fs::write(project.spec_file(), &spec).unwrap();
    let lock = serde_json::json!({
        "source": "hand-made", "sha256": sha256_hex(spec.as_bytes()), "bytes": spec.len(),
        "info_version": "1.0.0", "openapi": "3.1.0", "operations": 2, "synced_at": "2026-01-01T00:00:00Z"
    });
    std::fs::write(project.lock_file(), lock.to_string()).unwrap();
    let run = project.sync(&["--check"]);
    assert_eq!(run.code, Some(1), "{run}");
    assert!(
        run.stderr.contains("rejected by the pipeline") && run.stderr.contains("does not exist"),
        "{run}"
    );
}

#[test]
fn check_takes_no_source() {
    let run = Project::new("check-usage").sync(&["--check", "--from", "x.yaml"]);
    assert_eq!(run.code, Some(2), "{run}");
}

/// The resource map beside the spec (`spec/resources.yaml`) is checked against the new spec:
/// the next API state removes two operations the map names, so the sync is refused with the
/// map's file and line, and nothing is written; new operations alone need no map entry.
#[test]
fn a_resource_map_naming_a_removed_operation_refuses_the_sync() {
    let project = Project::seeded("resource-map");
    let map = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/resources.yaml"),
    )
    .expect("the repository's resource map");
    std::fs::write(project.spec_dir().join("resources.yaml"), &map).unwrap();
    let next = project.file(
        "next.yaml",
        &std::fs::read(shared("spec/history/hyperspell-0.32.1-2026-07.yaml")).unwrap(),
    );
    let line = map
        .lines()
        .position(|l| l.trim() == "list: get /integrations/google_calendar/list")
        .expect("the map names GET /integrations/google_calendar/list")
        + 1;
    project.refused(
        &["--from", next.to_str().unwrap()],
        &[
            "resources.yaml",
            &format!(":{line}:"),
            "the spec has no operation GET /integrations/google_calendar/list",
        ],
    );

    // Without the two stale entries the same spec syncs: its three new operations get derived
    // places.
    let trimmed: String = map
        .lines()
        .filter(|l| {
            !l.contains("/integrations/google_calendar/list")
                && !l.contains("/integrations/slack/list")
        })
        .filter(|l| !matches!(l.trim(), "google_calendar:" | "slack:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(project.spec_dir().join("resources.yaml"), trimmed).unwrap();
    let run = project.sync(&["--from", next.to_str().unwrap()]);
    assert_eq!(run.code, Some(0), "{run}");
    assert!(run.stdout.contains("context_documents()."), "{run}");
}

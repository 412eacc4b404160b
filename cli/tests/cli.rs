//! The `hyperspell` binary against a local mock server: the seed command, output formats
//! (terminal vs pipe), `--transform`, `--all`, `--body`, uploads, help, completions, exit
//! codes, and secrets kept out of every output, `--debug` included.

mod support;

use std::io::Write as _;
use std::process::{Output, Stdio};

use serde_json::{Value, json};
use support::{KEY, hyperspell, stderr, stdout};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Runs the binary with these arguments (and `--base-url` of `server`) off the async runtime.
async fn cli(server: &MockServer, args: &[&str]) -> Output {
    cli_with(server, args, &[], None).await
}

async fn cli_with(
    server: &MockServer,
    args: &[&str],
    env: &[(&str, &str)],
    stdin: Option<&str>,
) -> Output {
    let mut command = hyperspell();
    command.args(["--base-url", &server.uri()]).args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let stdin = stdin.map(str::to_owned);
    tokio::task::spawn_blocking(move || {
        command.stdout(Stdio::piped()).stderr(Stdio::piped());
        if stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let mut child = command.spawn().expect("the binary runs");
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

fn token() -> Value {
    json!({"token": "jwt-abc", "expires_at": "2030-01-02T03:04:05Z"})
}

async fn token_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/user_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token()))
        .mount(&server)
        .await;
    server
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_command_prints_a_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/auth/user_token"))
        .and(header("authorization", "Bearer My API Key"))
        .and(body_json(json!({"user_id": "user_id"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(token()))
        .expect(1)
        .mount(&server)
        .await;
    let out = cli(
        &server,
        &[
            "auth",
            "user-token",
            "--api-key",
            "My API Key",
            "--user-id",
            "user_id",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    // piped: compact, one line
    assert_eq!(stdout(&out), format!("{}\n", token()));
    // `--user-id` was the operation's field, not X-As-User
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("x-as-user").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminal_output_is_pretty_and_colored_piped_is_compact() {
    let server = token_server().await;
    let args = ["--api-key", KEY, "auth", "user-token", "--user-id", "u"];
    let tty = cli_with(&server, &args, &[("HYPERSPELL_CLI_TTY", "1")], None).await;
    let text = stdout(&tty);
    assert!(
        text.contains("\x1b[34;1m\"token\"\x1b[0m: \x1b[32m\"jwt-abc\"\x1b[0m"),
        "{text}"
    );
    assert!(text.lines().count() > 2, "{text}");
    let no_color = cli_with(
        &server,
        &args,
        &[("HYPERSPELL_CLI_TTY", "1"), ("NO_COLOR", "1")],
        None,
    )
    .await;
    assert!(!stdout(&no_color).contains('\x1b'));
    assert!(stdout(&no_color).contains("  \"token\": \"jwt-abc\""));
    let piped = cli(&server, &args).await;
    assert_eq!(stdout(&piped).lines().count(), 1);
    assert!(!stdout(&piped).contains('\x1b'));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formats_and_transform() {
    let server = token_server().await;
    let base = ["--api-key", KEY, "auth", "user-token", "--user-id", "u"];
    let with = |extra: &'static [&'static str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        args
    };
    let raw = cli(
        &server,
        &with(&["--format", "raw", "--transform", ".token"]),
    )
    .await;
    assert_eq!(stdout(&raw), "jwt-abc\n");
    let json_token = cli(&server, &with(&["--transform", ".token"])).await;
    assert_eq!(stdout(&json_token), "\"jwt-abc\"\n");
    let yaml = cli(&server, &with(&["--format", "yaml"])).await;
    assert!(
        stdout(&yaml).contains("token: jwt-abc"),
        "{}",
        stdout(&yaml)
    );
    let pretty = cli(&server, &with(&["--format", "json"])).await;
    assert!(stdout(&pretty).starts_with("{\n  \"token\""));
    let many = cli(
        &server,
        &with(&["--transform", "keys[]", "--format", "jsonl"]),
    )
    .await;
    // jq semantics: `keys` sorts
    assert_eq!(stdout(&many), "\"expires_at\"\n\"token\"\n");
    // bad inputs are usage errors naming the flag, sent nothing
    let before = server.received_requests().await.unwrap().len();
    let bad = cli(&server, &with(&["--transform", ".["])).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--transform"), "{}", stderr(&bad));
    let bad = cli(&server, &with(&["--format", "xml"])).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--format"));
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

async fn paged_server() -> MockServer {
    let server = MockServer::start().await;
    let page = |items: Vec<i32>, next: Option<&str>| {
        let items: Vec<Value> = items
            .into_iter()
            .map(|n| json!({"resource_id": format!("r{n}"), "source": "vault"}))
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({"items": items, "next_cursor": next}))
    };
    for (cursor, items, next) in [("c2", vec![3, 4], Some("c3")), ("c3", vec![5], None)] {
        Mock::given(path("/memories/list"))
            .and(query_param("cursor", cursor))
            .and(query_param("collection", "docs"))
            .respond_with(page(items, next))
            .mount(&server)
            .await;
    }
    Mock::given(path("/memories/list"))
        .and(query_param("collection", "docs"))
        .respond_with(page(vec![1, 2], Some("c2")))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_streams_every_item_across_pages() {
    let server = paged_server().await;
    let args = ["--api-key", KEY, "memories", "list", "--collection", "docs"];
    let mut all = args.to_vec();
    all.extend(["--all", "--transform", ".resource_id"]);
    let out = cli(&server, &all).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "\"r1\"\n\"r2\"\n\"r3\"\n\"r4\"\n\"r5\"\n");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    let mut first_three = all.clone();
    first_three.extend(["--max-items", "3"]);
    let out = cli(&server, &first_three).await;
    assert_eq!(stdout(&out), "\"r1\"\n\"r2\"\n\"r3\"\n");
    // two more pages, not three: it stops when it has enough
    assert_eq!(server.received_requests().await.unwrap().len(), 5);

    // without --all: the first page as it came
    let out = cli(&server, &args).await;
    let page: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(page["next_cursor"], "c2");
    assert_eq!(page["items"].as_array().unwrap().len(), 2);

    // --max-items needs --all
    let mut bad = args.to_vec();
    bad.extend(["--max-items", "2"]);
    assert_eq!(cli(&server, &bad).await.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_set_flags_are_sent_typed_and_enums_are_open() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"documents": []})))
        .mount(&server)
        .await;
    Mock::given(path("/memories/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .mount(&server)
        .await;
    let search = |extra: &'static [&'static str]| {
        let mut args = vec!["--api-key", KEY, "memories", "search", "--query", "q"];
        args.extend_from_slice(extra);
        args
    };
    let out = cli(&server, &search(&[])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli(
        &server,
        &search(&[
            "--answer",
            "true",
            "--max-results",
            "5",
            "--sources",
            "vault",
            "--sources",
            "pylon",
            "--effort",
            "a-new-effort",
            "--options",
            r#"{"after": "2025-01-01T00:00:00Z"}"#,
        ]),
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(body(&requests[0]), json!({"query": "q"}));
    assert_eq!(
        body(&requests[1]),
        json!({"query": "q", "answer": true, "max_results": 5, "sources": ["vault", "pylon"],
               "effort": "a-new-effort", "options": {"after": "2025-01-01T00:00:00Z"}})
    );
    // an enum value the spec does not list goes out as given
    let out = cli(
        &server,
        &["--api-key", KEY, "memories", "list", "--source", "pylon"],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[2].url.query(), Some("source=pylon"));

    // typed flags refuse what is not their type, naming the flag
    for (flag, value) in [("--max-results", "five"), ("--answer", "yes")] {
        let out = cli(&server, &search(&[])).await;
        assert!(out.status.success());
        let mut args = search(&[]);
        args.extend([flag, value]);
        let out = cli(&server, &args).await;
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(stderr(&out).contains(flag), "{}", stderr(&out));
    }
    let mut args = search(&[]);
    args.extend(["--options", "{not json"]);
    let out = cli(&server, &args).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--options"), "{}", stderr(&out));
    let mut args = search(&[]);
    args.extend(["--options", "@/nonexistent/options.json"]);
    let out = cli(&server, &args).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/options.json"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_body_from_a_file_or_stdin_with_flags_over_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"documents": []})))
        .mount(&server)
        .await;
    let file = std::env::temp_dir().join(format!("hs-cli-body-{}.json", std::process::id()));
    std::fs::write(&file, r#"{"query": "from file", "answer": true}"#).unwrap();
    let at_file = format!("@{}", file.display());
    let out = cli(
        &server,
        &["--api-key", KEY, "memories", "search", "--body", &at_file],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli_with(
        &server,
        &[
            "--api-key",
            KEY,
            "memories",
            "search",
            "--body",
            "-",
            "--query",
            "flag",
        ],
        &[],
        Some(r#"{"query": "stdin", "max_results": 3}"#),
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        body(&requests[0]),
        json!({"query": "from file", "answer": true})
    );
    assert_eq!(
        body(&requests[1]),
        json!({"query": "flag", "max_results": 3})
    );
    std::fs::remove_file(&file).unwrap();
    // a body that is not JSON names the file
    let bad = cli_with(
        &server,
        &["--api-key", KEY, "memories", "search", "--body", "-"],
        &[],
        Some("nope"),
    )
    .await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("--body: stdin is not JSON"),
        "{}",
        stderr(&bad)
    );
    // required body fields: a usage error without them or --body
    let bad = cli(&server, &["--api-key", KEY, "memories", "search"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--query"), "{}", stderr(&bad));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_streams_the_file_as_multipart() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "pending"})))
        .mount(&server)
        .await;
    let file = std::env::temp_dir().join(format!("hs-cli-report-{}.txt", std::process::id()));
    std::fs::write(&file, "quarterly numbers").unwrap();
    let path = file.to_string_lossy().into_owned();
    let out = cli(
        &server,
        &[
            "--api-key",
            KEY,
            "memories",
            "upload",
            "--file",
            &path,
            "--collection",
            "c1",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = server.received_requests().await.unwrap();
    let content_type = requests[0].headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let sent = String::from_utf8_lossy(&requests[0].body);
    assert!(sent.contains("quarterly numbers"));
    assert!(sent.contains("name=\"collection\"\r\n\r\nc1"), "{sent}");
    std::fs::remove_file(&file).unwrap();
    let missing = cli(
        &server,
        &[
            "--api-key",
            KEY,
            "memories",
            "upload",
            "--file",
            "/nonexistent/report.pdf",
        ],
    )
    .await;
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("--file: cannot read /nonexistent/report.pdf"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_and_error_messages() {
    let server = MockServer::start().await;
    Mock::given(path("/memories/get/vault/missing"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"detail": "Document not found"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/auth/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_delay(std::time::Duration::from_secs(3))
                .set_body_json(json!({})),
        )
        .mount(&server)
        .await;
    let get = [
        "--api-key",
        KEY,
        "memories",
        "get",
        "--source",
        "vault",
        "--resource-id",
        "missing",
    ];
    let out = cli(&server, &get).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("404"), "{err}");
    assert!(err.contains("not found"), "{err}");
    assert!(err.contains("Document not found"), "{err}");

    // usage: unknown flag, unknown command, missing required flag
    for args in [
        &["--api-key", KEY, "memories", "get", "--nope", "x"][..],
        &["--api-key", KEY, "memories", "nothing"][..],
        &["--api-key", KEY, "memories", "get", "--source", "vault"][..],
    ] {
        let out = cli(&server, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }

    // a missing API key: one line naming the flag and the variable
    let out = cli(&server, &["auth", "me"]).await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: no API key: pass --api-key or set HYPERSPELL_API_KEY\n"
    );
    let from_env = cli_with(
        &server,
        &[
            "memories",
            "get",
            "--source",
            "vault",
            "--resource-id",
            "missing",
        ],
        &[("HYPERSPELL_API_KEY", KEY)],
        None,
    )
    .await;
    assert_eq!(
        from_env.status.code(),
        Some(1),
        "the key from the environment is used"
    );

    // timeout
    let out = cli(
        &server,
        &[
            "--api-key",
            KEY,
            "--timeout",
            "0.3",
            "--max-retries",
            "0",
            "auth",
            "me",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("timed out") || stderr(&out).contains("timeout"));

    // connection refused
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = hyperspell()
        .args(["--api-key", KEY, "--max-retries", "0"])
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "auth",
            "me",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_are_never_printed_even_with_debug() {
    let server = MockServer::start().await;
    // the server echoes the credentials back in an error body
    Mock::given(path("/auth/me"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"detail": format!("bad key {KEY} for user acting-secret-user"), "token": "tok-secret-1"}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/auth/user_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token()))
        .mount(&server)
        .await;
    let out = cli(
        &server,
        &[
            "--api-key",
            KEY,
            "--user-id",
            "acting-secret-user",
            "--debug",
            "--max-retries",
            "0",
            "auth",
            "me",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let (out_text, err_text) = (stdout(&out), stderr(&out));
    for secret in [KEY, "acting-secret-user", "tok-secret-1"] {
        assert!(!out_text.contains(secret), "{secret} in stdout: {out_text}");
        assert!(!err_text.contains(secret), "{secret} in stderr: {err_text}");
    }
    assert!(err_text.contains("> GET http://"), "{err_text}");
    assert!(
        err_text.contains("> authorization: [redacted]"),
        "{err_text}"
    );
    assert!(err_text.contains("> x-as-user: [redacted]"), "{err_text}");
    assert!(err_text.contains("< 401"), "{err_text}");
    // the acting user was sent
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers["x-as-user"], "acting-secret-user");

    // a successful request with --debug: request and response lines, no key
    let out = cli(
        &server,
        &[
            "--api-key",
            KEY,
            "--debug",
            "auth",
            "user-token",
            "--user-id",
            "u",
        ],
    )
    .await;
    assert!(out.status.success());
    let err_text = stderr(&out);
    assert!(err_text.contains("> POST http://"), "{err_text}");
    assert!(err_text.contains("< 200 OK"), "{err_text}");
    assert!(!err_text.contains(KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_shows_the_spec_and_required_flags() {
    let server = MockServer::start().await;
    let out = cli(&server, &["auth", "user-token", "--help"]).await;
    assert!(out.status.success());
    let help = stdout(&out);
    assert!(help.contains("Get a user token"), "{help}");
    assert!(
        help.contains("create a user token for a specific user"),
        "{help}"
    );
    assert!(help.contains("--user-id <STRING>"), "{help}");
    assert!(help.contains("[required; string]"), "{help}");
    assert!(help.contains("--api-key"), "{help}");
    let out = cli(&server, &["memories", "--help"]).await;
    assert!(stdout(&out).contains("search"));
    let out = cli(&server, &["memories", "list", "--help"]).await;
    let help = stdout(&out);
    assert!(help.contains("--all"), "{help}");
    assert!(help.contains("others accepted"), "{help}");
    let out = cli(&server, &["--help"]).await;
    assert!(stdout(&out).contains("Exit codes"));
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish"] {
        let out = hyperspell().args(["completion", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("hyperspell"), "{shell}");
        assert!(text.contains("user-token"), "{shell}");
    }
    let out = hyperspell().args(["completion", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn every_operation_is_a_command() {
    for op in hyperspell::operations::ALL {
        let words: Vec<String> = op.call.split('.').map(|w| w.replace('_', "-")).collect();
        let out = hyperspell().args(&words).arg("--help").output().unwrap();
        let help = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}: {}", op.call, stderr(&out));
        assert!(help.contains(op.path), "{}: {help}", op.call);
    }
}

/// A real terminal (a pty, by util-linux `script`), not the `HYPERSPELL_CLI_TTY` override:
/// stdout is detected as a terminal and gets indented, colored JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_terminal_gets_colored_output() {
    assert!(
        std::path::Path::new("/usr/bin/script").exists(),
        "this test needs util-linux `script` (/usr/bin/script) to run the binary on a pty"
    );
    let server = token_server().await;
    let command = format!(
        "{} --api-key {KEY} --base-url {} auth user-token --user-id u",
        support::BIN,
        server.uri()
    );
    let out = tokio::task::spawn_blocking(move || {
        let mut script = std::process::Command::new("/usr/bin/script");
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("HYPERSPELL_") || name == "NO_COLOR" {
                script.env_remove(name);
            }
        }
        script
            .args(["-qec", &command, "/dev/null"])
            .stdin(Stdio::null())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\x1b[34;1m\"token\"\x1b[0m: \x1b[32m\"jwt-abc\"\x1b[0m"),
        "{text:?}"
    );
    assert!(text.lines().count() > 2, "{text:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn negative_numbers_are_values_not_flags() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/memories/query"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"documents": []})))
        .mount(&server)
        .await;
    let out = cli(
        &server,
        &[
            "--api-key",
            KEY,
            "memories",
            "search",
            "--query",
            "q",
            "--max-results",
            "-1",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", stderr(&out));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(body(&requests[0]), json!({"query": "q", "max_results": -1}));
    // and a negative timeout is refused by name, not taken for a flag
    let out = cli(
        &server,
        &["--api-key", KEY, "--timeout", "-1", "auth", "me"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value `-1` for --timeout"),
        "{}",
        stderr(&out)
    );
}

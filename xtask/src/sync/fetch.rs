//! Getting the spec's bytes: from a file, or over HTTP(S) with timeouts, the environment's
//! proxies, a size limit, status and content-type checks, truncation detection and progress.

use std::fmt;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, CONTENT_TYPE};

use super::failed;
use crate::Failure;

/// Where a spec comes from.
#[derive(Debug, Clone)]
pub enum Source {
    Url(String),
    File(PathBuf),
}

/// What a read may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Connect timeout, and the longest wait for any read.
    pub timeout: Duration,
    pub max_bytes: u64,
}

const ACCEPT_SPEC: &str = "application/yaml, application/x-yaml, text/yaml, application/vnd.oai.openapi, \
                           application/json;q=0.9, text/plain;q=0.5, */*;q=0.1";

/// Progress is shown once a download has taken this long, then at most this often
/// (`SYNC_SPEC_PROGRESS_AFTER_MS` sets another period: the tests see progress without a slow
/// server).
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

impl Source {
    pub fn parse(text: &str) -> Result<Source, Failure> {
        let lower = text.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            Ok(Source::Url(text.to_owned()))
        } else if lower.starts_with("file://") {
            Ok(Source::File(PathBuf::from(&text["file://".len()..])))
        } else if let Some((scheme, _)) = text.split_once("://") {
            Err(failed(
                format!("cannot sync from a `{scheme}://` URL"),
                "use an http://, https:// or file:// URL, or a path",
            ))
        } else {
            Ok(Source::File(PathBuf::from(text)))
        }
    }

    /// The whole document, within `limits`.
    pub fn read(&self, limits: &Limits) -> Result<Vec<u8>, Failure> {
        match self {
            Source::File(path) => read_file(path, limits.max_bytes),
            Source::Url(url) => download(url, limits),
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Url(url) => f.write_str(url),
            Source::File(path) => write!(f, "{}", path.display()),
        }
    }
}

fn read_file(path: &PathBuf, max_bytes: u64) -> Result<Vec<u8>, Failure> {
    let cannot = |e: std::io::Error| {
        failed(
            format!("cannot read {}: {e}", path.display()),
            "check the path given to --from",
        )
    };
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let metadata = file.metadata().map_err(cannot)?;
    if !metadata.is_file() {
        return Err(failed(
            format!("{} is not a regular file", path.display()),
            "give --from the spec file itself",
        ));
    }
    if metadata.len() > max_bytes {
        return Err(too_large(
            &path.display().to_string(),
            metadata.len(),
            max_bytes,
        ));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.read_to_end(&mut bytes).map_err(cannot)?;
    Ok(bytes)
}

fn too_large(what: &str, size: u64, max_bytes: u64) -> Failure {
    failed(
        format!("{what} is larger than the limit: {size} bytes, --max-bytes is {max_bytes}"),
        "if this really is the spec, raise --max-bytes",
    )
}

fn download(url: &str, limits: &Limits) -> Result<Vec<u8>, Failure> {
    // reqwest reads HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY (and their lower-case forms).
    let client = reqwest::blocking::Client::builder()
        .connect_timeout(limits.timeout)
        .timeout(limits.timeout)
        .user_agent(concat!(
            "hyperspell-xtask/",
            env!("CARGO_PKG_VERSION"),
            " (sync-spec)"
        ))
        .build()
        .map_err(|e| {
            failed(
                format!("cannot set up the HTTP client: {}", error_chain(&e)),
                "check the proxy variables",
            )
        })?;
    let mut response = client
        .get(url)
        .header(ACCEPT, ACCEPT_SPEC)
        .send()
        .map_err(|e| request_failure(url, &e, limits.timeout))?;

    let status = response.status();
    if !status.is_success() {
        let help = match status.as_u16() {
            401 | 403 => {
                "the server wants credentials: sync from a URL that needs none, or download the spec and use --from FILE"
            }
            404 | 410 => "check the URL given to --from",
            429 | 500..=599 => {
                "the server has a problem; try again later, or sync from a file with --from FILE"
            }
            _ => "check the URL given to --from",
        };
        return Err(failed(format!("{url} answered HTTP {status}"), help));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    check_content_type(url, content_type.as_deref())?;

    let expected = response.content_length();
    if let Some(length) = expected.filter(|&length| length > limits.max_bytes) {
        return Err(too_large(url, length, limits.max_bytes));
    }
    let mut bytes = Vec::with_capacity(expected.unwrap_or(0).min(limits.max_bytes) as usize);
    let mut progress = Progress::new(expected);
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = match response.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                progress.finish(bytes.len() as u64);
                return Err(body_failure(
                    url,
                    &e,
                    bytes.len() as u64,
                    expected,
                    limits.timeout,
                ));
            }
        };
        if (bytes.len() + read) as u64 > limits.max_bytes {
            progress.finish(bytes.len() as u64);
            return Err(too_large(
                url,
                (bytes.len() + read) as u64,
                limits.max_bytes,
            ));
        }
        bytes.extend_from_slice(&buffer[..read]);
        progress.update(bytes.len() as u64);
    }
    progress.finish(bytes.len() as u64);
    if let Some(length) = expected.filter(|&length| length != bytes.len() as u64) {
        return Err(truncated(
            url,
            bytes.len() as u64,
            Some(length),
            "the connection ended early",
        ));
    }
    Ok(bytes)
}

/// A spec is YAML or JSON text; an HTML page (a login or error page) is not.
fn check_content_type(url: &str, content_type: Option<&str>) -> Result<(), Failure> {
    let Some(content_type) = content_type else {
        return Ok(());
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "text/html" || essence == "application/xhtml+xml" {
        return Err(failed(
            format!(
                "{url} sent an HTML page (Content-Type: {content_type}), not an OpenAPI document"
            ),
            "a login or error page? check the URL, and that it needs no sign-in",
        ));
    }
    let accepted = essence.ends_with("yaml")
        || essence.ends_with("json")
        || matches!(
            essence.as_str(),
            "text/plain"
                | "application/octet-stream"
                | "binary/octet-stream"
                | "application/vnd.oai.openapi"
        );
    if !accepted {
        return Err(failed(
            format!("{url} sent Content-Type: {content_type}, not YAML, JSON or plain text"),
            "check the URL given to --from",
        ));
    }
    Ok(())
}

fn request_failure(url: &str, error: &reqwest::Error, timeout: Duration) -> Failure {
    // reqwest's own message only repeats the URL: its causes say what happened.
    let chain = match std::error::Error::source(error) {
        Some(cause) => error_chain(cause),
        None => error_chain(error),
    };
    let lower = chain.to_ascii_lowercase();
    let network = "check the URL, your network and the proxy variables (HTTPS_PROXY, NO_PROXY), or sync from a file with --from FILE";
    if error.is_timeout() {
        failed(
            format!(
                "no answer from {url} within {} s: {chain}",
                timeout.as_secs_f64()
            ),
            format!("raise --timeout, or {network}"),
        )
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        failed(
            format!("cannot resolve the host of {url}: {chain}"),
            network,
        )
    } else if lower.contains("connection refused") {
        failed(format!("connection refused by {url}: {chain}"), network)
    } else if error.is_builder() {
        failed(
            format!("invalid URL {url}: {chain}"),
            "check the URL given to --from",
        )
    } else if error.is_connect() {
        failed(format!("cannot connect to {url}: {chain}"), network)
    } else {
        failed(format!("the request to {url} failed: {chain}"), network)
    }
}

fn body_failure(
    url: &str,
    error: &std::io::Error,
    got: u64,
    expected: Option<u64>,
    timeout: Duration,
) -> Failure {
    let chain = error_chain(error);
    if error.kind() == std::io::ErrorKind::TimedOut
        || chain.to_ascii_lowercase().contains("timed out")
    {
        return failed(
            format!(
                "{url} stopped sending for {} s after {got} bytes: {chain}",
                timeout.as_secs_f64()
            ),
            "raise --timeout, or try again later",
        );
    }
    truncated(url, got, expected, &chain)
}

fn truncated(url: &str, got: u64, expected: Option<u64>, why: &str) -> Failure {
    let of = expected
        .map(|length| format!(" of {length}"))
        .unwrap_or_default();
    failed(
        format!("the download from {url} is truncated: {got}{of} bytes arrived ({why})"),
        "try again; a truncated spec is never written",
    )
}

/// `error: cause: cause`, without repeating a cause that the previous message already contains.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

/// Progress on stderr for a slow download: nothing for the first second, then about once a
/// second (one updating line on a terminal, one line each otherwise).
struct Progress {
    start: Instant,
    after: Duration,
    last: Option<Instant>,
    total: Option<u64>,
    terminal: bool,
}

impl Progress {
    fn new(total: Option<u64>) -> Progress {
        let after = std::env::var("SYNC_SPEC_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(PROGRESS_AFTER, Duration::from_millis);
        Progress {
            start: Instant::now(),
            after,
            last: None,
            total,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    fn update(&mut self, got: u64) {
        let now = Instant::now();
        let due = match self.last {
            None => now.duration_since(self.start) >= self.after,
            Some(last) => now.duration_since(last) >= self.after,
        };
        if due {
            self.last = Some(now);
            self.print(got, false);
        }
    }

    fn finish(&mut self, got: u64) {
        if self.last.is_some() {
            self.print(got, true);
        }
    }

    fn print(&self, got: u64, done: bool) {
        let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
        let mut line = format!("sync-spec: downloaded {:.1} MiB", mib(got));
        if let Some(total) = self.total.filter(|&total| total > 0) {
            line.push_str(&format!(
                " of {:.1} MiB ({}%)",
                mib(total),
                got * 100 / total
            ));
        }
        line.push_str(&format!(" in {:.0} s", self.start.elapsed().as_secs_f64()));
        if self.terminal {
            eprint!("\r{line}\x1b[K{}", if done { "\n" } else { "" });
        } else {
            eprintln!("{line}");
        }
    }
}

//! One invocation: settings from flags and environment, the request from the operation's
//! flags, sent with `Client::raw` (the library's runtime: hooks, retries, typed errors), the
//! response printed.

use std::collections::HashMap;
use std::io::{IsTerminal, Read, Write};
use std::time::{Duration, Instant};

use clap::ArgMatches;
use futures::StreamExt;
use hyperspell::multipart::FilePart;
use hyperspell::{ClientBuilder, Error, ErrorKind, FormValue, RawRequest, RawResponse};
use serde_json::{Map, Value};

use crate::args::{self, global, switch};
use crate::output::{Format, Printer, Transform};
use crate::table::{Command, Input, Kind, Place};
use crate::{Failure, exit};

/// Set to `1` (or `0`) to have the output formatted as for a terminal (or a pipe), whatever
/// stdout is: for tests and scripts.
pub const ENV_TTY: &str = "HYPERSPELL_CLI_TTY";
/// The acting user (`X-As-User`) when neither `--user-id` nor `--as-user` is given.
pub const ENV_USER_ID: &str = "HYPERSPELL_USER_ID";

pub async fn run(commands: &[Command], matches: &ArgMatches) -> Result<(), Failure> {
    let (words, leaf) = args::leaf_matches(matches);
    let command = commands
        .iter()
        .find(|c| c.words() == words)
        .ok_or_else(|| Failure::usage(format!("unknown command `{}`", words.join(" "))))?;
    let op = command.operation;
    let value = |id: &str| global(matches, leaf, id).cloned();
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());

    // Output settings first: a bad --format or --transform fails before anything is sent.
    let format = value("format").map(|f| Format::parse(&f)).transpose();
    let format = format.map_err(Failure::usage)?;
    let transform = value("transform")
        .map(|code| Transform::compile(&code))
        .transpose()
        .map_err(Failure::usage)?;
    let tty = match std::env::var(ENV_TTY).as_deref() {
        Ok("1") => true,
        Ok("0") => false,
        _ => std::io::stdout().is_terminal(),
    };
    let printer = Printer::new(format, tty, transform);
    let debug = switch(matches, leaf, "debug");

    let mut builder = ClientBuilder::from_env();
    match value("api-key").or_else(|| env(hyperspell::constants::ENV_API_KEY)) {
        Some(key) => builder = builder.api_key(key.trim()),
        // Never sent: the operation takes no credentials.
        None if !op.credentials.bearer => builder = builder.api_key("unused"),
        None => {
            return Err(Failure::usage(
                "no API key: pass --api-key or set HYPERSPELL_API_KEY",
            ));
        }
    }
    if let Some(url) = value("base-url") {
        builder = builder.base_url(url);
    }
    if let Some(user) = value("as-user")
        .or_else(|| value("user-id"))
        .or_else(|| env(ENV_USER_ID))
    {
        builder = builder.as_user(user);
    }
    if let Some(text) = value("timeout") {
        let seconds: f64 = text
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s < 1e9)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "invalid value `{text}` for --timeout: seconds, a positive number"
                ))
            })?;
        builder = builder.timeout(Duration::from_secs_f64(seconds));
    }
    if let Some(text) = value("max-retries") {
        let n: u32 = text.parse().map_err(|_| {
            Failure::usage(format!(
                "invalid value `{text}` for --max-retries: a whole number"
            ))
        })?;
        builder = builder.max_retries(n);
    }
    let client = builder
        .build()
        .map_err(|e| Failure::usage(format!("{e}")))?;

    let mut request = client.raw(op);
    request = inputs(command, leaf, request)?;
    if debug {
        request = request.inspect(debug_request);
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let started = Instant::now();
    let all = leaf.try_get_one::<bool>("all").ok().flatten() == Some(&true);
    if all {
        let items = command.items.as_deref().unwrap_or("items");
        let max = leaf.try_get_one::<u64>("max-items").ok().flatten().copied();
        let mut stream = request.into_stream(items);
        let mut count = 0u64;
        while max.is_none_or(|max| count < max) {
            let Some(item) = stream.next().await else {
                break;
            };
            let item = item.map_err(|e| api_failure(&e, debug))?;
            count += 1;
            printer.print(&mut out, item).map_err(Failure::other)?;
            flush(&mut out)?;
        }
        if debug {
            eprintln!("< {count} items in {:?}", started.elapsed());
        }
        return Ok(());
    }
    let response = request.send().await.map_err(|e| api_failure(&e, debug))?;
    if debug {
        eprintln!(
            "< {} ({} ms)",
            response.status(),
            started.elapsed().as_millis()
        );
        print_headers("<", response.headers());
    }
    match response.into_inner() {
        RawResponse::Json(value) => printer.print(&mut out, value).map_err(Failure::other)?,
        RawResponse::Bytes(bytes) => out
            .write_all(&bytes)
            .map_err(|e| Failure::other(format!("cannot write the output: {e}")))?,
    }
    flush(&mut out)
}

fn flush(out: &mut impl Write) -> Result<(), Failure> {
    match out.flush() {
        // the reader went away (`| head`): not a failure
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::other(format!("cannot write the output: {e}"))),
        Ok(()) => Ok(()),
    }
}

/// The request's parameters and body from the leaf's flags (and `--body`).
fn inputs<'a>(
    command: &Command,
    leaf: &ArgMatches,
    mut request: RawRequest<'a>,
) -> Result<RawRequest<'a>, Failure> {
    let flags: HashMap<String, String> = args::flags(command).into_iter().collect();
    let multipart = command.body.as_ref().is_some_and(|b| b.is_multipart());
    let mut fields = Map::new();
    for input in command.inputs() {
        let id = args::arg_id(input);
        let Some(values) = leaf.get_many::<String>(&id) else {
            continue;
        };
        let flag = format!("--{}", flags.get(&id).map_or(input.name.as_str(), |f| f));
        let values: Vec<&String> = values.collect();
        match input.place {
            Place::Path => {
                request = request.path_param(&input.name, values[0].as_str());
            }
            Place::Query => {
                for v in values {
                    let v = match input.kind {
                        Kind::Json => json_arg(&flag, v)?.to_string(),
                        _ => v.clone(),
                    };
                    request = request.query(&input.name, v);
                }
            }
            Place::Body if multipart => {
                for v in values {
                    let field = match input.kind {
                        Kind::File => FormValue::File(file_part(&flag, v)?),
                        Kind::Json => FormValue::Text(json_arg(&flag, v)?.to_string()),
                        _ => FormValue::Text(v.clone()),
                    };
                    request = request.form(&input.name, field);
                }
            }
            Place::Body => {
                let typed: Vec<Value> = values
                    .iter()
                    .map(|v| typed(input, &flag, v))
                    .collect::<Result<_, _>>()?;
                let value = if input.array {
                    Value::Array(typed)
                } else {
                    typed.into_iter().next().unwrap_or(Value::Null)
                };
                fields.insert(input.name.clone(), value);
            }
        }
    }
    let Some(body) = &command.body else {
        return Ok(request);
    };
    let given = leaf.try_get_one::<String>("body").ok().flatten();
    if multipart {
        if given.is_some() {
            return Err(Failure::usage(
                "--body is not for multipart operations: set the form fields with their flags",
            ));
        }
        return Ok(request);
    }
    let whole = match given {
        Some(source) => Some(read_body(source)?),
        None => None,
    };
    let value = match whole {
        Some(Value::Object(mut object)) => {
            object.extend(fields);
            Value::Object(object)
        }
        Some(other) if fields.is_empty() => other,
        Some(_) => {
            return Err(Failure::usage(
                "--body is not a JSON object, so field flags cannot be set over it",
            ));
        }
        None if fields.is_empty() && !body.required => return Ok(request),
        None => Value::Object(fields),
    };
    Ok(request.json(value))
}

/// A body field's value as JSON, by its kind (validated by clap for scalars).
fn typed(input: &Input, flag: &str, text: &str) -> Result<Value, Failure> {
    let invalid = |what: &str| Failure::usage(format!("invalid value `{text}` for {flag}: {what}"));
    Ok(match input.kind {
        Kind::String | Kind::File => Value::String(text.to_owned()),
        Kind::Integer => Value::from(text.parse::<i64>().map_err(|_| invalid("not an integer"))?),
        Kind::Number => serde_json::from_str::<serde_json::Number>(text)
            .map(Value::Number)
            .or_else(|_| {
                text.parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64)
                    .map(Value::Number)
                    .ok_or(())
            })
            .map_err(|_| invalid("not a number"))?,
        Kind::Boolean => Value::Bool(text.parse().map_err(|_| invalid("not true or false"))?),
        Kind::Json => json_arg(flag, text)?,
    })
}

/// JSON text, or `@file.json`.
fn json_arg(flag: &str, text: &str) -> Result<Value, Failure> {
    if let Some(path) = text.strip_prefix('@') {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::usage(format!("{flag}: cannot read {path}: {e}")))?;
        return serde_json::from_slice(&bytes)
            .map_err(|e| Failure::usage(format!("{flag}: {path} is not JSON: {e}")));
    }
    serde_json::from_str(text).map_err(|e| {
        Failure::usage(format!(
            "invalid value for {flag}: not JSON ({e}); give JSON text or @file.json"
        ))
    })
}

/// `--body @file.json` or `--body -` (stdin).
fn read_body(source: &str) -> Result<Value, Failure> {
    let (what, bytes) = if source == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("--body -: cannot read stdin: {e}")))?;
        ("stdin".to_owned(), bytes)
    } else if let Some(path) = source.strip_prefix('@') {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::usage(format!("--body: cannot read {path}: {e}")))?;
        (path.to_owned(), bytes)
    } else {
        return Err(Failure::usage(
            "--body takes @file.json or - (stdin); set single fields with their flags",
        ));
    };
    serde_json::from_slice(&bytes)
        .map_err(|e| Failure::usage(format!("--body: {what} is not JSON: {e}")))
}

/// A file to upload, streamed from its path (checked before anything is sent).
fn file_part(flag: &str, path: &str) -> Result<FilePart, Failure> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(FilePart::path(path)),
        Ok(_) => Err(Failure::usage(format!("{flag}: {path} is not a file"))),
        Err(e) => Err(Failure::usage(format!("{flag}: cannot read {path}: {e}"))),
    }
}

/// The failure for an error of the client, with its exit code.
fn api_failure(error: &Error, debug: bool) -> Failure {
    if let (true, Some(status)) = (debug, error.status()) {
        eprintln!("< {status}");
        print_headers("<", error.headers());
    }
    let code = match error.kind() {
        _ if error.status().is_some() => exit::API,
        ErrorKind::Connection => exit::CONNECTION,
        ErrorKind::Timeout => exit::TIMEOUT,
        ErrorKind::InvalidRequest | ErrorKind::Config => exit::USAGE,
        _ => exit::OTHER,
    };
    let mut message = error.to_string();
    if let Some(body) = error.body().filter(|b| !message.contains(b.trim())) {
        message.push_str("\nresponse body: ");
        message.push_str(body.trim());
    }
    Failure { code, message }
}

const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "x-as-user",
    "cookie",
    "set-cookie",
    "x-api-key",
];

fn print_headers(prefix: &str, headers: &reqwest::header::HeaderMap) {
    for (name, value) in headers {
        let shown = if value.is_sensitive() || SECRET_HEADERS.contains(&name.as_str()) {
            "[redacted]".to_owned()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        eprintln!("{prefix} {name}: {shown}");
    }
}

/// `--debug`: the request line and headers of every attempt, credentials redacted.
fn debug_request(request: &reqwest::Request) {
    let mut url = request.url().clone();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let secret = ["token", "key", "secret", "password"]
                .iter()
                .any(|s| k.to_ascii_lowercase().contains(s));
            let v = if secret {
                "[redacted]".into()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    if !pairs.is_empty() {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    eprintln!("> {} {url}", request.method());
    print_headers(">", request.headers());
}

//! Contract tests against Steady, the validating mock server the official SDKs test against.
//!
//! Every operation of the vendored spec is called twice through its generated typed builder
//! (once with only the required inputs, once with every optional input set), with values
//! synthesized from the schemas by `hyperspell-codegen` (`generate/contract.rs`, written by
//! this crate's `build.rs` to `$OUT_DIR/contract_calls.rs`). Steady checks each request against the
//! spec and answers `400` with its reasons when the request breaks it; otherwise it answers
//! with a response body generated from the spec, which our types must decode.
//!
//! Every call that does not end in a decoded 2xx is a failure, by class:
//!
//! * **request rejected** (400 from Steady): our request broke the spec. Steady's body and
//!   its `x-steady-error-*` headers are printed.
//! * **value note** (2xx with `x-steady-error-*` diagnostics): Steady accepts a value out of
//!   its schema's range or length (its E4xxx "content notes") and only notes it. Every value
//!   these calls send is meant to be valid, so a note means the synthesizer, or the
//!   normalized schema it works from, lost a constraint.
//! * **response decode**: Steady's generated body, valid for the spec, does not decode into
//!   our types. A real finding about the generated types (or the normalization behind them).
//! * **unexpected status** (any other non-2xx, e.g. a 404 for a path Steady does not match or
//!   a 5xx from the mock): reported with the body; it means our URL or Steady is wrong.
//! * **transport**: no HTTP answer at all.
//! * **input**: a synthesized value our own parameter/body type refuses (the synthesizer
//!   and the generated types disagree about the schema).
//! * **generator**: the contract generator could not build the call.
//!
//! All failures are collected and listed before the test fails.
//!
//! Steady's generated bodies hold only required properties, so a second test,
//! `every_success_response_with_all_properties_decodes`, decodes every JSON success response
//! synthesized with *all* its properties into its type and checks it re-encodes unchanged.
//!
//! Steady checks against `spec/hyperspell.yaml` (what the client is generated from), or
//! `$CONTRACT_STEADY_SPEC` to try this client against another revision of the spec.
//!
//! Steady is found at `$STEADY_BIN`, else `target/steady/node_modules/.bin/steady` (what
//! `.ci/run` installs), else run with `npx --yes @stdy/cli@0.22.2`. If none starts, the test
//! fails and says why: it never skips.
//!
//! Query arrays: the official SDKs send them comma-separated (`channels=a,b`) and run Steady
//! with `--validator-query-array-format=comma`. Our client (progenitor's `QueryParam`) sends
//! repeated keys (`channels=a&channels=b`), which is what the spec declares: its array query
//! parameters have no `style`/`explode`, so OpenAPI's default `form` + `explode: true` applies
//! (and FastAPI's `List[str]` query parameters read repeated keys). Steady therefore runs with
//! `--validator-query-array-format=auto`, i.e. the spec's own style, so a spec that declares
//! another style later is caught. The calls send two items in such arrays ("all" mode) so the
//! style is visible in the request.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hyperspell::{ErrorKind, types};
use hyperspell_contract_tests::steady::Steady;

/// Why a contract call failed before or instead of getting a response from Steady.
#[allow(dead_code)]
enum Failure {
    /// The contract generator could not build the call.
    Generator(String),
    /// A synthesized value our own type refuses.
    Input(String),
    /// `send()` failed.
    Api(hyperspell::Error),
}

/// Deserializes a synthesized JSON value into a parameter or body type.
fn input<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, Failure> {
    serde_json::from_str(json).map_err(|e| {
        Failure::Input(format!(
            "`{what}`: the synthesized value does not deserialize into `{}`: {e}\n    value: {}",
            std::any::type_name::<T>(),
            shorten(json, 2000)
        ))
    })
}

/// Decodes a synthesized response body into `T` and re-encodes it: the first difference, if
/// any, is what the type loses or changes.
fn decode_sample<T: serde::de::DeserializeOwned + serde::Serialize>(
    json: &str,
) -> Result<(), String> {
    let sent: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let decoded: T = serde_json::from_str(json).map_err(|e| {
        format!(
            "does not decode into `{}`: {e}\n    body: {}",
            std::any::type_name::<T>(),
            shorten(json, 2000)
        )
    })?;
    let again = serde_json::to_value(&decoded).map_err(|e| format!("does not re-encode: {e}"))?;
    match first_difference(&sent, &again, String::new()) {
        None => Ok(()),
        Some(at) => Err(format!(
            "decodes into `{}` but re-encodes differently at {at}\n    body: {}",
            std::any::type_name::<T>(),
            shorten(json, 2000)
        )),
    }
}

fn first_difference(a: &serde_json::Value, b: &serde_json::Value, at: String) -> Option<String> {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                match y.get(key) {
                    None => return Some(format!("{at}/{key} (dropped)")),
                    Some(other) => {
                        if let Some(found) = first_difference(value, other, format!("{at}/{key}")) {
                            return Some(found);
                        }
                    }
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{at}/{k} (added)"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, format!("{at}/{i}"))),
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => None,
        _ if a == b => None,
        _ => Some(format!("{at}: sent {a}, re-encoded {b}")),
    }
}

#[allow(clippy::all, clippy::pedantic, dead_code, unused_imports)]
mod calls {
    use super::{Failure, decode_sample, input, types};
    use hyperspell as client_crate;
    include!(concat!(env!("OUT_DIR"), "/contract_calls.rs"));
}

fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…[{} more bytes]", &text[..cut], text.len() - cut)
}

/// Steady's `x-steady-error-N-{code,path,message}` headers as lines.
fn steady_reasons(headers: &reqwest::header::HeaderMap) -> Vec<String> {
    let count: usize = headers
        .get("x-steady-error-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (1..=count)
        .map(|n| {
            let get = |what: &str| {
                headers
                    .get(format!("x-steady-error-{n}-{what}"))
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("?")
                    .to_owned()
            };
            format!("{} at {}: {}", get("code"), get("path"), get("message"))
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    RequestRejected,
    ValueNote,
    ResponseDecode,
    UnexpectedStatus,
    Transport,
    Input,
    Generator,
}

struct Finding {
    class: Class,
    operation: String,
    mode: &'static str,
    detail: String,
}

fn classify(operation: &str, mode: &'static str, failure: Failure) -> Finding {
    let (class, detail) = match failure {
        Failure::Generator(message) => (Class::Generator, message),
        Failure::Input(message) => (Class::Input, message),
        Failure::Api(error) => {
            let mut detail = format!("{error}");
            let reasons = steady_reasons(error.headers());
            if !reasons.is_empty() {
                detail.push_str("\n    Steady's reasons:");
                for reason in &reasons {
                    let _ = write!(detail, "\n      - {reason}");
                }
            }
            if let Some(body) = error.body() {
                let _ = write!(detail, "\n    body: {body}");
            }
            let class = match (error.status().map(|s| s.as_u16()), error.kind()) {
                (Some(400), _) => Class::RequestRejected,
                (_, ErrorKind::Decode) => Class::ResponseDecode,
                (Some(_), _) => Class::UnexpectedStatus,
                (None, _) => Class::Transport,
            };
            (class, detail)
        }
    };
    Finding {
        class,
        operation: operation.to_owned(),
        mode,
        detail,
    }
}

/// A request that breaks the spec must come back 400: otherwise passing calls prove nothing.
async fn check_steady_rejects_invalid_requests(base_url: &str) -> Result<(), String> {
    let response = reqwest::Client::new()
        .post(format!("{base_url}/auth/user_token"))
        .bearer_auth("contract-test-key")
        .json(&serde_json::json!({}))
        .send()
        .await
        .map_err(|e| format!("canary request failed: {e}"))?;
    let status = response.status();
    let reasons = steady_reasons(response.headers());
    if status.as_u16() != 400 || reasons.is_empty() {
        return Err(format!(
            "Steady answered {status} (reasons: {reasons:?}) to a body missing the required `user_id`: \
             it does not reject invalid requests, so the contract test would prove nothing"
        ));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_matches_the_spec_in_steady() {
    // The spec Steady checks against: the vendored one the client is generated from, or
    // another revision to see how this client fares against it.
    let spec = match std::env::var_os("CONTRACT_STEADY_SPEC") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/hyperspell.yaml"),
    };
    let steady = Steady::start(&spec, Path::new(env!("CARGO_TARGET_TMPDIR")));
    let base_url = steady.base_url();
    eprintln!(
        "Steady ({}) on {base_url}, log: {}",
        steady.how,
        steady.log.display()
    );

    if let Err(message) = check_steady_rejects_invalid_requests(&base_url).await {
        panic!("{message}\nSteady's log:\n{}", steady.log_text());
    }

    let client = hyperspell::Client::builder()
        .api_key("contract-test-key")
        .as_user("contract-test-user")
        .base_url(&base_url)
        .max_retries(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    assert_eq!(
        calls::OPERATIONS.len(),
        hyperspell::operations::ALL.len(),
        "the contract calls cover every operation"
    );

    let mut findings = Vec::new();
    let mut passed = 0;
    for &(name, method, path) in calls::OPERATIONS {
        for (mode, all) in [("required", false), ("all", true)] {
            match calls::call(&client, name, all).await {
                Ok((status, headers)) => {
                    let valid = headers
                        .get("x-steady-request-valid")
                        .and_then(|v| v.to_str().ok());
                    let reasons = steady_reasons(&headers);
                    let class = if valid == Some("false") {
                        Class::RequestRejected
                    } else if !reasons.is_empty() {
                        Class::ValueNote
                    } else {
                        passed += 1;
                        continue;
                    };
                    findings.push(Finding {
                        class,
                        operation: format!("{name} ({method} {path})"),
                        mode,
                        detail: format!(
                            "status {status}; Steady's diagnostics:\n      - {}",
                            reasons.join("\n      - ")
                        ),
                    });
                }
                Err(failure) => findings.push(classify(
                    &format!("{name} ({method} {path})"),
                    mode,
                    failure,
                )),
            }
        }
    }

    let total = calls::OPERATIONS.len() * 2;
    eprintln!("contract: {passed}/{total} calls passed");
    if findings.is_empty() {
        return;
    }
    findings.sort_by_key(|f| f.class);
    let mut report = format!("{} of {total} contract calls failed:\n", findings.len());
    for finding in &findings {
        let _ = writeln!(
            report,
            "\n[{:?}] {} — mode: {}\n    {}",
            finding.class, finding.operation, finding.mode, finding.detail
        );
    }
    let mut counts = std::collections::BTreeMap::new();
    for finding in &findings {
        *counts.entry(format!("{:?}", finding.class)).or_insert(0) += 1;
    }
    let _ = writeln!(
        report,
        "\nby class: {counts:?}\nSteady's log: {}",
        steady.log.display()
    );
    drop(steady);
    panic!("{report}");
}

/// Steady's mock bodies hold only required properties; here every JSON success response is
/// synthesized with all its optional properties too and must decode into its type and
/// re-encode to the same JSON. No server involved.
#[test]
fn every_success_response_with_all_properties_decodes() {
    let results = calls::decode_full_responses();
    assert!(
        results.len() >= 90,
        "only {} operations have a JSON success sample",
        results.len()
    );
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(name, status, result)| {
            result
                .as_ref()
                .err()
                .map(|e| format!("{name} ({status}): {e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} success responses with all properties do not decode faithfully:\n\n{}",
        failures.len(),
        results.len(),
        failures.join("\n\n")
    );
}

/// Open findings of the round-trip test, each reported to the owner of the code at fault.
/// An entry that round-trips again fails the test, so the list cannot go stale.
// (Was `List`: `anyOf: [ListItem, ToDo]` decoded a `list_item` as both, re-encoding two `type`
// keys; since the normalize title change, `List.children` is the hyperdoc node union instead.)
const KNOWN_ROUND_TRIP_FINDINGS: &[(&str, &str)] = &[];

/// Every component schema, synthesized with all its optional properties, decodes into its
/// own type and re-encodes unchanged (each union variant on its own). No server involved.
#[test]
fn every_component_type_with_all_properties_round_trips() {
    let results = calls::decode_component_samples();
    assert!(
        results.len() >= 200,
        "only {} component types were sampled",
        results.len()
    );
    let mut failures = Vec::new();
    for (name, result) in &results {
        let known = KNOWN_ROUND_TRIP_FINDINGS
            .iter()
            .find(|(known, _)| known == name);
        match (result, known) {
            (Err(e), None) => failures.push(format!("{name}: {e}")),
            (Err(_), Some((_, why))) => eprintln!("known finding, still open: {name}: {why}"),
            (Ok(()), Some(_)) => failures.push(format!(
                "{name} round-trips now: remove it from KNOWN_ROUND_TRIP_FINDINGS"
            )),
            (Ok(()), None) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} component types do not round-trip a body with all properties:\n\n{}",
        failures.len(),
        results.len(),
        failures.join("\n\n")
    );
}

/// What the caller did not set does not go on the wire: every operation called with only its
/// required inputs sends exactly the spec's required query parameters and, for a JSON body,
/// exactly the body's required properties (no spec default filled in by the client). The
/// requests go to a local server that records them; the spec is read on its own here, not
/// through the generator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn required_inputs_only_send_exactly_the_required_fields() {
    use std::collections::BTreeSet;
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};

    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/hyperspell.yaml"),
    )
    .unwrap();
    let spec: &serde_json::Value =
        SPEC_DOC.get_or_init(|| serde_saphyr::from_str(&text).expect("the spec parses"));
    let resolve = |mut value: &'static serde_json::Value| {
        while let Some(target) = value.get("$ref").and_then(|r| r.as_str()) {
            value = spec.pointer(&target[1..]).expect("$ref resolves");
        }
        value
    };

    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = hyperspell::Client::builder()
        .api_key("wire-test-key")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("client");

    let mut problems = Vec::new();
    let mut json_bodies = 0;
    for &(name, method, path) in calls::OPERATIONS {
        let before = server.received_requests().await.unwrap().len();
        // The answer (`{}`) need not decode: only the request is looked at.
        if let Err(Failure::Input(e) | Failure::Generator(e)) =
            calls::call(&client, name, false).await
        {
            problems.push(format!("{name}: not sent: {e}"));
            continue;
        }
        let requests = server.received_requests().await.unwrap();
        let Some(request) = requests.get(before) else {
            problems.push(format!("{name}: no request reached the server"));
            continue;
        };
        let item = &spec["paths"][path];
        let operation = &item[method.to_lowercase()];
        let parameters = item["parameters"]
            .as_array()
            .into_iter()
            .chain(operation["parameters"].as_array())
            .flatten()
            .map(resolve);
        let required_query: BTreeSet<String> = parameters
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        let sent_query: BTreeSet<String> = request
            .url
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        if sent_query != required_query {
            problems.push(format!(
                "{name}: query {sent_query:?}, the spec requires {required_query:?}"
            ));
        }
        let body_schema = operation
            .pointer("/requestBody/content/application~1json/schema")
            .map(resolve);
        if let Some(schema) = body_schema {
            json_bodies += 1;
            let required: BTreeSet<String> = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| r.as_str().unwrap().to_owned())
                .collect();
            let sent: serde_json::Value = match serde_json::from_slice(&request.body) {
                Ok(sent) => sent,
                Err(e) => {
                    problems.push(format!("{name}: body is not JSON: {e}"));
                    continue;
                }
            };
            let sent: BTreeSet<String> = sent
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            if sent != required {
                problems.push(format!(
                    "{name}: body {sent:?}, the spec requires {required:?}"
                ));
            }
        }
    }
    eprintln!(
        "wire: {} operations, {json_bodies} with a JSON body, {} problems",
        calls::OPERATIONS.len(),
        problems.len()
    );
    assert!(json_bodies > 0);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The spec, read once (`'static`, so `$ref`s resolve to references into it).
static SPEC_DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();

/// The API's next state (`../shared/spec/history/hyperspell-0.32.1-2026-07.yaml`: new
/// `DocumentProviders` values, a new required response field, ...) against this client: for
/// every operation both revisions share, success bodies synthesized from the *newer* spec,
/// with every property set and, over as many samples as the longest enum has values, every
/// enum value, decode into this client's types and re-encode to the same JSON (new enum
/// values and unknown fields included).
#[test]
fn responses_of_the_next_api_state_decode_and_round_trip() {
    // Normalizing the whole document nests deeper than a test thread's default stack.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(check_next_api_state)
        .unwrap()
        .join()
        .unwrap();
}

fn check_next_api_state() {
    let newer = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/spec/history/hyperspell-0.32.1-2026-07.yaml");
    assert!(
        newer.is_file(),
        "the shared spec history is missing: expected {}",
        newer.display()
    );
    let spec = hyperspell_codegen::load_file(&newer).expect("the newer spec loads");
    let (doc, _) = hyperspell_codegen::normalize::normalize(&spec).expect("it normalizes");
    let longest_enum = longest_enum(&doc);
    let by_route: std::collections::HashMap<(&str, &str), &str> = calls::OPERATIONS
        .iter()
        .map(|&(name, method, path)| ((method, path), name))
        .collect();

    let mut shared = std::collections::BTreeSet::new();
    let mut decoded = 0;
    let mut failures = Vec::new();
    let mut new_values_seen = std::collections::BTreeSet::new();
    for rotation in 0..longest_enum {
        for (method, path, body) in hyperspell_codegen::generate::response_samples(&doc, rotation) {
            let Some(&name) = by_route.get(&(method.as_str(), path.as_str())) else {
                continue; // an operation this client does not have
            };
            shared.insert(name);
            let json = body.to_string();
            match calls::decode_response(name, &json) {
                Some(Ok(())) => {
                    decoded += 1;
                    for value in ["pylon", "clickup"] {
                        if json.contains(&format!("\"{value}\"")) {
                            new_values_seen.insert(value);
                        }
                    }
                }
                Some(Err(e)) => failures.push(format!("{name} (rotation {rotation}): {e}")),
                None => {} // no JSON success type in this client (an empty or streamed body)
            }
        }
    }
    eprintln!(
        "next API state: {} shared operations, {decoded} bodies decoded over {longest_enum} \
         enum rotations, {} failures",
        shared.len(),
        failures.len()
    );
    assert!(shared.len() >= calls::OPERATIONS.len() / 2, "{shared:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The new provider values were among what decoded (and re-encoded unchanged).
    assert_eq!(
        new_values_seen.into_iter().collect::<Vec<_>>(),
        ["clickup", "pylon"]
    );
}

/// The number of values of the longest `enum` in `doc`.
fn longest_enum(doc: &serde_json::Value) -> usize {
    match doc {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(key, value)| match (key.as_str(), value) {
                ("enum", serde_json::Value::Array(values)) => values.len(),
                _ => longest_enum(value),
            })
            .max()
            .unwrap_or(1),
        serde_json::Value::Array(items) => items.iter().map(longest_enum).max().unwrap_or(1),
        _ => 1,
    }
}

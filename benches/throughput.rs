//! Request throughput: our client's `get_indexing_status().send()` against the same GET sent
//! with a plain `reqwest::Client` (same headers, set one by one, same per-request timeout,
//! body decoded into the same type), both against one local keep-alive HTTP/1.1 server
//! returning a fixed JSON body. Goal: ours ≥ 0.97× the baseline's requests per second, with
//! 1 and with 8 requests in flight.
//!
//! The baseline sends exactly the headers our client sent: the server keeps the head of the
//! first request (ours) and the baseline copies its header lines.
//!
//! `cargo bench --bench throughput` (`BENCH_ROUNDS=n` for more rounds,
//! `THROUGHPUT_CONCURRENCY=n` for one level only; see scripts/bench.sh).
//!
//! The ratio judged is the median, over the measured rounds, of baseline time / our time of
//! the two runs of a round (run back to back, in alternating order), which cancels most of the
//! load the rest of the machine puts on both; with both sides running plain reqwest it gives
//! 0.997–1.000 (the ratio of the two medians, also printed, gave 0.986–1.021).
//!
//! On a busy machine the wall-clock ratio still moves by a few percent from run to run (the
//! server, the client and everything else share the cores). Instruction counts barely do:
//! `scripts/bench-instructions.sh` runs each side alone under callgrind
//! (`THROUGHPUT_ONLY=ours|baseline`, one request in flight, `BENCH_ROUNDS=1` and `=2`) and
//! prints the instructions of one request on each side.

mod common;

use std::time::Duration;

use common::{Server, alternate, median, rounds, time, verdict};
use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

/// An `IndexingStatus` (`GET /memories/status`).
const BODY: &str =
    r#"{"total":{"completed":12,"pending":3},"providers":{"vault":{"completed":12,"pending":3}}}"#;
const REQUESTS: usize = 5_000;
const GOAL: f64 = 0.97;
const TIMEOUT: Duration = Duration::from_secs(60);

fn main() {
    let server = Server::start(BODY);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = hyperspell::Client::builder()
        .api_key("bench-api-key")
        .base_url(server.url())
        .max_retries(0)
        .timeout(TIMEOUT)
        .build()
        .expect("client");

    // One request from our client, whose headers the baseline copies.
    let status = runtime
        .block_on(client.memories().status().send())
        .expect("our client's request");
    assert_eq!(status.total.len(), 2, "decoded the fixed body");
    let head = server.first_head().expect("the server saw our request");
    let headers = copied_headers(&head);
    let raw = reqwest::Client::builder().build().expect("reqwest client");
    let url = format!("{}/memories/status", server.url());

    // Each run is short (5 000 requests, under half a second): many runs keep the median
    // steady on a shared machine.
    let rounds = rounds(41);
    println!(
        "request throughput: GET /memories/status, {REQUESTS} requests per run, median of {rounds} \
         runs (alternating, after 2 warm-up runs), keep-alive, local server, current-thread runtime"
    );
    println!("headers sent by both sides:");
    for (name, value) in &headers {
        let shown = if name == "authorization" {
            "Bearer <redacted>"
        } else {
            value.to_str().unwrap_or("?")
        };
        println!("    {name}: {shown}");
    }
    println!();
    println!(
        "{:<14} {:>16} {:>16} {:>8} {:>8} {:>6} {:>12}",
        "in flight", "baseline req/s", "ours req/s", "ratio", "goal", "", "medians"
    );
    let mut all_ok = true;
    // `THROUGHPUT_CONCURRENCY=n` measures n requests in flight only.
    let levels = match std::env::var("THROUGHPUT_CONCURRENCY").map(|v| v.parse::<usize>()) {
        Ok(Ok(n)) if n > 0 => vec![n],
        _ => vec![1, 8],
    };
    for concurrency in levels {
        let ours = || {
            time(|| {
                runtime.block_on(async {
                    futures::stream::iter(0..REQUESTS)
                        .map(|_| client.memories().status().send())
                        .buffer_unordered(concurrency)
                        .for_each(|result| {
                            result.expect("our request");
                            futures::future::ready(())
                        })
                        .await
                })
            })
        };
        let baseline = || {
            time(|| {
                runtime.block_on(async {
                    futures::stream::iter(0..REQUESTS)
                        .map(|_| raw_request(&raw, &url, &headers))
                        .buffer_unordered(concurrency)
                        .for_each(|result| {
                            result.expect("baseline request");
                            futures::future::ready(())
                        })
                        .await
                })
            })
        };
        // `THROUGHPUT_ONLY=ours|baseline` runs one side only (for `perf stat`/profilers).
        match std::env::var("THROUGHPUT_ONLY").as_deref() {
            Ok("ours") => {
                (0..rounds).for_each(|_| {
                    ours();
                });
                continue;
            }
            Ok("baseline") => {
                (0..rounds).for_each(|_| {
                    baseline();
                });
                continue;
            }
            _ => {}
        }
        let (ours_times, baseline_times) = alternate(2, rounds, ours, baseline);
        let ours_rate = REQUESTS as f64 / median(&ours_times);
        let baseline_rate = REQUESTS as f64 / median(&baseline_times);
        // Each run of ours is paired with the baseline run next to it (`alternate`), so a
        // burst of load elsewhere on the machine hits both sides of a pair alike.
        let paired: Vec<f64> = baseline_times
            .iter()
            .zip(&ours_times)
            .map(|(baseline, ours)| baseline / ours)
            .collect();
        let ratio = median(&paired);
        let ratio_of_medians = ours_rate / baseline_rate;
        let ok = ratio >= GOAL;
        all_ok &= ok;
        println!(
            "{:<14} {:>16.0} {:>16.0} {:>7.3}× {:>7}× {:>6} {:>11.3}×",
            concurrency,
            baseline_rate,
            ours_rate,
            ratio,
            format!("≥{GOAL}"),
            verdict(ok),
            ratio_of_medians
        );
    }
    println!(
        "(ratio: median of the ratios of paired runs, judged against the goal; medians: ratio of the two medians, for information)"
    );
    println!();
    println!(
        "throughput goal (ours ≥ {GOAL}× raw reqwest): {}",
        verdict(all_ok)
    );
}

/// The same GET with plain reqwest: same headers, same timeout, body decoded into the same
/// type.
async fn raw_request(
    raw: &reqwest::Client,
    url: &str,
    headers: &HeaderMap,
) -> Result<hyperspell::types::IndexingStatus, String> {
    let mut request = raw.get(url).timeout(TIMEOUT);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = request.send().await.map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("status {}", response.status()));
    }
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&bytes).map_err(|e| e.to_string())
}

/// The header lines of a request head, without those reqwest sets itself.
fn copied_headers(head: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    for line in head.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if matches!(
            name.as_str(),
            "host" | "connection" | "content-length" | "transfer-encoding"
        ) {
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    headers
}

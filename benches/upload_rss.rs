//! Peak memory of a 1 GiB upload: `client.memories().upload().file(FilePart::path(..)).send()` to a local
//! server that discards the body. Goal: peak RSS (VmHWM) of the uploading process ≤ 64 MiB.
//!
//! Each measurement runs in a fresh child process (this bench re-executing itself with
//! `UPLOAD_RSS_CHILD` set), which reads its own `VmHWM` from `/proc/self/status` at the end:
//!
//! * `idle`: the same process with its runtime and client built, no upload (the floor);
//! * `raw`: plain reqwest streaming the file as a multipart part (`ReaderStream` over a
//!   `tokio::fs::File`, length known), the baseline;
//! * `ours`: the generated `upload` builder with `FilePart::path`;
//! * `raw256k` (information): the baseline reading 256 KiB at a time instead of
//!   `ReaderStream`'s default 4 KiB, to show what the read size costs in speed and memory.
//!
//! The server runs in the parent, so its buffers are not counted. The 1 GiB file is sparse
//! (`set_len`) in `$CARGO_TARGET_TMPDIR`: it takes no disk space and reads as zeros.
//!
//! `cargo bench --bench upload_rss` (Linux only: it reads /proc).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Server, median, rounds, verdict};

const CHILD_ENV: &str = "UPLOAD_RSS_CHILD";
const FILE_SIZE: u64 = 1 << 30;
const GOAL_MIB: f64 = 64.0;
/// A `DocumentStatusResponse`.
const BODY: &str = r#"{"resource_id":"bench-resource","source":"vault","status":"pending"}"#;

fn main() {
    if let Ok(mode) = std::env::var(CHILD_ENV) {
        let url = std::env::var("UPLOAD_RSS_URL").expect("UPLOAD_RSS_URL");
        let file = PathBuf::from(std::env::var_os("UPLOAD_RSS_FILE").expect("UPLOAD_RSS_FILE"));
        child(&mode, &url, &file);
        return;
    }

    let file = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("upload-1GiB.sparse");
    make_sparse(&file, FILE_SIZE);
    let server = Server::start(BODY);
    let runs = rounds(3);
    println!(
        "upload peak RSS: 1 GiB sparse file ({}), multipart POST /memories/upload to a local server \
         that discards the body; one fresh process per run, median of {runs} runs",
        file.display()
    );
    println!();
    println!(
        "{:<44} {:>12} {:>12} {:>12}",
        "process", "VmHWM MiB", "vs idle", "MiB/s"
    );
    let mut idle_mib = f64::NAN;
    let mut ours_mib = f64::NAN;
    let mut raw_mib = f64::NAN;
    for (mode, label) in [
        ("idle", "idle (runtime + client, no upload)"),
        ("raw", "raw reqwest streaming upload (baseline)"),
        ("ours", "hyperspell upload(FilePart::path)"),
        ("raw256k", "(info) raw reqwest, 256 KiB read chunks"),
    ] {
        let mut peaks = Vec::new();
        let mut speeds = Vec::new();
        for _ in 0..runs {
            let (peak_kib, seconds) = run_child(mode, &server.url(), &file);
            peaks.push(peak_kib as f64 / 1024.0);
            if mode != "idle" {
                speeds.push(FILE_SIZE as f64 / (1 << 20) as f64 / seconds);
            }
        }
        let peak = median(&peaks);
        match mode {
            "idle" => idle_mib = peak,
            "raw" => raw_mib = peak,
            "ours" => ours_mib = peak,
            _ => {}
        }
        let speed = if speeds.is_empty() {
            "-".to_owned()
        } else {
            format!("{:.0}", median(&speeds))
        };
        println!(
            "{:<44} {:>12.1} {:>11.2}× {:>12}",
            label,
            peak,
            peak / idle_mib,
            speed
        );
    }
    println!();
    println!(
        "ours − idle: {:+.1} MiB; ours − raw reqwest: {:+.1} MiB; ours / raw: {:.2}×",
        ours_mib - idle_mib,
        ours_mib - raw_mib,
        ours_mib / raw_mib
    );
    println!(
        "upload peak RSS goal (ours ≤ {GOAL_MIB} MiB): {:.1} MiB {}",
        ours_mib,
        verdict(ours_mib <= GOAL_MIB)
    );
}

fn make_sparse(path: &Path, size: u64) {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == size) {
        return;
    }
    let file = std::fs::File::create(path).expect("create the sparse file");
    file.set_len(size).expect("size the sparse file");
}

/// Runs one child; returns its VmHWM (KiB) and upload seconds.
fn run_child(mode: &str, url: &str, file: &Path) -> (u64, f64) {
    let output = Command::new(std::env::current_exe().expect("current exe"))
        .env(CHILD_ENV, mode)
        .env("UPLOAD_RSS_URL", url)
        .env("UPLOAD_RSS_FILE", file)
        .output()
        .expect("run the child process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child `{mode}` failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let field = |name: &str| -> f64 {
        stdout
            .lines()
            .find_map(|line| {
                line.strip_prefix(name)?
                    .strip_prefix('=')?
                    .trim()
                    .parse()
                    .ok()
            })
            .unwrap_or_else(|| panic!("child `{mode}` printed no {name}:\n{stdout}"))
    };
    (field("VmHWM_KiB") as u64, field("SECONDS"))
}

fn child(mode: &str, url: &str, file: &Path) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let client = hyperspell::Client::builder()
        .api_key("bench-api-key")
        .base_url(url)
        .max_retries(0)
        .timeout(Duration::from_secs(600))
        .build()
        .expect("client");
    let started = Instant::now();
    match mode {
        "idle" => {}
        "ours" => {
            let response = runtime
                .block_on(
                    client
                        .memories()
                        .upload()
                        .file(hyperspell::multipart::FilePart::path(file))
                        .send(),
                )
                .expect("our upload");
            assert_eq!(response.resource_id, "bench-resource");
        }
        "raw" => runtime.block_on(raw_upload(url, file, None)),
        "raw256k" => runtime.block_on(raw_upload(url, file, Some(256 * 1024))),
        other => panic!("unknown child mode {other}"),
    }
    let seconds = started.elapsed().as_secs_f64();
    println!("VmHWM_KiB={}", vm_hwm_kib());
    println!("SECONDS={seconds}");
}

/// The baseline: plain reqwest, the file streamed as one multipart part of known length.
async fn raw_upload(url: &str, path: &Path, chunk: Option<usize>) {
    let file = tokio::fs::File::open(path).await.expect("open");
    let length = file.metadata().await.expect("metadata").len();
    let stream = match chunk {
        // `ReaderStream::new` reads 4 KiB at a time, as `FilePart::path` does.
        None => tokio_util::io::ReaderStream::new(file),
        Some(capacity) => tokio_util::io::ReaderStream::with_capacity(file, capacity),
    };
    let part =
        reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), length)
            .file_name("upload-1GiB.sparse");
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = reqwest::Client::new()
        .post(format!("{url}/memories/upload"))
        .bearer_auth("bench-api-key")
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("raw upload");
    assert!(
        response.status().is_success(),
        "raw upload: {}",
        response.status()
    );
    let _ = response.bytes().await.expect("raw upload response");
}

/// Peak resident set size of this process, from /proc/self/status.
fn vm_hwm_kib() -> u64 {
    let status =
        std::fs::read_to_string("/proc/self/status").expect("/proc/self/status (Linux only)");
    status
        .lines()
        .find_map(|line| {
            line.strip_prefix("VmHWM:")?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()
        })
        .expect("VmHWM in /proc/self/status")
}

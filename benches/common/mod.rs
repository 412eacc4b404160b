//! Shared by the benches (`harness = false`, no criterion): a minimal keep-alive HTTP/1.1
//! server and the timing helpers.
//!
//! The server answers every request with one fixed response. It reads and discards request
//! bodies (`Content-Length` or chunked) without keeping them, so it can take a 1 GiB upload,
//! and it keeps the head of the first request it sees, so a baseline client can send exactly
//! the headers our client sent.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A running server; it lives as long as the process (its thread is detached).
pub struct Server {
    pub addr: SocketAddr,
    first_head: Arc<Mutex<Option<String>>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 (its own thread and single-threaded runtime) answering
    /// `200` with `body` as `application/json`.
    pub fn start(body: &str) -> Server {
        Server::start_encoded(body.as_bytes(), None)
    }

    /// [`Server::start`] with a body already encoded with `content_encoding` (sent whatever
    /// the request's `Accept-Encoding`).
    pub fn start_encoded(body: &[u8], content_encoding: Option<&str>) -> Server {
        let encoding = content_encoding
            .map(|coding| format!("content-encoding: {coding}\r\n"))
            .unwrap_or_default();
        let mut response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{encoding}content-length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        response.extend_from_slice(body);
        let response: Arc<[u8]> = Arc::from(response);
        let first_head = Arc::new(Mutex::new(None));
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let captured = first_head.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
                ready_tx
                    .send(listener.local_addr().expect("addr"))
                    .expect("ready");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve(stream, response.clone(), captured.clone()));
                }
            });
        });
        let addr = ready_rx.recv().expect("server started");
        Server { addr, first_head }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The request head (request line and headers) of the first request served.
    pub fn first_head(&self) -> Option<String> {
        self.first_head.lock().ok()?.clone()
    }
}

/// One connection: requests until the peer closes.
async fn serve(stream: TcpStream, response: Arc<[u8]>, first_head: Arc<Mutex<Option<String>>>) {
    let mut conn = Conn {
        stream,
        buf: Vec::with_capacity(16 * 1024),
        start: 0,
    };
    loop {
        let Some(head) = conn.read_head().await else {
            return;
        };
        if let Ok(mut first) = first_head.lock()
            && first.is_none()
        {
            *first = Some(head.clone());
        }
        let lower = head.to_ascii_lowercase();
        let ok = if let Some(length) = header_value(&lower, "content-length") {
            match length.trim().parse::<u64>() {
                Ok(length) => conn.discard(length).await,
                Err(_) => false,
            }
        } else if header_value(&lower, "transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            conn.discard_chunked().await
        } else {
            true
        };
        if !ok || conn.stream.write_all(&response).await.is_err() {
            return;
        }
    }
}

fn header_value<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == name).then(|| value.trim())
    })
}

/// A connection with a read buffer (`buf[start..]` is unread).
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    start: usize,
}

impl Conn {
    fn unread(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// Reads more; false at end of stream.
    async fn fill(&mut self) -> bool {
        if self.start > 0 && self.start == self.buf.len() {
            self.buf.clear();
            self.start = 0;
        }
        // Into the buffer's spare capacity: no zeroed scratch buffer per read.
        self.buf.reserve(16 * 1024);
        matches!(self.stream.read_buf(&mut self.buf).await, Ok(n) if n > 0)
    }

    async fn read_head(&mut self) -> Option<String> {
        loop {
            if let Some(end) = find(self.unread(), b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.unread()[..end]).into_owned();
                self.start += end + 4;
                return Some(head);
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    /// Reads and drops `length` body bytes without keeping them.
    async fn discard(&mut self, mut length: u64) -> bool {
        let buffered = (self.unread().len() as u64).min(length);
        self.start += buffered as usize;
        length -= buffered;
        let mut chunk = vec![0u8; 256 * 1024];
        while length > 0 {
            let want = chunk.len().min(length as usize);
            match self.stream.read(&mut chunk[..want]).await {
                Ok(0) | Err(_) => return false,
                Ok(n) => length -= n as u64,
            }
        }
        true
    }

    async fn read_line(&mut self) -> Option<String> {
        loop {
            if let Some(end) = find(self.unread(), b"\r\n") {
                let line = String::from_utf8_lossy(&self.unread()[..end]).into_owned();
                self.start += end + 2;
                return Some(line);
            }
            if !self.fill().await {
                return None;
            }
        }
    }

    async fn discard_chunked(&mut self) -> bool {
        loop {
            let Some(line) = self.read_line().await else {
                return false;
            };
            let size = line.split(';').next().unwrap_or("").trim();
            let Ok(size) = u64::from_str_radix(size, 16) else {
                return false;
            };
            if size == 0 {
                // Trailers until an empty line.
                loop {
                    match self.read_line().await {
                        Some(line) if line.is_empty() => return true,
                        Some(_) => continue,
                        None => return false,
                    }
                }
            }
            if !self.discard(size + 2).await {
                return false;
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Median of `values` (sorted copy).
pub fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

/// Runs `a` and `b` alternately (`a b`, `b a`, ...) for `rounds` rounds after `warmup` rounds
/// each, and returns the seconds of each measured run. Alternating spreads the noise of a
/// shared machine over both sides.
pub fn alternate(
    warmup: usize,
    rounds: usize,
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> (Vec<f64>, Vec<f64>) {
    for _ in 0..warmup {
        a();
        b();
    }
    let mut times_a = Vec::with_capacity(rounds);
    let mut times_b = Vec::with_capacity(rounds);
    for round in 0..rounds {
        if round % 2 == 0 {
            times_a.push(a().as_secs_f64());
            times_b.push(b().as_secs_f64());
        } else {
            times_b.push(b().as_secs_f64());
            times_a.push(a().as_secs_f64());
        }
    }
    (times_a, times_b)
}

/// Times `f`.
pub fn time(f: impl FnOnce()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

/// `PASS`/`FAIL` for a goal.
pub fn verdict(ok: bool) -> &'static str {
    if ok { "PASS" } else { "FAIL" }
}

/// Number of measured rounds: `$BENCH_ROUNDS` or `default`.
pub fn rounds(default: usize) -> usize {
    std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default)
}

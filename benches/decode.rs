//! Decoding a large `/memories/list` page: ~13 MB of `CursorPage_DocumentResponse_` (50
//! documents with large hyperdoc trees, the size n8n measured for one real page) into the
//! generated `types::CursorPageDocumentResponse`, against decoding the same bytes into
//! `serde_json::Value`. Goal: typed ≤ 1.5× the `Value` time.
//!
//! The page is synthesized to fit the schema: every document is a `document` hyperdoc whose
//! sections hold headings, paragraphs of marked-up text and links (with grounding metadata),
//! nested lists, tables and code blocks. The bench first checks that no node fell into an
//! `Unknown` variant, so it times the real typed path, and reports (as a FINDING line) when
//! the typed page does not re-encode to the same JSON.
//!
//! The same page then goes over HTTP from a local server (`memories().list().send()`, the
//! client as users build it, which asks for compressed responses): bytes on the wire and
//! wall time, uncompressed and compressed with each codec; and the decode ratio again with
//! the decompression included on both sides. On loopback the wire is free, so the wall
//! time only shows what decompressing costs; the transfer time at 100 Mbit/s is computed
//! from the bytes for a sense of what it saves on a real network.
//!
//! `cargo bench --bench decode`.

mod common;

use std::io::{Read, Write};

use common::{Server, alternate, median, rounds, time, verdict};
use hyperspell::types;
use serde_json::{Value, json};

const DOCUMENTS: usize = 50;
const TARGET_BYTES: usize = 13_000_000;
const GOAL: f64 = 1.5;

fn main() {
    let (page, bytes) = synthesize_page();
    let fidelity = check_typed_decode(&page, &bytes);

    let rounds = rounds(11);
    let typed = || {
        time(|| {
            let page: types::CursorPageDocumentResponse =
                serde_json::from_slice(&bytes).expect("typed decode");
            std::hint::black_box(page);
        })
    };
    let value = || {
        time(|| {
            let page: Value = serde_json::from_slice(&bytes).expect("Value decode");
            std::hint::black_box(page);
        })
    };
    let (typed_times, value_times) = alternate(1, rounds, typed, value);
    let typed_s = median(&typed_times);
    let value_s = median(&value_times);
    let ratio = typed_s / value_s;
    let mb = bytes.len() as f64 / 1e6;

    println!(
        "decode: one /memories/list page, {mb:.1} MB, {DOCUMENTS} documents, {} hyperdoc nodes; \
         median of {rounds} runs (alternating, after 1 warm-up run)",
        count_nodes(&page)
    );
    println!();
    println!(
        "{:<46} {:>10} {:>10} {:>8} {:>8} {:>6}",
        "into", "ms", "MB/s", "ratio", "goal", ""
    );
    println!(
        "{:<46} {:>10.1} {:>10.0} {:>8} {:>8} {:>6}",
        "serde_json::Value (baseline)",
        value_s * 1e3,
        mb / value_s,
        "1.000×",
        "",
        ""
    );
    println!(
        "{:<46} {:>10.1} {:>10.0} {:>7.3}× {:>7}× {:>6}",
        "types::CursorPageDocumentResponse",
        typed_s * 1e3,
        mb / typed_s,
        ratio,
        format!("≤{GOAL}"),
        verdict(ratio <= GOAL)
    );
    println!();
    if let Some(difference) = fidelity {
        println!(
            "FINDING: the typed page does not re-encode to the JSON it was decoded from; first \
             difference at {difference}"
        );
    }
    println!(
        "decode goal (typed ≤ {GOAL}× Value): {}",
        verdict(ratio <= GOAL)
    );
    println!();
    let compressed_ok = over_the_wire(&bytes, rounds);
    println!(
        "decode goal with decompression (typed ≤ {GOAL}× Value, every codec): {}",
        verdict(compressed_ok)
    );
}

/// The codecs the client accepts, with the level a server would plausibly use.
const CODECS: [&str; 4] = ["gzip", "br", "zstd", "deflate"];

fn compress(codec: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match codec {
        "gzip" => {
            let mut w = flate2::write::GzEncoder::new(&mut out, flate2::Compression::default());
            w.write_all(bytes).expect("gzip");
            w.finish().expect("gzip");
        }
        "deflate" => {
            let mut w = flate2::write::ZlibEncoder::new(&mut out, flate2::Compression::default());
            w.write_all(bytes).expect("deflate");
            w.finish().expect("deflate");
        }
        "br" => {
            let mut w = brotli::CompressorWriter::new(&mut out, 64 * 1024, 5, 22);
            w.write_all(bytes).expect("br");
        }
        "zstd" => out = zstd::encode_all(bytes, 3).expect("zstd"),
        other => unreachable!("{other}"),
    }
    out
}

fn decompress(codec: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let read = match codec {
        "gzip" => flate2::read::GzDecoder::new(bytes).read_to_end(&mut out),
        "deflate" => flate2::read::ZlibDecoder::new(bytes).read_to_end(&mut out),
        "br" => brotli::Decompressor::new(bytes, 64 * 1024).read_to_end(&mut out),
        "zstd" => zstd::Decoder::new(bytes).and_then(|mut d| d.read_to_end(&mut out)),
        other => unreachable!("{other}"),
    };
    read.expect("decompress");
    out
}

/// Wire bytes and wall time per codec through the client; decode ratios with decompression.
/// Returns whether every codec's ratio meets [`GOAL`].
fn over_the_wire(bytes: &[u8], rounds: usize) -> bool {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let runtime = &runtime;
    let fetch = |server: &Server| {
        let client = hyperspell::Client::builder()
            .api_key("bench-api-key")
            .base_url(server.url())
            .max_retries(0)
            .build()
            .expect("client");
        move || {
            time(|| {
                let page = runtime
                    .block_on(client.memories().list().send())
                    .expect("list_memories");
                assert_eq!(page.items.len(), DOCUMENTS);
                std::hint::black_box(page);
            })
        }
    };
    let plain_server = Server::start_encoded(bytes, None);
    let mut plain = fetch(&plain_server);

    println!(
        "over HTTP: memories().list().send() from a local server, the page as is and compressed; \
         median of {rounds} runs each (alternating with the uncompressed one, after 1 warm-up)"
    );
    println!();
    println!(
        "{:<10} {:>12} {:>8} {:>12} {:>14} {:>18}",
        "encoding", "wire bytes", "of raw", "wall ms", "vs raw wall", "at 100 Mbit/s ms"
    );
    let at_100_mbit = |n: usize| n as f64 * 8.0 / 100e6 * 1e3;
    let mut rows = Vec::new();
    let mut raw_wall = Vec::new();
    for codec in CODECS {
        let compressed = compress(codec, bytes);
        assert_eq!(decompress(codec, &compressed), bytes, "{codec} round trip");
        let server = Server::start_encoded(&compressed, Some(codec));
        let head_checked = {
            let once = fetch(&server);
            once();
            server
                .first_head()
                .is_some_and(|head| head.to_ascii_lowercase().contains(codec))
        };
        assert!(head_checked, "the client asks for {codec}");
        let mut encoded = fetch(&server);
        let (encoded_times, plain_times) = alternate(1, rounds, &mut encoded, &mut plain);
        raw_wall.extend(plain_times);
        rows.push((codec, compressed, median(&encoded_times)));
    }
    let raw_s = median(&raw_wall);
    println!(
        "{:<10} {:>12} {:>8} {:>12.1} {:>14} {:>18.0}",
        "identity",
        bytes.len(),
        "1.000",
        raw_s * 1e3,
        "1.00×",
        at_100_mbit(bytes.len())
    );
    for (codec, compressed, wall_s) in &rows {
        println!(
            "{:<10} {:>12} {:>8.3} {:>12.1} {:>13.2}× {:>18.0}",
            codec,
            compressed.len(),
            compressed.len() as f64 / bytes.len() as f64,
            wall_s * 1e3,
            wall_s / raw_s,
            at_100_mbit(compressed.len())
        );
    }
    println!();

    // Decompression included on both sides (in process, no HTTP).
    println!(
        "{:<10} {:>16} {:>16} {:>8} {:>8} {:>6}",
        "encoding", "+typed ms", "+Value ms", "ratio", "goal", ""
    );
    let mut all_ok = true;
    for (codec, compressed, _) in &rows {
        let typed = || {
            time(|| {
                let page: types::CursorPageDocumentResponse =
                    serde_json::from_slice(&decompress(codec, compressed)).expect("typed");
                std::hint::black_box(page);
            })
        };
        let value = || {
            time(|| {
                let page: Value =
                    serde_json::from_slice(&decompress(codec, compressed)).expect("Value");
                std::hint::black_box(page);
            })
        };
        let (typed_times, value_times) = alternate(1, rounds, typed, value);
        let (typed_s, value_s) = (median(&typed_times), median(&value_times));
        let ratio = typed_s / value_s;
        all_ok &= ratio <= GOAL;
        println!(
            "{:<10} {:>16.1} {:>16.1} {:>7.3}× {:>7}× {:>6}",
            codec,
            typed_s * 1e3,
            value_s * 1e3,
            ratio,
            format!("≤{GOAL}"),
            verdict(ratio <= GOAL)
        );
    }
    println!();
    all_ok
}

/// The page must decode into the generated type, with every node in its own variant (no
/// `Unknown`). Whether re-encoding gives the same JSON is reported, not required: a
/// difference is a finding about the generated types, and the timing is still meaningful.
fn check_typed_decode(page: &Value, bytes: &[u8]) -> Option<String> {
    let typed: types::CursorPageDocumentResponse = serde_json::from_slice(bytes)
        .expect("the synthesized page decodes into the generated type");
    assert_eq!(typed.items.len(), DOCUMENTS);
    let debug = format!("{:?}", typed.items[0].document);
    assert!(
        !debug.contains("Unknown("),
        "a hyperdoc node was decoded as an Unknown variant: the synthesized page does not fit the schema"
    );
    let again = serde_json::to_value(&typed).expect("re-encode");
    (&again != page).then(|| first_difference(page, &again, String::new()).unwrap_or_default())
}

fn first_difference(a: &Value, b: &Value, at: String) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in x {
                match y.get(key) {
                    None => return Some(format!("{at}/{key} (missing after re-encoding)")),
                    Some(other) => {
                        if let Some(found) = first_difference(value, other, format!("{at}/{key}")) {
                            return Some(found);
                        }
                    }
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| format!("{at}/{k} (added by re-encoding)"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (p, q))| first_difference(p, q, format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some(format!("{at}: {a} vs {b}")),
    }
}

fn count_nodes(page: &Value) -> usize {
    fn count(value: &Value) -> usize {
        match value {
            Value::Object(map) => {
                usize::from(map.contains_key("type") && map.contains_key("id"))
                    + map.values().map(count).sum::<usize>()
            }
            Value::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    count(page)
}

/// Deterministic words and ids.
struct Gen {
    state: u64,
    ids: u64,
}

const WORDS: &[&str] = &[
    "memory",
    "agent",
    "context",
    "retrieval",
    "customer",
    "meeting",
    "roadmap",
    "quarterly",
    "launch",
    "integration",
    "search",
    "notes",
    "design",
    "review",
    "budget",
    "pipeline",
    "onboarding",
    "support",
    "ticket",
    "summary",
    "decision",
    "follow-up",
    "owner",
    "deadline",
];

impl Gen {
    fn next(&mut self) -> u64 {
        // SplitMix64.
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn id(&mut self) -> String {
        self.ids += 1;
        format!("blk_{:08x}", self.ids)
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut out = String::new();
        for i in 0..words {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(WORDS[(self.next() % WORDS.len() as u64) as usize]);
        }
        out.push('.');
        out
    }

    fn text(&mut self, words: usize) -> Value {
        let mut node = json!({"type": "text", "id": self.id(), "text": self.sentence(words)});
        if self.next().is_multiple_of(3) {
            node["marks"] = json!(["bold", "italic"]);
        }
        node
    }

    fn link(&mut self) -> Value {
        let n = self.next() % 10_000;
        json!({"type": "link", "id": self.id(), "text": self.sentence(3), "url": format!("https://example.com/docs/{n}")})
    }

    fn grounding(&mut self) -> Value {
        let n = self.next() % 100_000;
        json!({"sources": [{"chunk_id": format!("chunk_{n}"), "resource_id": format!("res_{n}"), "source": "vault", "score": 0.75}]})
    }

    fn paragraph(&mut self) -> Value {
        let children = vec![self.text(14), self.link(), self.text(22), self.text(9)];
        json!({"type": "paragraph", "id": self.id(), "metadata": self.grounding(), "children": children})
    }

    fn list(&mut self, depth: usize) -> Value {
        let items: Vec<Value> = (0..4)
            .map(|i| {
                let mut children = vec![
                    json!({"type": "paragraph", "id": self.id(), "children": [self.text(10)]}),
                ];
                if depth > 0 && i == 0 {
                    children.push(self.list(depth - 1));
                }
                json!({"type": "list_item", "id": self.id(), "children": children})
            })
            .collect();
        json!({"type": "list", "id": self.id(), "ordered": depth.is_multiple_of(2), "children": items})
    }

    fn table(&mut self) -> Value {
        let rows: Vec<Value> = (0..5)
            .map(|_| {
                let cells: Vec<Value> = (0..4)
                    .map(|_| json!({"type": "table_cell", "id": self.id(), "align": "left", "children": [self.text(3)]}))
                    .collect();
                json!({"type": "table_row", "id": self.id(), "children": cells})
            })
            .collect();
        json!({"type": "table", "id": self.id(), "has_header": true, "children": rows})
    }

    fn section(&mut self) -> Vec<Value> {
        let heading =
            json!({"type": "heading", "id": self.id(), "level": 2, "children": [self.text(5)]});
        let code = json!({"type": "code", "id": self.id(), "language": "python", "text": format!("def handler(event):\n    return {:?}\n", self.sentence(6))});
        let quote = json!({"type": "quote", "id": self.id(), "children": [self.paragraph()]});
        vec![
            heading,
            self.paragraph(),
            self.paragraph(),
            self.list(2),
            self.paragraph(),
            self.table(),
            code,
            quote,
        ]
    }

    fn document(&mut self, index: usize, sections: usize) -> Value {
        let mut children = Vec::new();
        for _ in 0..sections {
            children.extend(self.section());
        }
        json!({
            "resource_id": format!("doc_{index:04}"),
            "source": "vault",
            "type": "document",
            "title": format!("Document {index}: {}", self.sentence(4)),
            "status": "completed",
            "collection": "engineering",
            "metadata": {"team": "platform", "priority": 3, "reviewed": true},
            "ingested_at": "2025-05-20T02:31:00Z",
            "last_modified_at": "2025-06-01T10:00:00Z",
            "document_date": "2025-05-19T09:30:00Z",
            "document": {
                "type": "document",
                "id": self.id(),
                "title": format!("Document {index}"),
                "children": children,
            },
        })
    }
}

/// A page of [`DOCUMENTS`] documents of about [`TARGET_BYTES`] in all.
fn synthesize_page() -> (Value, Vec<u8>) {
    let build = |sections: usize| {
        let mut generator = Gen { state: 42, ids: 0 };
        let items: Vec<Value> = (0..DOCUMENTS)
            .map(|i| generator.document(i, sections))
            .collect();
        let page = json!({"items": items, "next_cursor": "cursor_0051"});
        let bytes = serde_json::to_vec(&page).expect("encode");
        (page, bytes)
    };
    let (_, one) = build(1);
    let sections = (TARGET_BYTES / one.len()).max(1);
    build(sections)
}

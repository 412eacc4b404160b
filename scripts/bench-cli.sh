#!/usr/bin/env bash
# Measures the `hyperspell` command line (release build) against a local server:
#
#  1. `hyperspell auth me` vs the same request by curl, N runs each (process start, one
#     request, output): total and per-run time, ratio CLI/curl;
#  2. the release binary's size;
#  3. peak RSS (`/usr/bin/time -v`) of `hyperspell memories upload --file F` for a 1 MiB and
#     a large file (sparse, no disk used): the upload is streamed, so both should be alike.
#
#   scripts/bench-cli.sh                      # N=50, 1 GiB upload
#   BENCH_RUNS=200 UPLOAD_MIB=4096 scripts/bench-cli.sh
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS="${BENCH_RUNS:-50}"
UPLOAD_MIB="${UPLOAD_MIB:-1024}"

echo "==> cargo build --release -p hyperspell-cli"
cargo build --quiet --release -p hyperspell-cli
BIN="$PWD/target/release/hyperspell"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A local server: GET /auth/me answers JSON; POST /memories/upload reads (and drops) the
# whole body, chunked or not, and answers JSON. HTTP/1.1 with keep-alive off: every client
# here is a new process with a new connection anyway.
cat > "$WORK/server.py" <<'PY'
import http.server, json, sys

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.reply({"id": "user-1", "app": "bench", "name": "Bench User"})

    def do_POST(self):
        received = 0
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    self.rfile.readline()
                    break
                while size:
                    n = len(self.rfile.read(min(size, 1 << 20)))
                    received += n
                    size -= n
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left:
                n = len(self.rfile.read(min(left, 1 << 20)))
                received += n
                left -= n
        self.reply({"resource_id": "doc-1", "source": "vault", "status": "pending",
                    "received": received})

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
PY
python3 "$WORK/server.py" > "$WORK/port" &
SERVER_PID=$!
for _ in $(seq 50); do
  [ -s "$WORK/port" ] && break
  sleep 0.1
done
PORT="$(cat "$WORK/port")"
URL="http://127.0.0.1:$PORT"
export HYPERSPELL_API_KEY="bench-key"

# warm up (page cache, server)
"$BIN" --base-url "$URL" auth me > /dev/null
curl -sf -H "Authorization: Bearer bench-key" "$URL/auth/me" > /dev/null

now() { date +%s%N; }
start=$(now)
for _ in $(seq "$RUNS"); do
  "$BIN" --base-url "$URL" --format jsonl auth me > /dev/null
done
cli_ns=$(( $(now) - start ))
start=$(now)
for _ in $(seq "$RUNS"); do
  curl -sf -H "Authorization: Bearer bench-key" -H "Accept: application/json" "$URL/auth/me" > /dev/null
done
curl_ns=$(( $(now) - start ))

echo
echo "auth me, $RUNS runs each against $URL:"
awk -v c="$cli_ns" -v u="$curl_ns" -v n="$RUNS" 'BEGIN {
  printf "  hyperspell: %8.2f ms/run\n", c / n / 1e6
  printf "  curl:       %8.2f ms/run\n", u / n / 1e6
  printf "  ratio hyperspell/curl: %.2f\n", c / u
}'
size=$(stat -c %s "$BIN")
awk -v s="$size" 'BEGIN { printf "release binary: %s (%d bytes, %.1f MiB)\n", "target/release/hyperspell", s, s / 1048576 }'

# Upload peak RSS: a small and a large (sparse) file.
rss() {
  /usr/bin/time -v "$BIN" --base-url "$URL" --format jsonl --max-retries 0 \
    memories upload --file "$1" 2> "$WORK/time" > "$WORK/out"
  grep -q "\"received\":" "$WORK/out" || { echo "upload failed:"; cat "$WORK/out" "$WORK/time"; exit 1; }
  grep "Maximum resident set size" "$WORK/time" | awk '{print $NF}'
}
truncate -s 1M "$WORK/small.bin"
truncate -s "${UPLOAD_MIB}M" "$WORK/large.bin"
small_kb=$(rss "$WORK/small.bin")
large_kb=$(rss "$WORK/large.bin")
received=$(grep -o '"received": *[0-9]*' "$WORK/out" | grep -o '[0-9]*$')
echo
echo "upload peak RSS (memories upload --file):"
echo "  1 MiB file:          ${small_kb} KiB"
echo "  ${UPLOAD_MIB} MiB file:       ${large_kb} KiB (server received ${received} bytes of multipart body)"
awk -v s="$small_kb" -v l="$large_kb" 'BEGIN { printf "  ratio large/small: %.2f (constant memory: about 1)\n", l / s }'

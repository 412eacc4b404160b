#!/usr/bin/env bash
# Instructions per request of the throughput bench, ours vs plain reqwest, one request in
# flight (THROUGHPUT_CONCURRENCY=n for n), counted by callgrind (deterministic at 1 in flight,
# unlike wall-clock time on a shared machine).
#
#   scripts/bench-instructions.sh
#
# Each side runs twice (BENCH_ROUNDS=1 and =2, i.e. 5 000 and 10 000 requests after the same
# setup); the difference of the totals divided by 5 000 is the cost of one request, the local
# server's share included (the same on both sides). Needs valgrind. CALLGRIND_OUT=dir keeps
# the profiles (`callgrind_annotate dir/ours-2.out`).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v valgrind >/dev/null || { echo "error: valgrind is not installed" >&2; exit 1; }
bench=$(cargo bench --bench throughput --no-run --message-format=json 2>/dev/null |
  sed -n 's/.*"executable":"\([^"]*throughput[^"]*\)".*/\1/p' | tail -1)
[ -x "$bench" ] || { echo "error: could not build the throughput bench" >&2; exit 1; }

if [ -n "${CALLGRIND_OUT:-}" ]; then
  out=$CALLGRIND_OUT
  mkdir -p "$out"
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi
total() {
  THROUGHPUT_ONLY=$1 THROUGHPUT_CONCURRENCY=${THROUGHPUT_CONCURRENCY:-1} BENCH_ROUNDS=$2 \
    valgrind --tool=callgrind --callgrind-out-file="$out/$1-$2.out" "$bench" --bench \
    >"$out/$1-$2.log" 2>&1
  sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$out/$1-$2.log"
}
per_request() {
  local one two
  one=$(total "$1" 1)
  two=$(total "$1" 2)
  echo $(((two - one) / 5000))
}
ours=$(per_request ours)
baseline=$(per_request baseline)
echo "instructions per request (${THROUGHPUT_CONCURRENCY:-1} in flight, server included):"
echo "  plain reqwest: $baseline"
echo "  hyperspell:    $ours (+$((ours - baseline)))"
awk -v o="$ours" -v b="$baseline" 'BEGIN { printf "  ratio (baseline / ours): %.3f\n", b / o }'

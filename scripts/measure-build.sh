#!/usr/bin/env bash
# Issue #2 build measurements, rerunnable on any machine:
#   1. generation time (release): load + normalize + generate for hyperspell.yaml and the
#      largest corpus specs, as a ratio to parsing alone (same process);
#   2. clean build of the `hyperspell` crate (build.rs + generated code + runtime) against the
#      same spec's client compiled as a plain crate (`cargo xtask generate --out`), as a ratio;
#   3. a no-op `cargo build` does not rerun build.rs.
# Usage: scripts/measure-build.sh [--skip-clean-build]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=$root/target/measure
mkdir -p "$work"

echo "== 1. generation time (release build of xtask)"
cargo build --quiet --release -p xtask
for spec in spec/hyperspell.yaml ../shared/openapi-corpus/v31/15-fastapi-prefect.json \
            ../shared/openapi-corpus/v30/01-progenitor-api.github.com.json; do
  [ -f "$spec" ] || { echo "missing $spec"; continue; }
  target/release/xtask generate --spec "$spec" --time
done

if [ "${1:-}" != "--skip-clean-build" ]; then
  echo "== 2. clean build: crate vs plain generated crate (debug, $(nproc) cores)"
  rm -rf "$work/plain" "$work/target-plain" "$work/target-crate"
  target/release/xtask generate --spec spec/hyperspell.yaml --out "$work/plain" --name hyperspell_plain >/dev/null
  # The plain crate is its own workspace, with the TLS backend the hyperspell crate uses by default.
  sed -i 's/"multipart"\]/"multipart", "rustls"]/' "$work/plain/Cargo.toml"
  printf '\n[workspace]\n' >> "$work/plain/Cargo.toml"
  cp Cargo.lock "$work/plain/Cargo.lock"
  start=$(date +%s.%N)
  (cd "$work/plain" && CARGO_TARGET_DIR="$work/target-plain" cargo build --quiet)
  plain=$(echo "$(date +%s.%N) - $start" | bc)
  start=$(date +%s.%N)
  CARGO_TARGET_DIR="$work/target-crate" cargo build --quiet -p hyperspell
  crate=$(echo "$(date +%s.%N) - $start" | bc)
  printf 'plain generated crate: %6.1f s\nhyperspell crate:      %6.1f s\nratio:                 %6.3f (goal <= 1.25)\n' \
    "$plain" "$crate" "$(echo "$crate / $plain" | bc -l)"
fi

echo "== 3. no-op rebuild"
CARGO_TARGET_DIR="$work/target-crate" cargo build --quiet -p hyperspell
log=$(CARGO_TARGET_DIR="$work/target-crate" cargo build -v -p hyperspell 2>&1)
if echo "$log" | grep -q "build-script-build"; then
  echo "FAIL: a no-op build reran build.rs"; echo "$log"; exit 1
fi
echo "$log" | grep -E "Fresh hyperspell " || true
echo "ok: a no-op cargo build does not rerun build.rs"

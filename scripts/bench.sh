#!/usr/bin/env bash
# Runs the benchmarks (release build) and prints each figure with its ratio and goal.
#
#   scripts/bench.sh                 # all three
#   scripts/bench.sh throughput      # one or more of: throughput upload_rss decode
#   BENCH_ROUNDS=61 scripts/bench.sh # more measured runs (defaults: 41 / 3 / 11)
#
# Ratios are against a baseline measured in the same run (plain reqwest, an idle process,
# serde_json::Value), so they hold on a loaded machine better than absolute numbers do.
# upload_rss reads /proc (Linux) and uploads a 1 GiB sparse file (no disk space used).
set -euo pipefail
cd "$(dirname "$0")/.."

benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then
  benches=(throughput upload_rss decode)
fi
for bench in "${benches[@]}"; do
  echo "==> cargo bench --bench ${bench}"
  cargo bench --quiet --bench "${bench}"
  echo
done

#!/usr/bin/env bash
# Speed of `cargo xtask diff-spec` against the npm tools @useoptic/optic and openapi-diff,
# all on the same pair: the GitHub REST API description (3.7 MB, 494 paths) against a copy with
# a handful of realistic edits (an endpoint removed and one added, a required query parameter
# added, a widely used property's type changed, an enum value removed, a property added).
#
#   scripts/bench-diff.sh [RUNS]      (default 5 runs for the fast tools, 1 for the slow ones)
#
# Needs cargo, python3, node + npm (the npm registry must be reachable on the first run).
# Uses hyperfine when installed, else a timing loop. Everything is written under target/.
set -euo pipefail

cd "$(dirname "$0")/.."
runs="${1:-5}"
slow_timeout="${SLOW_TIMEOUT:-900}"
corpus="../shared/openapi-corpus/v30/01-progenitor-api.github.com.json"
work="target/bench-diff"
npm_dir="target/bench-npm"
mkdir -p "$work"

[ -f "$corpus" ] || { echo "missing $corpus (the shared OpenAPI corpus)" >&2; exit 2; }

echo "== building the release binary"
cargo build --release -p xtask --quiet
xtask="target/release/xtask"

echo "== preparing the pair in $work"
python3 - "$corpus" "$work" <<'PY'
import json, sys
src, out = sys.argv[1], sys.argv[2]

def clean(v):
    # The GitHub description has `$ref` keys inside example payloads (SCIM URLs). JSON
    # reference resolvers in the npm tools try to download them; rename them in both files
    # so every tool reads the same, offline-resolvable pair.
    if isinstance(v, dict):
        return {("x-example-ref" if k == "$ref" and isinstance(x, str) and "://" in x else k): clean(x)
                for k, x in v.items()}
    if isinstance(v, list):
        return [clean(x) for x in v]
    return v

base = clean(json.load(open(src)))
rev = json.loads(json.dumps(base))
paths, schemas = rev["paths"], rev["components"]["schemas"]
del paths["/zen"]                                                     # endpoint removed
paths["/repos/{owner}/{repo}/issues"]["get"]["parameters"].append(   # required parameter added
    {"name": "bench_required", "in": "query", "required": True, "schema": {"type": "string"}})
schemas["simple-user"]["properties"]["id"] = {"type": "string"}      # type change, used everywhere
for name, schema in schemas.items():                                  # enum value removed
    prop = schema.get("properties", {}).get("state")
    if prop and len(prop.get("enum", [])) > 1:
        prop["enum"] = prop["enum"][:-1]
        break
schemas["repository"]["properties"]["bench_new"] = {"type": "string"}  # optional property added
paths["/bench/new"] = {"get": {"operationId": "bench/new",            # endpoint added
                               "responses": {"200": {"description": "ok"}}}}
json.dump(base, open(f"{out}/base.json", "w"))
json.dump(rev, open(f"{out}/revision.json", "w"))
PY
base="$work/base.json"
revision="$work/revision.json"

if [ ! -x "$npm_dir/node_modules/.bin/optic" ] || [ ! -x "$npm_dir/node_modules/.bin/openapi-diff" ]; then
    echo "== installing the npm baselines into $npm_dir"
    mkdir -p "$npm_dir"
    # optic 1.x with ajv >= 8.18 fails at start-up (ajv-errors 3 generates code ajv 8.18+ no
    # longer compiles); pin ajv to the last version that works with it.
    cat > "$npm_dir/package.json" <<'JSON'
{ "private": true, "overrides": { "ajv": "8.17.1" } }
JSON
    npm install --silent --no-audit --no-fund --prefix "$npm_dir" @useoptic/optic openapi-diff >/dev/null
fi
optic="$npm_dir/node_modules/.bin/optic"
openapi_diff="$npm_dir/node_modules/.bin/openapi-diff"

now() { date +%s.%N; }

# mean wall-clock seconds of `runs` runs of a command (exit status ignored: diff tools exit
# non-zero when they find breaking changes); "timeout"/"crashed (code)" when it never finished.
measure() {
    local runs="$1" limit="$2"; shift 2
    local total=0 start end code
    for _ in $(seq "$runs"); do
        start=$(now)
        set +e
        timeout "$limit" "$@" >/dev/null 2>&1
        code=$?
        set -e
        end=$(now)
        if [ "$code" -eq 124 ]; then echo "timeout"; return; fi
        if [ "$code" -ge 128 ]; then echo "crashed($code)"; return; fi
        total=$(python3 -c "print($total + $end - $start)")
    done
    python3 -c "print(f'{$total / $runs:.3f}')"
}

declare -A seconds
if command -v hyperfine >/dev/null; then
    echo "== hyperfine"
    hyperfine --warmup 1 --runs "$runs" -i \
        "$xtask diff-spec $base $revision --no-rust" \
        --export-json "$work/hyperfine.json" >/dev/null
    seconds[ours]=$(python3 -c "import json; print(f\"{json.load(open('$work/hyperfine.json'))['results'][0]['mean']:.3f}\")")
else
    seconds[ours]=$(measure "$runs" 60 "$xtask" diff-spec "$base" "$revision" --no-rust)
fi
echo "xtask diff-spec (API diff):               ${seconds[ours]} s"
seconds[ours_rust]=$(measure 1 600 "$xtask" diff-spec "$base" "$revision")
echo "xtask diff-spec (API diff + Rust impact): ${seconds[ours_rust]} s"
seconds[optic]=$(measure 1 "$slow_timeout" "$optic" diff "$base" "$revision")
echo "optic diff:                               ${seconds[optic]} s"
seconds[openapi_diff]=$(NODE_OPTIONS=--max-old-space-size=8192 measure 1 "$slow_timeout" "$openapi_diff" "$base" "$revision")
echo "openapi-diff:                             ${seconds[openapi_diff]} s"

echo
echo "== ratios (tool time / xtask diff-spec API diff time)"
for tool in optic openapi_diff ours_rust; do
    python3 - "$tool" "${seconds[$tool]}" "${seconds[ours]}" <<'PY'
import sys
tool, t, ours = sys.argv[1], sys.argv[2], float(sys.argv[3])
try:
    print(f"{tool:>13}: {float(t) / ours:8.1f}x")
except ValueError:
    print(f"{tool:>13}: {t} (no ratio)")
PY
done

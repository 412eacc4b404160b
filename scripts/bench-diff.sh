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
        if [ "$code" -eq 124 ]; then echo "timeout (> ${limit} s)"; return; fi
        if [ "$code" -ge 128 ]; then echo "crashed($code)"; return; fi
        total=$(python3 -c "print($total + $end - $start)")
    done
    python3 -c "print(f'{$total / $runs:.3f}')"
}

fmt() { case "$1" in [0-9]*) echo "$1 s" ;; *) echo "$1" ;; esac; }

ratio() {
    python3 - "$1" "$2" <<'PY'
import sys
t, ours = sys.argv[1], float(sys.argv[2])
try:
    print(f"{float(t) / ours:.1f}x slower than xtask diff-spec")
except ValueError:
    print(f"{t}: no ratio")
PY
}

# bench NAME BASE REVISION: every tool on one pair.
bench() {
    local name="$1" base="$2" revision="$3" ours ours_rust optic_t od_t
    echo
    echo "== $name"
    if command -v hyperfine >/dev/null; then
        hyperfine --warmup 1 --runs "$runs" -i --export-json "$work/hyperfine.json" \
            "$xtask diff-spec $base $revision --no-rust" >/dev/null
        ours=$(python3 -c "import json; print(f\"{json.load(open('$work/hyperfine.json'))['results'][0]['mean']:.3f}\")")
    else
        ours=$(measure "$runs" 60 "$xtask" diff-spec "$base" "$revision" --no-rust)
    fi
    ours_rust=$(measure 1 600 "$xtask" diff-spec "$base" "$revision")
    optic_t=$(measure 1 "$slow_timeout" "$optic" diff "$base" "$revision")
    od_t=$(NODE_OPTIONS=--max-old-space-size=8192 measure 1 "$slow_timeout" "$openapi_diff" "$base" "$revision")
    echo "xtask diff-spec (API diff, mean of $runs): $(fmt "$ours")"
    echo "xtask diff-spec (API diff + Rust impact):  $(fmt "$ours_rust")"
    echo "optic diff:                                $(fmt "$optic_t")  ($(ratio "$optic_t" "$ours"))"
    echo "openapi-diff:                              $(fmt "$od_t")  ($(ratio "$od_t" "$ours"))"
}

echo "(slow tools are stopped after ${slow_timeout} s: SLOW_TIMEOUT=... to change)"
bench "GitHub REST API (3.7 MB, 494 paths) vs edited copy" "$base" "$revision"
# A small pair every tool can finish, for a ratio when openapi-diff cannot do the big one.
bench "small pair: oasdiff's openapi-test1 vs openapi-test3" \
    ../shared/diff-corpus/data/openapi-test1.yaml ../shared/diff-corpus/data/openapi-test3.yaml

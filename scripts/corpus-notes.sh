#!/usr/bin/env bash
# The degraded notes the pipeline emits on every document of ../shared/openapi-corpus, grouped
# by class (the note's message with names, media types and assertion texts masked).
#
#   scripts/corpus-notes.sh            # counts per class, then per spec
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p xtask
xtask=target/debug/xtask
notes=$(mktemp)
trap 'rm -f "$notes"' EXIT
for spec in ../shared/openapi-corpus/v3*/*; do
  "$xtask" generate --spec "$spec" --list 2>&1 >/dev/null | grep 'degraded:' \
    | sed "s|^warning: ||; s|^\([^:]*\):[0-9]*:[0-9]*: degraded: |\1\t|" >>"$notes" || true
done
echo "== degraded notes by class (count, class)"
cut -f2 "$notes" \
  | sed -E 's/ \(at [^)]*\)$//; s/used by [A-Z]+ [^ ]+/used by …/; s/`[^`]*`/`…`/g; s/\([^()]*\)/(…)/g' \
  | sort | uniq -c | sort -rn
echo
echo "== per spec"
cut -f1 "$notes" | sort | uniq -c | sort -rn
echo
echo "total: $(wc -l <"$notes") degraded notes in $(cut -f1 "$notes" | sort -u | wc -l) of $(ls ../shared/openapi-corpus/v3*/* | wc -l) documents"

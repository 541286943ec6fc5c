#!/usr/bin/env bash
# Requests and bytes for a cold and a warm crawl of the loopback test site
# (tests/testsite, every shared corpus letter when ../shared exists).
# Needs a build with -DJTAI_BUILD_TESTS=ON (for jtai_testsite).
# Environment: JTAI (the jtai binary), JTAI_BUILD_DIR (where jtai_testsite is),
# BENCH_DELAY (seconds between requests, default 0.01).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${JTAI_BUILD_DIR:-$here/../build}"
jtai="${JTAI:-$build/jtai}"
testsite="$build/jtai_testsite"
delay="${BENCH_DELAY:-0.01}"
if [ ! -x "$testsite" ] || [ ! -x "$jtai" ]; then
  echo "bench_crawl: needs $jtai and $testsite (configure with -DJTAI_BUILD_TESTS=ON and build); skipped"
  exit 0
fi

work="$(mktemp -d)"
site_pid=""
cleanup() {
  if [ -n "$site_pid" ]; then kill "$site_pid" 2>/dev/null || true; wait "$site_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$testsite" --rules "$here/../rules" >"$work/site.out" 2>"$work/site.err" &
site_pid=$!
for _ in $(seq 100); do [ -s "$work/site.out" ] && break; sleep 0.05; done
site="$(head -n1 "$work/site.out")"
[ -n "$site" ] || { echo "bench_crawl: test site did not start: $(cat "$work/site.err")"; exit 1; }

stat() { curl -s "$site/__stats"; }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

run() {  # label
  local before after start end out
  before="$(stat)"
  start=$(date +%s.%N)
  out="$("$jtai" --rules "$here/../rules" crawl --data "$work/data" --site "$site" --delay "$delay" 2>/dev/null || true)"
  end=$(date +%s.%N)
  after="$(stat)"
  local req=$(( $(echo "$after" | field requests) - $(echo "$before" | field requests) ))
  local r304=$(( $(echo "$after" | field not_modified) - $(echo "$before" | field not_modified) ))
  local pdfs=$(( $(echo "$after" | field pdf_bodies) - $(echo "$before" | field pdf_bodies) ))
  local sent=$(( $(echo "$after" | field bytes) - $(echo "$before" | field bytes) ))
  local wire
  wire="$(echo "$out" | sed -n 's/.* \([0-9]*\) requests, \([0-9]*\) bytes.*/\2/p' | head -n1)"
  printf "%-5s crawl: %4d requests (%3d answered 304, %2d PDFs), %10d body bytes served, %10s bytes received, %6.2f s  [%s]\n" \
    "$1" "$req" "$r304" "$pdfs" "$sent" "${wire:-?}" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "$(echo "$out" | head -n1 | cut -d: -f1)"
}

letters="$(stat | field letters)"
authorities="$(stat | field authorities)"
echo "test site: $authorities authorities, $letters JTAI letters; delay $delay s"
run cold
run warm

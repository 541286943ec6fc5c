#!/usr/bin/env bash
# Time to re-extract every stored letter from its stored layout (no download,
# no PDF parsing), the figure `jtai refresh` pays after a rule change.
# Target: under 0.3 s for all 48 shared letters on 2 cores.
#
# Builds a store by crawling the loopback test site (jtai_testsite, built with
# -DJTAI_BUILD_TESTS=ON), which serves ../shared's letters (tiny PDFs when
# ../shared is absent), then runs `jtai reextract` under rules that differ by a
# comment only, so every letter is extracted and stored again, several times.
#   JTAI=path/to/jtai JTAI_BUILD_DIR=path/to/build bash bench/bench_reextract.sh [ROUNDS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${JTAI_BUILD_DIR:-$here/build}"
jtai="${JTAI:-$build/jtai}"
site_bin="$build/jtai_testsite"
rounds="${1:-5}"
if [ ! -x "$jtai" ]; then
  echo "bench_reextract: $jtai is missing; build it first (or set JTAI)" >&2
  exit 1
fi
if [ ! -x "$site_bin" ]; then
  # Not an error: the other benchmarks should still run.
  echo "bench_reextract: skipped: $site_bin is missing (configure with -DJTAI_BUILD_TESTS=ON and build it)"
  exit 0
fi

. "$here/bench/lib.sh"
bench_start_site bench_reextract

data="$tmp/data"
bench_crawl bench_reextract "$data"
kill "$site_pid" 2>/dev/null || true
site_pid=""

letters="$("$jtai" status --data "$data" --json | sed -n 's/^ *"stored_letters": \([0-9]*\).*/\1/p')"
echo "store: $letters letters from $corpus; $(nproc) cores"

# Rules that differ only by a comment: a new rules version, identical findings.
cp -r "$here/rules" "$tmp/rules-a"
cp -r "$here/rules" "$tmp/rules-b"
echo "# bench" >>"$tmp/rules-b/sections.toml"

for threads in 1 2; do
  best=""
  walls=""
  for round in $(seq "$rounds"); do
    if [ $((round % 2)) = 1 ]; then rules="$tmp/rules-b"; else rules="$tmp/rules-a"; fi
    start=$(date +%s.%N)
    out="$("$jtai" --rules "$rules" reextract --data "$data" --threads "$threads")"
    end=$(date +%s.%N)
    inner="$(echo "$out" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p' | head -n 1)"
    wall="$(echo "$end - $start" | bc -l)"
    walls="$walls $(printf '%.3f' "$wall")"
    if [ -z "$best" ] || [ "$(echo "$inner < $best" | bc -l)" = 1 ]; then best="$inner"; fi
    echo "$out" | grep -q "0 parsed from the PDF" || echo "bench_reextract: warning: some letters were parsed from the PDF: $out" >&2
  done
  echo "reextract, $threads thread(s): best $best s to re-extract and store all $letters letters (in-process); whole command wall times:$walls s"
done
echo "target: under 0.3 s for 48 letters on 2 cores"

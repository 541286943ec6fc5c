#!/usr/bin/env bash
# Wall time to extract the whole shared corpus with `jtai extract`, next to
# `pdftotext` over the same files, both on two cores (xargs -P2). Also the
# time to re-run the rules over stored layouts (what a rule change costs).
# Env: JTAI (the jtai binary), JTAI_BUILD_DIR, JTAI_SHARED (default ../shared).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${JTAI_BUILD_DIR:-$root/build}"
jtai="${JTAI:-$build/jtai}"
shared="${JTAI_SHARED:-$root/../shared}"
corpus="$shared/corpus"
if [ ! -d "$corpus" ]; then echo "bench_extract: skipped, no corpus at $corpus"; exit 0; fi
if [ ! -x "$jtai" ]; then echo "bench_extract: build jtai first ($jtai not found)"; exit 1; fi
command -v pdftotext >/dev/null || { echo "bench_extract: pdftotext (poppler-utils) not installed"; exit 1; }

list="$(mktemp)"; out="$(mktemp -d)"
trap 'rm -rf "$list" "$out"' EXIT
find "$corpus" -name '*.pdf' | sort > "$list"
n=$(wc -l < "$list")

seconds() { # runs "$@" and prints the wall time in seconds
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
run_jtai() { xargs -d '\n' -P2 -I{} sh -c '"$0" extract "$1" >/dev/null; s=$?; [ $s -eq 0 ] || [ $s -eq 3 ]' "$jtai" {} < "$list"; }
run_pdftotext() { xargs -d '\n' -P2 -I{} pdftotext {} /dev/null < "$list"; }

# One warm-up pass so both read from the page cache.
run_pdftotext
best_jtai=999; best_pdf=999
for _ in 1 2 3; do
  t=$(seconds run_jtai); best_jtai=$(echo "if ($t < $best_jtai) $t else $best_jtai" | bc -l)
  t=$(seconds run_pdftotext); best_pdf=$(echo "if ($t < $best_pdf) $t else $best_pdf" | bc -l)
done
printf 'corpus: %d PDFs, 2 parallel jobs, best of 3 runs\n' "$n"
printf '  jtai extract : %6.2f s\n' "$best_jtai"
printf '  pdftotext    : %6.2f s\n' "$best_pdf"
printf '  ratio        : %6.2f (target <= 1.00)\n' "$(echo "$best_jtai / $best_pdf" | bc -l)"
if [ -x "$build/tests/golden/bench_stored_layouts" ]; then
  "$build/tests/golden/bench_stored_layouts" "$corpus/jtai" "$root/rules" | sed 's/^/  /'
fi

#!/usr/bin/env bash
# How export (first, and again compared with the first), reextract (every
# letter, and the no-op --only-outdated check) and
# `jtai search` (when this build has it) grow with the store: the corpus store
# (a crawl of the loopback test site serving ../shared's letters) is cloned to
# 10x, 100x and 1000x its letters (bench/clone_store.py) and each command's wall
# time and peak resident memory are printed at each size.
#
#   bash bench/bench_scale.sh
# Env: JTAI, JTAI_BUILD_DIR (needs jtai_testsite: -DJTAI_BUILD_TESTS=ON),
#      BENCH_SCALES (default "10 100 1000"), BENCH_FULL_REEXTRACT_MAX (largest
#      scale at which every letter is re-extracted; default 1000),
#      BENCH_MEMORY_CAP_MB (address-space cap per command; default 8192),
#      BENCH_SEARCH_QUERY (default "neglect").
# Targets: reextract --only-outdated with nothing to do under 1 s at 1000x;
# export peak memory flat in the number of letters (under 300 MB at 1000x).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="${JTAI_BUILD_DIR:-$here/build}"
jtai="${JTAI:-$build/jtai}"
site_bin="$build/jtai_testsite"
scales="${BENCH_SCALES:-10 100 1000}"
full_max="${BENCH_FULL_REEXTRACT_MAX:-1000}"
cap_mb="${BENCH_MEMORY_CAP_MB:-8192}"
query="${BENCH_SEARCH_QUERY:-neglect}"
python="$(command -v python3)"
if [ ! -x "$jtai" ]; then echo "bench_scale: $jtai is missing; build it first (or set JTAI)" >&2; exit 1; fi
if [ ! -x "$site_bin" ]; then
  echo "bench_scale: skipped: $site_bin is missing (configure with -DJTAI_BUILD_TESTS=ON and build it)"
  exit 0
fi

. "$here/bench/lib.sh"
bench_start_site bench_scale
bench_crawl bench_scale "$tmp/base"
kill "$site_pid" 2>/dev/null || true
site_pid=""
base_letters="$("$jtai" status --data "$tmp/base" --json | sed -n 's/^ *"stored_letters": \([0-9]*\).*/\1/p')"

has_search=0
"$jtai" --help 2>&1 | grep -qE '^ +search( |$)' && has_search=1
# Rules that differ by a comment only: a new rules version, so a full
# reextract stores a new extraction of every letter (what a rule change costs).
cp -r "$here/rules" "$tmp/rules-b"
echo "# bench" >>"$tmp/rules-b/sections.toml"

# run LABEL CMD...: prints wall seconds and peak RSS; failures are reported, not fatal.
run() {
  local label="$1"; shift
  local status=0
  ( ulimit -v $((cap_mb * 1024)); /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" ) || status=$?
  local wall rss
  read -r wall rss < <(tail -n 1 "$tmp/time")
  local note=""
  if [ "$status" -ne 0 ] && [ "$status" -ne 4 ]; then note="  FAILED (exit $status): $(tail -n 1 "$tmp/err" | cut -c1-100)"; fi
  printf '  %-40s %9.2f s %9.1f MB%s\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)" "$note"
}

echo "store: $base_letters letters from $corpus, cloned; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
for scale in $scales; do
  data="$tmp/x$scale"
  mkdir -p "$data"
  "$python" "$here/bench/clone_store.py" "$tmp/base/jtai.sqlite" "$data/jtai.sqlite" "$scale"
  ln -s "$tmp/base/reports" "$data/reports" 2>/dev/null || true
  letters="$("$jtai" status --data "$data" --json | sed -n 's/^ *"stored_letters": \([0-9]*\).*/\1/p')"
  echo "${scale}x: $letters letters, database $(du -m "$data/jtai.sqlite" | cut -f1) MB"
  run "export" "$jtai" export --data "$data" --date 2000-01-01
  # The weekly case: the same store again, compared with the export above (changes.csv, fingerprints).
  run "export (compared with the last one)" "$jtai" export --data "$data" --date 2000-01-02
  run "reextract --only-outdated (no-op)" "$jtai" reextract --data "$data" --only-outdated
  if [ "$scale" -le "$full_max" ]; then
    run "reextract (every letter, new rules)" "$jtai" --rules "$tmp/rules-b" reextract --data "$data"
  else
    echo "  reextract (every letter, new rules)      skipped above ${full_max}x (BENCH_FULL_REEXTRACT_MAX)"
  fi
  if [ $has_search = 1 ]; then run "search '$query'" "$jtai" search --data "$data" "$query"
  else echo "  search                                   n/a (this build has no search command)"; fi
  rm -rf "$data"
done
echo "targets: no-op reextract < 1 s at 1000x; export memory flat (< 300 MB at 1000x)"

#!/usr/bin/env bash
# Issue 8's figures: (1) what parsing each PDF in a sandboxed child costs over
# parsing it in-process, on the shared corpus's 48 JTAI letters; (2) the peak
# memory of the jtai parent process (VmHWM, without its parser children) during
# a full cold refresh of the loopback test site serving every corpus letter.
#
#   bash bench/bench_isolation.sh
# Env: JTAI, JTAI_BUILD_DIR, JTAI_SHARED (default ../shared), BENCH_ROUNDS (default 5).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${JTAI_BUILD_DIR:-$root/build}"
jtai="${JTAI:-$build/jtai}"
shared="${JTAI_SHARED:-$root/../shared}"
if [ ! -d "$shared/corpus/jtai" ]; then echo "bench_isolation: skipped, no corpus at $shared/corpus"; exit 0; fi
[ -x "$build/bench/bench_isolation" ] || { echo "bench_isolation: build it first (cmake --build build --target bench_isolation)"; exit 1; }

"$build/bench/bench_isolation" "$shared/corpus/jtai" "${BENCH_ROUNDS:-5}"

site_bin="$build/jtai_testsite"
if [ ! -x "$site_bin" ]; then echo "bench_isolation: no $site_bin (configure with -DJTAI_BUILD_TESTS=ON) - peak memory skipped"; exit 0; fi
work="$(mktemp -d)"
site_pid=
cleanup() { [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkfifo "$work/in"
"$site_bin" --shared "$shared" --exit-on-stdin-eof < "$work/in" > "$work/site.txt" &
site_pid=$!
exec 3> "$work/in"  # the site lives while this is open
for _ in $(seq 50); do [ -s "$work/site.txt" ] && break; sleep 0.1; done
site="$(head -n1 "$work/site.txt")"

"$jtai" refresh --data "$work/data" --site "$site" --delay 0 > "$work/out.txt" 2> "$work/err.txt" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
  [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
  sleep 0.05
done
wait "$pid" && status=0 || status=$?
letters=$(sqlite3 "$work/data/jtai.sqlite" "SELECT COUNT(*) FROM files" 2>/dev/null || echo "?")
echo "cold refresh of the loopback site: exit $status, $letters letters stored; parent peak memory (VmHWM) $((peak / 1024)) MB"
exec 3>&-

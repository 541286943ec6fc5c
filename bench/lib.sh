# Shared by the benchmark scripts that need a store: source it after setting
# `here` (the checkout), `site_bin` (jtai_testsite) and `jtai`.
#   bench_start_site NAME   makes $tmp (removed on exit), starts the loopback
#                           test site serving ../shared's letters (tiny
#                           generated PDFs when ../shared is absent) and sets
#                           $site_url, $site_pid and $corpus.
#   bench_crawl NAME DIR    crawls it into DIR, or exits 1 with the reason.

bench_start_site() {
  local name="$1"
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/jtai-$name-XXXXXX")"
  site_pid=""
  trap 'bench_cleanup' EXIT
  local shared="$here/../shared"
  if [ -d "$shared/corpus/jtai" ]; then
    corpus="the shared corpus"
    "$site_bin" --rules "$here/rules" --shared "$shared" >"$tmp/site.txt" 2>"$tmp/site.err" &
  else
    corpus="tiny generated PDFs (../shared is absent)"
    "$site_bin" --rules "$here/rules" --no-shared >"$tmp/site.txt" 2>"$tmp/site.err" &
  fi
  site_pid=$!
  for _ in $(seq 50); do [ -s "$tmp/site.txt" ] && break; sleep 0.1; done
  site_url="$(head -n 1 "$tmp/site.txt")"
  [ -n "$site_url" ] || { echo "$name: the test site did not start: $(cat "$tmp/site.err")" >&2; exit 1; }
}

bench_cleanup() {
  [ -n "${site_pid:-}" ] && kill "$site_pid" 2>/dev/null || true
  rm -rf "$tmp"
}

bench_crawl() {
  "$jtai" crawl --data "$2" --site "$site_url" --delay 0 >/dev/null 2>"$tmp/crawl.err" || {
    echo "$1: the crawl failed: $(tail -n 3 "$tmp/crawl.err")" >&2; exit 1; }
}

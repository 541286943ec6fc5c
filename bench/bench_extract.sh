#!/usr/bin/env bash
# Cold extraction of the shared corpus (48 JTAI letters + 7 other PDFs), side
# by side with MuPDF (python3-fitz, the engine the public Python scraper uses)
# and pdftotext, two jobs at a time, as ratios; then where each letter's
# instructions go (start-up, rules, Poppler, its glib/cpp wrappers, own code),
# from callgrind, whose counts repeat exactly even on a loaded machine.
#
#   bash bench/bench_extract.sh
# Env: JTAI (the jtai binary), JTAI_BUILD_DIR, JTAI_SHARED (default ../shared),
#      BENCH_ROUNDS (timed rounds, best kept; default 3), BENCH_JOBS (default 2),
#      BENCH_PHASES (letters profiled with callgrind: all | N | 0; default all),
#      MUPDF_PYTHON (a python3 with the fitz module; default /usr/bin/python3).
# "Cold" means a new process per run, with the files in the page cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${JTAI_BUILD_DIR:-$root/build}"
jtai="${JTAI:-$build/jtai}"
shared="${JTAI_SHARED:-$root/../shared}"
corpus="$shared/corpus"
rounds="${BENCH_ROUNDS:-3}"
jobs="${BENCH_JOBS:-2}"
phase_letters="${BENCH_PHASES:-all}"
mupdf_python="${MUPDF_PYTHON:-/usr/bin/python3}"
if [ ! -d "$corpus" ]; then echo "bench_extract: skipped, no corpus at $corpus"; exit 0; fi
if [ ! -x "$jtai" ]; then echo "bench_extract: build jtai first ($jtai not found)"; exit 1; fi
command -v pdftotext >/dev/null || { echo "bench_extract: pdftotext (poppler-utils) not installed"; exit 1; }
have_mupdf=1
"$mupdf_python" -c 'import fitz' 2>/dev/null || { have_mupdf=0; echo "bench_extract: no fitz module in $mupdf_python (apt-get install python3-fitz); MuPDF columns skipped"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
find "$corpus" -name '*.pdf' -print0 | sort -z > "$work/list"
n=$(tr -cd '\0' < "$work/list" | wc -c)
half=$(( (n + jobs - 1) / jobs ))

# What MuPDF is asked for matches what jtai reads: every span's text, font,
# size and box (page.get_text("dict")).
cat > "$work/mupdf.py" <<'EOF'
import sys, fitz
for path in sys.argv[1:]:
    with fitz.open(path) as doc:
        for page in doc:
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        span["text"], span["font"], span["size"], span["bbox"]
EOF

# Multi-file `jtai extract FILE...` (one process, rules loaded once) when this build has it.
first_two=()
while IFS= read -r -d '' f; do first_two+=("$f"); [ ${#first_two[@]} -eq 2 ] && break; done < "$work/list"
multi=0
if "$jtai" extract "${first_two[@]}" >"$work/probe" 2>/dev/null || [ $? -eq 3 ]; then
  [ "$(wc -l < "$work/probe")" -ge 2 ] && multi=1
fi
jflag=()
if [ $multi = 1 ] && "$jtai" extract --help 2>/dev/null | grep -q -- '-j'; then jflag=(-j "$jobs"); fi

jtai_per_file() { xargs -0 -n1 -P"$jobs" sh -c '"$0" extract "$1" >/dev/null 2>&1; s=$?; [ $s -eq 0 ] || [ $s -eq 3 ]' "$jtai" < "$work/list"; }
jtai_multi() { xargs -0 sh -c '"$0" extract "$@" >/dev/null 2>&1; s=$?; [ $s -eq 0 ] || [ $s -eq 3 ]' "$jtai" "${jflag[@]}" < "$work/list"; }
mupdf_per_job() { xargs -0 -n"$half" -P"$jobs" "$mupdf_python" "$work/mupdf.py" < "$work/list"; }
mupdf_per_file() { xargs -0 -n1 -P"$jobs" "$mupdf_python" "$work/mupdf.py" < "$work/list"; }
pdftotext_per_file() { xargs -0 -n1 -P"$jobs" sh -c 'pdftotext "$0" /dev/null' < "$work/list"; }
# Poppler alone with jtai's one trick: copies whose catalog key /OutputIntents is
# renamed (same length) as extract/layout.cpp does, so no ICC transform is built.
mkdir -p "$work/hidden"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  perl -pe 's{/OutputIntents}{/OutputIntentX}g' "$f" > "$work/hidden/$i.pdf"
done < "$work/list"
find "$work/hidden" -name '*.pdf' -print0 | sort -z > "$work/hidden_list"
pdftotext_hidden_per_file() { xargs -0 -n1 -P"$jobs" sh -c 'pdftotext "$0" /dev/null' < "$work/hidden_list"; }

# Prints "wall cpu" in seconds (cpu = user + system of every process).
measure() {
  local TIMEFORMAT='%R %U %S'
  { time "$@" >/dev/null 2>&1; } 2> "$work/time" || true
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$work/time"
}

methods=(jtai_per_file pdftotext_per_file pdftotext_hidden_per_file)
[ $multi = 1 ] && methods+=(jtai_multi)
[ $have_mupdf = 1 ] && methods+=(mupdf_per_job mupdf_per_file)
declare -A wall cpu
pdftotext_per_file >/dev/null 2>&1  # page cache
for _ in $(seq "$rounds"); do  # alternating rounds, best kept
  for m in "${methods[@]}"; do
    read -r w c < <(measure "$m")
    if [ -z "${wall[$m]:-}" ] || [ "$(echo "$w < ${wall[$m]}" | bc -l)" = 1 ]; then wall[$m]=$w; fi
    if [ -z "${cpu[$m]:-}" ] || [ "$(echo "$c < ${cpu[$m]}" | bc -l)" = 1 ]; then cpu[$m]=$c; fi
  done
done

echo "corpus: $n PDFs, $jobs parallel jobs, best of $rounds alternating rounds; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-48s %8s %8s %10s\n' "" "wall s" "cpu s" "cpu ms/PDF"
row() { printf '  %-48s %8.2f %8.2f %10.1f\n' "$1" "${wall[$2]}" "${cpu[$2]}" "$(echo "${cpu[$2]} * 1000 / $n" | bc -l)"; }
row "jtai extract, one process per PDF" jtai_per_file
if [ $multi = 1 ]; then row "jtai extract ${jflag[*]} FILE... (one process)" jtai_multi
else echo "  jtai extract FILE...                          n/a (this build extracts one file per process)"; fi
if [ $have_mupdf = 1 ]; then
  row "MuPDF, one process per job (as the scraper)" mupdf_per_job
  row "MuPDF, one process per PDF" mupdf_per_file
fi
row "pdftotext, one process per PDF" pdftotext_per_file
row "pdftotext, /OutputIntents hidden as jtai does" pdftotext_hidden_per_file
ratio() { printf '  %-58s wall %5.2f  cpu %5.2f  %s\n' "$1" "$(echo "${wall[$2]} / ${wall[$3]}" | bc -l)" "$(echo "${cpu[$2]} / ${cpu[$3]}" | bc -l)" "$4"; }
echo "ratios (below 1: jtai faster)"
if [ $have_mupdf = 1 ]; then
  ratio "jtai per-file / MuPDF per job" jtai_per_file mupdf_per_job "(target <= 0.80)"
  [ $multi = 1 ] && ratio "jtai multi-file / MuPDF per job" jtai_multi mupdf_per_job "(target <= 0.60)"
  ratio "jtai per-file / MuPDF per-file" jtai_per_file mupdf_per_file ""
fi
ratio "jtai per-file / pdftotext per-file" jtai_per_file pdftotext_per_file ""
ratio "jtai per-file / pdftotext, intents hidden (Poppler alone)" jtai_per_file pdftotext_hidden_per_file ""

if [ -x "$build/tests/golden/bench_stored_layouts" ]; then
  "$build/tests/golden/bench_stored_layouts" "$corpus/jtai" "$root/rules" | sed 's/^/  /'
fi

# Where the instructions go, per letter (callgrind; deterministic).
if [ "$phase_letters" != 0 ] && command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
  python="$(command -v python3)"
  tr '\0' '\n' < "$work/list" > "$work/lines"
  if [ "$phase_letters" != all ]; then head -n "$phase_letters" "$work/lines" > "$work/l2"; mv "$work/l2" "$work/lines"; fi
  i=0
  while IFS= read -r f; do
    i=$((i + 1))
    mkdir -p "$work/cg/$i"
    printf '%s\0%s\0' "$f" "$work/cg/$i"
  done < "$work/lines" | xargs -0 -n2 -P"$jobs" sh -c \
    'valgrind --tool=callgrind --dump-before=fork --callgrind-out-file="$2/cg.%p" "$0" extract "$1" >/dev/null 2>&1; true' "$jtai" 2>/dev/null \
    || true
  echo "instructions per PDF (millions; callgrind, $(wc -l < "$work/lines") PDFs):"
  "$python" "$here/callgrind_phases.py" --header | sed 's/^/  /' > "$work/phases"
  i=0
  while IFS= read -r f; do
    i=$((i + 1))
    ls "$work/cg/$i"/cg.* >/dev/null 2>&1 || continue
    "$python" "$here/callgrind_phases.py" "$work/cg/$i" "$(basename "$(dirname "$f")")/$(basename "$f" .pdf | cut -c1-30)" | sed 's/^/  /'
  done < "$work/lines" >> "$work/phases"
  column -t -s $'\t' "$work/phases"
  awk -F'\t' 'NR > 1 { for (i = 2; i <= 7; i++) s[i] += $i; n++ }
    END { if (n) printf "  mean per PDF: start-up %.1f, rules %.1f, Poppler %.1f, wrappers %.1f, own %.1f = %.1f M instructions (start-up %.0f%%, rules %.0f%%, Poppler %.0f%%, wrapper %.0f%%, own %.0f%%)\n",
      s[2]/n, s[3]/n, s[4]/n, s[5]/n, s[6]/n, s[7]/n, 100*s[2]/s[7], 100*s[3]/s[7], 100*s[4]/s[7], 100*s[5]/s[7], 100*s[6]/s[7] }' "$work/phases"
fi

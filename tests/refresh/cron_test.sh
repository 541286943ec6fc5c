#!/usr/bin/env bash
# Tests of cron/: the systemd units verify, the crontab line is valid, and the
# wrapper rotates its logs and passes jtai's exit status through.
#   cron_test.sh units|crontab|wrapper SOURCE_DIR
#   cron_test.sh wrapper_real SOURCE_DIR JTAI_BINARY
set -euo pipefail
what="$1"
src="$2"
jtai_binary="${3:-}"
cron="$src/cron"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/jtai-cron-test-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
check() { # check DESCRIPTION COMMAND...
  local what="$1"; shift
  if "$@"; then echo "ok: $what"; else fail "$what"; fi
}

test_units() {
  if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIP: systemd-analyze is not installed"
    exit 77
  fi
  # ExecStart must name an existing executable for verify to pass: point a
  # copy of the units at this tree's wrapper, changing nothing else.
  mkdir -p "$tmp/units"
  sed "s#/usr/local/bin/jtai-refresh#$cron/jtai-refresh#" "$cron/jtai-refresh.service" >"$tmp/units/jtai-refresh.service"
  cp "$cron/jtai-refresh.timer" "$tmp/units/"
  local n_exec
  n_exec="$(grep -c "^ExecStart=$cron/jtai-refresh " "$tmp/units/jtai-refresh.service")"
  check "the service's ExecStart calls the wrapper" [ "$n_exec" = 1 ]
  local out
  out="$(cd "$tmp/units" && systemd-analyze verify ./jtai-refresh.service ./jtai-refresh.timer 2>&1)" ||
    fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify printed warnings: $out"
  echo "ok: systemd-analyze verify passes with no warnings"

  check "the timer is Persistent=true" grep -qx 'Persistent=true' "$cron/jtai-refresh.timer"
  check "the timer has a randomised delay" grep -Eqx 'RandomizedDelaySec=[1-9][0-9]*(s|min|m|h)?' "$cron/jtai-refresh.timer"
  check "the service is a oneshot" grep -qx 'Type=oneshot' "$cron/jtai-refresh.service"
  # Weekly: consecutive elapses of OnCalendar are exactly 7 days apart.
  local spec
  spec="$(sed -n 's/^OnCalendar=//p' "$cron/jtai-refresh.timer")"
  [ -n "$spec" ] || fail "the timer has no OnCalendar"
  local epochs
  epochs="$(TZ=UTC systemd-analyze calendar --iterations=3 "$spec" | sed -n 's/^ *\(Next elapse\|Iter\. #[0-9]*\): *//p' |
            while read -r line; do date -u -d "${line#* }" +%s; done)"
  local count
  count="$(echo "$epochs" | grep -c .)"
  [ "$count" = 3 ] || fail "could not read 3 elapses of OnCalendar=$spec"
  local prev="" e
  for e in $epochs; do
    if [ -n "$prev" ]; then [ $((e - prev)) = 604800 ] || fail "OnCalendar=$spec is not weekly ($((e - prev)) s apart)"; fi
    prev="$e"
  done
  echo "ok: OnCalendar=$spec elapses once a week"
}

test_crontab() {
  command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 is not installed"; exit 77; }
  python3 - "$cron/jtai.crontab" "$cron/jtai-refresh" <<'PY'
import re, sys, os
path, wrapper = sys.argv[1], sys.argv[2]
lines = [l.rstrip("\n") for l in open(path) if l.strip() and not l.lstrip().startswith("#")]
assert len(lines) == 1, f"expected exactly one schedule line, found {len(lines)}: {lines}"
fields = lines[0].split(None, 5)
assert len(fields) == 6, f"a user crontab line needs 5 time fields and a command: {lines[0]!r}"
names = {3: ["jan","feb","mar","apr","may","jun","jul","aug","sep","oct","nov","dec"],
         4: ["sun","mon","tue","wed","thu","fri","sat"]}
ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
def values(i, field):
    lo, hi = ranges[i]
    out = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, s = part.split("/", 1)
            assert s.isdigit() and int(s) > 0, f"bad step in field {i+1}: {field!r}"
            step = int(s)
        if part == "*":
            a, b = lo, hi
        else:
            def num(t):
                if i in names and t.lower() in names[i]:
                    return names[i].index(t.lower()) + (1 if i == 3 else 0)
                assert t.isdigit(), f"field {i+1} ({field!r}) is not a number, range or name"
                return int(t)
            if "-" in part:
                a, b = (num(t) for t in part.split("-", 1))
            else:
                a = b = num(part)
            assert lo <= a <= hi and lo <= b <= hi and a <= b, f"field {i+1} ({field!r}) is outside {lo}-{hi}"
        out.update(range(a, b + 1, step))
    return out
sets = [values(i, f) for i, f in enumerate(fields[:5])]
weekdays = {d % 7 for d in sets[4]}
assert len(sets[0]) == 1 and len(sets[1]) == 1, "the refresh should run at one fixed minute and hour"
assert fields[2] == "*" and fields[3] == "*" and len(weekdays) == 1, "the refresh should run once a week"
command = fields[5]
assert "%" not in command, "an unescaped % in a crontab command becomes a newline"
words = command.split()
prog = next(w for w in words if "=" not in w)
assert os.path.basename(prog) == "jtai-refresh", f"the line should call the jtai-refresh wrapper, not {prog}"
assert words[-1].startswith("/"), "the data directory should be an absolute path"
print(f"ok: crontab line valid: minute {sorted(sets[0])}, hour {sorted(sets[1])}, weekday {sorted(weekdays)}, runs {prog}")
PY
}

test_wrapper() {
  local wrapper="$cron/jtai-refresh"
  check "the wrapper is executable" [ -x "$wrapper" ]
  # A fake jtai: prints its arguments, exits with $FAKE_STATUS.
  mkdir -p "$tmp/bin"
  cat >"$tmp/bin/jtai" <<'FAKE'
#!/usr/bin/env bash
echo "fake jtai run ${FAKE_RUN:-?}: $*"
echo "fake jtai stderr ${FAKE_RUN:-?}" >&2
exit "${FAKE_STATUS:-0}"
FAKE
  chmod +x "$tmp/bin/jtai"
  local data="$tmp/data dir"  # a space, to catch quoting mistakes
  local log="$data/logs/refresh.log"

  local status
  for status in 0 1 4 5 2; do
    set +e
    FAKE_RUN="s$status" FAKE_STATUS="$status" PATH="$tmp/bin:$PATH" "$wrapper" --keep 3 "$data" --delay 2 \
      >"$tmp/out" 2>"$tmp/err"
    local got=$?
    set -e
    [ "$got" = "$status" ] || fail "fake jtai exited $status but the wrapper exited $got"
    grep -q "fake jtai run s$status: refresh --data $data --delay 2" "$log" || fail "log lacks the run's output: $(cat "$log")"
    grep -q "fake jtai stderr s$status" "$log" || fail "log lacks the run's stderr"
    grep -q "finished: exit $status" "$log" || fail "log lacks the exit status line"
    if [ "$status" = 0 ]; then
      [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ] || fail "a successful run should print nothing (cron would mail it)"
    else
      grep -q "ended with exit $status" "$tmp/err" || fail "a failed run should say so on stderr: $(cat "$tmp/err")"
    fi
  done
  echo "ok: exit statuses 0 1 4 5 2 pass through; output goes to the log"

  # --env-file puts JTAI_CONTACT (and any KEY=VALUE) into jtai's environment; a missing file is exit 2.
  cat >"$tmp/bin/jtai-env" <<'FAKE'
#!/usr/bin/env bash
echo "fake jtai contact: ${JTAI_CONTACT:-none}"
FAKE
  chmod +x "$tmp/bin/jtai-env"
  printf '# comment\nJTAI_CONTACT=ops@research.example.ac.uk\n' >"$tmp/jtai.env"
  JTAI="$tmp/bin/jtai-env" "$wrapper" --env-file "$tmp/jtai.env" "$tmp/envdata" >/dev/null 2>&1 ||
    fail "the wrapper failed with an environment file"
  grep -q "fake jtai contact: ops@research.example.ac.uk" "$tmp/envdata/logs/refresh.log" ||
    fail "JTAI_CONTACT from --env-file did not reach jtai: $(cat "$tmp/envdata/logs/refresh.log")"
  set +e
  JTAI="$tmp/bin/jtai-env" "$wrapper" --env-file "$tmp/missing.env" "$tmp/envdata" >/dev/null 2>"$tmp/err"
  got=$?
  set -e
  [ "$got" = 2 ] || fail "a missing environment file should exit 2, got $got"
  grep -q "cannot read the environment file" "$tmp/err" || fail "no message for a missing environment file"
  echo "ok: --env-file sets JTAI_CONTACT; a missing one is exit 2"

  # Five runs with --keep 3: the current log and three old ones, newest first.
  [ -f "$log" ] && [ -f "$log.1" ] && [ -f "$log.2" ] && [ -f "$log.3" ] || fail "expected refresh.log and .1-.3: $(ls "$data/logs")"
  [ ! -e "$log.4" ] || fail "more than 3 old logs kept: $(ls "$data/logs")"
  grep -q "run s2:" "$log" && grep -q "run s5:" "$log.1" && grep -q "run s4:" "$log.2" && grep -q "run s1:" "$log.3" ||
    fail "logs are not in newest-first order"
  [ "$(grep -c 'starting:' "$log")" = 1 ] || fail "each log should hold exactly one run"
  echo "ok: logs rotate, newest first, keeping 3 old ones"

  # Lowering --keep drops the surplus.
  PATH="$tmp/bin:$PATH" "$wrapper" --keep 1 "$data" >/dev/null 2>&1
  [ -f "$log.1" ] && [ ! -e "$log.2" ] && [ ! -e "$log.3" ] || fail "--keep 1 left: $(ls "$data/logs")"
  echo "ok: a lower --keep drops the surplus old logs"

  # JTAI names the program; a missing one is a clear bad-input error.
  set +e
  JTAI="$tmp/no-such-jtai" "$wrapper" "$data" >/dev/null 2>"$tmp/err"
  local got=$?
  set -e
  [ "$got" = 2 ] && grep -q "cannot find the jtai program" "$tmp/err" || fail "missing jtai: exit $got, $(cat "$tmp/err")"
  set +e
  "$wrapper" >/dev/null 2>"$tmp/err"; got=$?
  set -e
  [ "$got" = 2 ] && grep -q usage "$tmp/err" || fail "no data dir should print usage and exit 2"
  echo "ok: missing jtai or data dir exits 2 with a message"
}

# The wrapper around the real jtai: a lock held by another process (flock(1)
# takes the same flock(2) lock) gives exit 5, a broken rule file exit 2; both
# land in the log and on stderr.
test_wrapper_real() {
  command -v flock >/dev/null 2>&1 || { echo "SKIP: flock(1) is not installed"; exit 77; }
  local data="$tmp/data" log="$tmp/data/logs/refresh.log" got
  mkdir -p "$data"
  # -o: the lock stays with flock itself (not its sleep), so killing flock frees it.
  flock -o "$data/.jtai.lock" sleep 30 &
  local holder=$!
  for _ in $(seq 100); do flock -n "$data/.jtai.lock" true || break; sleep 0.05; done
  set +e
  JTAI="$jtai_binary" "$cron/jtai-refresh" "$data" --site http://127.0.0.1:9 --delay 0 >/dev/null 2>"$tmp/err"
  got=$?
  set -e
  kill "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
  [ "$got" = 5 ] || fail "a locked data directory should give exit 5, got $got: $(cat "$log")"
  grep -q "is locked by another jtai process; not starting a second run" "$log" || fail "log lacks the locked message: $(cat "$log")"
  grep -q "ended with exit 5 (locked)" "$tmp/err" || fail "stderr lacks the locked line: $(cat "$tmp/err")"
  echo "ok: a held lock gives exit 5 through the wrapper"

  cp -r "$src/rules" "$tmp/rules"
  printf '\n[broken\n' >>"$tmp/rules/sections.toml"
  set +e
  JTAI="$jtai_binary" JTAI_RULES="$tmp/rules" "$cron/jtai-refresh" "$data" --site http://127.0.0.1:9 --delay 0 \
    >/dev/null 2>"$tmp/err"
  got=$?
  set -e
  [ "$got" = 2 ] || fail "a broken rule file should give exit 2, got $got: $(cat "$log")"
  grep -q "sections.toml" "$log" || fail "the log should name the broken rule file: $(cat "$log")"
  [ -f "$log.1" ] || fail "the locked run's log should have been rotated to refresh.log.1"
  echo "ok: a rule-file error gives exit 2 through the wrapper, naming the file"
}

case "$what" in
  units) test_units ;;
  crontab) test_crontab ;;
  wrapper) test_wrapper ;;
  wrapper_real) test_wrapper_real ;;
  *) echo "unknown test $what" >&2; exit 2 ;;
esac

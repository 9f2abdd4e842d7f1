#!/usr/bin/env bash
# `overlap sweep` as a user runs it: usage errors, a short sweep, its JSON, and a
# report drawn from that JSON.
set -euo pipefail
overlap=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for bad in "--concurrency 5:1:1" "--delays 50,abc" "--delays 2h" "--delays 50,,300" "--strategy fast" "-n 0"; do
  status=0
  # shellcheck disable=SC2086
  "$overlap" sweep $bad >/dev/null 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'sweep $bad' exited $status"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'sweep $bad' printed: $(cat "$work/err")"
done
echo "ok: usage errors exit 2 with one line"

"$overlap" sweep --delays 10ms,0.03s -n 40 --concurrency 1,8,40 --json "$work/s.json" >"$work/out" 2>/dev/null
grep -q "^takes at least 1.8 s" "$work/out" || fail "no bound printed first: $(head -3 "$work/out")"
grep -q "^best concurrency for 10 ms: " "$work/out" || fail "no best line: $(cat "$work/out")"
python3 - "$work/s.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "sweep" and doc["n"] == 40, doc
assert len(doc["points"]) == 6, doc["points"]
for p in doc["points"]:
    assert p["seconds"] >= p["limit_seconds"] * 0.999, p  # never faster than physics allows
assert {b["delay_ms"] for b in doc["best"]} == {10, 30}
PY
"$overlap" report "$work/s.json" -o "$work/r.html" >/dev/null
grep -q "sweep" "$work/r.html" || fail "the report does not draw the sweep"
echo "ok: a short sweep, its JSON, and its report"
grep -q "will be partial" "$work/out" && fail "a sweep within --max-time was said to be partial"

# The defaults agree with each other: the default grid fits in the default --max-time.
# Only the plan is read: SIGINT right after it, so no point runs to the end.
"$overlap" sweep >"$work/default.out" 2>/dev/null &
pid=$!
for _ in $(seq 300); do grep -q "^takes at least" "$work/default.out" && break; sleep 0.1; done
kill -INT "$pid" 2>/dev/null; sleep 1; kill -INT "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
grep -q "^takes at least" "$work/default.out" || fail "the default sweep printed no plan: $(cat "$work/default.out")"
grep -q "will be partial" "$work/default.out" && fail "the default sweep does not fit its own --max-time: $(cat "$work/default.out")"
"$overlap" sweep --delays 10,30 -n 40 --concurrency 1,8,40 --max-time 1s --json "$work/p.json" >"$work/p.out" 2>/dev/null || true
grep -q "will be partial" "$work/p.out" || fail "a --max-time below the least time was not flagged: $(cat "$work/p.out")"
echo "ok: the default sweep fits its default --max-time; a shorter one is flagged before it starts"

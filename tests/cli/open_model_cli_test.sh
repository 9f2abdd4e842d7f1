#!/usr/bin/env bash
# The open model as a user runs it: `overlap crawl --rate` with --latency and --json,
# --duration with a rate, `overlap sweep --rate`, and the usage errors of both.
set -euo pipefail
overlap=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for bad in "crawl --rate 0" "crawl --rate -5" "crawl --rate abc" "crawl --rate 2e7" "sweep --rate 100,x" \
  "sweep --rate 0" "sweep --rate 100 --delays 50" "sweep --rate 100 -c 1,2" "sweep --capacity 4"; do
  status=0
  # shellcheck disable=SC2086
  "$overlap" $bad -n 5 >/dev/null 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$bad' exited $status: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$bad' printed: $(cat "$work/err")"
done
echo "ok: usage errors exit 2 with one line"

# A paced crawl: corrected latency named first, the open model's line, wrk2's spectrum.
"$overlap" crawl -n 200 -c 10 --delay 5 --rate 500 --latency --json "$work/r.json" >"$work/out"
grep -q "^coroutine: n=200 c=10 delay=5 ms: .* corrected latency p50 " "$work/out" || fail "summary: $(cat "$work/out")"
grep -q "^open model: 500 req/s offered, [0-9]* achieved; " "$work/out" || fail "open model line: $(cat "$work/out")"
grep -q "^  Detailed Percentile spectrum:" "$work/out" || fail "no spectrum: $(cat "$work/out")"
grep -q "^  Uncorrected Latency (measured without taking delayed starts into account)" "$work/out" ||
  fail "no uncorrected spectrum"
grep -Eq "^ +[0-9.]+ +1\.000000 +200 +inf$" "$work/out" || fail "no 100% line: $(cat "$work/out")"
grep -q "^#\[Max     = " "$work/out" || fail "no footer"
python3 - "$work/r.json" <<'PY' || fail "result json"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
open_model = run["open_model"]
assert open_model["rate"] == 500, open_model
assert open_model["corrected_histogram"]["count"] == 200 == run["latency_histogram"]["count"], run
assert sum(open_model["sent_per_second"]) == 200, open_model["sent_per_second"]
assert abs(open_model["achieved_rate"] - 500) < 25, open_model["achieved_rate"]
# Each request is due no later than it is sent: corrected >= uncorrected, percentile by percentile.
for key in ("p50", "p90", "p99", "max"):
    assert open_model["corrected_latency_ms"][key] >= run["latency_ms"][key] - 0.01, (key, open_model, run)
# limit: the last request is due at 199/500 s, then takes 5 ms.
assert abs(run["limit_seconds"] - (199 / 500 + 0.005)) < 1e-9, run["limit_seconds"]
PY
echo "ok: crawl --rate --latency --json"

# With --duration, the requests due before it is over are made: 1 s at 100/s is 100.
"$overlap" crawl --duration 1s --rate 100 -c 5 --delay 1 --strategy callback --json "$work/d.json" >"$work/out"
grep -q "^stopped starting requests at --duration; 100 started$" "$work/out" || fail "duration: $(cat "$work/out")"
echo "ok: --duration with --rate makes duration x rate requests"

# The hockey stick: capacity 4 x 20 ms = 200 answers/s; 400/s offered is past it.
"$overlap" sweep --rate 100,400 --delay 20ms -c 4 --capacity 4 --point-time 0.5s --json "$work/s.json" \
  >"$work/out" 2>/dev/null
grep -q "^capacity: 200.0 answers/s" "$work/out" || fail "capacity line: $(cat "$work/out")"
grep -q "(above capacity)$" "$work/out" || fail "the 400 row is marked: $(cat "$work/out")"
python3 - "$work/s.json" <<'PY' || fail "sweep json"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "sweep" and doc["capacity_rps"] == 200 and doc["points"] == [], doc
calm, over = doc["rate_points"]
assert calm["rate"] == 100 and calm["n"] == 50 and over["rate"] == 400 and over["n"] == 200, doc
assert calm["corrected_latency_ms"]["p99"] < 100, calm
assert over["corrected_latency_ms"]["p99"] > 3 * over["latency_ms"]["p99"], over
PY
"$overlap" report "$work/s.json" -o "$work/s.html" >/dev/null || fail "report of a rate sweep"
echo "ok: sweep --rate"

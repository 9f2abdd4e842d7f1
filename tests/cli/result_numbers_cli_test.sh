#!/usr/bin/env bash
# Honest numbers (issue 12): what crawl and sweep print and write when a figure does not
# exist (no successful request, an unknown delay), for the serial strategy, for a delay
# that contradicts the URL, and for a sweep cut short or given concurrencies above n.
set -euo pipefail
overlap=$1
source "$(dirname "$0")/common.sh"

# A port that refuses every connection: bound, then closed.
refused_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
status=0
"$overlap" crawl --url "http://127.0.0.1:$refused_port/add?delay=100&" -n 20 -c 5 --retries 0 \
  --json "$work/refused.json" >"$work/out" 2>/dev/null || status=$?
[ "$status" -eq 1 ] || fail "a crawl whose every request failed exited $status"
grep -q "efficiency n/a, n/a req/s" "$work/out" || fail "no efficiency, no rate: $(cat "$work/out")"
python3 - "$work/refused.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["succeeded"] == 0 and run["efficiency"] is None and run["requests_per_second"] is None, run
assert abs(run["limit_seconds"] - 0.4) < 1e-9, run
PY
echo "ok: a run with no successful request has no efficiency and no req/s"

start_server
url=$base

"$overlap" crawl --url "$url/add?name=nodelay&" -n 10 -c 5 --json "$work/nodelay.json" >"$work/out"
grep -q "^coroutine: n=10 c=5 delay=unknown: .* limit n/a, efficiency n/a, " "$work/out" ||
  fail "an unknown delay shows no limit: $(cat "$work/out")"
grep -q "^limit unknown: .*give --delay if the target has one)$" "$work/out" || fail "says how to give the delay"
python3 - "$work/nodelay.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["delay_ms"] is None and run["limit_seconds"] is None and run["efficiency"] is None, run
assert run["requests_per_second"] > 0, run
PY
echo "ok: an unknown delay gives no limit"

status=0
"$overlap" crawl --url "$url/add?name=x&delay=10&" --delay 500 -n 5 >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 2 ] || fail "--delay against the URL's delay= exited $status"
[ "$(wc -l <"$work/err")" -eq 1 ] || fail "more than one line: $(cat "$work/err")"
grep -q "delay=10" "$work/err" || fail "names the URL's delay: $(cat "$work/err")"
echo "ok: a --delay that disagrees with the URL is refused"

"$overlap" crawl --strategy serial -n 5 -c 100 --delay 2 --json "$work/serial.json" >"$work/out"
grep -q "^serial: n=5 c=1 delay=2 ms: .* limit 0.010 s," "$work/out" || fail "serial is c=1: $(cat "$work/out")"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["runs"][0]; assert r["concurrency"]==1 and r["limit_seconds"]==0.01, r' \
  "$work/serial.json"
echo "ok: serial is concurrency 1 and its limit is n x delay"

"$overlap" sweep --url "$url/add?name=sw" --delays 1,2 -n 4 --concurrency 1,4,10 --max-seconds 1 \
  --json "$work/s.json" >"$work/out" 2>/dev/null
grep -q "^skipping concurrencies above n = 4 (they crawl as c = n does): 10$" "$work/out" ||
  fail "says which concurrencies it skips: $(cat "$work/out")"
python3 - "$work/s.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["skipped_concurrencies"] == [10], doc
assert all(p["concurrency"] <= 4 for p in doc["points"]), doc["points"]
assert doc["partial"] == (len(doc["points"]) < 4), doc
PY
echo "ok: a sweep skips concurrencies above n"

# A sweep cut short: 600 ms points under --max-seconds 1 stop after the second.
"$overlap" sweep --url "$url/add?name=cut" --delays 600 -n 2 --concurrency 1,2 --max-seconds 1 \
  --json "$work/cut.json" >"$work/out" 2>/dev/null
grep -q "^best concurrency for 600 ms among the points run: 1 " "$work/out" || fail "best among: $(cat "$work/out")"
grep -q "^partial sweep: stopped after 1 of 2 points" "$work/out" || fail "marked partial: $(cat "$work/out")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["partial"] is True and len(d["points"])==1, d' \
  "$work/cut.json"
echo "ok: a sweep cut short is partial and its best is among the points run"

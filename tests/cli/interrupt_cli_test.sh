#!/usr/bin/env bash
# Ctrl-C keeps what ran: the first SIGINT stops starting new work, lets what is in
# flight finish, prints the summary and writes the result file, both marked
# interrupted (exit 130); a second SIGINT exits at once. For crawl, sweep, workload.
set -euo pipefail
overlap=$1
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Waits (at most 30 s) until `grep -q PATTERN FILE` matches.
wait_for() {
  for _ in $(seq 300); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
  fail "never saw '$1' in $2: $(cat "$2")"
}
# Waits (at most 30 s) for process $1 to end; its status in $status.
wait_exit() {
  for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$1" 2>/dev/null && fail "still running 30 s after SIGINT"
  status=0
  wait "$1" || status=$?
}

"$overlap" serve --port 0 >"$work/serve.out" 2>&1 &
pids+=($!)
wait_for "^listening on " "$work/serve.out"
url=$(sed -n 's/^listening on //p' "$work/serve.out")
wait_in_flight() {
  for _ in $(seq 300); do
    # The /metrics request itself is one in flight.
    [ "$(curl -s "$url/metrics" | awk '/^overlap_requests_in_flight / {print $2}')" -gt 1 ] && return 0
    sleep 0.1
  done
  fail "no request ever in flight"
}

# crawl: 2000 requests of 200 ms, 10 at a time (40 s), interrupted once under way.
"$overlap" crawl --url "$url/add?name=int&delay=200&" -n 2000 -c 10 --json "$work/crawl.json" \
  >"$work/crawl.out" 2>"$work/crawl.err" &
pid=$!
pids+=("$pid")
wait_in_flight
kill -INT "$pid"
wait_exit "$pid"
[ "$status" -eq 130 ] || fail "an interrupted crawl exited $status: $(cat "$work/crawl.err")"
grep -q "^Result: [0-9]*, Time: [0-9.]* (interrupted)$" "$work/crawl.out" || fail "summary: $(cat "$work/crawl.out")"
python3 - "$work/crawl.json" <<'PY' || fail "crawl result file"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["interrupted"] is True, doc
run = doc["runs"][0]
assert 10 <= run["n"] < 2000 and run["succeeded"] == run["n"] and run["failed"] == 0, run
PY
echo "ok: crawl: $(head -n 1 "$work/crawl.out")"

# sweep: one quick point, then one of 10 s, interrupted during the second.
"$overlap" sweep --url "$url/add?name=sweep" --delays 200 -n 50 --concurrency 50,1 --json "$work/sweep.json" \
  >"$work/sweep.out" 2>"$work/sweep.err" &
pid=$!
pids+=("$pid")
wait_for "concurrency *50:" "$work/sweep.err"
wait_in_flight
kill -INT "$pid"
wait_exit "$pid"
[ "$status" -eq 130 ] || fail "an interrupted sweep exited $status: $(cat "$work/sweep.err")"
grep -q "^partial sweep: stopped after 1 of 2 points, interrupted" "$work/sweep.out" || fail "sweep summary: $(cat "$work/sweep.out")"
python3 - "$work/sweep.json" <<'PY' || fail "sweep result file"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["interrupted"] is True, doc
assert [p["concurrency"] for p in doc["points"]] == [50], doc["points"]
PY
echo "ok: sweep: $(grep "stopped after" "$work/sweep.out")"

# workload: 1000 serial saves of 100 ms (100 s), interrupted once under way.
"$overlap" workload --mode serial -n 1000 --difficulty 4 --sink "$url/add" --json "$work/workload.json" \
  >"$work/workload.out" 2>"$work/workload.err" &
pid=$!
pids+=("$pid")
wait_in_flight
kill -INT "$pid"
wait_exit "$pid"
[ "$status" -eq 130 ] || fail "an interrupted workload exited $status: $(cat "$work/workload.err")"
grep -q "^serial.*(interrupted)$" "$work/workload.out" || fail "workload summary: $(cat "$work/workload.out")"
python3 - "$work/workload.json" <<'PY' || fail "workload result file"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["interrupted"] is True, doc
run = doc["runs"][0]
assert 1 <= run["n"] < 1000 and run["saved"] == run["n"], run
PY
echo "ok: workload: $(grep "^serial" "$work/workload.out")"

# A second SIGINT does not wait for requests in flight (5 s each): no file is written.
"$overlap" crawl --url "$url/add?name=twice&delay=5000&" -n 100 -c 5 --json "$work/twice.json" \
  >/dev/null 2>"$work/twice.err" &
pid=$!
pids+=("$pid")
wait_in_flight
kill -INT "$pid"
wait_for "interrupted" "$work/twice.err"
kill -INT "$pid"
wait_exit "$pid"
[ "$status" -eq 130 ] || fail "a second SIGINT exited $status"
[ ! -e "$work/twice.json" ] || fail "a second SIGINT still waited for the requests in flight"
echo "ok: a second SIGINT exits at once"

#!/usr/bin/env bash
# `overlap crawl` as a user runs it: help, usage errors, the embedded server, the
# output files, and the exit status when requests fail.
set -euo pipefail
overlap=$1
source "$(dirname "$0")/common.sh"

"$overlap" crawl --help >"$work/help" || fail "crawl --help"
grep -q -- "--strategy" "$work/help" || fail "help lists --strategy"
grep -q "coroutine" "$work/help" || fail "help names the strategies"

expect_usage_error() {
  local status=0
  "$overlap" crawl "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'crawl $*' exited $status, not 2: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'crawl $*' printed more than one line: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "'crawl $*' printed on stdout: $(cat "$work/out")"
}
expect_usage_error --url "ftp://127.0.0.1/x"
expect_usage_error --url "not a url"
expect_usage_error --strategy gevent
expect_usage_error -n 0
expect_usage_error -c notanumber
expect_usage_error --timeout 0
expect_usage_error --timeline "$work/timeline.txt"
expect_usage_error --bogus
grep -q "only http:// and https://" <("$overlap" crawl --url ftp://127.0.0.1/ 2>&1 || true) || fail "a bad scheme's error names the reason"
echo "ok: usage errors exit 2 with one line"

# The embedded server, one strategy: the book's output line, then the summary.
"$overlap" crawl -n 50 -c 10 --delay 5 --strategy coroutine --json "$work/r.json" \
  --timeline "$work/t.csv" >"$work/out"
grep -q "^Result: 50, Time: [0-9.]*$" "$work/out" || fail "Result line: $(cat "$work/out")"
grep -q "^coroutine: n=50 c=10 delay=5 ms: .* errors 0$" "$work/out" || fail "summary line: $(cat "$work/out")"
[ "$(wc -l <"$work/t.csv")" -eq 51 ] || fail "timeline.csv has a header and 50 lines"
head -n 1 "$work/t.csv" | grep -q "^label,index,category,start,end,status,bytes$" || fail "timeline csv header"
python3 - "$work/r.json" <<'PY' || fail "result json"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "crawl" and doc["kind"] == "result", doc
run = doc["runs"][0]
for key in ("strategy", "n", "concurrency", "delay_ms", "result", "seconds", "limit_seconds",
            "efficiency", "errors", "latency_ms"):
    assert key in run, key
assert run["result"] == 50 and run["n"] == 50 and run["limit_seconds"] == 0.025, run
assert set(run["latency_ms"]) == {"p50", "p90", "p99", "p99_9", "p99_99", "max"}, run["latency_ms"]
assert run["latency_histogram"]["count"] == 50 and "open_model" not in run, run
PY
echo "ok: $(head -n 1 "$work/out")"

# Every strategy, with the book's table; the trace timeline.
"$overlap" crawl --strategy all -n 120 -c 20 --delay 2 --timeline "$work/t.trace" --timeline-format trace \
  >"$work/all"
[ "$(grep -c '^Result: 120, Time: ' "$work/all")" -eq 5 ] || fail "five Result lines: $(cat "$work/all")"
grep -q "^| serial\* " "$work/all" || fail "the serial row is marked extrapolated"
grep -q "^| coroutine " "$work/all" || fail "the table has a coroutine row"
python3 - "$work/t.trace" <<'PY' || fail "trace timeline"
import json, sys
events = json.load(open(sys.argv[1]))["traceEvents"]
requests = [e for e in events if e["ph"] == "X"]
assert len(requests) == 100 + 4 * 120, len(requests)  # serial ran on 100 requests
assert max(e["tid"] for e in requests) < 20, "lanes never exceed the concurrency"
PY
echo "ok: --strategy all prints the table"

# --no-keepalive and --url against a server of our own.
start_server --metrics-file "$work/m.json"
url=$base
"$overlap" crawl --url "$url/add?name=cli&delay=3&" -n 40 -c 8 --no-keepalive --strategy curl >"$work/out"
grep -q "^curl: n=40 c=8 delay=3 ms: .* 40 connections, errors 0$" "$work/out" ||
  fail "--no-keepalive opens 40 connections, delay from the URL: $(cat "$work/out")"
stop_server
echo "ok: --url, delay taken from the URL, --no-keepalive"

# Requests that finally fail: exit 1, a summary by kind on stderr, still the Result line.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
status=0
"$overlap" crawl --url "http://127.0.0.1:$port/" -n 3 -c 3 --retries 1 >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "failed requests exit $status, not 1"
grep -q "^Result: 0, Time: " "$work/out" || fail "Result line even when all fail"
grep -q "3 of 3 requests failed.*refused 6" "$work/err" || fail "failure summary: $(cat "$work/err")"
echo "ok: $(cat "$work/err")"

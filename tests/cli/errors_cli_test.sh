#!/usr/bin/env bash
# Mistakes a newcomer makes, and the one line each gets: the nearest command or option,
# a type error called one, durations with units, a port in use named with the way
# out, the same exit status for the same mistake, and failures with their status codes.
set -euo pipefail
overlap=$1
source "$(dirname "$0")/common.sh"

# `expect_error STATUS PATTERN ARGS...`: exits STATUS with one line matching PATTERN.
expect_error() {
  local want=$1 pattern=$2 status=0
  shift 2
  timeout 20 "$overlap" "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq "$want" ] || fail "'$*' exited $status, not $want: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$*' printed more than one line: $(cat "$work/err")"
  grep -qE -- "$pattern" "$work/err" || fail "'$*' said: $(cat "$work/err")"
  echo "ok: overlap $*: $(cat "$work/err")"
}
expect_error 2 "unknown command 'crwal'; did you mean crawl\?" crwal
expect_error 2 "unknown command 'wrokload'; did you mean workload\?" wrokload -n 3
expect_error 2 "unknown option --strategi; did you mean --strategy\?" crawl --strategi all
expect_error 2 "unknown option --dificulty; did you mean --difficulty\?" workload --dificulty 8
expect_error 2 "'abc' is not a whole number" crawl -n abc
expect_error 2 "'abc' is not a whole number" sweep -n abc
expect_error 2 "--delay: '1.5' is not a duration" crawl --delay 1.5
expect_error 2 "--timeout: '2x' is not a duration" crawl --timeout 2x
expect_error 2 "--timeout: '0' is out of range: from 1ms" crawl --timeout 0
expect_error 2 "--port: '99999' is out of range \(0 to 65535\)" serve --port 99999
expect_error 2 "--sink: .*http://" workload --sink ftp://x -n 1 --difficulty 4
expect_error 2 "--calibrate .* ignores --mode, -n" workload --calibrate --mode serial -n 5

# Durations take units; -c/--concurrency is spelt alike everywhere.
"$overlap" crawl -n 4 --concurrency 2 --delay 5ms --timeout 2s >"$work/out" ||
  fail "--delay 5ms --timeout 2s: $(cat "$work/out")"
grep -q "^coroutine: n=4 c=2 delay=5 ms" "$work/out" || fail "durations with units: $(cat "$work/out")"
"$overlap" workload --mode async -n 2 --difficulty 4 -c 2 --post-delay 0.01s >/dev/null || fail "workload -c"
"$overlap" sweep --delays 1 -n 2 -c 1,2 --max-time 1m >/dev/null 2>&1 || fail "sweep -c and --max-time 1m"
echo "ok: durations with units; -c/--concurrency everywhere"

# A port in use: named, with --port 0 suggested, and no source location.
start_server
url=$base
port=${url##*:}
expect_error 1 "cannot listen on 127.0.0.1:$port: the port is in use.*--port 0" serve --port "$port"
grep -q "\.hpp" "$work/err" && fail "a source location was printed: $(cat "$work/err")"

# A --url without the trailing '&': the letters land in delay=, the server answers
# 400; the failure names the status and says why.
status=0
"$overlap" crawl --url "$url/add?name=x&delay=10" -n 6 -c 3 --retries 0 >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "400s exited $status"
grep -q "errors 6 (status 6), retries 0, failed 6 (HTTP 400 x6)" "$work/out" || fail "statuses: $(cat "$work/out")"
grep -q "hint: .*end --url with '&'" "$work/err" || fail "no hint: $(cat "$work/err")"
echo "ok: $(tail -n 1 "$work/err")"

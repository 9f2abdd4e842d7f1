#!/usr/bin/env bash
# `overlap serve` as a user runs it: help, bad options, start, a request, SIGINT.
set -euo pipefail
overlap=$1
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$overlap" --help >/dev/null || fail "--help"
"$overlap" serve --help | grep -q -- "--capacity" || fail "serve --help lists --capacity"

expect_usage_error() {
  local status=0
  "$overlap" "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$*' exited $status, not 2"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$*' printed more than one line: $(cat "$work/err")"
}
expect_usage_error serve --port notaport
expect_usage_error serve --threads 0
expect_usage_error serve --bogus
expect_usage_error nosuchcommand
expect_usage_error serve --count
expect_usage_error serve --capacity -1
expect_usage_error serve --port 0 --metrics-file ""
expect_usage_error serve --port 0 --metrics-file "$work/missing/metric_data.json"
grep -q "No such file or directory" "$work/err" || fail "missing metrics folder said: $(cat "$work/err")"
expect_usage_error serve --port 0 --store "$work/missing/results.db"
: >"$work/empty.db"
echo "not a database" >"$work/text.db"
expect_usage_error serve --store "$work/empty.db" --count
expect_usage_error serve --store "$work/text.db" --count
[ ! -s "$work/empty.db" ] || fail "--count turned an empty file into a store"
[ "$(cat "$work/text.db")" = "not a database" ] || fail "--count changed a file that is not a store"
echo "ok: usage errors exit 2 with one line"

# Starts `overlap serve --port 0 ARGS...` in the background; sets server_pid and url.
start_server() {
  "$overlap" serve --port 0 "$@" >"$work/bg.out" 2>"$work/bg.err" &
  server_pid=$!
  for _ in $(seq 100); do
    grep -q "^listening on " "$work/bg.out" 2>/dev/null && break
    sleep 0.05
  done
  url=$(head -n 1 "$work/bg.out" | sed -n 's/^listening on //p')
  [ -n "$url" ] || fail "'serve $*' did not start: $(cat "$work/bg.err")"
}

# Waits up to $1 tenths of a second for the server to exit; its status in $status.
wait_exit() {
  for _ in $(seq "$1"); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$server_pid" 2>/dev/null && fail "the server did not exit in time"
  status=0
  wait "$server_pid" || status=$?
  server_pid=""
}

start_server --host localhost
[[ "$url" =~ ^http://localhost:[0-9]+$ ]] || fail "--host localhost: '$url'"
[ "$(curl -s "$url/add?name=l&delay=0")" = "." ] || fail "--host localhost does not answer"
echo "ok: --host localhost is resolved"

# A second SIGTERM cuts the drain short: a 20 s request is dropped at once.
kill -TERM "$server_pid"
wait_exit 50
start_server --drain-timeout-ms 30000
curl -s -m 30 "$url/add?name=long&delay=20000" >/dev/null 2>&1 &
curl_pid=$!
sleep 0.3
kill -TERM "$server_pid"
sleep 0.2
kill -TERM "$server_pid"
wait_exit 50
kill "$curl_pid" 2>/dev/null || true
grep -q "stopping at once" "$work/bg.err" || fail "second SIGTERM said: $(cat "$work/bg.err")"
echo "ok: a second SIGTERM stops at once (status $status)"

# SIGHUP stops like SIGTERM, writing the metrics file.
start_server --metrics-file "$work/hup.json"
curl -s "$url/add?name=hup&delay=0" >/dev/null
kill -HUP "$server_pid"
wait_exit 50
[ "$status" -eq 0 ] || fail "SIGHUP exit status $status"
grep -q '"hup": \[{"start": ' "$work/hup.json" || fail "SIGHUP did not write the metrics file"
echo "ok: SIGHUP stops with status 0 and writes the metrics file"

"$overlap" serve --port 0 --metrics-file "$work/metrics.json" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "^listening on " "$work/serve.out" 2>/dev/null && break
  sleep 0.05
done
url=$(head -n 1 "$work/serve.out" | sed -n 's/^listening on //p')
[[ "$url" =~ ^http://127\.0\.0\.1:[0-9]+$ ]] || fail "first line was '$(head -n 1 "$work/serve.out")'"
echo "ok: $(head -n 1 "$work/serve.out")"

[ "$(curl -s "$url/add?name=cli&delay=10")" = "." ] || fail "GET /add did not answer ."
status=$(curl -s -o /dev/null -w '%{http_code}' "$url/add?name=cli&delay=x")
[ "$status" = 400 ] || fail "bad delay gave $status"

port=${url##*:}
status=0
"$overlap" serve --port "$port" >/dev/null 2>"$work/second.err" || status=$?
[ "$status" -ne 0 ] || fail "a second server on a taken port exited 0"
grep -q "cannot listen" "$work/second.err" || fail "port in use said: $(cat "$work/second.err")"
echo "ok: port in use: $(cat "$work/second.err")"

store="$work/results.db"
body=$(curl -s -X POST -H 'Idempotency-Key: k' -d 'r' "$url/add")
[ "$body" = '{"result": "r", "t": 0.5}' ] || fail "POST /add without a store said '$body'"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/results/count")" = 404 ] || fail "count without a store"

kill -INT "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
[ "$status" -eq 0 ] || fail "SIGINT exit status $status"
grep -q '"cli": \[{"start": ' "$work/metrics.json" || fail "metrics file not written on exit"
echo "ok: SIGINT stops with status 0 and writes the metrics file"

"$overlap" serve --port 0 --post-delay 0 --store "$store" >"$work/store.out" 2>"$work/store.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "^listening on " "$work/store.out" 2>/dev/null && break
  sleep 0.05
done
url=$(head -n 1 "$work/store.out" | sed -n 's/^listening on //p')
curl -s -X POST -H 'Idempotency-Key: a' -d 'one' "$url/add" >/dev/null
curl -s -X POST -H 'Idempotency-Key: a' -d 'one again' "$url/add" >/dev/null
curl -s -X POST -H 'Idempotency-Key: b' -d 'two' "$url/add" >/dev/null
[ "$(curl -s "$url/results/count")" = '{"count": 2}' ] || fail "GET /results/count: $(curl -s "$url/results/count")"
kill -INT "$server_pid"
wait "$server_pid" || fail "the store server did not stop cleanly"
server_pid=""
[ "$("$overlap" serve --store "$store" --count)" = 2 ] || fail "serve --store --count"
echo "ok: --store keeps results once per key; --count says 2"

#!/usr/bin/env bash
# HTTPS end to end as a user runs it: `overlap serve --tls-cert/--tls-key` on port 0 and
# every crawl strategy against it (exact Result, verification, --cacert, --insecure,
# session resumption), the workload saving over https, and the bad inputs.
set -euo pipefail
overlap=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true # it writes its metrics file as it exits
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

bash "$here/../support/make_test_cert.sh" "$work/tls" >/dev/null
cert="$work/tls/cert.pem"
key="$work/tls/key.pem"

expect_usage_error() {
  local status=0
  timeout 20 "$overlap" "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$*' exited $status, not 2: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$*' printed more than one line: $(cat "$work/err")"
}
echo "not a certificate" >"$work/junk.pem"
expect_usage_error serve --port 0 --tls-cert "$cert"
expect_usage_error serve --port 0 --tls-cert "$work/missing.pem" --tls-key "$key"
grep -q "No such file or directory" "$work/err" || fail "missing cert said: $(cat "$work/err")"
expect_usage_error serve --port 0 --tls-cert "$work/junk.pem" --tls-key "$key"
expect_usage_error serve --port 0 --tls-cert "$cert" --tls-key "$work/junk.pem"
expect_usage_error crawl --url "https://127.0.0.1:1/add?delay=0&" --cacert "$work/missing.pem"
expect_usage_error crawl --url "https://127.0.0.1:1/add?delay=0&" --cacert "$work/junk.pem"
expect_usage_error sweep --url "https://127.0.0.1:1/add" --cacert "$work/missing.pem"
expect_usage_error workload -n 1 --sink "https://127.0.0.1:1/add" --cacert "$work/missing.pem"
echo "ok: bad certificates, keys and CA files exit 2 with one line"

"$overlap" serve --port 0 --tls-cert "$cert" --tls-key "$key" --store "$work/results.db" \
  --metrics-file "$work/metric_data.json" >"$work/bg.out" 2>"$work/bg.err" &
server_pid=$!
for _ in $(seq 100); do
  grep -q "^listening on " "$work/bg.out" 2>/dev/null && break
  sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/bg.out")
case "$url" in https://127.0.0.1:*) ;; *) fail "serve --tls-cert said '$url': $(cat "$work/bg.err")" ;; esac
port=${url##*:}

# The Table 8-1 case, shrunk: every strategy's exact Result over HTTPS.
for strategy in serial callback stackful curl coroutine; do
  n=200
  [ "$strategy" = serial ] && n=20
  timeout 60 "$overlap" crawl --url "$url/add?name=$strategy&delay=100&" -n $n -c 50 --strategy $strategy \
    --cacert "$cert" --json "$work/$strategy.json" >"$work/out" 2>"$work/err" ||
    fail "$strategy over https: $(cat "$work/out" "$work/err")"
  grep -q "^Result: $n, " "$work/out" || fail "$strategy: $(cat "$work/out")"
  grep -q "^TLS: [0-9]* handshakes" "$work/out" || fail "$strategy printed no TLS line: $(cat "$work/out")"
  python3 - "$work/$strategy.json" "$n" <<'PY' || fail "$strategy: the result file's tls field"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["result"] == int(sys.argv[2]), run
assert run["tls"]["handshakes"] >= 1 and run["tls"]["failed"] == 0, run["tls"]
PY
done
echo "ok: Table 8-1 shrunk over https: exact Result in every strategy"

# The default verification refuses the self-signed certificate, as a tls failure.
for strategy in serial callback stackful curl coroutine; do
  status=0
  timeout 30 "$overlap" crawl --url "$url/add?name=v&delay=0&" -n 4 -c 2 --retries 0 --strategy $strategy \
    >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 1 ] || fail "$strategy verified a self-signed certificate (exit $status): $(cat "$work/out")"
  grep -q "errors 4 (tls 4)" "$work/out" || fail "$strategy: not counted as tls: $(cat "$work/out")"
  grep -q "certificate verify failed" "$work/err" || fail "$strategy: no OpenSSL reason: $(cat "$work/err")"
  timeout 30 "$overlap" crawl --url "$url/add?name=k&delay=0&" -n 4 -c 2 --strategy $strategy --insecure \
    >"$work/out" 2>"$work/err" || fail "$strategy --insecure: $(cat "$work/out" "$work/err")"
  grep -q "^Result: 4, " "$work/out" || fail "$strategy --insecure: $(cat "$work/out")"
  # A host name the certificate names, checked and sent as SNI.
  timeout 30 "$overlap" crawl --url "https://localhost:$port/add?name=h&delay=0&" -n 4 -c 2 --strategy $strategy \
    --cacert "$cert" >"$work/out" 2>"$work/err" || fail "$strategy to localhost: $(cat "$work/out" "$work/err")"
done
echo "ok: the default verification refuses a self-signed certificate as tls; --insecure and --cacert accept it"

# Resumption: a new connection per request, each after the first resumes.
for strategy in serial callback stackful curl coroutine; do
  timeout 30 "$overlap" crawl --url "$url/add?name=r&delay=0&" -n 10 -c 1 --no-keepalive --strategy $strategy \
    --cacert "$cert" >"$work/out" 2>"$work/err" || fail "$strategy --no-keepalive: $(cat "$work/out" "$work/err")"
  grep -q "^TLS: 10 handshakes, 9 resumed$" "$work/out" || fail "$strategy resumption: $(cat "$work/out")"
done
echo "ok: with --no-keepalive -c 1 -n 10: 10 handshakes, 9 resumed, in every strategy"

timeout 60 "$overlap" sweep --url "$url/add?name=sweep" --delays 10 -c 1,4 -n 8 --cacert "$cert" \
  --json "$work/sweep.json" >"$work/out" 2>"$work/err" || fail "sweep over https: $(cat "$work/out" "$work/err")"
echo "ok: the sweep runs over https"

curl_metrics=$(curl -sk "$url/metrics")
echo "$curl_metrics" | grep -q '^overlap_tls_handshakes_total{outcome="resumed"} [1-9]' ||
  fail "/metrics counts no resumed handshake: $(echo "$curl_metrics" | grep tls)"
echo "$curl_metrics" | grep -q '^overlap_tls_handshakes_total{outcome="failed"} [1-9]' ||
  fail "/metrics counts no failed handshake"
echo "ok: /metrics counts the handshakes by outcome"

timeout 60 "$overlap" workload --mode async -n 20 -c 5 --difficulty 4 --sink "$url/add" --cacert "$cert" \
  >"$work/out" 2>"$work/err" || fail "workload --sink https: $(cat "$work/out" "$work/err")"
[ "$("$overlap" serve --store "$work/results.db" --count)" = 20 ] || fail "the store does not hold the 20 results"
status=0
timeout 60 "$overlap" workload --mode async -n 2 -c 1 --difficulty 4 --retries 0 --sink "$url/add" \
  >"$work/out" 2>"$work/err" || status=$?
[ "$status" -ne 0 ] || fail "workload --sink https without --cacert saved to a self-signed server"
echo "ok: the workload saves every result over https (and refuses the unverified server)"

#!/usr/bin/env bash
# Smoke checks for the examples (examples/CMakeLists.txt runs them under ctest):
#   output PATTERN PROGRAM [ARGS...]  exits 0; its output, lines joined with ';',
#                                     matches the extended regex PATTERN entirely
#   given-url OVERLAP CRAWLER...      each crawler fetches from `overlap serve`'s URL
#   usage CRAWLER...                  bad arguments: exit 2, one line on stderr
#   url-list OVERLAP LIST_CRAWLER     the URL-list crawler against `overlap serve`
set -euo pipefail
work=$(mktemp -d)
server_pids=()
cleanup() {
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true # it writes its metrics file as it exits
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# `start_server NAME OVERLAP [SERVE_OPTIONS...]`: `overlap serve --port 0` in the
# background, its output in $work/NAME.out; sets `url` to the URL it listens on.
start_server() {
  local name=$1 overlap=$2
  shift 2
  "$overlap" serve --port 0 --metrics-file "$work/$name.json" "$@" >"$work/$name.out" 2>&1 &
  server_pids+=($!)
  for _ in $(seq 100); do
    grep -q "^listening on " "$work/$name.out" && break
    sleep 0.05
  done
  url=$(sed -n 's/^listening on //p' "$work/$name.out")
  [ -n "$url" ] || fail "overlap serve did not start: $(cat "$work/$name.out")"
}

check_output() {
  local pattern=$1
  shift
  local status=0
  "$@" >"$work/out" || status=$?
  [ "$status" -eq 0 ] || fail "$(basename "$1") exited $status: $(cat "$work/out")"
  local joined
  joined=$(paste -sd ';' "$work/out")
  grep -Eqx -- "$pattern" <<<"$joined" || fail "$(basename "$1") printed '$joined', expected '$pattern'"
  echo "ok: $joined"
}

check_given_url() {
  local overlap=$1
  shift
  local url
  start_server serve "$overlap"
  for crawler in "$@"; do
    check_output "Result: 10, Time: [0-9.]+" "$crawler" 10 "$url/add?name=given&delay=5&"
  done
  # Every request reached the given server, under the given name.
  curl -s "$url/add?flush=True" >"$work/records.json"
  python3 - "$work/records.json" "$((10 * $#))" <<'PY' || fail "records: $(cat "$work/records.json")"
import json, sys
records = json.load(open(sys.argv[1]))
assert len(records.get("given", [])) == int(sys.argv[2]), {k: len(v) for k, v in records.items()}
PY
  echo "ok: the server recorded $((10 * $#)) requests named 'given'"
}

check_url_list() {
  local overlap=$1 crawler=$2
  local url
  start_server serve "$overlap"
  printf '# two of the delay server'"'"'s URLs and a missing page\n%s\n%s\n%s\n' \
    "$url/add?name=a&delay=1&" "$url/add?name=b&delay=1&" "$url/missing" >"$work/urls.txt"
  local status=0
  "$crawler" "$work/urls.txt" 2 >"$work/out" || status=$?
  [ "$status" -eq 1 ] || fail "a 404 in the list: exit $status, not 1"
  grep -Eqx -- "3 requests in [0-9.]+ s: 2 succeeded, 1 failed, 2 body bytes;  HTTP 200: 2;  HTTP 404: 1" \
    <<<"$(paste -sd ';' "$work/out")" || fail "url list output: $(cat "$work/out")"
  status=0
  "$crawler" "$work/nonexistent.txt" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] || fail "missing list: exit $status, $(cat "$work/err")"
  echo "ok: the URL-list crawler counts answers by status"

  # The same list with an HTTPS delay server beside the plain one, trusted by its CA file.
  bash "$(dirname "$0")/../tests/support/make_test_cert.sh" "$work/tls" >/dev/null
  local plain_url=$url tls_url
  start_server serve_tls "$overlap" --tls-cert "$work/tls/cert.pem" --tls-key "$work/tls/key.pem"
  tls_url=$url
  url=$plain_url
  case "$tls_url" in https://*) ;; *) fail "serve --tls-cert said '$tls_url'" ;; esac
  printf '%s\n%s\n%s\n' "$tls_url/add?name=s&delay=1&" "$url/add?name=p&delay=1&" "$tls_url/add?name=t&delay=1&" \
    >"$work/mixed.txt"
  status=0
  "$crawler" "$work/mixed.txt" 2 "$work/tls/cert.pem" >"$work/out" || status=$?
  [ "$status" -eq 0 ] || fail "https and http in one list: exit $status: $(cat "$work/out")"
  grep -q "^3 requests in .*: 3 succeeded, 0 failed, 3 body bytes" "$work/out" || fail "mixed list: $(cat "$work/out")"
  grep -Eq "^  TLS: [12] handshakes" "$work/out" || fail "mixed list, no TLS line: $(cat "$work/out")"
  echo "ok: the URL-list crawler fetches https:// and http:// in one list"
}

check_usage() {
  for crawler in "$@"; do
    for args in "abc" "0" "-3" "5 https://127.0.0.1/" "5 http://127.0.0.1:99999/" "1 http://127.0.0.1/ extra"; do
      local status=0
      # shellcheck disable=SC2086 # the arguments are split on purpose
      "$crawler" $args >"$work/out" 2>"$work/err" || status=$?
      [ "$status" -eq 2 ] || fail "$(basename "$crawler") $args exited $status, not 2"
      [ "$(wc -l <"$work/err")" -eq 1 ] || fail "$(basename "$crawler") $args: stderr '$(cat "$work/err")'"
      [ ! -s "$work/out" ] || fail "$(basename "$crawler") $args printed on stdout"
    done
  done
  echo "ok: $# crawlers reject bad arguments with exit 2 and one line"
}

mode=$1
shift
case $mode in
  output) check_output "$@" ;;
  given-url) check_given_url "$@" ;;
  usage) check_usage "$@" ;;
  url-list) check_url_list "$@" ;;
  *) fail "unknown mode $mode" ;;
esac

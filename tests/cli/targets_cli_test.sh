#!/usr/bin/env bash
# `overlap crawl` against any plain-HTTP service: bad inputs exit 2 with one line,
# --duration stops starting requests, a URL list's answers by status in the summary
# and the JSON result.
set -euo pipefail
overlap="$1"
source "$(dirname "$0")/common.sh"

expect_usage_error() {
  local expected="$1"
  shift
  local status=0
  "$overlap" crawl "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'crawl $*' exited $status, not 2: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'crawl $*' printed more than one line: $(cat "$work/err")"
  [ ! -s "$work/out" ] || fail "'crawl $*' printed on stdout: $(cat "$work/out")"
  grep -q -- "$expected" "$work/err" || fail "'crawl $*' does not say '$expected': $(cat "$work/err")"
}

: >"$work/empty.txt"
printf '# comment\nhttp://127.0.0.1:1/a\nnot-a-url\n' >"$work/bad.txt"
printf 'POST http://127.0.0.1:1/a @nope.json\n' >"$work/nobody.txt"
expect_usage_error "cannot read URL list" --urls "$work/missing.txt"
expect_usage_error "no URL in the list" --urls "$work/empty.txt"
expect_usage_error "bad.txt:3: expected \[METHOD\] URL" --urls "$work/bad.txt"
expect_usage_error "nobody.txt:1: cannot read body file" --urls "$work/nobody.txt"
expect_usage_error "not gopher://" --url "gopher://127.0.0.1/"
expect_usage_error "cannot read the CA file" --url "https://127.0.0.1:1/" --cacert "$work/missing.pem"
expect_usage_error "has no colon" --url "http://127.0.0.1:1/" -H "NoColon"
expect_usage_error "excludes" --url "http://127.0.0.1:1/" --body x --body-file "$work/empty.txt"
expect_usage_error "excludes" --url "http://127.0.0.1:1/" --urls "$work/bad.txt"
expect_usage_error "not a list of HTTP statuses" --url "http://127.0.0.1:1/" --ok-status 2xx
expect_usage_error "ends before it starts" --url "http://127.0.0.1:1/" --ok-status 399-200
expect_usage_error "not a duration" --url "http://127.0.0.1:1/" --duration soon
expect_usage_error "out of range" --url "http://127.0.0.1:1/" --duration 0
expect_usage_error "not an HTTP method" --url "http://127.0.0.1:1/" -m "GE T"
expect_usage_error "cannot resolve host 'no-such-host.invalid'" --url "http://no-such-host.invalid/"
echo "ok: bad inputs exit 2 with one line"

# --duration with no -n: requests start until it is over, then what finished is reported.
"$overlap" crawl --delay 20 -c 4 --duration 500ms --strategy coroutine >"$work/out"
grep -q "^stopped starting requests at --duration; [0-9]* started$" "$work/out" ||
  fail "--duration says it stopped: $(cat "$work/out")"
started=$(sed -n 's/^stopped starting requests at --duration; \([0-9]*\) started$/\1/p' "$work/out")
[ "$started" -ge 8 ] && [ "$started" -le 200 ] || fail "--duration 500ms at 20 ms x 4 started $started"
"$overlap" crawl --delay 20 -c 4 -n 8 --duration 2m --strategy callback >"$work/out"
grep -q "^Result: 8, " "$work/out" || fail "-n ends a run before a long --duration: $(cat "$work/out")"
echo "ok: --duration (500ms: $started requests)"

# A URL list against a delay server: statuses counted, a 404 not retried, JSON has them.
start_server --threads 1 --metrics-file "$work/metrics.json"
url=$base
printf '{"k": 1}' >"$work/body.json"
cat >"$work/urls.txt" <<LIST
# the delay server's route (random letters appended), a POST with a body, a missing page
$url/add?name=list&delay=1&
POST $url/add?name=posted @body.json
$url/nowhere
LIST
status=0
"$overlap" crawl --urls "$work/urls.txt" -n 6 -c 2 --strategy stackful --json "$work/r.json" \
  >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "a 404 is a failure unless --ok-status says: exit $status"
grep -q "^answers by status: 200: 4, 404: 2$" "$work/out" || fail "answers by status: $(cat "$work/out")"
grep -q "^limit unknown" "$work/out" || fail "a URL list has no known delay: $(cat "$work/out")"
python3 - "$work/r.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["statuses"] == {"200": 4, "404": 2}, run
assert run["retries"] == 0, run
assert run["limit_seconds"] is None, run
PY
"$overlap" report "$work/r.json" -o "$work/page.html" >/dev/null || fail "overlap report reads the statuses"
"$overlap" crawl --urls "$work/urls.txt" -n 3 -c 2 --ok-status 200-299,404 -H "X-Test: 1" >"$work/out" ||
  fail "--ok-status 200-299,404 makes the 404 a success"
echo "ok: a URL list, statuses, --ok-status, JSON"

#!/usr/bin/env bash
# `overlap report` as a user runs it: help, usage errors, bad and mismatched inputs (one
# line naming the file and the field, exit 2), and a page written where asked.
# usage: report_cli_test.sh OVERLAP SOURCE_DIR
set -euo pipefail
overlap=$1
fixtures=$2/tests/report/fixtures
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$overlap" report --help | grep -q -- "--output" || fail "report --help lists --output"

# expect_error STATUS PATTERN ARGS...: exits STATUS with one line on stderr matching PATTERN.
expect_error() {
  local want=$1 pattern=$2 status=0
  shift 2
  "$overlap" report "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq "$want" ] || fail "'report $*' exited $status, not $want: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'report $*' printed more than one line: $(cat "$work/err")"
  grep -q -- "$pattern" "$work/err" || fail "'report $*' said '$(cat "$work/err")', expected /$pattern/"
  echo "ok: exit $status: $(cat "$work/err")"
}

cd "$work"
expect_error 2 "inputs is required" -o x.html
expect_error 2 "no/such.json: cannot open" no/such.json
mkdir adir
expect_error 2 "adir: is a directory" adir

printf '{"command": "crawl",\n "kind": }' >broken.json
expect_error 2 "broken.json: not valid JSON (.*line 2, column 10)" broken.json

echo '{"command": "crawler", "kind": "result", "argv": "x"}' >unknown_command.json
expect_error 2 'unknown_command.json: command: unknown command "crawler"' unknown_command.json

echo '{"command": "sweep", "kind": "timeline", "argv": "x"}' >unknown_kind.json
expect_error 2 'unknown_kind.json: kind: unknown kind "timeline" for command sweep' unknown_kind.json

# Mismatched: a workload timeline relabelled as a crawl timeline has cpu spans, not requests.
sed 's/"command": "workload"/"command": "crawl"/' "$fixtures/workload_timeline.json" >mismatched.json
expect_error 2 "mismatched.json: runs\[0\].spans\[0\].category: a crawl timeline has no cpu spans" mismatched.json

sed 's/"seconds": 0.2043/"seconds": "0.2043"/' "$fixtures/crawl_result.json" >mistyped.json
expect_error 2 "mistyped.json: runs\[1\].seconds: expected a number, got a string" mistyped.json

# One bad file among good ones still fails, and names the bad one; nothing is written.
expect_error 2 "mistyped.json" "$fixtures/crawl_result.json" mistyped.json -o partial.html
[ ! -e partial.html ] || fail "a page was written although an input was bad"

# An output that cannot be written is a usage error found before any input is read,
# and leaves no partial file behind (a directory as -o once did both).
expect_error 2 "cannot write 'no/such/dir/r.html'" "$fixtures/crawl_result.json" -o no/such/dir/r.html
mkdir outdir
expect_error 2 "'outdir' is a directory" "$fixtures/crawl_result.json" -o outdir
{ [ -z "$(ls -A outdir)" ] && ! ls -A | grep -q '^\.\|partial'; } || fail "left behind: $(ls -A . outdir)"
rmdir outdir

# The default output is report.html here; the path printed is the file written.
printed=$("$overlap" report "$fixtures"/*.json)
[ "$printed" = "$work/report.html" ] || fail "printed '$printed', not $work/report.html"
[ -s report.html ] || fail "report.html not written"
"$overlap" report "$fixtures/sweep_result.json" -o sub.html >/dev/null
[ -s sub.html ] || fail "-o sub.html not written"
echo "ok: wrote $printed ($(stat -c %s report.html) bytes)"

# Self-contained: no script, style or image comes from anywhere else.
if grep -Eiq '<(script|link|img)[^>]+(src|href)=' report.html; then
  fail "the page refers to an outside file: $(grep -Eio '<(script|link|img)[^>]+(src|href)=[^>]*' report.html | head -n 1)"
fi
# The data holds every request: the hand-written timeline's 12 requests are all inlined.
grep -q '"strategy":"coroutine","n":6,"concurrency":3' report.html || fail "timeline data not inlined"
echo "ok: the page is self-contained"

#!/usr/bin/env bash
# Results are never lost: every output path (--json, --timeline, report -o) is checked
# before any work starts, "-" is standard output, and a file appears whole or not at
# all (no temporary or partial file left behind).
set -euo pipefail
overlap=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Each of these runs would take minutes (the sweep: 10 points of 60 s at least), so a
# bad path that is noticed only after the run cannot pass the 10 s bound.
expect_bad_output() {
  local status=0
  timeout 10 "$overlap" "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$*' exited $status, not 2: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$*' printed more than one line: $(cat "$work/err")"
  grep -q "Result:\|concurrency\|tasks" "$work/out" && fail "'$*' did some work first: $(cat "$work/out")"
  echo "ok: $(cat "$work/err")"
}
long_crawl=(crawl -n 100000 -c 10 --delay 1000)
long_sweep=(sweep --delays 60000 -n 1 --concurrency 1:11:1)
long_workload=(workload --mode serial -n 100000 --post-delay 1000)
expect_bad_output "${long_crawl[@]}" --json /nonexistent/r.json
expect_bad_output "${long_crawl[@]}" --timeline /nonexistent/t.csv
mkdir "$work/results"
expect_bad_output "${long_crawl[@]}" --json "$work/results"
expect_bad_output "${long_sweep[@]}" --json /nonexistent/s.json
expect_bad_output "${long_workload[@]}" --json /nonexistent/w.json
expect_bad_output "${long_workload[@]}" --timeline /nonexistent/t.json
expect_bad_output report "$(dirname "$0")/../report/fixtures/crawl_result.json" -o "$work/results"
expect_bad_output report "$(dirname "$0")/../report/fixtures/crawl_result.json" -o /nonexistent/r.html
grep -q "does not exist" "$work/err" || fail "names the missing directory: $(cat "$work/err")"
[ -z "$(ls -A "$work/results")" ] || fail "files were left behind: $(ls -A "$work/results")"

# "-" is standard output, for the result and the timeline alike; what the command
# prints for people then goes to standard error, so the data can be piped.
"$overlap" crawl -n 5 -c 5 --delay 1 --json - 2>"$work/err" |
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["runs"][0]["n"]==5' ||
  fail "--json - wrote no JSON alone to standard output"
grep -q "^Result: 5" "$work/err" || fail "the summary did not go to standard error: $(cat "$work/err")"
"$overlap" crawl -n 5 -c 5 --delay 1 --timeline - --timeline-format csv 2>/dev/null >"$work/csv"
head -n 1 "$work/csv" | grep -q "^label,index,category,start" || fail "--timeline - wrote no CSV to standard output"
rm "$work/csv"
"$overlap" workload --mode noio -n 2 --difficulty 4 --json - 2>/dev/null |
  python3 -c 'import json,sys; assert json.load(sys.stdin)["command"]=="workload"' || fail "workload --json -"
"$overlap" report "$(dirname "$0")/../report/fixtures/crawl_result.json" -o - >"$work/page"
grep -q "<html" "$work/page" || fail "report -o - wrote no page to standard output"
rm "$work/page"
rm -f "$work/err"
[ ! -e "$work/-" ] && [ ! -e ./- ] || fail "a file named - was written"
echo "ok: - is standard output"

# Written whole: only the named files appear beside them.
"$overlap" crawl -n 5 -c 5 --delay 1 --json "$work/results/r.json" --timeline "$work/results/t.json" >/dev/null
[ "$(ls -A "$work/results" | sort | tr '\n' ' ')" = "r.json t.json " ] ||
  fail "left beside the results: $(ls -A "$work/results")"
echo "ok: no temporary file left"

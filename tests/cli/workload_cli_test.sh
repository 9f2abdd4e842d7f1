#!/usr/bin/env bash
# `overlap workload` as a user runs it: usage errors, every mode with its table and
# files, calibration, and a database that is down.
set -euo pipefail
overlap=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$overlap" workload --help | grep -q -- "--batch-size" || fail "--help lists --batch-size"
for bad in "--mode fast" "--difficulty 3" "--difficulty 8,x" "--difficulty 8,3" "-n 0" "--timeline-format svg" "--bogus"; do
  status=0
  # shellcheck disable=SC2086
  "$overlap" workload $bad >/dev/null 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'workload $bad' exited $status, not 2"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'workload $bad' printed: $(cat "$work/err")"
done
echo "ok: usage errors exit 2 with one line"

"$overlap" workload --mode all -n 8 --difficulty 4 --post-delay 5 --json "$work/w.json" --timeline "$work/t.csv" >"$work/out"
for mode in noio fileio serial batch async threads; do
  grep -q "^$mode " "$work/out" || fail "the table has no $mode row: $(cat "$work/out")"
done
python3 - "$work/w.json" "$work/t.csv" <<'PY'
import csv, json, sys
doc = json.load(open(sys.argv[1]))
assert doc["command"] == "workload" and doc["kind"] == "result", doc
runs = {r["mode"]: r for r in doc["runs"]}
assert set(runs) == {"noio", "fileio", "serial", "batch", "async", "threads"}, runs.keys()
for mode in ("serial", "batch", "async", "threads"):
    assert runs[mode]["saved"] == 8 and runs[mode]["failed"] == 0, runs[mode]
assert abs(runs["noio"]["ratio_to_noio"] - 1.0) < 1e-9
rows = list(csv.DictReader(open(sys.argv[2])))
assert sum(r["category"] == "cpu" for r in rows) == 6 * 8, len(rows)
assert sum(r["category"] == "io" for r in rows) == 5 * 8, len(rows)  # the saving modes and fileio
assert all(float(r["end"]) >= float(r["start"]) for r in rows)
PY
echo "ok: --mode all prints every mode; --json and --timeline csv are complete"

"$overlap" workload --mode all -n 3 --difficulty 8,9 --post-delay 5 --json "$work/d.json" >"$work/out"
grep -qE "^serial +9 " "$work/out" || fail "the table has no serial row at cost 9: $(cat "$work/out")"
python3 - "$work/d.json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["runs"]
modes = ["noio", "fileio", "serial", "batch", "async", "threads"]
got = [(r["mode"], r["difficulty"]) for r in runs]
assert got == [(m, d) for d in (8, 9) for m in modes], got
for r in runs:
    assert r["n"] == 3, r
    if r["mode"] == "noio":
        assert r["ratio_to_noio"] == 1.0, r  # each cost against its own noio run
PY
echo "ok: --difficulty 8,9 runs every mode at both costs into one file"

"$overlap" workload --mode async -n 4 --difficulty 4 --post-delay 5 --timeline "$work/t.json" --timeline-format trace >/dev/null
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert sum(e.get('cat')=='io' for e in d['traceEvents'])==4" "$work/t.json"
echo "ok: --timeline-format trace"

"$overlap" workload --calibrate >"$work/cal"
grep -qE "^ +8 +0\.[0-9]+ +0\.0156" "$work/cal" || fail "calibration: $(cat "$work/cal")"
echo "ok: --calibrate: $(sed -n 2p "$work/cal")"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
status=0
"$overlap" workload --mode serial -n 2 --difficulty 4 --retries 1 --sink "http://127.0.0.1:$port/add" >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "a database that is down exited $status"
grep -q "2 results were not saved" "$work/err" || fail "said: $(cat "$work/err")"
grep -q "refused 4" "$work/out" || fail "the summary does not count the refusals: $(cat "$work/out")"
echo "ok: a database that is down: exit 1, $(cat "$work/err")"

status=0
"$overlap" workload --mode serial -n 2 --difficulty 4 --retries 0 --post-delay 2000 --save-timeout-ms 100 \
  >"$work/out" 2>"$work/err" || status=$?
[ "$status" -eq 1 ] || fail "saves slower than --save-timeout-ms exited $status"
grep -q "timeout 2" "$work/out" || fail "the summary does not count the timeouts: $(cat "$work/out")"
echo "ok: --save-timeout-ms: $(grep -o 'saved.*' "$work/out")"

#!/usr/bin/env bash
# The report as a person sees it: `overlap report` on fixtures (the hand-written ones,
# and generated ones with a 100,000-request timeline), opened in headless Chromium from
# disk with no network. Checks: the page prints nothing to the console, fetches nothing,
# catches no error, and every chart put coloured pixels in its plotting area (the page
# writes that summary into <pre id="status">, read back with --dump-dom). Screenshots
# are written to OUT_DIR for a person to look at.
# usage: report_browser_test.sh OVERLAP SOURCE_DIR OUT_DIR
set -euo pipefail
overlap=$1
source_dir=$2
out_dir=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

browser=$(command -v chromium || true)
[ -n "$browser" ] || fail "chromium is not installed (scripts/deps.sh installs it)"
mkdir -p "$out_dir"

# Headless, isolated, and unable to reach any network: a proxy that refuses everything.
chromium_run() {
  "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" \
    --proxy-server=127.0.0.1:9 --enable-logging=stderr --v=0 --hide-scrollbars \
    --virtual-time-budget=30000 "$@"
}

# check_page NAME HTML EXPECTED_CHARTS: load it (?zoom: every chart is then zoomed into
# the middle of its range and must still draw there), read the status, take a screenshot.
check_page() {
  local name=$1 html=$2 expected=$3
  local started=$SECONDS
  chromium_run --dump-dom "file://$html?zoom" >"$work/$name.dom" 2>"$work/$name.log" || fail "$name: chromium exited $?"
  # The page writes nothing to the console; any console line is a problem to look at.
  if grep -q ":CONSOLE" "$work/$name.log"; then
    grep ":CONSOLE" "$work/$name.log" >&2
    fail "$name: the page wrote to the console"
  fi
  python3 - "$work/$name.dom" "$expected" "$name" <<'PY'
import html, json, re, sys
dom, expected, name = open(sys.argv[1]).read(), int(sys.argv[2]), sys.argv[3]
m = re.search(r'<pre id="status"[^>]*>(.*?)</pre>', dom, re.S)
if not m or not m.group(1).strip():
    sys.exit(f"FAIL: {name}: the page wrote no status (its script did not finish)")
status = json.loads(html.unescape(m.group(1)))
open(sys.argv[1] + ".status", "w").write(json.dumps(status))
for chart in status.get("detail", []):
    zoomed = (status.get("zoomed") or {}).get(chart["name"])
    print(f"   {name}: {chart['name']}: {chart['pixels']} coloured pixels ({zoomed} zoomed in)"
          + (f", {chart['segments']} segments drawn in {chart['draw_ms']} ms" if chart.get("segments") is not None else ""))
problems = []
if status.get("errors"): problems.append(f"errors caught: {status['errors']}")
if status.get("resources"): problems.append(f"fetched: {status['resources']}")
if status.get("blank"): problems.append(f"blank charts: {status['blank']}")
if status.get("zoomed") is None: problems.append("the zoom self-test did not run")
if status.get("charts") != expected: problems.append(f"{status.get('charts')} charts, expected {expected}")
if not status.get("ok"): problems.append("status not ok")
if problems:
    sys.exit(f"FAIL: {name}: " + "; ".join(problems))
print(f"ok: {name}: {status['charts']} charts drawn, no errors, nothing fetched")
PY
  echo "   $name: loaded and checked in $((SECONDS - started)) s (chromium start included)"
  chromium_run --window-size=1400,3200 --screenshot="$out_dir/$name.png" "file://$html" >/dev/null 2>&1 ||
    fail "$name: screenshot failed"
  [ -s "$out_dir/$name.png" ] || fail "$name: no screenshot written"
  echo "ok: $name: screenshot $out_dir/$name.png"
}

# The hand-written fixtures: 2 crawl timelines, 1 sweep, 3 workload figures, 2 workload timelines.
"$overlap" report "$source_dir"/tests/report/fixtures/*.json -o "$work/small.html" >/dev/null
check_page small "$work/small.html" 8

# Figures 8-10 and 8-11 from real runs at three difficulties, in two files: one chart per
# figure, one line per mode joining every difficulty.
"$overlap" workload --mode all -n 3 --difficulty 4,5 --post-delay 5 --json "$work/costs_4_5.json" >/dev/null
"$overlap" workload --mode all -n 3 --difficulty 6 --post-delay 5 --json "$work/cost_6.json" >/dev/null
"$overlap" report "$work/costs_4_5.json" "$work/cost_6.json" -o "$work/difficulties.html" >/dev/null
check_page difficulties "$work/difficulties.html" 3
python3 - "$work/difficulties.dom.status" <<'PY'
import json, sys
charts = {c["name"]: c["lines"] for c in json.load(open(sys.argv[1]))["detail"]}
modes = ["noio", "fileio", "serial", "batch", "async", "threads"]
expected = {
    "Time taken against the time per iteration": modes,
    "Times slower than no I/O, against the time per iteration": modes[1:],
    "The same without serial": ["fileio", "batch", "async", "threads"],
}
if set(charts) != set(expected):
    sys.exit(f"FAIL: difficulties: charts {sorted(charts)}, expected {sorted(expected)}")
for name, want in expected.items():
    got = [line["mode"] for line in charts[name] or []]
    if got != want:
        sys.exit(f"FAIL: difficulties: {name}: lines {got}, expected {want}")
    for line in charts[name]:
        if line["points"] != 3 or sorted(line["difficulties"]) != [4, 5, 6]:
            sys.exit(f"FAIL: difficulties: {name}: {line['mode']} joins {line}, expected difficulties 4, 5, 6")
print("ok: difficulties: one chart per figure, one line per mode across difficulties 4, 5, 6")
PY

# Generated: 4 crawl timelines (one of 100,000 requests), 1 sweep, 3 workload figures, 3 workload timelines.
python3 "$source_dir/tests/report/make_fixtures.py" "$work/big" --requests 100000
"$overlap" report "$work"/big/*.json -o "$work/big.html" >/dev/null
echo "   big.html: $(($(stat -c %s "$work/big.html") / 1024)) KiB"
check_page big "$work/big.html" 11

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

# check_latency NAME FILE...: the page's latency charts hold, per crawl run of the files
# given, the curves its histograms make (corrected and uncorrected for a paced run, one
# for a closed run) ending at the run's exact maximum, a paced run's rate chart one step
# per second of sent_per_second, and a run without a histogram one "no plot" line.
check_latency() {
  local name=$1
  shift
  python3 - "$work/$name.dom" "$@" <<'PY'
import json, re, sys
dom_file, files = sys.argv[1], sys.argv[2:]
dom = open(dom_file).read()
charts = {c["name"]: c["lines"] for c in json.load(open(dom_file + ".status"))["detail"]}
def fail(msg): sys.exit(f"FAIL: {name}: {msg}")
name = dom_file.rsplit("/", 1)[-1]
without = 0
for f in files:
    for run in json.load(open(f))["runs"]:
        if not run.get("latency_histogram", {}).get("count"):
            without += 1
            continue
        m = run.get("open_model")
        rate = f"{m['rate']:,.0f}" if m else None
        title = f"{run['strategy']}: latency by percentile" + (f" at {rate} req/s offered" if m else " (closed model)")
        lines = charts.get(title)
        if lines is None:
            fail(f"no chart '{title}' among {sorted(charts)}")
        want = ["corrected (from when due)", "uncorrected (from when sent)"] if m else ["latency"]
        if [l["mode"] for l in lines] != want:
            fail(f"{title}: curves {[l['mode'] for l in lines]}, expected {want}")
        ends = ([m["corrected_histogram"]["max"]] if m else []) + [run["latency_histogram"]["max"]]
        for line, max_us in zip(lines, ends):
            if line["points"] < 5 or abs(line["last_ms"] - max_us / 1000) > 1e-9:
                fail(f"{title}: {line['mode']} has {line['points']} points ending at {line['last_ms']} ms, "
                     f"expected at least 5 ending at the maximum {max_us / 1000} ms")
        if m:
            rate_title = f"{run['strategy']}: requests sent per second against the {rate} req/s offered"
            rate_lines = charts.get(rate_title)
            if rate_lines is None or rate_lines[0]["points"] != len(m["sent_per_second"]):
                fail(f"'{rate_title}': {rate_lines}, expected {len(m['sent_per_second'])} seconds sent")
        print(f"ok: {name}: {title}: {[l['mode'] for l in lines]}" + (", and its rate over time" if m else ""))
notes = len(re.findall(r'class="note no-plot"', dom))
if notes != without:
    fail(f"{notes} 'no percentile plot' lines, expected {without} (the runs without a histogram)")
if without and "no latency histogram" not in dom:
    fail("the 'no percentile plot' line does not say why")
print(f"ok: {name}: {without} runs without a histogram, each said so in one line")
PY
}

# The hand-written fixtures: 2 crawl timelines, 1 sweep, 3 workload figures, 2 workload
# timelines, and a paced run's latency by percentile and rate over time.
fixtures=("$source_dir"/tests/report/fixtures/*.json)
"$overlap" report "${fixtures[@]}" -o "$work/small.html" >/dev/null
check_page small "$work/small.html" 10
check_latency small "$source_dir"/tests/report/fixtures/crawl_*result.json

# Real crawls, paced (the open model) and closed, on the built-in delay server: a paced
# run draws two curves and its rate, a closed one its one curve.
"$overlap" crawl -n 400 -c 20 --delay 10ms --rate 1000 --json "$work/paced.json" >/dev/null
"$overlap" crawl -n 200 -c 20 --delay 10ms --json "$work/closed.json" >/dev/null
"$overlap" report "$work/paced.json" "$work/closed.json" -o "$work/open_model.html" >/dev/null
check_page open_model "$work/open_model.html" 3
check_latency open_model "$work/paced.json" "$work/closed.json"

# A run of two shards merged with their timelines: one timeline, its requests in each
# shard's colour, the shards named in the legend and every request drawn.
at=$(python3 -c 'import time; print(f"{time.time() + 1.5:.3f}")')
for i in 0 1; do
  "$overlap" crawl -n 200 -c 20 --delay 10ms --shard "$i/2" --start-at "$at" --json "$work/shard$i.json" \
    --timeline "$work/shard$i-timeline.json" >/dev/null &
done
wait
"$overlap" merge "$work"/shard?.json "$work"/shard?-timeline.json -o "$work/shards.json" \
  --timeline "$work/shards-timeline.json" >/dev/null
"$overlap" report "$work/shards-timeline.json" -o "$work/shards.html" >/dev/null
check_page shards "$work/shards.html" 1
python3 - "$work/shards.dom" <<'PY'
import json, sys
dom = open(sys.argv[1]).read()
charts = json.load(open(sys.argv[1] + ".status"))["detail"]
if len(charts) != 1 or charts[0]["segments"] != 200:
    sys.exit(f"FAIL: shards: {charts}, expected one timeline of 200 requests")
for words in ("merged from 2 shards", "shard 0", "shard 1"):
    if words not in dom:
        sys.exit(f"FAIL: shards: the page does not say '{words}'")
print("ok: shards: one timeline of 200 requests in the colours of shards 0 and 1")
PY

# A real rate sweep (the hockey stick): one chart, three lines of one point per rate,
# the capacity (min(c, capacity) / delay = 4 / 20 ms = 200 req/s) marked and named.
"$overlap" sweep --rate 100,400 --delay 20ms -c 4 --capacity 4 --point-time 0.5s --json "$work/rates.json" >/dev/null
"$overlap" report "$work/rates.json" -o "$work/rates.html" >/dev/null
check_page rates "$work/rates.html" 1
python3 - "$work/rates.dom" "$work/rates.json" <<'PY'
import json, sys
dom_file, sweep = sys.argv[1], json.load(open(sys.argv[2]))
charts = {c["name"]: c["lines"] for c in json.load(open(dom_file + ".status"))["detail"]}
title = "coroutine: latency against the offered rate"
want = [{"mode": m, "points": len(sweep["rate_points"])} for m in ("corrected p99", "corrected p50", "uncorrected p99")]
if charts.get(title) != want:
    sys.exit(f"FAIL: rates: {charts}, expected '{title}' with lines {want}")
if "marks the capacity, 200 req/s" not in open(dom_file).read():
    sys.exit("FAIL: rates: the capacity (200 req/s) is not named")
print(f"ok: rates: {title}: corrected p99, p50 and uncorrected p99 at {len(sweep['rate_points'])} rates, capacity marked")
PY

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

# Generated: 4 crawl timelines (one of 100,000 requests), 1 sweep, 3 workload figures, 3
# workload timelines, a paced run's 2 charts and a closed run's 1 (both meet a stall).
python3 "$source_dir/tests/report/make_fixtures.py" "$work/big" --requests 100000
"$overlap" report "$work"/big/*.json -o "$work/big.html" >/dev/null
echo "   big.html: $(($(stat -c %s "$work/big.html") / 1024)) KiB"
check_page big "$work/big.html" 14
check_latency big "$work"/big/crawl_*result.json

#!/usr/bin/env bash
# `make demo`: the book's crawler experiment (Table 8-1) in every concurrency style
# against the embedded delay server, then the delay server on its own: one slow
# request, a hundred of them at once (they overlap: ~0.1 s, not 10 s), the records the
# book plots, and the server's own counters. About 20 s, most of it the serial crawler.
set -euo pipefail
overlap=${1:-build/bin/overlap}
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== overlap crawl --strategy all -n 1000 -c 100 --delay 100 (the book's Table 8-1;"
echo "   serial runs 100 requests and is scaled up, as the book did):"
"$overlap" crawl --strategy all -n 1000 -c 100 --delay 100 | sed 's/^/   /'
echo

"$overlap" serve --port 0 --metrics-file "$work/metric_data.json" >"$work/serve.out" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "^listening on " "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$work/serve.out" | head -n 1)
[ -n "$url" ] || { cat "$work/serve.out"; exit 1; }
echo "== overlap serve is $(head -n 1 "$work/serve.out")"

echo
echo "== one request with a 100 ms delay:"
curl -s -o /dev/null -w "   GET /add?name=demo&delay=100 -> %{http_code}, %{size_download} byte, %{time_total} s\n" \
  "$url/add?name=demo&delay=100"

echo
echo "== 100 requests of 100 ms each, all in flight at once (serially they would take 10 s):"
for i in $(seq 100); do echo "url = \"$url/add?name=overlapped&delay=100&$i\""; echo "output = /dev/null"; done >"$work/urls"
start=$(date +%s.%N)
curl -s --no-progress-meter --parallel --parallel-immediate --parallel-max 100 --config "$work/urls"
end=$(date +%s.%N)
python3 -c "print(f'   took {$end - $start:.3f} s against a limit of 0.100 s')"

echo
echo "== GET /add?flush=True writes the book's metric_data.json; summarised:"
curl -s "$url/add?flush=True" >/dev/null
python3 - "$work/metric_data.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
for name, records in data.items():
    dts = sorted(r["dt"] for r in records)
    span = max(r["end"] for r in records) - min(r["start"] for r in records)
    print(f"   {name:<11} {len(records):>4} requests, dt min {dts[0]*1e3:.2f} ms, max {dts[-1]*1e3:.2f} ms, "
          f"first start to last end {span*1e3:.1f} ms")
PY

echo
echo "== GET /metrics (Prometheus), a few lines:"
curl -s "$url/metrics" | grep -E '^overlap_(requests_total|timer_overshoot_seconds_(sum|count))' | sed 's/^/   /'

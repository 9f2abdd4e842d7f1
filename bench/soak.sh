#!/usr/bin/env bash
# A bounded soak of `overlap serve`: wrk at full speed for MINUTES, each request under
# one of NAMES distinct names, VmRSS and the record gauges sampled every SAMPLE_S
# seconds. Once the records reach --max-records-mb, requests are answered without
# being recorded, and the resident size must stay flat from then on.
#
#   bash bench/soak.sh                              # 1 minute, 16 MiB of records
#   MINUTES=10 RECORDS_MB=64 bash bench/soak.sh     # the default bound, longer
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OVERLAP_BIN=${OVERLAP_BIN:-$here/../build/bin/overlap}
MINUTES=${MINUTES:-1}
SAMPLE_S=${SAMPLE_S:-10}
RECORDS_MB=${RECORDS_MB:-16}
NAMES=${NAMES:-100000}
CONNS=${CONNS:-100}

command -v wrk >/dev/null || { echo "error: wrk is not installed" >&2; exit 1; }
[ -x "$OVERLAP_BIN" ] || { echo "error: $OVERLAP_BIN not found (make build)" >&2; exit 1; }
work=$(mktemp -d)
server_pid=""
wrk_pid=""
cleanup() {
  [ -n "$wrk_pid" ] && kill "$wrk_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Pinned apart on two or more cores, as in serve_bench.sh.
SRV=(); CLI=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then SRV=(taskset -c 1); CLI=(taskset -c 0); fi

"${SRV[@]}" "$OVERLAP_BIN" serve --port 0 --max-records-mb "$RECORDS_MB" \
  --metrics-file "$work/metric_data.json" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
for _ in $(seq 100); do grep -q "^listening on " "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
url=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$url" ] || { echo "error: the server did not start: $(cat "$work/serve.err")" >&2; exit 1; }

cat >"$work/names.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, "/add?name=soak" .. (n % $NAMES) .. "&delay=0")
end
LUA
seconds=$((MINUTES * 60))
"${CLI[@]}" wrk -t1 -c"$CONNS" -d"${seconds}s" --timeout 5s -s "$work/names.lua" "$url" >"$work/wrk.out" 2>&1 &
wrk_pid=$!

metric() { curl -s "$url/metrics" | awk -v m="$1" '$1 == m {printf "%d", $2}'; }
echo "## Soak: wrk -t1 -c$CONNS -d${seconds}s, $NAMES names, --max-records-mb $RECORDS_MB ($(date -u +%FT%TZ))"
echo
echo "| t s | VmRSS KiB | records | names | record MiB | dropped | answered |"
echo "|---|---|---|---|---|---|---|"
t=0
while kill -0 "$wrk_pid" 2>/dev/null; do
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")
  answered=$(curl -s "$url/metrics" | awk '$1 ~ /^overlap_requests_total\{route="add",status="200"\}/ {printf "%d", $2}')
  printf '| %d | %s | %s | %s | %.1f | %s | %s |\n' "$t" "$rss" "$(metric overlap_records)" \
    "$(metric overlap_record_names)" "$(metric overlap_records_bytes | awk '{print $1 / 1048576}')" \
    "$(metric overlap_records_dropped_total)" "${answered:-0}"
  sleep "$SAMPLE_S"
  t=$((t + SAMPLE_S))
done
wait "$wrk_pid" || true
wrk_pid=""
echo
{ grep -E "Requests/sec|requests in|Socket errors|Non-2xx" "$work/wrk.out" || true; } | sed 's/^/    /'
peak=$(awk '/^VmHWM/ {print $2}' "/proc/$server_pid/status")
echo "    peak RSS (VmHWM) ${peak} KiB"
echo "    \"records full\" said on stderr: $(grep -c "records full" "$work/serve.err" || true) time(s)"
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""

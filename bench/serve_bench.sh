#!/usr/bin/env bash
# Server benchmark: `overlap serve` against two peers, in one run, on one machine:
#   * nginx + echo module (1 worker): a C event loop, the practical ceiling;
#   * the book's tornado delay server (bench/peers/tornado_server.py): the original.
#
# Sections (select with SECTIONS="throughput overshoot memory"):
#   throughput  wrk -t1 -c{100,1000} -d5s on /add?name=wrk&delay=0, 1 s warm-up,
#               REPEATS runs interleaved across servers; median/min/max req/s + ratios
#   overshoot   1000 requests of delay 100 ms at 100 and 1000 in flight, then
#               /add?flush=True; (dt - 0.1 s) in ms from the server's own records
#   memory      VmRSS before vs while 10,000 requests of delay 1000 ms are in flight
#
# Every overlap part is skipped (with a note) while build/bin/overlap does not exist.
# Knobs (env): DURATION=5 REPEATS=3 CONNS="100 1000" MEM_CONNS=10000 MEM_DELAY_MS=1000
#              MEM_DELAY_MS_TORNADO=4000 PIN=1 (server on CPU 1, clients on CPU 0),
#              OVERLAP_BIN, PYTHON.
# Output: markdown tables on stdout, progress on stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
bench_init

SECTIONS=${SECTIONS:-"throughput overshoot memory"}
DURATION=${DURATION:-5}
REPEATS=${REPEATS:-3}
CONNS=${CONNS:-"100 1000"}
MEM_CONNS=${MEM_CONNS:-10000}
MEM_DELAY_MS=${MEM_DELAY_MS:-1000}
# tornado accepts only ~5k connections/s, so at 1000 ms the first answers come back
# before the last of 10k requests is in; give it longer (a timer costs the same).
MEM_DELAY_MS_TORNADO=${MEM_DELAY_MS_TORNADO:-4000}

# On a 2-core box, pinning the (single-threaded) server to one core and the load
# generator to the other stops them from fighting over a core and cuts the noise.
PIN=${PIN:-1}
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SRV=(taskset -c 1); CLI=(taskset -c 0)
else
    SRV=(); CLI=()
fi

command -v wrk >/dev/null || die "wrk is not installed"
if ! have_overlap; then
    note "$OVERLAP_BIN not found: overlap rows are skipped (build it first)."
fi

# start_peer KIND: start one server, fresh, sets SERVER_PID / SERVER_PORT.
# Each server gets its own metrics file under $BENCH_TMP.
start_peer() {
    case $1 in
        overlap) start_server overlap "${SRV[@]}" "$OVERLAP_BIN" serve --host 127.0.0.1 --port 0 \
                     --threads 1 --metrics-file "$BENCH_TMP/overlap-metrics.json" ;;
        nginx)   start_nginx "${SRV[@]}" ;;
        tornado) start_server tornado "${SRV[@]}" "$PY" "$BENCH_PEERS/tornado_server.py" \
                     --port 0 --metrics-file "$BENCH_TMP/tornado-metrics.json" ;;
    esac
}

# Servers present in this run, in table order.
SERVERS=()
if have_overlap; then SERVERS+=(overlap); fi
SERVERS+=(nginx tornado)

# ---------------------------------------------------------------- throughput
# wrk_run PORT CONNS SECONDS -> prints "REQ_PER_SEC ERRORS"
wrk_run() {
    local port=$1 conns=$2 secs=$3 out
    # timeout: wrk itself stops after -d, this only guards against a hung wrk.
    out=$(timeout $((secs + 20)) "${CLI[@]}" wrk -t1 -c"$conns" -d"${secs}s" --timeout 5s \
          "http://127.0.0.1:$port/add?name=wrk&delay=0" 2>&1) || true
    awk '
        /Requests\/sec:/          { rps = $2 }
        /Socket errors:/          { gsub(",", ""); err += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx/          { err += $NF }
        END { if (rps == "") rps = "n/a"; printf "%s %d\n", rps, err }' <<<"$out"
}

section_throughput() {
    echo
    echo "## Throughput: wrk -t1 -d${DURATION}s, GET /add?name=wrk&delay=0 (req/s, $REPEATS runs)"
    echo
    declare -A port pid
    local s c r
    for s in "${SERVERS[@]}"; do
        if start_peer "$s"; then port[$s]=$SERVER_PORT; pid[$s]=$SERVER_PID
        else note "$s failed to start; skipped"; fi
    done
    declare -A runs errs
    for c in $CONNS; do
        for s in "${SERVERS[@]}"; do
            [ -n "${port[$s]:-}" ] || continue
            log "warm-up $s -c$c"
            wrk_run "${port[$s]}" "$c" 1 >/dev/null
        done
        # Interleave servers inside each repeat so slow drifts of a noisy machine hit
        # every server alike instead of one server's whole series.
        for r in $(seq "$REPEATS"); do
            for s in "${SERVERS[@]}"; do
                [ -n "${port[$s]:-}" ] || continue
                read -r rps e < <(wrk_run "${port[$s]}" "$c" "$DURATION")
                log "  run $r $s -c$c: $rps req/s, $e errors"
                # a failed wrk run (no Requests/sec line) is left out of the stats
                if [ "$rps" != n/a ]; then runs[$s,$c]="${runs[$s,$c]:-} $rps"; fi
                errs[$s,$c]=$(( ${errs[$s,$c]:-0} + e ))
            done
        done
    done
    for s in "${SERVERS[@]}"; do
        if [ -n "${pid[$s]:-}" ]; then stop_pid "${pid[$s]}"; fi
    done

    echo "| server | conns | median req/s | min | max | errors |"
    echo "|---|---:|---:|---:|---:|---:|"
    declare -A med
    for c in $CONNS; do
        for s in "${SERVERS[@]}"; do
            [ -n "${runs[$s,$c]:-}" ] || continue
            # shellcheck disable=SC2086
            set -- ${runs[$s,$c]}
            med[$s,$c]=$(median "$@")
            printf '| %s | %s | %.0f | %.0f | %.0f | %s |\n' "$s" "$c" \
                "${med[$s,$c]}" "$(min_of "$@")" "$(max_of "$@")" "${errs[$s,$c]}"
        done
    done
    if have_overlap; then
        echo
        echo "| conns | overlap/nginx | overlap/tornado |"
        echo "|---:|---:|---:|"
        for c in $CONNS; do
            echo "| $c | $(ratio "${med[overlap,$c]:-}" "${med[nginx,$c]:-}") | $(ratio "${med[overlap,$c]:-}" "${med[tornado,$c]:-}") |"
        done
    else
        echo
        echo "| conns | nginx/tornado |"
        echo "|---:|---:|"
        for c in $CONNS; do
            echo "| $c | $(ratio "${med[nginx,$c]:-}" "${med[tornado,$c]:-}") |"
        done
    fi
}

# ---------------------------------------------------------------- overshoot
# How late do the timers fire? The server's own dt (end - start) minus the 100 ms asked.
# (nginx is absent: it keeps no per-request records.)
overshoot_stats() {   # overshoot_stats JSON_FILE NAME ...  -> one markdown row per name
    "$PY" - "$@" <<'EOF'
import json, statistics, sys
data = json.load(open(sys.argv[1]))
for name in sys.argv[2:]:
    over = sorted((r["dt"] - 0.1) * 1e3 for r in data.get(name, []))
    if not over:
        print(f"| {name} | 0 | n/a | n/a | n/a | n/a | n/a |"); continue
    q = lambda p: over[min(len(over) - 1, int(p / 100 * len(over)))]
    print(f"| {name} | {len(over)} | {min(over):.2f} | {statistics.fmean(over):.2f} "
          f"| {q(50):.2f} | {q(99):.2f} | {over[-1]:.2f} |")
EOF
}

section_overshoot() {
    echo
    echo "## Timer overshoot: 1000 x GET /add?delay=100, (dt - 100 ms) in ms, server-side"
    echo
    local rows="" s c
    for s in overlap tornado; do
        if [ "$s" = overlap ] && ! have_overlap; then note "overlap: skipped (no binary)"; continue; fi
        start_peer "$s" || { note "$s failed to start"; continue; }
        local names=()
        for c in 100 1000; do
            local name="${s}_c$c"
            names+=("$name")
            log "overshoot $s: 1000 requests, $c in flight"
            "${CLI[@]}" "$PY" "$BENCH_PEERS/load.py" --timeout 60 -n 1000 -c "$c" \
                --url "http://127.0.0.1:$SERVER_PORT/add?name=$name&delay=100" >&2 ||
                log "  (load generator reported errors)"
        done
        http_get "http://127.0.0.1:$SERVER_PORT/add?flush=True" 30 >"$BENCH_TMP/$s-flush.json"
        stop_pid "$SERVER_PID"
        rows+=$(overshoot_stats "$BENCH_TMP/$s-flush.json" "${names[@]}")$'\n'
    done
    echo "| server_conns | n | min | mean | p50 | p99 | max |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    printf '%s' "$rows"
}

# ---------------------------------------------------------------- memory
# Bytes per held request: RSS grows with per-connection buffers, parser state, timers.
# overlap is the subject; tornado and nginx are reference points.
section_memory() {
    echo
    echo "## Memory: $MEM_CONNS simultaneous GET /add?name=mem&delay=D (VmRSS, KiB)"
    echo
    echo "| server | delay ms | before | at +0.5 s | answered by then | peak in flight | KiB/conn (sample) | KiB/conn (peak) | all sent after s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    local s row any_warn=0
    for s in "${SERVERS[@]}"; do
        if ! start_peer "$s"; then note "$s failed to start"; continue; fi
        local rss_pid=$SERVER_PID
        if [ "$s" = nginx ]; then           # the worker holds the connections
            rss_pid=$(pgrep -P "$SERVER_PID" | head -n 1)
        fi
        sleep 0.3                           # let start-up allocations settle
        local js delay=$MEM_DELAY_MS
        if [ "$s" = tornado ]; then delay=$MEM_DELAY_MS_TORNADO; fi
        js=$("${CLI[@]}" "$PY" "$BENCH_PEERS/hold_connections.py" -c "$MEM_CONNS" --pid "$rss_pid" \
               --timeout 60 --url "http://127.0.0.1:$SERVER_PORT/add?name=mem&delay=$delay") ||
            log "  ($s: not every request was answered)"
        log "  $s: $js"
        row=$("$PY" - "$s" "$MEM_CONNS" "$js" "$delay" <<'EOF'
import json, sys
s, n, j, d = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4]
b, smp, pk = j["rss_before_kib"], j["rss_sample_kib"], j["rss_peak_inflight_kib"]
per = lambda x: f"{(x - b) / n:.2f}" if x is not None and b is not None else "n/a"
warn = " (!)" if j["answered_at_sample"] or j["answered_at_sample"] is None else ""
print(f"| {s} | {d} | {b} | {smp} | {j['answered_at_sample']}{warn} | {pk} | {per(smp)} | {per(pk)} "
      f"| {j['t_all_sent_s']} |")
EOF
        ) || row="| $s | $delay | failed | | | | | | |"
        echo "$row"
        if [[ $row == *"(!)"* ]]; then any_warn=1; fi
        stop_pid "$SERVER_PID"
    done
    if [ "$any_warn" = 1 ]; then
        echo
        echo "(!) = some answers came back before the sample: the server accepted too slowly"
        echo "for all $MEM_CONNS to be in flight at once; raise MEM_DELAY_MS(_TORNADO) to see its full cost."
    fi
}

echo "# overlap serve benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, pin=$PIN)"
for sec in $SECTIONS; do
    case $sec in
        throughput) section_throughput ;;
        overshoot)  section_overshoot ;;
        memory)     section_memory ;;
        *) die "unknown section $sec" ;;
    esac
done

#!/usr/bin/env bash
# The open model (`overlap crawl --rate R`): how fast the generator can pace, how late it
# sends, and what the corrected latency shows that a closed-model tool (wrk) does not.
# `overlap serve` runs in its own process; wrk runs against the same server in the same
# run, so every comparison is a ratio measured side by side, never an absolute time.
#
# Sections (SECTIONS="rate lateness overload stall"):
#   rate      delay 0, -c 100, serve --threads 1: rates RATES upwards, RATE_SECONDS each,
#             per strategy (STRATEGIES) until one is not held (late starts > 1% of n, or
#             achieved rate < 98% of the rate asked); vs wrk -t1 -c100 -d3s (closed model);
#             the crawler's CPU share from GNU time (/usr/bin/time), when installed
#   lateness  10,000 req/s for 3 s, -c 100, delay 0: the generator's own lateness
#             (from a free connection to the send): p50, p99, p99.9, max, late starts
#   overload  serve --capacity 4, delay 20 ms (200 answers/s): crawl --rate 400 -c 4 -n 800
#             vs wrk -t1 -c4 -d2s --latency; p99 and max as each tool reports them
#   stall     delay 1 ms; the server is stopped (SIGSTOP) 1 s into a 3 s run for 1 s:
#             crawl --rate 200 -c 20 -n 600 vs wrk -t1 -c20 -d3s --latency, and
#             crawl --rate 2000 -n 6000, where the stalled requests are under 1% of n
# Each figure is the median of REPEATS runs (wrk's req/s also with min and max).
# Knobs (env): SECTIONS, REPEATS=3, STRATEGIES="coroutine callback curl",
#              RATES="5000 10000 15000 20000 25000 30000 35000 40000 50000 60000 70000 80000",
#              RATE_SECONDS=2, PIN=1 (server on CPU 1, clients on CPU 0), OVERLAP_BIN,
#              RT=0 (1: server, crawler and wrk under `chrt -f 10`, SCHED_FIFO, see below).
# On a shared 2-core box whose cores are never idle, a paced client's wake-ups wait for
# the scheduler: lateness then measures the box, not the generator. RT=1 lets the
# benchmark's processes preempt everything else (the kernel still keeps 5% of each
# second for the rest: sched_rt_runtime_us); it needs CAP_SYS_NICE.
# Output: markdown tables on stdout, progress on stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/overlap-open-bench.XXXXXX")
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
PY=python3 # only the standard library's json is needed here

SECTIONS=${SECTIONS:-"rate lateness overload stall"}
REPEATS=${REPEATS:-3}
STRATEGIES=${STRATEGIES:-"coroutine callback curl"}
RATES=${RATES:-"5000 10000 15000 20000 25000 30000 35000 40000 50000 60000 70000 80000"}
RATE_SECONDS=${RATE_SECONDS:-2}
PIN=${PIN:-1}
RT=${RT:-0}
have_overlap || die "$OVERLAP_BIN not found: build first (make build)"
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SRV=(taskset -c 1); CLI=(taskset -c 0)
else
    SRV=(); CLI=()
fi
if [ "$RT" = 1 ]; then
    chrt -f 10 true 2>/dev/null || die "RT=1: chrt -f 10 is not permitted here (needs CAP_SYS_NICE)"
    SRV=(chrt -f 10 "${SRV[@]}"); CLI=(chrt -f 10 "${CLI[@]}")
fi

# serve NAME ARGS...: a fresh `overlap serve` (one event-loop thread) on the server core.
serve() {
    local name=$1; shift
    start_server "$name" "${SRV[@]}" "$OVERLAP_BIN" serve --host 127.0.0.1 --port 0 --threads 1 "$@" ||
        die "overlap serve did not start"
}

# The crawler's CPU share (GNU time's %P, of one core) goes to $BENCH_TMP/cpu.
TIMED=()
if [ -x /usr/bin/time ]; then TIMED=(/usr/bin/time -f %P -o "$BENCH_TMP/cpu"); fi
crawl_cpu() { if [ -s "$BENCH_TMP/cpu" ]; then tr -d '%' <"$BENCH_TMP/cpu"; else echo n/a; fi; }

# crawl BASE STRATEGY N C RATE DELAY -> one line of figures (see open_figures), or "n/a".
crawl() {
    local base=$1 st=$2 n=$3 c=$4 rate=$5 delay=$6 json="$BENCH_TMP/run.json"
    rm -f "$json" "$BENCH_TMP/cpu"
    if ! timeout 120 "${TIMED[@]}" "${CLI[@]}" "$OVERLAP_BIN" crawl --url "$base/add?name=$st&delay=$delay&" -n "$n" -c "$c" \
            --rate "$rate" --strategy "$st" --json "$json" >/dev/null 2>"$BENCH_TMP/crawl.err"; then
        log "  $st failed: $(tail -n 1 "$BENCH_TMP/crawl.err")"
    fi
    open_figures "$json" 2>/dev/null || echo "n/a"
}

# open_figures JSON -> "N ERRORS ACHIEVED LATE QUEUED P99 MAX CP99 CMAX L50 L99 L999 LMAX"
# (latencies in ms: uncorrected from the send, corrected from the due time, lateness).
open_figures() {
    "$PY" - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
o = r["open_model"]
u, c, l = r["latency_ms"], o["corrected_latency_ms"], o["lateness_ms"]
num = lambda x: "n/a" if x is None else f"{x:.3f}"
print(r["n"], r["errors"], num(o["achieved_rate"]), o["late_starts"], o["queued"],
      num(u["p99"]), num(u["max"]), num(c["p99"]), num(c["max"]),
      num(l["p50"]), num(l["p99"]), num(l["p99_9"]), num(l["max"]))
PY
}

# wrk_ms VALUE: wrk's time ("950.00us", "20.10ms", "1.00s", "1.02m") in ms.
wrk_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
        f = (u == "us") ? 0.001 : (u == "ms") ? 1 : (u == "s") ? 1000 : (u == "m") ? 60000 : (u == "h") ? 3600000 : -1
        if (f < 0) print "n/a"; else printf "%.3f\n", n * f }'
}

# wrk_run SECONDS CONNS URL -> "REQ_PER_S P99_MS MAX_MS ERRORS" (wrk --latency)
wrk_run() {
    local secs=$1 conns=$2 url=$3 out rps p99 max err
    out=$(timeout $((secs + 30)) "${CLI[@]}" wrk -t1 -c"$conns" -d"${secs}s" --latency "$url" 2>&1) || true
    read -r rps p99 max err < <(awk '
        /^Requests\/sec:/     { rps = $2 }
        /^ +Latency +[0-9]/   { max = $4 }
        /^ +99% /             { p99 = $2 }
        /Socket errors:/      { gsub(",", ""); err += $4 + $6 + $8 + $10 }
        /Non-2xx or 3xx/      { err += $NF }
        END { printf "%s %s %s %d\n", rps == "" ? "n/a" : rps, p99 == "" ? "n/a" : p99, max == "" ? "n/a" : max, err }' <<<"$out")
    echo "$rps $(wrk_ms "$p99") $(wrk_ms "$max") $err"
}

# The median of a list, or "n/a" for an empty one (a run that failed is left out).
med() { if [ $# -eq 0 ]; then echo n/a; else median "$@"; fi; }
# fmt FORMAT VALUE: printf, but "n/a" passes through.
# shellcheck disable=SC2059  # the format is the caller's literal
fmt() { if [ "$2" = n/a ]; then echo n/a; else printf "$1" "$2"; fi; }

# ------------------------------------------------------------------------------- rate
rate_section() {
    serve rate
    local base="http://127.0.0.1:$SERVER_PORT" wrk_url="http://127.0.0.1:$SERVER_PORT/add?name=wrk&delay=0&abcdefghij"
    local wrks="" r st rate rows="" best
    declare -A best_rate=()
    wrk_run 1 100 "$wrk_url" >/dev/null # warm-up
    for st in $STRATEGIES; do crawl "$base" "$st" 5000 100 5000 0 >/dev/null; done
    for r in $(seq "$REPEATS"); do
        read -r rps _ _ err < <(wrk_run 3 100 "$wrk_url")
        log "  rate: wrk run $r: $rps req/s, $err errors"
        [ "$rps" != n/a ] && wrks+=" $rps"
    done
    for st in $STRATEGIES; do
        best=""
        for rate in $RATES; do
            local n=$((rate * RATE_SECONDS)) lates=() achs=() queues=() p99s=() cpus=() errs=0
            for r in $(seq "$REPEATS"); do
                read -r got e ach late queued _ _ cp99 _ _ _ _ _ < <(crawl "$base" "$st" "$n" 100 "$rate" 0)
                [ "$got" = n/a ] && { log "  rate: $st $rate/s run $r failed"; continue; }
                local cpu; cpu=$(crawl_cpu)
                log "  rate: $st $rate/s run $r: achieved $ach/s, $late late, $queued queued, corrected p99 $cp99 ms, crawler CPU $cpu%, $e errors"
                [ "$cpu" != n/a ] && cpus+=("$cpu")
                lates+=("$(awk -v a="$late" -v b="$got" 'BEGIN { printf "%.3f", 100 * a / b }')")
                achs+=("$ach"); queues+=("$queued"); p99s+=("$cp99"); errs=$((errs + e))
            done
            local late_pct ach_med held
            late_pct=$(med "${lates[@]}"); ach_med=$(med "${achs[@]}")
            held=$(awk -v l="$late_pct" -v a="$ach_med" -v r="$rate" \
                'BEGIN { print (l != "n/a" && a != "n/a" && l <= 1 && a >= 0.98 * r) ? "yes" : "no" }')
            rows+="| $st | $rate | $(fmt %.0f "$ach_med") | $(ratio "$ach_med" "$rate") | $(fmt %.2f "$late_pct") | $(fmt %.0f "$(med "${queues[@]}")") | $(fmt %.2f "$(med "${p99s[@]}")") | $(fmt %.0f "$(med "${cpus[@]}")") | $errs | $held |"$'\n'
            [ "$held" = yes ] || break
            best=$rate
        done
        best_rate[$st]=${best:-none}
    done
    stop_pid "$SERVER_PID"

    echo "## Highest rate held: delay 0, -c 100, ${RATE_SECONDS} s per rate, overlap serve --threads 1, medians of $REPEATS runs"
    echo
    echo "| strategy | rate asked /s | achieved /s | achieved/asked | late starts % | queued | corrected p99 ms | crawler CPU % | errors | held |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    printf '%s' "$rows"
    echo
    echo "held: late starts <= 1% of n and achieved >= 98% of the rate asked (search stops at the first rate not held)"
    echo
    local wrk_med
    # shellcheck disable=SC2086
    wrk_med=$(med $wrks)
    # shellcheck disable=SC2086
    echo "wrk -t1 -c100 -d3s (closed model), same server: median $(fmt %.0f "$wrk_med") req/s (min $(fmt %.0f "$(min_of $wrks)"), max $(fmt %.0f "$(max_of $wrks)"))"
    echo
    echo "| strategy | highest rate held /s | / wrk req/s |"
    echo "|---|---:|---:|"
    for st in $STRATEGIES; do
        echo "| $st | ${best_rate[$st]} | $(ratio "${best_rate[$st]/none/}" "$wrk_med") |"
    done
    echo
}

# --------------------------------------------------------------------------- lateness
lateness_section() {
    serve lateness
    local base="http://127.0.0.1:$SERVER_PORT" st r rate=10000 n=30000
    echo "## Generator lateness at $rate req/s: delay 0, -c 100, n=$n (3 s), medians of $REPEATS runs (ms)"
    echo
    echo "| strategy | lateness p50 | p99 | p99.9 | max | late starts | of n | achieved /s |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    for st in $STRATEGIES; do
        local l50=() l99=() l999=() lmax=() lates=() achs=()
        for r in $(seq "$REPEATS"); do
            read -r got _ ach late _ _ _ _ _ a b c d < <(crawl "$base" "$st" "$n" 100 "$rate" 0)
            [ "$got" = n/a ] && continue
            log "  lateness: $st run $r: p50 $a p99 $b p99.9 $c max $d ms, $late late, achieved $ach/s"
            l50+=("$a"); l99+=("$b"); l999+=("$c"); lmax+=("$d"); lates+=("$late"); achs+=("$ach")
        done
        echo "| $st | $(fmt %.3f "$(med "${l50[@]}")") | $(fmt %.3f "$(med "${l99[@]}")") | $(fmt %.3f "$(med "${l999[@]}")") | $(fmt %.3f "$(med "${lmax[@]}")") | $(fmt %.0f "$(med "${lates[@]}")") | $n | $(fmt %.0f "$(med "${achs[@]}")") |"
    done
    stop_pid "$SERVER_PID"
    echo
    echo "lateness: from when a connection was free for a request (or its due time, if later) to its send; goal p99 <= 0.2 ms"
    echo
}

# ------------------------------------------------------------------ overload and stall
# One case: REPEATS x (overlap crawl, then wrk) against a fresh server each, with an
# optional stall (SIGSTOP for 1 s after 1 s) of the server during each run.
# case_runs NAME STALL CRAWL_RATE CRAWL_N CONNS DELAY WRK_SECONDS SERVE_ARGS...
# (WRK_SECONDS 0: no wrk run, for a second crawl rate on the same case.)
# Appends to the globals CASE_ROWS.
case_runs() {
    local name=$1 stall=$2 rate=$3 n=$4 conns=$5 delay=$6 wrk_secs=$7; shift 7
    local r cp99=() cmax=() up99=() umax=() wp99=() wmax=() wrps=() cerr=0 werr=0
    for r in $(seq "$REPEATS"); do
        serve "$name" "$@"
        local base="http://127.0.0.1:$SERVER_PORT" fig_file="$BENCH_TMP/$name.fig" stopper=""
        [ "$stall" = 1 ] && { stall_server "$SERVER_PID" & stopper=$!; }
        crawl "$base" coroutine "$n" "$conns" "$rate" "$delay" >"$fig_file"
        [ -n "$stopper" ] && wait "$stopper"
        read -r got e _ _ queued a b c d _ _ _ _ <"$fig_file"
        if [ "$got" != n/a ]; then
            log "  $name run $r overlap: corrected p99 $c max $d ms, uncorrected p99 $a max $b ms, $queued queued, $e errors"
            cp99+=("$c"); cmax+=("$d"); up99+=("$a"); umax+=("$b"); cerr=$((cerr + e))
        fi
        if [ "$wrk_secs" != 0 ]; then
            stopper=""
            [ "$stall" = 1 ] && { stall_server "$SERVER_PID" & stopper=$!; }
            read -r rps p99 max e < <(wrk_run "$wrk_secs" "$conns" "$base/add?name=wrk&delay=$delay&abcdefghij")
            [ -n "$stopper" ] && wait "$stopper"
            log "  $name run $r wrk: p99 $p99 max $max ms, $rps req/s, $e errors"
            [ "$p99" != n/a ] && { wp99+=("$p99"); wmax+=("$max"); wrps+=("$rps"); }
            werr=$((werr + e))
        fi
        stop_pid "$SERVER_PID"
    done
    CASE_ROWS+="| $name | overlap crawl --rate $rate, corrected | $(fmt %.1f "$(med "${cp99[@]}")") | $(fmt %.1f "$(med "${cmax[@]}")") | $cerr |"$'\n'
    CASE_ROWS+="| $name | overlap crawl --rate $rate, uncorrected | $(fmt %.1f "$(med "${up99[@]}")") | $(fmt %.1f "$(med "${umax[@]}")") | $cerr |"$'\n'
    [ "$wrk_secs" != 0 ] || return 0
    CASE_ROWS+="| $name | wrk -t1 -c$conns -d${wrk_secs}s ($(fmt %.0f "$(med "${wrps[@]}")") req/s) | $(fmt %.1f "$(med "${wp99[@]}")") | $(fmt %.1f "$(med "${wmax[@]}")") | $werr |"$'\n'
}

# stall_server PID: 1 s after now, stop the server for 1 s (SIGCONT also if we are killed).
stall_server() {
    local pid=$1
    trap 'kill -CONT "$pid" 2>/dev/null' EXIT
    sleep 1
    kill -STOP "$pid"
    sleep 1
    kill -CONT "$pid"
}

CASE_ROWS=""
overload_section() {
    # capacity 4 x 20 ms: 200 answers/s; asked for 400/s over 2 s.
    case_runs overload 0 400 800 4 20 2 --capacity 4
}
stall_section() {
    case_runs stall 1 200 600 20 1 3
    # At 2000/s the 20 requests caught in the stall are 0.3% of n: under the uncorrected p99.
    case_runs stall 1 2000 6000 20 1 0
}

print_cases() {
    [ -n "$CASE_ROWS" ] || return 0
    echo "## Overload and stall: p99 and max as each tool reports them (ms), medians of $REPEATS runs"
    echo
    echo "overload: serve --capacity 4, delay 20 ms (200 answers/s), 400/s asked for 2 s, -c 4."
    echo "stall: delay 1 ms, -c 20, the server stopped (SIGSTOP) from 1 s to 2 s of a 3 s run (crawl -n = 3 s x rate)."
    echo
    echo "| case | tool | p99 ms | max ms | errors |"
    echo "|---|---|---:|---:|---:|"
    printf '%s' "$CASE_ROWS"
    echo
}

echo "# overlap open-model benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), pinned: $PIN, SCHED_FIFO: $RT)"
echo
for s in $SECTIONS; do
    case $s in
        rate)     rate_section ;;
        lateness) lateness_section ;;
        overload) overload_section ;;
        stall)    stall_section ;;
        *)        die "unknown section $s" ;;
    esac
done
print_cases

#!/usr/bin/env bash
# Crawler benchmark: every `overlap crawl` strategy side by side, in one run, against
# `overlap serve` in its own process, next to the limit ceil(N/C) x delay, and the
# coroutine crawler next to wrk on the same server.
#
# Sections (SECTIONS="table81 c1000 c10000 wrk"):
#   table81  N=1000, C=100, 100 ms: the book's Table 8-1 (limit 1.000 s)
#   c1000    N=10,000, C=1,000, 100 ms (limit 1.000 s)
#   c10000   N=100,000, C=10,000, 100 ms: requests per second
#   wrk      delay 0, keep-alive, C=100: coroutine crawler req/s vs wrk -t1 -c100
# Runs are interleaved across strategies (REPEATS rounds) so noise spreads evenly;
# each row gives the median, min and max. The serial strategy is left out (N x delay).
# Knobs (env): SECTIONS, REPEATS=5, STRATEGIES="callback stackful curl coroutine",
#              WRK_SECONDS=5, PIN=1 (server on CPU 1, crawler/wrk on CPU 0), OVERLAP_BIN.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
bench_init

SECTIONS=${SECTIONS:-"table81 c1000 c10000 wrk"}
REPEATS=${REPEATS:-5}
STRATEGIES=${STRATEGIES:-"callback stackful curl coroutine"}
WRK_SECONDS=${WRK_SECONDS:-5}
PIN=${PIN:-1}
have_overlap || die "$OVERLAP_BIN not found: build first (make build)"
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SRV=(taskset -c 1); CLI=(taskset -c 0)
else
    SRV=(); CLI=()
fi

start_server overlap "${SRV[@]}" "$OVERLAP_BIN" serve --host 127.0.0.1 --port 0 \
    --metrics-file "$BENCH_TMP/metrics.json" || die "overlap serve did not start"
BASE="http://127.0.0.1:$SERVER_PORT"

# crawl STRATEGY N C DELAY -> "SECONDS REQ_PER_S RESULT ERRORS LIMIT" ("n/a ..." on
# failure); the limit is the one the crawler's result file states (one formula, in the
# library), not a copy of it here.
crawl() {
    local st=$1 n=$2 c=$3 delay=$4 json="$BENCH_TMP/run.json"
    rm -f "$json"
    if ! timeout 300 "${CLI[@]}" "$OVERLAP_BIN" crawl --url "$BASE/add?name=$st&delay=$delay&" \
            -n "$n" -c "$c" --strategy "$st" --json "$json" >/dev/null 2>"$BENCH_TMP/crawl.err"; then
        log "  $st failed: $(tail -n 1 "$BENCH_TMP/crawl.err")"
    fi
    "$PY" - "$json" <<'PY' 2>/dev/null || echo "n/a n/a n/a n/a n/a"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
print(f'{r["seconds"]:.4f} {r["requests_per_second"]:.0f} {r["result"]} {r["errors"]} {r["limit_seconds"]:.3f}')
PY
}

# section TITLE N C DELAY: one table row per strategy
section() {
    local title=$1 n=$2 c=$3 delay=$4
    local limit=n/a
    declare -A secs=() rates=() bad=()
    for st in $STRATEGIES; do crawl "$st" "$((c < n ? c : n))" "$c" "$delay" >/dev/null; done   # warm-up
    for r in $(seq "$REPEATS"); do
        for st in $STRATEGIES; do
            read -r t rps res err lim < <(crawl "$st" "$n" "$c" "$delay")
            log "  $title run $r $st: $t s, $rps req/s, result $res, errors $err"
            [ "$t" = n/a ] && continue
            limit=$lim
            secs[$st]="${secs[$st]:-} $t"; rates[$st]="${rates[$st]:-} $rps"
            [ "$res" = "$n" ] || bad[$st]="result $res"
        done
    done
    echo "## $title: N=$n, C=$c, delay $delay ms (limit $limit s), $REPEATS runs"
    echo
    echo "| strategy | median s | min s | max s | median/limit | median req/s | result |"
    echo "|---|---:|---:|---:|---:|---:|---|"
    for st in $STRATEGIES; do
        [ -n "${secs[$st]:-}" ] || { echo "| $st | failed | | | | | |"; continue; }
        # shellcheck disable=SC2086
        set -- ${secs[$st]}; local med; med=$(median "$@")
        local lo hi; lo=$(min_of "$@"); hi=$(max_of "$@")
        # shellcheck disable=SC2086
        set -- ${rates[$st]}
        printf '| %s | %.3f | %.3f | %.3f | %.3f | %.0f | %s |\n' "$st" "$med" "$lo" "$hi" \
            "$(awk -v a="$med" -v b="$limit" 'BEGIN { print a / b }')" "$(median "$@")" "${bad[$st]:-ok}"
    done
    echo
}

wrk_section() {
    local n=$(( WRK_SECONDS * 80000 )) crawler=() wrks=()
    for r in $(seq "$REPEATS"); do
        read -r t rps res err < <(crawl coroutine "$n" 100 0)
        log "  wrk section run $r coroutine: $rps req/s ($t s)"
        [ "$t" != n/a ] && crawler+=("$rps")
        local out; out=$(timeout $((WRK_SECONDS + 20)) "${CLI[@]}" wrk -t1 -c100 -d"${WRK_SECONDS}s" \
            "$BASE/add?name=wrk&delay=0" 2>&1 || true)
        local w; w=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
        log "  wrk section run $r wrk: ${w:-n/a} req/s"
        [ -n "$w" ] && wrks+=("$w")
    done
    echo "## delay 0, keep-alive, C=100: coroutine crawler (N=$n) vs wrk -t1 -c100 -d${WRK_SECONDS}s, $REPEATS runs"
    echo
    echo "| client | median req/s | min | max |"
    echo "|---|---:|---:|---:|"
    printf '| overlap crawl --strategy coroutine | %.0f | %.0f | %.0f |\n' "$(median "${crawler[@]}")" \
        "$(min_of "${crawler[@]}")" "$(max_of "${crawler[@]}")"
    printf '| wrk | %.0f | %.0f | %.0f |\n' "$(median "${wrks[@]}")" "$(min_of "${wrks[@]}")" "$(max_of "${wrks[@]}")"
    echo
    echo "crawler / wrk (medians): $(ratio "$(median "${crawler[@]}")" "$(median "${wrks[@]}")")"
    echo
}

echo "# overlap crawl benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), server: overlap serve, pinned: $PIN)"
echo
for s in $SECTIONS; do
    case $s in
        table81) section "Table 8-1" 1000 100 100 ;;
        c1000)   section "C=1,000" 10000 1000 100 ;;
        c10000)  section "C=10,000" 100000 10000 100 ;;
        wrk)     command -v wrk >/dev/null && wrk_section || note "wrk not installed: section skipped" ;;
        *)       die "unknown section $s" ;;
    esac
done

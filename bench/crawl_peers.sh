#!/usr/bin/env bash
# Crawler benchmark: the book's Python crawlers (aiohttp, gevent, tornado+curl) and,
# once it exists, `overlap crawl`, all against one delay server, next to the limit
# ceil(N/C) x delay (what a perfect crawler with C requests in flight would take).
#
# Cases (CASES="N:C ..."): the book's 1000:100 (Table 8-1) and 10000:1000.
# The server is `overlap serve`; while the binary is missing the book's tornado server
# stands in (noted in the output), which is itself a bottleneck at high concurrency.
# Knobs (env): CASES="1000:100 10000:1000" DELAY=100 REPEATS=3 CRAWL_TIMEOUT=120
#              SERVER=overlap|tornado|nginx (default: overlap if built, else tornado)
#              OVERLAP_STRATEGIES="..." (default: parsed from `overlap crawl --help`)
#              OVERLAP_BIN, PYTHON.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
bench_init

CASES=${CASES:-"1000:100 10000:1000"}
DELAY=${DELAY:-100}
REPEATS=${REPEATS:-3}
CRAWL_TIMEOUT=${CRAWL_TIMEOUT:-120}   # per crawler run, seconds

# ---------------------------------------------------------------- server
# SERVER=overlap|tornado|nginx picks one explicitly (nginx+echo shows the crawlers'
# own ceiling, since it is never the bottleneck); default: overlap if built.
SERVER_KIND=${SERVER:-}
if [ -z "$SERVER_KIND" ]; then
    if have_overlap; then SERVER_KIND=overlap; else
        SERVER_KIND=tornado
        note "$OVERLAP_BIN not found: using the book's tornado server instead;"
        note "its single Python thread limits the high-concurrency cases."
    fi
fi
case $SERVER_KIND in
    overlap) have_overlap || die "SERVER=overlap but $OVERLAP_BIN does not exist"
             start_server overlap "$OVERLAP_BIN" serve --host 127.0.0.1 --port 0 \
                 --metrics-file "$BENCH_TMP/metrics.json" || die "overlap serve did not start" ;;
    tornado) start_server tornado "$PY" "$BENCH_PEERS/tornado_server.py" --port 0 \
                 --metrics-file "$BENCH_TMP/metrics.json" || die "tornado server did not start" ;;
    nginx)   start_nginx "" || die "nginx did not start" ;;
    *)       die "SERVER must be overlap, tornado or nginx" ;;
esac
PORT=$SERVER_PORT

# ---------------------------------------------------------------- crawlers
# Each entry: a label and the command (the URL, -n and -c are appended per case).
CRAWLERS=(aiohttp gevent tornado)
crawler_cmd() {   # crawler_cmd LABEL -> prints nothing, fills CMD array
    case $1 in
        aiohttp|gevent|tornado) CMD=("$PY" "$BENCH_PEERS/${1}_crawler.py") ;;
        overlap:*) CMD=("$OVERLAP_BIN" crawl --strategy "${1#overlap:}") ;;
    esac
}

# ==== overlap crawl =========================================================
# `overlap crawl --url BASE -n N -c C --strategy NAME` prints `Result: X, Time: Y`.
# Added automatically once `overlap crawl --help` works. Strategy names come from
# OVERLAP_STRATEGIES, else from the help text (words listed on the --strategy line).
# Serial/blocking strategies are left out: N x delay would be 100 s or more here.
if have_overlap && "$OVERLAP_BIN" crawl --help >"$BENCH_TMP/crawl-help.txt" 2>&1; then
    if [ -z "${OVERLAP_STRATEGIES:-}" ]; then
        OVERLAP_STRATEGIES=$(grep -i -- '--strategy' "$BENCH_TMP/crawl-help.txt" |
            grep -o -E '[{(<\[][a-z0-9_|, -]+[])>}]' | tr -d '{}()<>[]' | tr '|,' '  ' |
            tr ' ' '\n' | grep -E '^[a-z][a-z0-9_-]+$' | sort -u | tr '\n' ' ' || true)
    fi
    for st in $OVERLAP_STRATEGIES; do
        case $st in
            serial|blocking|sync|requests) note "overlap:$st skipped (serial: N x delay)" ;;
            all) ;;   # `--strategy all` is every strategy in one run: each is listed on its own
            *) CRAWLERS+=("overlap:$st") ;;
        esac
    done
    if [ -z "${OVERLAP_STRATEGIES// /}" ]; then
        note "overlap crawl found but no strategy names; set OVERLAP_STRATEGIES=\"a b\""
    fi
else
    note "overlap crawl not available yet: only the Python crawlers run."
fi
# ============================================================================

# run_crawl LABEL N C -> prints "TIME RESULT" ("n/a n/a" on failure or timeout)
run_crawl() {
    local label=$1 n=$2 c=$3 out
    crawler_cmd "$label"
    local url="http://127.0.0.1:$PORT/add?name=${label//:/_}&delay=$DELAY&"
    if out=$(timeout "$CRAWL_TIMEOUT" "${CMD[@]}" --url "$url" -n "$n" -c "$c" 2>"$BENCH_TMP/crawl.err"); then :
    else log "  $label failed (rc=$?): $(tail -n 2 "$BENCH_TMP/crawl.err" | tr '\n' ' ')"; fi
    # `Result: 1000, Time: 1.1063`
    sed -n -E 's/^Result: *([0-9]+), *Time: *([0-9.]+).*/\2 \1/p' <<<"$out" | tail -n 1 | grep . ||
        echo "n/a n/a"
}

echo "# crawler benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, server: $SERVER_KIND, delay ${DELAY} ms, $REPEATS runs)"
echo
echo "| crawler | N | C | median s | min s | max s | limit s | median/limit | result |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
for case_ in $CASES; do
    n=${case_%:*}; c=${case_#*:}
    limit=$(awk -v n="$n" -v c="$c" -v d="$DELAY" 'BEGIN { k = int((n + c - 1) / c); printf "%.3f", k * d / 1000 }')
    declare -A times=() results=()
    # Interleave crawlers in each repeat so machine noise spreads over all of them.
    for r in $(seq "$REPEATS"); do
        for cr in "${CRAWLERS[@]}"; do
            read -r t res < <(run_crawl "$cr" "$n" "$c")
            log "  run $r $cr N=$n C=$c: ${t} s, result $res"
            if [ "$t" != n/a ]; then times[$cr]="${times[$cr]:-} $t"; fi
            results[$cr]="${results[$cr]:-} $res"
        done
    done
    for cr in "${CRAWLERS[@]}"; do
        # result check: every answer is "." so the sum must equal N
        ok="ok"
        for res in ${results[$cr]}; do [ "$res" = "$n" ] || ok="BAD(${res})"; done
        if [ -z "${times[$cr]:-}" ]; then
            echo "| $cr | $n | $c | failed | | | $limit | | $ok |"; continue
        fi
        # shellcheck disable=SC2086
        set -- ${times[$cr]}
        med=$(median "$@")
        printf '| %s | %s | %s | %.3f | %.3f | %.3f | %s | %s | %s |\n' "$cr" "$n" "$c" \
            "$med" "$(min_of "$@")" "$(max_of "$@")" "$limit" "$(ratio "$med" "$limit")" "$ok"
    done
    unset times results
done
echo
echo "limit = ceil(N/C) x delay. Book, Table 8-1 (N=1000, C=100): gevent 1.142 s, tornado 1.171 s, aiohttp 1.101 s."

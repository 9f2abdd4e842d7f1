#!/usr/bin/env bash
# HTTPS benchmark: `overlap crawl` against `overlap serve --tls-cert ...` in its own
# process, next to wrk on the same server in the same run, and plain HTTP before/after.
#
# Sections (SECTIONS="keepalive close table81 plain"):
#   keepalive  delay 0, keep-alive, C=100: coroutine crawler req/s vs wrk -t1 -c100 (goal >= 1.0)
#   close      delay 0, a new connection per request, C=100: coroutine crawler
#              --no-keepalive vs wrk -H 'Connection: close' (goal >= 1.2), with the
#              share of resumed handshakes of each (the server's /metrics for wrk)
#   table81    N=1000, C=100, 100 ms over HTTPS, every non-serial strategy (goal <= 1.02 s)
#   plain      http://, delay 0, N=20,000, C=100: coroutine and curl, this build vs
#              BASE_BIN (an overlap built before HTTPS came in), if given
# Rounds are interleaved (REPEATS) so noise spreads evenly; rows give median, min, max.
# Knobs (env): SECTIONS, REPEATS=5, WRK_SECONDS=5, PIN=1 (server on CPU 1, clients on
# CPU 0), OVERLAP_BIN, BASE_BIN. Installs wrk (Debian) if it is missing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/overlap-tls-bench.XXXXXX")
trap bench_cleanup EXIT
trap 'exit 130' INT
PY=python3

SECTIONS=${SECTIONS:-"keepalive close table81 plain"}
REPEATS=${REPEATS:-5}
WRK_SECONDS=${WRK_SECONDS:-5}
PIN=${PIN:-1}
BASE_BIN=${BASE_BIN:-}
have_overlap || die "$OVERLAP_BIN not found: build first (make build)"
if ! command -v wrk >/dev/null; then
    log "installing wrk"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
if [ "$PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    SRV=(taskset -c 1); CLI=(taskset -c 0)
else
    SRV=(); CLI=()
fi

bash "$BENCH_ROOT/tests/support/make_test_cert.sh" "$BENCH_TMP/tls" >/dev/null
CERT="$BENCH_TMP/tls/cert.pem"
start_server https "${SRV[@]}" "$OVERLAP_BIN" serve --host 127.0.0.1 --port 0 --tls-cert "$CERT" \
    --tls-key "$BENCH_TMP/tls/key.pem" --metrics-file "$BENCH_TMP/metrics.json" || die "overlap serve did not start"
HTTPS="https://127.0.0.1:$SERVER_PORT"

# crawl BIN BASE STRATEGY N C DELAY [ARGS...] -> "SECONDS REQ_PER_S RESULT ERRORS LIMIT HANDSHAKES RESUMED"
crawl() {
    local bin=$1 base=$2 st=$3 n=$4 c=$5 delay=$6 json="$BENCH_TMP/run.json"; shift 6
    rm -f "$json"
    if ! timeout 300 "${CLI[@]}" "$bin" crawl --url "$base/add?name=$st&delay=$delay&" -n "$n" -c "$c" \
            --strategy "$st" --json "$json" "$@" >/dev/null 2>"$BENCH_TMP/crawl.err"; then
        log "  $st failed: $(tail -n 1 "$BENCH_TMP/crawl.err")"
    fi
    "$PY" - "$json" <<'PY' 2>/dev/null || echo "n/a n/a n/a n/a n/a n/a n/a"
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]
t = r.get("tls", {"handshakes": 0, "resumed": 0})
lim = r["limit_seconds"]
print(f'{r["seconds"]:.4f} {r["requests_per_second"]:.0f} {r["result"]} {r["errors"]} '
      f'{lim if lim is not None else "n/a"} {t["handshakes"]} {t["resumed"]}')
PY
}

# The server's handshake counter for OUTCOME (full, resumed, failed).
handshakes() {
    curl -sk --max-time 10 "$HTTPS/metrics" | awk -v o="$1" '$1 == "overlap_tls_handshakes_total{outcome=\"" o "\"}" {print $2}'
}

# wrk_run ARGS... -> req/s
wrk_run() {
    timeout $((WRK_SECONDS + 30)) "${CLI[@]}" wrk -t1 -c100 -d"${WRK_SECONDS}s" "$@" 2>&1 |
        awk '/^Requests\/sec:/ {print $2}'
}

table() { # table NAME=VALUES... (values space separated)
    echo "| client | median req/s | min | max |"
    echo "|---|---:|---:|---:|"
    local row name values
    for row in "$@"; do
        name=${row%%=*}; values=${row#*=}
        # shellcheck disable=SC2086
        printf '| %s | %.0f | %.0f | %.0f |\n' "$name" "$(median $values)" "$(min_of $values)" "$(max_of $values)"
    done
}

keepalive_section() {
    local n=$(( WRK_SECONDS * 20000 )) crawler="" wrks=""
    crawl "$OVERLAP_BIN" "$HTTPS" coroutine 2000 100 0 --cacert "$CERT" >/dev/null # warm-up
    for r in $(seq "$REPEATS"); do
        read -r t rps _ err _ hs res < <(crawl "$OVERLAP_BIN" "$HTTPS" coroutine "$n" 100 0 --cacert "$CERT")
        log "  keepalive run $r coroutine: $rps req/s ($t s, errors $err, $hs handshakes)"
        [ "$t" != n/a ] && crawler+=" $rps"
        local w; w=$(wrk_run "$HTTPS/add?name=wrk&delay=0")
        log "  keepalive run $r wrk: ${w:-n/a} req/s"
        [ -n "$w" ] && wrks+=" $w"
    done
    echo "## HTTPS, keep-alive, delay 0, C=100: coroutine crawler (N=$n) vs wrk -t1 -c100 -d${WRK_SECONDS}s, $REPEATS runs"
    echo
    table "overlap crawl --strategy coroutine=$crawler" "wrk=$wrks"
    echo
    # shellcheck disable=SC2086
    echo "crawler / wrk (medians): $(ratio "$(median $crawler)" "$(median $wrks)") (goal >= 1.0)"
    echo
}

close_section() {
    local n=$(( WRK_SECONDS * 2000 )) crawler="" wrks="" our_hs=0 our_res=0 wrk_full=0 wrk_res=0
    for r in $(seq "$REPEATS"); do
        read -r t rps _ err _ hs res < <(crawl "$OVERLAP_BIN" "$HTTPS" coroutine "$n" 100 0 --cacert "$CERT" --no-keepalive)
        log "  close run $r coroutine: $rps req/s ($t s, errors $err, $hs handshakes, $res resumed)"
        [ "$t" != n/a ] && { crawler+=" $rps"; our_hs=$((our_hs + hs)); our_res=$((our_res + res)); }
        local f0 r0 f1 r1 w
        f0=$(handshakes full); r0=$(handshakes resumed)
        w=$(wrk_run -H 'Connection: close' "$HTTPS/add?name=wrk&delay=0")
        f1=$(handshakes full); r1=$(handshakes resumed)
        wrk_full=$((wrk_full + f1 - f0)); wrk_res=$((wrk_res + r1 - r0))
        log "  close run $r wrk: ${w:-n/a} req/s ($((f1 - f0)) full, $((r1 - r0)) resumed handshakes)"
        [ -n "$w" ] && wrks+=" $w"
    done
    echo "## HTTPS, a new connection per request, delay 0, C=100: coroutine crawler --no-keepalive (N=$n) vs wrk -H 'Connection: close', $REPEATS runs"
    echo
    table "overlap crawl --strategy coroutine --no-keepalive=$crawler" "wrk -H 'Connection: close'=$wrks"
    echo
    # shellcheck disable=SC2086
    echo "crawler / wrk (medians): $(ratio "$(median $crawler)" "$(median $wrks)") (goal >= 1.2)"
    echo "resumed handshakes: overlap $our_res of $our_hs ($(ratio "$((100 * our_res))" "$our_hs")%), wrk $wrk_res of $((wrk_full + wrk_res)) ($(ratio "$((100 * wrk_res))" "$((wrk_full + wrk_res))")%, the server's count)"
    echo
}

table81_section() {
    local secs rates
    declare -A secs=() rates=()
    for st in callback stackful curl coroutine; do crawl "$OVERLAP_BIN" "$HTTPS" "$st" 100 100 100 --cacert "$CERT" >/dev/null; done
    for r in $(seq "$REPEATS"); do
        for st in callback stackful curl coroutine; do
            read -r t rps res err lim hs _ < <(crawl "$OVERLAP_BIN" "$HTTPS" "$st" 1000 100 100 --cacert "$CERT")
            log "  table81 run $r $st: $t s, result $res, errors $err, $hs handshakes"
            [ "$t" = n/a ] && continue
            secs[$st]="${secs[$st]:-} $t"; rates[$st]="${rates[$st]:-} $rps"
        done
    done
    echo "## Table 8-1 over HTTPS: N=1000, C=100, delay 100 ms (limit 1.000 s), $REPEATS runs"
    echo
    echo "| strategy | median s | min s | max s | median/limit |"
    echo "|---|---:|---:|---:|---:|"
    for st in callback stackful curl coroutine; do
        # shellcheck disable=SC2086
        set -- ${secs[$st]:-}
        [ $# -gt 0 ] || { echo "| $st | failed | | | |"; continue; }
        printf '| %s | %.3f | %.3f | %.3f | %.3f |\n' "$st" "$(median "$@")" "$(min_of "$@")" "$(max_of "$@")" "$(median "$@")"
    done
    echo
}

plain_section() {
    stop_pid "$SERVER_PID"
    start_server plain "${SRV[@]}" "$OVERLAP_BIN" serve --host 127.0.0.1 --port 0 \
        --metrics-file "$BENCH_TMP/metrics.json" || die "overlap serve did not start"
    local plain="http://127.0.0.1:$SERVER_PORT" rows=() bins=("this:$OVERLAP_BIN")
    [ -n "$BASE_BIN" ] && bins+=("base:$BASE_BIN")
    declare -A rates=()
    for r in $(seq "$REPEATS"); do
        for b in "${bins[@]}"; do
            for st in coroutine curl; do
                read -r t rps _ err _ _ _ < <(crawl "${b#*:}" "$plain" "$st" 20000 100 0)
                log "  plain run $r ${b%%:*} $st: $rps req/s ($t s, errors $err)"
                [ "$t" != n/a ] && rates["${b%%:*} $st"]="${rates["${b%%:*} $st"]:-} $rps"
            done
        done
    done
    echo "## Plain HTTP, keep-alive, delay 0, N=20,000, C=100 (the same server, this build's): req/s, $REPEATS runs"
    echo
    for key in "this coroutine" "base coroutine" "this curl" "base curl"; do
        [ -n "${rates[$key]:-}" ] && rows+=("$key=${rates[$key]}")
    done
    table "${rows[@]}"
    echo
}

echo "# overlap HTTPS benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), $(openssl version | cut -d' ' -f1-2), pinned: $PIN)"
echo
for s in $SECTIONS; do
    case $s in
        keepalive) keepalive_section ;;
        close)     close_section ;;
        table81)   table81_section ;;
        plain)     plain_section ;;
        *)         die "unknown section $s" ;;
    esac
done

# shellcheck shell=bash
# shellcheck disable=SC2034  # globals (SERVER_PORT, PY, ...) are read by the sourcing script
# Shared helpers for the overlap benchmark scripts. Source it, then call bench_init.
#
#   here=$(cd "$(dirname "$0")" && pwd); . "$here/lib.sh"; bench_init
#
# Everything a script starts goes through start_server / start_nginx / bg_track, so
# the EXIT trap can stop all of it, whatever way the script ends.

BENCH_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(cd "$BENCH_LIB_DIR/.." && pwd)
BENCH_PEERS="$BENCH_LIB_DIR/peers"
# The C++ binary; may be overridden (e.g. a sanitizer build).
OVERLAP_BIN=${OVERLAP_BIN:-$BENCH_ROOT/build/bin/overlap}

BENCH_PIDS=()     # every background process we started, killed on exit
BENCH_TMP=""      # scratch dir (metrics files, server logs, nginx prefix)

log()  { printf '%s\n' "$*" >&2; }
note() { printf '> note: %s\n' "$*"; }
die()  { log "error: $*"; exit 1; }

# Stop every tracked process: SIGTERM first (graceful; nginx master takes its worker
# down with it), then SIGKILL whatever is still alive after ~3 s.
bench_cleanup() {
    local pid i
    for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for i in $(seq 30); do
        local alive=0
        for pid in "${BENCH_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${BENCH_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    BENCH_PIDS=()
    if [ -n "$BENCH_TMP" ] && [ -z "${BENCH_KEEP_TMP:-}" ]; then rm -rf "$BENCH_TMP"; fi
}

bench_init() {
    # 1000-connection wrk runs and the 10k-connection memory test need many fds.
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 20000 2>/dev/null || true
    BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/overlap-bench.XXXXXX")
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    pick_python
}

# The peers need tornado, aiohttp and gevent. A pyenv/venv python3 first on PATH
# often lacks the Debian packages, so try candidates and keep the first that has all.
pick_python() {
    local cand
    for cand in ${PYTHON:-} python3 /usr/bin/python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
           "$cand" -c 'import tornado, aiohttp, gevent' 2>/dev/null; then
            PY=$cand; return 0
        fi
    done
    die "no python3 with tornado, aiohttp and gevent (apt-get install python3-tornado python3-aiohttp python3-gevent, or set PYTHON=)"
}

have_overlap() { [ -x "$OVERLAP_BIN" ]; }

# Track an already started background process ($! of the caller).
bg_track() { BENCH_PIDS+=("$1"); }

# A port that was free a moment ago (used for nginx, which cannot report port 0).
free_port() {
    "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Wait until something accepts TCP connections on 127.0.0.1:$1 (timeout $2 s, default 10).
wait_port() {
    local port=$1 timeout=${2:-10}
    "$PY" - "$port" "$timeout" <<'EOF'
import socket, sys, time
port, deadline = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
EOF
}

# start_server NAME CMD...
# Runs CMD in the background (stdout -> $BENCH_TMP/NAME.out, stderr -> NAME.err) and
# waits up to 10 s for its first stdout line `listening on http[s]://HOST:PORT`.
# Sets SERVER_PID and SERVER_PORT (globals: a $(...) subshell could not track the pid).
start_server() {
    local name=$1; shift
    local out="$BENCH_TMP/$name.out" err="$BENCH_TMP/$name.err"
    : >"$out"
    "$@" >"$out" 2>"$err" &
    SERVER_PID=$!
    bg_track "$SERVER_PID"
    SERVER_PORT=""
    local i line
    for i in $(seq 200); do           # 200 x 50 ms = 10 s
        line=$(head -n 1 "$out" 2>/dev/null || true)
        if [[ $line =~ ^listening\ on\ https?://[^:/]+:([0-9]+) ]]; then
            SERVER_PORT=${BASH_REMATCH[1]}
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            log "$name exited before listening; stderr:"; tail -n 20 "$err" >&2
            return 1
        fi
        sleep 0.05
    done
    log "$name did not print 'listening on http://HOST:PORT' within 10 s; stdout/stderr:"
    head -n 5 "$out" >&2; tail -n 20 "$err" >&2
    return 1
}

# Where Debian's libnginx-mod-http-echo puts the module.
nginx_echo_module() {
    local m
    for m in ${NGINX_ECHO_MODULE:-} /usr/lib/nginx/modules/ngx_http_echo_module.so \
             /usr/share/nginx/modules/ngx_http_echo_module.so; do
        [ -f "$m" ] && { echo "$m"; return 0; }
    done
    return 1
}

# start_nginx [WRAPPER...]: nginx (1 worker) + echo module serving GET /add?delay=MS
# with body ".". Optional WRAPPER prefixes the command (e.g. `taskset -c 1`; the worker
# inherits the master's affinity). Sets SERVER_PID and SERVER_PORT. nginx can't listen
# on port 0 and report it, so pick a free port first (tiny race window; fine here).
start_nginx() {
    command -v nginx >/dev/null || { log "nginx not installed"; return 1; }
    local module; module=$(nginx_echo_module) || { log "echo module not found (libnginx-mod-http-echo)"; return 1; }
    local prefix="$BENCH_TMP/nginx" port; port=$(free_port)
    mkdir -p "$prefix"
    sed -e "s#@PREFIX@#$prefix#g" -e "s#@PORT@#$port#g" -e "s#@ECHO_MODULE@#$module#g" \
        "$BENCH_PEERS/nginx.conf.template" >"$prefix/nginx.conf"
    # An empty first argument means "no wrapper" (callers without one pass "").
    if [ -z "${1:-}" ]; then shift $(( $# > 0 ? 1 : 0 )); fi
    "$@" nginx -p "$prefix" -c "$prefix/nginx.conf" >"$BENCH_TMP/nginx.out" 2>"$BENCH_TMP/nginx.err" &
    SERVER_PID=$!
    bg_track "$SERVER_PID"
    if ! wait_port "$port" 10; then
        log "nginx did not start; error log:"; cat "$BENCH_TMP/nginx.err" "$prefix/error.log" >&2 2>/dev/null
        return 1
    fi
    SERVER_PORT=$port
}

# Stop one tracked server now (graceful, then forced) so it stops using the cores,
# and forget it so the exit trap never signals a recycled pid.
stop_pid() {
    local pid=$1 i p keep=()
    for p in "${BENCH_PIDS[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    BENCH_PIDS=("${keep[@]}")
    kill -TERM "$pid" 2>/dev/null || return 0
    for i in $(seq 30); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# median / stats over numbers given as arguments.
median() {
    printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
        if (NR == 0) { print "n/a"; exit }
        if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2 }'
}
min_of() { printf '%s\n' "$@" | sort -g | head -n 1; }
max_of() { printf '%s\n' "$@" | sort -g | tail -n 1; }

# ratio A B with 2 decimals, "n/a" when either is missing/zero.
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}

# HTTP GET body with a bounded time (used for flush).
http_get() { curl -fsS --max-time "${2:-30}" "$1"; }

# VmRSS in KiB of a pid.
vmrss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

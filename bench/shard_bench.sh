#!/usr/bin/env bash
# One run split over K processes on this machine against the same run in one process:
# does the split cost anything, and how close together do the shards begin?
# One `overlap serve --host 127.0.0.1 --port 0` serves every run. For each case, K and
# way of starting the shards, each repeat runs, in alternating order so that the
# machine's noise hits both alike:
#   one      overlap crawl --url URL -n N -c C                      (one process)
#   split    shards: K x overlap crawl --url URL --shard I/K --start-at T, then overlap merge
#            mpi:    mpirun -np K overlap crawl --mpi --url URL (rank 0 merges)
#   tagged   the same split, but with --urls LIST: LIST holds K lines, line I names
#            name=sI, and shard I makes requests I, I+K, ..., all of them line I; so the
#            server's own records (GET /add?flush=True) tell the shards apart, and the
#            first record of each name is that shard's first request as the server saw it.
#            (With --url all shards share one name; shards with different --url would be
#            different runs, which overlap merge refuses.)
# Figures: the merged run's seconds (earliest start to latest end) and the one process's;
# the start skew, max - min of the shards' started_at in the merged result; the server's
# first-request skew from the tagged run. Medians of REPEATS.
# Then, for the on-paper estimate beyond this machine: one process's req/s at delay 0
# (-c 100, keep-alive) and the bytes of one request and one answer on the wire.
#
# Knobs (env): CASES="1000:100 10000:1000" (N:C), KS="2 4", MODES="shards mpi",
#              REPEATS=5, DELAY_MS=100, LEAD_S=1.0 (--start-at this far ahead),
#              SECTIONS="split rank", RANK_N=50000, OVERLAP_BIN.
# Output: markdown on stdout, progress on stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/overlap-shard-bench.XXXXXX")
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
PY=python3 # only the standard library is needed here

CASES=${CASES:-"1000:100 10000:1000"}
KS=${KS:-"2 4"}
MODES=${MODES:-"shards mpi"}
REPEATS=${REPEATS:-5}
DELAY_MS=${DELAY_MS:-100}
LEAD_S=${LEAD_S:-1.0}
SECTIONS=${SECTIONS:-"split rank"}
RANK_N=${RANK_N:-50000}
have_overlap || die "$OVERLAP_BIN not found: build first (make build)"
MPIRUN=(mpirun --allow-run-as-root --oversubscribe)
# Containers often forbid the cross-memory attach Open MPI uses between local ranks.
export OMPI_MCA_btl_vader_single_copy_mechanism=none
if ! command -v mpirun >/dev/null && [[ " $MODES " == *" mpi "* ]]; then
    log "mpirun not found (openmpi-bin): the mpi runs are left out"
    MODES=${MODES//mpi/}
fi

start_server serve "$OVERLAP_BIN" serve --host 127.0.0.1 --port 0 || die "overlap serve did not start"
BASE="http://127.0.0.1:$SERVER_PORT"
URL="$BASE/add?name=x&delay=$DELAY_MS&"
W=$BENCH_TMP

# Empty the server's records (kept answers of a tagged run are read first).
reset_records() { http_get "$BASE/add?flush=True&reset=True" >"${1:-/dev/null}"; }
in_seconds() { awk -v now="$(date +%s.%N)" -v d="$1" 'BEGIN { printf "%.3f\n", now + d }'; }

# one N C -> seconds of one process's run, or n/a.
one() {
    local n=$1 c=$2
    rm -f "$W/one.json"
    timeout 120 "$OVERLAP_BIN" crawl --url "$URL" -n "$n" -c "$c" --json "$W/one.json" >/dev/null 2>"$W/one.err" ||
        log "  one process failed: $(tail -n 1 "$W/one.err")"
    reset_records
    "$PY" -c 'import json, sys; r = json.load(open(sys.argv[1]))["runs"][0]; print("%.4f" % r["seconds"] if r["errors"] == 0 else "n/a")' \
        "$W/one.json" 2>/dev/null || echo n/a
}

# split MODE K N C TARGET... -> the merged result in $W/all.json (TARGET: --url U or --urls F).
split() {
    local mode=$1 k=$2 n=$3 c=$4 i pids=() files=() status=0
    shift 4
    rm -f "$W"/shard-*.json "$W/all.json"
    if [ "$mode" = mpi ]; then
        timeout 120 "${MPIRUN[@]}" -np "$k" "$OVERLAP_BIN" crawl --mpi "$@" -n "$n" -c "$c" --json "$W/all.json" \
            >"$W/mpi.out" 2>"$W/mpi.err" || { log "  mpirun -np $k failed: $(tail -n 2 "$W/mpi.err")"; return 1; }
        return 0
    fi
    local at; at=$(in_seconds "$LEAD_S")
    for i in $(seq 0 $((k - 1))); do
        timeout 120 "$OVERLAP_BIN" crawl "$@" -n "$n" -c "$c" --shard "$i/$k" --start-at "$at" \
            --json "$W/shard-$i.json" >/dev/null 2>"$W/shard-$i.err" &
        pids+=($!)
        files+=("$W/shard-$i.json")
    done
    for i in "${pids[@]}"; do wait "$i" || status=1; done
    [ "$status" = 0 ] || { log "  a shard failed: $(cat "$W"/shard-*.err | tail -n 2)"; return 1; }
    "$OVERLAP_BIN" merge "${files[@]}" -o "$W/all.json" >"$W/merge.out" 2>&1 ||
        { log "  merge failed: $(tail -n 1 "$W/merge.out")"; return 1; }
}

# merged_figures [RECORDS K] -> "SECONDS START_SKEW_MS [SERVER_SKEW_MS]" of $W/all.json, or n/a.
merged_figures() {
    "$PY" - "$W/all.json" "$@" <<'PY' 2>/dev/null || echo n/a
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["errors"] == 0 and run["result"] == run["n"], run["errors"]
starts = [s["started_at"] for s in run["shards"]]
out = [f"{run['seconds']:.4f}", f"{(max(starts) - min(starts)) * 1000:.2f}"]
if len(sys.argv) > 2:
    records, k = json.load(open(sys.argv[2])), int(sys.argv[3])
    firsts = [min(r["start"] for r in records[f"s{i}"]) for i in range(k)]
    assert sum(len(records[f"s{i}"]) for i in range(k)) == run["n"]
    out.append(f"{(max(firsts) - min(firsts)) * 1000:.2f}")
print(" ".join(out))
PY
}

# A list whose line I names shard I: with --shard I/K (or rank I) every request is line I.
tag_list() {
    local k=$1 i
    for i in $(seq 0 $((k - 1))); do echo "$BASE/add?name=s$i&delay=$DELAY_MS&"; done >"$W/tags-$k.txt"
}

med() { if [ $# -eq 0 ]; then echo n/a; else median "$@"; fi; }
# shellcheck disable=SC2059  # the format is the caller's literal
fmt() { if [ "$2" = n/a ]; then echo n/a; else printf "$1" "$2"; fi; }

# ------------------------------------------------------------------------------- split
split_section() {
    local r cs n c k mode key
    declare -A ones=() splits=() pairs=() skews=() tagged=() server_skews=()
    for k in $KS; do tag_list "$k"; done
    # Warm-up: the server's first connections and the binary's pages.
    one 1000 100 >/dev/null
    for r in $(seq "$REPEATS"); do
        for cs in $CASES; do
            n=${cs%%:*}; c=${cs##*:}
            for k in $KS; do
                for mode in $MODES; do
                    key="$cs $k $mode"
                    local t_one t_split=n/a skew=n/a t_tag=n/a sskew=n/a
                    # Odd repeats: one process first; even: the split first.
                    if [ $((r % 2)) = 1 ]; then t_one=$(one "$n" "$c"); fi
                    if split "$mode" "$k" "$n" "$c" --url "$URL"; then read -r t_split skew < <(merged_figures); fi
                    reset_records
                    if [ $((r % 2)) = 0 ]; then t_one=$(one "$n" "$c"); fi
                    reset_records
                    if split "$mode" "$k" "$n" "$c" --urls "$W/tags-$k.txt"; then
                        reset_records "$W/records.json"
                        read -r t_tag _ sskew < <(merged_figures "$W/records.json" "$k")
                    else
                        reset_records
                    fi
                    log "  run $r N=$n C=$c K=$k $mode: one $t_one s, merged $t_split s (start skew $skew ms); tagged $t_tag s (server first-request skew $sskew ms)"
                    [ "$t_one" != n/a ] && ones[$key]+=" $t_one"
                    [ "$t_split" != n/a ] && { splits[$key]+=" $t_split"; skews[$key]+=" $skew"; }
                    [ "$t_one" != n/a ] && [ "$t_split" != n/a ] && pairs[$key]+=" $(ratio4 "$t_split" "$t_one")"
                    [ "$sskew" != n/a ] && { tagged[$key]+=" $t_tag"; server_skews[$key]+=" $sskew"; }
                done
            done
        done
    done

    echo "## One run over K processes vs one process: delay $DELAY_MS ms, medians of $REPEATS runs"
    echo
    echo "| N | C | K | started by | one process s (min-max) | K merged s (min-max) | merged / one | paired | within 2% | start skew ms | server first-request skew ms | tagged merged s |"
    echo "|---:|---:|---:|---|---:|---:|---:|---:|---|---:|---:|---:|"
    for cs in $CASES; do
        n=${cs%%:*}; c=${cs##*:}
        for k in $KS; do
            for mode in $MODES; do
                key="$cs $k $mode"
                local m_one m_split m_ratio how
                # shellcheck disable=SC2086
                m_one=$(med ${ones[$key]:-})
                # shellcheck disable=SC2086
                m_split=$(med ${splits[$key]:-})
                [ "$mode" = mpi ] && how="mpirun --mpi" || how="--shard + merge"
                # shellcheck disable=SC2086
                m_ratio=$(ratio4 "$m_split" "$m_one")
                # shellcheck disable=SC2086
                echo "| $n | $c | $k | $how | $(fmt %.3f "$m_one") ($(spread ${ones[$key]:-})) | $(fmt %.3f "$m_split") ($(spread ${splits[$key]:-})) | $m_ratio | $(fmt %.3f "$(med ${pairs[$key]:-})") | $(within2 "$m_ratio") | $(fmt %.2f "$(med ${skews[$key]:-})") | $(fmt %.2f "$(med ${server_skews[$key]:-})") | $(fmt %.3f "$(med ${tagged[$key]:-})") |"
            done
        done
    done
    echo
    echo "start skew: max - min of the shards' started_at in the merged result (runs[0].shards[*].started_at)."
    echo "server first-request skew: max - min over shards of the server's record of each shard's first request (the tagged run, --urls with name=sI per shard)."
    echo "merged / one: the ratio of the medians; paired: the median of each repeat's merged / one (the two ran back to back)."
    echo "within 2%: the issue's goal, 0.98 <= merged / one <= 1.02."
    echo
}

# spread VALUES... -> "min-max" with 3 decimals, or n/a.
spread() { if [ $# -eq 0 ]; then echo n/a; else printf '%.3f-%.3f' "$(min_of "$@")" "$(max_of "$@")"; fi; }
within2() { awk -v r="$1" 'BEGIN { if (r == "n/a") print "n/a"; else print (r >= 0.98 && r <= 1.02) ? "yes" : "no" }'; }
ratio4() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }

# -------------------------------------------------------------------------------- rank
# The bytes of one request as the crawler sends it and one answer as the server writes
# it: a one-shot listener records the request and relays it to the server.
wire_bytes() {
    "$PY" - "$OVERLAP_BIN" "$SERVER_PORT" "$DELAY_MS" <<'PY'
import socket, subprocess, sys, threading
binary, port, delay_ms = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def read_message(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            while len(body) < int(value):
                body += sock.recv(65536)
    return head + b"\r\n\r\n" + body
listener = socket.create_server(("127.0.0.1", 0))
sizes = {}
def relay():
    client, _ = listener.accept()
    request = read_message(client)
    upstream = socket.create_connection(("127.0.0.1", port))
    upstream.sendall(request)
    answer = read_message(upstream)
    client.sendall(answer)
    sizes["request"], sizes["answer"] = len(request), len(answer)
    client.close(); upstream.close()
thread = threading.Thread(target=relay)
thread.start()
url = f"http://127.0.0.1:{listener.getsockname()[1]}/add?name=x&delay={delay_ms}&"
subprocess.run([binary, "crawl", "--url", url, "-n", "1", "-c", "1"], check=True, capture_output=True, timeout=30)
thread.join(30)
print(sizes["request"], sizes["answer"])
PY
}

rank_section() {
    local r rates=() rps
    for r in $(seq 0 "$REPEATS"); do # run 0 is the warm-up
        rm -f "$W/rank.json"
        timeout 120 "$OVERLAP_BIN" crawl --url "$BASE/add?name=rank&delay=0&" -n "$RANK_N" -c 100 --json "$W/rank.json" \
            >/dev/null 2>"$W/rank.err" || log "  rank run $r failed: $(tail -n 1 "$W/rank.err")"
        reset_records
        rps=$("$PY" -c 'import json, sys; r = json.load(open(sys.argv[1]))["runs"][0]; print("%.0f" % (r["n"] / r["seconds"]) if r["errors"] == 0 else "n/a")' \
            "$W/rank.json" 2>/dev/null || echo n/a)
        log "  rank run $r: $rps req/s"
        [ "$r" -gt 0 ] && [ "$rps" != n/a ] && rates+=("$rps")
    done
    local req ans
    read -r req ans < <(wire_bytes)
    echo "## One process, delay 0, -c 100, N=$RANK_N, keep-alive (the server on the same 2 cores), $REPEATS runs"
    echo
    echo "| median req/s | min | max |"
    echo "|---:|---:|---:|"
    echo "| $(fmt %.0f "$(med "${rates[@]}")") | $(min_of "${rates[@]}") | $(max_of "${rates[@]}") |"
    echo
    echo "HTTP bytes of one request (crawler to server, the case's URL): $req; of one answer (delay $DELAY_MS ms): $ans"
    echo
}

echo "# overlap: one run over K processes ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r), load at start:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /'))"
echo
for s in $SECTIONS; do
    case $s in
        split) split_section ;;
        rank)  rank_section ;;
        *)     die "unknown section $s" ;;
    esac
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"

# What the CLI tests share; each sources it after setting `overlap` (the binary):
# a scratch directory removed at exit with any server still running, fail, and an
# `overlap serve` in the background bound to 127.0.0.1 on a free port.
work=$(mktemp -d)
server_pid=""
server_out="$work/serve.out"

fail() { echo "FAIL: $*" >&2; exit 1; }

# start_server ARGS...: `overlap serve --port 0 ARGS...` in the background; waits at most
# 5 s for it to listen, then sets server_pid and base (http://127.0.0.1:PORT). Its
# output goes to $server_out.
start_server() {
  "$overlap" serve --port 0 "$@" >"$server_out" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q "^listening on " "$server_out" 2>/dev/null && break; sleep 0.05; done
  base=$(sed -n 's/^listening on //p' "$server_out" | head -n 1)
  [ -n "$base" ] || fail "the server did not start: $(cat "$server_out")"
}

# stop_server: stops the server start_server started (SIGTERM: it writes its files) and
# waits for it to end.
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

cleanup_common() {
  stop_server
  rm -rf "$work"
}
trap cleanup_common EXIT

# in_seconds S: the Unix time S seconds from now, to the millisecond (for --start-at).
in_seconds() { python3 -c "import time, sys; print(f'{time.time() + float(sys.argv[1]):.3f}')" "$1"; }

# start_bound_ms K: how far apart K shards' (or ranks') first requests may reach the
# server. 5 ms while the shards fit the cores (measured: at most 3.4 ms in 20 runs of 2
# shards on 2 cores); with more shards than cores, or a sanitizer's slower start, they
# take turns on the cores (measured up to 6.5 ms for 4 shards on 2 cores): 25 ms.
start_bound_ms() {
  if [ "$1" -le "$(nproc)" ] && [ -z "${OVERLAP_SANITIZED:-}" ]; then echo 5; else echo 25; fi
}

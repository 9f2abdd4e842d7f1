#!/usr/bin/env bash
# Every command the README shows runs as written: each `$ build/bin/...` and `$ curl`
# line of its examples (and `$ printf`, which writes a file the next command reads),
# in order, in a scratch directory where build/bin is this
# build's, so that files one command writes feed the next (the report reads what
# crawl, sweep and workload wrote). Sizes are made small (-n, --difficulty, the
# examples' counts); `serve` runs in the background and the curl lines are pointed at
# its port.
set -euo pipefail
bin_dir=$1
readme=$2
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$work/build"
ln -s "$bin_dir" "$work/build/bin"
cd "$work"

small() {
  sed -E -e 's/ -n [0-9]+/ -n 20/' -e 's/--difficulty [0-9]+/--difficulty 4/' \
    -e 's/^(build\/bin\/example_8_[0-9]_[a-z_]+) [0-9]+/\1 10/'
}
mapfile -t commands < <(grep -E '^\$ (build/bin/|curl |printf )' "$readme" | sed 's/^\$ //')
[ "${#commands[@]}" -ge 12 ] || fail "found only ${#commands[@]} commands in the README"
port=""
for command in "${commands[@]}"; do
  line=$(printf '%s\n' "$command" | small)
  if [[ "$line" == "build/bin/overlap serve"* ]]; then
    bash -c "$line" >"$work/serve.out" 2>&1 &
    server_pid=$!
    for _ in $(seq 100); do grep -q "^listening on " "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
    port=$(sed -n 's/^listening on http:\/\/127.0.0.1://p' "$work/serve.out")
    [ -n "$port" ] || fail "'$command' printed: $(cat "$work/serve.out")"
    echo "ok: $command"
    continue
  fi
  if [[ "$line" == curl* || "$line" == printf* ]]; then
    [ -n "$port" ] || fail "a curl or printf line before the serve line: $command"
    line=$(printf '%s\n' "$line" | sed -E "s/127\.0\.0\.1:[0-9]+/127.0.0.1:$port/g")
  fi
  status=0
  timeout 120 bash -c "$line" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 0 ] || fail "'$command' (run as '$line') exited $status: $(tail -n 3 "$work/err")"
  [[ "$line" == printf* ]] || [ -s "$work/out" ] || fail "'$command' printed nothing"
  echo "ok: $command"
done

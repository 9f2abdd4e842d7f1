#!/usr/bin/env bash
# A run over 2 s shows a progress line with an ETA on a terminal (crawl, workload and
# each sweep point), and none when standard error is a file.
set -euo pipefail
overlap=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# `on_terminal FILE CMD...`: runs CMD with a pseudo-terminal as its output.
on_terminal() {
  local file=$1
  shift
  script -qec "$(printf '%q ' "$@")" /dev/null >"$file" </dev/null
}
on_terminal "$work/crawl" "$overlap" crawl -n 60 -c 2 --delay 100
grep -q "coroutine: [0-9]*/60 ([0-9]*%).*ETA [0-9.]* s" "$work/crawl" || fail "crawl: $(cat -v "$work/crawl")"
on_terminal "$work/workload" "$overlap" workload --mode serial -n 30 --difficulty 4 --post-delay 100
grep -q "serial: [0-9]*/30 .*ETA [0-9.]* s" "$work/workload" || fail "workload: $(cat -v "$work/workload")"
on_terminal "$work/sweep" "$overlap" sweep --delays 100 -n 30 -c 1
grep -q "point: [0-9]*/30 .*ETA [0-9.]* s" "$work/sweep" || fail "sweep: $(cat -v "$work/sweep")"
echo "ok: progress lines with an ETA on a terminal"

"$overlap" crawl -n 60 -c 2 --delay 100 >/dev/null 2>"$work/err"
[ ! -s "$work/err" ] || fail "progress written to a file: $(cat -v "$work/err")"
echo "ok: none when standard error is a file"

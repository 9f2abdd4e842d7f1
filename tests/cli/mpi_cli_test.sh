#!/usr/bin/env bash
# One crawl as K MPI ranks (mpirun -np K overlap crawl --mpi) against one overlap
# serve: rank 0 merges the exact result of the whole run, the server saw at most C in
# flight, the ranks' first requests reached it within 5 ms of each other (each rank
# names itself in the URL: name=r{shard}); ranks with lists of their own (--urls
# list-{shard}.txt) merge exactly too; a rank whose target cannot be reached does not
# hang the others: the run ends and the merged result says which rank failed and why.
set -euo pipefail
overlap=$1
source "$(dirname "$0")/common.sh"
mpirun=(mpirun --allow-run-as-root --oversubscribe)
# Containers often forbid the cross-memory attach Open MPI uses between local ranks.
export OMPI_MCA_btl_vader_single_copy_mechanism=none

start_server
n=203
c=12
url="$base/add?name=r{shard}&delay=20&" # each rank's requests recorded under its own name

for k in 2 4; do
  curl -s "$base/add?flush=True&reset=True" >/dev/null
  timeout 60 "${mpirun[@]}" -np $k "$overlap" crawl --mpi --url "$url" -n $n -c $c --json "$work/all$k.json" \
    --timeline "$work/timeline$k.csv" >"$work/out$k" 2>"$work/err$k" || fail "mpirun -np $k: $(cat "$work/err$k" "$work/out$k")"
  grep -q "^merged, $k ranks:$" "$work/out$k" || fail "rank 0 says it merged: $(cat "$work/out$k")"
  sed -n '/^merged/,$p' "$work/out$k" >"$work/merged$k"
  grep -q "^Result: $n, Time: [0-9.]*$" "$work/merged$k" || fail "merged Result line: $(cat "$work/out$k")"
  grep -q "^coroutine: n=$n c=$c delay=20 ms: .* errors 0$" "$work/merged$k" || fail "merged summary: $(cat "$work/out$k")"
  [ "$(grep -c '^  rank [0-9]*: ' "$work/merged$k")" -eq "$k" ] || fail "the ranks are listed: $(cat "$work/out$k")"
  curl -s "$base/add?flush=True" >"$work/records$k.json"
  python3 - "$work/all$k.json" "$k" "$n" "$c" <<'PY' ||
import json, sys
merged_file, k, n, c = sys.argv[1:]
k, n, c = int(k), int(n), int(c)
run = json.load(open(merged_file))["runs"][0]
assert run["n"] == n and run["result"] == n and run["succeeded"] == n and run["failed"] == 0, run
assert run["concurrency"] == c and run["statuses"] == {"200": n}, run
assert all(v == 0 for v in run["errors_by_kind"].values()), run["errors_by_kind"]
assert [s["index"] for s in run["shards"]] == list(range(k)), run["shards"]
assert run["latency_histogram"]["count"] == n
starts = [s["started_at"] for s in run["shards"]]
skew_ms = (max(starts) - min(starts)) * 1000
assert skew_ms < 50, starts
PY
    fail "merged result of $k ranks"
  python3 "$(dirname "$0")/shard_checks.py" "$work/all$k.json" "$work/records$k.json" "$work/timeline$k.csv" r $c \
    "$(start_bound_ms $k)" || fail "$k ranks as the server and the merged timeline saw them"
done
echo "ok: 2 and 4 ranks merge into the exact result of the run"

# Each rank its own list: rank 0 has 3 URLs, rank 1 has 5, each fetched once.
for i in 0 1; do
  for _ in $(seq $((3 + 2 * i))); do echo "$base/add?name=l$i&delay=5&"; done >"$work/list-$i.txt"
done
curl -s "$base/add?flush=True&reset=True" >/dev/null
timeout 60 "${mpirun[@]}" -np 2 "$overlap" crawl --mpi --urls "$work/list-{shard}.txt" -c 4 --json "$work/own.json" \
  >"$work/out-own" 2>"$work/err-own" || fail "mpirun with list-{shard}.txt: $(cat "$work/err-own" "$work/out-own")"
curl -s "$base/add?flush=True" >"$work/records-own.json"
python3 - "$work/own.json" "$work/records-own.json" <<'PY' || fail "merged result of ranks with their own lists"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["n"] == 8 and run["result"] == 8 and run["failed"] == 0, run
assert [s["n"] for s in run["shards"]] == [3, 5], run["shards"]
records = json.load(open(sys.argv[2]))
assert {name: len(r) for name, r in records.items()} == {"l0": 3, "l1": 5}, records.keys()
PY
echo "ok: ranks with lists of their own (list-{shard}.txt) merge into the sum of their requests"

# Three ranks, no list-2.txt: rank 2 cannot read its list, the others' run is merged.
status=0
timeout 60 "${mpirun[@]}" -np 3 "$overlap" crawl --mpi --urls "$work/list-{shard}.txt" -c 4 --json "$work/own3.json" \
  >"$work/out-own3" 2>"$work/err-own3" || status=$?
[ "$status" -eq 1 ] || fail "a rank without its list: exit $status, not 1: $(cat "$work/err-own3")"
grep -q "rank 2 failed: cannot read URL list '.*/list-2.txt'" "$work/err-own3" || fail "which rank: $(cat "$work/err-own3")"
python3 -c 'import json, sys; run = json.load(open(sys.argv[1]))["runs"][0]; assert run["n"] == 8, run' \
  "$work/own3.json" || fail "the ranks that had their lists are merged"
echo "ok: a rank without its own list is named, the others' run is merged"

# Rank 1's host does not resolve: its run throws, it still reaches the gather.
status=0
timeout 60 "${mpirun[@]}" -np 2 bash -c 'u=$1; [ "$OMPI_COMM_WORLD_RANK" = 1 ] && u="http://no-such-host.invalid/x"
  exec "$0" crawl --mpi --url "$u" -n 40 -c 4 --json "$2"' "$overlap" "$url" "$work/failed.json" \
  >"$work/out" 2>"$work/err" || status=$?
[ "$status" -ne 124 ] || fail "a failed rank hung the run"
[ "$status" -ne 0 ] || fail "a failed rank is a failed run"
grep -q "rank 1 failed: cannot resolve host 'no-such-host.invalid'" "$work/err" || fail "which rank, and why: $(cat "$work/err")"
python3 - "$work/failed.json" <<'PY' || fail "the merged result of a run with a failed rank: $(cat "$work/out")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
shards = run["shards"]
assert shards[0]["n"] == 20 and shards[0]["succeeded"] == 20 and "error" not in shards[0], shards
assert shards[1]["n"] == 0 and "cannot resolve host" in shards[1]["error"], shards
assert run["n"] == 20 and run["result"] == 20, run
PY
echo "ok: a failed rank ends the run and is named in the merged result"

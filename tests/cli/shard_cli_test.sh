#!/usr/bin/env bash
# One run spread over shards started as separate processes (overlap crawl --shard I/K
# --start-at TIME), merged by overlap merge: the merged result is exactly the run's,
# the server saw at most C in flight, the shards' first requests reached it within
# 5 ms of each other (each shard names itself in the URL: name=s{shard}); shards with
# lists of their own (--urls list-{shard}.txt) merge exactly too; and the mistakes (a
# shard that does not exist, a missing shard, results of different runs, {shard}
# without --shard) get one clear line and exit 2.
set -euo pipefail
overlap=$1
source "$(dirname "$0")/common.sh"

expect_usage_error() { # COMMAND WORDS ARGS...: exit 2, one line on stderr that holds WORDS
  local command=$1 words=$2 status=0
  shift 2
  "$overlap" "$command" "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" -eq 2 ] || fail "'$command $*' exited $status, not 2: $(cat "$work/err")"
  [ "$(wc -l <"$work/err")" -eq 1 ] || fail "'$command $*' printed more than one line: $(cat "$work/err")"
  grep -q -- "$words" "$work/err" || fail "'$command $*' does not say '$words': $(cat "$work/err")"
}

expect_usage_error crawl "the index must be below the count" -n 10 --shard 3/2
expect_usage_error crawl "expected INDEX/COUNT" -n 10 --shard 3
expect_usage_error crawl "JOB_COMPLETION_INDEX is not set" -n 10 --shard auto/2
expect_usage_error crawl "one strategy" -n 10 --shard 0/2 --strategy all
expect_usage_error crawl "each needs at least one request" -n 3 --shard 0/4
expect_usage_error crawl "RFC 3339" -n 10 --start-at tomorrow
expect_usage_error crawl "the other shards have begun" -n 10 --start-at "$(in_seconds -60)"
expect_usage_error crawl "at most 3600 s ahead" -n 10 --start-at "$(in_seconds 7200)"
expect_usage_error merge "cannot read result file" "$work/missing.json"
expect_usage_error crawl "--urls $work/list-{shard}.txt: {shard} is the shard's index, so it needs --shard" \
  --urls "$work/list-{shard}.txt"
expect_usage_error crawl "needs --shard I/K (or --mpi)" --url "http://127.0.0.1:1/add?name=s{shard}&delay=1&"
expect_usage_error crawl "needs --shard" --url "http://127.0.0.1:1/" --body-file "$work/body-{shard}"
echo "ok: bad shards and start times are refused with one line"

# JOB_COMPLETION_INDEX, as a Kubernetes Indexed Job sets it, chooses the shard.
JOB_COMPLETION_INDEX=1 "$overlap" crawl -n 11 -c 4 --delay 1 --shard auto/2 --json "$work/auto.json" >"$work/out"
python3 - "$work/auto.json" <<'PY' || fail "auto/2 with JOB_COMPLETION_INDEX=1: $(cat "$work/out")"
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
assert run["shard"]["index"] == 1 and run["shard"]["count"] == 2, run["shard"]
assert run["shard"]["n"] == 11 and run["n"] == 5 and run["concurrency"] == 2, run
assert run["shard"]["target"] == "embedded", run["shard"]
PY
echo "ok: --shard auto/2 takes the index from JOB_COMPLETION_INDEX"

start_server --metrics-file "$work/m.json"
n=203
c=12
url="$base/add?name=s{shard}&delay=20&" # each shard's requests recorded under its own name

for k in 2 4; do
  curl -s "$base/add?flush=True&reset=True" >/dev/null
  start=$(in_seconds 1.5)
  pids=()
  for i in $(seq 0 $((k - 1))); do
    "$overlap" crawl --url "$url" -n $n -c $c --shard "$i/$k" --start-at "$start" --json "$work/k$k-$i.json" \
      --timeline "$work/t$k-$i.json" >"$work/k$k-$i.out" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "a shard of $k failed: $(cat "$work"/k$k-*.out)"; done
  files=()
  timelines=()
  for i in $(seq 0 $((k - 1))); do files+=("$work/k$k-$i.json") && timelines+=("$work/t$k-$i.json"); done
  "$overlap" merge "${files[@]}" "${timelines[@]}" -o "$work/all$k.json" --timeline "$work/timeline$k.csv" \
    >"$work/merge$k.out" || fail "merge of $k: $(cat "$work/merge$k.out")"
  grep -q "^Result: $n, Time: [0-9.]*$" "$work/merge$k.out" || fail "merged Result line: $(cat "$work/merge$k.out")"
  grep -q "^coroutine: n=$n c=$c delay=20 ms: .* errors 0$" "$work/merge$k.out" ||
    fail "merged summary: $(cat "$work/merge$k.out")"
  [ "$(grep -c '^  shard [0-9]*: ' "$work/merge$k.out")" -eq "$k" ] || fail "the shards are listed"
  curl -s "$base/add?flush=True" >"$work/records$k.json"
  python3 - "$work/all$k.json" "$k" "$n" "$c" "$start" "${files[@]}" <<'PY' ||
import json, sys
merged_file, k, n, c, start, *shards = sys.argv[1:]
k, n, c, start = int(k), int(n), int(c), float(start)
doc = json.load(open(merged_file))
assert doc["command"] == "crawl" and doc["kind"] == "result", doc["kind"]
run = doc["runs"][0]
assert run["n"] == n and run["result"] == n and run["succeeded"] == n and run["failed"] == 0, run
assert run["concurrency"] == c and run["statuses"] == {"200": n}, run
assert all(v == 0 for v in run["errors_by_kind"].values()), run["errors_by_kind"]
assert [s["index"] for s in run["shards"]] == list(range(k)), run["shards"]
assert sum(s["n"] for s in run["shards"]) == n
# The merged histogram is the sum of the shards' bucket by bucket, its count n.
total = {}
for name in shards:
    part = json.load(open(name))["runs"][0]
    assert part["shard"]["count"] == k and part["shard"]["n"] == n, part["shard"]
    for value, count in part["latency_histogram"]["buckets"]:
        total[value] = total.get(value, 0) + count
merged = {value: count for value, count in run["latency_histogram"]["buckets"]}
assert merged == total and run["latency_histogram"]["count"] == n, (merged, total)
# Percentiles from the merged buckets, nearest rank: what the file's p50 and p99 say.
def percentile(p):
    rank, seen = max(1, -(-p * n // 100)), 0
    for value, count in sorted(merged.items()):
        seen += count
        if seen >= rank:
            return value
assert abs(run["latency_ms"]["p50"] - percentile(50) / 1000) < 0.05, (run["latency_ms"], percentile(50))
assert abs(run["latency_ms"]["p99"] - percentile(99) / 1000) < 0.05, (run["latency_ms"], percentile(99))
# The shards began together, at the common start.
starts = [s["started_at"] for s in run["shards"]]
skew_ms = (max(starts) - min(starts)) * 1000
assert skew_ms < 50, starts
assert abs(min(starts) - start) < 0.05, (starts, start)
PY
    fail "merged result of $k shards: $(cat "$work/merge$k.out")"
  python3 "$(dirname "$0")/shard_checks.py" "$work/all$k.json" "$work/records$k.json" "$work/timeline$k.csv" s $c \
    "$(start_bound_ms $k)" "${timelines[@]}" || fail "$k shards as the server and the merged timeline saw them"
done
echo "ok: 2 and 4 shards merge into the exact result of the run"

# Each shard its own list (--urls list-{shard}.txt), not a slice of one: shard 0 has 3
# URLs, shard 1 has 5. Without -n each fetches its list once (the run's n is the sum, 8);
# with -n 20 each makes its 10, cycling its own list.
for i in 0 1; do
  for _ in $(seq $((3 + 2 * i))); do echo "$base/add?name=l$i&delay=5&"; done >"$work/list-$i.txt"
done
expect_usage_error crawl "list-2.txt" --urls "$work/list-{shard}.txt" --shard 2/3
expect_usage_error crawl "body-1" --url "$base/add?name=b&delay=1&" --body-file "$work/body-{shard}" --shard 1/2
for n_option in "" "-n 20"; do
  curl -s "$base/add?flush=True&reset=True" >/dev/null
  start=$(in_seconds 1)
  pids=()
  for i in 0 1; do
    # shellcheck disable=SC2086 # n_option is empty or two words
    "$overlap" crawl --urls "$work/list-{shard}.txt" $n_option -c 4 --shard "$i/2" --start-at "$start" \
      --json "$work/own${n_option// /}-$i.json" >"$work/own-$i.out" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || fail "a shard with its own list failed: $(cat "$work"/own-*.out)"; done
  "$overlap" merge "$work/own${n_option// /}-0.json" "$work/own${n_option// /}-1.json" -o "$work/own-all.json" \
    >"$work/own-merge.out" || fail "merge of shards with their own lists: $(cat "$work/own-merge.out")"
  curl -s "$base/add?flush=True" >"$work/own-records.json"
  python3 - "$work/own-all.json" "$work/own-records.json" "$work/own${n_option// /}-0.json" "$n_option" <<'PY' ||
import json, sys
merged_file, records_file, shard0_file, n_option = sys.argv[1:]
by_shard = [10, 10] if n_option else [3, 5]  # -n 20 split in two; else each list once
run = json.load(open(merged_file))["runs"][0]
assert run["n"] == sum(by_shard) and run["result"] == sum(by_shard) and run["failed"] == 0, run
assert [s["n"] for s in run["shards"]] == by_shard, run["shards"]
assert run["concurrency"] == 4 and run["latency_histogram"]["count"] == sum(by_shard), run
shard = json.load(open(shard0_file))["runs"][0]["shard"]
assert shard["target"].startswith("urls per shard ") and shard["target"].endswith("/list-{shard}.txt"), shard
assert shard["n"] == (20 if n_option else None), shard  # no shard knows the other's list
records = json.load(open(records_file))
assert {name: len(r) for name, r in records.items()} == {"l0": by_shard[0], "l1": by_shard[1]}, records.keys()
print(f"own lists {n_option or 'once'}: n {run['n']} = {' + '.join(map(str, by_shard))}, as the server counted")
PY
    fail "merged result of shards with their own lists: $(cat "$work/own-merge.out")"
done
expect_usage_error merge "different runs" "$work/own-0.json" "$work/own-n20-1.json"
expect_usage_error merge "different runs" "$work/own-0.json" "$work/k2-1.json"
echo "ok: shards with lists of their own merge into the exact sum of their requests"

# Bounded by --duration only: no shard knows the run's n, the merge adds what each made.
for i in 0 1; do
  "$overlap" crawl --url "$base/add?name=d&delay=5&" --duration 0.3 -c 4 --shard "$i/2" --json "$work/d$i.json" \
    >/dev/null || fail "a --duration shard failed"
done
"$overlap" merge "$work/d0.json" "$work/d1.json" -o "$work/d.json" >"$work/d.out" ||
  fail "merge of --duration shards: $(cat "$work/d.out")"
python3 - "$work/d.json" "$work/d0.json" "$work/d1.json" <<'PY' || fail "merged result of --duration shards"
import json, sys
merged, *parts = [json.load(open(name))["runs"][0] for name in sys.argv[1:]]
assert all(p["shard"]["n"] is None for p in parts), [p["shard"] for p in parts]
assert merged["n"] == sum(p["n"] for p in parts) > 0 and merged["failed"] == 0, merged
PY
echo "ok: shards bounded by --duration merge into the sum of their requests"

"$overlap" report "$work/all4.json" -o "$work/report.html" >/dev/null || fail "overlap report draws a merged result"
[ -s "$work/report.html" ] || fail "the report page is written"
echo "ok: overlap report draws the merged result"

expect_usage_error merge "shard 2 of 4 is missing" "$work/k4-0.json" "$work/k4-1.json" "$work/k4-3.json"
expect_usage_error merge "shard 1 of 4 is given twice" "$work/k4-0.json" "$work/k4-1.json" "$work/k4-1.json" \
  "$work/k4-3.json"
expect_usage_error merge "shard counts 2 and 4" "$work/k2-0.json" "$work/k4-1.json"
"$overlap" crawl --url "$base/add?name=other&delay=21&" -n $n -c $c --shard 0/2 --json "$work/other.json" >/dev/null
expect_usage_error merge "different runs" "$work/other.json" "$work/k2-1.json"
expect_usage_error merge "cannot be merged again" "$work/all2.json"
# Timelines: each must have its shard's result, of the same run; none may be missing.
expect_usage_error merge "name the merged timeline's file" "$work/k2-0.json" "$work/k2-1.json" "$work/t2-0.json" \
  "$work/t2-1.json"
expect_usage_error merge "shard 1 of 2) is missing" "$work/k2-0.json" "$work/k2-1.json" "$work/t2-0.json" \
  --timeline "$work/t.csv"
expect_usage_error merge "matches no result given" "$work/k2-0.json" "$work/k2-1.json" "$work/t2-0.json" \
  "$work/t4-1.json" --timeline "$work/t.csv"
expect_usage_error merge "given twice" "$work/k2-0.json" "$work/k2-1.json" "$work/t2-0.json" "$work/t2-0.json" \
  --timeline "$work/t.csv"
[ ! -e "$work/t.csv" ] || fail "a refused merge wrote a timeline"
echo "ok: a missing shard, results of different runs and unmatched timelines are refused"

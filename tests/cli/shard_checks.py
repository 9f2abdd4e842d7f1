"""What the shard and MPI tests check of a merged run, from both sides.

usage: shard_checks.py MERGED_JSON RECORDS_JSON TIMELINE_CSV NAME_PREFIX C BOUND_MS [SHARD_TIMELINE_JSON...]

- the server's own records (GET /add?flush=True, by name; shard i named PREFIX + i):
  every request made, never more than C in flight at once, the shards' first requests
  within BOUND_MS of each other;
- the merged timeline (CSV): every request of the run once, numbered as the run's
  (shard i makes requests i, i+K, ...), each with its shard, each shard's first send
  within BOUND_MS after its own start on the run's clock; given the shards' own
  timelines (0 to K-1), each shard's spans are exactly its own, moved by its start's
  distance from the earliest.
Prints one line of figures; exits non-zero, saying what failed, otherwise.
"""
import csv
import json
import sys

merged_file, records_file, timeline_file, prefix, c, bound_ms, *shard_timelines = sys.argv[1:]
c, bound_ms = int(c), float(bound_ms)
run = json.load(open(merged_file))["runs"][0]
n, k = run["n"], len(run["shards"])
starts = [s["started_at"] for s in run["shards"]]

by_name = json.load(open(records_file))
assert sorted(by_name) == sorted(f"{prefix}{i}" for i in range(k)), sorted(by_name)
firsts = [min(r["start"] for r in by_name[f"{prefix}{i}"]) for i in range(k)]
first_skew_ms = (max(firsts) - min(firsts)) * 1000
assert first_skew_ms < bound_ms, ("first requests at the server", first_skew_ms, bound_ms, firsts)
records = [r for name in by_name for r in by_name[name]]
assert len(records) == n, len(records)
events = sorted([(r["start"], 1) for r in records] + [(r["end"], -1) for r in records])
in_flight = peak = 0
for _, step in events:
    in_flight += step
    peak = max(peak, in_flight)
assert peak <= c, ("in flight at the server", peak, c)

spans = list(csv.DictReader(open(timeline_file)))
assert len(spans) == n, len(spans)
assert sorted(int(s["index"]) for s in spans) == list(range(n))
assert all(int(s["shard"]) == int(s["index"]) % k for s in spans), "shard i makes the run's requests i, i+k, ..."
for i, shard_start in enumerate(starts):
    first = min(float(s["start"]) for s in spans if int(s["shard"]) == i)
    assert 0 <= first - (shard_start - min(starts)) < bound_ms / 1000, ("first send of shard", i, first, shard_start)
for i, name in enumerate(shard_timelines):
    own = json.load(open(name))["runs"][0]
    assert own["shard"] == {"index": i, "count": k} and abs(own["started_at"] - starts[i]) < 1e-5, own["shard"]
    offset = starts[i] - min(starts)
    expected = sorted((i + k * s["index"], s["start"] + offset) for s in own["spans"])
    got = sorted((int(s["index"]), float(s["start"])) for s in spans if int(s["shard"]) == i)
    assert len(got) == len(expected), (i, len(got), len(expected))
    assert all(a[0] == b[0] and abs(a[1] - b[1]) < 2e-6 for a, b in zip(got, expected)), ("spans of shard", i)

print(f"{k} shards: start skew {(max(starts) - min(starts)) * 1000:.2f} ms, first requests at the server within "
      f"{first_skew_ms:.2f} ms, peak in flight {peak}, seconds {run['seconds']:.4f}")

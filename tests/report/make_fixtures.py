#!/usr/bin/env python3
"""Writes report inputs that follow docs/FORMATS.md, made from a simple model of each
strategy (not measured), for the report's tests and for the README's pictures until
crawl, sweep and workload produce real ones.

usage: make_fixtures.py OUT_DIR [--requests N] [--seed S]
       make_fixtures.py --upgrade FILE...   (rewrites hand-written fixtures as format 1)

Writes OUT_DIR/{crawl_result,crawl_timeline,crawl_open_result,crawl_closed_result,
sweep_result,workload_result,workload_timeline}.json. --requests sets the size of the
large "coroutine" timeline run (100,000 for the smoothness check); the other runs stay
small. crawl_open_result is a paced run (the open model, with latency histograms) and
crawl_closed_result the same server driven by a closed-model client: both meet a server
that stalls for a second, the picture of coordinated omission.

       make_fixtures.py --open FILE   (writes only the small paced run, for fixtures/)
"""
import argparse
import heapq
import json
import math
import os
import random

MACHINE = {"cpus": 2, "cpu_model": "fixture data (tests/report/make_fixtures.py)",
           "os": "Debian GNU/Linux 12 (bookworm)", "compiler": "g++ 12.2.0"}


def header(command, kind, argv):
    return {"format": 1, "command": command, "kind": kind, "argv": argv, "date": "2026-01-01T00:00:00Z",
            "machine": MACHINE}


STRATEGY_NAMES = {"curl_multi": "curl", "callbacks": "callback"}
MODE_NAMES = {"batched": "batch"}
KINDS = ("refused", "reset", "timeout", "status", "malformed")


def crawl_run_fields(run):
    """A crawl result run with every field of format 1 (docs/FORMATS.md)."""
    run["strategy"] = STRATEGY_NAMES.get(run["strategy"], run["strategy"])
    run.setdefault("failed", 0)
    run.setdefault("succeeded", run["n"] - run["failed"])
    run.setdefault("result", run["succeeded"])
    run.setdefault("extrapolated", False)
    kinds = run.setdefault("errors_by_kind", {})
    for kind in KINDS:
        kinds.setdefault(kind, 0)
    run.setdefault("retries", 0)
    run.setdefault("connections", run["concurrency"])
    latency = run.setdefault("latency_ms", {})
    for key in ("p50", "p90", "p99", "max"):
        latency.setdefault(key, latency.get("p50", 0))
    return run


def hdr_lowest_equivalent(us):
    """The lowest value of us's bucket in overlap's HDR histogram (3 significant digits:
    2,048 sub-buckets, so 1 us wide below 2,048 us, then doubling with each power of 2)."""
    shift = max(0, us.bit_length() - 11)
    return (us >> shift) << shift


def hdr_histogram(values_us):
    """A result file's histogram of whole microseconds (docs/FORMATS.md)."""
    buckets = {}
    for v in values_us:
        b = hdr_lowest_equivalent(v)
        buckets[b] = buckets.get(b, 0) + 1
    return {"unit": "us", "significant_digits": 3, "count": len(values_us), "min": min(values_us),
            "max": max(values_us), "clamped": 0, "buckets": [[b, buckets[b]] for b in sorted(buckets)]}


def percentile_ms(values_us, p):
    """The nearest-rank percentile, as the histogram reports it (within its precision)."""
    ordered = sorted(values_us)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1] / 1000


def latency_summary(values_us):
    return {"p50": percentile_ms(values_us, 50), "p90": percentile_ms(values_us, 90),
            "p99": percentile_ms(values_us, 99), "p99_9": percentile_ms(values_us, 99.9),
            "p99_99": percentile_ms(values_us, 99.99), "max": max(values_us) / 1000}


def stalled_server(rng, delay_ms, stall):
    """Service time of a request sent at `send` (s): the delay, or until the stall ends."""
    begin, end = stall

    def service(send):
        wait = end - send if begin <= send < end else 0.0
        return wait + delay_ms / 1000 * (1 + abs(rng.gauss(0, 0.02)))
    return service


def crawl_run_of(strategy, n, c, delay_ms, sends, ends, due=None, rate=None):
    """A crawl result run from each request's send and end times (and due times if paced)."""
    seconds = max(ends) - min(sends)
    lim = limit(n, c, delay_ms)
    uncorrected = [max(1, int((e - s) * 1e6)) for s, e in zip(sends, ends)]
    run = {"strategy": strategy, "n": n, "concurrency": c, "delay_ms": delay_ms, "result": n,
           "seconds": round(seconds, 4), "limit_seconds": lim, "efficiency": round(lim / seconds, 4),
           "requests_per_second": round(n / seconds, 1), "extrapolated": False, "errors": 0, "retries": 0,
           "latency_ms": latency_summary(uncorrected), "latency_histogram": hdr_histogram(uncorrected)}
    if rate is not None:
        corrected = [max(1, int((e - d) * 1e6)) for d, e in zip(due, ends)]
        lateness = [20] * n  # the generator kept time: every send 20 us after its connection was free
        per_second = [0] * (int(max(sends) - due[0]) + 1)
        for s in sends:
            per_second[int(s - due[0])] += 1
        run["open_model"] = {
            "rate": rate, "achieved_rate": round((n - 1) / (max(sends) - min(sends)), 2), "late_starts": 0,
            "queued": sum(1 for d, s in zip(due, sends) if s > d + 1e-9),
            "corrected_latency_ms": latency_summary(corrected), "corrected_histogram": hdr_histogram(corrected),
            "lateness_ms": latency_summary(lateness), "lateness_histogram": hdr_histogram(lateness),
            "sent_per_second": per_second}
    return run


def open_model_run(rng, n, c, delay_ms, rate, stall):
    """Paced: request i is due at i / rate; it waits only for a free connection (wrk2)."""
    service = stalled_server(rng, delay_ms, stall)
    free = [0.0] * c
    due, sends, ends = [], [], []
    for i in range(n):
        d = i / rate
        send = max(d, heapq.heappop(free))
        end = send + service(send)
        heapq.heappush(free, end)
        due.append(d)
        sends.append(send)
        ends.append(end)
    return crawl_run_of("coroutine", n, c, delay_ms, sends, ends, due, rate)


def closed_model_run(rng, n, c, delay_ms, stall):
    """Closed: each connection sends its next request when the last one ends (wrk)."""
    service = stalled_server(rng, delay_ms, stall)
    free = [0.0] * c
    sends, ends = [], []
    for _ in range(n):
        send = heapq.heappop(free)
        end = send + service(send)
        heapq.heappush(free, end)
        sends.append(send)
        ends.append(end)
    return crawl_run_of("coroutine", n, c, delay_ms, sends, ends)


def open_model_files(rng, n=8000, rate=1000, stall=(3.0, 4.0)):
    """A paced run and a closed-model run against a server that stalls for a second."""
    paced = header("crawl", "result", f"overlap crawl -n {n} -c 50 --delay 10ms --rate {rate} --json crawl_open_result.json")
    paced["runs"] = [open_model_run(rng, n, 50, 10, rate, stall)]
    closed = header("crawl", "result", f"overlap crawl -n {n} -c 50 --delay 10ms --json crawl_closed_result.json")
    # The closed client finishes sooner (at 5,000 req/s): its stall comes early in its run.
    closed["runs"] = [closed_model_run(rng, n, 50, 10, (0.5, 1.5))]
    return paced, closed


def workload_run_fields(run):
    run["mode"] = MODE_NAMES.get(run["mode"], run["mode"])
    saves = run["mode"] not in ("noio", "fileio")
    run.setdefault("saved", run["n"] if saves else 0)
    run.setdefault("failed", 0)
    run.setdefault("retried", 0)
    run.setdefault("sent", run["saved"] + run["retried"])
    run.setdefault("errors_by_kind", {})
    run.setdefault("batch_size", 100)
    run.setdefault("concurrency", 100)
    run.setdefault("workers", 1)
    return run


def crawl_timeline_run(run):
    """{strategy, n, concurrency, delay_ms, requests} as a format 1 timeline run of request spans."""
    return {"label": STRATEGY_NAMES.get(run["strategy"], run["strategy"]), "n": run["n"],
            "concurrency": run["concurrency"], "delay_ms": run["delay_ms"], "difficulty": None,
            "spans": [{"index": r["index"], "category": "request", "start": r["start"], "end": r["end"],
                       "status": r.get("status", 0), "bytes": r.get("bytes", 0)} for r in run["requests"]]}


def workload_timeline_run(run):
    """{mode, n, difficulty, tasks} as a format 1 timeline run of cpu and io spans."""
    spans = []
    for t in run["tasks"]:
        spans.append({"index": t["index"], "category": "cpu", "start": t["cpu_start"], "end": t["cpu_end"]})
        if t.get("io_start") is not None:
            spans.append({"index": t["index"], "category": "io", "start": t["io_start"], "end": t["io_end"]})
    return {"label": MODE_NAMES.get(run["mode"], run["mode"]), "n": run["n"], "concurrency": run.get("concurrency", 100),
            "delay_ms": None, "difficulty": run["difficulty"], "spans": spans}


def to_format_1(doc):
    """Any fixture in the shapes written below (and in the hand-written files before format 1) as format 1."""
    doc = dict(doc)
    doc["format"] = 1
    if doc["command"] == "sweep":
        doc.setdefault("strategy", "coroutine")
        doc.setdefault("partial", False)
        doc.setdefault("skipped_concurrencies", [])
        for p in doc["points"]:
            p.setdefault("limit_seconds", limit(doc["n"], p["concurrency"], p["delay_ms"]))
            p.setdefault("errors", 0)
    elif doc["kind"] == "result":
        fill = crawl_run_fields if doc["command"] == "crawl" else workload_run_fields
        doc["runs"] = [fill(r) for r in doc["runs"]]
        if doc["command"] == "workload":
            doc.setdefault("calibration", {})
    elif doc["runs"] and "spans" not in doc["runs"][0]:
        convert = crawl_timeline_run if doc["command"] == "crawl" else workload_timeline_run
        doc["runs"] = [convert(r) for r in doc["runs"]]
    return doc


def limit(n, c, delay_ms):
    return math.ceil(n / c) * delay_ms / 1000


def semaphore_run(rng, n, c, delay_ms, failing=range(0)):
    """At most c in flight; a request starts as soon as a slot frees (Figure 8-4)."""
    free = [0.0005 + 0.00002 * i for i in range(c)]
    heapq.heapify(free)
    requests = []
    for i in range(n):
        start = heapq.heappop(free) + rng.uniform(0.00001, 0.00008)
        end = start + delay_ms / 1000 * (1 + abs(rng.gauss(0, 0.004))) + rng.uniform(0.0001, 0.0006)
        status = 503 if i in failing else 200
        requests.append({"index": i, "start": round(start, 7), "end": round(end, 7), "status": status, "bytes": 1})
        heapq.heappush(free, end)
    return requests


def serial_run(rng, n, delay_ms):
    """One at a time: each request starts when the previous ends (Figure 8-2)."""
    t, requests = 0.0004, []
    for i in range(n):
        end = t + delay_ms / 1000 + rng.uniform(0.0003, 0.0012)
        requests.append({"index": i, "start": round(t, 7), "end": round(end, 7), "status": 200, "bytes": 1})
        t = end + rng.uniform(0.00005, 0.0002)
    return requests


def pool_run(rng, n, c, delay_ms):
    """Every request issued at once into a client whose pool serves c at a time: the
    lines start together and end in ragged rounds (Figure 8-5)."""
    free = [0.001] * c
    requests = []
    for i in range(n):
        issued = 0.0002 + 0.000015 * i
        served = max(heapq.heappop(free), issued)
        end = served + delay_ms / 1000 * (1 + abs(rng.gauss(0, 0.01))) + rng.uniform(0.0005, 0.004)
        heapq.heappush(free, end)
        requests.append({"index": i, "start": round(issued, 7), "end": round(end, 7), "status": 200, "bytes": 1})
    return requests


def crawl_files(rng, big_n):
    strategies = [("serial", 1), ("stackful", 100), ("curl_multi", 100), ("callbacks", 100), ("coroutine", 100)]
    runs = []
    for name, c in strategies:
        n, delay = 1000, 100
        lim = limit(n, c, delay)
        seconds = lim * (1.0 + (0.0268 if c == 1 else rng.uniform(0.004, 0.03)))
        lat = delay * (1 + rng.uniform(0.001, 0.004))
        runs.append({"strategy": name, "n": n, "concurrency": c, "delay_ms": delay, "result": n,
                     "seconds": round(seconds, 4), "limit_seconds": lim, "efficiency": round(lim / seconds, 4),
                     "requests_per_second": round(n / seconds, 1), "extrapolated": c == 1,
                     "errors": 0, "errors_by_kind": {"refused": 0, "reset": 0, "timeout": 0, "status": 0, "malformed": 0},
                     "retries": 0, "latency_ms": {"p50": round(lat, 2), "p90": round(lat + 0.3, 2),
                                                  "p99": round(lat + 0.9, 2), "max": round(lat + 2.1, 2)}})
    result = header("crawl", "result", "overlap crawl -n 1000 -c 100 --delay 100 --json crawl_result.json")
    result["runs"] = runs
    timeline = header("crawl", "timeline", f"overlap crawl -n {big_n} --timeline crawl_timeline.json")
    timeline["runs"] = [
        {"strategy": "serial", "n": 50, "concurrency": 1, "delay_ms": 100, "requests": serial_run(rng, 50, 100)},
        {"strategy": "stackful", "n": 500, "concurrency": 100, "delay_ms": 100,
         "requests": semaphore_run(rng, 500, 100, 100)},
        {"strategy": "curl_multi", "n": 500, "concurrency": 100, "delay_ms": 100,
         "requests": pool_run(rng, 500, 100, 100)},
        {"strategy": "coroutine", "n": big_n, "concurrency": 1000, "delay_ms": 50,
         "requests": semaphore_run(rng, big_n, 1000, 50, failing=range(big_n * 2 // 3, big_n * 2 // 3 + 150))},
    ]
    return result, timeline


def sweep_file(rng):
    n, points, best = 500, [], []
    for delay in (50, 300, 550, 800):
        for c in [1] + list(range(25, 501, 25)):
            ideal = limit(n, c, delay)
            overhead = 0.00004 * n + 0.0000025 * c * c  # per request, and more per connection held
            seconds = ideal * (1 + abs(rng.gauss(0, 0.01))) + overhead
            points.append({"delay_ms": delay, "concurrency": c, "seconds": round(seconds, 5), "limit_seconds": ideal})
        fastest = min((p for p in points if p["delay_ms"] == delay), key=lambda p: p["seconds"])
        best.append({"delay_ms": delay, "concurrency": fastest["concurrency"], "seconds": fastest["seconds"]})
    out = header("sweep", "result", "overlap sweep --delays 50,300,550,800 -n 500 --concurrency 1:500:25")
    out.update({"strategy": "coroutine", "n": n, "points": points, "best": best})
    return out


CALIBRATION = {8: 0.0156, 10: 0.0623, 11: 0.1244, 12: 0.2487}


def workload_files(rng):
    runs = []
    for difficulty, per_hash in CALIBRATION.items():
        n = 600 if difficulty == 8 else 400
        noio = n * per_hash * (1 + rng.uniform(0, 0.01))
        costs = {"noio": noio, "serial": noio + n * 0.1005, "batched": noio + math.ceil(n / 100) * 0.101,
                 "async": noio * 1.003 + 0.1, "threads": noio / 1.9 + 0.1}
        for mode, seconds in costs.items():
            runs.append({"mode": mode, "n": n, "difficulty": difficulty, "seconds": round(seconds, 3),
                         "ratio_to_noio": round(seconds / noio, 4),
                         "hidden_io_share": None if mode == "noio" else round(max(0.0, 1 - (seconds - noio) / (n * 0.1)), 4),
                         "saved": 0 if mode == "noio" else n, "failed": 0, "retried": 0, "batch_size": 100,
                         "concurrency": 100, "workers": 2 if mode == "threads" else 1})
    result = header("workload", "result", "overlap workload --difficulties 8,10,11,12 --json workload_result.json")
    result.update({"runs": runs, "calibration": {str(k): v for k, v in CALIBRATION.items()}})

    def tasks(mode, n=25, per_hash=0.0156, io=0.1, batch=10):
        out, t, pending = [], 0.0, []
        for i in range(n):
            cpu_end = t + per_hash * (1 + rng.uniform(-0.03, 0.03))
            task = {"index": i, "cpu_start": round(t, 6), "cpu_end": round(cpu_end, 6)}
            out.append(task)
            t = cpu_end + 0.0001
            if mode == "serial":
                task["io_start"], task["io_end"] = round(t, 6), round(t + io, 6)
                t += io + 0.0001
            elif mode == "async":
                task["io_start"], task["io_end"] = round(t, 6), round(t + io * (1 + rng.uniform(0, 0.02)), 6)
            else:  # batched: results wait for the batch, which is then saved all at once
                pending.append(task)
                if len(pending) == batch or i == n - 1:
                    for p in pending:
                        p["io_start"], p["io_end"] = round(t, 6), round(t + io * (1 + rng.uniform(0, 0.02)), 6)
                    t = max(p["io_end"] for p in pending) + 0.0001
                    pending = []
        return out

    timeline = header("workload", "timeline", "overlap workload -n 25 --difficulty 8 --timeline workload_timeline.json")
    timeline["runs"] = [{"mode": m, "n": 25, "difficulty": 8, "tasks": tasks(m)} for m in ("serial", "batched", "async")]
    return result, timeline


def main():
    import sys
    if len(sys.argv) > 1 and sys.argv[1] == "--upgrade":
        for path in sys.argv[2:]:
            with open(path) as f:
                doc = to_format_1(json.load(f))
            with open(path, "w") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--open":
        paced, _ = open_model_files(random.Random(14), n=3000, stall=(1.6, 2.1))
        with open(sys.argv[2], "w") as f:
            json.dump(to_format_1(paced), f, separators=(",", ":"))
            f.write("\n")
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out_dir, exist_ok=True)
    crawl_result, crawl_timeline = crawl_files(rng, args.requests)
    workload_result, workload_timeline = workload_files(rng)
    crawl_open_result, crawl_closed_result = open_model_files(rng)
    files = {"crawl_result": crawl_result, "crawl_timeline": crawl_timeline, "crawl_open_result": crawl_open_result,
             "crawl_closed_result": crawl_closed_result, "sweep_result": sweep_file(rng),
             "workload_result": workload_result, "workload_timeline": workload_timeline}
    for name, doc in files.items():
        with open(os.path.join(args.out_dir, name + ".json"), "w") as f:
            json.dump(to_format_1(doc), f, separators=(",", ":"))


if __name__ == "__main__":
    main()

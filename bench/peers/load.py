#!/usr/bin/env python3
"""Bounded HTTP/1.1 load generator: exactly N GET requests over C keep-alive connections.

Each of the C workers owns one connection and sends its requests one after another
(so at most C requests are in flight), pulling from a shared budget of N. It stops
after N requests or after --timeout seconds, whichever comes first, and prints one
summary line (or JSON with --json). Raw asyncio streams, no HTTP library, so the client
stays cheap and its own overhead is easy to reason about.

    load.py --url 'http://127.0.0.1:8080/add?name=x&delay=100' -n 1000 -c 100
"""
import argparse
import asyncio
import json
import resource
import sys
import time
from urllib.parse import urlsplit


class Stats:
    def __init__(self):
        self.ok = 0          # 2xx responses
        self.bad = 0         # other statuses
        self.errors = 0      # connection errors / malformed responses
        self.latencies = []  # seconds, per completed response


async def read_response(reader):
    """Read one HTTP/1.1 response; return (status, body, keep_alive)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    keep_alive = headers.get("connection", "").lower() != "close"
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")      # no trailers expected
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:                                            # body ends at EOF
        body = await reader.read()
        keep_alive = False
    return status, body, keep_alive


async def worker(host, port, request, budget, stats):
    reader = writer = None
    try:
        while budget[0] > 0:
            budget[0] -= 1
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                t = time.perf_counter()
                writer.write(request)
                status, _, keep_alive = await read_response(reader)
                stats.latencies.append(time.perf_counter() - t)
                if 200 <= status < 300:
                    stats.ok += 1
                else:
                    stats.bad += 1
                if not keep_alive:
                    writer.close()
                    writer = None
            except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
                stats.errors += 1
                if writer is not None:
                    writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()


async def run(args):
    u = urlsplit(args.url)
    host, port = u.hostname, u.port or 80
    target = (u.path or "/") + (("?" + u.query) if u.query else "")
    request = (f"GET {target} HTTP/1.1\r\nHost: {u.netloc}\r\n"
               f"User-Agent: overlap-bench-load\r\n\r\n").encode()
    stats, budget = Stats(), [args.n]
    start = time.perf_counter()
    tasks = [asyncio.create_task(worker(host, port, request, budget, stats))
             for _ in range(min(args.c, args.n))]
    done, pending = await asyncio.wait(tasks, timeout=args.timeout)
    timed_out = bool(pending)
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    elapsed = time.perf_counter() - start
    return stats, elapsed, timed_out


def pct(sorted_values, p):
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(p / 100 * len(sorted_values)))]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("-n", type=int, default=1000, help="total requests")
    p.add_argument("-c", type=int, default=100, help="concurrent connections")
    p.add_argument("--timeout", type=float, default=60, help="hard stop, seconds")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    stats, elapsed, timed_out = asyncio.run(run(args))
    lat = sorted(stats.latencies)
    out = {
        "requests": args.n, "concurrency": args.c, "ok": stats.ok, "non2xx": stats.bad,
        "errors": stats.errors, "timed_out": timed_out, "time_s": round(elapsed, 4),
        "req_per_s": round((stats.ok + stats.bad) / elapsed, 1) if elapsed else 0,
        "lat_p50_ms": round(pct(lat, 50) * 1e3, 2), "lat_p99_ms": round(pct(lat, 99) * 1e3, 2),
        "lat_max_ms": round(lat[-1] * 1e3, 2) if lat else float("nan"),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(" ".join(f"{k}={v}" for k, v in out.items()))
    # Non-zero exit if anything went wrong, so scripts notice.
    sys.exit(0 if stats.ok == args.n and not timed_out else 1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Hold C simultaneous requests open against a delay server and measure its memory.

Opens C TCP connections, sends one `GET <url>` on each (the URL should carry a delay,
e.g. 1000 ms, so the server has to keep every connection and timer alive), and reads
all the answers. With --pid it samples the server's VmRSS from /proc:
  * rss_before:  before the first connection;
  * rss_sample:  --sample-after seconds after the last request was written (the moment
                 the benchmark reports), together with how many answers had already come
                 back by then (should be 0, otherwise the delay is too short);
  * rss_peak:    the largest sample taken before the first answer arrived.
Prints one JSON line. Plain non-blocking sockets + selectors (no asyncio), paced by
the server's accept queue (see listen_queue_len), so that
opening 10,000 connections takes a fraction of the delay. Bounded by --timeout.
"""
import argparse
import json
import resource
import selectors
import socket
import sys
import time
from urllib.parse import urlsplit


def vmrss_kib(pid):
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def listen_queue_len(port):
    """Connections waiting in the accept queue of the listener on `port` (Linux), or
    None if unknown. /proc/net/tcp lists listening sockets first, so stop at the
    first non-listening line: cheap even with 20,000 open sockets."""
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[3] != "0A":                 # not LISTEN: listeners are done
                    return None
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    return int(fields[4].split(":")[1], 16)   # rx_queue = accept queue
    except (OSError, StopIteration, IndexError, ValueError):
        return None
    return None


def response_complete(buf):
    """True once buf holds a whole HTTP response (Content-Length or chunked)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = buf[:end].lower()
    body = buf[end + 4:]
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            return len(body) >= int(line.split(b":", 1)[1])
    if b"transfer-encoding: chunked" in head:
        return body.endswith(b"0\r\n\r\n")
    return False                                   # body until EOF


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True)
    p.add_argument("-c", type=int, default=10000, help="connections / requests")
    p.add_argument("--pid", type=int, help="server pid to sample VmRSS of")
    p.add_argument("--sample-after", type=float, default=0.5,
                   help="seconds after the last request was sent")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--batch", type=int, default=128, help="connects per step")
    p.add_argument("--max-queue", type=int, default=512,
                   help="pause connecting while the server's accept queue is longer")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if args.c + 50 > hard:
        sys.exit(f"need {args.c + 50} fds, hard limit is {hard}")

    u = urlsplit(args.url)
    addr = (u.hostname, u.port or 80)
    target = (u.path or "/") + (("?" + u.query) if u.query else "")
    request = f"GET {target} HTTP/1.1\r\nHost: {u.netloc}\r\n\r\n".encode()

    rss_before = vmrss_kib(args.pid)
    sel = selectors.DefaultSelector()
    bufs = {}
    connected = sent = answered = errors = non2xx = 0
    start = time.monotonic()
    deadline = start + args.timeout

    t_all_sent = None
    rss_sample = answered_at_sample = None
    rss_peak = rss_before
    first_answer = None
    opened = open_socks = 0
    while (open_socks or opened < args.c) and time.monotonic() < deadline:
        # Non-blocking connects, in small batches. The kernel completes a handshake by
        # putting it in the server's accept queue; a burst larger than the listen
        # backlog overflows it and the dropped SYNs are retried only after 1 s, which
        # would measure the client, not the server. So hold back while the server
        # has more than --max-queue connections waiting to be accepted.
        if opened < args.c:
            q = listen_queue_len(addr[1])
            if q is None or q < args.max_queue:
                for _ in range(min(args.batch, args.c - opened)):
                    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    s.setblocking(False)
                    s.connect_ex(addr)
                    sel.register(s, selectors.EVENT_WRITE)
                    opened += 1
                    open_socks += 1
        wait = 0.02 if opened >= args.c else 0.001
        for key, ev in sel.select(timeout=wait):
            s = key.fileobj
            if ev & selectors.EVENT_WRITE:
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    errors += 1; sel.unregister(s); s.close(); open_socks -= 1
                    continue
                connected += 1
                try:
                    s.sendall(request)                # ~80 bytes: fits the buffer
                except OSError:
                    errors += 1; sel.unregister(s); s.close(); open_socks -= 1
                    continue
                sent += 1
                bufs[s] = b""
                sel.modify(s, selectors.EVENT_READ)
            else:
                try:
                    chunk = s.recv(65536)
                except OSError:
                    chunk = b""
                if chunk:
                    bufs[s] += chunk
                    if not response_complete(bufs[s]):
                        continue
                if b"\r\n\r\n" in bufs[s]:           # complete, or body ended by EOF
                    answered += 1
                    if not bufs[s].startswith((b"HTTP/1.1 2", b"HTTP/1.0 2")):
                        non2xx += 1
                    if first_answer is None:
                        first_answer = time.monotonic()
                else:
                    errors += 1
                sel.unregister(s); s.close(); open_socks -= 1
                del bufs[s]
        now = time.monotonic()
        if t_all_sent is None and opened >= args.c and sent + errors >= args.c:
            t_all_sent = now
        # Memory while everything is in flight (no answer yet).
        if first_answer is None:
            r = vmrss_kib(args.pid)
            if r is not None and (rss_peak is None or r > rss_peak):
                rss_peak = r
        if t_all_sent is not None and rss_sample is None and now >= t_all_sent + args.sample_after:
            rss_sample, answered_at_sample = vmrss_kib(args.pid), answered

    timed_out = open_socks > 0
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    out = {
        "conns": args.c, "connected": connected, "sent": sent, "answered": answered,
        "non2xx": non2xx, "errors": errors, "timed_out": timed_out,
        "t_all_sent_s": round(t_all_sent - start, 3) if t_all_sent else None,
        "t_first_answer_s": round(first_answer - start, 3) if first_answer else None,
        "elapsed_s": round(time.monotonic() - start, 3),
        "rss_before_kib": rss_before, "rss_sample_kib": rss_sample,
        "answered_at_sample": answered_at_sample, "rss_peak_inflight_kib": rss_peak,
    }
    print(json.dumps(out), flush=True)
    sys.exit(0 if answered == args.c and not non2xx else 1)


if __name__ == "__main__":
    main()

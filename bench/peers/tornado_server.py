#!/usr/bin/env python3
"""The book's tornado "delay server" (chapter 8), as the Python peer of `overlap serve`.

GET  /add?name=N&delay=MS  wait MS ms (default 1024), answer ".", record start/end/dt
GET  /add?flush=True       write all records to --metrics-file and return them as JSON
POST /add                  wait 100 ms, answer {"result": "<body>", "t": 0.5}

Single process, single IOLoop, like the book. With --port 0 the kernel picks the port;
the first stdout line is always `listening on http://127.0.0.1:PORT` so the benchmark
scripts can find it.
"""
import argparse
import asyncio
import json
import resource
import signal
import socket
import sys
import time
from collections import defaultdict

from tornado import httpserver, web
from tornado.netutil import bind_sockets


class AddHandler(web.RequestHandler):
    metric_data = defaultdict(list)   # name -> [{"start", "end", "dt"}, ...]
    metrics_file = "metric_data.json"
    post_delay = 0.1

    async def get(self):
        if self.get_argument("flush", False):
            data = json.dumps(self.metric_data)
            with open(self.metrics_file, "w") as f:
                f.write(data)
            self.set_header("Content-Type", "application/json")
            self.write(data)
            return
        name = self.get_argument("name")          # missing -> 400, as in the book
        try:
            delay = int(self.get_argument("delay", 1024))
        except ValueError:
            raise web.HTTPError(400, reason="Invalid value for delay")
        start = time.time()
        # The book yields an IOLoop timeout; asyncio.sleep is the same timer today.
        await asyncio.sleep(delay / 1000.0)
        self.write(".")
        self.finish()
        end = time.time()
        self.metric_data[name].append({"start": start, "end": end, "dt": end - start})

    async def post(self):
        # The chapter's "database": every save takes 100 ms, many run at once.
        await asyncio.sleep(self.post_delay)
        self.set_header("Content-Type", "application/json")
        self.write(json.dumps({"result": self.request.body.decode("utf-8", "replace"),
                               "t": 0.5}))


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def main(args):
    AddHandler.metrics_file = args.metrics_file
    AddHandler.post_delay = args.post_delay / 1000.0
    app = web.Application([(r"/add", AddHandler)])
    # Bind ourselves so that port 0 works and the real port can be reported.
    sockets = bind_sockets(args.port, address=args.host, family=socket.AF_INET,
                           backlog=args.backlog)
    server = httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    print(f"listening on http://{args.host}:{port}", flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    server.stop()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--metrics-file", default="metric_data.json")
    p.add_argument("--post-delay", type=float, default=100, help="ms, POST /add wait")
    p.add_argument("--backlog", type=int, default=4096)
    args = p.parse_args()
    raise_fd_limit()
    try:
        asyncio.run(main(args))
    except KeyboardInterrupt:
        pass
    sys.exit(0)

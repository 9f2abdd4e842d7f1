#!/usr/bin/env python3
"""The book's tornado crawler (Example 8-5 style): tornado's AsyncHTTPClient backed by
libcurl (CurlAsyncHTTPClient); its pool (max_clients=C) is what caps the requests in
flight; every fetch is started at once and awaited with gather.

    tornado_crawler.py --url 'http://127.0.0.1:PORT/add?name=tornado&delay=100&' -n 1000 -c 100

Prints `Result: <sum of body lengths>, Time: <seconds>` like the book.
Needs pycurl (Debian: apt-get install python3-pycurl).
"""
import argparse
import asyncio
import random
import resource
import string
import sys
import time

try:
    import pycurl  # noqa: F401  (CurlAsyncHTTPClient imports it; check early and clearly)
except ImportError:
    sys.exit("tornado crawler: pycurl is missing, CurlAsyncHTTPClient cannot run "
             "(install python3-pycurl); not falling back to another client because "
             "that would measure something else")

from tornado.httpclient import AsyncHTTPClient


def generate_urls(base_url, num_urls):
    for _ in range(num_urls):
        yield base_url + "".join(random.sample(string.ascii_lowercase, 10))


async def run_experiment(base_url, num_iter, concurrency, timeout):
    http_client = AsyncHTTPClient()
    tasks = [http_client.fetch(url, request_timeout=timeout, connect_timeout=timeout)
             for url in generate_urls(base_url, num_iter)]
    responses = await asyncio.gather(*tasks, return_exceptions=True)
    total = errors = 0
    for r in responses:
        if isinstance(r, BaseException):
            errors += 1
            if errors <= 3:
                print(f"request failed: {r!r}", file=sys.stderr)
        else:
            total += len(r.body)
    return total, errors


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="base URL; a random suffix is appended")
    p.add_argument("-n", type=int, default=1000, help="number of requests")
    p.add_argument("-c", type=int, default=100, help="max requests in flight (max_clients)")
    p.add_argument("--timeout", type=float, default=300, help="whole run, seconds")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    AsyncHTTPClient.configure("tornado.curl_httpclient.CurlAsyncHTTPClient",
                              max_clients=args.c)
    start = time.time()
    try:
        result, errors = asyncio.run(asyncio.wait_for(
            run_experiment(args.url, args.n, args.c, args.timeout), args.timeout))
    except asyncio.TimeoutError:
        sys.exit(f"tornado crawler: gave up after {args.timeout} s")
    elapsed = time.time() - start
    print(f"Result: {result}, Time: {elapsed:.4f}")
    if errors:
        print(f"errors: {errors}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The book's gevent crawler (Example 8-4 style): greenlets (stackful coroutines) with
monkey-patched blocking I/O, at most C downloads at once (gevent Semaphore(C)),
results consumed in completion order with gevent.iwait. Plain stdlib urllib client,
one connection per request, like the book's urllib2.

    gevent_crawler.py --url 'http://127.0.0.1:PORT/add?name=gevent&delay=100&' -n 1000 -c 100

Prints `Result: <sum of body lengths>, Time: <seconds>` like the book.
"""
from gevent import monkey
monkey.patch_all()   # must run before anything imports socket/ssl/threading

import argparse          # noqa: E402
import random            # noqa: E402
import resource          # noqa: E402
import string            # noqa: E402
import sys               # noqa: E402
import time              # noqa: E402
import urllib.request    # noqa: E402

import gevent            # noqa: E402
from gevent.lock import Semaphore  # noqa: E402


def generate_urls(base_url, num_urls):
    for _ in range(num_urls):
        yield base_url + "".join(random.sample(string.ascii_lowercase, 10))


def download(url, semaphore, timeout):
    with semaphore:
        with urllib.request.urlopen(url, timeout=timeout) as data:
            return data.read()


def chunked_requests(urls, chunk_size, timeout):
    semaphore = Semaphore(chunk_size)
    # Every greenlet is spawned at once; the semaphore decides who runs the request.
    requests = [gevent.spawn(download, u, semaphore, timeout) for u in urls]
    for response in gevent.iwait(requests):
        yield response


def run_experiment(base_url, num_iter, concurrency, timeout):
    total = errors = 0
    for g in chunked_requests(generate_urls(base_url, num_iter), concurrency, timeout):
        if g.successful():
            total += len(g.value)
        else:
            errors += 1
            if errors <= 3:
                print(f"request failed: {g.exception!r}", file=sys.stderr)
    return total, errors


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="base URL; a random suffix is appended")
    p.add_argument("-n", type=int, default=1000, help="number of requests")
    p.add_argument("-c", type=int, default=100, help="max requests in flight")
    p.add_argument("--timeout", type=float, default=300, help="whole run, seconds")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    start = time.time()
    try:
        with gevent.Timeout(args.timeout):
            result, errors = run_experiment(args.url, args.n, args.c, args.timeout)
    except gevent.Timeout:
        sys.exit(f"gevent crawler: gave up after {args.timeout} s")
    elapsed = time.time() - start
    print(f"Result: {result}, Time: {elapsed:.4f}")
    if errors:
        print(f"errors: {errors}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

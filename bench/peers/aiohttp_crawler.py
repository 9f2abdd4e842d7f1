#!/usr/bin/env python3
"""The book's aiohttp crawler (Example 8-6 style): native coroutines, one shared
ClientSession with pooled keep-alive connections, at most C requests in flight
(asyncio.Semaphore(C)), results consumed with asyncio.as_completed.

    aiohttp_crawler.py --url 'http://127.0.0.1:PORT/add?name=aiohttp&delay=100&' -n 1000 -c 100

Prints `Result: <sum of body lengths>, Time: <seconds>` like the book.
"""
import argparse
import asyncio
import random
import resource
import string
import sys
import time

import aiohttp


def generate_urls(base_url, num_urls):
    # 10 distinct random letters per URL so no cache can answer for the server.
    for _ in range(num_urls):
        yield base_url + "".join(random.sample(string.ascii_lowercase, 10))


def chunked_http_client(num_chunks):
    semaphore = asyncio.Semaphore(num_chunks)

    async def http_get(url, session):
        async with semaphore:
            async with session.get(url) as response:
                response.raise_for_status()
                return await response.read()
    return http_get


async def run_experiment(base_url, num_iter, concurrency):
    http_get = chunked_http_client(concurrency)
    total = errors = 0
    # aiohttp's connector defaults to limit=100 connections; the semaphore is the cap
    # we want to study, so let the pool hold exactly C.
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        tasks = [http_get(url, session) for url in generate_urls(base_url, num_iter)]
        for future in asyncio.as_completed(tasks):
            try:
                total += len(await future)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as e:
                errors += 1
                if errors <= 3:
                    print(f"request failed: {e!r}", file=sys.stderr)
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
        result, errors = asyncio.run(asyncio.wait_for(
            run_experiment(args.url, args.n, args.c), args.timeout))
    except asyncio.TimeoutError:
        sys.exit(f"aiohttp crawler: gave up after {args.timeout} s")
    elapsed = time.time() - start
    print(f"Result: {result}, Time: {elapsed:.4f}")
    if errors:
        print(f"errors: {errors}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

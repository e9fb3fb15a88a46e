#!/usr/bin/env python3
"""Measures query API latency: sequential keep-alive requests, p50/p99 per endpoint.

usage: query_latency.py BASE_URL TOKEN REQUESTS_PER_ENDPOINT
BLOOP_ENDPOINTS=triage: only the issue stream (with and without sparklines).
Prints one line per endpoint: name, requests, p50 ms, p99 ms, max ms, and X-Total-Count seen.
"""
import http.client
import json
import os
import random
import sys
import time
from urllib.parse import urlparse


def main():
    base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Authorization": "Bearer " + token}

    def get(path):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            raise SystemExit("%s -> %d %s" % (path, resp.status, body[:200]))
        return elapsed, body, resp.getheader("X-Total-Count")

    groups = json.loads(get("/v1/errors?sort=total_count&limit=200")[1])
    fingerprints = [g["fingerprint"] for g in groups]
    rng = random.Random(7)
    endpoints = [
        ("list default", lambda: "/v1/errors"),
        ("list release=1.2.3", lambda: "/v1/errors?release=1.2.3"),
        ("list sort=total_count", lambda: "/v1/errors?sort=total_count"),
        ("list q=<one group>", lambda: "/v1/errors?q=field%d" % rng.randrange(10000)),
        ("list q=undefined (all)", lambda: "/v1/errors?q=undefined"),
        ("list status+env+release", lambda: "/v1/errors?status=unresolved&environment=prod&release=1.0.2&sort=total_count"),
        ("stream sparkline=24h", lambda: "/v1/errors?sparkline=24h"),
        ("stream sparkline=14d", lambda: "/v1/errors?sparkline=14d"),
        ("stream total+spark 24h", lambda: "/v1/errors?sort=total_count&sparkline=24h"),
        ("stream rel+spark 14d", lambda: "/v1/errors?release=1.2.3&sparkline=14d"),
        ("stream unassigned+spark", lambda: "/v1/errors?assigned=none&sparkline=24h"),
        ("group detail", lambda: "/v1/errors/" + rng.choice(fingerprints)),
        ("occurrences", lambda: "/v1/errors/%s/occurrences" % rng.choice(fingerprints)),
        ("group trend 72h", lambda: "/v1/errors/%s/trend" % rng.choice(fingerprints)),
        ("trends 72h", lambda: "/v1/trends"),
        ("stats", lambda: "/v1/stats"),
    ]
    if os.environ.get("BLOOP_ENDPOINTS") == "triage":
        endpoints = [e for e in endpoints if e[0].startswith("stream") or e[0] == "list default"]
    for name, path in endpoints:
        for _ in range(max(3, n // 20)):  # warm-up
            get(path())
        times = []
        total = None
        for _ in range(n):
            elapsed, _, total = get(path())
            times.append(elapsed)
        times.sort()
        print("QUERY %-26s n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f total_count=%s"
              % (name, n, times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], times[-1], total))


if __name__ == "__main__":
    main()

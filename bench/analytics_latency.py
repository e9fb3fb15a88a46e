#!/usr/bin/env python3
"""Measures analytics latency: cold (a question not asked before, so computed) and cached answers.

usage: analytics_latency.py BASE_URL TOKEN REQUESTS [LABEL]
Cold: REQUESTS sequential requests per endpoint, each with another `limit` (1..100, then environments),
so none is answered from the result cache. Cached: one request, then REQUESTS repeats of it.
"""
import http.client
import json
import sys
import time
from urllib.parse import urlparse

ENDPOINTS = ["spikes", "movers", "correlations", "releases", "environments"]


def main():
    base, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    label = sys.argv[4] if len(sys.argv) > 4 else ""
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
    headers = {"Authorization": "Bearer " + token}

    def get(path):
        t0 = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - t0) * 1000
        if resp.status != 200:
            raise SystemExit("%s -> %d %s" % (path, resp.status, body[:300]))
        return elapsed, json.loads(body)

    def stats(times):
        times = sorted(times)
        return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], times[-1]

    for hours in (72, 720):
        for ep in ENDPOINTS:
            window = "" if ep == "releases" else "hours=%d&" % hours
            if ep == "releases" and hours != 72:
                continue
            cold = []
            envs = ["", "&environment=prod", "&environment=staging", "&environment=dev"]
            for i in range(n):
                path = "/v1/analytics/%s?%slimit=%d%s" % (ep, window, i % 100 + 1, envs[(i // 100) % 4])
                cold.append(get(path)[0])
            path = "/v1/analytics/%s?%slimit=20" % (ep, window)
            _, answer = get(path)
            cached = [get(path)[0] for _ in range(n)]
            size = {k: len(v) for k, v in answer.items() if isinstance(v, list)}
            print("ANALYTICS %s %-12s hours=%-3s cold n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f | "
                  "cached p50_ms=%.2f p99_ms=%.2f max_ms=%.2f | %s"
                  % (label, ep, hours if ep != "releases" else "-", n, *stats(cold), *stats(cached), size))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Measures the LLM query API's latency: sequential keep-alive requests, p50/p99 per endpoint.

usage: llm_latency.py BASE_URL TOKEN REQUESTS_PER_ENDPOINT
"""
import http.client
import json
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
        return elapsed, body

    overview = json.loads(get("/v1/llm/overview")[1])
    print("OVERVIEW traces=%d spans=%d calls=%d cost=%s unpriced=%d p50=%s p99=%s" % (
        overview["traces"], overview["spans"], overview["calls"], overview["cost"], overview["unpriced_spans"],
        overview["latency_p50_ms"], overview["latency_p99_ms"]))
    traces = json.loads(get("/v1/llm/traces?limit=200")[1])
    ids = [t["id"] for t in traces]
    rng = random.Random(7)
    endpoints = [
        ("overview 24h", lambda: "/v1/llm/overview"),
        ("latency 24h", lambda: "/v1/llm/latency"),
        ("latency 24h model=gpt-4o", lambda: "/v1/llm/latency?model=gpt-4o"),
        ("overview 720h", lambda: "/v1/llm/overview?hours=720"),
        ("usage 24h", lambda: "/v1/llm/usage"),
        ("models 24h", lambda: "/v1/llm/models"),
        ("traces page", lambda: "/v1/llm/traces"),
        ("traces model=gpt-5", lambda: "/v1/llm/traces?model=gpt-5"),
        ("trace detail", lambda: "/v1/llm/traces/" + rng.choice(ids)),
        ("sessions", lambda: "/v1/llm/sessions"),
    ]
    for name, path in endpoints:
        for _ in range(max(3, n // 20)):  # warm-up
            get(path())
        times = sorted(get(path())[0] for _ in range(n))
        print("LLMQUERY %-26s n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f"
              % (name, n, times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], times[-1]))


if __name__ == "__main__":
    main()

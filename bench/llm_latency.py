#!/usr/bin/env python3
"""Measures the LLM query API's latency: sequential keep-alive requests, p50/p99 per endpoint.

usage: llm_latency.py BASE_URL TOKEN REQUESTS_PER_ENDPOINT [SERVER_PID]

With SERVER_PID, also prints the server's CPU time per request of each endpoint (utime + stime of the
whole process over the endpoint's requests, so run it without other load on the server for that figure):
on a shared, loaded machine wall-clock latency measures the scheduler as much as bloop.
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
    pid = sys.argv[4] if len(sys.argv) > 4 else None
    hz = os.sysconf("SC_CLK_TCK")

    def cpu_s():
        with open("/proc/%s/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / hz
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
        c0 = cpu_s() if pid else 0
        times = sorted(get(path())[0] for _ in range(n))
        cpu = " server_cpu_ms_per_request=%.2f" % ((cpu_s() - c0) * 1000 / n) if pid else ""
        print("LLMQUERY %-26s n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f%s"
              % (name, n, times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], times[-1], cpu))


if __name__ == "__main__":
    main()

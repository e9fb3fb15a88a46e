#!/usr/bin/env python3
"""Load for bench/proxy.sh: CONC threads, each on its own keep-alive connection, send REQUESTS calls in
all to one endpoint (the stand-in provider directly, or bloop's proxy in front of it) and print the
time to the first body byte (streams: the first SSE chunk) and to the last byte, p50/p99 in ms, and,
through bloop, the X-Bloop-Overhead-Ms it reported.

    proxy_load.py <host> <port> <path> <token or -> <json|stream> <concurrency> <requests> [chunks]

STAND_IN in the environment picks the stand-in's scenario instead (e.g. think-200ms, chunks-500-every-5ms).
"""
import http.client
import os
import sys
import threading
import time

host, port, path, token, mode, conc, total = sys.argv[1:8]
port, conc, total = int(port), int(conc), int(total)
chunks = int(sys.argv[8]) if len(sys.argv) > 8 else 500
stream = mode == "stream"
body = ('{"model":"gpt-4o","user":"bench","stream":%s,"messages":[{"role":"user","content":"hi"}]}'
        % ("true" if stream else "false")).encode()
headers = {"Content-Type": "application/json", "Authorization": "Bearer sk-bench"}
if token != "-":
    headers["X-Bloop-Token"] = token
if stream:
    headers["X-Stand-In"] = "chunks-%d" % chunks
if os.environ.get("STAND_IN"):
    headers["X-Stand-In"] = os.environ["STAND_IN"]

lock = threading.Lock()
first, last, overhead, errors = [], [], [], []
left = [total]


def worker():
    conn = http.client.HTTPConnection(host, port, timeout=60)
    while True:
        with lock:
            if left[0] == 0:
                break
            left[0] -= 1
        t0 = time.perf_counter()
        try:
            conn.request("POST", path, body=body, headers=headers)
            r = conn.getresponse()
            r.read1(65536) if stream else r.read(1)
            t1 = time.perf_counter()
            r.read()
            t2 = time.perf_counter()
        except Exception as e:  # noqa: BLE001 - counted and reported
            with lock:
                errors.append(str(e))
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=60)
            continue
        with lock:
            if r.status != 200:
                errors.append("HTTP %d" % r.status)
                continue
            first.append((t1 - t0) * 1000)
            last.append((t2 - t0) * 1000)
            o = r.getheader("X-Bloop-Overhead-Ms")
            if o is not None:
                overhead.append(float(o))
    conn.close()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))] if xs else float("nan")


start = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(conc)]
for t in threads:
    t.start()
for t in threads:
    t.join()
wall = time.perf_counter() - start
print("calls=%d errors=%d calls_per_s=%.0f first_byte_p50=%.2f first_byte_p99=%.2f last_byte_p50=%.2f "
      "last_byte_p99=%.2f" % (len(first), len(errors), len(first) / wall, pct(first, 50), pct(first, 99),
                              pct(last, 50), pct(last, 99)), end="")
if overhead:
    print(" reported_overhead_p50=%.3f reported_overhead_p99=%.3f" % (pct(overhead, 50), pct(overhead, 99)), end="")
print()
if errors:
    print("first errors:", errors[:3])

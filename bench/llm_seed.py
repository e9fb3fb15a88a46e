#!/usr/bin/env python3
"""Sends pre-signed requests (gen_traces.py's format) once each, in order, over a few keep-alive
connections, retrying a request that gets 429 after its Retry-After. For seeding, where every
request must land exactly once.

usage: llm_seed.py URL FILE [CONNECTIONS]
"""
import http.client
import sys
import threading
import time
from urllib.parse import urlparse


def main():
    url = urlparse(sys.argv[1])
    lines = open(sys.argv[2]).read().splitlines()
    conns = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    next_index = [0]
    lock = threading.Lock()
    sent = [0]

    def worker():
        c = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
        while True:
            with lock:
                i = next_index[0]
                next_index[0] += 1
            if i >= len(lines):
                return
            sig, body = lines[i].split("\t", 1)
            while True:
                c.request("POST", url.path, body=body.encode("utf-8"),
                          headers={"Content-Type": "application/json", "X-Signature": sig})
                r = c.getresponse()
                r.read()
                if r.status == 200:
                    break
                if r.status in (429, 503):
                    time.sleep(float(r.getheader("Retry-After") or 1))
                    continue
                raise SystemExit("request %d -> %d" % (i, r.status))
            with lock:
                sent[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(conns)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("SEED requests=%d seconds=%.1f" % (sent[0], time.time() - t0))


if __name__ == "__main__":
    main()

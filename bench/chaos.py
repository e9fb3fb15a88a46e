#!/usr/bin/env python3
"""Hostile clients and crashes against a running bloop on 127.0.0.1 (run by hand; see chaos.sh).

  chaos.py slow-body   PORT SECRET [N] [SECS]   N connections send a 32,000-byte ingest body 1 byte / 5 s
  chaos.py slow-header PORT SECRET [N] [SECS]   N connections send one header line every 5 s
  chaos.py flood       PORT SECRET SECS CONNS OUT   signed single events with unique request ids;
                                                     writes the ids answered 200 to OUT (one per line)

While a flood of slow clients runs, /health and a signed ingest are probed twice a second and their
latencies printed (p50/p99/max, and how many probes failed or took over 1 s).
"""
import asyncio
import hashlib
import hmac
import json
import resource
import sys
import time


def signed_event(secret, message, request_id=None):
    event = {"timestamp": int(time.time() * 1000), "source": "api", "environment": "chaos",
             "release": "1.0.0", "error_type": "ChaosError", "message": message}
    if request_id:
        event["request_id"] = request_id
    body = json.dumps(event, separators=(",", ":")).encode()
    sig = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, sig


def request(path, body, sig, keep_alive=True):
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Signature: %s\r\n"
            "Content-Length: %d\r\n%s\r\n" % (path, sig, len(body), "" if keep_alive else "Connection: close\r\n"))
    return head.encode() + body


async def read_response(reader):
    """Status code of one HTTP/1.1 response (body read by Content-Length)."""
    line = await reader.readline()
    if not line:
        raise ConnectionError("closed")
    status = int(line.split()[1])
    length = 0
    while True:
        h = await reader.readline()
        if h in (b"\r\n", b"", b"\n"):
            break
        if h.lower().startswith(b"content-length:"):
            length = int(h.split(b":")[1])
    if length:
        await reader.readexactly(length)
    return status


async def probe(port, secret, stop, results):
    """Twice a second: GET /health and a signed ingest, each on a new connection, 10 s timeout."""
    n = 0
    while not stop.is_set():
        n += 1
        for kind in ("health", "ingest"):
            t0 = time.monotonic()
            ok = False
            try:
                r, w = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
                if kind == "health":
                    w.write(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                else:
                    body, sig = signed_event(secret, "probe %d" % (n % 10))
                    w.write(request("/v1/ingest", body, sig, keep_alive=False))
                await w.drain()
                status = await asyncio.wait_for(read_response(r), 10)
                ok = status == 200
                w.close()
            except Exception:
                ok = False
            results.setdefault(kind, []).append((time.monotonic() - t0, ok))
        await asyncio.sleep(0.5)


def report(results):
    for kind, rows in sorted(results.items()):
        times = sorted(t for t, _ in rows)
        failed = sum(1 for _, ok in rows if not ok)
        slow = sum(1 for t in times if t > 1.0)
        pct = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
        print("probe_%s n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f over_1s=%d failed=%d"
              % (kind, len(rows), pct(0.5), pct(0.99), times[-1] * 1000, slow, failed))


async def slow_clients(port, secret, n, secs, header_mode):
    stop = asyncio.Event()
    results = {}
    counters = {"opened": 0, "refused": 0, "closed_by_server": 0}
    answers = {}

    async def one(i):
        try:
            r, w = await asyncio.open_connection("127.0.0.1", port)
        except Exception:
            counters["refused"] += 1
            return
        counters["opened"] += 1
        try:
            if header_mode:
                w.write(b"POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                k = 0
                while not stop.is_set():
                    await asyncio.sleep(5)
                    w.write(b"X-Slow-%d: %d\r\n" % (k, k))
                    k += 1
                    await w.drain()
            else:
                w.write(b"POST /v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        b"X-Signature: " + b"ab" * 32 + b"\r\nContent-Length: 32000\r\n\r\n")
                while not stop.is_set():
                    w.write(b"{")
                    await w.drain()
                    try:
                        line = await asyncio.wait_for(r.readline(), 5)
                    except asyncio.TimeoutError:
                        continue
                    if line:
                        status = line.split()[1].decode()
                        answers[status] = answers.get(status, 0) + 1
                    break
        except Exception:
            pass
        counters["closed_by_server"] += 1

    tasks = []
    for i in range(n):
        tasks.append(asyncio.ensure_future(one(i)))
        if i % 200 == 199:
            await asyncio.sleep(0.05)
    prober = asyncio.ensure_future(probe(port, secret, stop, results))
    await asyncio.sleep(secs)
    stop.set()
    await prober
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print("slow_%s connections=%d opened=%d refused=%d ended_by_server_or_error=%d answers=%s"
          % ("header" if header_mode else "body", n, counters["opened"], counters["refused"],
             counters["closed_by_server"], json.dumps(answers, sort_keys=True)))
    report(results)


async def flood(port, secret, secs, conns, out):
    acked = []
    counts = {}
    deadline = time.monotonic() + secs

    async def client(c):
        i = 0
        r = w = None
        while time.monotonic() < deadline:
            try:
                if w is None:
                    r, w = await asyncio.open_connection("127.0.0.1", port)
                rid = "f%d-%d" % (c, i)
                i += 1
                body, sig = signed_event(secret, "flood %d" % (i % 50), rid)
                w.write(request("/v1/ingest", body, sig))
                await w.drain()
                status = await asyncio.wait_for(read_response(r), 30)
                counts[status] = counts.get(status, 0) + 1
                if status == 200:
                    acked.append(rid)
                elif status in (429, 503):
                    await asyncio.sleep(0.05)
            except Exception:
                counts["error"] = counts.get("error", 0) + 1
                w = None
                await asyncio.sleep(0.05)
                if time.monotonic() >= deadline:
                    break

    await asyncio.gather(*(client(c) for c in range(conns)))
    with open(out, "w") as f:
        f.write("\n".join(acked) + ("\n" if acked else ""))
    print("flood secs=%s conns=%d acknowledged=%d answers=%s" % (secs, conns, len(acked),
                                                               json.dumps({str(k): v for k, v in counts.items()},
                                                                          sort_keys=True)))


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    mode, port, secret = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if mode == "slow-body":
        asyncio.run(slow_clients(port, secret, int(sys.argv[4]) if len(sys.argv) > 4 else 1500,
                                 float(sys.argv[5]) if len(sys.argv) > 5 else 30, False))
    elif mode == "slow-header":
        asyncio.run(slow_clients(port, secret, int(sys.argv[4]) if len(sys.argv) > 4 else 20000,
                                 float(sys.argv[5]) if len(sys.argv) > 5 else 30, True))
    elif mode == "flood":
        asyncio.run(flood(port, secret, float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

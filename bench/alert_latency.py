#!/usr/bin/env python3
"""Event-to-alert latency: a local webhook receiver, a new_issue rule, N new groups sent one at a time.

usage: alert_latency.py BASE_URL TOKEN INGEST_SECRET [COUNT]
Prints p50/p99/max of (notification received - event acknowledged) in ms.
"""
import hashlib
import hmac
import http.client
import http.server
import json
import sys
import threading
import time
from urllib.parse import urlparse

received = {}


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        now = time.time()
        try:
            received.setdefault(json.loads(body)["fingerprint"], now)
        except (ValueError, KeyError):
            pass
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    base, token, secret = sys.argv[1], sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)

    def call(method, path, body, headers):
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status // 100 != 2:
            raise SystemExit("%s %s -> %d %s" % (method, path, resp.status, data[:300]))
        return json.loads(data)

    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    rule = call("POST", "/v1/alerts", json.dumps({"name": "latency bench", "environment_filter": "latency",
                                                   "cooldown_secs": 0, "config": {"type": "new_issue"}}), auth)
    call("POST", "/v1/alerts/%d/channels" % rule["id"], json.dumps(
        {"type": "webhook", "url": "http://127.0.0.1:%d/hook" % server.server_address[1]}), auth)

    acked = {}
    for i in range(count):
        body = json.dumps({"timestamp": int(time.time() * 1000), "source": "api", "environment": "latency",
                           "release": "bench", "error_type": "LatencyError%d" % i,
                           "message": "new group %d" % i}, separators=(",", ":"))
        sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
        answer = call("POST", "/v1/ingest", body, {"Content-Type": "application/json", "X-Signature": sig})
        acked[answer["fingerprint"]] = time.time()
        time.sleep(0.05)

    deadline = time.time() + 30
    while len([f for f in acked if f in received]) < count and time.time() < deadline:
        time.sleep(0.05)
    latencies = sorted((received[f] - t) * 1000 for f, t in acked.items() if f in received)
    missing = count - len(latencies)
    if not latencies:
        raise SystemExit("no notification arrived")
    print("ALERT_LATENCY n=%d missing=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f"
          % (len(latencies), missing, latencies[len(latencies) // 2],
             latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], latencies[-1]))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Event-to-alert latency per rule type: a local webhook receiver, one rule per type, N crossings each.

usage: alert_latency.py BASE_URL TOKEN INGEST_SECRET [COUNT] [TYPES]
TYPES: comma-separated, of new_issue, threshold, spike (default: all three).

For each type, COUNT fresh groups: new_issue alerts on a group's first event; threshold (more than 3
events in 300 s) and spike (3x the baseline rate, at least 3 events in 120 s) first get the events
that do not cross the line yet (committed before the measurement starts), then one event that does.
The latency is notification received minus the crossing event acknowledged. Prints p50/p99/max in ms
per type.
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
lock = threading.Lock()

RULES = {
    # type: (config, events before the crossing one)
    "new_issue": ({"type": "new_issue"}, 0),
    "threshold": ({"type": "threshold", "threshold": 3, "window_secs": 300}, 3),
    "spike": ({"type": "spike", "multiplier": 3, "compare_window_secs": 120, "baseline_window_secs": 3600,
               "min_events": 3}, 2),
}


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        now = time.time()
        try:
            note = json.loads(body)
            with lock:
                received.setdefault((note["rule"]["type"], note["fingerprint"]), now)
        except (ValueError, KeyError):
            pass
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    base, token, secret = sys.argv[1], sys.argv[2], sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    types = sys.argv[5].split(",") if len(sys.argv) > 5 else list(RULES)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    run = str(int(time.time()))

    def call(method, path, body, headers):
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status // 100 != 2:
            raise SystemExit("%s %s -> %d %s" % (method, path, resp.status, data[:300]))
        return json.loads(data)

    def signed(path, body):
        sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
        return call("POST", path, body, {"Content-Type": "application/json", "X-Signature": sig})

    def event(kind, i):
        return {"timestamp": int(time.time() * 1000), "source": "api", "environment": "latency-" + kind,
                "release": "bench", "error_type": "Latency%s%s_%d" % (kind.title().replace("_", ""), run, i),
                "message": "group %d" % i}

    auth = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    for kind in types:
        config, before = RULES[kind]
        rule = call("POST", "/v1/alerts", json.dumps({"name": "latency bench " + kind, "environment_filter": "latency-" + kind,
                                                       "cooldown_secs": 0, "config": config}), auth)
        call("POST", "/v1/alerts/%d/channels" % rule["id"], json.dumps(
            {"type": "webhook", "url": "http://127.0.0.1:%d/hook" % server.server_address[1]}), auth)

        # The events that do not cross the line yet, committed before the clock starts.
        pending = [event(kind, i) for i in range(count) for _ in range(before)]
        for start in range(0, len(pending), 50):
            signed("/v1/ingest/batch", json.dumps({"events": pending[start:start + 50]}, separators=(",", ":")))
        if pending:
            time.sleep(2.5)

        acked = {}
        for i in range(count):
            answer = signed("/v1/ingest", json.dumps(event(kind, i), separators=(",", ":")))
            acked[answer["fingerprint"]] = time.time()
            time.sleep(0.05)

        deadline = time.time() + 30
        while time.time() < deadline:
            with lock:
                if all((kind, f) in received for f in acked):
                    break
            time.sleep(0.05)
        with lock:
            latencies = sorted((received[(kind, f)] - t) * 1000 for f, t in acked.items() if (kind, f) in received)
        missing = count - len(latencies)
        if not latencies:
            print("ALERT_LATENCY type=%s n=0 missing=%d" % (kind, missing))
            continue
        print("ALERT_LATENCY type=%s n=%d missing=%d p50_ms=%.0f p99_ms=%.0f max_ms=%.0f"
              % (kind, len(latencies), missing, latencies[len(latencies) // 2],
                 latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], latencies[-1]), flush=True)


if __name__ == "__main__":
    main()

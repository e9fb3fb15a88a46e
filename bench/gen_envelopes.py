#!/usr/bin/env python3
"""Writes gzip-compressed Sentry envelopes for wrk: records of "<byte length>\\n<gzip bytes>".

usage: gen_envelopes.py COUNT OUT [GROUPS]
Each envelope carries one error event as @sentry/node sends it (header line with event_id and sdk,
an event item: exception with six frames caller to callee, in_app marks, contexts, tags), about
1.5 KB of JSON and 0.7 KB gzipped. GROUPS distinct throw sites (default 200); numbers and ids in
the messages vary, so grouping's normalizer does real work.
"""
import gzip
import json
import random
import sys
import uuid


def event(rng, groups):
    bug = rng.randrange(groups)
    eid = uuid.UUID(int=rng.getrandbits(128)).hex
    frames = [
        {"filename": "node:internal/process/task_queues", "function": "processTicksAndRejections", "lineno": 95,
         "colno": 5, "in_app": False},
        {"filename": "/srv/app/node_modules/express/lib/router/layer.js", "function": "Layer.handle", "lineno": 95,
         "colno": 5, "in_app": False},
        {"filename": "/srv/app/dist/routes/r%d.js" % (bug % 50), "function": "route%d" % (bug % 50),
         "lineno": 10 + rng.randrange(5), "colno": 3, "in_app": True},
        {"filename": "/srv/app/dist/services/s%d.js" % bug, "function": "service%d" % bug,
         "lineno": 40 + rng.randrange(50), "colno": 17, "in_app": True},
        {"filename": "/srv/app/node_modules/pg/lib/client.js", "function": "Client.query", "lineno": 526,
         "colno": 18, "in_app": False},
        {"filename": "/srv/app/node_modules/pg/lib/result.js", "function": "Result.parse", "lineno": 88,
         "colno": 9, "in_app": False},
    ]
    payload = {
        "event_id": eid, "platform": "node", "level": "error", "timestamp": 1796045434.04 + rng.random(),
        "release": "api@1.%d.%d" % (bug % 4, rng.randrange(5)), "environment": rng.choice(["prod", "staging"]),
        "server_name": "web-%d" % rng.randrange(8), "transaction": "GET /api/route/%d" % (bug % 50),
        "exception": {"values": [{
            "type": "TypeError" if bug % 2 else "DatabaseError",
            "value": "Cannot read properties of undefined (reading 'field%d') for user %d (request %s)"
                     % (bug, rng.randrange(10 ** 6), uuid.UUID(int=rng.getrandbits(128))),
            "mechanism": {"type": "generic", "handled": True},
            "stacktrace": {"frames": frames}}]},
        "contexts": {"runtime": {"name": "node", "version": "v20.20.2"},
                     "os": {"name": "Debian", "version": "12"},
                     "trace": {"trace_id": uuid.UUID(int=rng.getrandbits(128)).hex, "span_id": "885ed038b922e9eb"}},
        "tags": {"region": "eu-west-1", "plan": rng.choice(["free", "pro"])},
        "user": {"id": "user-%d" % rng.randrange(5000)},
        "sdk": {"name": "sentry.javascript.node", "version": "11.12.0"},
    }
    body = json.dumps(payload, separators=(",", ":")).encode()
    header = json.dumps({"event_id": eid, "sent_at": "2026-11-30T13:30:34.101Z",
                         "sdk": {"name": "sentry.javascript.node", "version": "11.12.0"}},
                        separators=(",", ":")).encode()
    item = json.dumps({"type": "event", "length": len(body)}, separators=(",", ":")).encode()
    return header + b"\n" + item + b"\n" + body + b"\n"


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    groups = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    rng = random.Random(42)
    raw = packed = 0
    with open(out, "wb") as f:
        for _ in range(count):
            envelope = event(rng, groups)
            body = gzip.compress(envelope, 6)
            raw += len(envelope)
            packed += len(body)
            f.write(b"%d\n" % len(body))
            f.write(body)
    print("envelopes=%d avg_bytes=%d avg_gzip_bytes=%d" % (count, raw // count, packed // count))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes pre-signed ingest requests for wrk: one line per request, "<hex signature>\t<json body>".

usage: gen_requests.py SECRET single|batch|simple|simple-batch COUNT OUT [GROUPS]
Events vary their numbers, ids and releases the way real traffic does, so grouping and the
per-release/per-environment aggregates do real work; GROUPS distinct bugs (default 200); batch
events come from 20,000 distinct users (user_id_hash), so users-affected counting does its work too.
simple and simple-batch events have no stack and no metadata (grouped by route).
"""
import hashlib
import hmac
import json
import random
import sys
import time
import uuid


def event(rng, groups):
    bug = rng.randrange(groups)
    return {
        "timestamp": int(time.time() * 1000),
        "source": ["ios", "android", "api", "web"][bug % 4],
        "environment": rng.choice(["prod", "staging"]),
        "release": "1.%d.%d" % (bug % 4, rng.randrange(5)),
        "error_type": "TypeError" if bug % 2 else "NetworkError",
        "message": "Cannot read property 'field%d' of undefined for user %d (request %s)"
                   % (bug, rng.randrange(10**6), uuid.UUID(int=rng.getrandbits(128))),
        "route_or_procedure": "/api/route/%d" % (bug % 50),
        "stack": "at handler%d (src/app/handler%d.ts:%d:%d)\nat node_modules/express/lib/router.js:1:1"
                 % (bug, bug, rng.randrange(500), rng.randrange(80)),
        "http_status": 500,
        "metadata": {"attempt": rng.randrange(5), "region": "eu-west-1"},
        "user_id_hash": "user-%d" % rng.randrange(20000),
    }


def simple_event(rng, groups):
    bug = rng.randrange(groups)
    return {
        "timestamp": int(time.time() * 1000),
        "source": "api",
        "environment": "prod",
        "release": "2.0.%d" % (bug % 3),
        "error_type": "TimeoutError",
        "message": "upstream %d timed out after %d ms" % (bug, rng.randrange(10**4)),
        "route_or_procedure": "/api/v1/items/%d" % bug,
    }


def main():
    secret, kind, count, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    groups = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    rng = random.Random(42)
    with open(out, "w") as f:
        for _ in range(count):
            if kind == "batch":
                payload = {"events": [event(rng, groups) for _ in range(50)]}
            elif kind == "simple-batch":
                payload = {"events": [simple_event(rng, groups) for _ in range(50)]}
            elif kind == "simple":
                payload = simple_event(rng, groups)
            else:
                payload = event(rng, groups)
            body = json.dumps(payload, separators=(",", ":"))
            sig = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()
            f.write(sig + "\t" + body + "\n")


if __name__ == "__main__":
    main()

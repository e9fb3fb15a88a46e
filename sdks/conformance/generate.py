#!/usr/bin/env python3
"""Writes vectors.json: the cases every bloop SDK's tests read, so signing, capping and batching stay
byte-compatible with bloop-api (dev.bloop.api.Signatures, Utf8) and the server's limits.

Run it only to change the vectors (python3 generate.py); the SDKs read the committed JSON."""
import hashlib
import hmac
import json
import os


def sign(secret, body):
    return hmac.new(secret.encode("utf-8"), body.encode("utf-8"), hashlib.sha256).hexdigest()


def truncate(s, max_bytes):
    out, size = [], 0
    for ch in s:
        n = len(ch.encode("utf-8"))
        if size + n > max_bytes:
            break
        out.append(ch)
        size += n
    return "".join(out)


def event(i, **extra):
    e = {"timestamp": 1700000000000 + i, "source": "api", "environment": "test", "release": "1.0.0",
         "error_type": "ConformanceError", "message": "event %d" % i}
    e.update(extra)
    return e


def body_of(events):
    # The wire form the SDKs send: compact JSON, the events joined by commas.
    return '{"events":[' + ",".join(json.dumps(e, separators=(",", ":"), ensure_ascii=False) for e in events) + "]}"


hmac_cases = [
    {"name": "rfc4231_case2", "secret": "Jefe", "body": "what do ya want for nothing?",
     "expected_hex": "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
    {"name": "quick_start_event", "secret": "change-me-in-production",
     "body": '{"timestamp":1700000000000,"source":"api","environment":"prod","release":"1.0.0","error_type":"TypeError","message":"Cannot read property id of undefined","route_or_procedure":"/api/users"}'},
    {"name": "utf8_body", "secret": "bloop_sk_9f2c1d0e7b6a5f4e3d2c1b0a",
     "body": '{"events":[{"timestamp":1700000000000,"source":"ios","environment":"prod","release":"2.3.1","error_type":"Überfehler","message":"Größe ungültig: 5 € — 日本語 😀"}]}'},
    {"name": "utf8_secret", "secret": "clé-secrète-ünïcode-🔑", "body": '{"events":[]}'},
    {"name": "empty_body", "secret": "change-me-in-production", "body": ""},
]
for c in hmac_cases:
    got = sign(c["secret"], c["body"])
    assert "expected_hex" not in c or c["expected_hex"] == got
    c["expected_hex"] = got
    c["body_utf8_bytes"] = len(c["body"].encode("utf-8"))

cap_cases = [
    {"name": "message_ascii_over", "field": "message", "max_bytes": 2048, "input": "a" * 3000},
    {"name": "message_two_byte_chars", "field": "message", "max_bytes": 2048, "input": "é" * 1500},
    {"name": "message_emoji_not_split", "field": "message", "max_bytes": 2048, "input": "a" * 2046 + "😀" + "b"},
    {"name": "message_three_byte_not_split", "field": "message", "max_bytes": 2048, "input": "a" * 2047 + "€"},
    {"name": "message_exactly_at_cap", "field": "message", "max_bytes": 2048, "input": "x" * 2048},
    {"name": "stack_over", "field": "stack", "max_bytes": 8192,
     "input": "".join("    at handler%d (src/app.ts:%d:10)\n" % (i, i) for i in range(400))},
    {"name": "stack_cjk", "field": "stack", "max_bytes": 8192, "input": "日本語" * 1000},
]
for c in cap_cases:
    c["expected"] = truncate(c["input"], c["max_bytes"])
    c["expected_utf8_bytes"] = len(c["expected"].encode("utf-8"))

metadata_cases = [
    {"name": "metadata_under_cap_kept", "max_bytes": 4096, "input": {"user_tier": "pro", "cart_items": 3},
     "expected": "unchanged"},
    {"name": "metadata_over_cap_replaced", "max_bytes": 4096, "input": {"blob": "z" * 5000},
     "expected": "replaced",
     "rule": "the serialized (compact UTF-8 JSON) metadata is over max_bytes: send instead an object "
             "whose only key is bloop_metadata_dropped, a string saying how many bytes it was "
             "(as bloop-client-java does), never the oversized value and never a refused event"},
]

sixty = [event(i) for i in range(60)]
big_stack = "".join("    at frame%04d (src/big.ts:1:1)\n" % i for i in range(200))  # ~6.8 KB
ten_big = [event(i, stack=big_stack) for i in range(10)]
batching_cases = [
    {"name": "sixty_small_events", "max_events": 50, "max_body_bytes": 32768, "events": sixty,
     "expected_batches": [50, 10]},
    {"name": "ten_large_events_bounded_by_bytes", "max_events": 50, "max_body_bytes": 32768,
     "events": ten_big},
]
# Greedy, in order: a batch takes events while it holds <= 50 and its body (as body_of) fits.
for c in batching_cases:
    sizes, cur = [], []
    for e in c["events"]:
        if cur and (len(cur) == c["max_events"] or len(body_of(cur + [e]).encode("utf-8")) > c["max_body_bytes"]):
            sizes.append(len(cur))
            cur = []
        cur.append(e)
    if cur:
        sizes.append(len(cur))
    assert "expected_batches" not in c or c["expected_batches"] == sizes, sizes
    c["expected_batches"] = sizes

vectors = {
    "about": "Shared test vectors for every bloop SDK: HMAC-SHA256 signing (lower-case hex of the exact "
             "UTF-8 body bytes), client-side caps in UTF-8 bytes (never splitting a character), and "
             "batching (<= 50 events and <= 32768 body bytes, greedy, in order, body = "
             "{\"events\":[e1,e2,...]} with compact JSON). Generated by generate.py.",
    "limits": {"message_bytes": 2048, "stack_bytes": 8192, "metadata_bytes": 4096, "fingerprint_chars": 256,
               "body_bytes": 32768, "batch_events": 50},
    "hmac": hmac_cases,
    "caps": cap_cases,
    "metadata": metadata_cases,
    "batching": batching_cases,
}
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "vectors.json"), "w", encoding="utf-8") as f:
    json.dump(vectors, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("vectors.json:", {k: len(v) for k, v in vectors.items() if isinstance(v, list)},
      "batching:", [c["expected_batches"] for c in batching_cases])

#!/usr/bin/env python3
"""Writes pre-signed trace batches for wrk (and llm_seed.py): one line per request,
"<hex signature>\t<json body>", each body {"traces": [...]} of TRACES traces of 5 spans.

usage: gen_traces.py SECRET REQUESTS OUT [TRACES_PER_REQUEST] [SEED]

A trace is an agent turn: a root step, two model calls (OpenAI- and Anthropic-style usage with
cache reads and writes, reasoning tokens, a client cost on some, one model without a price), a tool
call and a retrieval; about 3 % of traces and 2 % of calls fail. Prompts, completions and metadata are
sent too (the default content storage, none, drops them at ingest, as in production). Every trace
id is new, so nothing is a re-send.
"""
import hashlib
import hmac
import json
import random
import sys
import time
import uuid

MODELS = [
    ("gpt-4o", "openai", "openai"), ("gpt-4o-mini", "openai", "openai"), ("gpt-5", "openai", "openai"),
    ("o3-mini", "openai", "openai"), ("claude-sonnet-4-5", "anthropic", "anthropic"),
    ("claude-haiku-4-5", "anthropic", "anthropic"), ("acme-llama-70b", "acme", "openai"),
]
NAMES = ["support-chat", "summarize-ticket", "agent-run", "classify-email", "draft-reply", "search-answer",
         "extract-fields", "translate"]


def generation(rng, sid, parent, start, name):
    model, provider, style = rng.choice(MODELS)
    latency = rng.randint(200, 6000)
    span = {"id": sid, "parent_span_id": parent, "span_type": "generation", "name": name, "model": model,
            "provider": provider, "started_at": start, "latency_ms": latency,
            "time_to_first_token_ms": rng.randint(80, min(1500, latency)),
            "input": [{"role": "user", "content": "question %d about order %d" % (rng.randrange(10**6), rng.randrange(10**5))}],
            "output": "answer %d" % rng.randrange(10**6)}
    output = rng.randint(20, 1200)
    span["output_tokens"] = output
    if style == "anthropic":
        span["input_uncached_tokens"] = rng.randint(50, 3000)
        if rng.random() < 0.6:
            span["cache_read_tokens"] = rng.randint(1000, 40000)
        if rng.random() < 0.2:
            span["cache_write_tokens"] = rng.randint(500, 8000)
        if rng.random() < 0.05:
            span["cache_write_1h_tokens"] = rng.randint(500, 8000)
    else:
        total = rng.randint(100, 20000)
        span["input_tokens"] = total
        if rng.random() < 0.5:
            span["cache_read_tokens"] = rng.randint(0, total)
        if model in ("gpt-5", "o3-mini"):
            span["reasoning_tokens"] = rng.randint(0, output)
    if rng.random() < 0.3:
        span["cost"] = round(rng.uniform(0.0001, 0.05), 6)
    if rng.random() < 0.02:
        span["status"] = "error"
        span["error_message"] = "upstream 529: overloaded"
    return span


def trace(rng, now):
    start = now - rng.randint(0, 5000)
    root = "s%x" % rng.getrandbits(48)
    spans = [{"id": root, "span_type": "custom", "name": "plan", "started_at": start,
              "latency_ms": rng.randint(800, 9000), "metadata": {"step": "plan"}},
             generation(rng, "g1", root, start + rng.randint(1, 50), "draft"),
             {"id": "t1", "parent_span_id": root, "span_type": "tool", "name": "lookup-order",
              "started_at": start + rng.randint(100, 3000), "latency_ms": rng.randint(10, 800)},
             {"id": "r1", "parent_span_id": root, "span_type": "retrieval", "name": "vector-search",
              "started_at": start + rng.randint(100, 3000), "latency_ms": rng.randint(5, 300),
              "metadata": {"top_k": 8}},
             generation(rng, "g2", root, start + rng.randint(3000, 6000), "answer")]
    t = {"id": uuid.UUID(int=rng.getrandbits(128)).hex, "name": rng.choice(NAMES),
         "session_id": "sess-%d" % rng.randrange(5000), "user_id": "user-%d" % rng.randrange(1000),
         "status": "error" if rng.random() < 0.03 else "completed", "started_at": start,
         "ended_at": start + rng.randint(6000, 12000), "input": "user message %d" % rng.randrange(10**6),
         "metadata": {"channel": rng.choice(["web", "ios", "slack"])}, "spans": spans}
    return t


def main():
    secret, requests, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    per = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 42
    rng = random.Random(seed)
    now = int(time.time() * 1000)
    key = secret.encode("utf-8")
    with open(out, "w") as f:
        for _ in range(requests):
            body = json.dumps({"traces": [trace(rng, now) for _ in range(per)]}, separators=(",", ":"))
            sig = hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()
            f.write(sig + "\t" + body + "\n")


if __name__ == "__main__":
    main()

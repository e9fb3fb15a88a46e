// LLM trace helpers against a loopback stand-in (the server side of traces is not built yet).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { BloopClient, MAX_SPANS } from "../src/index.js";
import { nodeSigner } from "../src/node/index.js";
import { sign, startStandIn, type StandIn } from "./helpers/standin.js";

const SECRET = "trace-test-secret-0123456789";
let server: StandIn;
let client: BloopClient;

function noNulls(value: unknown, path = "$"): void {
  assert.notEqual(value, null, `${path} is null`);
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) noNulls(v, `${path}.${k}`);
  }
}

function traces(): any[] {
  return server.to("/v1/traces/batch").flatMap((r) => r.json.traces);
}

before(async () => {
  server = await startStandIn();
  client = new BloopClient({
    endpoint: server.url, secret: SECRET, projectKey: "pk_test", environment: "test", release: "1.0.0",
    signer: nodeSigner(), flushInterval: 60000, logger: false,
  });
});
after(async () => {
  await client.close();
  await server.close();
});
beforeEach(() => {
  server.requests.length = 0;
});

describe("traces", () => {
  it("startTrace → generation / span → end() posts one signed trace in wire form", async () => {
    const t0 = Date.now();
    const trace = client.startTrace({ name: "support-chat", sessionId: "sess-1", userId: "user-9", input: "Where is my order?", metadata: { channel: "web" } });
    const retrieval = trace.span({ type: "retrieval", name: "orders-lookup", input: { orderId: 7 } });
    retrieval.end({ output: { status: "shipped" } });
    trace.generation({
      name: "answer", model: "gpt-4o-mini", provider: "openai", usage: { inputTokens: 120, outputTokens: 30 }, cost: 0.00042,
      input: [{ role: "user", content: "Where is my order?" }], output: "It shipped yesterday.", latencyMs: 850, timeToFirstTokenMs: 210,
    });
    const tool = trace.span({ type: "tool", name: "send-email" });
    const nested = tool.generation({ model: "gpt-4o-mini", usage: { prompt_tokens: 10, completion_tokens: 5 } });
    nested.end({ error: new Error("rate limited") });
    tool.end({ status: "error", errorMessage: "email failed" });
    assert.equal(trace.end({ output: "It shipped yesterday." }), true);
    assert.equal(trace.end(), false, "end is idempotent");
    assert.equal(await client.flush(3000), true);

    const [req] = server.to("/v1/traces/batch");
    assert.equal(req.headers["x-signature"], sign(SECRET, req.raw));
    assert.equal(req.headers["x-project-key"], "pk_test");
    assert.equal(req.headers["content-type"], "application/json");
    assert.deepEqual(Object.keys(req.json), ["traces"]);
    const [t] = req.json.traces;
    noNulls(t);
    assert.equal(t.id, trace.id);
    assert.match(t.id, /^[0-9a-f]{32}$/);
    assert.equal(t.name, "support-chat");
    assert.equal(t.session_id, "sess-1");
    assert.equal(t.user_id, "user-9");
    assert.equal(t.status, "completed");
    assert.equal(t.input, "Where is my order?");
    assert.equal(t.output, "It shipped yesterday.");
    assert.deepEqual(t.metadata, { channel: "web" });
    assert.ok(t.started_at >= t0 && t.ended_at >= t.started_at);
    assert.equal(t.spans.length, 4);
    const [r, g, tl, n] = t.spans;
    assert.equal(r.span_type, "retrieval");
    assert.deepEqual(r.output, { status: "shipped" });
    assert.equal(r.status, "ok");
    assert.deepEqual(
      { span_type: g.span_type, model: g.model, provider: g.provider, input_tokens: g.input_tokens, output_tokens: g.output_tokens, cost: g.cost, latency_ms: g.latency_ms, time_to_first_token_ms: g.time_to_first_token_ms, status: g.status },
      { span_type: "generation", model: "gpt-4o-mini", provider: "openai", input_tokens: 120, output_tokens: 30, cost: 0.00042, latency_ms: 850, time_to_first_token_ms: 210, status: "ok" },
    );
    assert.equal(g.ended_at - g.started_at, 850);
    assert.equal(g.parent_span_id, undefined);
    assert.equal(tl.status, "error");
    assert.equal(tl.error_message, "email failed");
    assert.equal(n.parent_span_id, tl.id);
    assert.equal(n.span_type, "generation");
    assert.equal(n.input_tokens, 10);
    assert.equal(n.output_tokens, 5);
    assert.equal(n.status, "error");
    assert.equal(n.error_message, "rate limited");
    for (const s of t.spans) assert.match(s.id, /^[0-9a-f]{16}$/);
  });

  it("open spans end with the trace; an error ends it as 'error'; content is capped", async () => {
    const trace = client.startTrace({ name: "agent" });
    trace.generation({ model: "m", input: "é".repeat(10000) });
    trace.end({ error: new Error("agent crashed") });
    await client.flush(3000);
    const [t] = traces();
    assert.equal(t.status, "error");
    assert.equal(t.metadata.error_message, "agent crashed");
    assert.equal(t.spans[0].status, "ok");
    assert.equal(t.spans[0].metadata.ended_with_trace, true);
    assert.equal(Buffer.byteLength(t.spans[0].input), 8192);
  });

  it(`keeps at most ${MAX_SPANS} spans and says how many were dropped`, async () => {
    const trace = client.startTrace({ name: "long" });
    for (let i = 0; i < MAX_SPANS + 7; i++) trace.span({ name: `step ${i}`, latencyMs: 1 });
    trace.end();
    await client.flush(3000);
    const [t] = traces();
    assert.equal(t.spans.length, MAX_SPANS);
    assert.equal(t.metadata.bloop_spans_dropped, 7);
  });

  it("60 traces go out as batches of [50, 10]", async () => {
    for (let i = 0; i < 60; i++) client.startTrace({ name: `t${i}` }).end();
    assert.equal(await client.flush(3000), true);
    assert.deepEqual(server.to("/v1/traces/batch").map((r) => r.json.traces.length), [50, 10]);
    assert.deepEqual(traces().map((t) => t.name), Array.from({ length: 60 }, (_, i) => `t${i}`));
  });
});

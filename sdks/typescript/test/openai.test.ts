// wrapOpenAI with the real `openai` client (6.49.0) pointed at a fake OpenAI server on loopback.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { after, before, beforeEach, describe, it } from "node:test";
import { BloopClient } from "../src/index.js";
import { nodeSigner } from "../src/node/index.js";
import { wrapOpenAI } from "../src/openai.js";
import { startStandIn, type StandIn } from "./helpers/standin.js";

let bloop: StandIn;
let fake: Server;
let baseURL: string;
let client: BloopClient;
const seen: any[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startFakeOpenAI(): Promise<void> {
  fake = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const p = JSON.parse(body || "{}");
      seen.push({ path: req.url, body: p, auth: req.headers.authorization });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json", "x-request-id": "req_fake_1" });
        res.end(JSON.stringify(value));
      };
      if (p.model === "broken") return json(500, { error: { message: "The server had an error", type: "server_error" } });
      if (p.model === "limited") return json(429, { error: { message: "Rate limit reached", type: "rate_limit_error" } });
      if (req.url === "/v1/chat/completions" && p.stream) {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        const chunk = (delta: object, finish: string | null = null, usage?: object) => ({
          id: "chatcmpl-s", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini-2024-07-18",
          choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}),
        });
        await sleep(80);
        for (const c of [chunk({ role: "assistant", content: "Hel" }), chunk({ content: "lo" }), chunk({}, "stop")]) {
          res.write(`data: ${JSON.stringify(c)}\n\n`);
          await sleep(20);
        }
        if (p.stream_options?.include_usage) {
          res.write(`data: ${JSON.stringify(chunk({}, null, { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 }))}\n\n`);
        }
        res.end("data: [DONE]\n\n");
        return;
      }
      await sleep(120);
      if (req.url === "/v1/chat/completions") {
        return json(200, {
          id: "chatcmpl-1", object: "chat.completion", created: 1, model: "gpt-4o-mini-2024-07-18",
          choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
        });
      }
      if (req.url === "/v1/responses") {
        return json(200, {
          id: "resp_1", object: "response", created_at: 1, model: "gpt-4.1-mini", status: "completed",
          output: [{ type: "message", id: "msg_1", role: "assistant", status: "completed", content: [{ type: "output_text", text: "Hi there", annotations: [] }] }],
          usage: { input_tokens: 5, output_tokens: 2, total_tokens: 7 },
        });
      }
      if (req.url === "/v1/embeddings") {
        return json(200, { object: "list", data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }], model: "text-embedding-3-small", usage: { prompt_tokens: 4, total_tokens: 4 } });
      }
      json(404, { error: { message: "unknown path" } });
    });
  });
  return new Promise((resolve) => fake.listen(0, "127.0.0.1", () => {
    baseURL = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/v1`;
    resolve();
  }));
}

function traces(): any[] {
  return bloop.to("/v1/traces/batch").flatMap((r) => r.json.traces);
}

before(async () => {
  bloop = await startStandIn();
  await startFakeOpenAI();
  client = new BloopClient({
    endpoint: bloop.url, secret: "openai-test-secret-0123456789", environment: "test", release: "1.0.0",
    signer: nodeSigner(), flushInterval: 60000, logger: false,
  });
});
after(async () => {
  await client.close();
  await bloop.close();
  await new Promise<void>((r) => fake.close(() => r()));
});
beforeEach(() => {
  bloop.requests.length = 0;
  seen.length = 0;
});

const pricing = { "gpt-4o-mini": { input: 0.15, output: 0.6 } };

describe("wrapOpenAI", () => {
  it("chat completion: the same result; one trace with a generation span (model, usage, cost, latency)", async () => {
    const raw = new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0 });
    const openai = wrapOpenAI(raw, { client, pricing, sessionId: "s-1" });
    const messages = [{ role: "user" as const, content: "Say hello" }];
    const plain = await raw.chat.completions.create({ model: "gpt-4o-mini", messages });
    const wrapped = await openai.chat.completions.create({ model: "gpt-4o-mini", messages });
    assert.deepEqual(JSON.parse(JSON.stringify(wrapped)), JSON.parse(JSON.stringify(plain)));
    assert.equal(wrapped.choices[0].message.content, "Hello!");
    const { data, response } = await openai.chat.completions.create({ model: "gpt-4o-mini", messages }).withResponse();
    assert.equal(response.status, 200);
    assert.equal(data.id, "chatcmpl-1");
    assert.equal(seen[1].auth, "Bearer sk-test");
    assert.equal(await client.flush(3000), true);
    const all = traces();
    assert.equal(all.length, 2, "one trace per wrapped call");
    const t = all[0];
    assert.equal(t.name, "openai.chat.completions.create");
    assert.equal(t.session_id, "s-1");
    assert.equal(t.status, "completed");
    const [s] = t.spans;
    assert.equal(s.span_type, "generation");
    assert.equal(s.provider, "openai");
    assert.equal(s.model, "gpt-4o-mini-2024-07-18", "the model that answered");
    assert.equal(s.input_tokens, 12);
    assert.equal(s.output_tokens, 3);
    assert.ok(Math.abs(s.cost - (12 * 0.15 + 3 * 0.6) / 1e6) < 1e-12);
    assert.ok(s.latency_ms >= 110, `latency ${s.latency_ms}`);
    assert.deepEqual(s.input, messages);
    assert.equal(s.output, "Hello!");
    assert.equal(s.status, "ok");
    assert.equal(s.metadata.finish_reason, "stop");
    assert.equal(s.metadata.request_id, "req_fake_1");
  });

  it("streaming: chunks reach the app unchanged; the span gets time to first token, text and usage", async () => {
    const openai = wrapOpenAI(new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0 }), { client, pricing });
    const trace = client.startTrace({ name: "chat-turn" });
    const wrappedWithTrace = wrapOpenAI(new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0 }), { client, trace, pricing });
    const stream = await wrappedWithTrace.chat.completions.create({
      model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true },
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
    assert.equal(text, "Hello");
    trace.end({ output: text });
    // A stream the app stops reading early still ends its span.
    const early = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    for await (const _ of early) break;
    assert.equal(await client.flush(3000), true);
    const [t, e] = traces();
    assert.equal(t.name, "chat-turn");
    assert.equal(t.spans.length, 1);
    const s = t.spans[0];
    assert.equal(s.output, "Hello");
    assert.equal(s.input_tokens, 9);
    assert.equal(s.output_tokens, 2);
    assert.ok(s.time_to_first_token_ms >= 70 && s.time_to_first_token_ms <= s.latency_ms, JSON.stringify(s));
    assert.ok(s.latency_ms >= 120);
    assert.equal(s.metadata.stream, true);
    assert.equal(s.metadata.finish_reason, "stop");
    assert.ok(s.cost > 0);
    assert.equal(e.spans[0].metadata.stream_cancelled, true);
    assert.equal(e.spans[0].status, "ok");
  });

  it("errors: the app gets the same APIError; the span is an error with the message and status", async () => {
    const openai = wrapOpenAI(new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0 }), { client });
    await assert.rejects(openai.chat.completions.create({ model: "broken", messages: [] }), (e: any) => e instanceof OpenAI.InternalServerError && e.status === 500);
    await assert.rejects(openai.chat.completions.create({ model: "limited", messages: [] }), (e: any) => e instanceof OpenAI.RateLimitError);
    assert.equal(await client.flush(3000), true);
    const [a, b] = traces();
    assert.equal(a.status, "error");
    assert.equal(a.spans[0].status, "error");
    assert.match(a.spans[0].error_message, /The server had an error/);
    assert.equal(a.spans[0].metadata.http_status, 500);
    assert.equal(b.spans[0].metadata.http_status, 429);
  });

  it("responses and embeddings are recorded; captureContent:false sends no prompts or completions", async () => {
    const openai = wrapOpenAI(new OpenAI({ apiKey: "sk-test", baseURL, maxRetries: 0 }), { client, captureContent: false });
    const r = await openai.responses.create({ model: "gpt-4.1-mini", input: "secret prompt" });
    assert.equal(r.output_text, "Hi there");
    const emb = await openai.embeddings.create({ model: "text-embedding-3-small", input: "x", encoding_format: "float" });
    assert.deepEqual(emb.data[0].embedding, [0.1, 0.2]);
    // Methods that are not recorded still work through the proxy (the client's private fields included).
    assert.equal(typeof openai.models.list, "function");
    assert.equal((openai as any).buildURL("/chat/completions", null), `${baseURL}/chat/completions`);
    assert.equal(openai.baseURL, baseURL);
    assert.equal(await client.flush(3000), true);
    const [rt, et] = traces();
    assert.equal(rt.spans[0].name, "openai.responses.create");
    assert.equal(rt.spans[0].input_tokens, 5);
    assert.equal(rt.spans[0].output_tokens, 2);
    assert.equal(rt.spans[0].input, undefined);
    assert.equal(rt.spans[0].output, undefined);
    assert.equal(rt.input, undefined);
    assert.equal(et.spans[0].name, "openai.embeddings.create");
    assert.equal(et.spans[0].input_tokens, 4);
  });
});

// The client against a loopback stand-in: signing and headers, answers (429/503/5xx/4xx/network),
// bounded queue, flush/close, beforeSend and defaults, capture never throwing.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { BloopClient, describeError, normalizeEvent, parseRetryAfter, type BloopOptions } from "../src/index.js";
import { nodeHttpTransport, nodeSigner } from "../src/node/index.js";
import { OFFLINE_ENDPOINT, eventsOf, recordingLogger, sign, startStandIn, waitUntil, type StandIn } from "./helpers/standin.js";

const SECRET = "client-test-secret-0123456789";
let server: StandIn;

function client(extra: Partial<BloopOptions> = {}): BloopClient {
  return new BloopClient({
    endpoint: server.url, secret: SECRET, environment: "test", release: "2.0.0", source: "node",
    flushInterval: 60000, minBackoff: 50, maxBackoff: 200, signer: nodeSigner(), logger: false, ...extra,
  });
}

function failHere(message: string): never {
  throw new TypeError(message);
}

before(async () => {
  server = await startStandIn();
});
after(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  server.respond = () => undefined;
});

describe("sending", () => {
  it("posts a signed batch with the events' fields, X-Project-Key only when set", async () => {
    const c = client({ projectKey: "pk_live_123", appVersion: "2.0.0-web", buildNumber: "77" });
    try {
      failHere("card declined");
    } catch (e) {
      assert.equal(c.captureException(e, { route: "POST /pay", httpStatus: 502, requestId: "req-9", metadata: { order: 7 } }), true);
    }
    assert.equal(await c.flush(3000), true);
    const [req] = server.to("/v1/ingest/batch");
    assert.equal(req.method, "POST");
    assert.equal(req.headers["content-type"], "application/json");
    assert.equal(req.headers["x-signature"], sign(SECRET, req.raw));
    assert.equal(req.headers["x-project-key"], "pk_live_123");
    const [e] = req.json.events;
    assert.equal(e.error_type, "TypeError");
    assert.equal(e.message, "card declined");
    assert.equal(e.source, "node");
    assert.equal(e.environment, "test");
    assert.equal(e.release, "2.0.0");
    assert.equal(e.app_version, "2.0.0-web");
    assert.equal(e.build_number, "77");
    assert.equal(e.route_or_procedure, "POST /pay");
    assert.equal(e.http_status, 502);
    assert.equal(e.request_id, "req-9");
    assert.deepEqual(e.metadata, { order: 7 });
    assert.ok(Math.abs(e.timestamp - Date.now()) < 10000);
    assert.match(e.stack, /^ {4}at failHere \(.*client\.test\.ts:\d+:\d+\)\n/, "frames first, as V8 prints them");
    await c.close();

    server.requests.length = 0;
    const d = client();
    d.captureMessage("no key");
    await d.flush(3000);
    assert.equal(server.to("/v1/ingest/batch")[0].headers["x-project-key"], undefined);
    await d.close();
  });

  it("sends a full batch at once and the rest on the timer: 120 events go as [50, 50, 20]", async () => {
    const c = client({ flushInterval: 300 });
    for (let i = 0; i < 120; i++) c.captureMessage("Batch", `event ${i}`);
    await waitUntil(() => server.to("/v1/ingest/batch").length >= 2, 2000, "the two full batches");
    assert.equal(eventsOf(server).length, 100, "full batches do not wait for the timer");
    await waitUntil(() => eventsOf(server).length === 120, 3000, "the timer's partial batch");
    assert.deepEqual(server.to("/v1/ingest/batch").map((r) => r.json.events.length), [50, 50, 20]);
    assert.deepEqual(eventsOf(server).map((e) => e.message), Array.from({ length: 120 }, (_, i) => `event ${i}`));
    await c.close();
  });

  it("429 with Retry-After: waits that long, keeps the batch, then delivers it", async () => {
    server.respond = (_r, i) => (i === 0 ? { status: 429, headers: { "Retry-After": "1" } } : undefined);
    const log = recordingLogger();
    const c = client({ logger: log });
    c.captureMessage("Limited", "one");
    c.captureMessage("Limited", "two");
    assert.equal(await c.flush(200), false, "nothing is sent during the Retry-After wait");
    assert.equal(server.to("/v1/ingest/batch").length, 1);
    await waitUntil(() => server.to("/v1/ingest/batch").length === 2, 3000, "the retry");
    const [first, second] = server.to("/v1/ingest/batch");
    assert.ok(second.at - first.at >= 950, `retried after ${second.at - first.at} ms`);
    assert.equal(second.body, first.body, "the same batch, the same bytes");
    assert.equal(await c.flush(1000), true);
    assert.equal(c.stats().sent, 2);
    assert.equal(c.droppedEvents, 0);
    assert.ok(log.lines.some((l) => l.level === "warn" && l.message.includes("429")));
    await c.close();
  });

  it("503 without Retry-After: waits the default, then delivers", async () => {
    server.respond = (_r, i) => (i === 0 ? { status: 503 } : undefined);
    const c = client({ defaultRetryAfter: 400 });
    c.captureMessage("Busy", "x");
    const started = Date.now();
    assert.equal(await c.flush(3000), true);
    assert.ok(Date.now() - started >= 380, "waited the default Retry-After");
    assert.equal(server.to("/v1/ingest/batch").length, 2);
    await c.close();
  });

  it("a network error and 5xx answers are retried with backoff; the events are kept", async () => {
    server.respond = (_r, i) => (i === 0 ? "reset" : i === 1 ? { status: 500 } : i === 2 ? { status: 502 } : undefined);
    const c = client({ minBackoff: 100, maxBackoff: 1000 });
    c.captureMessage("Flaky", "kept");
    assert.equal(await c.flush(5000), true, "delivered after three failures");
    assert.equal(c.stats().sent, 1);
    assert.equal(server.to("/v1/ingest/batch").length, 4);
    const times = server.to("/v1/ingest/batch").map((r) => r.at);
    // Waits: jitter of 100, 200, 400 ms (between half and all of it): the third is at least 200 ms.
    assert.ok(times[3] - times[2] >= 190, `third wait ${times[3] - times[2]} ms`);
    assert.equal(c.droppedEvents, 0);
    await c.close();
  });

  it("a server that is down: flush times out and the events stay queued (not dropped)", async () => {
    const c = client({ endpoint: OFFLINE_ENDPOINT });
    c.captureMessage("Down", "a");
    c.captureMessage("Down", "b");
    assert.equal(await c.flush(300), false);
    assert.equal(c.pendingEvents, 2);
    assert.equal(c.droppedEvents, 0);
    assert.equal(await c.close(100), false);
    assert.equal(c.droppedEvents, 2, "what close could not send is counted");
  });

  it("401: the batch is dropped (never retried) and logged once", async () => {
    server.respond = () => ({ status: 401, body: '{"error":"bad signature"}' });
    const log = recordingLogger();
    const c = client({ logger: log, maxBatchSize: 2 });
    for (let i = 0; i < 4; i++) c.captureMessage("Unauthorized", `e${i}`);
    assert.equal(await c.flush(3000), true, "refused events are resolved");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(server.to("/v1/ingest/batch").length, 2, "two batches, no retry");
    assert.equal(c.stats().refused, 4);
    const errors = log.lines.filter((l) => l.level === "error");
    assert.equal(errors.length, 1, JSON.stringify(log.lines));
    assert.match(errors[0].message, /401/);
    await c.close();
  });

  it("400 and 413: dropped, not retried", async () => {
    server.respond = (_r, i) => ({ status: i === 0 ? 400 : 413 });
    const c = client({ maxBatchSize: 1 });
    c.captureMessage("Bad", "1");
    c.captureMessage("Bad", "2");
    assert.equal(await c.flush(3000), true);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(server.to("/v1/ingest/batch").length, 2);
    assert.equal(c.stats().refused, 2);
    await c.close();
  });

  it("a full queue drops the oldest events and counts them", async () => {
    const c = client({ maxQueueSize: 5 });
    for (let i = 0; i < 8; i++) c.captureMessage("Overflow", `event ${i}`);
    assert.equal(c.pendingEvents, 5);
    assert.equal(c.droppedEvents, 3);
    assert.equal(await c.flush(3000), true);
    assert.deepEqual(eventsOf(server).map((e) => e.message), ["event 3", "event 4", "event 5", "event 6", "event 7"]);
    await c.close();
  });

  it("events are capped so the server never refuses them for size", async () => {
    const c = client();
    c.capture({ error_type: "Big", message: "é".repeat(5000), stack: "    at x (a.js:1:1)\n".repeat(1000), metadata: { blob: "z".repeat(9000) },
      route_or_procedure: "r".repeat(5000), http_status: 999, fingerprint: "f".repeat(300), level: "fatal" } as any);
    assert.equal(await c.flush(3000), true);
    const [e] = eventsOf(server);
    assert.equal(Buffer.byteLength(e.message), 2048);
    assert.ok(Buffer.byteLength(e.stack) <= 8192);
    assert.deepEqual(Object.keys(e.metadata), ["bloop_metadata_dropped"]);
    assert.equal(e.fingerprint.length, 256);
    assert.equal(Buffer.byteLength(e.route_or_procedure), 1024);
    assert.equal(e.http_status, undefined, "an invalid status is not sent");
    assert.equal(e.level, undefined, "unknown fields are not sent (the server would refuse the event)");
    assert.ok(server.to("/v1/ingest/batch")[0].raw.length <= 32768);
    await c.close();
  });
});

describe("node:http transport (the Node entry's default)", () => {
  it("delivers signed bytes, honours Retry-After, retries a reset connection and a request past requestTimeout", async () => {
    server.respond = (_r, i) => (i === 0 ? { status: 429, headers: { "Retry-After": "1" } } : i === 1 ? "reset"
      : i === 2 ? { status: 200, delayMs: 1500 } : undefined);
    const c = client({ transport: nodeHttpTransport(), requestTimeout: 400, minBackoff: 50, maxBackoff: 100 });
    c.captureMessage("Http", "é ünïcode 日本");
    assert.equal(await c.flush(8000), true);
    const reqs = server.to("/v1/ingest/batch");
    assert.equal(reqs.length, 4);
    assert.ok(reqs[1].at - reqs[0].at >= 950, "waited Retry-After");
    for (const r of reqs) {
      assert.equal(r.headers["x-signature"], sign(SECRET, r.raw));
      assert.equal(r.headers["content-length"], String(r.raw.length));
    }
    assert.equal(eventsOf(server)[3].message, "é ünïcode 日本");
    assert.equal(c.stats().sent, 1);
    await c.close();
  });
});

describe("capture", () => {
  it("beforeSend can change or drop an event; processors and defaults apply first", async () => {
    const c = client({
      defaults: { screen: "Home", metadata: { tier: "pro" } },
      beforeSend: (e) => (e.message.includes("secret") ? null : { ...e, message: e.message.toUpperCase() }),
    });
    const remove = c.addEventProcessor((e) => ({ ...e, user_id_hash: "u-1" }));
    c.setDefaults({ appVersion: "9.9", screen: "Cart" });
    c.captureMessage("Shown", "hello", { metadata: { step: 2 } });
    c.captureMessage("Hidden", "a secret");
    remove();
    c.setDefaults({ screen: undefined });
    c.captureMessage("Later", "bye");
    assert.equal(await c.flush(3000), true);
    const [a, b] = eventsOf(server);
    assert.equal(a.message, "HELLO");
    assert.equal(a.screen, "Cart");
    assert.equal(a.app_version, "9.9");
    assert.equal(a.user_id_hash, "u-1");
    assert.deepEqual(a.metadata, { tier: "pro", step: 2 });
    assert.equal(b.message, "BYE");
    assert.equal(b.screen, undefined);
    assert.equal(b.user_id_hash, undefined);
    assert.equal(eventsOf(server).length, 2);
    assert.equal(c.stats().filtered, 1);
    await c.close();
  });

  it("never throws into the app: a throwing beforeSend, odd values, hostile errors", async () => {
    const log = recordingLogger();
    const c = client({ logger: log, beforeSend: (e) => { if (e.error_type === "Boom") throw new Error("bad hook"); return e; } });
    assert.doesNotThrow(() => c.captureMessage("Boom", "x"));
    const hostile = { get message(): string { throw new Error("no"); }, stack: "x" };
    assert.doesNotThrow(() => c.captureException(hostile));
    const circular: any = { a: 1 };
    circular.self = circular;
    assert.doesNotThrow(() => c.captureMessage("Circular", "m", { metadata: circular }));
    assert.doesNotThrow(() => c.captureException("a plain string"));
    assert.doesNotThrow(() => c.captureException(undefined));
    assert.doesNotThrow(() => c.captureException(42));
    assert.equal(await c.flush(3000), true);
    const events = eventsOf(server);
    const byType = new Map(events.map((e) => [e.message, e]));
    assert.ok(log.lines.some((l) => l.message.includes("bad hook")));
    assert.equal(events.find((e) => e.error_type === "Circular").metadata.bloop_metadata_dropped.startsWith("not serializable"), true);
    assert.equal(byType.get("a plain string").error_type, "Error");
    assert.ok(events.some((e) => /Non-Error value thrown \(undefined\)/.test(e.message)));
    assert.ok(events.some((e) => /Non-Error value thrown \(number\): 42/.test(e.message)));
    await c.close();
  });

  it("the same Error object is reported once", async () => {
    const c = client();
    const err = new Error("once");
    assert.equal(c.captureException(err), true);
    assert.equal(c.captureException(err), false);
    assert.equal(c.wasCaptured(err), true);
    await c.flush(3000);
    assert.equal(eventsOf(server).length, 1);
    await c.close();
  });

  it("close uninstalls integrations in reverse order, drains, and later captures are no-ops", async () => {
    const c = client();
    const order: string[] = [];
    c.addIntegration({ name: "a", setup: () => () => order.push("a") });
    const removeB = c.addIntegration({ name: "b", setup: () => () => order.push("b") });
    c.addIntegration({ name: "c", setup: () => () => order.push("c") });
    c.addIntegration({ name: "broken", setup: () => { throw new Error("cannot install"); } });
    assert.equal(c.getIntegration("broken"), undefined);
    removeB();
    assert.deepEqual(order, ["b"]);
    c.captureMessage("Before", "close");
    const closing = c.close(3000);
    assert.equal(c.close(), closing, "idempotent");
    assert.deepEqual(order, ["b", "c", "a"]);
    assert.equal(c.captureMessage("After", "close"), false);
    assert.equal(await closing, true);
    assert.deepEqual(eventsOf(server).map((e) => e.error_type), ["Before"]);
    assert.equal(c.addIntegration({ name: "late", setup: () => { throw new Error("not called"); } }).length, 0);
  });

  it("flush resolves false on timeout while a request hangs, then true once it answers", async () => {
    server.respond = () => ({ status: 200, delayMs: 700, body: '{"accepted":1,"errors":[]}' });
    const c = client();
    c.captureMessage("Slow", "x");
    assert.equal(await c.flush(150), false);
    assert.equal(await c.flush(3000), true);
    await c.close();
  });

  it("sendNow sends synchronously even when the signer is asynchronous and never settles (a page being unloaded)", async () => {
    const requests: any[] = [];
    const c = client({
      signer: () => new Promise<string>(() => {}),
      transport: async (req) => {
        requests.push(req);
        return { status: 200 };
      },
    });
    for (let i = 0; i < 130; i++) c.captureMessage("Unload", `e${i}`);
    // The first full batch was taken by the background sender (stuck in the signer); sendNow sends
    // the next two batches before returning.
    c.sendNow();
    assert.equal(requests.length, 2, "two batches left before sendNow returned");
    assert.deepEqual(requests.map((r) => JSON.parse(r.body).events.length), [50, 30]);
    assert.equal(JSON.parse(requests[0].body).events[0].message, "e50");
    for (const r of requests) assert.equal(r.headers["X-Signature"], sign(SECRET, r.body), "signed synchronously in pure JS");
    await c.close(100);
  });

  it("per-event refusals in a 200 answer are logged", async () => {
    server.respond = () => ({ status: 200, body: '{"accepted":0,"errors":[{"index":0,"error":"message must not be empty","field":"message"}]}' });
    const log = recordingLogger();
    const c = client({ logger: log });
    c.captureMessage("X", "y");
    await c.flush(3000);
    assert.ok(log.lines.some((l) => l.level === "warn" && l.message.includes("message must not be empty")));
    await c.close();
  });

  it("validates options and can be disabled", () => {
    assert.throws(() => new BloopClient({ endpoint: "ftp://x", secret: "s", environment: "e", release: "r" }), /endpoint/);
    assert.throws(() => new BloopClient({ endpoint: "http://x", secret: "", environment: "e", release: "r" }), /secret/);
    assert.throws(() => new BloopClient({ endpoint: "http://x", secret: "s", environment: "e", release: "r", source: "Web App" }), /source/);
    assert.throws(() => new BloopClient({ endpoint: "http://x", secret: "s", environment: "e", release: "r", maxBatchSize: 51 }), /maxBatchSize/);
    const off = new BloopClient({ enabled: false } as BloopOptions);
    assert.equal(off.captureMessage("x"), false);
  });
});

describe("stacks and helpers", () => {
  it("V8 stacks lose their header line; causes follow as 'Caused by:'; other engines' stacks are kept raw", () => {
    const inner = new RangeError("low level");
    const outer = Object.assign(new Error("multi\nline message"), { cause: inner });
    const d = describeError(outer);
    assert.equal(d.errorType, "Error");
    assert.equal(d.message, "multi\nline message");
    assert.match(d.stack!, /^ {4}at /);
    assert.match(d.stack!, /\nCaused by: RangeError: low level\n {4}at /);
    const firefox = { name: "TypeError", message: "x is undefined", stack: "priceOf@https://shop.example/app.min.js:1:2345\n@https://shop.example/app.min.js:1:99\n" };
    assert.equal(describeError(firefox).stack, firefox.stack);
    const changed = new Error("before");
    changed.message = "after";
    assert.match(describeError(changed).stack!, /^ {4}at /);
    const sys = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    assert.deepEqual(describeError(sys).metadata, { error_code: "ECONNREFUSED" });
  });

  it("Retry-After in seconds or as an HTTP date", () => {
    assert.equal(parseRetryAfter("3", 60000), 3000);
    assert.equal(parseRetryAfter(null, 60000), 60000);
    assert.equal(parseRetryAfter("soon", 60000), 60000);
    const now = Date.parse("2026-01-01T00:00:00Z");
    assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", 60000, now), 5000);
  });

  it("normalizeEvent keeps only the server's fields and fills what is required", () => {
    const e = normalizeEvent({ source: "web", environment: "p", release: "1", error_type: " ", message: "", extra: 1, screen: null } as any);
    assert.equal(e.error_type, "Error");
    assert.equal(e.message, "(no message)");
    assert.equal((e as any).extra, undefined);
    assert.equal("screen" in e, false);
    assert.equal(typeof e.timestamp, "number");
  });
});

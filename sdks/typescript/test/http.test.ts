// Server integrations: the Express error middleware on a real express app, and the fetch-handler wrapper.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { after, before, beforeEach, describe, it } from "node:test";
import { BloopClient, expressErrorHandler, wrapFetchHandler } from "../src/index.js";
import { nodeSigner } from "../src/node/index.js";
import { eventsOf, startStandIn, type StandIn } from "./helpers/standin.js";

let bloop: StandIn;
let client: BloopClient;

before(async () => {
  bloop = await startStandIn();
  client = new BloopClient({
    endpoint: bloop.url, secret: "http-test-secret-0123456789", environment: "test", release: "5.0.0", source: "api",
    signer: nodeSigner(), flushInterval: 60000, logger: false,
  });
});
after(async () => {
  await client.close();
  await bloop.close();
});
beforeEach(() => {
  bloop.requests.length = 0;
});

function lookUpInvoice(id: string): never {
  throw new Error(`invoice ${id} has no customer`);
}

describe("expressErrorHandler (express 5)", () => {
  let app: Server;
  let base: string;
  before(async () => {
    const e = express();
    const api = express.Router();
    api.get("/invoices/:id", (req) => lookUpInvoice(String(req.params.id)));
    api.get("/missing", () => {
      throw Object.assign(new Error("no such thing"), { status: 404 });
    });
    api.post("/async", async () => {
      await new Promise((r) => setTimeout(r, 5));
      throw Object.assign(new Error("upstream unavailable"), { statusCode: 503 });
    });
    e.use("/api", api);
    e.use(expressErrorHandler({ client }));
    // The app's own final error handler still answers.
    e.use((err: any, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(err.status ?? err.statusCode ?? 500).json({ error: err.message });
    });
    await new Promise<void>((resolve) => {
      app = e.listen(0, "127.0.0.1", () => resolve());
    });
    base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => app.close(() => r())));

  it("reports the route pattern, request id and status; the app's answer is unchanged", async () => {
    const res = await fetch(`${base}/api/invoices/42?expand=1`, { headers: { "X-Request-Id": "req-abc" } });
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: "invoice 42 has no customer" });
    const async = await fetch(`${base}/api/async`, { method: "POST" });
    assert.equal(async.status, 503);
    assert.equal(await client.flush(3000), true);
    const [e, f] = eventsOf(bloop);
    assert.equal(e.error_type, "Error");
    assert.equal(e.message, "invoice 42 has no customer");
    assert.equal(e.route_or_procedure, "GET /api/invoices/:id");
    assert.equal(e.request_id, "req-abc");
    assert.equal(e.http_status, 500);
    assert.match(e.stack, /^ {4}at lookUpInvoice \(/);
    assert.equal(f.route_or_procedure, "POST /api/async");
    assert.equal(f.http_status, 503);
    assert.equal(f.request_id, undefined);
  });

  it("does not report client errors (4xx) by default", async () => {
    const res = await fetch(`${base}/api/missing`);
    assert.equal(res.status, 404);
    assert.equal(await client.flush(1000), true);
    assert.equal(eventsOf(bloop).length, 0);
  });
});

describe("wrapFetchHandler", () => {
  it("reports a thrown error with route, request id and 500, and throws it on unchanged", async () => {
    const boom = new TypeError("cannot read total");
    const handler = wrapFetchHandler(async (req: Request) => {
      if (new URL(req.url).pathname === "/ok") return new Response("fine", { status: 200 });
      throw boom;
    }, { client });
    const ok = await handler(new Request("http://app.local/ok"));
    assert.equal(await ok.text(), "fine");
    await assert.rejects(handler(new Request("http://app.local/orders/7?x=1", { method: "PUT", headers: { "x-request-id": "r-7" } })),
      (e) => e === boom);
    assert.equal(await client.flush(3000), true);
    const [e] = eventsOf(bloop);
    assert.equal(eventsOf(bloop).length, 1);
    assert.equal(e.error_type, "TypeError");
    assert.equal(e.route_or_procedure, "PUT /orders/7");
    assert.equal(e.request_id, "r-7");
    assert.equal(e.http_status, 500);
  });

  it("can report 5xx answers and name routes by pattern", async () => {
    const handler = wrapFetchHandler(() => new Response("down", { status: 502 }), {
      client, shouldCapture: (s) => s >= 500, route: () => "GET /health/:probe",
    });
    const res = await handler(new Request("http://app.local/health/db"));
    assert.equal(res.status, 502);
    await client.flush(3000);
    const [e] = eventsOf(bloop);
    assert.equal(e.error_type, "HttpError");
    assert.equal(e.route_or_procedure, "GET /health/:probe");
    assert.equal(e.http_status, 502);
  });
});

// The shared vectors of sdks/conformance/ (also checked by bloop-api), through this SDK: its default
// signer, and events sent by a client made with init() to a loopback stand-in.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { close, init, pureSigner } from "../src";
import { sign, startStandIn, type StandIn } from "./helpers/standin";

const vectors = JSON.parse(readFileSync(join(__dirname, "..", "..", "conformance", "vectors.json"), "utf8"));
const SECRET = "conformance-secret-0123456789";
const table = (cases: any[]): Array<[string, any]> => cases.map((c) => [c.name, c]);

let server: StandIn;
beforeAll(async () => {
  server = await startStandIn();
});
afterAll(() => server.close());
afterEach(async () => {
  await close(100);
  server.requests.length = 0;
});

function client(extra: Record<string, unknown> = {}) {
  return init({
    endpoint: server.url, secret: SECRET, environment: "test", release: "1.0.0", flushInterval: 60000,
    storage: false, logger: false, autoCapture: false, flushOnBackground: false, ...extra,
  });
}

test("the vectors' limits are the ones the SDK applies", () => {
  expect(vectors.limits).toEqual({
    message_bytes: 2048, stack_bytes: 8192, metadata_bytes: 4096, fingerprint_chars: 256, body_bytes: 32768, batch_events: 50,
  });
});

describe.each(table(vectors.hmac))("HMAC %s", (_name, c: any) => {
  test("the default React Native signer (pure JS, for Hermes) gives the expected hex", async () => {
    const bytes = new Uint8Array(Buffer.from(c.body, "utf8"));
    expect(bytes.length).toBe(c.body_utf8_bytes);
    expect(await pureSigner(c.secret, bytes)).toBe(c.expected_hex);
  });
});

test("a client from init() signs the exact body bytes with the pure-JS signer, no X-Project-Key by default", async () => {
  const c = client();
  c.captureMessage("Signed", "ünïcode 🔑 body");
  expect(await c.flush(5000)).toBe(true);
  const req = server.requests[0];
  expect(req.headers["x-signature"]).toBe(sign(SECRET, req.body));
  expect(req.headers["content-type"]).toBe("application/json");
  expect(req.headers["x-project-key"]).toBeUndefined();
});

describe.each(table(vectors.caps))("cap %s", (_name, c: any) => {
  test("the event arrives with the field cut at a character boundary", async () => {
    const cl = client({ deviceMetadata: false });
    cl.capture({ error_type: "CapError", message: "m", [c.field]: c.input });
    expect(await cl.flush(5000)).toBe(true);
    const got = server.events()[0][c.field];
    expect(got).toBe(c.expected);
    expect(Buffer.byteLength(got, "utf8")).toBe(c.expected_utf8_bytes);
  });
});

describe.each(table(vectors.metadata))("metadata %s", (_name, c: any) => {
  test("kept under the cap, replaced over it (device facts never push it over)", async () => {
    const cl = client();
    cl.capture({ error_type: "MetaError", message: "m", metadata: c.input });
    expect(await cl.flush(5000)).toBe(true);
    const got = server.events()[0].metadata;
    if (c.expected === "unchanged") {
      expect(got).toMatchObject(c.input);
      expect(got.os).toBe("ios");
    } else {
      expect(Object.keys(got)).toEqual(["bloop_metadata_dropped"]);
      expect(got.bloop_metadata_dropped).toMatch(/\d+ bytes/);
    }
  });
});

describe.each(table(vectors.batching))("batching %s", (_name, c: any) => {
  test("sent in the expected batches, in order, each body within the limits", async () => {
    const cl = client({ deviceMetadata: false, maxQueueSize: 1000 });
    for (const e of c.events) cl.capture(e);
    expect(await cl.flush(15000)).toBe(true);
    expect(server.batches()).toEqual(c.expected_batches);
    for (const r of server.requests) {
      expect(Buffer.byteLength(r.body, "utf8")).toBeLessThanOrEqual(c.max_body_bytes);
      expect(r.headers["x-signature"]).toBe(sign(SECRET, r.body));
    }
    expect(server.events()).toEqual(c.events);
  });
});

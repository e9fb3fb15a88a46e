// The shared vectors of sdks/conformance/ (also checked by bloop-api): signing, caps, batching.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { webcrypto } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  BloopClient, capMetadata, hmacSha256Hex, normalizeEvent, planBatches, pureSigner, queuedItem, subtleSigner,
  truncateUtf8, utf8Encode, utf8EncodeJs, utf8Length, LIMITS,
} from "../src/index.js";
import { nodeSigner } from "../src/node/index.js";
import { eventsOf, sign, startStandIn, type StandIn } from "./helpers/standin.js";

const vectors = JSON.parse(readFileSync(new URL("../../conformance/vectors.json", import.meta.url), "utf8"));

describe("conformance vectors", () => {
  it("the limits match the SDK's", () => {
    assert.equal(vectors.limits.message_bytes, LIMITS.messageBytes);
    assert.equal(vectors.limits.stack_bytes, LIMITS.stackBytes);
    assert.equal(vectors.limits.metadata_bytes, LIMITS.metadataBytes);
    assert.equal(vectors.limits.fingerprint_chars, LIMITS.fingerprintChars);
    assert.equal(vectors.limits.body_bytes, LIMITS.bodyBytes);
    assert.equal(vectors.limits.batch_events, LIMITS.batchEvents);
  });

  for (const c of vectors.hmac) {
    it(`HMAC ${c.name}: node:crypto, crypto.subtle and pure-JS signers agree with the vector`, async () => {
      const body = utf8Encode(c.body);
      assert.equal(body.length, c.body_utf8_bytes);
      assert.deepEqual(utf8EncodeJs(c.body), body, "the fallback UTF-8 encoder");
      assert.equal(utf8Length(c.body), c.body_utf8_bytes);
      assert.equal(await nodeSigner()(c.secret, body), c.expected_hex);
      assert.equal(await subtleSigner(webcrypto.subtle as any)(c.secret, body), c.expected_hex);
      assert.equal(await pureSigner(c.secret, body), c.expected_hex);
    });
  }

  it("the pure-JS HMAC handles keys longer than the block and bodies across block edges", () => {
    for (const [keyLen, bodyLen] of [[131, 0], [64, 55], [65, 56], [1, 64], [200, 1000], [3, 119]]) {
      const key = "k€".repeat(keyLen).slice(0, keyLen);
      const body = new Uint8Array(bodyLen).map((_, i) => (i * 7) & 255);
      assert.equal(hmacSha256Hex(key, body), sign(key, Buffer.from(body)), `key ${keyLen}, body ${bodyLen}`);
    }
  });

  for (const c of vectors.caps) {
    it(`cap ${c.name}: ${c.field} truncated to ${c.expected_utf8_bytes} UTF-8 bytes without splitting a character`, () => {
      assert.equal(truncateUtf8(c.input, c.max_bytes), c.expected);
      const event = normalizeEvent({ timestamp: 1, source: "node", environment: "t", release: "1", error_type: "E", message: "m", [c.field]: c.input });
      const value = (event as any)[c.field];
      assert.equal(value, c.expected);
      assert.equal(Buffer.byteLength(value, "utf8"), c.expected_utf8_bytes);
    });
  }

  for (const c of vectors.metadata) {
    it(`metadata ${c.name}`, () => {
      const got = capMetadata(c.input, c.max_bytes);
      if (c.expected === "unchanged") {
        assert.deepEqual(got, c.input);
      } else {
        assert.deepEqual(Object.keys(got!), ["bloop_metadata_dropped"]);
        assert.equal(typeof got!.bloop_metadata_dropped, "string");
        assert.match(got!.bloop_metadata_dropped as string, /\d+ bytes/);
      }
    });
  }

  for (const c of vectors.batching) {
    it(`batching ${c.name}: planned as ${JSON.stringify(c.expected_batches)}`, () => {
      const items = c.events.map((e: unknown) => queuedItem(JSON.stringify(e)));
      assert.deepEqual(planBatches("events", items, c.max_events, c.max_body_bytes), c.expected_batches);
    });
  }

  describe("batching through the client to a loopback server", () => {
    let server: StandIn;
    before(async () => {
      server = await startStandIn();
    });
    after(() => server.close());

    for (const c of vectors.batching) {
      it(`${c.name}: sent as ${JSON.stringify(c.expected_batches)} signed batches of the vector's bytes`, async () => {
        server.requests.length = 0;
        const client = new BloopClient({
          endpoint: server.url, secret: "conformance-secret", environment: "test", release: "1.0.0", source: "api",
          flushInterval: 60000, signer: nodeSigner(), logger: false,
        });
        for (const e of c.events) assert.equal(client.capture(e), true);
        assert.equal(await client.flush(5000), true);
        await client.close();
        const batches = server.to("/v1/ingest/batch");
        assert.deepEqual(batches.map((r) => r.json.events.length), c.expected_batches);
        for (const r of batches) {
          assert.ok(r.raw.length <= c.max_body_bytes, `body of ${r.raw.length} bytes`);
          assert.equal(r.headers["x-signature"], sign("conformance-secret", r.raw));
        }
        // Byte-compatible with the vectors' compact JSON (body_of in generate.py).
        const expectedFirst = '{"events":[' + c.events.slice(0, c.expected_batches[0]).map((e: unknown) => JSON.stringify(e)).join(",") + "]}";
        assert.equal(batches[0].body, expectedFirst);
        assert.deepEqual(eventsOf(server), c.events);
      });
    }
  });
});

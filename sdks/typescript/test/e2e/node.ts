// End to end against a real bloop started from the built jar: real Node errors arrive as issues,
// one throw site reached from two call paths is one issue, another throw site is another issue.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { after, before, describe, it } from "node:test";
import { BloopClient } from "../../src/index.js";
import { init } from "../../src/node/index.js";
import { waitForGroups, type Bloop } from "../helpers/bloop.js";

const release = `node-e2e-${Date.now()}`;

// The app code whose errors are reported.
function parsePrice(input: string): number {
  const n = Number(input);
  if (Number.isNaN(n)) throw new TypeError(`price must be a number, got a ${typeof input} of length ${input.length}`);
  return n;
}
function checkout(input: string): number {
  return parsePrice(input) * 2;
}
function importCatalog(rows: string[]): number[] {
  return rows.map((r) => parsePrice(r));
}
function reserveSeat(seat: number): never {
  throw new RangeError(`seat ${seat} does not exist`);
}

export function nodeE2E(server: () => Bloop): void {
  describe("Node errors in a real bloop", () => {
    let bloop: Bloop;
    let client: BloopClient;
    before(() => {
      bloop = server();
      client = init({
        endpoint: bloop.url, secret: bloop.secret, environment: "e2e", release, flushInterval: 200,
        autoCapture: false, flushOnExit: false,
      });
    });
    after(() => client.close());

    it("the same throw site from two call paths is one issue; another site is another issue", async () => {
      try {
        checkout("12,50");
      } catch (e) {
        client.captureException(e, { route: "POST /checkout", httpStatus: 400 });
      }
      try {
        importCatalog(["3", "n/a"]);
      } catch (e) {
        client.captureException(e);
      }
      try {
        reserveSeat(99);
      } catch (e) {
        client.captureException(e);
      }
      client.captureMessage("PaymentTimeout", "gateway did not answer in 30 s");
      assert.equal(await client.flush(5000), true);
      assert.equal(client.stats().sent, 4);

      const groups = await waitForGroups(bloop, `?release=${release}`, (g) => g.length >= 3 && g.some((x) => x.error_type === "TypeError" && x.total_count === 2));
      assert.equal(groups.length, 3, JSON.stringify(groups));
      const typeErr = groups.find((g) => g.error_type === "TypeError");
      assert.equal(typeErr.total_count, 2, "two call paths into parsePrice: one issue");
      assert.equal(typeErr.source, "node");
      assert.equal(typeErr.last_release, release);
      assert.match(typeErr.message, /^price must be a number, got a string of length \d+$/);
      const range = groups.find((g) => g.error_type === "RangeError");
      assert.equal(range.total_count, 1);
      assert.notEqual(range.fingerprint, typeErr.fingerprint);
      assert.ok(groups.some((g) => g.error_type === "PaymentTimeout" && g.message === "gateway did not answer in 30 s"));

      const detail = await bloop.get(`/v1/errors/${typeErr.fingerprint}`);
      assert.equal(detail.status, 200);
      const samples = detail.json.samples;
      assert.equal(samples.length, 2);
      for (const s of samples) {
        assert.equal(s.environment, "e2e");
        assert.equal(s.release, release);
        assert.equal(s.source, "node");
        assert.match(s.stack, /^ {4}at parsePrice \(/);
      }
      const withRoute = samples.find((s: any) => s.route_or_procedure === "POST /checkout");
      assert.ok(withRoute, JSON.stringify(samples));
      assert.equal(withRoute.http_status, 400);
      assert.ok(samples.some((s: any) => /\n {4}at checkout \(/.test(s.stack)), "one call path through checkout");
      assert.ok(samples.some((s: any) => /\n {4}at importCatalog \(/.test(s.stack)), "the other through importCatalog");
    });

    it("examples/node.mjs runs against it and its events arrive", async () => {
      const script = fileURLToPath(new URL("../../examples/node.mjs", import.meta.url));
      const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, [script], {
          env: { PATH: process.env.PATH, BLOOP_ENDPOINT: bloop.url, BLOOP_SECRET: bloop.secret, BLOOP_ENVIRONMENT: "example", BLOOP_RELEASE: release },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("exit", (code) => resolve({ code, out }));
      });
      assert.equal(result.code, 0, result.out);
      assert.match(result.out, /sent to bloop/);
      const groups = await waitForGroups(bloop, `?release=${release}&environment=example`, (g) => g.length === 2);
      assert.deepEqual(groups.map((g) => g.error_type).sort(), ["ExampleError", "TypeError"]);
    });

    it("a crashing Node process (uncaught exception) is reported before it exits 1", async () => {
      const script = fileURLToPath(new URL("../fixtures/node/uncaught.mjs", import.meta.url));
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [script], {
          env: { PATH: process.env.PATH, BLOOP_ENDPOINT: bloop.url, BLOOP_SECRET: bloop.secret, BLOOP_ENVIRONMENT: "e2e-crash", BLOOP_RELEASE: release },
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.on("exit", (code) => resolve({ code, stderr }));
      });
      assert.equal(result.code, 1, result.stderr);
      const groups = await waitForGroups(bloop, `?release=${release}&environment=e2e-crash`, (g) => g.length === 1);
      assert.equal(groups[0].error_type, "TypeError");
      assert.equal(groups[0].message, "card declined in child");
      const detail = await bloop.get(`/v1/errors/${groups[0].fingerprint}`);
      assert.deepEqual(detail.json.samples[0].metadata, { unhandled: true, mechanism: "uncaughtException" });
    });
  });
}

// Crash tests in child processes (test/crash/app.js on a React Native runtime stand-in, see
// runtime.js), using the built package (lib/): the app dies exactly as it would without the SDK,
// the crash is stored first, and the next start sends it.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { line, runApp, storedEvents } from "./helpers/app";
import { OFFLINE_ENDPOINT, sign, startStandIn, type StandIn } from "./helpers/standin";

const SECRET = "crash-test-secret-0123456789";

beforeAll(() => {
  if (!existsSync(join(__dirname, "..", "lib", "index.js"))) {
    throw new Error("lib/ is not built: run `npm run build` (test.sh does) before these tests");
  }
});

let dir: string;
let server: StandIn;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "bloop-rn-crash-"));
  server = await startStandIn();
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test("without the SDK, React Native's handler ends the app at once (the baseline)", async () => {
  const run = await runApp({ APP_ACTION: "crash" });
  expect(run.signal).toBe("SIGKILL");
  const handler = JSON.parse(line(run, "RN_DEFAULT_HANDLER")!);
  expect(handler).toMatchObject({ message: "Cannot read properties of undefined (reading 'card')", isFatal: true });
  expect(handler.at - Number(line(run, "APP_CRASHING"))).toBeLessThan(100);
});

test("bloop unreachable: the app ends the same way after the bounded flush, the crash stored; the next start sends it", async () => {
  const storage = join(dir, "storage.json");
  const offline = OFFLINE_ENDPOINT;
  const crashed = await runApp({
    APP_SDK: "1", APP_ACTION: "crash", BLOOP_ENDPOINT: offline, BLOOP_SECRET: SECRET, APP_STORAGE: storage,
    APP_VERSION: "1.0.0", SHUTDOWN_TIMEOUT: "700",
  });
  expect(crashed.signal).toBe("SIGKILL"); // as without the SDK
  const handler = JSON.parse(line(crashed, "RN_DEFAULT_HANDLER")!); // the previous handler was called
  expect(handler).toMatchObject({ isFatal: true, message: "Cannot read properties of undefined (reading 'card')" });
  const waited = handler.at - Number(line(crashed, "APP_CRASHING"));
  expect(waited).toBeGreaterThanOrEqual(650); // it waited for the flush (700 ms), bounded
  expect(waited).toBeLessThan(5000);
  const stored = storedEvents(storage);
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({
    source: "android", release: "shop-android@1.0.0", app_version: "1.0.0", screen: "Checkout",
    error_type: "TypeError", message: "Cannot read properties of undefined (reading 'card')",
    metadata: { fatal: true, handled: false, mechanism: "ErrorUtils", device_model: "Google Pixel 8", os_version: "14" },
  });
  expect(stored[0].stack).toMatch(/^ {4}at chargeCard \(.*app\.js:\d+:\d+\)\n {4}at onPressPay /);

  // Next start, a newer version, bloop reachable.
  const started = await runApp({
    APP_SDK: "1", APP_ACTION: "start", BLOOP_ENDPOINT: server.url, BLOOP_SECRET: SECRET, APP_STORAGE: storage,
    APP_VERSION: "1.0.1",
  });
  expect(started.code).toBe(0);
  expect(JSON.parse(line(started, "APP_STARTED")!)).toMatchObject({ restored: 1, flushed: true, stats: { sent: 1 } });
  expect(server.events()).toEqual(stored); // exactly as it was at the crash (time, version, screen)
  expect(server.requests[0].headers["x-signature"]).toBe(sign(SECRET, server.requests[0].body));
  expect(storedEvents(storage)).toEqual([]);
});

test("bloop reachable: the crash is delivered before the app dies, and not again at the next start", async () => {
  const storage = join(dir, "storage.json");
  const crashed = await runApp({
    APP_SDK: "1", APP_ACTION: "crash", BLOOP_ENDPOINT: server.url, BLOOP_SECRET: SECRET, APP_STORAGE: storage,
    SHUTDOWN_TIMEOUT: "10000", // the bound: the app goes on dying as soon as the event is sent
  });
  expect(crashed.signal).toBe("SIGKILL");
  expect(line(crashed, "RN_DEFAULT_HANDLER")).toBeDefined();
  expect(server.events()).toHaveLength(1);
  expect(server.events()[0]).toMatchObject({ error_type: "TypeError", metadata: { fatal: true } });
  expect(storedEvents(storage)).toEqual([]);
  const started = await runApp({
    APP_SDK: "1", APP_ACTION: "start", BLOOP_ENDPOINT: server.url, BLOOP_SECRET: SECRET, APP_STORAGE: storage,
  });
  expect(JSON.parse(line(started, "APP_STARTED")!)).toMatchObject({ restored: 0, flushed: true });
  expect(server.events()).toHaveLength(1);
});
